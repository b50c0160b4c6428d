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

/** A workspace edge: `workspace:` specs, and plain specs whose key names a workspace package. */
function workspaceTargets(manifest: Manifest, names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest.dependencies[field];
    for (const key of Object.keys(deps)) {
      const spec = deps[key] ?? '';
      // `workspace:<name>@<range>` depends on <name> (an alias), when that names a workspace package.
      const alias = spec.startsWith('workspace:') && spec.includes('@', 11) ? WORKSPACE_ALIAS.exec(spec.slice(10))?.[1] : undefined;
      const target = alias !== undefined && names.has(alias) ? alias : key;
      if (target !== manifest.name && names.has(target) && !out.includes(target)) out.push(target);
    }
  }
  return out.length > 1 ? out.sort() : out;
}

let collator: Intl.Collator | undefined;
/**
 * The order of String#localeCompare, from one collator made when first needed (making it costs
 * milliseconds: a caller with I/O to wait for can call this early, see prepareCollation).
 */
function byLocale(a: string, b: string): number {
  collator ??= new Intl.Collator();
  return collator.compare(a, b);
}

/** Makes the collator the graph sorts with now, e.g. while waiting for git, rather than when the graph is built. */
export function prepareCollation(): void {
  collator ??= new Intl.Collator();
}

export function buildWorkspace(inputs: readonly PackageInput[]): Workspace {
  const names = new Set<string>();
  for (const input of inputs) names.add(input.manifest.name);
  const sorted = [...inputs].sort((a, b) => byLocale(a.dir, b.dir));
  const packages: WorkspacePackage[] = [];
  const seen = new Map<string, string>();
  for (const input of sorted) {
    const { name } = input.manifest;
    const existing = seen.get(name);
    if (existing !== undefined) throw new InputError(`two workspace packages are named ${name}: ${existing}/package.json and ${input.dir}/package.json; rename one`);
    seen.set(name, input.dir);
    const slash = input.dir.lastIndexOf('/');
    packages.push({
      dir: input.dir,
      manifest: input.manifest,
      isService: input.isService,
      name,
      folder: slash < 0 ? input.dir : input.dir.slice(slash + 1),
      workspaceDeps: workspaceTargets(input.manifest, names),
    });
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
  for (const pkg of list) {
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
      while (stack.length > 0) {
        const name = stack.pop() as string;
        if (seen.has(name)) continue;
        seen.add(name);
        stack.push(...(dependents.get(name) ?? []));
      }
      return seen;
    },
    dependenciesOf(name) {
      const need = new Set<string>();
      const stack = [...get(name).workspaceDeps];
      while (stack.length > 0) {
        const dep = stack.pop() as string;
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
    for (let top = path.at(-1); top !== undefined; top = path.at(-1)) {
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
  list.forEach((p, i) => index.set(p.name, i));
  return {
    packages: list.map((p) => [p.dir, p.name, p.isService, p.workspaceDeps.map((d) => index.get(d) ?? -1)] as const),
    services: graph.services.map((s) => index.get(s.name) ?? -1),
  };
}

function isIndexList(value: unknown, size: number): value is number[] {
  return Array.isArray(value) && value.every((i) => Number.isInteger(i) && i >= 0 && i < size);
}

/** A type guard for a snapshot read back from a file (anything else is a cache miss). */
export function isGraphSnapshot(value: unknown): value is GraphSnapshot {
  if (typeof value !== 'object' || value === null || !('packages' in value) || !('services' in value)) return false;
  const { packages, services } = value;
  if (!Array.isArray(packages)) return false;
  const size = packages.length;
  return (
    packages.every((p: unknown) => Array.isArray(p) && p.length === 4 && typeof p[0] === 'string' && typeof p[1] === 'string' && typeof p[2] === 'boolean' && isIndexList(p[3], size)) &&
    isIndexList(services, size)
  );
}

/** The graph a snapshot was taken of (names and folders are unique in it: it came from a built graph). */
export function graphFromSnapshot(snapshot: GraphSnapshot): WorkspaceGraph {
  const names = snapshot.packages.map((p) => p[1]);
  const list: GraphPackage[] = snapshot.packages.map(([dir, name, isService, deps]) => {
    const slash = dir.lastIndexOf('/');
    return { name, dir, folder: slash < 0 ? dir : dir.slice(slash + 1), isService, workspaceDeps: deps.flatMap((i) => names[i] ?? []) };
  });
  // It came from a built graph, checked for cycles then; its order is worked out only if asked for.
  return assembleGraph(list, { services: snapshot.services.flatMap((i) => list[i] ?? []), checkCycles: false });
}
