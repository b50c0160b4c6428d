/**
 * `pnpm pipeline verify-image <service> --image <ref> [--base-image REF] [--revision SHA] [--source URL] [--env KEY=VALUE]...
 *  [--timeout SECONDS] [--cwd DIR] [--json]`
 *
 * Starts one container of a built service image on the local engine, and checks the runtime rules
 * (core/verify/rules.ts): healthy, non-root, node is PID 1 and stops on SIGTERM, /app holds this service only, no devDependencies, no pnpm,
 * OCI labels. The container runs with the service's environment from docker-compose.yml (then --env).
 * Exit 0 when every rule passes, 1 when one fails (each failure names the rule and the evidence),
 * 2 on bad input.
 */
import { dict } from '../core/dict.js';
import { isAbbreviatedSha } from '../core/git/commit-sha.js';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readTextFile } from '../io/read-text-file.js';
import { join, resolve } from 'node:path';
import { commandSpec, usageLine } from '../core/args.js';
import { InputError } from '../core/errors.js';
import { EXIT, type HandledSignal, SIGNAL_EXIT } from '../core/exit-codes.js';
import { formatImageRef, parseImageRef } from '../core/images/index.js';
import { STOP_GRACE_SECONDS } from '../core/compose/render.js';
import { composeEnvironment } from '../core/verify/compose-env.js';
import { expectationsFor, serviceByFolder } from '../core/verify/expectations.js';
import { declaredNodeImage } from '../core/dockerfiles/node-image.js';
import { parseDockerfile } from '../core/dockerfiles/parse.js';
import { baseLayerCount } from '../core/verify/layers.js';
import { BASE_LABEL, checkImage, RULES } from '../core/verify/rules.js';
import { parseManifest } from '../core/workspace/manifest.js';
import type { ImageConfig } from '../core/verify/evidence.js';
import { collectEvidence, type Engine, EngineError, ProbeInterrupted } from '../io/container-engine.js';
import { loadWorkspace } from '../io/workspace-fs.js';
import type { Command } from './types.js';
import { command } from './command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline verify-image',
  summary:
    'Starts one container of a built service image on the local engine and checks the runtime rules: healthy, non-root, node as PID 1 stopping on SIGTERM, /app holds this service only, no devDependencies, no pnpm, OCI labels. Each failure names the rule and the evidence.',
  options: {
    image: { type: 'string' },
    'base-image': { type: 'string' },
    revision: { type: 'string' },
    source: { type: 'string' },
    env: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    cwd: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { usage: '<service>', description: 'the service folder, e.g. api-gateway', one: true },
  help: {
    image: { value: 'REF', description: 'the image on the local engine', required: true },
    'base-image': {
      value: 'REF',
      description: `the image the runtime stage was built FROM (default: the service Dockerfile's ARG NODE_IMAGE default; an image whose ${BASE_LABEL} label names another base is refused); its layers are left out of the build's rules, pulled when not on the engine or when the engine's copy is not the image's base`,
    },
    revision: { value: 'SHA', description: 'the commit the revision label must name' },
    source: { value: 'URL', description: 'the repository URL the source label must name' },
    env: { value: 'KEY=VALUE', description: "an environment variable for the container (after the service's compose environment)" },
    timeout: { value: 'SECONDS', description: 'how long to wait for healthy (1-3600, default 90)' },
    cwd: { value: 'DIR', description: 'the workspace root (default: the current folder)' },
    json: { description: 'print one JSON object with every rule' },
  },
  examples: ['pnpm pipeline verify-image api-gateway --image ghcr.io/acme/api-gateway:sha-1a2b3c4'],
  notes: ['exit codes: 0 every rule passes, 1 a rule fails, 2 bad input, 3 the engine failed, 130/143 interrupted by SIGINT/SIGTERM (the probe container removed)'],
});
const USAGE = usageLine(SPEC);

function parseEnv(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = dict();
  for (const entry of entries) {
    const m = entry.match(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s);
    if (!m) throw new InputError(`pipeline verify-image: invalid --env ${JSON.stringify(entry)}; expected KEY=VALUE`);
    out[m[1] ?? ''] = m[2] ?? '';
  }
  return out;
}

/** An image reference, or bad input naming where it came from (a flag, a label). */
function imageRefFrom(text: string, where: string): string {
  try {
    return formatImageRef(parseImageRef(text));
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`pipeline verify-image: ${where}: ${err.message}`);
    throw err;
  }
}

/** The base the repository declares for a service: its Dockerfile's `ARG NODE_IMAGE=<default>`, and the file. */
interface DeclaredBase {
  readonly file: string;
  readonly image: string | undefined;
}

/**
 * Which base to leave out: --base-image, or else the one the service's Dockerfile declares. The image's own
 * base.name label never chooses (an image built with `--build-arg NODE_IMAGE=<an earlier service image>` would
 * exempt that service's layers): a label that names another base than the declared one is refused.
 */
function chosenBase(image: string, config: ImageConfig, flag: string | undefined, declared: () => DeclaredBase): { ref: string; from: string } {
  if (flag !== undefined) return { ref: imageRefFrom(flag, '--base-image'), from: '--base-image' };
  const { file, image: named } = declared();
  if (named === undefined) {
    throw new InputError(`pipeline verify-image: ${file} declares no global ARG NODE_IMAGE=<image>; pass --base-image with the image the runtime stage was built FROM`);
  }
  const ref = imageRefFrom(named, `${file}'s ARG NODE_IMAGE`);
  const label = config.labels[BASE_LABEL];
  if (label !== undefined && label.trim() !== '') {
    const labelled = imageRefFrom(label, `image ${image}'s ${BASE_LABEL} label`);
    if (labelled !== ref) {
      throw new InputError(
        `pipeline verify-image: image ${image} names ${labelled} as its base (its ${BASE_LABEL} label), not ${ref}, the one ${file} declares (ARG NODE_IMAGE); the image does not choose which of its layers are exempt: pass --base-image ${labelled} if it was meant to be built on that base`,
      );
    }
  }
  return { ref, from: `${file}'s ARG NODE_IMAGE` };
}

/**
 * The base image and how many of the image's first layers are its own. The layers are compared by their
 * content digests, so the name only says where to look: a base that the image was not built on is refused,
 * never trusted.
 */
async function baseOf(engine: Engine, image: string, config: ImageConfig, flag: string | undefined, declared: () => DeclaredBase): Promise<{ image: string; layers: number }> {
  const { ref, from } = chosenBase(image, config, flag, declared);
  let base = await engine.inspectImage(ref);
  const pulled = !base;
  if (!base) {
    // A builder of its own (buildx's docker-container driver, CI's) pulls the base into its cache, not the engine.
    await engine.pullImage(ref).catch((err: unknown) => {
      throw new EngineError(`the base image ${ref} is not on the engine and cannot be pulled (${err instanceof Error ? err.message : String(err)}); pull it, or pass --base-image`);
    });
    base = await engine.inspectImage(ref);
    if (!base) throw new EngineError(`the base image ${ref} is still not on the engine after \`docker image pull\``);
  }
  let layers = baseLayerCount(config.layers, base.layers);
  if (layers === undefined && !pulled) {
    // The engine's copy of the tag may be stale (the tag moved in its registry since it was pulled here, while the
    // build's own builder pulled the new one): one pull, then compare again. A tag the registry lacks keeps the local copy.
    const fresh = await engine.pullImage(ref).then(
      () => engine.inspectImage(ref),
      () => undefined,
    );
    if (fresh) {
      base = fresh;
      layers = baseLayerCount(config.layers, base.layers);
    }
  }
  if (layers === undefined) {
    if (base.layers.length >= config.layers.length && base.layers.every((digest, i) => config.layers[i] === digest)) {
      throw new InputError(
        `pipeline verify-image: image ${image} has no layer above the ${base.layers.length} layers of its base ${ref} (${from}): the rules about what the build added would check nothing; pass --base-image with the image its runtime stage was built FROM`,
      );
    }
    throw new InputError(
      `pipeline verify-image: image ${image} is not built on ${ref} (${from}): the ${base.layers.length} layers of ${ref} are not its first ones, even after pulling it again; pass --base-image with the image its runtime stage was built FROM (a tag that moved since the build names another image: pass it with the digest)`,
    );
  }
  return { image: ref, layers };
}

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values, positionals } = parsed;
  const service = positionals[0] ?? '';
  if (values.image === undefined) throw new InputError(`pipeline verify-image: --image is required; usage: ${USAGE}`);
  const image = formatImageRef(parseImageRef(values.image));
  // Checked before the engine is asked anything: a bad flag is bad input whatever the engine holds.
  if (values['base-image'] !== undefined) imageRefFrom(values['base-image'], '--base-image');
  const timeout = values.timeout === undefined ? 90 : Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600)
    throw new InputError(`pipeline verify-image: invalid --timeout ${JSON.stringify(values.timeout)}; expected whole seconds from 1 to 3600`);
  if (values.revision !== undefined && !isAbbreviatedSha(values.revision))
    throw new InputError(`pipeline verify-image: invalid --revision ${JSON.stringify(values.revision)}; expected a commit SHA (hex)`);
  const extraEnv = parseEnv(values.env ?? []);

  const root = resolve(ctx.cwd, values.cwd ?? '.');
  if (!existsSync(join(root, 'pnpm-workspace.yaml'))) throw new InputError(`--cwd ${root}: no pnpm-workspace.yaml there; point it at the workspace root`);
  const workspace = await loadWorkspace(root, { serviceMarker: ctx.config.services.marker, serviceGlobs: ctx.config.services.dockerfileTargets });
  const rootManifest = parseManifest('package.json', readTextFile(join(root, 'package.json'), 'package.json'));
  const expectations = expectationsFor(workspace, rootManifest, service, {
    ...(values.revision === undefined ? {} : { revision: values.revision }),
    ...(values.source === undefined ? {} : { source: values.source }),
  });
  const composeFile = join(root, 'docker-compose.yml');
  const env = {
    // A required secret (`${AUTH_SECRET:?...}`) gets a throw-away random value: the probe container
    // only has to start and answer its health check, it never sees real traffic.
    ...(existsSync(composeFile)
      ? composeEnvironment('docker-compose.yml', readTextFile(composeFile, 'docker-compose.yml'), service, {}, () => randomBytes(24).toString('hex'))
      : {}),
    ...extraEnv,
  };

  const engine = await ctx.effects.engine();
  // A cancelled job (SIGINT, then SIGTERM) or Ctrl-C: the wait stops and the probe container is removed
  // before the exit (130/143). A second signal exits at once; the container's label lets the next run
  // remove it (io/container-engine.ts, removeStaleProbes).
  const interrupt = new AbortController();
  let received: HandledSignal | undefined;
  const onSignal = (signal: HandledSignal): void => {
    if (received !== undefined) process.exit(SIGNAL_EXIT[received]);
    received = signal;
    interrupt.abort(new Error(`interrupted by ${signal}`));
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let evidence: Awaited<ReturnType<typeof collectEvidence>>;
  try {
    await engine.serverVersion();
    const config = await engine.inspectImage(image);
    if (!config) throw new InputError(`pipeline verify-image: image ${image} is not on the local engine; build or pull it first`);
    const dockerfile = `${serviceByFolder(workspace, service).dir}/${ctx.config.services.marker}`;
    const declared = () => ({ file: dockerfile, image: declaredNodeImage(parseDockerfile(readTextFile(join(root, dockerfile), dockerfile))) });
    const base = await baseOf(engine, image, config, values['base-image'], declared);
    evidence = await collectEvidence(engine, image, {
      env,
      timeoutSeconds: timeout,
      namePrefix: `verify-${service}`,
      base,
      stopGraceSeconds: STOP_GRACE_SECONDS,
      stop: interrupt.signal,
    });
  } catch (err) {
    if (err instanceof ProbeInterrupted && received !== undefined) {
      ctx.stderr(`verify-image: ${service}: interrupted by ${received}; its probe container was removed, no rule was judged\n`);
      return SIGNAL_EXIT[received];
    }
    // The engine failing is neither bad input nor our bug: say what failed, exit 3 (an outside system).
    if (!(err instanceof EngineError)) throw err;
    ctx.stderr(`verify-image: ${service}: ${err.message}\n`);
    return EXIT.outside;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  if (!evidence) throw new InputError(`pipeline verify-image: image ${image} is not on the local engine; build or pull it first`);
  const results = checkImage(evidence, expectations);
  const failed = results.filter((r) => !r.ok);

  if (values.json) {
    ctx.stdout(`${JSON.stringify({ service, image, imageId: evidence.config.id, ok: failed.length === 0, results })}\n`);
  } else {
    ctx.stdout(`verify-image ${service} (${image}, ${evidence.config.id})\n`);
    const width = Math.max(...results.map((r) => r.rule.length));
    for (const r of results) ctx.stdout(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.rule.padEnd(width)}  ${r.evidence}\n`);
    for (const r of failed) ctx.stderr(`verify-image: ${service}: rule ${r.rule} failed (${RULES[r.rule]}): ${r.evidence}\n`);
    ctx.stdout(
      failed.length === 0 ? `verify-image: ${service}: all ${results.length} rules pass\n` : `verify-image: ${service}: ${failed.length} of ${results.length} rules failed\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
});
