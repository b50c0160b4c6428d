/**
 * The workspace dependency graph: packages, edges to workspace packages, topological order,
 * transitive dependents (what a change reaches) and dependencies (what an image must contain).
 */
import { InputError } from '../errors.js';
import { DEPENDENCY_FIELDS, type DependencyRef, dependencyRef, type Manifest } from './manifest.js';

export type { DependencyRef } from './manifest.js';

export interface PackageInput {
  /** Folder relative to the repository root, POSIX separators, no trailing slash. */
  readonly dir: string;
  readonly manifest: Manifest;
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
}

export interface WorkspacePackage extends PackageInput, GraphPackage {}

export interface WorkspaceGraph<P extends GraphPackage = GraphPackage> {
  /** By name, in the order of their folders. */
  readonly packages: ReadonlyMap<string, P>;
  /** Package names, every package after all of its workspace dependencies. */
  readonly order: readonly string[];
  /** By folder name. */
  readonly services: readonly P[];
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
 * The workspace packages a package depends on, by index, sorted by name: `workspace:` specs, and
 * plain specs whose key names a workspace package.
 */
function workspaceTargets(
  name: string,
  refs: readonly DependencyRef[],
  lookup: { readonly index: ReadonlyMap<string, number>; readonly dirs: ReadonlyMap<string, number>; readonly dir: string },
  names: readonly string[],
): number[] {
  const { index } = lookup;
  const out: number[] = [];
  // Stryker disable next-line EqualityOperator: equivalent: the index one past the end reads undefined, which the guard below skips
  for (let k = 0; k < refs.length; k++) {
    const ref = refs[k];
    // Stryker disable next-line ConditionalExpression: equivalent: a list of refs holds no undefined
    if (ref === undefined) continue;
    let at: number | undefined;
    if (typeof ref === 'string') at = index.get(ref);
    else if (
      // Stryker disable next-line LogicalOperator: equivalent: an array has no `path`, so `'path' in ref` alone decides
      !Array.isArray(ref) &&
      'path' in ref
    )
      at = lookup.dirs.get(joinPosix(lookup.dir, ref.path)) ?? index.get(ref.name);
    else {
      at = index.get(ref[0]) ?? index.get(ref[1]);
      // A `workspace:` specifier must name a package of the workspace: pnpm refuses to install otherwise, and
      // dropping the edge would hide its dependents from change detection (a deleted library, say).
      if (at === undefined) {
        throw new InputError(
          `package ${name} depends on "${ref[1]}" with a workspace: specifier, but no workspace package is named ${ref[0]}; restore that package or change the specifier`,
        );
      }
    }
    if (at !== undefined && names[at] !== name && !out.includes(at)) out.push(at);
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: equivalent: sorting one target or none changes nothing, and names[x] exists for every target
  return out.length > 1 ? out.sort((x, y) => byCodeUnit(names[x] ?? '', names[y] ?? '')) : out;
}

/**
 * `dir` joined with a relative `path` (POSIX, `.` and `..` resolved); an absolute path stays as it is,
 * and a path above the repository root gives '' (no workspace folder is there).
 */
export function joinPosix(dir: string, path: string): string {
  const parts = path.startsWith('/') ? [] : dir.split('/').filter((p) => p !== '' && p !== '.');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.pop() === undefined) return '';
    } else parts.push(segment);
  }
  return `${path.startsWith('/') ? '/' : ''}${parts.join('/')}`;
}

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

export function buildWorkspace(inputs: readonly PackageInput[]): Workspace {
  return assemble(
    inputs.map((input) => ({ input, name: input.manifest.name, refs: dependencyRefs(input.manifest) })),
    ({ input, name }, folder, workspaceDeps) => ({ dir: input.dir, manifest: input.manifest, isService: input.isService, name, folder, workspaceDeps }),
  );
}

/** What the graph needs of a package, with its manifest already read (see dependencyRefs). */
export interface GraphSource {
  readonly dir: string;
  readonly name: string;
  readonly isService: boolean;
  readonly refs: readonly DependencyRef[];
}

/** The graph without the manifests (change detection), from packages read one by one. */
export function buildGraph(sources: readonly GraphSource[]): WorkspaceGraph {
  return assemble(
    sources.map((source) => ({ input: source, name: source.name, refs: source.refs })),
    ({ input, name }, folder, workspaceDeps) => ({ name, dir: input.dir, folder, isService: input.isService, workspaceDeps }),
  );
}

/** Folder order, unique names, the edges, and no cycle; `make` builds each package. */
function assemble<I extends { readonly dir: string }, P extends GraphPackage>(
  entries: ReadonlyArray<{ readonly input: I; readonly name: string; readonly refs: readonly DependencyRef[] }>,
  make: (entry: { readonly input: I; readonly name: string }, folder: string, workspaceDeps: readonly string[]) => P,
): WorkspaceGraph<P> {
  const sorted = sortByKey(entries, (e) => e.input.dir);
  // Packages by index in folder order: the edges, the cycle check and the cache all work on indexes.
  const names: string[] = [];
  const index = new Map<string, number>();
  // Stryker disable next-line EqualityOperator: equivalent: the index one past the end reads undefined, which the guard below skips
  for (let k = 0; k < sorted.length; k++) {
    const entry = sorted[k];
    // Stryker disable next-line ConditionalExpression: equivalent: sorted holds no undefined within its length
    if (!entry) continue;
    const existing = index.get(entry.name);
    if (existing !== undefined) {
      // Stryker disable next-line OptionalChaining: equivalent: `existing` is the index of an entry of sorted
      throw new InputError(`two workspace packages are named ${entry.name}: ${sorted[existing]?.input.dir}/package.json and ${entry.input.dir}/package.json; rename one`);
    }
    index.set(entry.name, names.length);
    names.push(entry.name);
  }
  const dirs = new Map<string, number>();
  // Stryker disable next-line EqualityOperator: equivalent: the index one past the end reads undefined, which the guard below skips
  for (let k = 0; k < sorted.length; k++) {
    const entry = sorted[k];
    // Stryker disable next-line ConditionalExpression: equivalent: sorted holds no undefined within its length
    if (entry) dirs.set(entry.input.dir, k);
  }
  const packages: P[] = [];
  const edges: number[][] = [];
  // Stryker disable next-line EqualityOperator: equivalent: the index one past the end reads undefined, which the guard below skips
  for (let k = 0; k < sorted.length; k++) {
    const entry = sorted[k];
    // Stryker disable next-line ConditionalExpression: equivalent: sorted holds no undefined within its length
    if (!entry) continue;
    const { name, input } = entry;
    const targets = workspaceTargets(name, entry.refs, { index, dirs, dir: input.dir }, names);
    const deps: string[] = [];
    // Stryker disable next-line UnaryOperator,StringLiteral: equivalent: targets are indexes of names, so neither fallback is reached
    for (let t = 0; t < targets.length; t++) deps.push(names[targets[t] ?? -1] ?? '');
    const slash = input.dir.lastIndexOf('/');
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: slice(slash + 1) of a folder without a slash is the folder, and no folder starts with '/'
    packages.push(make(entry, slash < 0 ? input.dir : input.dir.slice(slash + 1), deps));
    edges.push(targets);
  }
  // A cycle is an error now; the order itself is worked out when asked for (change detection never does).
  topologicalOrder(names, edges, 'folder');
  return assembleGraph(packages, { edges });
}

/** The edges of each graph made here, by index in folder order: a cache snapshot is these as they are. */
const graphEdges = new WeakMap<WorkspaceGraph, readonly (readonly number[])[]>();

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
  // Stryker disable next-line EqualityOperator: equivalent: the index one past the end reads undefined, which the guard below skips
  for (let k = 0; k < list.length; k++) {
    const pkg = list[k];
    // Stryker disable next-line ConditionalExpression: equivalent: list holds no undefined within its length
    if (!pkg) continue;
    packages.set(pkg.name, pkg);
    dirs.set(pkg.dir, pkg);
  }
  let order = options.order;
  const topological = (): readonly string[] => {
    // Stryker disable next-line ConditionalExpression: equivalent: working the order out again gives the same order (a cache)
    if (order === undefined) {
      const names = list.map((p) => p.name);
      // Stryker disable next-line StringLiteral: equivalent: the order holds indexes of names
      order = topologicalOrder(names, edges).map((i) => names[i] ?? '');
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
      reverse = list.map(() => []);
      index = new Map();
      // Stryker disable next-line EqualityOperator: equivalent: one past the end indexes '' and no edges, and no package is named ''
      for (let i = 0; i < list.length; i++) {
        // Stryker disable next-line OptionalChaining,StringLiteral: equivalent: list[i] exists within its length
        index.set(list[i]?.name ?? '', i);
        // Stryker disable next-line ArrayDeclaration: equivalent: every package has its edge list
        const deps = edges[i] ?? [];
        // Stryker disable next-line OptionalChaining: equivalent: edges are indexes of list, which reverse has one entry for
        for (let d = 0; d < deps.length; d++) reverse[deps[d] ?? 0]?.push(i);
      }
    }
    const at = index.get(name);
    // Stryker disable next-line ConditionalExpression: equivalent: reverse[undefined] is undefined too
    const found = at === undefined ? undefined : reverse[at];
    // Stryker disable next-line OptionalChaining,StringLiteral: equivalent: found holds indexes of list
    return found === undefined ? [] : found.map((i) => list[i]?.name ?? '');
  };
  let services = options.services;

  const get = (name: string): P => {
    const pkg = packages.get(name);
    if (!pkg) throw new InputError(`no workspace package named ${name}; known: ${[...packages.keys()].sort().join(', ')}`);
    return pkg;
  };

  const graph: WorkspaceGraph<P> = {
    packages,
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
        // Stryker disable next-line ConditionalExpression: equivalent: the graph has no cycle, so walking a package again adds nothing to the set (only slower)
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
        // Stryker disable next-line ConditionalExpression: equivalent: the graph has no cycle, so walking a dependency again adds nothing to the set (only slower)
        if (need.has(dep)) continue;
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
  // Stryker disable next-line CallExpression: equivalent: without it snapshotGraph maps workspaceDeps back to the same indexes (tested with a copy of a graph)
  graphEdges.set(graph, edges);
  return graph;
}

/**
 * Depth-first, from the names in sorted order and each package's dependencies in order; a back edge
 * is a cycle, reported with its path. Iterative, so that a deep chain cannot overflow the stack.
 * `edges[i]`: the indexes of the packages `names[i]` depends on. `from: 'folder'` starts from the
 * packages in index order instead, which finds the same cycles without sorting 2,000 names: a cycle
 * found so is reported as the name order finds it.
 */
function topologicalOrder(names: readonly string[], edges: readonly (readonly number[])[], from: 'name' | 'folder' = 'name'): number[] {
  const order: number[] = [];
  const VISITING = 1;
  const DONE = 2;
  const state = new Uint8Array(names.length);
  const roots =
    // Stryker disable next-line ConditionalExpression: equivalent: the cycle check from sorted names finds the same cycles, more slowly
    from === 'name'
      ? sortByKey(
          names.map((_, i) => i),
          // Stryker disable next-line StringLiteral: equivalent: i is an index of names
          (i) => names[i] ?? '',
        )
      : names.map((_, i) => i);
  const path: number[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (state[root] !== 0) continue;
    state[root] = VISITING;
    path.push(root);
    // Stryker disable next-line CallExpression: equivalent: a missing next[top] reads as 0 (`?? 0`), the value pushed
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top] ?? 0;
      const i = next[top] ?? 0;
      // Stryker disable next-line ArrayDeclaration: equivalent: every node has its edge list
      const deps = edges[node] ?? [];
      if (i >= deps.length) {
        state[node] = DONE;
        order.push(node);
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      const dep = deps[i] ?? 0;
      if (state[dep] === DONE) continue;
      if (state[dep] === VISITING) {
        if (from === 'folder') return topologicalOrder(names, edges, 'name');
        const cycle = [...path.slice(path.indexOf(dep)), dep].map((n) => names[n]);
        throw new InputError(`dependency cycle between workspace packages: ${cycle.join(' -> ')}; remove one of these dependencies`);
      }
      state[dep] = VISITING;
      path.push(dep);
      // Stryker disable next-line CallExpression: equivalent: a missing next[top] reads as 0 (`?? 0`), the value pushed
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
export interface GraphSnapshot {
  readonly packages: ReadonlyArray<readonly [dir: string, name: string, isService: boolean, deps: readonly number[]]>;
  readonly services: readonly number[];
}

export function snapshotGraph(graph: WorkspaceGraph): GraphSnapshot {
  const list = [...graph.packages.values()];
  const index = new Map<string, number>();
  // Stryker disable next-line EqualityOperator,OptionalChaining,StringLiteral: equivalent: one past the end indexes '', and no package is named ''
  for (let i = 0; i < list.length; i++) index.set(list[i]?.name ?? '', i);
  // Stryker disable next-line UnaryOperator: equivalent: every dependency of a graph's package is one of its packages, so the -1 fallback is never used
  const edges = graphEdges.get(graph) ?? list.map((p) => p.workspaceDeps.map((d) => index.get(d) ?? -1));
  return {
    packages: list.map((p, i) => [p.dir, p.name, p.isService, edges[i] ?? []] as const),
    // Stryker disable next-line UnaryOperator: equivalent: every service is one of the packages
    services: graph.services.map((s) => index.get(s.name) ?? -1),
  };
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

/** A type guard for a snapshot read back from a file (anything else is a cache miss). */
export function isGraphSnapshot(value: unknown): value is GraphSnapshot {
  if (typeof value !== 'object' || value === null || !('packages' in value) || !('services' in value)) return false;
  const { packages, services } = value;
  if (!Array.isArray(packages)) return false;
  const size = packages.length;
  for (let k = 0; k < size; k++) {
    const p: unknown = packages[k];
    if (!Array.isArray(p) || p.length !== 4 || typeof p[0] !== 'string' || typeof p[1] !== 'string' || typeof p[2] !== 'boolean' || !isIndexList(p[3], size)) return false;
  }
  return isIndexList(services, size);
}

/** The graph a snapshot was taken of (names and folders are unique in it: it came from a built graph). */
export function graphFromSnapshot(snapshot: GraphSnapshot): WorkspaceGraph {
  const entries = snapshot.packages;
  const list: GraphPackage[] = [];
  // Indexed loops: this is all a warm run does with 2,000 packages, before any of it is compiled.
  // Stryker disable next-line EqualityOperator: equivalent: the index one past the end reads undefined, which the guard below skips
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k];
    // Stryker disable next-line ConditionalExpression: equivalent: entries hold no undefined within their length
    if (!entry) continue;
    const dir = entry[0];
    const deps = entry[3];
    const workspaceDeps: string[] = [];
    // Stryker disable next-line EqualityOperator: equivalent: the index one past the end reads undefined, which the guard below skips
    for (let d = 0; d < deps.length; d++) {
      // Stryker disable next-line OptionalChaining,UnaryOperator: equivalent: a snapshot's dependency indexes are checked to be in range (isGraphSnapshot)
      const dep = entries[deps[d] ?? -1]?.[1];
      // Stryker disable next-line ConditionalExpression: equivalent: a snapshot's dependency indexes are checked to be in range (isGraphSnapshot)
      if (dep !== undefined) workspaceDeps.push(dep);
    }
    const slash = dir.lastIndexOf('/');
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: slice(slash + 1) of a folder without a slash is the folder, and no folder starts with '/'
    list.push({ name: entry[1], dir, folder: slash < 0 ? dir : dir.slice(slash + 1), isService: entry[2], workspaceDeps });
  }
  const services: GraphPackage[] = [];
  for (const i of snapshot.services) {
    const pkg = list[i];
    // Stryker disable next-line ConditionalExpression: equivalent: a snapshot's service indexes are checked to be in range (isGraphSnapshot)
    if (pkg) services.push(pkg);
  }
  // It came from a built graph, checked for cycles then; its order is worked out only if asked for.
  return assembleGraph(list, { edges: entries.map((e) => e[3]), services });
}
