/**
 * Which folders of a workspace are packages, and which packages are services: one walk and one rule,
 * over any listing of folders. Two listings use it: the working tree (`io/workspace-fs.ts`: the
 * generators, `check-dockerfiles`, `verify-image`, `tags`) and a commit's trees in git's object
 * database (`io/workspace-git.ts`: `affected` and release), so both give the same answers.
 *
 * The walk goes level by level (one call to the listing per level: with git, one round trip to
 * `cat-file` each), descends only where a package-folder glob could still match, and skips
 * `node_modules` and `bower_components`, and folders whose name starts with a dot unless a glob names them, as pnpm's own discovery does.
 */
import { InputError } from '../errors.js';
import type { GlobMatcher } from './folder-globs.js';

/** A folder as a listing knows it: its path below the workspace folder ('' for that folder itself) and the listing's own handle. */
export interface Folder<H> {
  readonly path: string;
  /** What the listing needs to read the folder again: a path on disk, a tree's hash in git. */
  readonly handle: H;
}

/**
 * pnpm's manifest files, in the order it reads them: a package folder's manifest is the first of
 * them it holds (checked with pnpm 10: a folder with package.json and package.yaml is the package
 * package.json names).
 */
export const MANIFEST_FILES = ['package.json', 'package.json5', 'package.yaml'] as const;
export type ManifestFile = (typeof MANIFEST_FILES)[number];
/** The two read only for a folder without package.json (core/workspace/manifest-formats.ts turns them into JSON). */
export type OtherManifestFile = Exclude<ManifestFile, 'package.json'>;
export const OTHER_MANIFEST_FILES: readonly OtherManifestFile[] = ['package.json5', 'package.yaml'];

/** What a package folder holds that discovery needs. */
export interface PackageFiles {
  /** The text of its manifest; undefined when it has none (then it is no package). */
  readonly manifest: string | undefined;
  /** Which file `manifest` is when it is not package.json (absent for package.json: the common case). */
  readonly manifestFile?: OtherManifestFile;
  /** Whether it holds the service marker file (a file, not a folder). */
  readonly marker: boolean;
}

export interface FolderListing<H> {
  /** The subfolders of each folder, by name, in one call for a whole level of the walk. */
  subfolders(folders: readonly Folder<H>[]): Promise<ReadonlyArray<ReadonlyArray<{ readonly name: string; readonly handle: H }>>>;
  /** For each folder, in order: its manifest (package.json, else package.json5, else package.yaml) and whether it holds `marker` (a path below the folder). */
  packageFiles(folders: readonly Folder<H>[], marker: string): Promise<readonly PackageFiles[]>;
}

/** A package is a service when its folder holds `marker` or matches one of the service folder globs. */
export interface ServiceRule {
  readonly marker: string;
  /** The config's `services.dockerfileTargets`: a new service is one before its Dockerfile is generated. */
  readonly isServiceDir: (path: string) => boolean;
}

/**
 * A manifest that is a symbolic link: git stores the link, not the file, so a commit's manifest
 * would be the link's text. Refused on disk and from git alike, so both listings agree.
 */
export function symlinkedManifest(file: string): InputError {
  return new InputError(`${file} is a symbolic link; the pipeline reads manifests from git's objects, where a link is not followed: commit the file itself`);
}

/**
 * A package.json that is a folder, beside pnpm's package.json5 or package.yaml: pnpm finds the package by the
 * other file, then reads package.json first and fails (EISDIR). Alone, such a folder makes no package (pnpm
 * skips it), on disk and from git alike. `packageJson` is the path as the loader names files (from git, with its
 * commit); `other` is the file beside it, by its name alone.
 */
export function manifestFolder(packageJson: string, other: OtherManifestFile): InputError {
  return new InputError(`${packageJson} is a folder beside ${other}: pnpm reads package.json first and fails (EISDIR); rename or remove the folder`);
}

export interface FoundPackage {
  /** Below the workspace folder, `/`-separated, no trailing slash. */
  readonly dir: string;
  readonly manifest: string;
  /** Which file `manifest` is when it is not package.json. */
  readonly manifestFile: OtherManifestFile | undefined;
  readonly isService: boolean;
}

/**
 * Folders never searched for packages: pnpm's workspace search ignores every node_modules and
 * bower_components folder (its find-packages ignore list). Its glob library enters a dot-folder only where a
 * glob names it (`.tools/*`, not `*` or `**`): the matcher's `dot: false` decides that (folder-globs.ts).
 */
const SKIP = new Set(['node_modules', 'bower_components']);

/** The package folder candidates below `root`: every folder the globs name, found level by level. */
async function packageFolders<H>(listing: FolderListing<H>, root: H, matcher: GlobMatcher): Promise<Array<Folder<H>>> {
  const candidates: Array<Folder<H>> = [];
  let frontier: Array<Folder<H>> = [{ path: '', handle: root }];
  while (frontier.length > 0) {
    const levels = await listing.subfolders(frontier);
    const descend: Array<Folder<H>> = [];
    for (const [f, parent] of frontier.entries()) {
      const children = levels[f];
      if (children === undefined) throw new Error(`folder listing answered ${levels.length} of ${frontier.length} folders`);
      for (const { name, handle } of children) {
        // A folder whose name starts with a dot is walked only where a glob names it (`.tools/*`): the globs' `dot: false`.
        if (SKIP.has(name)) continue;
        const path = parent.path === '' ? name : `${parent.path}/${name}`;
        if (matcher.isPackageDir(path)) candidates.push({ path, handle });
        if (matcher.mayContain(path)) descend.push({ path, handle });
      }
    }
    frontier = descend;
  }
  return candidates;
}

/** The packages below `root`, in the order the walk found them, each with its manifest's text and whether it is a service. */
export async function discoverPackages<H>(listing: FolderListing<H>, root: H, matcher: GlobMatcher, rule: ServiceRule): Promise<FoundPackage[]> {
  const candidates = await packageFolders(listing, root, matcher);
  const files = await listing.packageFiles(candidates, rule.marker);
  const found: FoundPackage[] = [];
  for (const [i, folder] of candidates.entries()) {
    const read = files[i];
    if (read === undefined) throw new Error(`folder listing read ${files.length} of ${candidates.length} package folders`);
    // A folder without a manifest file is not a package (nor is one whose package.json is a folder).
    if (read.manifest === undefined) continue;
    found.push({ dir: folder.path, manifest: read.manifest, manifestFile: read.manifestFile, isService: read.marker || rule.isServiceDir(folder.path) });
  }
  return found;
}
