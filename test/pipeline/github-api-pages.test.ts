/**
 * The lists of the GitHub API client (io/github-api.ts) against the GitHub stand-in (test/support/github/:
 * GitHub itself cannot be reached from here; every request and answer is checked against GitHub's OpenAPI
 * description): every page is read, and a list whose server never answers ends within the client's bound
 * (Octokit's paginate did not pass the abort signal on: `deploy status` and `release cut` waited forever).
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { GitHubApiError, githubApi } from '../../scripts/io/github-api.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github/server.js';

let github: GitHubStandIn;
beforeEach(async () => {
  github = await startGitHubStandIn({ owner: 'acme', repo: 'shop', commits: ['a'.repeat(40)] });
});
afterEach(async () => {
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
  }
});

const api = (timeoutMs = 10_000) => githubApi({ baseUrl: github.url, token: 'ghs_standin', repository: 'acme/shop', timeoutMs });

test('a list longer than a page: every page is read, none twice', async () => {
  const client = api();
  for (let i = 0; i < 205; i++) await client.createDraftRelease({ tag: `svc@1.0.${i}`, commit: 'a'.repeat(40), name: `svc ${i}`, body: '' });
  const listed = await client.listReleases();
  expect(listed).toHaveLength(205);
  expect(new Set(listed.map((r) => r.tagName)).size).toBe(205);
  const pages = github.requests().filter((q) => q.operation === 'repos/list-releases');
  expect(pages).toHaveLength(3);
});

test.each([
  ['releases', 'repos/list-releases', (c: ReturnType<typeof api>) => c.listReleases()],
  ['deployments', 'repos/list-deployments', (c: ReturnType<typeof api>) => c.deploymentPage('deploy:alpha', 'staging', 1)],
  ["a deployment's state", 'repos/list-deployment-statuses', (c: ReturnType<typeof api>) => c.deploymentState(1)],
] as const)('%s: a server that never answers ends within the bound, as a time-out', async (_name, operation, list) => {
  github.fail({ mode: 'hang', operation });
  const asked = list(api(500));
  await expect(asked).rejects.toThrow(GitHubApiError);
  await expect(asked).rejects.toMatchObject({ timedOut: true });
  await expect(asked).rejects.toThrow(/no answer within 0\.5 s/);
});
