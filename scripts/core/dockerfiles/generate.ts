/** The whole set of files generated from the service catalog: one Dockerfile per service, and the compose file. */
import type { PipelineConfig } from '../config.js';
import { renderCompose } from '../compose/render.js';
import type { Workspace } from '../workspace/graph.js';
import { GENERATED_HEADER, renderDockerfile } from './render.js';

export const GENERATOR = 'scripts/generate-dockerfiles.ts';

export function renderAll(workspace: Workspace, template: string, config: PipelineConfig): Map<string, string> {
  const files = new Map<string, string>();
  for (const service of workspace.services) {
    files.set(
      `${service.dir}/${config.services.marker}`,
      renderDockerfile(template, workspace, service, { templatePath: config.services.dockerfileTemplate, generator: GENERATOR, pnpmVersion: config.versions.pnpm }),
    );
  }
  files.set(
    'docker-compose.yml',
    renderCompose(workspace, {
      header: GENERATED_HEADER('the service catalog (services/*/package.json)', GENERATOR),
      authPackage: '@kodingcaravan/auth',
      defaultNodeImage: `node:${config.versions.node}-alpine`,
    }),
  );
  return files;
}
