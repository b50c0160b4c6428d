/**
 * pipeline.config.ts for the script entries that run from the sources (`pnpm generate`, `pnpm bundle`):
 * loaded when the command runs, not when its module loads, so that a config that does not compile is one
 * line naming its file, line and column, one that throws while it runs (or while a setting is read) one
 * line naming the file and the error, and a setting of the wrong form one line naming the setting
 * (core/config-check.ts), all exit 2.
 */
import type { PipelineConfig } from '../core/config.js';
import { CONFIG_FILE, checkConfig } from '../core/config-check.js';
import { describeError, InputError } from '../core/errors.js';
import { sourceError } from './source-errors.js';

/** An error as `TypeError: message`: what the config's own code threw. */
const named = (err: unknown) => (err instanceof Error ? `${err.name}: ${describeError(err)}` : describeError(err));

export async function loadPipelineConfig(root: string): Promise<PipelineConfig> {
  let loaded: unknown;
  try {
    loaded = (await import('../../pipeline.config.js')).pipelineConfig;
  } catch (err) {
    // It imports types only: whatever it throws while it runs is the file's (an unset variable read, a getter).
    throw sourceError(err, root) ?? new InputError(`${CONFIG_FILE}: running it threw ${named(err)}; fix the file and run again`);
  }
  try {
    return checkConfig(loaded);
  } catch (err) {
    if (err instanceof InputError) throw err;
    // A getter or a proxy in the config that throws when a setting is read.
    throw new InputError(`${CONFIG_FILE}: reading its settings threw ${named(err)}; fix the file and run again`);
  }
}
