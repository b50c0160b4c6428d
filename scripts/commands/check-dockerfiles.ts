/** `pipeline check-dockerfiles [--cwd DIR] [--json]`: the Dockerfile policy over every service. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandSpec } from '../core/args.js';
import { GENERATOR } from '../core/dockerfiles/generate.js';
import { parseDockerfile } from '../core/dockerfiles/parse.js';
import { builderInputs } from '../core/dockerfiles/render.js';
import { checkDockerfile, checkRepository, RULES, type Violation } from '../core/dockerfiles/policy.js';
import { InputError } from '../core/errors.js';
import { parseManifest } from '../core/workspace/manifest.js';
import { listFiles } from '../io/files.js';
import { loadWorkspace } from '../io/workspace-fs.js';
import type { Command } from './types.js';
import { readTextFile } from '../io/read-text-file.js';
import { command } from './command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline check-dockerfiles',
  summary: 'Checks every service Dockerfile against the policy of DOCKER_ARCHITECTURE.md; prints file:line: [rule] message for each violation.',
  options: { cwd: { type: 'string' }, json: { type: 'boolean' } },
  help: {
    cwd: { value: 'DIR', description: 'the workspace root (default: the current folder)' },
    json: { description: 'print one JSON object: ok, services, violations' },
  },
  examples: ['pnpm pipeline check-dockerfiles', 'pnpm -s pipeline check-dockerfiles --json'],
  notes: ['exit codes: 0 every Dockerfile passes, 1 a violation, 2 bad input'],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values } = parsed;
  const root = resolve(ctx.cwd, values.cwd ?? '.');
  if (!existsSync(join(root, 'pnpm-workspace.yaml'))) throw new InputError(`--cwd ${root}: no pnpm-workspace.yaml there; point it at the workspace root`);
  const { marker, dockerfileTargets } = ctx.config.services;
  const workspace = await loadWorkspace(root, { serviceMarker: marker, serviceGlobs: dockerfileTargets });
  const violations: Violation[] = [];
  for (const service of workspace.services) {
    const file = `${service.dir}/${marker}`;
    if (!existsSync(join(root, file))) {
      violations.push({ file, line: 1, rule: 'generated-header', message: 'missing: run `pnpm generate`' });
      continue;
    }
    const parsed = parseDockerfile(readTextFile(join(root, file), file));
    // The builder may copy what the generator copies: the workspace dependencies and the local inputs (vendored folders).
    const inputs = builderInputs(workspace, service);
    violations.push(...checkDockerfile(parsed, { file, serviceDir: service.dir, dependencyDirs: [...inputs.packages, ...inputs.local], headerMarker: `by ${GENERATOR}` }));
  }
  const rootManifest = parseManifest('package.json', readTextFile(join(root, 'package.json'), 'package.json'));
  const manifests = [
    { file: 'package.json', scripts: rootManifest.scripts },
    ...[...workspace.packages.values()].map((p) => ({ file: `${p.dir}/${p.manifestFile ?? 'package.json'}`, scripts: p.manifest.scripts })),
  ];
  violations.push(...checkRepository(listFiles(root), manifests));

  if (values.json) {
    ctx.stdout(`${JSON.stringify({ ok: violations.length === 0, services: workspace.services.length, violations })}\n`);
  } else {
    for (const v of violations) ctx.stdout(`${v.file}:${v.line}: [${v.rule}] ${v.message} (rule: ${RULES[v.rule]})\n`);
    ctx.stdout(
      violations.length === 0
        ? `check-dockerfiles: ${workspace.services.length} Dockerfiles pass ${Object.keys(RULES).length} rules\n`
        : `check-dockerfiles: ${violations.length} violation(s)\n`,
    );
  }
  return violations.length === 0 ? 0 : 1;
});
