/**
 * pipeline.config.ts, checked (scripts/core/config-check.ts) as the workflows load: a setting of the wrong
 * form is one line naming it from `pnpm workflows`, not a workflow generated from it.
 */
import { pipelineConfig as loaded } from '../pipeline.config.js';
import { checkConfig } from '../scripts/core/config-check.js';

export const pipelineConfig = checkConfig(loaded);
