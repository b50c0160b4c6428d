/**
 * git behind a small interface: the few plumbing commands change detection needs, run with
 * execFile (no shell), paths NUL-separated, objects read in batches from one `git cat-file --batch`
 * per round. The revision logic lives in revisions.ts; this file only talks to git.
 */
import { isAscii } from 'node:buffer';
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { InputError, OutsideError } from '../core/errors.js';
import { TIMEOUTS } from '../core/timeouts.js';
import { type GitObjectType, type Scan, scanAnswer, TYPE_CODES } from '../core/git/cat-file.js';
import { commitParents } from '../core/git/commit-object.js';
import { parseGitConfig, remoteUrlOf } from '../core/git/config.js';
import { type LogEntry, parseLog, parseTagList } from '../core/git/log.js';

export interface GitObject {
  readonly sha: string;
  readonly type: GitObjectType;
  readonly content: Buffer;
}

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
  /** `git fetch --depth=N origin <refs...>`; false when the remote refused or is not there. */
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
  /** Tags matching a `git tag -l` pattern, each with the commit it names (annotated tags peeled). */
  tags(pattern: string): Promise<Array<{ readonly name: string; readonly commit: string }>>;
  /** Commits reachable from `head` and not from `base` (all of `head`'s history without one), newest first; at most `max` when given. */
  log(base: string | undefined, head: string, options?: { readonly firstParent?: boolean; readonly max?: number }): Promise<LogEntry[]>;
  /** Ends the object reader; call when done. */
  close(): void;
}

export interface BulkRead {
  /**
   * Asks for the object at `path` in each of `trees` (object hashes, as git wrote them in a tree),
   * answered after the ones asked before; `headers`: their types only (contents empty).
   */
  add(trees: readonly string[], path: string, headers?: boolean): void;
  /** No more requests: every answer, in order. */
  finish(): Promise<BulkAnswers>;
  /** Ends the process if finish() was not reached (an error on the way). */
  close(): void;
}

/** The answers of a bulk read, in the order asked. */
export interface BulkAnswers {
  /** The type of answer `i`; undefined for a missing object. */
  type(i: number): GitObject['type'] | undefined;
  /** The contents of answer `i` as UTF-8 text ('' for a missing object, or when only its type was asked for). */
  text(i: number): string;
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

interface Request {
  readonly specs: readonly string[];
  /** `info` requests: answers are headers only (with `--batch-command`). */
  readonly headers: boolean;
  readonly out: Array<GitObject | undefined>;
  readonly resolve: (o: Array<GitObject | undefined>) => void;
  readonly reject: (e: Error) => void;
}

const EMPTY = Buffer.alloc(0);

/** The scan of one answer (one object, reused: this runs for every object read). */
const scratch: Scan = { type: undefined, shaEnd: 0, contentStart: 0, contentEnd: 0, next: 0, need: 0 };

/** The answers of a bulk read, kept where git wrote them: no object per answer (there are thousands). */
class ScannedAnswers implements BulkAnswers {
  private readonly types: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private ascii: boolean | undefined;
  constructor(
    private readonly buf: Buffer,
    /** `buf` as latin1. */
    private readonly latin1: string,
    length: number,
  ) {
    this.types = new Uint8Array(length);
    this.starts = new Int32Array(length);
    this.ends = new Int32Array(length);
  }

  set(i: number, scan: Scan): void {
    this.types[i] = scan.type === undefined ? 0 : TYPE_CODES.indexOf(scan.type);
    this.starts[i] = scan.contentStart;
    this.ends[i] = scan.contentEnd;
  }

  type(i: number): GitObject['type'] | undefined {
    return TYPE_CODES[this.types[i] ?? 0];
  }

  text(i: number): string {
    if (!this.types[i]) return '';
    // All ASCII (manifests nearly always are): the latin1 text is the UTF-8 text, each answer a slice of it.
    this.ascii ??= isAscii(this.buf);
    return this.ascii ? this.latin1.slice(this.starts[i], this.ends[i]) : this.buf.toString('utf8', this.starts[i], this.ends[i]);
  }
}

/** Answers already read as objects (no temporary file to be had). */
function objectAnswers(objects: ReadonlyArray<GitObject | undefined>): BulkAnswers {
  return { type: (i) => objects[i]?.type, text: (i) => objects[i]?.content.toString('utf8') ?? '' };
}

/** An answer of `git cat-file`; its hash is decoded only when asked for (most reads go by hash already). */
class BatchObject implements GitObject {
  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly end: number,
    readonly type: GitObject['type'],
    readonly content: Buffer,
  ) {}

  get sha(): string {
    return this.buf.toString('latin1', this.start, this.end);
  }
}

/** `git cat-file` exits with this when it does not know an option (`--batch-command` needs git 2.36). */
const USAGE_ERROR = 129;

/**
 * One `git cat-file` process: requests are written as they come, answers parsed as they stream back,
 * in order. It runs as `--batch-command --buffer`, so that git answers a whole request (thousands of
 * manifests) in a few large writes after `flush` instead of one write, and one wake-up of this
 * process, per object: at 2,000 packages that costs more than the reads themselves. Older git
 * (< 2.36) rejects the option with a usage error before answering anything; the requests then go
 * again to a plain `--batch`.
 */
class ObjectReader {
  private child: ReturnType<typeof spawn>;
  private answered = false;
  private buffer: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Chunks received while the object at `pos` is incomplete; joined once it can be parsed. */
  private more: Buffer[] = [];
  private moreBytes = 0;
  /** Bytes needed from `pos` before the next object can be parsed (0: unknown yet). */
  private need = 0;
  private readonly pending: Request[] = [];
  private stderr = '';
  private ended = false;

  constructor(
    private readonly cwd: string,
    private readonly mode: { batchCommand: boolean },
  ) {
    this.child = this.start();
  }

  private start(): ReturnType<typeof spawn> {
    const batchCommand = this.mode.batchCommand;
    const child = spawn('git', batchCommand ? ['cat-file', '--batch-command', '--buffer'] : ['cat-file', '--batch'], { cwd: this.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => {
      this.answered = true;
      this.receive(c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    child.on('error', (err) => this.fail(err));
    child.on('close', (code) => {
      if (code === USAGE_ERROR && batchCommand && !this.answered) {
        this.mode.batchCommand = false;
        this.stderr = '';
        this.child = this.start();
        for (const p of this.pending) this.write(p.specs, p.headers);
        if (this.ended) this.child.stdin?.end();
        return;
      }
      if (this.pending.length > 0) this.fail(new Error(`git cat-file exited ${code} with requests unanswered: ${this.stderr.trim()}`));
    });
    child.stdin?.on('error', () => {});
    return child;
  }

  private fail(err: Error): void {
    for (const p of this.pending.splice(0)) p.reject(err);
  }

  private write(specs: readonly string[], headers: boolean): void {
    const command = headers ? 'info' : 'contents';
    this.child.stdin?.write(this.mode.batchCommand ? `${command} ${specs.join(`\n${command} `)}\nflush\n` : `${specs.join('\n')}\n`);
  }

  private receive(chunk: Buffer): void {
    if (this.pos >= this.buffer.length && this.more.length === 0) {
      this.buffer = chunk;
      this.pos = 0;
    } else {
      this.more.push(chunk);
      this.moreBytes += chunk.length;
      if (this.buffer.length - this.pos + this.moreBytes < this.need) return;
      this.buffer = Buffer.concat([this.buffer.subarray(this.pos), ...this.more]);
      this.pos = 0;
      this.more = [];
      this.moreBytes = 0;
    }
    try {
      this.drain();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      this.child.kill();
    }
  }

  private drain(): void {
    const buf = this.buffer;
    const base = this.pos;
    // Offsets in `text` are offsets in `buf` from `base` (see scanAnswer).
    const text = buf.toString('latin1', base);
    let at = 0;
    for (;;) {
      const head = this.pending[0];
      if (!head) break;
      if (head.out.length === head.specs.length) {
        this.pending.shift();
        head.resolve(head.out);
        this.release();
        continue;
      }
      // An `info` answer is the header alone; plain `--batch` (old git) sends the contents anyway.
      if (!scanAnswer(text, at, head.headers && this.mode.batchCommand, scratch)) {
        this.need = scratch.need;
        break;
      }
      const { type, shaEnd, contentStart, contentEnd, next } = scratch;
      head.out.push(
        type === undefined
          ? undefined
          : new BatchObject(buf, base + at, base + shaEnd, type, contentStart === contentEnd ? EMPTY : buf.subarray(base + contentStart, base + contentEnd)),
      );
      at = next;
    }
    this.pos = base + at;
  }

  read(specs: readonly string[], headers: boolean): Promise<Array<GitObject | undefined>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ specs, headers, out: [], resolve, reject });
      this.write(specs, headers);
    });
  }

  /** No more requests: git answers what it was asked and exits. */
  end(): void {
    this.ended = true;
    this.child.stdin?.end();
    this.release();
  }

  /**
   * Once ended and answered, this process need not wait for git to exit (it does, having read the
   * end of its input): the command's own work decides when it is done.
   */
  private release(): void {
    if (!this.ended || this.pending.length > 0) return;
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      if (stream && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
    }
  }
}

/**
 * Every object read of the command (revisions, trees, manifests, lockfiles) goes through one
 * `git cat-file` process: spawning git is the dominant cost of a small change detection.
 */
class CatFile {
  private reader: ObjectReader | undefined;
  /** Shared with bulk reads: git's version is found out once. */
  readonly mode = { batchCommand: true };

  constructor(private readonly cwd: string) {}

  private ended = false;

  read(specs: readonly string[], headers = false): Promise<Array<GitObject | undefined>> {
    if (specs.length === 0) return Promise.resolve([]);
    for (const spec of specs) if (spec.includes('\n')) throw new InputError(`cannot read ${JSON.stringify(spec)} from git: it contains a newline`);
    // A read after the end would start a git process nothing stops, and the command would never exit.
    if (this.ended) return Promise.reject(new Error('git object reader used after the command ended'));
    this.reader ??= new ObjectReader(this.cwd, this.mode);
    return this.reader.read(specs, headers);
  }

  /** Ends the process (after a fetch, so that new packs are seen); requests already made are still answered. */
  restart(): void {
    this.reader?.end();
    this.reader = undefined;
  }

  /** The command is done: ends the process, and refuses any later read. */
  end(): void {
    this.ended = true;
    this.restart();
  }

  get isEnded(): boolean {
    return this.ended;
  }
}

let bulkFiles = 0;

function checkPath(path: string): string {
  if (path.includes('\n')) throw new InputError(`cannot read ${JSON.stringify(path)} from git: it contains a newline`);
  return path;
}

function bulkRead(cwd: string, shared: CatFile): BulkRead {
  const { mode } = shared;
  let fd: number | undefined;
  try {
    const path = join(tmpdir(), `pipeline-affected-${process.pid}-${bulkFiles++}`);
    fd = openSync(path, 'wx+', 0o600);
    unlinkSync(path); // the open file stays readable; nothing is left behind
  } catch {
    fd = undefined;
  }
  if (fd === undefined) {
    // No temporary file to be had: the shared reader answers, slower.
    const asked: Array<Promise<Array<GitObject | undefined>>> = [];
    return {
      add: (trees, path, headers) =>
        asked.push(
          shared.read(
            trees.map((t) => `${t}:${checkPath(path)}`),
            headers,
          ),
        ),
      finish: async () => objectAnswers((await Promise.all(asked)).flat()),
      close: () => {},
    };
  }
  const file = fd;
  // What was asked, in order: every request is written again if git turns out too old for --batch-command.
  const requests: Array<{ readonly trees: readonly string[]; readonly path: string; readonly headers: boolean }> = [];
  let open = true;
  const start = () => {
    const batchCommand = mode.batchCommand;
    const child = spawn('git', ['cat-file', batchCommand ? '--batch-command' : '--batch', '--buffer'], { cwd, stdio: ['pipe', file, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdin?.on('error', () => {});
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    exited.catch(() => {});
    return { child, exited, batchCommand };
  };
  let proc = start();
  // One join for thousands of `<tree>:<path>` specs: no string of its own for each.
  const write = ({ trees, path, headers }: (typeof requests)[number]) => {
    const command = !proc.batchCommand ? '' : headers ? 'info ' : 'contents ';
    proc.child.stdin?.write(`${command}${trees.join(`:${path}\n${command}`)}:${path}\n`);
  };
  let finishing = false;
  const endInput = () => {
    if (!open) return;
    open = false;
    proc.child.stdin?.end();
  };
  // Not finished (an error on the way, or not needed after all): git ends with its input, and the file is let go.
  const close = () => {
    endInput();
    if (!finishing) {
      finishing = true;
      closeSync(file);
    }
  };
  return {
    add(trees, path, headers = false) {
      if (trees.length === 0) return;
      checkPath(path);
      requests.push({ trees, path, headers });
      write({ trees, path, headers });
    },
    async finish() {
      if (finishing) throw new Error('bulk read finished twice, or after close()');
      finishing = true;
      endInput();
      try {
        let { code, stderr } = await proc.exited;
        if (code === USAGE_ERROR && proc.batchCommand && fstatSync(file).size === 0) {
          // git < 2.36: no --batch-command. Plain --batch answers `info` requests with contents too.
          mode.batchCommand = false;
          proc = start();
          for (const r of requests) write(r);
          proc.child.stdin?.end();
          ({ code, stderr } = await proc.exited);
        }
        if (code !== 0) throw new Error(`git cat-file exited ${code}: ${stderr.trim()}`);
        const size = fstatSync(file).size;
        const buf = Buffer.allocUnsafe(size);
        for (let at = 0, n = 1; at < size && n > 0; at += n) n = readSync(file, buf, at, size - at, at);
        const total = requests.reduce((n, q) => n + q.trees.length, 0);
        const text = buf.toString('latin1');
        const out = new ScannedAnswers(buf, text, total);
        let pos = 0;
        let at = 0;
        for (const r of requests) {
          const headerOnly = r.headers && proc.batchCommand;
          for (let i = 0; i < r.trees.length; i++, at++) {
            if (!scanAnswer(text, pos, headerOnly, scratch)) throw new Error(`git cat-file answered ${at} of ${total} requests`);
            // Plain --batch (old git) sends the contents of an `info` request too: not kept.
            if (r.headers) scratch.contentEnd = scratch.contentStart;
            out.set(at, scratch);
            pos = scratch.next;
          }
        }
        return out;
      } finally {
        closeSync(file);
      }
    },
    close,
  };
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
      if (rev.includes('\n')) return undefined;
      const [obj] = await objects.read([`${rev}^{commit}`]);
      return obj?.type === 'commit' ? obj.sha : undefined;
    },
    async fetch(refs, depth) {
      const r = await runGit(top, [
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
      if (r.code !== 0) throw new Error(`git diff-tree ${base} ${head} failed: ${r.stderr.trim()}`);
      return r.stdout;
    },
    readObjects: (specs) => objects.read(specs),
    bulkRead: () => {
      if (objects.isEnded) throw new Error('git bulk read started after the command ended');
      return bulkRead(top, objects);
    },
    async tags(pattern) {
      const r = await runGit(top, ['tag', '--list', pattern, '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)']);
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
