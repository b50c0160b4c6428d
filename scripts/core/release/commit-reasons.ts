/**
 * Why one commit belongs in a service's history (its release notes, its deploy diff): with the same
 * rules as `pipeline affected`, over the commit's own change (its files classified against the
 * workspace graph of the release, its lockfile diff, its root manifest diff):
 * - a file in the service's folder;
 * - a file of a workspace package the service depends on, directly or not ("via @kodingcaravan/shared");
 * - a file of a folder that a `file:`/`link:` dependency of those points at (a vendored package);
 * - a lockfile change to the service's importer or to a dependency's importer, naming the packages;
 * - a global input (the Dockerfile template, pnpm-workspace.yaml, …) or an install field of the root manifest.
 * No reason: the commit is not an input of the service.
 */
import type { Classified } from '../affected/classify.js';
import type { LockfileDiff } from '../changes/lockfile.js';
import { packageOfLockReason } from '../changes/lockfile-reasons.js';
import type { RootManifestDiff } from '../changes/root-manifest.js';
import type { GraphPackage, WorkspaceGraph } from '../workspace/graph.js';
import type { Reason } from './notes.js';

export interface CommitChange {
  readonly classified: Classified;
  /** When the lockfile changed. */
  readonly lockfile?: LockfileDiff;
  /** When the root manifest changed. */
  readonly rootManifest?: RootManifestDiff;
}

export function commitReasons(graph: WorkspaceGraph, service: GraphPackage, change: CommitChange): Reason[] {
  const reasons: Reason[] = [];
  const deps = graph.dependenciesOf(service.name);
  const inputs = new Map<string, GraphPackage>([[service.name, service], ...deps.map((d) => [d.name, d] as const)]);
  const { classified } = change;
  if (classified.packages.has(service.name)) reasons.push({ kind: 'folder', path: service.dir });
  for (const dep of deps) if (classified.packages.has(dep.name)) reasons.push({ kind: 'dependency', package: dep.name });
  // A vendored folder that a `file:`/`link:` dependency of the service or of one of its dependencies points at.
  const local = new Set<string>();
  for (const pkg of inputs.values()) for (const folder of classified.localInputs.get(pkg.name)?.keys() ?? []) local.add(folder);
  for (const folder of [...local].sort()) reasons.push({ kind: 'folder', path: folder });
  for (const files of classified.global.values()) for (const file of files) reasons.push({ kind: 'global', file });
  if (change.rootManifest?.kind === 'install') reasons.push({ kind: 'global', file: `package.json (${change.rootManifest.fields.join(', ')})` });
  const lockfile = change.lockfile;
  if (lockfile?.kind === 'all' || lockfile?.kind === 'unreadable') {
    reasons.push({ kind: 'lockfile', packages: [] });
  } else if (lockfile?.kind === 'importers') {
    const packages = new Set<string>();
    let touched = false;
    for (const pkg of inputs.values()) {
      const importer = lockfile.importers.get(pkg.dir);
      if (importer === undefined) continue;
      touched = true;
      for (const reason of importer) {
        const name = packageOfLockReason(reason);
        if (name !== undefined) packages.add(name);
      }
    }
    if (touched) reasons.push({ kind: 'lockfile', packages: [...packages].sort() });
  }
  return reasons;
}
