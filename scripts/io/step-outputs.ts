/**
 * Step outputs and the job summary, through @actions/core: `setOutput` writes the GITHUB_OUTPUT file in
 * the `name<<delimiter` form (multi-line values such as a list of tags survive), `summary` appends to
 * GITHUB_STEP_SUMMARY. Both read those paths from the process environment, as the runner sets them.
 * @actions/core is imported on first use, so that commands run outside Actions (and `affected` on its
 * hot path) never load it. Annotations do not go through @actions/core, whose `warning()` prints to
 * stdout: `--json` promises exactly one JSON object there (see github-event.ts).
 */

import { errnoCode, OutsideError } from '../core/errors.js';
import { quote } from '../core/quote.js';
import { checkActionsFiles } from './github-event.js';

/** A write the file refused (a full disk, a device such as /dev/full): the runner's side, one line, exit 3. */
async function writing(name: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const code = errnoCode(err);
    if (code === undefined) throw err;
    throw new OutsideError(
      `could not write ${name}=${quote(process.env[name] ?? '', 240)}: ${code}; the step's outputs or summary are incomplete (the runner's disk, or the file)`,
    );
  }
}

/** Writes each output to the file the runner names in GITHUB_OUTPUT. */
export async function writeStepOutputs(outputs: Readonly<Record<string, string>>): Promise<void> {
  // A command checks the files before it changes anything; this keeps any later write one line too.
  checkActionsFiles(process.env);
  const core = await import('@actions/core');
  await writing('GITHUB_OUTPUT', async () => {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  });
}

/** Appends Markdown to the job summary (the file the runner names in GITHUB_STEP_SUMMARY). */
export async function appendStepSummary(markdown: string): Promise<void> {
  checkActionsFiles(process.env);
  const core = await import('@actions/core');
  await writing('GITHUB_STEP_SUMMARY', async () => {
    await core.summary.addRaw(markdown, true).write();
  });
}
