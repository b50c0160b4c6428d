/**
 * The tree of the commit a plan evaluates, checked out where the executed steps run: a temporary
 * `git worktree add --detach` (it shares the repository's objects, so `affected` sees the whole
 * history), created on first use and removed by remove(). The developer's working tree, index and
 * branches are never touched; hooks are off, so checking out runs nothing of the repository's.
 *
 * Everything a plan makes lives in one temporary root named `pipeline-plan-<pid>-XXXXXX` (the
 * worktree and the step folders), so that what an interrupted run left behind is recognisable:
 * removeLeftovers() removes the roots of processes that are gone and their worktree registrations.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '../../core/errors.js';

const ROOT_PREFIX = 'pipeline-plan-';
const ROOT_NAME = /^pipeline-plan-(\d+)-[A-Za-z0-9]{6}$/;

function git(root: string, args: readonly string[]): string {
  return execFileSync('git', ['-c', 'core.hooksPath=/dev/null', ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, and belongs to someone else.
    return errnoCode(err) === 'EPERM';
  }
}

/** The pid in a plan root's name, when `path` is such a root in the temporary folder. */
function ownerOf(path: string, temp: string): number | undefined {
  const match = ROOT_NAME.exec(basename(path));
  return match && dirname(path) === temp ? Number(match[1]) : undefined;
}

/**
 * Removes what earlier plan runs that no longer run left behind: their worktree registrations in
 * this repository (only worktrees inside a `pipeline-plan-<pid>-*` root of a gone process) and
 * their roots in the temporary folder. Best effort: a leftover that cannot be removed stays.
 */
export function removeLeftovers(repositoryRoot: string): void {
  const temp = realpathSync(tmpdir());
  let listing = '';
  try {
    listing = git(repositoryRoot, ['worktree', 'list', '--porcelain']);
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    if (!line.startsWith('worktree ')) continue;
    const path = line.slice('worktree '.length);
    const owner = ownerOf(dirname(path), temp);
    if (owner === undefined || isAlive(owner)) continue;
    try {
      git(repositoryRoot, ['worktree', 'remove', '--force', path]);
    } catch {
      // Left for `git worktree prune` once its folder is gone.
    }
  }
  for (const name of readdirSync(temp)) {
    const owner = ownerOf(join(temp, name), temp);
    if (owner !== undefined && !isAlive(owner)) rmSync(join(temp, name), { recursive: true, force: true });
  }
}

export class CommitCheckout {
  /** The plan's temporary root: the worktree and the step folders are in it. */
  readonly temp: string;
  /** Where the tree is (or will be) checked out: `<root>/<repository folder name>`, like a runner's workspace. */
  readonly dir: string;
  private created = false;

  constructor(
    private readonly root: string,
    private readonly commit: string,
    private readonly trace: (label: string) => void = () => {},
  ) {
    this.temp = mkdtempSync(join(realpathSync(tmpdir()), `${ROOT_PREFIX}${process.pid}-`));
    this.dir = join(this.temp, basename(root));
  }

  /** The checked-out tree, created now if it is not yet. */
  ensure(): string {
    if (!this.created) {
      // Marked as created first: an interrupt during the add still removes the registration.
      this.created = true;
      git(this.root, ['worktree', 'add', '--detach', '--quiet', this.dir, this.commit]);
      this.trace('worktree checked out');
    }
    return this.dir;
  }

  /** Removes the worktree, its registration in the repository and the temporary root; safe to call more than once. */
  remove(): void {
    if (this.created) {
      try {
        git(this.root, ['worktree', 'remove', '--force', this.dir]);
      } catch {
        rmSync(this.dir, { recursive: true, force: true });
        try {
          git(this.root, ['worktree', 'prune']);
        } catch {
          // Nothing more to do: removeLeftovers() of a later run retries.
        }
      }
      this.created = false;
    }
    rmSync(this.temp, { recursive: true, force: true });
  }
}
