/**
 * Loads the workspace graph from the working tree (the generators, `check-dockerfiles`, `verify-image`
 * and `tags` use this): the discovery of core/workspace/discover.ts over the folders on disk, the
 * same walk and service rule as over a commit's trees (io/workspace-git.ts).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { discoverPackages, type FolderListing, MANIFEST_FILES, manifestFolder, OTHER_MANIFEST_FILES, type PackageFiles, symlinkedManifest } from '../core/workspace/discover.js';
import { folderTest, globMatcher } from '../core/workspace/folder-globs.js';
import { buildWorkspace, type GraphOptions, hasLocalInputs, packageRefs, type PackageInput, type Workspace } from '../core/workspace/graph.js';
import { readVendored, type VendoredManifest } from '../core/workspace/vendored.js';
import { parseManifest } from '../core/workspace/manifest.js';
import { workspaceOverrides } from '../core/workspace/overrides.js';
import { readWorkspaceGlobs, readWorkspaceOverrides } from '../core/workspace/workspace-globs.js';
import { manifestJson, readRootManifest } from './manifest-json.js';
import { readTextFile } from './read-text-file.js';

/** What is at `path` as git would store it: a file, a symbolic link (a blob too), something else, or nothing. */
function entryAt(path: string): 'file' | 'link' | 'other' | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'link' : 'other';
  } catch {
    return undefined;
  }
}

/**
 * A package folder's manifest, as pnpm picks it (package.json, else package.json5, else package.yaml):
 * its text and, when not package.json, which file; undefined when there is none. A package.json that
 * is a folder makes no package alone, and is refused beside another manifest (manifestFolder), as from git.
 */
function readManifest(folder: string, name: string): Pick<PackageFiles, 'manifest' | 'manifestFile'> {
  const path = join(folder, 'package.json');
  const entry = entryAt(path);
  if (entry === 'link') throw symlinkedManifest(`${name}/package.json`);
  if (entry === 'file') return { manifest: readFileSync(path, 'utf8') };
  for (const file of OTHER_MANIFEST_FILES) {
    const other = join(folder, file);
    const kind = entryAt(other);
    if (kind === 'link') throw symlinkedManifest(`${name}/${file}`);
    if (kind !== 'file') continue;
    if (entry === 'other') throw manifestFolder(`${name}/package.json`, file);
    return { manifest: readFileSync(other, 'utf8'), manifestFile: file };
  }
  return { manifest: undefined };
}

/** Whether `path` is a file in git's sense (a blob: a regular file or a symbolic link), not a folder. */
function isFile(path: string): boolean {
  const entry = entryAt(path);
  return entry === 'file' || entry === 'link';
}

/**
 * The working tree's folders for discovery, each known by its absolute path. A folder holding `.git`
 * is another repository (a checked-out submodule): a commit's tree has a commit there, not a folder,
 * so it is not walked here either.
 */
function diskListing(): FolderListing<string> {
  return {
    async subfolders(folders) {
      return folders.map((f) =>
        readdirSync(f.handle, { withFileTypes: true })
          .filter((e) => e.isDirectory() && !existsSync(join(f.handle, e.name, '.git')))
          .map((e) => ({ name: e.name, handle: join(f.handle, e.name) })),
      );
    },
    async packageFiles(folders, marker): Promise<PackageFiles[]> {
      return folders.map((f) => ({ ...readManifest(f.handle, f.path), marker: isFile(join(f.handle, marker)) }));
    },
  };
}

/**
 * A vendored folder's manifest on disk, as pnpm picks it (package.json, else package.json5, else
 * package.yaml), or undefined: none, or a folder reached through a symbolic link (a commit's trees cannot
 * follow one, and links back into a folder would make the walk endless) or inside a submodule. A manifest that is a symbolic link
 * is refused, as from git.
 */
async function vendoredManifest(root: string, folder: string): Promise<VendoredManifest | undefined> {
  const path = join(root, folder);
  try {
    if (realpathSync(path) !== join(realpathSync(root), folder)) return undefined;
  } catch {
    return undefined; // no such folder
  }
  // Inside a submodule (a folder holding `.git`, the folder itself or one above it): a commit holds a
  // gitlink there, not its files, so it is not read here either (as discovery does not walk one).
  const segments = folder.split('/');
  for (let n = 1; n <= segments.length; n++) if (existsSync(join(root, ...segments.slice(0, n), '.git'))) return undefined;
  for (const file of MANIFEST_FILES) {
    const name = `${folder}/${file}`;
    const entry = entryAt(join(path, file));
    if (entry === undefined) continue;
    if (entry === 'link') throw symlinkedManifest(name);
    if (entry === 'other') return undefined;
    return { text: await manifestJson(name, file, readFileSync(join(path, file), 'utf8')), id: '', file: name };
  }
  return undefined;
}

export interface LoadOptions {
  /** A package is a service when its folder holds this file (default `Dockerfile`) ... */
  readonly serviceMarker?: string;
  /** ... or when its folder matches one of these globs (the config's `services.dockerfileTargets`). */
  readonly serviceGlobs?: readonly string[];
}

export async function loadWorkspace(root: string, options: LoadOptions = {}): Promise<Workspace> {
  const yamlPath = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(yamlPath)) throw new InputError(`${yamlPath}: not found; run from the root of a pnpm workspace`);
  // Refused as from git, where a commit holds the link's text (and as a linked package manifest is).
  if (entryAt(yamlPath) === 'link') throw symlinkedManifest('pnpm-workspace.yaml');
  const yamlText = readTextFile(yamlPath, 'pnpm-workspace.yaml');
  const globs = await readWorkspaceGlobs('pnpm-workspace.yaml', yamlText);
  const rule = { marker: options.serviceMarker ?? 'Dockerfile', isServiceDir: await folderTest(options.serviceGlobs ?? []) };
  const found = await discoverPackages(diskListing(), root, await globMatcher(globs), rule);
  const inputs: PackageInput[] = [];
  for (const { dir, manifest, manifestFile, isService } of found) {
    const file = `${dir}/${manifestFile ?? 'package.json'}`;
    inputs.push({ dir, manifest: parseManifest(file, await manifestJson(file, manifestFile ?? 'package.json', manifest)), manifestFile, isService });
  }
  // The root package's name: a dependency naming it is on the root (GraphPackage.dependsOnRoot), as from git.
  // A link's text, as git holds it (so both loaders agree on an unreadable one).
  const textOf = (path: string, entry: ReturnType<typeof entryAt>) => (entry === 'file' ? readFileSync(path, 'utf8') : entry === 'link' ? readlinkSync(path) : undefined);
  const rootFile = await readRootManifest(MANIFEST_FILES.map((file) => [file, file, textOf(join(root, file), entryAt(join(root, file)))] as const));
  const overrides = workspaceOverrides(rootFile.json, await readWorkspaceOverrides('pnpm-workspace.yaml', yamlText));
  // Which packages reach those overrides' folders through registry packages: the lockfile says (as from git).
  let overridden: GraphOptions['overrides'];
  if (overrides.length > 0) {
    const { reachedRefs } = await import('../core/workspace/override-reach.js');
    const lockPath = join(root, 'pnpm-lock.yaml');
    const lockText = entryAt(lockPath) === 'file' ? readFileSync(lockPath, 'utf8') : undefined;
    overridden = {
      list: overrides,
      reached: reachedRefs(
        inputs.map((input) => ({ dir: input.dir, name: input.manifest.name })),
        overrides,
        lockText,
        false,
      ),
    };
  }
  const graphOptions = { rootName: rootFile.name, rootUnreadable: rootFile.unreadable, overrides: overridden };
  const first = buildWorkspace(inputs, graphOptions);
  if (!hasLocalInputs(first)) return first;
  // A vendored package's own `file:` dependencies (vendored.ts), read from its folder on disk.
  const vendored = await readVendored(
    [...first.packages.values()].map((p) => ({ dir: p.dir, refs: packageRefs(p.manifest, p.dir, overridden) })),
    async (folders) => {
      const out: Array<VendoredManifest | undefined> = [];
      for (const folder of folders) out.push(await vendoredManifest(root, folder));
      return out;
    },
  );
  return vendored.read.length === 0 ? first : buildWorkspace(inputs, { ...graphOptions, vendored: vendored.refs });
}
