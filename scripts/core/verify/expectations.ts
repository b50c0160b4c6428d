/** What the rules expect of one service's image, from the workspace graph (pure). */
import { InputError } from '../errors.js';
import type { WorkspacePackage, Workspace } from '../workspace/graph.js';
import type { Manifest } from '../workspace/manifest.js';
import type { Expectations } from './rules.js';

export function serviceByFolder(workspace: Workspace, folder: string): WorkspacePackage {
  const service = workspace.services.find((s) => s.folder === folder);
  if (!service) throw new InputError(`unknown service ${JSON.stringify(folder)}; expected one of: ${workspace.services.map((s) => s.folder).join(', ')}`);
  return service;
}

/**
 * The devDependencies that must not reach the image: those of the workspace root, the service and the
 * workspace libraries it uses, minus anything one of them needs in production.
 */
export function forbiddenDevDependencies(manifests: readonly Manifest[]): string[] {
  const dev = new Set<string>();
  const prod = new Set<string>();
  for (const m of manifests) {
    for (const name of Object.keys(m.dependencies.devDependencies)) dev.add(name);
    for (const name of [...Object.keys(m.dependencies.dependencies), ...Object.keys(m.dependencies.optionalDependencies)]) prod.add(name);
  }
  return [...dev].filter((d) => !prod.has(d)).sort();
}

export function expectationsFor(workspace: Workspace, rootManifest: Manifest, folder: string, labels: { readonly revision?: string; readonly source?: string } = {}): Expectations {
  const service = serviceByFolder(workspace, folder);
  const libraries = workspace.dependenciesOf(service.name);
  return {
    service: service.folder,
    packageName: service.name,
    otherServices: workspace.services.filter((s) => s.name !== service.name).map((s) => ({ folder: s.folder, dir: s.dir, packageName: s.name })),
    devDependencies: forbiddenDevDependencies([rootManifest, service.manifest, ...libraries.map((l) => l.manifest)]),
    libraries: libraries.map((l) => l.name),
    ...labels,
  };
}
