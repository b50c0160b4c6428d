/**
 * Vendored packages: folders a `file:`, `link:` or `workspace:<path>` dependency points at that hold no
 * workspace package (see GraphPackage.localInputs). Of one a `file:` dependency reaches, pnpm installs a
 * copy and its own dependencies and optional dependencies, its `file:` paths resolved from its folder
 * (checked with pnpm 10: the lockfile has them; a `link:` one is a symbolic link only, nothing of it
 * installed): so the folders those reach are inputs of the packages depending on it, at any depth. The
 * loaders read the vendored manifests through `read` (git's objects or the disk) and hand their `file:`
 * dependencies to the graph (graph.ts). Almost no workspace has one: then nothing is read.
 */
import { type DependencyRef, isCopyRef, readVendoredDependencies } from './manifest.js';
import { isLocalInput, isTarball, joinPosix } from './paths.js';

/** The folders of the `file:` dependencies of `refs` (those pnpm installs from), resolved from `dir`. */
function copiedFolders(dir: string, refs: readonly DependencyRef[]): string[] {
  const out: string[] = [];
  for (const ref of refs) if (isCopyRef(ref)) out.push(joinPosix(dir, ref.path));
  return out;
}

/**
 * A vendored folder's manifest as read (package.json, else package.json5, else package.yaml, as pnpm
 * picks it; the other two already turned into JSON): its text and what identifies that version of it (a
 * blob's hash in git), and its file's name for errors.
 */
export interface VendoredManifest {
  readonly text: string;
  readonly id: string;
  readonly file: string;
}

export interface VendoredPackages {
  /** The `file:` dependencies of each vendored folder's manifest (none when it has none). */
  readonly refs: ReadonlyMap<string, readonly DependencyRef[]>;
  /** Each vendored folder read and its manifest's id ('-' for none), in the order read: what a cached graph must still match. */
  readonly read: ReadonlyArray<readonly [folder: string, id: string]>;
}

/**
 * Every vendored folder the packages' `file:` dependencies reach, through any depth (each folder read
 * once: a cycle ends), with its own `file:` dependencies. `read` gets each level's folders at once and
 * answers their manifests in order (undefined: none, or one the loader does not follow).
 */
export async function readVendored(
  packages: ReadonlyArray<{ readonly dir: string; readonly refs: readonly DependencyRef[] }>,
  read: (folders: readonly string[]) => Promise<ReadonlyArray<VendoredManifest | undefined>>,
): Promise<VendoredPackages> {
  const workspaceDirs = new Set(packages.map((p) => p.dir));
  const refs = new Map<string, readonly DependencyRef[]>();
  const seen: Array<readonly [string, string]> = [];
  let level = new Set<string>();
  const reach = (folder: string) => {
    if (isLocalInput(folder) && !isTarball(folder) && !workspaceDirs.has(folder) && !refs.has(folder)) level.add(folder);
  };
  for (const p of packages) for (const folder of copiedFolders(p.dir, p.refs)) reach(folder);
  while (level.size > 0) {
    const folders = [...level];
    level = new Set();
    const manifests = await read(folders);
    const own = folders.map((folder, k) => {
      const manifest = manifests[k];
      const deps = manifest === undefined ? [] : readVendoredDependencies(manifest.text, () => manifest.file);
      refs.set(folder, deps);
      seen.push([folder, manifest?.id ?? '-']);
      return { folder, deps };
    });
    // Once the whole level is in `refs`: a folder of this level that another one reaches is not read again.
    for (const { folder, deps } of own) for (const target of copiedFolders(folder, deps)) reach(target);
  }
  return { refs, read: seen };
}
