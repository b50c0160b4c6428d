/**
 * Each changed path, relative to the repository root, gets one kind. The order is the rule: ignored
 * first, then the lockfile and the root manifest (compared by content later), then the global
 * inputs, then the deepest package folder holding the path, and anything else is tooling (or a
 * package deleted in this change, which the shell checks against base).
 */
import { compileGlobs, type GlobEngine } from '../workspace/glob.js';
import type { GraphPackage, WorkspaceGraph } from '../workspace/graph.js';

export interface ClassifyRules {
  readonly globalInputs: readonly string[];
  readonly ignore: readonly string[];
}

export type FileKind =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'lockfile' }
  | { readonly kind: 'root-manifest' }
  | { readonly kind: 'global'; readonly input: string }
  | { readonly kind: 'package'; readonly name: string }
  | { readonly kind: 'unowned' };

export interface Classified {
  readonly ignored: readonly string[];
  readonly lockfile: boolean;
  readonly rootManifest: boolean;
  /** Global input pattern -> the files that matched it. */
  readonly global: ReadonlyMap<string, readonly string[]>;
  /** Package name -> its changed files (relative to the package folder). */
  readonly packages: ReadonlyMap<string, readonly string[]>;
  /** Outside every package and not a global input: tooling, or a package removed by this change. */
  readonly unowned: readonly string[];
}

/** `engine` (picomatch) is needed only for patterns beyond literal segments, `*`, `?` and `**` (see globEngineFor). */
export function classifyFiles(paths: readonly string[], workspace: WorkspaceGraph, rules: ClassifyRules, workspaceDir = '', engine?: GlobEngine): Classified {
  const ignore = compileGlobs(rules.ignore, { dot: true }, engine);
  const globals = rules.globalInputs.map((g) => ({ glob: g, match: compileGlobs([g], { dot: true }, engine) }));
  // One test of them all first: most paths (thousands in a big change) are no global input.
  const anyGlobal = compileGlobs(rules.globalInputs, { dot: true }, engine);
  const prefix = workspaceDir === '' ? '' : `${workspaceDir}/`;
  const ignored: string[] = [];
  const global = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const unowned: string[] = [];
  let lockfile = false;
  let rootManifest = false;
  // The owner depends only on the folder a file is in, and git lists a folder's files together.
  let lastFolder: string | undefined;
  let lastOwner: GraphPackage | undefined;
  for (const path of paths) {
    if (!path.startsWith(prefix)) {
      unowned.push(path);
      continue;
    }
    const rel = path.slice(prefix.length);
    if (ignore(rel)) {
      ignored.push(path);
      continue;
    }
    if (rel === 'pnpm-lock.yaml') {
      lockfile = true;
      continue;
    }
    if (rel === 'package.json') {
      rootManifest = true;
      continue;
    }
    const hit = anyGlobal(rel) ? globals.find((g) => g.match(rel)) : undefined;
    if (hit) {
      global.set(hit.glob, [...(global.get(hit.glob) ?? []), path]);
      continue;
    }
    // Stryker disable next-line MethodExpression,StringLiteral: equivalent: a cache key; the whole path as the key only misses more often
    const folder = rel.slice(0, rel.lastIndexOf('/') + 1);
    // Stryker disable next-line ConditionalExpression: equivalent: asking ownerOf every time gives the same owner, more slowly
    if (folder !== lastFolder) {
      lastFolder = folder;
      lastOwner = workspace.ownerOf(rel);
    }
    const owner = lastOwner;
    if (owner) {
      const files = packages.get(owner.name);
      const inside = rel.slice(owner.dir.length + 1);
      if (files) files.push(inside);
      else packages.set(owner.name, [inside]);
      continue;
    }
    unowned.push(path);
  }
  return { ignored, lockfile, rootManifest, global, packages, unowned };
}
