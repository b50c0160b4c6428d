/**
 * The workspace dependency graph: packages, edges to workspace packages, topological order,
 * transitive dependents (what a change reaches) and dependencies (what an image must contain).
 */
import { InputError } from '../errors.js';
import type { OtherManifestFile } from './discover.js';
import { DEPENDENCY_FIELDS, type DependencyRef, dependencyRef, isCopyRef, type Manifest } from './manifest.js';
import { isLocalInput, isRootFolder, joinPosix } from './paths.js';
import { quote } from '../quote.js';

export { joinPosix } from './paths.js';

export type { DependencyRef } from './manifest.js';
import { type LocalOverride, overriddenRefs } from './overrides.js';

export interface PackageInput {
  /** Folder relative to the repository root, POSIX separators, no trailing slash. */
  readonly dir: string;
  readonly manifest: Manifest;
  /** Which file the manifest was read from when not package.json (pnpm's package.json5 or package.yaml). */
  readonly manifestFile?: OtherManifestFile | undefined;
  readonly isService: boolean;
}

/** What change detection needs of a package: where it is, what it is called, what it depends on. */
export interface GraphPackage {
  readonly name: string;
  /** Folder relative to the repository root, POSIX separators, no trailing slash. */
  readonly dir: string;
  /** The folder's last segment: a service's name in images, matrices and tags. */
  readonly folder: string;
  readonly isService: boolean;
  /** Names of the workspace packages this one depends on directly (any dependency field), sorted. */
  readonly workspaceDeps: readonly string[];
  /**
   * Folders (or files) that a `file:`, `link:` or `workspace:<path>` dependency points at and that are no
   * workspace package (a vendored package, a tarball): workspace-relative, sorted. pnpm copies or links
   * them into this package, so a change there changes it. Inside the workspace's folder only: a path above
   * it (outside the repository, or above a workspace in a subfolder of it) or an absolute one is not followed.
   */
  readonly localInputs: readonly string[];
  /**
   * It depends on the workspace's root package, which pnpm links like any other (by the root manifest's name, or a
   * path to the root folder): here the root is no package, so its own files (those of no package: tooling, the
   * root manifest) are this package's inputs (core/affected/compute.ts). Absent for almost every package.
   */
  readonly dependsOnRoot?: true;
  /**
   * Of those, one pnpm always links the root into (`workspace:` naming it, or a path to the root folder), not a
   * plain range under its name (installed from the registry unless `link-workspace-packages` is on): what the
   * generators refuse. Not kept by the cache's snapshot: only the generators read it, from the working tree.
   */
  readonly linksRoot?: true;
}

export interface WorkspacePackage extends PackageInput, GraphPackage {}

export interface WorkspaceGraph<P extends GraphPackage = GraphPackage> {
  /** By name, in the order of their folders. */
  readonly packages: ReadonlyMap<string, P>;
  /** Package names, every package after all of its workspace dependencies. */
  readonly order: readonly string[];
  /** By folder name. */
  readonly services: readonly P[];
  /**
   * The edges by index: `edges[i]` holds the indexes, in the order of `packages`, of the packages the
   * i-th package depends on directly (sorted by name). A cache snapshot is these as they are.
   */
  readonly edges: readonly (readonly number[])[];
  get(name: string): P;
  /** `names` and every package that depends on any of them, transitively. */
  withDependents(names: Iterable<string>): Set<string>;
  /** The packages that depend on `name` directly, in folder order. */
  dependentsOf(name: string): readonly string[];
  /** The workspace packages `name` needs, transitively, in build order (dependencies first), without itself. */
  dependenciesOf(name: string): P[];
  /** The package whose folder is the deepest one containing `path`, if any. */
  ownerOf(path: string): P | undefined;
}

/** The graph with every package's manifest (the generators and image checks read them). */
export type Workspace = WorkspaceGraph<WorkspacePackage>;

/**
 * `list[i]`, which this module's own bookkeeping guarantees to exist (an index it made). A miss is a
 * bug here, not bad input: it throws (exit 70) instead of attaching an edge to the wrong package.
 */
function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new Error(`workspace graph: index ${i} is not one of its ${list.length} entries`);
  return value;
}

/** The index of a package this module knows by name (see `at`). */
function indexOf(index: ReadonlyMap<string, number>, name: string): number {
  const i = index.get(name);
  if (i === undefined) throw new Error(`workspace graph: package ${name} has no index`);
  return i;
}

/** A manifest's dependencies as graph edge candidates (see DependencyRef). */
export function dependencyRefs(manifest: Manifest): DependencyRef[] {
  const refs: DependencyRef[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest.dependencies[field];
    // Stryker disable next-line StringLiteral: equivalent: a key of the record always has a string (parseManifest checked it)
    for (const key in deps) refs.push(dependencyRef(key, deps[key] ?? ''));
  }
  return refs;
}

/**
 * A package's dependencies as graph edge candidates, with those the workspace's local overrides add (overrides.ts),
 * to its own dependencies and (`reached`, by folder: override-reach.ts) through the packages it installs; none without.
 */
export function packageRefs(manifest: Manifest, dir: string, overrides: GraphOptions['overrides']): DependencyRef[] {
  const refs = dependencyRefs(manifest);
  if (overrides === undefined) return refs;
  return [
    ...refs,
    ...overriddenRefs({ ...manifest.dependencies }, dir, manifest.name, overrides.list),
    // Stryker disable next-line ArrayDeclaration: equivalent: a text ref names a package by name, and no package is named so
    ...(overrides.reached.get(dir) ?? []),
  ];
}

/**
 * The workspace packages a package depends on, by index, sorted by name: `workspace:` specs, and
 * plain specs whose key names a workspace package.
 */
function workspaceTargets(
  name: string,
  refs: readonly DependencyRef[],
  lookup: Lookup,
  names: readonly string[],
  localInputs: string[],
  found: { root: boolean; linked: boolean },
): number[] {
  const { index } = lookup;
  const out: number[] = [];
  // The copies whose own dependencies were followed, made for the first path dependency (almost none has one).
  let followed: Set<string> | undefined;
  const add = (target: number | undefined) => {
    if (target !== undefined && at(names, target) !== name && !out.includes(target)) out.push(target);
  };
  // A name several packages hold: pnpm links one of them (the highest version the range allows, which the
  // manifests alone do not settle), so each is an edge, a safe over-approximation (never a miss).
  const addShared = (dependency: string): boolean => {
    const list = lookup.shared.get(dependency);
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) add(at(list, i));
    return true;
  };
  for (let k = 0; k < refs.length; k++) {
    const ref = at(refs, k);
    let target: number | undefined;
    if (typeof ref === 'string') {
      // The root's name, even one a workspace package holds too (pnpm links the highest version: it may be the root).
      if (ref === lookup.rootName) found.root = true;
      target = index.get(ref);
      if (target === undefined) addShared(ref);
    } else if (
      // Stryker disable next-line LogicalOperator: equivalent: an array has no `path`, so `'path' in ref` alone decides
      !Array.isArray(ref) &&
      'path' in ref
    ) {
      // pnpm links (or copies) the folder the path names, whatever the key: the workspace package in that
      // folder is the edge, and a key that names another workspace package does not make one.
      const folder = joinPosix(lookup.dir, ref.path);
      target = lookup.dirs.get(folder);
      // No workspace package there: the folder itself is an input of this package (see GraphPackage.localInputs),
      // and, for a copy (`file:`), so is what its own manifest's `file:` dependencies reach (vendored.ts).
      // Stryker disable next-line ConditionalExpression: equivalent for `target === undefined` as true: no workspace package is in the root folder
      if (target === undefined && isRootFolder(lookup.dir, ref.path)) {
        found.root = true;
        found.linked = true;
      } else if (target === undefined) {
        followed ??= new Set();
        followLocal(folder, ref.copy === true, lookup, { localInputs, followed }, add);
      }
    } else {
      // The root package, named (under any key, even one naming a workspace package: pnpm links the root there;
      // and when a workspace package holds its name too, pnpm links the highest version, which may be the root's):
      // no edge to it (it is no package here), its files this package's inputs.
      // Stryker disable next-line ConditionalExpression: equivalent for `lookup.rootName !== undefined` as true: ref[0] is a string, never equal to an absent name
      const onRoot = lookup.rootName !== undefined && ref[0] === lookup.rootName;
      if (onRoot) {
        found.root = true;
        found.linked = true;
      }
      target = index.get(ref[0]);
      if (target === undefined && (addShared(ref[0]) || onRoot)) continue;
      else {
        target ??= index.get(ref[1]);
        // A `workspace:` specifier must name a package of the workspace: pnpm refuses to install otherwise, and
        // dropping the edge would hide its dependents from change detection (a deleted library, say).
        if (target === undefined) {
          // A root manifest that cannot be read may be the package named (GraphOptions.rootUnreadable).
          const root =
            lookup.rootUnreadable === undefined ? '' : ` (and the workspace's root manifest cannot be read: ${lookup.rootUnreadable}; if ${ref[0]} is its name, fix that file)`;
          throw new InputError(
            `package ${name} depends on "${ref[1]}" with a workspace: specifier, but no workspace package is named ${ref[0]}${root}; restore that package or change the specifier`,
          );
        }
      }
    }
    add(target);
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: sorting one target or none changes nothing
  return out.length > 1 ? out.sort((x, y) => byCodeUnit(at(names, x), at(names, y))) : out;
}

interface Lookup {
  /** The packages by name, of the names one package holds. */
  readonly index: ReadonlyMap<string, number>;
  /** The packages of each name more than one holds (almost never: GraphSource.name). */
  readonly shared: ReadonlyMap<string, readonly number[]>;
  readonly dirs: ReadonlyMap<string, number>;
  /** The folder of the package whose dependencies are read. */
  readonly dir: string;
  /** The path dependencies of each vendored folder's own manifest (vendored.ts), read by the loaders. */
  readonly vendored: ReadonlyMap<string, readonly DependencyRef[]>;
  /** The root manifest's name, when it has one (GraphOptions.rootName). */
  readonly rootName: string | undefined;
  /** Why the root manifest could not be read, when it could not (GraphOptions.rootUnreadable). */
  readonly rootUnreadable: string | undefined;
}

/**
 * A folder a path dependency reaches that holds no workspace package: a local input, once, and, when it is
 * a copy (`file:`), the `file:` dependencies of its own manifest (vendored.ts), each copy once whatever
 * reached the folder first (a `link:` to it follows nothing): a workspace package there is an edge (`add`),
 * another folder a local input, at any depth (a cycle ends).
 */
function followLocal(
  folder: string,
  copy: boolean,
  lookup: Lookup,
  seen: { readonly localInputs: string[]; readonly followed: Set<string> },
  add: (target: number | undefined) => void,
): void {
  if (!isLocalInput(folder)) return;
  if (!seen.localInputs.includes(folder)) seen.localInputs.push(folder);
  if (!copy || seen.followed.has(folder)) return;
  seen.followed.add(folder);
  const refs = lookup.vendored.get(folder);
  if (refs === undefined) return;
  for (let k = 0; k < refs.length; k++) {
    const ref = at(refs, k);
    if (!isCopyRef(ref)) continue;
    const next = joinPosix(folder, ref.path);
    const target = lookup.dirs.get(next);
    if (target === undefined) followLocal(next, true, lookup, seen, add);
    else add(target);
  }
}

/** Whether any package depends on a folder of no workspace package (then its own manifest is read: vendored.ts). */
export function hasLocalInputs(graph: WorkspaceGraph): boolean {
  for (const p of graph.packages.values()) if (p.localInputs.length > 0) return true;
  return false;
}

/** No vendored manifest read (the common case). */
const NO_VENDORED: ReadonlyMap<string, readonly DependencyRef[]> = new Map();

/** An empty list shared by every package without local inputs (almost all: no array each). */
const NONE: readonly string[] = Object.freeze([]);

/**
 * The order packages and services are kept in: by UTF-16 code unit, as Array#sort orders strings.
 * Not String#localeCompare: a CI matrix must not change with the runner's locale, and a collator
 * costs a cold run ~13 ms of ICU data for 2,000 folder names.
 */
function byCodeUnit(a: string, b: string): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent under V8 for `a > b ? 1 : 0` (1 or 0 when not less): Array#sort only tests the answer for < 0 (checked with long, descending and tied inputs)
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `items` in the code-unit order of a string key. With unique keys, Array#sort's own string order
 * sorts them: no call back into a comparator for each of the ~20,000 comparisons 2,000 items take.
 */
export function sortByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  // Stryker disable next-line EqualityOperator,ConditionalExpression,BlockStatement: equivalent: with fewer keys in the Map, the comparator sort below gives the same order (a fast path)
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: equivalent: items hold no undefined, and a Map missing keys falls back to the comparator sort (same order)
    if (item !== undefined) byKey.set(key(item), item);
  }
  // Stryker disable next-line ConditionalExpression: equivalent: the comparator sort gives the same order, more slowly
  if (byKey.size !== items.length) return [...items].sort((a, b) => byCodeUnit(key(a), key(b)));
  const out: T[] = [];
  for (const k of [...byKey.keys()].sort()) {
    const item = byKey.get(k);
    // Stryker disable next-line ConditionalExpression: equivalent: every key of byKey has its item
    if (item !== undefined) out.push(item);
  }
  return out;
}

/** What the graph needs besides the packages: both are read by the loaders. */
export interface GraphOptions {
  /** The path dependencies of the vendored folders' own manifests (vendored.ts), when any. */
  readonly vendored?: ReadonlyMap<string, readonly DependencyRef[]>;
  /** The workspace root manifest's name, when it has one: a dependency naming it is on the root (GraphPackage.dependsOnRoot). */
  readonly rootName?: string | undefined;
  /** Why the root manifest could not be read (it does not parse), when it could not: named by a `workspace:` error. */
  readonly rootUnreadable?: string | undefined;
  /**
   * pnpm's overrides that point a dependency at a folder, when there are any, and the refs they add through the packages
   * each package installs, by folder (override-reach.ts): buildWorkspace's (the change detection's loader adds them itself).
   */
  readonly overrides?: { readonly list: readonly LocalOverride[]; readonly reached: ReadonlyMap<string, readonly DependencyRef[]> } | undefined;
}

export function buildWorkspace(inputs: readonly PackageInput[], options: GraphOptions = {}): Workspace {
  return assemble(
    inputs.map((input) => ({ input, name: input.manifest.name, refs: packageRefs(input.manifest, input.dir, options.overrides) })),
    { ...options, unique: true },
    ({ input, name }, folder, workspaceDeps, localInputs) => ({
      dir: input.dir,
      manifest: input.manifest,
      manifestFile: input.manifestFile,
      isService: input.isService,
      name,
      folder,
      workspaceDeps,
      localInputs,
    }),
  );
}

/** What the graph needs of a package, with its manifest already read (see dependencyRefs). */
export interface GraphSource {
  readonly dir: string;
  /** Which file the manifest was read from when not package.json (named when two packages share a name). */
  readonly manifestFile?: OtherManifestFile | undefined;
  /**
   * Absent when the manifest has none: pnpm lists and links such a package, and so does change detection, by
   * its folder (folderKey), as a package of a name another holds too.
   */
  readonly name: string | undefined;
  readonly isService: boolean;
  readonly refs: readonly DependencyRef[];
}

/** The graph without the manifests (change detection), from packages read one by one. */
export function buildGraph(sources: readonly GraphSource[], options: GraphOptions = {}): WorkspaceGraph {
  return assemble(
    sources.map((source) => ({ input: source, name: source.name, refs: source.refs })),
    options,
    ({ input, name }, folder, workspaceDeps, localInputs) => ({ name, dir: input.dir, folder, isService: input.isService, workspaceDeps, localInputs }),
  );
}

/** How a package without a name of its own is known: its folder, as `pnpm --filter` selects it (`./packages/e`). */
export function folderKey(dir: string): string {
  return `./${dir}`;
}

/**
 * Folder order, the packages' keys and the edges; `make` builds each package. A package is known by its name;
 * one without a name, or of a name several hold, by its folder (folderKey), unless `unique` (the generators': an
 * image's build selects its package by name, and its build order must be one), which refuses two of one name and
 * a cycle.
 */
function assemble<I extends { readonly dir: string; readonly manifestFile?: OtherManifestFile | undefined }, P extends GraphPackage>(
  entries: ReadonlyArray<{ readonly input: I; readonly name: string | undefined; readonly refs: readonly DependencyRef[] }>,
  options: GraphOptions & { readonly unique?: true },
  make: (entry: { readonly input: I; readonly name: string }, folder: string, workspaceDeps: readonly string[], localInputs: readonly string[]) => P,
): WorkspaceGraph<P> {
  const vendored = options.vendored ?? NO_VENDORED;
  const sorted = sortByKey(entries, (e) => e.input.dir);
  const file = (input: I) => `${input.dir}/${input.manifestFile ?? 'package.json'}`;
  // Packages by index in folder order: the edges, the cycle check and the cache all work on indexes.
  const names: string[] = [];
  // By name, of the names one package holds; the packages of a name several hold (almost never) in `shared`.
  const index = new Map<string, number>();
  const shared = new Map<string, number[]>();
  for (let k = 0; k < sorted.length; k++) {
    const { name, input } = at(sorted, k);
    if (name === undefined) {
      names.push(folderKey(input.dir));
      continue;
    }
    const existing = index.get(name);
    if (existing !== undefined) {
      if (options.unique === true) throw new InputError(`two workspace packages are named ${name}: ${file(at(sorted, existing).input)} and ${file(input)}; rename one`);
      index.delete(name);
      names[existing] = folderKey(at(sorted, existing).input.dir);
      shared.set(name, [existing, k]);
      names.push(folderKey(input.dir));
    } else {
      const holders = shared.get(name);
      if (holders === undefined) {
        index.set(name, k);
        names.push(name);
      } else {
        holders.push(k);
        names.push(folderKey(input.dir));
      }
    }
  }
  // A name spelled like the folder key of another package (`./packages/e`) would make two packages one.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut: with every package known by its name, no key is a folder's
  if (names.length > index.size) {
    for (let k = 0; k < sorted.length; k++) {
      const key = at(names, k);
      const named = index.get(key);
      if (named !== undefined && named !== k) {
        const other = at(sorted, k);
        const why = other.name === undefined ? 'which has no name of its own' : `whose name ${quote(other.name)} another package holds too`;
        throw new InputError(`${file(at(sorted, named).input)}: the name ${quote(key)} is how ${other.input.dir}, ${why}, is known; rename it`);
      }
    }
  }
  const dirs = new Map<string, number>();
  for (let k = 0; k < sorted.length; k++) dirs.set(at(sorted, k).input.dir, k);
  const packages: P[] = [];
  const edges: number[][] = [];
  const localInputs: string[] = [];
  // Whether the package being read depends on the root, and whether pnpm always links it (one object for every package).
  // Stryker disable next-line BooleanLiteral,ObjectLiteral: equivalent: both are set before each package is read
  const found = { root: false, linked: false };
  for (let k = 0; k < sorted.length; k++) {
    const { input, refs } = at(sorted, k);
    const name = at(names, k);
    found.root = false;
    found.linked = false;
    const lookup = { index, shared, dirs, dir: input.dir, vendored, rootName: options.rootName, rootUnreadable: options.rootUnreadable };
    const targets = workspaceTargets(name, refs, lookup, names, localInputs, found);
    const deps: string[] = [];
    for (let t = 0; t < targets.length; t++) deps.push(at(names, at(targets, t)));
    const slash = input.dir.lastIndexOf('/');
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: slice(slash + 1) of a folder without a slash is the folder, and no folder starts with '/'
    const pkg = make({ input, name }, slash < 0 ? input.dir : input.dir.slice(slash + 1), deps, localInputs.length === 0 ? NONE : [...localInputs].sort());
    packages.push(found.root ? { ...pkg, dependsOnRoot: true, ...(found.linked ? { linksRoot: true } : {}) } : pkg);
    // One scratch list for every package (almost none has a local input): no array each.
    localInputs.length = 0;
    edges.push(targets);
  }
  // A service's folder name is its image name, its matrix leg and its compose service: one per service.
  const serviceFolders = new Map<string, string>();
  for (let k = 0; k < packages.length; k++) {
    const p = at(packages, k);
    if (!p.isService) continue;
    const other = serviceFolders.get(p.folder);
    if (other !== undefined) {
      throw new InputError(
        `two services are in folders named ${p.folder} (${other} and ${p.dir}): the folder name names the service's image, its matrix leg and its compose service; rename one`,
      );
    }
    serviceFolders.set(p.folder, p.dir);
  }
  // A cycle is an error for the generators (an image's build order must be one), now; the order itself is worked
  // out when asked for. Change detection reads one as pnpm does, which installs it with a warning (a test-utils
  // package depending on the core that has it as a devDependency): each package of it reaches every other.
  if (options.unique === true) topologicalOrder(names, edges, 'folder');
  return assembleGraph(packages, { edges });
}

/**
 * The graph over packages already in folder order, with unique names, and `edges[i]` the indexes
 * of the packages `list[i]` depends on (sorted by name). `order` is worked out when first asked for,
 * unless given; `services` defaults to the service packages sorted by folder name.
 */
function assembleGraph<P extends GraphPackage>(
  list: readonly P[],
  options: { readonly edges: readonly (readonly number[])[]; readonly order?: readonly string[]; readonly services?: readonly P[] },
): WorkspaceGraph<P> {
  const { edges } = options;
  const packages = new Map<string, P>();
  const dirs = new Map<string, P>();
  for (let k = 0; k < list.length; k++) {
    const pkg = at(list, k);
    packages.set(pkg.name, pkg);
    dirs.set(pkg.dir, pkg);
  }
  let order = options.order;
  const topological = (): readonly string[] => {
    // Stryker disable next-line ConditionalExpression: equivalent: working the order out again gives the same order (a cache)
    if (order === undefined) {
      const names = list.map((p) => p.name);
      // A cycle here is change detection's (assemble refused the generators'): the edge that closes it is skipped.
      order = topologicalOrder(names, edges, 'name', 'skip').map((i) => at(names, i));
    }
    return order;
  };
  // Computed when first asked for: change detection needs neither.
  // By index, from the edges: built when first asked for, the names made only for what is asked.
  let reverse: number[][] | undefined;
  let index: Map<string, number> | undefined;
  const dependentsOf = (name: string): readonly string[] => {
    // Stryker disable next-line all: equivalent: reverse and index are built together; building them again gives the same (a cache)
    if (!reverse || !index) {
      const built: number[][] = list.map(() => []);
      index = new Map();
      for (let i = 0; i < list.length; i++) {
        index.set(at(list, i).name, i);
        const deps = at(edges, i);
        for (let d = 0; d < deps.length; d++) at(built, at(deps, d)).push(i);
      }
      reverse = built;
    }
    const i = index.get(name);
    return i === undefined ? [] : at(reverse, i).map((d) => at(list, d).name);
  };
  let services = options.services;

  const get = (name: string): P => {
    const pkg = packages.get(name);
    if (!pkg) throw new InputError(`no workspace package named ${name}; known: ${[...packages.keys()].sort().join(', ')}`);
    return pkg;
  };

  const graph: WorkspaceGraph<P> = {
    packages,
    edges,
    get order() {
      return topological();
    },
    get services() {
      services ??= sortByKey(
        list.filter((p) => p.isService),
        (p) => p.folder,
      );
      return services;
    },
    get,
    withDependents(start) {
      const seen = new Set<string>();
      const stack = [...start];
      for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
        if (seen.has(name)) continue;
        seen.add(name);
        stack.push(...dependentsOf(name));
      }
      return seen;
    },
    dependentsOf,
    dependenciesOf(name) {
      const need = new Set<string>();
      const stack = [...get(name).workspaceDeps];
      for (let dep = stack.pop(); dep !== undefined; dep = stack.pop()) {
        // Not itself, which a cycle of change detection's graph reaches.
        if (need.has(dep) || dep === name) continue;
        need.add(dep);
        stack.push(...get(dep).workspaceDeps);
      }
      return topological()
        .filter((n) => need.has(n))
        .map(get);
    },
    ownerOf(path) {
      // Stryker disable next-line EqualityOperator: equivalent: paths are relative (git's), so no '/' is at index 0
      for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
        const pkg = dirs.get(path.slice(0, end));
        if (pkg) return pkg;
      }
      return undefined;
    },
  };
  return graph;
}

/**
 * Depth-first, from the names in sorted order and each package's dependencies in order; a back edge
 * is a cycle, reported with its path. Iterative, so that a deep chain cannot overflow the stack.
 * `edges[i]`: the indexes of the packages `names[i]` depends on. `from: 'folder'` starts from the
 * packages in index order instead, which finds the same cycles without sorting 2,000 names: a cycle
 * found so is reported as the name order finds it.
 */
function topologicalOrder(names: readonly string[], edges: readonly (readonly number[])[], from: 'name' | 'folder' = 'name', cycles: 'refuse' | 'skip' = 'refuse'): number[] {
  const order: number[] = [];
  const VISITING = 1;
  const DONE = 2;
  const state = new Uint8Array(names.length);
  const roots =
    // Stryker disable next-line ConditionalExpression: equivalent: the cycle check from sorted names finds the same cycles, more slowly
    from === 'name'
      ? sortByKey(
          names.map((_, i) => i),
          (i) => at(names, i),
        )
      : names.map((_, i) => i);
  const path: number[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (state[root] !== 0) continue;
    state[root] = VISITING;
    path.push(root);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const node = at(path, top);
      const i = at(next, top);
      const deps = at(edges, node);
      if (i >= deps.length) {
        state[node] = DONE;
        order.push(node);
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      const dep = at(deps, i);
      if (state[dep] === DONE) continue;
      if (state[dep] === VISITING) {
        if (cycles === 'skip') continue;
        if (from === 'folder') return topologicalOrder(names, edges, 'name');
        const cycle = [...path.slice(path.indexOf(dep)), dep].map((n) => at(names, n));
        throw new InputError(`dependency cycle between workspace packages: ${cycle.join(' -> ')}; remove one of these dependencies`);
      }
      state[dep] = VISITING;
      path.push(dep);
      next.push(0);
    }
  }
  return order;
}

/**
 * The graph as plain JSON, for a cache: packages in folder order as `[dir, name, isService, deps]`
 * with deps as indexes, and the services' order as indexes. No manifests: change detection does
 * not read them once the edges are known.
 */
export type SnapshotPackage =
  | readonly [dir: string, name: string, isService: boolean, deps: readonly number[]]
  /** A package with local inputs (see GraphPackage.localInputs): almost none, so the others stay four long. */
  | readonly [dir: string, name: string, isService: boolean, deps: readonly number[], localInputs: readonly string[]];

export interface GraphSnapshot {
  readonly packages: ReadonlyArray<SnapshotPackage>;
  readonly services: readonly number[];
  /**
   * The vendored folders whose own manifests the graph was built with, each with its manifest's id ('-' for
   * none; VendoredPackages.read): outside the folders the cache is keyed by, so a reader checks them still
   * hold. Absent when there were none (almost always).
   */
  readonly vendored?: ReadonlyArray<readonly [folder: string, id: string]>;
  /** The packages that depend on the workspace's root package (GraphPackage.dependsOnRoot), by index; absent when none. */
  readonly rootDependents?: readonly number[];
}

export function snapshotGraph(graph: WorkspaceGraph, vendored: ReadonlyArray<readonly [folder: string, id: string]> = []): GraphSnapshot {
  const list = [...graph.packages.values()];
  const index = new Map<string, number>();
  for (let i = 0; i < list.length; i++) index.set(at(list, i).name, i);
  const snapshot = {
    packages: list.map((p, i): SnapshotPackage => {
      const deps = at(graph.edges, i);
      return p.localInputs.length === 0 ? [p.dir, p.name, p.isService, deps] : [p.dir, p.name, p.isService, deps, p.localInputs];
    }),
    services: graph.services.map((s) => indexOf(index, s.name)),
  };
  const rootDependents: number[] = [];
  for (let i = 0; i < list.length; i++) if (at(list, i).dependsOnRoot === true) rootDependents.push(i);
  return { ...snapshot, ...(vendored.length === 0 ? {} : { vendored }), ...(rootDependents.length === 0 ? {} : { rootDependents }) };
}

/** A snapshot's vendored folders: a non-empty list of [folder, id] pairs. */
function isVendoredList(value: unknown): value is Array<[string, string]> {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let k = 0; k < value.length; k++) {
    const pair: unknown = value[k];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || !isLocalInput(pair[0]) || typeof pair[1] !== 'string') return false;
  }
  return true;
}

function isIndexList(value: unknown, size: number): value is number[] {
  if (!Array.isArray(value)) return false;
  for (let k = 0; k < value.length; k++) {
    const i: unknown = value[k];
    // Stryker disable next-line ConditionalExpression: equivalent for `typeof i !== 'number'` as false: Number.isInteger rejects what is not a number
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= size) return false;
  }
  return true;
}

/** A snapshot's local inputs: a non-empty list of folders as GraphPackage.localInputs holds them. */
function isLocalInputList(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let k = 0; k < value.length; k++) {
    const folder: unknown = value[k];
    if (typeof folder !== 'string' || !isLocalInput(folder)) return false;
  }
  return true;
}

/** A type guard for a snapshot read back from a file (anything else is a cache miss). */
export function isGraphSnapshot(value: unknown): value is GraphSnapshot {
  if (typeof value !== 'object' || value === null || !('packages' in value) || !('services' in value)) return false;
  const { packages, services } = value;
  if (!Array.isArray(packages)) return false;
  const size = packages.length;
  for (let k = 0; k < size; k++) {
    const p: unknown = packages[k];
    if (!Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'string' || typeof p[2] !== 'boolean' || !isIndexList(p[3], size)) return false;
    if (p.length !== 4 && (p.length !== 5 || !isLocalInputList(p[4]))) return false;
  }
  return (
    isIndexList(services, size) &&
    (!('vendored' in value) || isVendoredList(value.vendored)) &&
    (!('rootDependents' in value) || (isIndexList(value.rootDependents, size) && value.rootDependents.length > 0))
  );
}

/** The graph a snapshot was taken of (names and folders are unique in it: it came from a built graph). */
export function graphFromSnapshot(snapshot: GraphSnapshot): WorkspaceGraph {
  const entries = snapshot.packages;
  const list: GraphPackage[] = [];
  // Indexed loops: this is all a warm run does with 2,000 packages, before any of it is compiled.
  // A snapshot's indexes were checked to be in range (isGraphSnapshot), so `at` never throws here.
  for (let k = 0; k < entries.length; k++) {
    const entry = at(entries, k);
    const dir = entry[0];
    const deps = entry[3];
    const workspaceDeps: string[] = [];
    for (let d = 0; d < deps.length; d++) workspaceDeps.push(at(entries, at(deps, d))[1]);
    const slash = dir.lastIndexOf('/');
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: slice(slash + 1) of a folder without a slash is the folder, and no folder starts with '/'
    list.push({ name: entry[1], dir, folder: slash < 0 ? dir : dir.slice(slash + 1), isService: entry[2], workspaceDeps, localInputs: entry[4] ?? NONE });
  }
  for (const i of snapshot.rootDependents ?? []) list[i] = { ...at(list, i), dependsOnRoot: true };
  const services = snapshot.services.map((i) => at(list, i));
  // It came from a built graph (change detection's: a cycle is allowed); its order is worked out only if asked for.
  return assembleGraph(list, { edges: entries.map((e) => e[3]), services });
}
