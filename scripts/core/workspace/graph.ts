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

export interface WorkspacePackage extends PackageInput {
  readonly name: string;
  /** The folder's last segment: a service's name in images, matrices and tags. */
  readonly folder: string;
  /** Names of the workspace packages this one depends on directly (any dependency field). */
  readonly workspaceDeps: readonly string[];
}

export interface Workspace {
  readonly packages: ReadonlyMap<string, WorkspacePackage>;
  /** Package names, every package after all of its workspace dependencies. */
  readonly order: readonly string[];
  readonly services: readonly WorkspacePackage[];
  get(name: string): WorkspacePackage;
  /** `names` and every package that depends on any of them, transitively. */
  withDependents(names: Iterable<string>): Set<string>;
  /** The workspace packages `name` needs, transitively, in build order (dependencies first), without itself. */
  dependenciesOf(name: string): WorkspacePackage[];
  /** The package whose folder is the deepest one containing `path`, if any. */
  ownerOf(path: string): WorkspacePackage | undefined;
}

/** A workspace edge: `workspace:` specs, and plain specs whose key names a workspace package. */
function workspaceTargets(manifest: Manifest, names: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    for (const [key, spec] of Object.entries(manifest.dependencies[field])) {
      const alias = spec.startsWith('workspace:') ? spec.slice('workspace:'.length).match(/^(@?[^@]+)@/)?.[1] : undefined;
      const target = alias && names.has(alias) ? alias : key;
      if (names.has(target) && target !== manifest.name) out.add(target);
    }
  }
  return [...out].sort();
}

// The same order as String#localeCompare, without building a collator per comparison (a 2,000-package sort is 20k of them).
const byLocale = new Intl.Collator().compare;

export function buildWorkspace(inputs: readonly PackageInput[]): Workspace {
  const packages = new Map<string, WorkspacePackage>();
  const dirs = new Map<string, WorkspacePackage>();
  const names = new Set(inputs.map((p) => p.manifest.name));
  for (const input of [...inputs].sort((a, b) => byLocale(a.dir, b.dir))) {
    const existing = packages.get(input.manifest.name);
    if (existing) {
      throw new InputError(`two workspace packages are named ${input.manifest.name}: ${existing.dir}/package.json and ${input.dir}/package.json; rename one`);
    }
    const pkg: WorkspacePackage = {
      ...input,
      name: input.manifest.name,
      folder: input.dir.split('/').at(-1) ?? input.dir,
      workspaceDeps: workspaceTargets(input.manifest, names),
    };
    packages.set(pkg.name, pkg);
    dirs.set(pkg.dir, pkg);
  }

  // Depth-first topological sort; a back edge is a cycle, reported with its path.
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new InputError(`dependency cycle between workspace packages: ${cycle.join(' -> ')}; remove one of these dependencies`);
    }
    state.set(name, 'visiting');
    for (const dep of packages.get(name)?.workspaceDeps ?? []) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...packages.keys()].sort()) visit(name, []);

  const dependents = new Map<string, string[]>();
  for (const pkg of packages.values()) {
    for (const dep of pkg.workspaceDeps) {
      const list = dependents.get(dep);
      if (list) list.push(pkg.name);
      else dependents.set(dep, [pkg.name]);
    }
  }

  const get = (name: string): WorkspacePackage => {
    const pkg = packages.get(name);
    if (!pkg) throw new InputError(`no workspace package named ${name}; known: ${[...packages.keys()].sort().join(', ')}`);
    return pkg;
  };

  return {
    packages,
    order,
    services: [...packages.values()].filter((p) => p.isService).sort((a, b) => byLocale(a.folder, b.folder)),
    get,
    withDependents(start) {
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
      return order.filter((n) => need.has(n)).map(get);
    },
    ownerOf(path) {
      for (let dir = path.split('/').slice(0, -1); dir.length > 0; dir = dir.slice(0, -1)) {
        const pkg = dirs.get(dir.join('/'));
        if (pkg) return pkg;
      }
      return undefined;
    },
  };
}
