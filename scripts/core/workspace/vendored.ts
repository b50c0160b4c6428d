/**
 * Vendored packages: folders a `file:`, `link:` or `workspace:<path>` dependency points at that hold no
 * workspace package (see GraphPackage.localInputs). pnpm installs such a package's own dependencies too,
 * and resolves its own `file:`/`link:` paths from its folder: so the folders those reach are inputs of the
 * packages depending on it, at any depth. The loaders read the vendored manifests through `read` (git's
 * objects or the disk) and hand their path dependencies to the graph (graph.ts). Almost no workspace has
 * one: then nothing is read.
 */
import { type DependencyRef, readPathDependencies } from './manifest.js';
import { isLocalInput, isTarball, joinPosix } from './paths.js';

/** The path dependencies of `refs` (`file:`, `link:`, `workspace:<path>`), resolved from `dir`. */
function pathTargets(dir: string, refs: readonly DependencyRef[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < refs.length; k++) {
    const ref = refs[k];
    if (typeof ref === 'object' && !Array.isArray(ref) && 'path' in ref) out.push(joinPosix(dir, ref.path));
  }
  return out;
}

/** A vendored folder's manifest as read: its text and what identifies that version of it (a blob's hash on git). */
export interface VendoredManifest {
  readonly text: string;
  readonly id: string;
}

export interface VendoredPackages {
  /** The path dependencies of each vendored folder's package.json (none when it has none). */
  readonly refs: ReadonlyMap<string, readonly DependencyRef[]>;
  /** Each vendored folder read and its manifest's id ('-' for none), in the order read: what a cached graph must still match. */
  readonly read: ReadonlyArray<readonly [folder: string, id: string]>;
}

/**
 * Every vendored folder the packages reach, through any depth (a cycle ends), with its path dependencies.
 * `read` gets each level's folders at once and answers their package.json in order (undefined: none);
 * `fileName` names a manifest in an error (a vendored package.json that is not valid is bad input).
 */
export async function readVendored(
  packages: ReadonlyArray<{ readonly dir: string; readonly refs: readonly DependencyRef[] }>,
  read: (folders: readonly string[]) => Promise<ReadonlyArray<VendoredManifest | undefined>>,
  fileName: (folder: string) => string,
): Promise<VendoredPackages> {
  const workspaceDirs = new Set<string>();
  for (let k = 0; k < packages.length; k++) workspaceDirs.add(packages[k]?.dir ?? '');
  const refs = new Map<string, readonly DependencyRef[]>();
  const seen: Array<readonly [string, string]> = [];
  const vendored = (folder: string) => isLocalInput(folder) && !isTarball(folder) && !workspaceDirs.has(folder) && !refs.has(folder);
  let level: string[] = [];
  for (let k = 0; k < packages.length; k++) {
    const p = packages[k];
    if (p === undefined) continue;
    for (const folder of pathTargets(p.dir, p.refs)) if (vendored(folder) && !level.includes(folder)) level.push(folder);
  }
  while (level.length > 0) {
    const manifests = await read(level);
    const next: string[] = [];
    for (let k = 0; k < level.length; k++) {
      const folder = level[k] ?? '';
      const manifest = manifests[k];
      const own = manifest === undefined ? [] : readPathDependencies(manifest.text, () => fileName(folder));
      refs.set(folder, own);
      seen.push([folder, manifest?.id ?? '-']);
    }
    for (const folder of level) {
      for (const target of pathTargets(folder, refs.get(folder) ?? [])) if (vendored(target) && !next.includes(target)) next.push(target);
    }
    level = next;
  }
  return { refs, read: seen };
}
