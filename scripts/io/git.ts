/**
 * git behind a small interface: the few plumbing commands change detection needs, run with
 * execFile (no shell), paths NUL-separated, objects read in batches from one `git cat-file --batch`
 * per round. The revision logic lives in revisions.ts; this file only talks to git.
 */
import { execFile, spawn } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../core/errors.js';

export interface GitObject {
  readonly sha: string;
  readonly type: 'blob' | 'tree' | 'commit' | 'tag';
  readonly content: Buffer;
}

export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly sha: string;
  readonly isTree: boolean;
}

export interface Git {
  /** Absolute path of the working tree's top level. */
  readonly root: string;
  /** The folder the command runs in, relative to `root` ('' at the top level). */
  readonly prefix: string;
  readonly gitDir: string;
  readonly shallow: boolean;
  /** The commit `rev` names, or undefined when it is not in the local object database. */
  resolveCommit(rev: string): Promise<string | undefined>;
  /** `git fetch --depth=N origin <refs...>`; false when the remote refused or is not there. */
  fetch(refs: readonly string[], depth: number): Promise<boolean>;
  mergeBase(a: string, b: string): Promise<string | undefined>;
  /** undefined when git cannot tell (history missing in a shallow clone). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined>;
  /** The parents recorded in the commit object itself (known even when a shallow clone cuts them off). */
  parents(commit: string): Promise<string[]>;
  /** `git diff-tree -r -z --no-renames --name-only base head`: every changed path, byte-exact. */
  diffNames(base: string, head: string): Promise<string>;
  /** Reads many objects (`<sha>`, `<rev>:<path>`) in one `git cat-file --batch`; undefined for missing ones. */
  readObjects(specs: readonly string[]): Promise<Array<GitObject | undefined>>;
  /** `git config --get <key>`, or undefined. */
  config(key: string): Promise<string | undefined>;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(err.code === 'ENOENT' ? new InputError('git is not installed or not on PATH; install git') : err);
        return;
      }
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

export function parseTree(content: Buffer, shaBytes = 20): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0) throw new Error('malformed tree object');
    const mode = content.toString('latin1', i, space);
    out.push({ mode, name: content.toString('utf8', space + 1, nul), sha: content.toString('hex', nul + 1, nul + 1 + shaBytes), isTree: mode === '40000' });
    i = nul + 1 + shaBytes;
  }
  return out;
}

function readBatch(cwd: string, specs: readonly string[]): Promise<Array<GitObject | undefined>> {
  if (specs.length === 0) return Promise.resolve([]);
  for (const spec of specs) if (spec.includes('\n')) throw new InputError(`cannot read ${JSON.stringify(spec)} from git: it contains a newline`);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`git cat-file --batch exited ${code}: ${stderr.trim()}`));
        return;
      }
      const out = Buffer.concat(chunks);
      const objects: Array<GitObject | undefined> = [];
      let at = 0;
      for (let n = 0; n < specs.length; n++) {
        const eol = out.indexOf(0x0a, at);
        if (eol < 0) {
          reject(new Error('git cat-file --batch: truncated output'));
          return;
        }
        const header = out.toString('utf8', at, eol);
        at = eol + 1;
        const m = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/.exec(header);
        if (!m) {
          objects.push(undefined); // `<spec> missing` / `ambiguous`
          continue;
        }
        const size = Number(m[3]);
        objects.push({ sha: m[1] as string, type: m[2] as GitObject['type'], content: out.subarray(at, at + size) });
        at += size + 1;
      }
      resolve(objects);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(`${specs.join('\n')}\n`);
  });
}

/** Opens the repository that holds `cwd`; an InputError when there is none. */
export async function openGit(cwd: string): Promise<Git> {
  const info = await run(cwd, ['rev-parse', '--show-toplevel', '--show-prefix', '--git-dir', '--is-shallow-repository']).catch((err: unknown) => {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') throw new InputError(`--cwd ${cwd}: no such directory; pass a folder inside the repository`);
    throw err;
  });
  if (info.code !== 0) throw new InputError(`${cwd} is not inside a git repository (${info.stderr.trim().split('\n')[0] ?? ''}); run from the repository or pass --cwd`);
  const [root = '', prefix = '', gitDirRaw = '', shallow = ''] = info.stdout.split('\n');
  const gitDir = isAbsolute(gitDirRaw) ? gitDirRaw : join(cwd, gitDirRaw);
  const top = root;
  const isShallow = shallow === 'true';
  return {
    root: top,
    prefix: prefix.replace(/\/$/, ''),
    gitDir,
    shallow: isShallow,
    async resolveCommit(rev) {
      if (rev.startsWith('-')) return undefined;
      const r = await run(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
      return r.code === 0 ? r.stdout.trim() : undefined;
    },
    async fetch(refs, depth) {
      const r = await run(top, [
        '-c',
        'protocol.version=2',
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        `--depth=${depth}`,
        'origin',
        ...refs,
      ]);
      return r.code === 0;
    },
    async mergeBase(a, b) {
      const r = await run(top, ['merge-base', a, b]);
      return r.code === 0 ? r.stdout.trim() || undefined : undefined;
    },
    async isAncestor(a, b) {
      const r = await run(top, ['merge-base', '--is-ancestor', a, b]);
      if (r.code === 0) return true;
      if (r.code === 1) return isShallow ? undefined : false;
      return undefined;
    },
    async parents(commit) {
      const [obj] = await readBatch(top, [commit]);
      if (obj?.type !== 'commit') return [];
      const header = obj.content.toString('utf8').split('\n\n', 1)[0] ?? '';
      return header
        .split('\n')
        .filter((l) => l.startsWith('parent '))
        .map((l) => l.slice('parent '.length));
    },
    async diffNames(base, head) {
      const r = await run(top, ['diff-tree', '-r', '-z', '--no-renames', '--name-only', '--no-commit-id', base, head]);
      if (r.code !== 0) throw new Error(`git diff-tree ${base} ${head} failed: ${r.stderr.trim()}`);
      return r.stdout;
    },
    readObjects: (specs) => readBatch(top, specs),
    async config(key) {
      const r = await run(top, ['config', '--get', key]);
      return r.code === 0 ? r.stdout.trim() : undefined;
    },
  };
}
