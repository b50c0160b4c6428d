/** Loads the workspace graph from the working tree (the generators and `check-dockerfiles` use this). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { InputError } from '../core/errors.js';
import { buildWorkspace, type PackageInput, type Workspace } from '../core/workspace/graph.js';
import { parseManifest } from '../core/workspace/manifest.js';
import { checkWorkspaceGlobs } from '../core/workspace/workspace-globs.js';
import { parseWorkspaceYaml } from '../core/workspace/workspace-yaml.js';

const SKIP = new Set(['node_modules', '.git', 'dist']);

/** Folders below `root` (relative, POSIX) that match the pnpm-workspace globs and hold a package.json. */
export function findPackageDirs(root: string, globs: readonly string[]): string[] {
  const include = globs.filter((g) => !g.startsWith('!')).map((g) => g.replace(/\/+$/, ''));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1).replace(/\/+$/, ''));
  const isIncluded = picomatch(include, { dot: false });
  const isExcluded = exclude.length > 0 ? picomatch(exclude) : () => false;
  const maxDepth = include.some((g) => g.includes('**')) ? Number.POSITIVE_INFINITY : Math.max(...include.map((g) => g.split('/').length));
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    if (depth > maxDepth) return;
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (!entry.isDirectory() || SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (isIncluded(child) && !isExcluded(child) && existsSync(join(root, child, 'package.json'))) out.push(child);
      walk(child, depth + 1);
    }
  };
  walk('', 1);
  return out.sort();
}

export interface LoadOptions {
  /** A package is a service when its folder holds this file (default `Dockerfile`) ... */
  readonly serviceMarker?: string;
  /** ... or when its folder matches one of these globs (the Dockerfile generator's targets). */
  readonly serviceGlobs?: readonly string[];
}

export function loadWorkspace(root: string, options: LoadOptions = {}): Workspace {
  const yamlPath = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(yamlPath)) throw new InputError(`${yamlPath}: not found; run from the root of a pnpm workspace`);
  const globs = checkWorkspaceGlobs('pnpm-workspace.yaml', parseWorkspaceYaml('pnpm-workspace.yaml', readFileSync(yamlPath, 'utf8')).packages);
  const marker = options.serviceMarker ?? 'Dockerfile';
  const isServiceDir = options.serviceGlobs ? picomatch([...options.serviceGlobs]) : () => false;
  const inputs: PackageInput[] = findPackageDirs(root, globs).map((dir) => ({
    dir,
    manifest: parseManifest(`${dir}/package.json`, readFileSync(join(root, dir, 'package.json'), 'utf8')),
    isService: isServiceDir(dir) || existsSync(join(root, dir, marker)),
  }));
  return buildWorkspace(inputs);
}
