/**
 * Renders a service's Dockerfile from services/Dockerfile.template. Pure: the template text and the
 * workspace graph in, the Dockerfile text out. The COPY lines of the builder stage are the service's
 * workspace dependency closure and the local inputs (vendored folders) of it, so the image's inputs
 * are what change detection reports.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';
import type { Workspace, WorkspacePackage } from '../workspace/graph.js';
import { isTarball } from '../workspace/paths.js';
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

/**
 * What the builder stage copies besides the service's own folder and the root files: the folders of its
 * workspace dependencies in build order, then the local inputs (vendored folders a `file:`/`link:`
 * dependency points at) of the service and of those dependencies, sorted, once each, but those inside a
 * folder copied whole; a tarball there is refused (the Dockerfile could not build it).
 */
export function builderInputs(workspace: Workspace, service: WorkspacePackage): { readonly packages: string[]; readonly local: string[] } {
  const deps = workspace.dependenciesOf(service.name);
  const copied = [service.dir, ...deps.map((d) => d.dir)];
  const local = new Set<string>();
  for (const pkg of [...deps, service]) {
    for (const input of pkg.localInputs) {
      // Inside a folder copied whole already (the service's own `file:./vendor/x`): no line of its own.
      if (copied.some((dir) => input.startsWith(`${dir}/`))) continue;
      if (isTarball(input)) {
        throw new InputError(
          `${pkg.dir}/${pkg.manifestFile ?? 'package.json'}: a file: dependency on the tarball ${quote(input)} (its own, or a vendored package's it copies) cannot be built by the generated Dockerfile (its deps stage runs \`pnpm fetch\`, which reads the tarball, before anything but the root files is copied); unpack it into a folder and depend on that folder with file:`,
        );
      }
      local.add(input);
    }
  }
  return { packages: deps.map((d) => d.dir), local: [...local].sort() };
}

export function renderDockerfile(template: string, workspace: Workspace, service: WorkspacePackage, ctx: DockerfileContext): string {
  const port = service.manifest.service.port;
  if (port === undefined) throw new InputError(`${service.dir}/package.json: a service needs "kodingcaravan": { "port": <number> }`);
  const inputs = builderInputs(workspace, service);
  // Local inputs: no trailing slash, so that COPY puts a folder's contents at the same path.
  const copies = [...inputs.packages.map((dir) => `COPY ${dir}/ ${dir}/`), ...inputs.local.map((path) => `COPY ${path} ${path}`)];
  return fillTemplate(
    template,
    {
      HEADER: GENERATED_HEADER(ctx.templatePath, ctx.generator),
      PNPM_VERSION: ctx.pnpmVersion,
      COPY_WORKSPACE_PACKAGES: copies.length > 0 ? copies.join('\n') : '# (no workspace dependencies)',
      SERVICE_DIR: service.dir,
      PACKAGE: service.name,
      SERVICE: service.folder,
      PORT: String(port),
      HEALTHCHECK: JSON.stringify(healthcheckCommand(port)).replaceAll('","', '", "'),
    },
    ctx.templatePath,
  );
}
