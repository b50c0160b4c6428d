/**
 * The workspace dependency graph: packages, edges to workspace packages, topological order,
 * transitive dependents (what a change reaches) and dependencies (what an image must contain).
 */
import { InputError } from '../errors.js';
import { DEPENDENCY_FIELDS, type Manifest } from './manifest.js';

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
  /** The workspace packages `name` needs, transitively, in build order (dependencies first), without itself. */
  dependenciesOf(name: string): P[];
  /** The package whose folder is the deepest one containing `path`, if any. */
  ownerOf(path: string): P | undefined;
}

/** The graph with every package's manifest (the generators and image checks read them). */
export type Workspace = WorkspaceGraph<WorkspacePackage>;

const WORKSPACE_ALIAS = /^(@?[^@]+)@/;

/**
 * A manifest's dependencies as graph edge candidates, before the other packages are known: each
 * dependency's name for ordinary specifiers (an edge when it names a workspace package), or
 * `[target, name]` for `workspace:` ones (`target` is the alias of `workspace:<alias>@<range>`, else the
 * name), which must name a workspace package.
 */
export type DependencyRef = string | readonly [alias: string, name: string];

export function dependencyRefs(manifest: Manifest): DependencyRef[] {
  const refs: DependencyRef[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest.dependencies[field];
    for (const key in deps) {
      const spec = deps[key] ?? '';
      if (!spec.startsWith('workspace:')) {
        refs.push(key);
        continue;
      }
      const alias = spec.includes('@', 11) ? WORKSPACE_ALIAS.exec(spec.slice(10))?.[1] : undefined;
      refs.push([alias ?? key, key]);
    }
  }
  return refs;
}

/** A workspace edge: `workspace:` specs, and plain specs whose key names a workspace package. */
function workspaceTargets(name: string, refs: readonly DependencyRef[], names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let k = 0; k < refs.length; k++) {
    const ref = refs[k];
    if (ref === undefined) continue;
    const target = typeof ref === 'string' ? ref : names.has(ref[0]) ? ref[0] : ref[1];
    // A `workspace:` specifier must name a package of the workspace: pnpm refuses to install otherwise, and
    // dropping the edge would hide its dependents from change detection (a deleted library, say).
    if (typeof ref !== 'string' && !names.has(target)) {
      throw new InputError(
        `package ${name} depends on "${ref[1]}" with a workspace: specifier, but no workspace package is named ${ref[0]}; restore that package or change the specifier`,
      );
    }
    if (target !== name && names.has(target) && !out.includes(target)) out.push(target);
  }
  return out.length > 1 ? out.sort() : out;
}

/**
 * The characters folder and package names are made of, in the order of the root collation (CLDR),
 * which is what String#localeCompare uses for `en` and `und`: each has a primary weight of its own,
 * so strings made of them compare character by character, and a prefix comes first.
 */
const ROOT_ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz';
const ROOT_RANK = new Uint8Array(128);
for (let i = 0; i < ROOT_ORDER.length; i++) ROOT_RANK[ROOT_ORDER.charCodeAt(i)] = i + 1;

/** The comparison of `a` and `b` under the root collation, or undefined when a character is outside ROOT_ORDER. */
function compareRoot(a: string, b: string): number | undefined {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    const x = ROOT_RANK[a.charCodeAt(i)] ?? 0;
    const y = ROOT_RANK[b.charCodeAt(i)] ?? 0;
    if (x === 0 || y === 0) return undefined;
    if (x !== y) return x - y;
  }
  const longer = a.length > b.length ? a : b;
  for (let i = common; i < longer.length; i++) if ((ROOT_RANK[longer.charCodeAt(i)] ?? 0) === 0) return undefined;
  return a.length - b.length;
}

let rootLocale: boolean | undefined;
let collator: Intl.Collator | undefined;

/**
 * The order of String#localeCompare. Making a collator costs milliseconds (ICU's collation data),
 * so when the default locale collates like the root one (`en`, `und`: PluralRules tells the locale
 * without loading that data) and both strings are plain (lower case ASCII, digits, punctuation), the
 * comparison is made here; anything else goes to a collator made when first needed.
 */
function byLocale(a: string, b: string): number {
  rootLocale ??= /^(?:en(?:-[A-Z]{2})?|und)$/.test(new Intl.PluralRules().resolvedOptions().locale);
  if (rootLocale) {
    const order = compareRoot(a, b);
    if (order !== undefined) return order;
  }
  collator ??= new Intl.Collator();
  return collator.compare(a, b);
}

/** Gets ready to order folders (see byLocale), e.g. while waiting for git rather than when the graph is built. */
export function prepareCollation(): void {
  rootLocale ??= /^(?:en(?:-[A-Z]{2})?|und)$/.test(new Intl.PluralRules().resolvedOptions().locale);
  if (!rootLocale) collator ??= new Intl.Collator();
}

/** The order the graph keeps packages in (by folder): String#localeCompare's. */
export function sortByLocale(paths: readonly string[]): string[] {
  return [...paths].sort(byLocale);
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
  const names = new Set<string>();
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k];
    if (entry) names.add(entry.name);
  }
  const sorted = [...entries].sort((a, b) => byLocale(a.input.dir, b.input.dir));
  const packages: P[] = [];
  const seen = new Map<string, string>();
  for (let k = 0; k < sorted.length; k++) {
    const entry = sorted[k];
    if (!entry) continue;
    const { name, input } = entry;
    const existing = seen.get(name);
    if (existing !== undefined) throw new InputError(`two workspace packages are named ${name}: ${existing}/package.json and ${input.dir}/package.json; rename one`);
    seen.set(name, input.dir);
    const slash = input.dir.lastIndexOf('/');
    packages.push(make(entry, slash < 0 ? input.dir : input.dir.slice(slash + 1), workspaceTargets(name, entry.refs, names)));
  }
  return assembleGraph(packages, { checkCycles: true });
}

/**
 * The graph over packages already in folder order, with unique names and edges between them.
 * `services` defaults to the service packages sorted by folder name; `checkCycles` works out the
 * order now, so that a cycle is an error here.
 */
function assembleGraph<P extends GraphPackage>(list: readonly P[], options: { readonly services?: readonly P[]; readonly checkCycles: boolean }): WorkspaceGraph<P> {
  const packages = new Map<string, P>();
  const dirs = new Map<string, P>();
  for (let k = 0; k < list.length; k++) {
    const pkg = list[k];
    if (!pkg) continue;
    packages.set(pkg.name, pkg);
    dirs.set(pkg.dir, pkg);
  }
  // Computed when first asked for: change detection needs neither.
  let order: string[] | undefined = options.checkCycles ? topologicalOrder(packages) : undefined;
  let dependents: Map<string, string[]> | undefined;
  let services = options.services;

  const get = (name: string): P => {
    const pkg = packages.get(name);
    if (!pkg) throw new InputError(`no workspace package named ${name}; known: ${[...packages.keys()].sort().join(', ')}`);
    return pkg;
  };

  return {
    packages,
    get order() {
      order ??= topologicalOrder(packages);
      return order;
    },
    get services() {
      services ??= list.filter((p) => p.isService).sort((a, b) => byLocale(a.folder, b.folder));
      return services;
    },
    get,
    withDependents(start) {
      if (!dependents) {
        dependents = new Map();
        for (const pkg of list) {
          for (const dep of pkg.workspaceDeps) {
            const known = dependents.get(dep);
            if (known) known.push(pkg.name);
            else dependents.set(dep, [pkg.name]);
          }
        }
      }
      const seen = new Set<string>();
      const stack = [...start];
      for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
        if (seen.has(name)) continue;
        seen.add(name);
        stack.push(...(dependents.get(name) ?? []));
      }
      return seen;
    },
    dependenciesOf(name) {
      const need = new Set<string>();
      const stack = [...get(name).workspaceDeps];
      for (let dep = stack.pop(); dep !== undefined; dep = stack.pop()) {
        if (need.has(dep)) continue;
        need.add(dep);
        stack.push(...get(dep).workspaceDeps);
      }
      order ??= topologicalOrder(packages);
      return order.filter((n) => need.has(n)).map(get);
    },
    ownerOf(path) {
      for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
        const pkg = dirs.get(path.slice(0, end));
        if (pkg) return pkg;
      }
      return undefined;
    },
  };
}

/**
 * Depth-first, from the names in sorted order and each package's dependencies in order; a back edge
 * is a cycle, reported with its path. Iterative, so that a deep chain cannot overflow the stack.
 */
function topologicalOrder(packages: ReadonlyMap<string, GraphPackage>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: Array<{ readonly name: string; readonly deps: readonly string[]; next: number }> = [];
  const enter = (name: string) => {
    state.set(name, 'visiting');
    path.push({ name, deps: packages.get(name)?.workspaceDeps ?? [], next: 0 });
  };
  for (const root of [...packages.keys()].sort()) {
    if (state.has(root)) continue;
    enter(root);
    for (let top = path[path.length - 1]; top !== undefined; top = path[path.length - 1]) {
      const dep = top.deps[top.next++];
      if (dep === undefined) {
        state.set(top.name, 'done');
        order.push(top.name);
        path.pop();
        continue;
      }
      const s = state.get(dep);
      if (s === 'done') continue;
      if (s === 'visiting') {
        const names = path.map((p) => p.name);
        const cycle = [...names.slice(names.indexOf(dep)), dep];
        throw new InputError(`dependency cycle between workspace packages: ${cycle.join(' -> ')}; remove one of these dependencies`);
      }
      enter(dep);
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
  const index = new Map<string, number>();
  const list = [...graph.packages.values()];
  for (const [i, p] of list.entries()) index.set(p.name, i);
  return {
    packages: list.map((p) => [p.dir, p.name, p.isService, p.workspaceDeps.map((d) => index.get(d) ?? -1)] as const),
    services: graph.services.map((s) => index.get(s.name) ?? -1),
  };
}

function isIndexList(value: unknown, size: number): value is number[] {
  if (!Array.isArray(value)) return false;
  for (let k = 0; k < value.length; k++) {
    const i: unknown = value[k];
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
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k];
    if (!entry) continue;
    const dir = entry[0];
    const deps = entry[3];
    const workspaceDeps: string[] = [];
    for (let d = 0; d < deps.length; d++) {
      const dep = entries[deps[d] ?? -1]?.[1];
      if (dep !== undefined) workspaceDeps.push(dep);
    }
    const slash = dir.lastIndexOf('/');
    list.push({ name: entry[1], dir, folder: slash < 0 ? dir : dir.slice(slash + 1), isService: entry[2], workspaceDeps });
  }
  const services: GraphPackage[] = [];
  for (const i of snapshot.services) {
    const pkg = list[i];
    if (pkg) services.push(pkg);
  }
  // It came from a built graph, checked for cycles then; its order is worked out only if asked for.
  return assembleGraph(list, { services, checkCycles: false });
}
