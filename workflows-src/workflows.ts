/** Every generated workflow: the file it becomes and the TypeScript it comes from. */
import { ciWorkflow } from './ci.wac.js';
import { deployWorkflow } from './deploy.wac.js';
import type { WorkflowSource } from './dsl/render.js';
import { releaseWorkflow } from './release.wac.js';

export const WORKFLOWS: readonly WorkflowSource[] = [
  { file: 'ci.yml', source: 'ci.wac.ts', workflow: ciWorkflow },
  { file: 'release.yml', source: 'release.wac.ts', workflow: releaseWorkflow },
  { file: 'deploy.yml', source: 'deploy.wac.ts', workflow: deployWorkflow },
];
