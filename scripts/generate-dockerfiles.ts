/**
 * `pnpm generate` / `pnpm generate:check`: one Dockerfile per service from services/Dockerfile.template,
 * and docker-compose.yml, from the workspace's service catalog. Adding a service is: create the folder
 * services/<name> with a package.json (and `kodingcaravan.port`), run `pnpm generate`.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR, pnpmVersionOf, renderAll } from './core/dockerfiles/generate.js';
import { commandSpec, runEntry } from './core/args.js';
import { InputError } from './core/errors.js';
import { diffGenerated, writeGenerated } from './io/generated-files.js';
import { loadWorkspace } from './io/workspace-fs.js';
import { loadPipelineConfig } from './io/pipeline-config.js';
import type { PipelineConfig } from './core/config.js';
import { isRecord } from './core/json.js';
import { readTextFile } from './io/read-text-file.js';

/** Dockerfiles on disk that carry our header, wherever they are below the service folders. */
function existingGenerated(root: string, pipelineConfig: PipelineConfig): string[] {
  const out: string[] = [];
  for (const parent of ['services', 'packages']) {
    if (!existsSync(join(root, parent))) continue;
    for (const dir of readdirSync(join(root, parent))) {
      const path = `${parent}/${dir}/${pipelineConfig.services.marker}`;
      // A folder where the Dockerfile should be is reported by the writer (as bad input), not read here.
      if (existsSync(join(root, path)) && statSync(join(root, path)).isFile() && readFileSync(join(root, path), 'utf8').includes(`by ${GENERATOR}`)) out.push(path);
    }
  }
  return out;
}

export async function render(root: string): Promise<Map<string, string>> {
  return renderWith(root, await loadPipelineConfig(root));
}

export async function check(root: string) {
  return checkWith(root, await loadPipelineConfig(root));
}

async function renderWith(root: string, pipelineConfig: PipelineConfig): Promise<Map<string, string>> {
  const workspace = await loadWorkspace(root, { serviceGlobs: pipelineConfig.services.dockerfileTargets, serviceMarker: pipelineConfig.services.marker });
  const templatePath = join(root, pipelineConfig.services.dockerfileTemplate);
  if (!existsSync(templatePath)) throw new InputError(`${pipelineConfig.services.dockerfileTemplate}: not found`);
  let rootManifest: unknown;
  try {
    rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  } catch (err) {
    throw new InputError(`package.json: not valid JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); fix the file`);
  }
  const packageManager = isRecord(rootManifest) ? rootManifest['packageManager'] : undefined;
  return renderAll(
    workspace,
    readTextFile(templatePath, pipelineConfig.services.dockerfileTemplate),
    pipelineConfig,
    pnpmVersionOf(typeof packageManager === 'string' ? packageManager : undefined),
  );
}

async function checkWith(root: string, pipelineConfig: PipelineConfig) {
  return diffGenerated(root, await renderWith(root, pipelineConfig), existingGenerated(root, pipelineConfig));
}

const SPEC = commandSpec({
  program: 'pnpm generate',
  summary:
    "Writes one Dockerfile per service from services/Dockerfile.template, and docker-compose.yml, from the workspace's service catalog (all files or none). With --check (`pnpm generate:check`), writes nothing and fails when any of them is stale, missing or left over.",
  options: { check: { type: 'boolean' } },
  help: { check: { description: 'compare with the disk instead of writing; exit 1 when anything differs' } },
  examples: ['pnpm generate', 'pnpm generate:check'],
  notes: ['exit codes: 0 done (or up to date), 1 out of date (--check), 2 bad input'],
});

async function main(checkOnly: boolean): Promise<number> {
  const root = process.cwd();
  const pipelineConfig = await loadPipelineConfig(root);
  if (checkOnly) {
    const diffs = await checkWith(root, pipelineConfig);
    if (diffs.length > 0) {
      // One line, naming the command (a base-image update of the template that skipped generation shows this in CI).
      process.stderr.write(`error: ${diffs.map((d) => `${d.path} ${d.kind}`).join(', ')}: generated files are out of date; run \`pnpm generate\` and commit the result\n`);
      return 1;
    }
    process.stdout.write('Dockerfiles and docker-compose.yml are up to date\n');
    return 0;
  }
  const files = await renderWith(root, pipelineConfig);
  const written = writeGenerated(root, files);
  // A generated Dockerfile whose service folder is gone (no package.json) is removed, so check passes again.
  const removed = existingGenerated(root, pipelineConfig).filter((path) => !files.has(path));
  for (const path of removed) rmSync(join(root, path));
  process.stdout.write(`${written} of ${files.size} generated files written${removed.length > 0 ? `, removed ${removed.join(', ')}` : ''}\n`);
  return 0;
}

if (process.argv[1]?.endsWith('generate-dockerfiles.ts')) {
  const out = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
  process.exitCode = await runEntry(SPEC, process.argv.slice(2), out, ({ values }) => main(values.check ?? false));
}
