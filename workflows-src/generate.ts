/**
 * `pnpm workflows` writes .github/workflows from workflows-src/; `pnpm workflows:check` renders in
 * memory and fails on any stale, missing or extra file (a workflow in .github/workflows that no
 * TypeScript produces, hand-written or left over, counts as extra: nobody edits the YAML by hand).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../scripts/core/errors.js';
import { diffGenerated, type FileDiff, writeGenerated } from '../scripts/io/generated-files.js';
import { renderWorkflow } from './dsl/render.js';
import { WORKFLOWS } from './workflows.js';

export const WORKFLOWS_DIR = '.github/workflows';

/** Every workflow, rendered and checked, keyed by its path from the repository root. */
export function renderWorkflows(): Map<string, string> {
  return new Map(WORKFLOWS.map((w) => [`${WORKFLOWS_DIR}/${w.file}`, renderWorkflow(w)]));
}

function workflowFiles(root: string): string[] {
  const dir = join(root, WORKFLOWS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${WORKFLOWS_DIR}/${f}`)
    .sort();
}

export function checkWorkflowFiles(root: string): FileDiff[] {
  return diffGenerated(root, renderWorkflows(), workflowFiles(root));
}

function main(): number {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  if (process.argv.includes('--check')) {
    const diffs = checkWorkflowFiles(root);
    for (const d of diffs) process.stderr.write(`${d.path}: ${d.kind}\n`);
    if (diffs.length > 0) {
      process.stderr.write('the workflows are out of date with workflows-src/: run `pnpm workflows` and commit .github/workflows\n');
      return 1;
    }
    process.stdout.write(`${WORKFLOWS.length} workflow(s) in ${WORKFLOWS_DIR} are up to date\n`);
    return 0;
  }
  const files = renderWorkflows();
  const written = writeGenerated(root, files);
  const extra = workflowFiles(root).filter((path) => !files.has(path));
  for (const path of extra) rmSync(join(root, path));
  process.stdout.write(`${written} of ${files.size} workflow(s) written${extra.length > 0 ? `; removed ${extra.join(', ')} (not produced by workflows-src/)` : ''}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main();
  } catch (err) {
    process.stderr.write(`error: ${describeError(err)}\n`);
    process.exitCode = 1;
  }
}
