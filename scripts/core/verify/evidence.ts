/**
 * What `verify-image` learns about an image, as plain values, and type guards for the engine's JSON
 * (`docker image inspect`, `docker container inspect`), which is untrusted input like any other.
 * Gathering it is the shell's job (scripts/io/container-engine.ts); judging it is rules.ts.
 */
import { isRecord } from '../json.js';

export interface ImageConfig {
  /** The image ID: with the containerd image store and --provenance=false, the manifest digest. */
  readonly id: string;
  /** `USER` as written: '' when the Dockerfile never set one (the engine then runs as root). */
  readonly user: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `HEALTHCHECK CMD ...` as the engine stores it (`["CMD", ...]`), undefined when there is none. */
  readonly healthcheck: readonly string[] | undefined;
  readonly env: readonly string[];
  /** `ENTRYPOINT` in exec form (a shell form is stored as `["/bin/sh", "-c", ...]`); [] when there is none. */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string;
  /** Uncompressed layer digests (RootFS.Layers), base layers first. */
  readonly layers: readonly string[];
  /** Bytes, as the engine reports them. */
  readonly size: number;
}

/** The part of `docker container inspect` that says whether the container is up and healthy. */
export interface ContainerState {
  readonly status: string;
  readonly exitCode: number;
  /** Undefined when the container has no health check. */
  readonly health: { readonly status: string; readonly lastOutput: string } | undefined;
}

export type ContainerOutcome =
  | { readonly kind: 'healthy' }
  | { readonly kind: 'unhealthy'; readonly probeOutput: string }
  | { readonly kind: 'no-healthcheck' }
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'timeout'; readonly status: string; readonly seconds: number };

export interface ProcessInfo {
  /** As the container sees it: its CMD is PID 1. */
  readonly pid: number;
  /** The effective uid inside the container, or 0 when any of its uids is 0 (see parseProcessList). */
  readonly uid: number;
  /** Its arguments joined by spaces, or `[name]` for a process without any (a kernel thread). */
  readonly command: string;
  /** Its arguments as the kernel holds them (/proc/<pid>/cmdline): PID 1's must be the image's CMD. */
  readonly args: readonly string[];
}

/**
 * How the container stopped on `docker container stop --signal SIGTERM --time <graceSeconds>`: the engine
 * sends SIGTERM to PID 1, waits `graceSeconds`, then sends SIGKILL.
 */
export interface StopOutcome {
  readonly graceSeconds: number;
  /** From the signal until the engine reported the container gone, measured around the stop command. */
  readonly seconds: number;
  /** State.ExitCode afterwards: 0 from the service's own handler, 137 (128 + 9) after SIGKILL. */
  readonly exitCode: number;
}

export interface ImageEvidence {
  readonly image: string;
  readonly config: ImageConfig;
  readonly outcome: ContainerOutcome;
  /** The container's processes while it ran (empty when it never ran or had exited). */
  readonly processes: readonly ProcessInfo[];
  /** How the running container stopped on SIGTERM, last of all; undefined when it had exited before. */
  readonly stop: StopOutcome | undefined;
  /** Every path of the image's filesystem (its layers merged), absolute, without a trailing slash. */
  readonly files: readonly string[];
  /**
   * Every path the layers above the base image add or change (core/verify/layers.ts), a path a later layer
   * deletes included: what the build put into the image.
   */
  readonly added: readonly string[];
  /** The base image the build started FROM, and how many of the image's first layers are its own. */
  readonly base: { readonly image: string; readonly layers: number };
  /** The text of /app/package.json, undefined when there is none. */
  readonly appManifest: string | undefined;
  /** The last lines the container wrote (shown when it did not become healthy). */
  readonly logTail: string;
}

type Json = Record<string, unknown>;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isStringRecord = (v: unknown): v is Record<string, string> => isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/** Thrown when the engine answers with JSON of an unexpected shape: a bug or an unsupported engine. */
export class EngineOutputError extends Error {
  override readonly name = 'EngineOutputError';
}

function single(json: unknown, what: string): Json {
  const item = Array.isArray(json) ? json[0] : json;
  if (!isRecord(item)) throw new EngineOutputError(`${what}: expected a JSON object (or an array of one), got ${JSON.stringify(json)?.slice(0, 200)}`);
  return item;
}

/** `docker image inspect <ref>` output (an array of one object) to an ImageConfig. */
export function parseImageInspect(json: unknown): ImageConfig {
  const img = single(json, 'docker image inspect');
  const config = img['Config'];
  const rootfs = img['RootFS'];
  const id = img['Id'];
  const size = img['Size'];
  if (typeof id !== 'string' || !isRecord(config) || typeof size !== 'number') throw new EngineOutputError('docker image inspect: missing Id, Config or Size');
  const layers = isRecord(rootfs) ? (rootfs['Layers'] ?? []) : [];
  if (!isStringArray(layers)) throw new EngineOutputError('docker image inspect: RootFS.Layers is not a list of digests');
  const hc = config['Healthcheck'];
  const test = isRecord(hc) ? hc['Test'] : undefined;
  // ["NONE"] is how `HEALTHCHECK NONE` (an explicitly disabled check) is stored.
  const healthcheck = isStringArray(test) && test.length > 0 && test[0] !== 'NONE' ? test : undefined;
  const labels = config['Labels'] ?? {};
  const env = config['Env'] ?? [];
  const cmd = config['Cmd'] ?? [];
  const entrypoint = config['Entrypoint'] ?? [];
  const user = config['User'] ?? '';
  const workingDir = config['WorkingDir'] ?? '';
  if (!isStringRecord(labels) || !isStringArray(env) || !isStringArray(cmd) || !isStringArray(entrypoint) || typeof user !== 'string' || typeof workingDir !== 'string') {
    throw new EngineOutputError('docker image inspect: Config has an unexpected shape (Labels, Env, Entrypoint, Cmd, User, WorkingDir)');
  }
  return { id, user, labels, healthcheck, env, entrypoint, cmd, workingDir, layers, size };
}

/** `docker container inspect <id>` output to the state the health wait needs. */
export function parseContainerInspect(json: unknown): ContainerState {
  const c = single(json, 'docker container inspect');
  const state = c['State'];
  if (!isRecord(state) || typeof state['Status'] !== 'string' || typeof state['ExitCode'] !== 'number') {
    throw new EngineOutputError('docker container inspect: missing State.Status or State.ExitCode');
  }
  const health = state['Health'];
  let parsedHealth: ContainerState['health'];
  if (isRecord(health) && typeof health['Status'] === 'string') {
    // Stryker disable next-line ArrayDeclaration: any non-record last entry reads as ''; a Log that is not a list yields no record either way
    const log = Array.isArray(health['Log']) ? health['Log'] : [];
    const last = log.at(-1);
    parsedHealth = { status: health['Status'], lastOutput: isRecord(last) && typeof last['Output'] === 'string' ? last['Output'] : '' };
  }
  return { status: state['Status'], exitCode: state['ExitCode'], health: parsedHealth };
}

/**
 * The script `verify-image` runs with the image's own node inside the container (`docker container exec`):
 * each process of the container from its /proc, as the container's PID and user namespaces see it. The
 * host's view (`docker top`) gives host IDs: under userns-remap the container's root is, say, uid 100000
 * there, and would pass for a user. Its own process is left out. Plain JavaScript for any Node version.
 */
export const PROCESS_LIST_SCRIPT = [
  "const fs = require('fs');",
  'const out = [];',
  "for (const d of fs.readdirSync('/proc')) {",
  '  if (!/^[0-9]+$/.test(d) || Number(d) === process.pid) continue;',
  '  try {',
  "    const status = fs.readFileSync('/proc/' + d + '/status', 'utf8');",
  '    const uid = status.match(/^Uid:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)/m);',
  "    const name = (status.match(/^Name:\\s*(.*)$/m) || [])[1] || '';",
  // Each argument as the kernel holds it (each ends in NUL; an empty one is kept): PID 1's are compared with the CMD.
  "    const raw = fs.readFileSync('/proc/' + d + '/cmdline', 'utf8');",
  "    const args = raw === '' ? [] : (raw.endsWith('\\0') ? raw.slice(0, -1) : raw).split('\\0');",
  "    if (uid) out.push({ pid: Number(d), uids: uid.slice(1, 5).map(Number), args: args, command: args.filter(Boolean).join(' ') || '[' + name + ']' });",
  '  } catch (e) {}',
  '}',
  'process.stdout.write(JSON.stringify(out));',
].join('\n');

const isUidList = (v: unknown): v is number[] => Array.isArray(v) && v.length === 4 && v.every((n) => Number.isInteger(n) && n >= 0);

/**
 * PROCESS_LIST_SCRIPT's answer to processes. A process counts as uid 0 when any of its real, effective,
 * saved or filesystem uid is 0: with a real or saved uid 0 it can become root again, with an fsuid 0 it
 * reads and writes files as root.
 */
export function parseProcessList(text: string): ProcessInfo[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!Array.isArray(json)) throw new EngineOutputError(`the process list from inside the container: expected a JSON list, got ${JSON.stringify(text.slice(0, 200))}`);
  return json.map((p: unknown) => {
    if (!isRecord(p) || typeof p['pid'] !== 'number' || !isUidList(p['uids']) || typeof p['command'] !== 'string' || !isStringArray(p['args'])) {
      throw new EngineOutputError(
        `the process list from inside the container: expected {pid, uids: [real, effective, saved, fs], args: [...], command}, got ${JSON.stringify(p)?.slice(0, 200)}`,
      );
    }
    const uids = p['uids'];
    // Stryker disable next-line ArrayDeclaration: isUidList guarantees four numbers
    return { pid: p['pid'], uid: uids.includes(0) ? 0 : (uids[1] ?? 0), command: p['command'], args: p['args'] };
  });
}

/** `tar -t` of a container export (`app/`, `./app/dist/index.js`) to absolute paths (`/app`, `/app/dist/index.js`). */
export function normalizeTarPaths(listing: string): string[] {
  const out = new Set<string>();
  for (const raw of listing.split('\n')) {
    // `./x` and `x` are the same entry; `./` (and `.`) is the root itself. A leading dot of a name (`.dockerenv`) stays.
    const path = raw
      .replace(/^(?:\.\/)+/, '')
      .replace(/^\/+/, '')
      .replace(/\/+$/, '');
    if (path === '.') continue;
    if (path !== '') out.add(`/${path}`);
  }
  return [...out].sort();
}

/**
 * Pure step of the health wait: a final outcome, or 'pending' while the engine still reports
 * `starting` and the deadline has not passed.
 */
export function classifyContainer(state: ContainerState, elapsedSeconds: number, timeoutSeconds: number): ContainerOutcome | 'pending' {
  if (state.status === 'exited' || state.status === 'dead') return { kind: 'exited', exitCode: state.exitCode };
  if (!state.health) return { kind: 'no-healthcheck' };
  if (state.health.status === 'healthy') return { kind: 'healthy' };
  if (state.health.status === 'unhealthy') return { kind: 'unhealthy', probeOutput: state.health.lastOutput };
  if (elapsedSeconds >= timeoutSeconds) return { kind: 'timeout', status: state.health.status, seconds: timeoutSeconds };
  return 'pending';
}
