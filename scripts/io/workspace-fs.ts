/**
 * Loads the workspace graph from the working tree (the generators, `check-dockerfiles`, `verify-image`
 * and `tags` use this): the discovery of core/workspace/discover.ts over the folders on disk, the
 * same walk and service rule as over a commit's trees (io/workspace-git.ts).
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { discoverPackages, type FolderListing, type PackageFiles, symlinkedManifest } from '../core/workspace/discover.js';
import { folderTest, globMatcher } from '../core/workspace/folder-globs.js';
import { buildWorkspace, type Workspace } from '../core/workspace/graph.js';
import { parseManifest } from '../core/workspace/manifest.js';
import { checkWorkspaceGlobs } from '../core/workspace/workspace-globs.js';
import { parseWorkspaceYaml } from '../core/workspace/workspace-yaml.js';
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

/** A package folder's package.json: its text, or undefined when there is none (nothing, or a folder). */
function readManifest(folder: string, name: string): string | undefined {
  const path = join(folder, 'package.json');
  const entry = entryAt(path);
  if (entry === 'link') throw symlinkedManifest(`${name}/package.json`);
  return entry === 'file' ? readFileSync(path, 'utf8') : undefined;
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
      return folders.map((f) => ({ manifest: readManifest(f.handle, f.path), marker: isFile(join(f.handle, marker)) }));
    },
  };
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
  const globs = checkWorkspaceGlobs('pnpm-workspace.yaml', parseWorkspaceYaml('pnpm-workspace.yaml', readTextFile(yamlPath, 'pnpm-workspace.yaml')).packages);
  const rule = { marker: options.serviceMarker ?? 'Dockerfile', isServiceDir: await folderTest(options.serviceGlobs ?? []) };
  const found = await discoverPackages(diskListing(), root, await globMatcher(globs), rule);
  return buildWorkspace(found.map(({ dir, manifest, isService }) => ({ dir, manifest: parseManifest(`${dir}/package.json`, manifest), isService })));
}
