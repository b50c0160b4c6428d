/**
 * The git questions the plan asks (resolve a revision, list changed files, the repository's GitHub
 * name) and the one object it writes: the merge commit GitHub would test for a pull request
 * (`git merge-tree --write-tree` + `git commit-tree`, no ref, no working-tree change).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { InputError } from '../core/errors.js';

export interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export class PlanGit {
  constructor(readonly cwd: string) {}

  private exec(args: readonly string[], env: Readonly<Record<string, string>> = {}): GitResult {
    try {
      const stdout = execFileSync('git', [...args], {
        cwd: this.cwd,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env },
      });
      return { ok: true, stdout, stderr: '' };
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'ENOENT') throw new InputError('git is not installed or not on PATH; install git');
      const stderr = err instanceof Error && 'stderr' in err ? String(err.stderr) : String(err);
      const stdout = err instanceof Error && 'stdout' in err ? String(err.stdout) : '';
      return { ok: false, stdout, stderr };
    }
  }

  /** The top level of the working tree; a plan needs a repository. */
  root(): string {
    const r = this.exec(['rev-parse', '--show-toplevel']);
    if (!r.ok) throw new InputError(`${this.cwd}: not inside a git repository; run pipeline plan from a clone of the project`);
    return r.stdout.trim();
  }

  /** The commit `rev` names, or undefined. */
  tryResolve(rev: string): string | undefined {
    const r = this.exec(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    return r.ok ? r.stdout.trim() : undefined;
  }

  resolve(flag: string, rev: string): string {
    const sha = this.tryResolve(rev);
    if (!sha) throw new InputError(`${flag} ${rev}: not a commit in this repository; pass a branch, tag or SHA that exists (git fetch it first)`);
    return sha;
  }

  /** `refs/heads/<name>` if it exists locally, else `origin/<name>`, else undefined. */
  branchTip(name: string): string | undefined {
    return this.tryResolve(`refs/heads/${name}`) ?? this.tryResolve(`refs/remotes/origin/${name}`);
  }

  currentBranch(): string | undefined {
    const r = this.exec(['symbolic-ref', '--short', '-q', 'HEAD']);
    return r.ok && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
  }

  isBranch(name: string): boolean {
    return this.exec(['show-ref', '--verify', '--quiet', `refs/heads/${name}`]).ok;
  }

  mergeBase(a: string, b: string): string | undefined {
    const r = this.exec(['merge-base', a, b]);
    return r.ok ? r.stdout.trim() : undefined;
  }

  changedFiles(base: string, head: string): string[] {
    const r = this.exec(['diff', '--name-only', '-z', '--no-renames', base, head]);
    if (!r.ok) throw new InputError(`cannot compare ${base} and ${head}: ${r.stderr.trim().split('\n')[0]}`);
    return r.stdout.split('\0').filter((p) => p !== '');
  }

  /** The merge of `head` into `base` as GitHub's test merge commit; undefined on conflicts. */
  mergeCommit(base: string, head: string): string | undefined {
    const tree = this.exec(['merge-tree', '--write-tree', '--no-messages', base, head]);
    if (!tree.ok) return undefined;
    const treeSha = tree.stdout.split('\n')[0]?.trim() ?? '';
    // Fixed identity and the head's date: the same PR plans to the same merge SHA.
    const date = this.exec(['show', '-s', '--format=%cI', head]).stdout.trim();
    const who = { GIT_AUTHOR_NAME: 'GitHub', GIT_AUTHOR_EMAIL: 'noreply@github.com', GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' };
    const commit = this.exec(['commit-tree', treeSha, '-p', base, '-p', head, '-m', `Merge ${head} into ${base}`], { ...who, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    return commit.ok ? commit.stdout.trim() : undefined;
  }

  /** `owner/name` from a GitHub remote URL of `origin`, if there is one. */
  githubRepository(): { owner: string; name: string } | undefined {
    const r = this.exec(['remote', 'get-url', 'origin']);
    const m = r.ok ? /github\.com[:/]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(r.stdout.trim()) : null;
    return m?.[1] && m[2] ? { owner: m[1], name: m[2] } : undefined;
  }

  /**
   * `hashFiles(...)` as the runner computes it: the SHA-256 of the SHA-256 of every tracked file that
   * matches (patterns relative to the workspace, `!` excludes), in path order; '' when none matches.
   */
  hashFiles(root: string, patterns: readonly string[]): string {
    const files = this.exec(['ls-files', '-z'])
      .stdout.split('\0')
      .filter((p) => p !== '');
    const include = patterns.filter((p) => !p.startsWith('!'));
    const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    const isIncluded = picomatch(include, { dot: true });
    const isExcluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
    const matched = files.filter((f) => isIncluded(f) && !isExcluded(f)).sort();
    if (matched.length === 0) return '';
    const all = createHash('sha256');
    for (const f of matched)
      all.update(
        createHash('sha256')
          .update(readFileSync(join(root, f)))
          .digest(),
      );
    return all.digest('hex');
  }
}
