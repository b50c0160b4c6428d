/**
 * The tree of the commit a plan evaluates, checked out where the executed steps run: a temporary
 * `git worktree add --detach` (it shares the repository's objects, so `affected` sees the whole
 * history), created on first use and removed by remove(). The developer's working tree, index and
 * branches are never touched; hooks are off, so checking out runs nothing of the repository's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export class CommitCheckout {
  /** Where the tree is (or will be) checked out: `<tmp>/<repository folder name>`, like a runner's workspace. */
  readonly dir: string;
  private readonly parent: string;
  private created = false;

  constructor(
    private readonly root: string,
    private readonly commit: string,
    private readonly trace: (label: string) => void = () => {},
  ) {
    this.parent = mkdtempSync(join(tmpdir(), 'pipeline-plan-'));
    this.dir = join(this.parent, basename(root));
  }

  private git(args: readonly string[]): void {
    execFileSync('git', ['-c', 'core.hooksPath=/dev/null', ...args], {
      cwd: this.root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
  }

  /** The checked-out tree, created now if it is not yet. */
  ensure(): string {
    if (!this.created) {
      this.git(['worktree', 'add', '--detach', '--quiet', this.dir, this.commit]);
      this.created = true;
      this.trace('worktree checked out');
    }
    return this.dir;
  }

  /** Removes the worktree and its registration in the repository; safe to call more than once. */
  remove(): void {
    if (this.created) {
      try {
        this.git(['worktree', 'remove', '--force', this.dir]);
      } catch {
        rmSync(this.dir, { recursive: true, force: true });
        this.git(['worktree', 'prune']);
      }
      this.created = false;
    }
    rmSync(this.parent, { recursive: true, force: true });
  }
}
