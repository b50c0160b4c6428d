/**
 * A synthetic pnpm workspace, deterministic from a seed: services (with a Dockerfile) and libraries,
 * `files` files each, a random DAG of workspace dependencies (library 0 is a core used by hundreds),
 * a few external packages, and a pnpm v9 lockfile written the way pnpm writes it. The model is
 * returned too, so that the benchmark computes its ground truth from it, not from any tool.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Pkg {
  readonly name: string;
  readonly dir: string;
  readonly isService: boolean;
  readonly deps: readonly string[];
  /** External dependency name -> resolved version. */
  readonly ext: Readonly<Record<string, string>>;
  readonly files: readonly string[];
}

export interface Model {
  readonly packages: readonly Pkg[];
  readonly byName: ReadonlyMap<string, Pkg>;
  readonly external: readonly string[];
}

export interface Size {
  readonly services: number;
  readonly libraries: number;
  readonly files: number;
  readonly seed: number;
}

/** mulberry32: a small seeded PRNG (same seed, same workspace). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(4, '0');
const EXTERNAL = Array.from({ length: 40 }, (_, i) => `ext-${String(i).padStart(2, '0')}`);

export function buildModel(size: Size): Model {
  const random = rng(size.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const packages: Pkg[] = [];
  const extOf = () => Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 2) }, () => [pick(EXTERNAL), '1.0.0']));
  const filesOf = (isService: boolean) => {
    const n = size.files - 1 - (isService ? 1 : 0);
    return [...Array.from({ length: n }, (_, i) => `src/f${String(i).padStart(2, '0')}.ts`), ...(isService ? ['Dockerfile'] : []), 'package.json'];
  };
  for (let i = 0; i < size.libraries; i++) {
    const deps = new Set<string>();
    if (i > 0 && random() < 0.2) deps.add('@bench/lib-0000');
    const k = i === 0 ? 0 : Math.floor(random() * 3);
    // Skewed towards low indices: early libraries are widely used, and j < i keeps the graph acyclic.
    for (let n = 0; n < k; n++) deps.add(`@bench/lib-${pad(Math.floor(i * random() ** 2))}`);
    deps.delete(`@bench/lib-${pad(i)}`);
    packages.push({ name: `@bench/lib-${pad(i)}`, dir: `packages/lib-${pad(i)}`, isService: false, deps: [...deps].sort(), ext: extOf(), files: filesOf(false) });
  }
  for (let i = 0; i < size.services; i++) {
    const deps = new Set<string>();
    const k = 1 + Math.floor(random() * 4);
    for (let n = 0; n < k && size.libraries > 0; n++) deps.add(`@bench/lib-${pad(Math.floor(size.libraries * random() ** 1.5))}`);
    packages.push({ name: `@bench/svc-${pad(i)}`, dir: `services/svc-${pad(i)}`, isService: true, deps: [...deps].sort(), ext: extOf(), files: filesOf(true) });
  }
  return { packages, byName: new Map(packages.map((p) => [p.name, p])), external: EXTERNAL };
}

function relative(from: string, to: string): string {
  const a = from.split('/');
  const b = to.split('/');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** The lockfile, as pnpm 10 writes it. `override` changes one importer's resolved external version. */
export function renderLockfile(model: Model, override?: { dir: string; dep: string; version: string }): string {
  const out = ["lockfileVersion: '9.0'", '', 'settings:', '  autoInstallPeers: true', '  excludeLinksFromLockfile: false', '', 'importers:', '', '  .: {}', ''];
  const versions = new Set<string>();
  for (const pkg of [...model.packages].sort((x, y) => (x.dir < y.dir ? -1 : 1))) {
    const deps: Array<[string, string, string]> = [];
    for (const d of pkg.deps) deps.push([d, 'workspace:*', `link:${relative(pkg.dir, model.byName.get(d)?.dir ?? '')}`]);
    for (const [name, version] of Object.entries(pkg.ext)) {
      const v = override && override.dir === pkg.dir && override.dep === name ? override.version : version;
      versions.add(`${name}@${v}`);
      deps.push([name, '^1.0.0', v]);
    }
    deps.sort(([x], [y]) => (x < y ? -1 : 1));
    out.push(`  ${pkg.dir}:`);
    if (deps.length > 0) {
      out.push('    dependencies:');
      for (const [name, spec, version] of deps)
        out.push(
          `      '${name}':`.replace(/^(\s+)'([a-z][\w.-]*)':$/, '$1$2:'),
          `        specifier: ${spec === 'workspace:*' ? 'workspace:*' : `'${spec}'`}`,
          `        version: ${version}`,
        );
    }
    out.push('');
  }
  // Every external package also exists at 1.0.0; ext-i depends on ext-(i+1) so closures are transitive.
  for (const name of model.external) versions.add(`${name}@1.0.0`);
  const sorted = [...versions].sort();
  out.push('packages:', '');
  for (const key of sorted) out.push(`  ${key}:`, `    resolution: {integrity: sha512-${Buffer.from(key).toString('base64')}}`, '');
  out.push('snapshots:', '');
  for (const key of sorted) {
    const [name = ''] = key.split('@');
    const i = model.external.indexOf(name);
    const next = model.external[i + 1];
    if (next !== undefined && i % 4 !== 3) out.push(`  ${key}:`, '    dependencies:', `      ${next}: 1.0.0`, '');
    else out.push(`  ${key}: {}`, '');
  }
  return out.join('\n');
}

function manifest(model: Model, pkg: Pkg): string {
  const dependencies: Record<string, string> = {};
  for (const d of pkg.deps) dependencies[d] = 'workspace:*';
  for (const name of Object.keys(pkg.ext)) dependencies[name] = '^1.0.0';
  void model;
  return `${JSON.stringify({ name: pkg.name, version: '1.0.0', private: true, dependencies }, null, 2)}\n`;
}

/** Writes the workspace into `root` (an empty folder). */
export function writeWorkspace(root: string, model: Model): void {
  const write = (path: string, text: string) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write('package.json', `${JSON.stringify({ name: 'bench-root', private: true, packageManager: 'pnpm@10.34.9' }, null, 2)}\n`);
  write('pnpm-workspace.yaml', "packages:\n  - 'packages/*'\n  - 'services/*'\n");
  write('pnpm-lock.yaml', renderLockfile(model));
  write('.gitignore', 'node_modules\n.turbo\n.nx\n');
  // Peers' own configuration (tooling for this tool; the peers need it to run).
  write('turbo.json', `${JSON.stringify({ $schema: 'https://turborepo.com/schema.json', tasks: { build: {} } }, null, 2)}\n`);
  // nx reads node_modules/.modules.yaml to analyse a pnpm lockfile; the synthetic workspace is never
  // installed (its external packages do not exist), so nx runs with lockfile analysis off.
  write('nx.json', `${JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', pluginsConfig: { '@nx/js': { analyzeLockfile: false } } }, null, 2)}\n`);
  write('README.md', '# synthetic workspace\n');
  for (const pkg of model.packages) {
    for (const file of pkg.files) {
      if (file === 'package.json') write(`${pkg.dir}/package.json`, manifest(model, pkg));
      else if (file === 'Dockerfile') write(`${pkg.dir}/Dockerfile`, 'FROM node:24-alpine\n');
      else write(`${pkg.dir}/${file}`, `export const value = ${JSON.stringify(`${pkg.name}/${file}`)};\n`);
    }
  }
}

/** Ground truth: the owners of the changed files plus everything depending on them, transitively. */
export function groundTruth(model: Model, changed: ReadonlySet<string>): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const p of model.packages) for (const d of p.deps) dependents.set(d, [...(dependents.get(d) ?? []), p.name]);
  const seen = new Set<string>();
  const stack = [...changed];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(dependents.get(n) ?? []));
  }
  return seen;
}
