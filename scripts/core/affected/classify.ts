/**
 * Each changed path, relative to the repository root, gets one kind. The order is the rule: ignored
 * first, then the lockfile and the root manifest (compared by content later), then the global
 * inputs, then the deepest package folder holding the path, and anything else is tooling (or a
 * package deleted in this change, which the shell checks against base). A path in a folder that a
 * `file:`/`link:` dependency points at (a vendored package) is also an input of the packages that
 * depend on it, and no tooling.
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
  /**
   * Package name -> local input folder (GraphPackage.localInputs) -> its changed files, relative to
   * that folder (a tarball: its own name). A file there is no tooling: it is an input of those packages.
   */
  readonly localInputs: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /**
   * The workspace root package's own files (pnpm's root project holds what no other package does): inside the
   * workspace folder, in no package, not ignored, no global input, lockfile or root manifest (those have their
   * own rules); local inputs too. What a package depending on the root depends on (GraphPackage.dependsOnRoot).
   */
  readonly rootFiles: readonly string[];
}

/** Local input folder -> the packages that depend on it, or undefined when no package has one (the usual case). */
function localInputFolders(workspace: WorkspaceGraph): Map<string, string[]> | undefined {
  let folders: Map<string, string[]> | undefined;
  for (const pkg of workspace.packages.values()) {
    for (const folder of pkg.localInputs) {
      folders ??= new Map();
      const dependents = folders.get(folder);
      if (dependents) dependents.push(pkg.name);
      else folders.set(folder, [pkg.name]);
    }
  }
  return folders;
}

/** Records `rel` (workspace-relative) for every package whose local input holds it (the folder, or the file itself); true if any. */
function recordLocalInput(rel: string, folders: ReadonlyMap<string, readonly string[]>, out: Map<string, Map<string, string[]>>): boolean {
  let hit = false;
  // Stryker disable next-line EqualityOperator: equivalent: git's paths never start with '/', so end is never 0 (lastIndexOf gives -1 past the first segment)
  for (let end = rel.length; end > 0; end = rel.lastIndexOf('/', end - 1)) {
    const folder = rel.slice(0, end);
    const dependents = folders.get(folder);
    if (dependents === undefined) continue;
    hit = true;
    const inside = end === rel.length ? rel.slice(rel.lastIndexOf('/') + 1) : rel.slice(end + 1);
    for (const name of dependents) {
      let byFolder = out.get(name);
      if (byFolder === undefined) {
        byFolder = new Map();
        out.set(name, byFolder);
      }
      const files = byFolder.get(folder);
      if (files) files.push(inside);
      else byFolder.set(folder, [inside]);
    }
  }
  return hit;
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
  const rootFiles: string[] = [];
  const localFolders = localInputFolders(workspace);
  const localInputs = new Map<string, Map<string, string[]>>();
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
    const local = localFolders !== undefined && recordLocalInput(rel, localFolders, localInputs);
    if (owner) {
      const files = packages.get(owner.name);
      const inside = rel.slice(owner.dir.length + 1);
      if (files) files.push(inside);
      else packages.set(owner.name, [inside]);
      continue;
    }
    rootFiles.push(path);
    if (!local) unowned.push(path);
  }
  return { ignored, lockfile, rootManifest, global, packages, unowned, localInputs, rootFiles };
}
