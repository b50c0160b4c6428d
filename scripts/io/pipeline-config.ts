/**
 * pipeline.config.ts for the script entries that run from the sources (`pnpm generate`, `pnpm bundle`):
 * loaded when the command runs, not when its module loads, so that a config that does not compile is one
 * line naming its file, line and column, and a setting of the wrong form one line naming the setting
 * (core/config-check.ts), both exit 2.
 */
import type { PipelineConfig } from '../core/config.js';
import { checkConfig } from '../core/config-check.js';
import { sourceError } from './source-errors.js';

export async function loadPipelineConfig(root: string): Promise<PipelineConfig> {
  let loaded: unknown;
  try {
    loaded = (await import('../../pipeline.config.js')).pipelineConfig;
  } catch (err) {
    throw sourceError(err, root) ?? err;
  }
  return checkConfig(loaded);
}
