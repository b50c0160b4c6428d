/**
 * Stands in for GitHub's compare API (`GET /repos/{owner}/{repo}/compare/{base}...{head}`), answered by git
 * in a real repository: GitHub's stand-in (test/support/github/) does not serve compare, whose response
 * schema is large. Commits and branch names resolve as git resolves them there; `branches` maps a branch
 * name to the revision that stands for it (the e2e suite's checkout is its `main`). Every other method of
 * the API fails the test that calls it.
 */
import { execFileSync } from 'node:child_process';
import type { Ancestry } from '../../scripts/core/images/publish.js';
import type { GitHubApi } from '../../scripts/io/github-api.js';

export function compareFrom(repo: string, branches: Readonly<Record<string, string>> = {}): GitHubApi {
  const rev = (r: string) => (Object.hasOwn(branches, r) ? (branches[r] ?? r) : r);
  const isAncestor = (a: string, b: string) => {
    try {
      execFileSync('git', ['merge-base', '--is-ancestor', rev(a), rev(b)], { cwd: repo, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const unused = (name: string) => () => Promise.reject(new Error(`${name} is not used by the publish leg`));
  return {
    tagCommit: unused('tagCommit'),
    createTag: unused('createTag'),
    findRelease: unused('findRelease'),
    listReleases: unused('listReleases'),
    deploymentPage: unused('deploymentPage'),
    deploymentState: unused('deploymentState'),
    createDeployment: unused('createDeployment'),
    createDeploymentStatus: unused('createDeploymentStatus'),
    dispatchWorkflow: unused('dispatchWorkflow'),
    createDraftRelease: unused('createDraftRelease'),
    updateReleaseBody: unused('updateReleaseBody'),
    publishRelease: unused('publishRelease'),
    async compare(base, head): Promise<Ancestry> {
      if (base === head) return 'identical';
      if (isAncestor(base, head)) return isAncestor(head, base) ? 'identical' : 'ahead';
      if (isAncestor(head, base)) return 'behind';
      return 'diverged';
    },
  };
}
