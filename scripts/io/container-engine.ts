/**
 * The container engine behind small interfaces, implemented on the `docker` CLI (with buildx and compose
 * plugins). Everything the pipeline does to an engine goes through here: build, push, run, inspect.
 * The engine's JSON is parsed with the guards in core/verify/evidence.ts.
 */
import { commandName } from '../core/command-name.js';
import { OutsideError } from '../core/errors.js';
import { TIMEOUTS } from '../core/timeouts.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ContainerOutcome,
  type ContainerState,
  classifyContainer,
  type ImageConfig,
  type ImageEvidence,
  normalizeTarPaths,
  type ProcessInfo,
  parseContainerInspect,
  parseImageInspect,
  parseProcessList,
  PROCESS_LIST_SCRIPT,
  type StopOutcome,
} from '../core/verify/evidence.js';
import { addedPaths, mergeLayers, SavedImageError, savedLayerPaths } from '../core/verify/layers.js';
import { PROBE_LABEL, probeOwner, staleProbes } from '../core/verify/probes.js';
import { APP_DIR } from '../core/verify/rules.js';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A docker command failed: names the command, the exit code and the end of what it printed. */
export class EngineError extends OutsideError {
  override readonly name = 'EngineError';
}

export interface BuildRequest {
  /** The build context (the repository root for every service Dockerfile). */
  readonly context: string;
  readonly dockerfile: string;
  readonly tags: readonly string[];
  readonly buildArgs: Readonly<Record<string, string>>;
  /** A BuildKit local cache directory (type=local): read from, and written to when `exportCache`. */
  readonly cacheDir?: string;
  readonly exportCache?: boolean;
  /** Run every step (`--no-cache`); the cache mounts (npm, pnpm store) are kept. */
  readonly noCache?: boolean;
}

export interface BuildResult {
  /** The engine's image ID (`docker image inspect`): with the containerd store, the manifest digest, which a registry reports back. */
  readonly imageId: string;
  /** What `--iidfile` holds with the containerd store: the digest of the image config. */
  readonly configDigest: string;
  /** BuildKit's plain progress output: which steps ran and which were cached (core/verify/build-steps.ts). */
  readonly progress: string;
}

/** Building and publishing images. */
export interface ImageBuilder {
  build(request: BuildRequest): Promise<BuildResult>;
  inspectImage(ref: string): Promise<ImageConfig | undefined>;
  tag(source: string, target: string): Promise<void>;
  push(ref: string): Promise<void>;
  removeImage(ref: string): Promise<void>;
  /** The image's history, newest first: the size each step added (bytes, unpacked) and the instruction. */
  history(ref: string): Promise<HistoryEntry[]>;
}

export interface HistoryEntry {
  readonly size: number;
  readonly createdBy: string;
}

export interface RunRequest {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

/** Running a container and looking at it: what `verify-image` needs. */
export interface ContainerRunner {
  inspectImage(ref: string): Promise<ImageConfig | undefined>;
  run(image: string, request: RunRequest): Promise<string>;
  inspectContainer(id: string): Promise<ContainerState>;
  processes(id: string): Promise<ProcessInfo[]>;
  /** `docker container stop --signal SIGTERM --time <graceSeconds>`: returns once the container is gone (SIGKILL at the end of the grace period). */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** The paths of each layer of the image, base first (`docker image save`, each layer listed by tar); whiteouts kept. */
  imageLayers(ref: string): Promise<string[][]>;
  /** `docker image pull`: a base image the build's own builder pulled, which the engine may not hold. */
  pullImage(ref: string): Promise<void>;
  /** A file's text, or undefined when it does not exist. */
  readFile(id: string, path: string): Promise<string | undefined>;
  logs(id: string, lines: number): Promise<string>;
  /** By id or name. */
  removeContainer(id: string): Promise<void>;
  /** Every container (running or not) with this label: its id and the label's value. */
  containersLabelled(label: string): Promise<{ id: string; value: string }[]>;
}

export interface Engine extends ImageBuilder, ContainerRunner {
  /** The server's version; throws EngineError naming the cause when no engine answers. */
  serverVersion(): Promise<string>;
  /** `docker compose <args>`, with extra environment for interpolation. */
  compose(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<ExecResult>;
}

const tail = (text: string, lines = 25) => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * Runs `bin args`; stdin closed (never waits for input); resolves with the exit code, never rejects on a
 * non-zero one. `stop` (an interrupted deploy) kills it at once and rejects naming the abort's reason:
 * nothing waits for a command nobody wants the answer of.
 */
export function exec(bin: string, args: readonly string[], env?: Readonly<Record<string, string>>, timeoutMs: number = TIMEOUTS.engineMs, stop?: AbortSignal): Promise<ExecResult> {
  const what = `\`${commandName([bin, ...args])}\``;
  const stopped = () => new EngineError(`${what}: stopped: ${stop?.reason instanceof Error ? stop.reason.message : 'interrupted'}`);
  return new Promise((resolve, reject) => {
    if (stop?.aborted) {
      reject(stopped());
      return;
    }
    const child = spawn(bin, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env, timeout: timeoutMs, killSignal: 'SIGKILL' });
    // SIGKILL, as the bound kills it: a command that ignored SIGTERM would keep the interrupted deploy waiting.
    const kill = () => child.kill('SIGKILL');
    stop?.addEventListener('abort', kill, { once: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new EngineError(`cannot run ${bin}: ${e.message}; is the docker CLI installed and on PATH?`)));
    child.on('close', (code, signal) => {
      stop?.removeEventListener('abort', kill);
      if (signal === 'SIGKILL' && code === null && stop?.aborted) reject(stopped());
      else if (signal === 'SIGKILL' && code === null) reject(new EngineError(`${what}: no answer within ${timeoutMs / 1000} s`, { timedOut: true }));
      else resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** `from | to`: both exit codes and the stdout of `to`. */
function pipe(from: readonly string[], to: readonly string[]): Promise<{ fromCode: number; toCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const a = spawn(from[0] ?? '', from.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const b = spawn(to[0] ?? '', to.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    a.stdout.pipe(b.stdin);
    // tar may stop reading early (-O of one file); a broken pipe on our side is not an error.
    b.stdin.on('error', () => undefined);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    b.stdout.on('data', (d: Buffer) => out.push(d));
    a.stderr.on('data', (d: Buffer) => err.push(d));
    b.stderr.on('data', (d: Buffer) => err.push(d));
    a.on('error', reject);
    b.on('error', reject);
    let fromCode: number | undefined;
    let toCode: number | undefined;
    const done = () => {
      if (fromCode !== undefined && toCode !== undefined) resolve({ fromCode, toCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    };
    a.on('close', (code) => {
      fromCode = code ?? 1;
      done();
    });
    b.on('close', (code) => {
      toCode = code ?? 1;
      done();
    });
  });
}

export function dockerEngine(bin = 'docker'): Engine {
  const docker = async (args: readonly string[], env?: Readonly<Record<string, string>>): Promise<string> => {
    const r = await exec(bin, args, env);
    if (r.code !== 0) throw new EngineError(`\`docker ${args.join(' ')}\` failed (exit ${r.code}): ${tail(r.stderr || r.stdout, 10)}`);
    return r.stdout;
  };
  const inspectImage = async (ref: string): Promise<ImageConfig | undefined> => {
    const r = await exec(bin, ['image', 'inspect', ref]);
    if (r.code !== 0) {
      if (/no such image|not found/i.test(r.stderr)) return undefined;
      throw new EngineError(`\`docker image inspect ${ref}\` failed (exit ${r.code}): ${tail(r.stderr, 5)}`);
    }
    return parseImageInspect(JSON.parse(r.stdout));
  };

  return {
    async serverVersion() {
      const r = await exec(bin, ['version', '--format', '{{.Server.Version}}']);
      const version = r.stdout.trim();
      if (r.code !== 0 || version === '') {
        throw new EngineError(`no container engine answers (\`docker version\` exit ${r.code}: ${tail(r.stderr, 3)}); start one with \`bash scripts/ci/container-lab.sh up\``);
      }
      return version;
    },
    inspectImage,
    async build(req) {
      const dir = mkdtempSync(join(tmpdir(), 'kc-build-'));
      try {
        const iid = join(dir, 'iid');
        const args = ['buildx', 'build', '--progress=plain', '--load', '--provenance=false', '--iidfile', iid, '-f', req.dockerfile];
        if (req.noCache) args.push('--no-cache');
        for (const t of req.tags) args.push('-t', t);
        for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`);
        if (req.cacheDir !== undefined) {
          args.push('--cache-from', `type=local,src=${req.cacheDir}`);
          if (req.exportCache) args.push('--cache-to', `type=local,dest=${req.cacheDir},mode=max`);
        }
        args.push(req.context);
        const r = await exec(bin, args);
        const progress = `${r.stdout}${r.stderr}`;
        if (r.code !== 0) throw new EngineError(`build of ${req.dockerfile} failed (exit ${r.code}):\n${tail(progress, 30)}`);
        const configDigest = readFileSync(iid, 'utf8').trim();
        const first = req.tags[0];
        const image = first === undefined ? undefined : await inspectImage(first);
        return { imageId: image?.id ?? configDigest, configDigest, progress };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async tag(source, target) {
      await docker(['image', 'tag', source, target]);
    },
    async push(ref) {
      await docker(['image', 'push', '--quiet', ref]);
    },
    async history(ref) {
      const out = await docker(['image', 'history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', ref]);
      return out
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const tab = line.indexOf('\t');
          const size = Number(line.slice(0, tab));
          if (tab < 0 || !Number.isFinite(size)) throw new EngineError(`docker image history ${ref}: cannot read ${JSON.stringify(line)}`);
          return { size, createdBy: line.slice(tab + 1) };
        });
    },
    async removeImage(ref) {
      await docker(['image', 'rm', '--force', ref]);
    },
    async run(image, req) {
      const args = ['container', 'run', '--detach', '--name', req.name];
      // Probe every second during the image's start period (the image's own HEALTHCHECK command and
      // timings otherwise): a healthy service is seen in ~1 s instead of after the first 10 s interval.
      args.push('--health-start-interval', '1s');
      for (const [k, v] of Object.entries(req.env)) args.push('--env', `${k}=${v}`);
      for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`);
      args.push(image);
      return (await docker(args)).trim();
    },
    async inspectContainer(id) {
      return parseContainerInspect(JSON.parse(await docker(['container', 'inspect', id])));
    },
    async processes(id) {
      // Read inside the container, with the node its CMD runs (core/verify/evidence.ts says why not `docker top`).
      const r = await exec(bin, ['container', 'exec', id, 'node', '-e', PROCESS_LIST_SCRIPT]);
      if (r.code === 0) return parseProcessList(r.stdout);
      // A container that is not running has no processes to show.
      if (/is not running|no such container/i.test(r.stderr)) return [];
      throw new EngineError(
        `\`docker container exec ${id} node -e <process list>\` failed (exit ${r.code}): ${tail(r.stderr || r.stdout, 5)}; the image's node reads the processes`,
      );
    },
    async stop(id, graceSeconds) {
      // SIGTERM named, not the image's STOPSIGNAL: the claim judged is that node itself handles SIGTERM (what
      // Kubernetes sends); the Dockerfile's STOPSIGNAL is check-dockerfiles' rule.
      await docker(['container', 'stop', '--signal', 'SIGTERM', '--time', String(graceSeconds), id]);
    },
    async imageLayers(ref) {
      // Unpacked to a folder, each layer then listed from its file: tar recognises a compressed layer
      // (gzip, zstd, or none, as the engine stored it) only in a file, not in a pipe.
      const dir = mkdtempSync(join(tmpdir(), 'kc-layers-'));
      try {
        const saved = await pipe([bin, 'image', 'save', ref], ['tar', '-x', '-C', dir]);
        if (saved.fromCode !== 0 || saved.toCode !== 0) throw new EngineError(`\`docker image save ${ref} | tar -x\` failed: ${tail(saved.stderr, 5)}`);
        let layerFiles: string[];
        try {
          layerFiles = savedLayerPaths(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
        } catch (err) {
          throw new EngineError(
            `\`docker image save ${ref}\` wrote no readable manifest.json: ${err instanceof SavedImageError || err instanceof Error ? err.message : String(err)}`,
          );
        }
        const layers: string[][] = [];
        for (const file of layerFiles) {
          const listed = await exec('tar', ['-t', '-f', join(dir, file)]);
          if (listed.code !== 0) throw new EngineError(`\`tar -t\` of layer ${file} of ${ref} failed (exit ${listed.code}): ${tail(listed.stderr, 5)}`);
          layers.push(normalizeTarPaths(listed.stdout));
        }
        return layers;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async pullImage(ref) {
      await docker(['image', 'pull', '--quiet', ref]);
    },
    async readFile(id, path) {
      const r = await pipe([bin, 'container', 'cp', `${id}:${path}`, '-'], ['tar', '-x', '-O']);
      if (r.fromCode !== 0) {
        if (/could not find|no such file/i.test(r.stderr)) return undefined;
        throw new EngineError(`\`docker container cp ${id}:${path} -\` failed: ${tail(r.stderr, 5)}`);
      }
      return r.stdout;
    },
    async logs(id, lines) {
      const r = await exec(bin, ['container', 'logs', '--tail', String(lines), id]);
      return `${r.stdout}${r.stderr}`;
    },
    async removeContainer(id) {
      await docker(['container', 'rm', '--force', '--volumes', id]);
    },
    async containersLabelled(label) {
      const out = await docker(['container', 'ls', '--all', '--no-trunc', '--filter', `label=${label}`, '--format', `{{.ID}}\t{{.Label ${JSON.stringify(label)}}}`]);
      return out
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const tab = line.indexOf('\t');
          return { id: tab < 0 ? line : line.slice(0, tab), value: tab < 0 ? '' : line.slice(tab + 1) };
        });
    },
    async compose(args, env) {
      return exec(bin, ['compose', ...args], env);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EvidenceRequest {
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** Prefix of the container's name; a random suffix keeps parallel runs apart. */
  readonly namePrefix: string;
  /** The base image the build started FROM, and how many of the image's first layers are its own (core/verify/layers.ts). */
  readonly base: { readonly image: string; readonly layers: number };
  /** The grace period of the stop on SIGTERM (compose's stop_grace_period): SIGKILL after it. */
  readonly stopGraceSeconds: number;
  /** Aborted by a SIGINT or SIGTERM: the wait stops, the container is removed, and ProbeInterrupted is thrown. */
  readonly stop?: AbortSignal;
}

/** collectEvidence stopped by its `stop` signal; its container was removed. */
export class ProbeInterrupted extends Error {
  override readonly name = 'ProbeInterrupted';
}

/** Whether a process of this host runs: signal 0 sends nothing, it only asks (EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}

/**
 * Removes the probe containers of runs on this host that are gone (killed before their own cleanup).
 * Best effort: a container another run removes meanwhile, or an engine that refuses, stops nothing.
 */
async function removeStaleProbes(engine: ContainerRunner): Promise<void> {
  const probes = await engine.containersLabelled(PROBE_LABEL).catch(() => []);
  const stale = staleProbes(
    probes.map((p) => ({ id: p.id, owner: p.value })),
    hostname(),
    isRunning,
  );
  for (const id of stale) await engine.removeContainer(id).catch(() => undefined);
}

/**
 * Starts one container of `image`, waits until it is healthy (or not), and collects the evidence the
 * rules judge. The container is always removed, whatever happens; nothing else is touched.
 * Returns undefined when the image does not exist locally.
 */
export async function collectEvidence(engine: ContainerRunner, image: string, req: EvidenceRequest): Promise<ImageEvidence | undefined> {
  const config = await engine.inspectImage(image);
  if (!config) return undefined;
  const stopped = () => {
    if (req.stop?.aborted) throw new ProbeInterrupted(req.stop.reason instanceof Error ? req.stop.reason.message : 'interrupted');
  };
  await removeStaleProbes(engine);
  stopped();
  const name = `${req.namePrefix}-${randomBytes(4).toString('hex')}`;
  let id: string;
  try {
    id = await engine.run(image, { name, env: req.env, labels: { [PROBE_LABEL]: probeOwner(process.pid, hostname()) } });
  } catch (err) {
    // `docker run --detach` can create the container and then fail to start it (a bad CMD): no id comes
    // back, so remove it by name. Failing to remove what was never created is not an error.
    await engine.removeContainer(name).catch(() => undefined);
    throw err;
  }
  try {
    const started = Date.now();
    let outcome: ContainerOutcome | 'pending' = 'pending';
    while (outcome === 'pending') {
      stopped();
      outcome = classifyContainer(await engine.inspectContainer(id), (Date.now() - started) / 1000, req.timeoutSeconds);
      if (outcome === 'pending') await sleep(500);
    }
    stopped();
    const processes = await engine.processes(id);
    // The image's layers (by ID: the tag may move meanwhile), not the container's filesystem: what the
    // build shipped, each path with the layer that holds it.
    const [layers, appManifest, logTail] = await Promise.all([engine.imageLayers(config.id), engine.readFile(id, `${APP_DIR}/package.json`), engine.logs(id, 20)]);
    if (layers.length !== config.layers.length) {
      throw new EngineError(`\`docker image save ${config.id}\` holds ${layers.length} layers, but the image lists ${config.layers.length} (RootFS.Layers)`);
    }
    stopped();
    // Last, since it ends the container: whether it stops on SIGTERM by itself. One that had exited is not signalled.
    let stop: StopOutcome | undefined;
    if (outcome.kind !== 'exited') {
      const signalled = Date.now();
      await engine.stop(id, req.stopGraceSeconds);
      const seconds = (Date.now() - signalled) / 1000;
      stop = { graceSeconds: req.stopGraceSeconds, seconds, exitCode: (await engine.inspectContainer(id)).exitCode };
    }
    stopped();
    return { image, config, outcome, processes, stop, files: mergeLayers(layers), added: addedPaths(layers, req.base.layers), base: req.base, appManifest, logTail };
  } finally {
    await engine.removeContainer(id);
  }
}
