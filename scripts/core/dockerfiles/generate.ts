/** The whole set of files generated from the service catalog: one Dockerfile per service, and the compose file. */
import type { PipelineConfig } from '../config.js';
import { InputError } from '../errors.js';
import { renderCompose } from '../compose/render.js';
import type { Workspace } from '../workspace/graph.js';
import { checkGeneratedNames } from './names.js';
import { GENERATED_HEADER, renderDockerfile } from './render.js';

export const GENERATOR = 'scripts/generate-dockerfiles.ts';

/** `pnpm@10.34.9` -> `10.34.9`: the one place the pnpm version is written is package.json's packageManager. */
export function pnpmVersionOf(packageManager: string | undefined): string {
  const version = packageManager?.match(/^pnpm@(\d+\.\d+\.\d+)(?:\+.*)?$/)?.[1];
  if (!version) throw new InputError(`package.json: "packageManager" is ${JSON.stringify(packageManager ?? null)}; expected "pnpm@<major.minor.patch>"`);
  return version;
}

export function renderAll(workspace: Workspace, template: string, config: PipelineConfig, pnpmVersion: string): Map<string, string> {
  checkGeneratedNames(workspace);
  const files = new Map<string, string>();
  for (const service of workspace.services) {
    files.set(
      `${service.dir}/${config.services.marker}`,
      renderDockerfile(template, workspace, service, { templatePath: config.services.dockerfileTemplate, generator: GENERATOR, pnpmVersion }),
    );
  }
  files.set(
    'docker-compose.yml',
    renderCompose(workspace, {
      header: GENERATED_HEADER('the service catalog (services/*/package.json)', GENERATOR),
      defaultNodeImage: `node:${config.versions.node}-alpine`,
      dockerfile: config.services.marker,
    }),
  );
  return files;
}
