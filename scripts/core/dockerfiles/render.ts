/**
 * Renders a service's Dockerfile from services/Dockerfile.template. Pure: the template text and the
 * workspace graph in, the Dockerfile text out. The COPY lines of the builder stage are the service's
 * workspace dependency closure, so the image's inputs are what change detection reports.
 */
import { InputError } from '../errors.js';
import type { Workspace, WorkspacePackage } from '../workspace/graph.js';
import { healthcheckCommand } from './healthcheck.js';

export const GENERATED_HEADER = (source: string, generator: string) =>
  `# DO NOT EDIT: generated from ${source} by ${generator}. Run \`pnpm generate\` after changing the template.`;

export interface DockerfileContext {
  readonly templatePath: string;
  readonly generator: string;
  readonly pnpmVersion: string;
}

/** Replaces `{{NAME}}` placeholders; an unknown or unused placeholder is an error, not a silent blank. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>, file: string): string {
  const used = new Set<string>();
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new InputError(`${file}: unknown placeholder {{${key}}}; known: ${Object.keys(values).join(', ')}`);
    used.add(key);
    return value;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new InputError(`${file}: the template does not use {{${unused.join('}}, {{')}}}; every value must appear`);
  return out;
}

export function renderDockerfile(template: string, workspace: Workspace, service: WorkspacePackage, ctx: DockerfileContext): string {
  const port = service.manifest.service.port;
  if (port === undefined) throw new InputError(`${service.dir}/package.json: a service needs "kodingcaravan": { "port": <number> }`);
  const deps = workspace.dependenciesOf(service.name);
  return fillTemplate(
    template,
    {
      HEADER: GENERATED_HEADER(ctx.templatePath, ctx.generator),
      PNPM_VERSION: ctx.pnpmVersion,
      COPY_WORKSPACE_PACKAGES: deps.length > 0 ? deps.map((d) => `COPY ${d.dir}/ ${d.dir}/`).join('\n') : '# (no workspace dependencies)',
      SERVICE_DIR: service.dir,
      PACKAGE: service.name,
      SERVICE: service.folder,
      PORT: String(port),
      HEALTHCHECK: JSON.stringify(healthcheckCommand(port)).replaceAll('","', '", "'),
    },
    ctx.templatePath,
  );
}
