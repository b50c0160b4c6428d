/**
 * `pnpm pipeline verify-image <service> --image <ref> [--revision SHA] [--source URL] [--env KEY=VALUE]...
 *  [--timeout SECONDS] [--cwd DIR] [--json]`
 *
 * Starts one container of a built service image on the local engine, and checks the runtime rules
 * (core/verify/rules.ts): healthy, non-root, /app holds this service only, no devDependencies, no pnpm,
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
import { EXIT } from '../core/exit-codes.js';
import { formatImageRef, parseImageRef } from '../core/images/index.js';
import { composeEnvironment } from '../core/verify/compose-env.js';
import { expectationsFor } from '../core/verify/expectations.js';
import { checkImage, RULES } from '../core/verify/rules.js';
import { parseManifest } from '../core/workspace/manifest.js';
import { collectEvidence, EngineError } from '../io/container-engine.js';
import { loadWorkspace } from '../io/workspace-fs.js';
import type { Command } from './types.js';
import { command } from './command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline verify-image',
  summary:
    'Starts one container of a built service image on the local engine and checks the runtime rules: healthy, non-root, /app holds this service only, no devDependencies, no pnpm, OCI labels. Each failure names the rule and the evidence.',
  options: {
    image: { type: 'string' },
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
    revision: { value: 'SHA', description: 'the commit the revision label must name' },
    source: { value: 'URL', description: 'the repository URL the source label must name' },
    env: { value: 'KEY=VALUE', description: "an environment variable for the container (after the service's compose environment)" },
    timeout: { value: 'SECONDS', description: 'how long to wait for healthy (1-3600, default 90)' },
    cwd: { value: 'DIR', description: 'the workspace root (default: the current folder)' },
    json: { description: 'print one JSON object with every rule' },
  },
  examples: ['pnpm pipeline verify-image api-gateway --image ghcr.io/acme/api-gateway:sha-1a2b3c4'],
  notes: ['exit codes: 0 every rule passes, 1 a rule fails, 2 bad input, 3 the engine failed'],
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

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values, positionals } = parsed;
  const service = positionals[0] ?? '';
  if (values.image === undefined) throw new InputError(`pipeline verify-image: --image is required; usage: ${USAGE}`);
  const image = formatImageRef(parseImageRef(values.image));
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
  let evidence: Awaited<ReturnType<typeof collectEvidence>>;
  try {
    await engine.serverVersion();
    evidence = await collectEvidence(engine, image, { env, timeoutSeconds: timeout, namePrefix: `verify-${service}` });
  } catch (err) {
    // The engine failing is neither bad input nor our bug: say what failed, exit 3 (an outside system).
    if (!(err instanceof EngineError)) throw err;
    ctx.stderr(`verify-image: ${service}: ${err.message}\n`);
    return EXIT.outside;
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
