/**
 * The git side of `pipeline plan`: the questions event resolution asks (answered through
 * scripts/io/git.ts's object reader where it can), the files of a commit (the workflows GitHub would
 * run, the root manifest), and the one object a plan writes: the merge commit GitHub would test for a
 * pull request (`git merge-tree --write-tree` + `git commit-tree`: no ref, no working-tree change).
 */
import type { EventGit } from '../../plan/resolve-event.js';
import { isWorkflowFileName, WORKFLOWS_DIR, type WorkflowFile } from '../../plan/workflow-files.js';
import { parseTree } from '../../core/git/tree.js';
import { type Git, openGit, runGit } from '../git.js';

/** A git command's outcome as the plan reads it: whether it succeeded, and what it printed. */
async function execGit(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ ok: boolean; stdout: string }> {
  const r = await runGit(cwd, args, env);
  return { ok: r.code === 0, stdout: r.stdout };
}

/** Symbolic links and submodules in the workflows folder are not workflow files. */
const REGULAR_FILE = /^100(644|755)$/;

export class PlanGit implements EventGit {
  private constructor(private readonly git: Git) {}

  /** The repository holding `cwd`; an InputError when there is none. Call close() when done. */
  static async open(cwd: string): Promise<PlanGit> {
    return new PlanGit(await openGit(cwd));
  }

  /** The top level of the working tree. */
  get root(): string {
    return this.git.root;
  }

  resolveCommit(rev: string): Promise<string | undefined> {
    return this.git.resolveCommit(rev);
  }

  async currentBranch(): Promise<string | undefined> {
    const r = await execGit(this.root, ['symbolic-ref', '--short', '-q', 'HEAD']);
    return r.ok && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
  }

  mergeBase(a: string, b: string): Promise<string | undefined> {
    return this.git.mergeBase(a, b);
  }

  async changedFiles(base: string, head: string): Promise<string[]> {
    return (await this.git.diffNames(base, head)).split('\0').filter((p) => p !== '');
  }

  async mergeCommit(base: string, head: string): Promise<string | undefined> {
    const tree = await execGit(this.root, ['merge-tree', '--write-tree', '--no-messages', base, head]);
    if (!tree.ok) return undefined;
    const treeSha = tree.stdout.split('\n')[0]?.trim() ?? '';
    // Fixed identity and the head's date: the same PR plans to the same merge SHA.
    const date = (await execGit(this.root, ['show', '-s', '--format=%cI', head])).stdout.trim();
    const who = { GIT_AUTHOR_NAME: 'GitHub', GIT_AUTHOR_EMAIL: 'noreply@github.com', GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' };
    const commit = await execGit(this.root, ['commit-tree', treeSha, '-p', base, '-p', head, '-m', `Merge ${head} into ${base}`], {
      ...who,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
    return commit.ok ? commit.stdout.trim() : undefined;
  }

  remoteUrl(name: string): Promise<string | undefined> {
    return this.git.remoteUrl(name);
  }

  /** A file's text as it is in `rev` (`git show <rev>:<path>`), or undefined when it is not there. */
  async readFile(rev: string, path: string): Promise<string | undefined> {
    const [blob] = await this.git.readObjects([`${rev}:${path}`]);
    return blob?.type === 'blob' ? blob.content.toString('utf8') : undefined;
  }

  /** The workflow files of `commit`: what GitHub runs for an event on it, whatever the working tree holds. */
  async workflowFiles(commit: string): Promise<WorkflowFile[]> {
    const [tree] = await this.git.readObjects([`${commit}:${WORKFLOWS_DIR}`]);
    if (tree?.type !== 'tree') return [];
    const entries = parseTree(tree.content).filter((e) => REGULAR_FILE.test(e.mode) && isWorkflowFileName(e.name));
    const blobs = await this.git.readObjects(entries.map((e) => e.sha));
    return entries.flatMap((e, i) => {
      const blob = blobs[i];
      return blob?.type === 'blob' ? [{ path: `${WORKFLOWS_DIR}/${e.name}`, text: blob.content.toString('utf8') }] : [];
    });
  }

  close(): void {
    this.git.close();
  }
}
