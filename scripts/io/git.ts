/**
 * git behind a small interface: the few plumbing commands change detection and releases need, run
 * with execFile (no shell) through one runner (`runGit`, shared with io/plan/git.ts), paths
 * NUL-separated; every object read goes to `git cat-file` (io/cat-file.ts), and git's output is
 * parsed by core/git/. The revision logic lives in core/changes/revisions.ts; this file only talks to git.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { InputError, OutsideError } from '../core/errors.js';
import { TIMEOUTS } from '../core/timeouts.js';
import { type BulkRead, bulkRead, CatFile, type GitObject } from './cat-file.js';
import { commitParents } from '../core/git/commit-object.js';
import { isCommitSha } from '../core/git/commit-sha.js';
import { parseGitConfig, remoteUrlOf } from '../core/git/config.js';
import { type LogEntry, parseLog, parseTagList } from '../core/git/log.js';

export interface Git {
  /** Absolute path of the working tree's top level. */
  readonly root: string;
  /** The folder the command runs in, relative to `root` ('' at the top level). */
  readonly prefix: string;
  readonly gitDir: string;
  /** Whether the clone is shallow (it can become so after a fetch with --depth). */
  readonly shallow: boolean;
  /** The commit `rev` names, or undefined when it is not in the local object database. */
  resolveCommit(rev: string): Promise<string | undefined>;
  /**
   * `git fetch --depth=N origin <refs...>` in a shallow clone, `git fetch origin <refs...>` in a complete one
   * (a depth would make it shallow and cut its history); false when the remote refused or is not there.
   */
  fetch(refs: readonly string[], depth: number): Promise<boolean>;
  mergeBase(a: string, b: string): Promise<string | undefined>;
  /** undefined when git cannot tell (history missing in a shallow clone). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined>;
  /** The parents recorded in the commit object itself (known even when a shallow clone cuts them off). */
  parents(commit: string): Promise<string[]>;
  /** `git diff-tree -r -z --no-renames --name-only base head`: every changed path, byte-exact. */
  diffNames(base: string, head: string): Promise<string>;
  /** Reads many objects (`<sha>`, `<rev>:<path>`) in one round trip to `git cat-file`; undefined for missing ones. */
  readObjects(specs: readonly string[]): Promise<Array<GitObject | undefined>>;
  /**
   * Reads many objects in a `git cat-file` of its own, requests added as they become known. Its
   * answer goes to an unlinked temporary file, read once at the end: through a pipe, this process
   * would wake up for every few kilobytes, which at 2,000 manifests costs more than git's work.
   */
  bulkRead(): BulkRead;
  /** The URL of a remote, or undefined. */
  remoteUrl(name: string): Promise<string | undefined>;
  /**
   * Tags matching a `git tag -l` pattern, each with the commit it names (annotated tags peeled); with
   * `mergedInto`, only those whose commit that commit contains (`git tag --merged`).
   */
  tags(pattern: string, options?: { readonly mergedInto?: string }): Promise<Array<{ readonly name: string; readonly commit: string }>>;
  /** Commits reachable from `head` and not from `base` (all of `head`'s history without one), newest first; at most `max` when given. */
  log(base: string | undefined, head: string, options?: { readonly firstParent?: boolean; readonly max?: number }): Promise<LogEntry[]>;
  /** Ends the object reader; call when done. */
  close(): void;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The one way the pipeline runs a git command to its end: no shell, no prompt, the C locale, a bounded
 * wait (an OutsideError that says it timed out), and git missing reported as bad input.
 */
export function runGit(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const options = {
      cwd,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      timeout: TIMEOUTS.gitMs,
      killSignal: 'SIGKILL',
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env },
    } as const;
    execFile('git', [...args], options, (err, stdout, stderr) => {
      if (err?.killed) {
        reject(new OutsideError(`git ${args.slice(0, 3).join(' ')} in ${cwd}: no answer within ${TIMEOUTS.gitMs / 1000} s`, { timedOut: true }));
        return;
      }
      if (err && typeof err.code !== 'number') {
        reject(err.code === 'ENOENT' ? new InputError('git is not installed or not on PATH; install git') : err);
        return;
      }
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

interface Found {
  readonly root: string;
  readonly gitDir: string;
  readonly commonDir: string;
}

/** The repository holding `dir`, found on disk the way git does (`.git` folder or `gitdir:` file); undefined when unusual. */
function findRepository(dir: string): Found | undefined {
  if (process.env['GIT_DIR'] || process.env['GIT_WORK_TREE'] || process.env['GIT_COMMON_DIR']) return undefined;
  for (let at = dir; ; at = dirname(at)) {
    const dotGit = join(at, '.git');
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(dotGit);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) return { root: at, gitDir: dotGit, commonDir: dotGit };
    if (stat?.isFile()) {
      const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      if (!m?.[1]) return undefined;
      const gitDir = resolve(at, m[1].trim());
      let commonDir = gitDir;
      try {
        commonDir = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
      } catch {
        commonDir = gitDir;
      }
      return { root: at, gitDir, commonDir };
    }
    if (dirname(at) === at) return undefined;
  }
}

/** Opens the repository that holds `cwd`; an InputError when there is none. */
export async function openGit(cwd: string): Promise<Git> {
  let real: string | undefined;
  try {
    real = realpathSync(cwd);
    if (!statSync(real).isDirectory()) real = undefined;
  } catch {
    real = undefined;
  }
  if (real === undefined) throw new InputError(`--cwd ${cwd}: no such directory; pass a folder inside the repository`);
  let found = findRepository(real);
  let prefix = found ? relative(found.root, real).split(sep).join('/') : '';
  let shallow = found ? existsSync(join(found.commonDir, 'shallow')) : false;
  if (!found) {
    // Not found the simple way (GIT_DIR set, a bare repository, ...): ask git.
    const info = await runGit(cwd, ['rev-parse', '--show-toplevel', '--show-prefix', '--git-dir', '--git-common-dir', '--is-shallow-repository']);
    if (info.code !== 0) throw new InputError(`${cwd} is not inside a git repository (${info.stderr.trim().split('\n')[0] ?? ''}); run from the repository or pass --cwd`);
    const [root = '', pre = '', gitDir = '', commonDir = '', isShallow = ''] = info.stdout.split('\n');
    found = { root, gitDir: resolve(cwd, gitDir), commonDir: resolve(cwd, commonDir) };
    prefix = pre.replace(/\/$/, '');
    shallow = isShallow === 'true';
  }
  const top = found.root;
  const commonDir = found.commonDir;
  const objects = new CatFile(top);
  const git: Git = {
    root: top,
    prefix,
    gitDir: found.gitDir,
    get shallow() {
      return shallow;
    },
    async resolveCommit(rev) {
      // No revision holds a line break or a NUL (a process argument cannot hold the NUL at all).
      if (rev.includes('\n') || rev.includes('\0')) return undefined;
      if (!isCommitSha(rev)) {
        // A name or an expression (`main`, `HEAD~2`, `HEAD@{5}`): git rev-parse, whose unknown revision is an
        // answer, where the shared cat-file process would die on some (a reflog entry past its end).
        const r = await runGit(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
        const sha = r.stdout.trim();
        return r.code === 0 && isCommitSha(sha) ? sha : undefined;
      }
      const [obj] = await objects.read([`${rev}^{commit}`]);
      return obj?.type === 'commit' ? obj.sha : undefined;
    },
    async fetch(refs, depth) {
      // A NUL cannot be a process argument (nor is it in any ref): nothing to fetch.
      if (refs.some((ref) => ref.includes('\0'))) return false;
      const r = await runGit(top, [
        '-c',
        'protocol.version=2',
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        // Only a shallow clone (CI's checkout) is fetched by depth: a developer's complete clone stays complete.
        ...(shallow ? [`--depth=${depth}`] : []),
        'origin',
        ...refs,
      ]);
      objects.restart();
      if (r.code === 0 && existsSync(join(commonDir, 'shallow'))) shallow = true;
      return r.code === 0;
    },
    async mergeBase(a, b) {
      const r = await runGit(top, ['merge-base', a, b]);
      return r.code === 0 ? r.stdout.trim() || undefined : undefined;
    },
    async isAncestor(a, b) {
      const r = await runGit(top, ['merge-base', '--is-ancestor', a, b]);
      if (r.code === 0) return true;
      if (r.code === 1) return shallow ? undefined : false;
      return undefined;
    },
    async parents(commit) {
      const [obj] = await objects.read([commit]);
      if (obj?.type !== 'commit') return [];
      return commitParents(obj.content.toString('utf8'));
    },
    async diffNames(base, head) {
      // diff-tree reads the index (for attributes, which a list of names does not use): at 100k files
      // that is most of its time. A path where no index exists makes it an empty one.
      const r = await runGit(top, ['diff-tree', '-r', '-z', '--no-renames', '--name-only', '--no-commit-id', base, head], {
        GIT_INDEX_FILE: join(commonDir, 'pipeline-affected', 'no-index'),
      });
      // Both commits were read already: a failure here is git's (a partial clone that cannot fetch a tree).
      if (r.code !== 0) throw new OutsideError(`git diff-tree ${base} ${head} failed: ${r.stderr.trim()}`);
      return r.stdout;
    },
    readObjects: (specs) => objects.read(specs),
    bulkRead: () => {
      if (objects.isEnded) throw new Error('git bulk read started after the command ended');
      return bulkRead(top, objects);
    },
    async tags(pattern, options = {}) {
      const merged = options.mergedInto === undefined ? [] : ['--merged', options.mergedInto];
      const r = await runGit(top, ['tag', '--list', pattern, ...merged, '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)']);
      if (r.code !== 0) throw new OutsideError(`git tag --list ${pattern} failed: ${r.stderr.trim()}`);
      return parseTagList(r.stdout);
    },
    async log(base, head, options = {}) {
      const range = base === undefined ? [head] : [head, `^${base}`];
      const flags = [...(options.firstParent ? ['--first-parent'] : []), ...(options.max !== undefined ? [`--max-count=${options.max}`] : [])];
      const r = await runGit(top, ['log', '--format=%H%x00%P%x00%s%x00%b%x1e', ...flags, ...range, '--']);
      if (r.code !== 0) throw new OutsideError(`git log ${base === undefined ? head : `${base}..${head}`} failed: ${r.stderr.trim()}`);
      return parseLog(r.stdout);
    },
    async remoteUrl(name) {
      // Read from the config file: no process for a value only a local run needs.
      let text: string;
      try {
        text = readFileSync(join(commonDir, 'config'), 'utf8');
      } catch {
        return undefined;
      }
      return remoteUrlOf(parseGitConfig(text), name);
    },
    close: () => objects.end(),
  };
  return git;
}
