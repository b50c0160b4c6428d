/**
 * `pnpm workflows` writes .github/workflows from workflows-src/; `pnpm workflows:check` renders in
 * memory and fails on any stale, missing or extra file (a workflow in .github/workflows that no
 * TypeScript produces, hand-written or left over, counts as extra: nobody edits the YAML by hand).
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandSpec, runEntry } from '../scripts/core/args.js';
import { InputError } from '../scripts/core/errors.js';
import { diffGenerated, type FileDiff, writeGenerated } from '../scripts/io/generated-files.js';
import { sourceError } from '../scripts/io/source-errors.js';
import { loadPipelineConfig } from '../scripts/io/pipeline-config.js';
import { renderWorkflow, type WorkflowSource } from './dsl/render.js';

export const WORKFLOWS_DIR = '.github/workflows';

/** Every workflow, rendered and checked, keyed by its path from the repository root. */
export function renderWorkflows(workflows: readonly WorkflowSource[]): Map<string, string> {
  return new Map(workflows.map((w) => [`${WORKFLOWS_DIR}/${w.file}`, renderWorkflow(w)]));
}

/**
 * The workflows, loaded now: release.yml and deploy.yml list the services of the workspace and ci.yml
 * reads pnpm's version from package.json when their modules load, so a workspace that cannot be read
 * is an error of this command (one line, exit 2), not of an import before it runs.
 */
async function loadWorkflows(root: string): Promise<readonly WorkflowSource[]> {
  // The config first, on its own: what it throws while it runs is its own error, named as such.
  await loadPipelineConfig(root);
  try {
    return (await import('./workflows.js')).WORKFLOWS;
  } catch (err) {
    // A source that does not compile (workflows-src/, pipeline.config.ts): its file, line and column.
    throw sourceError(err, root) ?? err;
  }
}

/**
 * The workflow files in .github/workflows. Read before anything is written: a `.github/workflows` that is
 * a file, or a folder named like a workflow, is bad input (one line, exit 2), and no workflow is written.
 */
function workflowFiles(root: string): string[] {
  const dir = join(root, WORKFLOWS_DIR);
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw new InputError(`${WORKFLOWS_DIR}: not a folder; move the file away and run again`);
  const files = readdirSync(dir, { withFileTypes: true }).filter((e) => /\.ya?ml$/.test(e.name));
  // A folder only: a link is an extra file like any other (reported by --check, removed by a write).
  const odd = files.find((e) => e.isDirectory());
  if (odd) throw new InputError(`${WORKFLOWS_DIR}/${odd.name}: not a file; a workflow is a file, remove or rename it`);
  return files.map((e) => `${WORKFLOWS_DIR}/${e.name}`).sort();
}

export function checkWorkflowFiles(root: string, workflows: readonly WorkflowSource[]): FileDiff[] {
  return diffGenerated(root, renderWorkflows(workflows), workflowFiles(root));
}

const SPEC = commandSpec({
  program: 'pnpm workflows',
  summary:
    'Writes .github/workflows from workflows-src/ (all files or none). With --check (`pnpm workflows:check`), writes nothing and fails on any stale, missing or extra workflow.',
  options: { check: { type: 'boolean' } },
  help: { check: { description: 'compare with the disk instead of writing; exit 1 when anything differs' } },
  examples: ['pnpm workflows', 'pnpm workflows:check'],
  notes: ['exit codes: 0 done (or up to date), 1 out of date (--check), 2 bad input'],
});

async function main(check: boolean): Promise<number> {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const workflows = await loadWorkflows(root);
  if (check) {
    const diffs = checkWorkflowFiles(root, workflows);
    if (diffs.length > 0) {
      // One line, naming the command: what a pin update that skipped generation shows in CI.
      const files = diffs.map((d) => `${d.path} ${d.kind}`).join(', ');
      process.stderr.write(`error: ${files}: the workflows are out of date with workflows-src/ (a pin or a source changed); run \`pnpm workflows\` and commit .github/workflows\n`);
      return 1;
    }
    process.stdout.write(`${workflows.length} workflow(s) in ${WORKFLOWS_DIR} are up to date\n`);
    return 0;
  }
  const files = renderWorkflows(workflows);
  // Listed (and checked) before anything is written.
  const extra = workflowFiles(root).filter((path) => !files.has(path));
  const written = writeGenerated(root, files);
  for (const path of extra) rmSync(join(root, path));
  process.stdout.write(`${written} of ${files.size} workflow(s) written${extra.length > 0 ? `; removed ${extra.join(', ')} (not produced by workflows-src/)` : ''}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
  process.exitCode = await runEntry(SPEC, process.argv.slice(2), out, ({ values }) => main(values.check ?? false));
}
