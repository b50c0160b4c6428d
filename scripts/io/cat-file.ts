/**
 * Every object read of a command goes to `git cat-file`: one process class (`CatFileProcess`) that
 * starts git, writes requests and falls back once for old git, and two ways to read its answers:
 * - `CatFile`: one long-lived process per command, answers parsed as they stream back through a pipe
 *   (revisions, trees, the workspace file, lockfiles: round trips, each waited for);
 * - `bulkRead`: a process of its own, answers written to an unlinked temporary file and read once at
 *   the end (the 2,000 manifests of a cold `affected`: through a pipe, this process would wake up for
 *   every few kilobytes, measured ~8 ms slower; bench/README.md, "Two bulk readers").
 * The answers' format is parsed by core/git/cat-file.ts.
 */
import { isAscii } from 'node:buffer';
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, OutsideError } from '../core/errors.js';
import { type GitObjectType, type Scan, scanAnswer, TYPE_CODES } from '../core/git/cat-file.js';

export interface GitObject {
  readonly sha: string;
  readonly type: GitObjectType;
  readonly content: Buffer;
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
  type(i: number): GitObjectType | undefined;
  /** The contents of answer `i` as UTF-8 text ('' for a missing object, or when only its type was asked for). */
  text(i: number): string;
}

/** `git cat-file` exits with this when it does not know an option (`--batch-command` needs git 2.36). */
const USAGE_ERROR = 129;

/** Whether this repository's git knows `--batch-command`: found out by the first process, shared by the rest. */
export interface CatFileMode {
  batchCommand: boolean;
}

/** A request as written: `specs`, each followed by `suffix` (`:<path>` for a bulk read's trees). */
interface Written {
  readonly specs: readonly string[];
  readonly suffix: string;
  readonly headers: boolean;
}

function checkSpec(spec: string): string {
  if (spec.includes('\n')) throw new InputError(`cannot read ${JSON.stringify(spec)} from git: it contains a newline`);
  return spec;
}

/**
 * One `git cat-file` process, and the one fallback for old git. It starts as `--batch-command`
 * (`info` requests answer headers only, and `flush` lets an interactive reader get a whole round's
 * answers in a few large writes with `--buffer`); git < 2.36 rejects the option with a usage error
 * before answering anything, and every request written so far then goes again to a plain `--batch`
 * (which answers `info` requests with contents too: the readers drop them). `stdout` is `'pipe'` (the
 * answers come through `onData`) or a file descriptor (read by the caller once git has exited).
 * `interactive`: requests are answered as they come (`flush`, or no `--buffer` for plain `--batch`);
 * otherwise git answers when its input ends.
 */
class CatFileProcess {
  private child: ReturnType<typeof spawn>;
  /** The mode this process was started in (the shared one may change under it). */
  private started = true;
  /** Requests written before git answered anything: the ones the fallback sends again. */
  private readonly written: Written[] = [];
  private stderr = '';
  private ended = false;
  private settle: { resolve: (exit: { code: number | null; stderr: string }) => void; reject: (err: Error) => void } | undefined;
  /** Settles when git has exited for good (after the fallback, if any); rejects when git cannot start. */
  readonly exited: Promise<{ readonly code: number | null; readonly stderr: string }>;

  constructor(
    private readonly options: {
      readonly cwd: string;
      readonly mode: CatFileMode;
      readonly stdout: 'pipe' | number;
      readonly interactive: boolean;
      /** Whether git has answered anything yet (then a usage error is not about the option). */
      readonly answered: () => boolean;
      readonly onData?: (chunk: Buffer) => void;
    },
  ) {
    this.exited = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.exited.catch(() => {});
    this.child = this.start();
  }

  private start(): ReturnType<typeof spawn> {
    const { cwd, mode, stdout, interactive, onData } = this.options;
    const batchCommand = mode.batchCommand;
    this.started = batchCommand;
    const args = batchCommand ? ['cat-file', '--batch-command', '--buffer'] : interactive ? ['cat-file', '--batch'] : ['cat-file', '--batch', '--buffer'];
    const child = spawn('git', args, { cwd, stdio: ['pipe', stdout, 'pipe'] });
    if (onData) child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    child.stdin?.on('error', () => {});
    child.on('error', (err: NodeJS.ErrnoException) => this.settle?.reject(err.code === 'ENOENT' ? new InputError('git is not installed or not on PATH; install git') : err));
    child.on('close', (code) => {
      if (code === USAGE_ERROR && batchCommand && !this.options.answered()) {
        mode.batchCommand = false;
        this.stderr = '';
        this.child = this.start();
        for (const w of this.written) this.send(w);
        if (this.ended) this.child.stdin?.end();
        return;
      }
      this.settle?.resolve({ code, stderr: this.stderr.trim() });
    });
    return child;
  }

  /** Whether the running git process is a `--batch-command` one (how its answers are to be read). */
  get batchCommand(): boolean {
    return this.started;
  }

  /** One join for thousands of specs: no string of its own for each. */
  private send({ specs, suffix, headers }: Written): void {
    const batchCommand = this.started;
    const command = !batchCommand ? '' : headers ? 'info ' : 'contents ';
    const flush = batchCommand && this.options.interactive ? 'flush\n' : '';
    this.child.stdin?.write(`${command}${specs.join(`${suffix}\n${command}`)}${suffix}\n${flush}`);
  }

  write(specs: readonly string[], suffix: string, headers: boolean): void {
    const w = { specs, suffix, headers };
    // Once git has answered, it knows the option: nothing will be sent again.
    if (!this.options.answered()) this.written.push(w);
    this.send(w);
  }

  /** No more requests: git answers what it was asked and exits. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.child.stdin?.end();
  }

  kill(): void {
    this.child.kill();
  }

  /** This process need not wait for git to exit: the command's own work decides when it is done. */
  unref(): void {
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      if (stream && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
    }
  }
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

/** A scan to fill in (one per reader, reused: this runs for every object read). */
function newScan(): Scan {
  return { type: undefined, shaEnd: 0, contentStart: 0, contentEnd: 0, next: 0, need: 0 };
}

/** An answer of `git cat-file`; its hash is decoded only when asked for (most reads go by hash already). */
class BatchObject implements GitObject {
  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly end: number,
    readonly type: GitObjectType,
    readonly content: Buffer,
  ) {}

  get sha(): string {
    return this.buf.toString('latin1', this.start, this.end);
  }
}

/** One interactive process: requests are written as they come, answers parsed as they stream back, in order. */
class ObjectReader {
  private readonly process: CatFileProcess;
  private answered = false;
  private buffer: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Chunks received while the object at `pos` is incomplete; joined once it can be parsed. */
  private more: Buffer[] = [];
  private moreBytes = 0;
  /** Bytes needed from `pos` before the next object can be parsed (0: unknown yet). */
  private need = 0;
  private readonly pending: Request[] = [];
  private readonly scan = newScan();
  private ended = false;

  constructor(cwd: string, mode: CatFileMode) {
    this.process = new CatFileProcess({
      cwd,
      mode,
      stdout: 'pipe',
      interactive: true,
      answered: () => this.answered,
      onData: (c) => {
        this.answered = true;
        this.receive(c);
      },
    });
    this.process.exited.then(
      ({ code, stderr }) => {
        // git gave up (a damaged repository, a partial clone whose remote cannot be reached): outside this command.
        if (this.pending.length > 0) this.fail(new OutsideError(`git cat-file exited ${code} with requests unanswered: ${stderr}`));
        // A read asked after this would wait for an answer that never comes.
        this.gone ??= new OutsideError(`git cat-file exited ${code}${stderr ? `: ${stderr}` : ''}`);
      },
      (err: Error) => {
        this.gone = err;
        this.fail(err);
      },
    );
  }

  /** Why the process is no more, once it has exited: every later read fails with it. */
  private gone: Error | undefined;

  private fail(err: Error): void {
    this.gone ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
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
      this.process.kill();
    }
  }

  private drain(): void {
    const buf = this.buffer;
    const base = this.pos;
    const scan = this.scan;
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
      if (!scanAnswer(text, at, head.headers && this.process.batchCommand, scan)) {
        this.need = scan.need;
        break;
      }
      const { type, shaEnd, contentStart, contentEnd, next } = scan;
      // Plain --batch (old git) sends the contents of an `info` request too: not kept, as in a bulk read.
      const content = head.headers || contentStart === contentEnd ? EMPTY : buf.subarray(base + contentStart, base + contentEnd);
      head.out.push(type === undefined ? undefined : new BatchObject(buf, base + at, base + shaEnd, type, content));
      at = next;
    }
    this.pos = base + at;
  }

  read(specs: readonly string[], headers: boolean): Promise<Array<GitObject | undefined>> {
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      this.pending.push({ specs, headers, out: [], resolve, reject });
      this.process.write(specs, '', headers);
    });
  }

  /** No more requests: git answers what it was asked and exits. */
  end(): void {
    this.ended = true;
    this.process.end();
    this.release();
  }

  /**
   * Once ended and answered, this process need not wait for git to exit (it does, having read the
   * end of its input): the command's own work decides when it is done.
   */
  private release(): void {
    if (!this.ended || this.pending.length > 0) return;
    this.process.unref();
  }
}

/**
 * Every round trip of the command (revisions, trees, manifests, lockfiles) goes through one
 * `git cat-file` process: spawning git is the dominant cost of a small change detection.
 */
export class CatFile {
  private reader: ObjectReader | undefined;
  /** Shared with bulk reads: git's version is found out once. */
  readonly mode: CatFileMode = { batchCommand: true };
  private ended = false;

  constructor(private readonly cwd: string) {}

  read(specs: readonly string[], headers = false): Promise<Array<GitObject | undefined>> {
    if (specs.length === 0) return Promise.resolve([]);
    for (const spec of specs) checkSpec(spec);
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

  type(i: number): GitObjectType | undefined {
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

let bulkFiles = 0;

/** A temporary file, already unlinked (nothing is left behind), or undefined when none can be had. */
function anonymousFile(): number | undefined {
  const path = join(tmpdir(), `pipeline-affected-${process.pid}-${bulkFiles++}`);
  let fd: number;
  try {
    fd = openSync(path, 'wx+', 0o600);
  } catch {
    return undefined;
  }
  try {
    unlinkSync(path); // the open file stays readable
    return fd;
  } catch {
    closeSync(fd);
    return undefined;
  }
}

/** A bulk read in a process of its own (see the top of this file); through `shared` when no temporary file can be had. */
export function bulkRead(cwd: string, shared: CatFile): BulkRead {
  const file = anonymousFile();
  if (file === undefined) {
    // No temporary file to be had: the shared reader answers, slower.
    const asked: Array<Promise<Array<GitObject | undefined>>> = [];
    return {
      add: (trees, path, headers) => {
        const read = shared.read(
          trees.map((t) => `${t}:${checkSpec(path)}`),
          headers,
        );
        // Observed by finish(); a bulk read let go before it must not leave an unhandled rejection.
        read.catch(() => {});
        asked.push(read);
      },
      finish: async () => objectAnswers((await Promise.all(asked)).flat()),
      close: () => {},
    };
  }
  let finishing = false;
  // Once the file is let go (close() before finish()), its size cannot be asked, and nothing waits for the answers.
  let letGo = false;
  const proc = new CatFileProcess({ cwd, mode: shared.mode, stdout: file, interactive: false, answered: () => letGo || fstatSync(file).size > 0 });
  // What was asked, in order, to find each answer in the file.
  const requests: Array<{ readonly count: number; readonly headers: boolean }> = [];
  return {
    add(trees, path, headers = false) {
      if (trees.length === 0) return;
      proc.write(trees, `:${checkSpec(path)}`, headers);
      requests.push({ count: trees.length, headers });
    },
    async finish() {
      if (finishing) throw new Error('bulk read finished twice, or after close()');
      finishing = true;
      proc.end();
      try {
        const { code, stderr } = await proc.exited;
        if (code !== 0) throw new OutsideError(`git cat-file exited ${code}: ${stderr}`);
        const size = fstatSync(file).size;
        const buf = Buffer.allocUnsafe(size);
        for (let at = 0, n = 1; at < size && n > 0; at += n) n = readSync(file, buf, at, size - at, at);
        const total = requests.reduce((n, q) => n + q.count, 0);
        const text = buf.toString('latin1');
        const out = new ScannedAnswers(buf, text, total);
        const scan = newScan();
        let pos = 0;
        let at = 0;
        for (const r of requests) {
          const headerOnly = r.headers && proc.batchCommand;
          for (let i = 0; i < r.count; i++, at++) {
            if (!scanAnswer(text, pos, headerOnly, scan)) throw new Error(`git cat-file answered ${at} of ${total} requests`);
            // Plain --batch (old git) sends the contents of an `info` request too: not kept.
            if (r.headers) scan.contentEnd = scan.contentStart;
            out.set(at, scan);
            pos = scan.next;
          }
        }
        return out;
      } finally {
        closeSync(file);
      }
    },
    // Not finished (an error on the way, or not needed after all): git ends with its input, and the file is let go.
    close() {
      proc.end();
      if (!finishing) {
        finishing = true;
        letGo = true;
        closeSync(file);
      }
    },
  };
}
