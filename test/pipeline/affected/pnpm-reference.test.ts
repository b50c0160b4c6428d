/**
 * `pipeline affected` against an independent reference, pnpm 10 itself (the devDependency, the version the
 * repository pins): on seeded random workspaces in real repositories, the set of affected packages must be
 * what `pnpm --filter "...[<base>]" ls --depth -1 --json` lists at the head. The shapes are those where pnpm
 * 10's filter is right (checked against what `pnpm install` links, by the differential hunt that found
 * `workspace:..` and the dot-folders): every `workspace:` form but a path, `file:` under any key, plain ranges
 * with `link-workspace-packages` on, the four dependency fields, the three manifest formats, nested packages,
 * odd folder names, cycles (a devDependency back), a package without a name (compared by folder); changes that
 * edit, add and delete files, add and remove dependencies, remove a package.
 * Left out, each for a reason README gives: `link:` and `workspace:<path>` (pnpm 10's filter draws no edge
 * where its install links), renames (pnpm's `git diff` pairs them), Markdown, root files and the lockfile
 * (the pipeline's own rules), and plain ranges with the setting off (a safe over-approximation here).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative as relativePath, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { rng as random } from '../../../bench/affected/generate.js';
import { affected, cleanup, commit, makeRepo, parseJson } from './fixture.js';

afterAll(cleanup);

const PNPM = resolve('node_modules/pnpm/bin/pnpm.cjs');

/** The path from folder `from` to folder `to`, both workspace-relative. */
function relative(from: string, to: string): string {
  const a = from.split('/');
  const b = to.split('/');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

interface Pkg {
  readonly dir: string;
  /** Absent for a package without a name (pnpm lists and links one: by a path only). */
  name: string | undefined;
  readonly version: string;
  readonly file: 'package.json' | 'package.yaml' | 'package.json5';
  readonly deps: Record<string, Record<string, string>>;
}

const FIELDS = ['dependencies', 'dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
const ODD_NAMES = ['my pkg', '-dash', 'a.b', 'x_y', 'UP'];

function manifestText(p: Pkg): string {
  const json = JSON.stringify({ name: p.name, version: p.version, ...p.deps }, null, 2);
  // JSON is YAML and JSON5 too: the format is the file's name, as pnpm picks it.
  return p.file === 'package.json5' ? `// json5\n${json}\n` : `${json}\n`;
}

/** A workspace of 3 to 7 packages (dependencies only on earlier ones: no cycle) and one change of it. */
function generate(seed: number): { files: Record<string, string>; change: Record<string, string | null> } {
  const r = random(seed);
  const pick = <T>(list: readonly T[]): T => {
    const item = list[Math.floor(r() * list.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  const chance = (p: number) => r() < p;
  const linkWorkspacePackages = chance(0.3);
  const layouts: ReadonlyArray<readonly [readonly string[], (i: number, nestIn: string | undefined) => string]> = [
    [['packages/*'], (i) => `packages/p${i}`],
    [['packages/**'], (i, nestIn) => (nestIn ? `${nestIn}/n${i}` : `packages/${pick(['', 'g/'])}p${i}`)],
    [['packages/**', '!**/test/**'], (i, nestIn) => (nestIn ? `${nestIn}/${pick(['test/', ''])}n${i}` : `packages/p${i}`)],
    [['apps/*', 'libs/**'], (i, nestIn) => (nestIn?.startsWith('libs') ? `${nestIn}/n${i}` : `${pick(['apps', 'libs'])}/p${i}`)],
    [['packages/*', 'tools/x', '.cfg/*'], (i) => (i === 0 ? 'tools/x' : i === 1 ? '.cfg/c1' : `packages/p${i}`)],
  ];
  const [globs, dirOf] = pick(layouts);
  const count = 3 + Math.floor(r() * 5);
  const pkgs: Pkg[] = [];
  for (let i = 0; i < count; i++) {
    const nestable = pkgs.filter((p) => p.dir.startsWith('packages/') || p.dir.startsWith('libs/'));
    const nestIn = nestable.length > 0 && globs.some((g) => g.includes('**')) && chance(0.3) ? pick(nestable).dir : undefined;
    let dir = dirOf(i, nestIn);
    if (!dir.startsWith('tools/') && !dir.startsWith('.cfg/') && chance(0.15)) dir = dir.replace(/[^/]+$/, `${pick(ODD_NAMES)}${i}`);
    const file = chance(0.15) ? pick(['package.yaml', 'package.json5'] as const) : 'package.json';
    pkgs.push({ dir, name: chance(0.3) ? `@s/p${i}` : `p${i}`, version: pick(['1.0.0', '2.1.0']), file, deps: {} });
  }
  const targets = (i: number) => pkgs.slice(0, i).filter((p) => !p.dir.includes('/test/') && p.name !== undefined);
  for (let i = 1; i < count; i++) {
    const self = pkgs[i];
    if (self === undefined) continue;
    for (let j = Math.floor(r() * 3); j > 0; j--) {
      const list = targets(i);
      if (list.length === 0) continue;
      const t = pick(list);
      const name = t.name;
      if (name === undefined) continue;
      const path = relative(self.dir, t.dir);
      const forms: Array<() => [string, string]> = [
        () => [name, 'workspace:*'],
        () => [name, 'workspace:^'],
        () => [name, 'workspace:~'],
        () => [name, `workspace:${t.version}`],
        () => [`alias${j}`, `workspace:${name}@*`],
        () => [`f${j}`, `file:${path}`],
        () => [name, `file:${path}`],
        ...(linkWorkspacePackages ? [(): [string, string] => [name, `^${t.version}`], (): [string, string] => [name, t.version]] : []),
      ];
      const [key, spec] = pick(forms)();
      const field = pick(FIELDS);
      self.deps[field] = { ...self.deps[field], [key]: spec };
    }
  }
  // From a stream of their own, so that the shapes above stay those of each seed: a cycle (pnpm installs one with
  // a warning: a later package that depends on an earlier one by name becomes its devDependency), and a package
  // without a name that no other depends on (pnpm lists it).
  const extra = random(seed + 7919);
  if (extra() < 0.4) {
    const pairs = pkgs.flatMap((later, j) =>
      pkgs
        .slice(0, j)
        .filter((earlier) => earlier.name !== undefined && Object.values(later.deps).some((deps) => deps[earlier.name ?? ''] === 'workspace:*'))
        .map((earlier) => [earlier, later] as const),
    );
    const pair = pairs[Math.floor(extra() * pairs.length)];
    if (pair !== undefined && pair[1].name !== undefined) pair[0].deps['devDependencies'] = { ...pair[0].deps['devDependencies'], [pair[1].name]: 'workspace:*' };
  }
  if (extra() < 0.3) {
    const free = pkgs.filter(
      (p) => !pkgs.some((o) => o !== p && JSON.stringify(o.deps).includes(`"${p.name}"`)) && !pkgs.some((o) => JSON.stringify(o.deps).includes(p.dir.split('/').pop() ?? '')),
    );
    const p = free[Math.floor(extra() * free.length)];
    if (p !== undefined) p.name = undefined;
  }
  const files: Record<string, string> = { 'pnpm-workspace.yaml': `packages:\n${globs.map((g) => `  - '${g}'\n`).join('')}` };
  if (linkWorkspacePackages) files['.npmrc'] = 'link-workspace-packages=true\n';
  for (const p of pkgs) {
    files[`${p.dir}/${p.file}`] = manifestText(p);
    files[`${p.dir}/src/index.ts`] = `export const v = '${p.name}';\n`;
  }
  const change: Record<string, string | null> = {};
  for (let c = 1 + Math.floor(r() * 2); c > 0; c--) {
    const p = pick(pkgs);
    const i = pkgs.indexOf(p);
    const kind = pick(['edit', 'edit', 'add', 'delete', 'dep-add', 'dep-remove', 'remove-package']);
    if (kind === 'edit') change[`${p.dir}/src/index.ts`] = `export const v = 'changed ${c}';\n`;
    else if (kind === 'add') change[`${p.dir}/src/new${c}.ts`] = 'export {};\n';
    else if (kind === 'delete') change[`${p.dir}/src/index.ts`] = null;
    else if (kind === 'dep-add' || kind === 'dep-remove') {
      const deps: Record<string, Record<string, string>> = JSON.parse(JSON.stringify(p.deps));
      const list = targets(i);
      if (kind === 'dep-add' && list.length > 0) deps['dependencies'] = { ...deps['dependencies'], [pick(list).name ?? '']: 'workspace:*' };
      else {
        const field = Object.keys(deps).find((f) => Object.keys(deps[f] ?? {}).length > 0);
        const key = field === undefined ? undefined : Object.keys(deps[field] ?? {})[0];
        if (field !== undefined && key !== undefined) delete deps[field]?.[key];
      }
      change[`${p.dir}/${p.file}`] = manifestText({ ...p, deps });
    } else {
      // A package no other depends on (by name or path) and that holds none: removed whole.
      const used = pkgs.some((o) => JSON.stringify(o.deps).includes(`"${p.name}"`) || JSON.stringify(o.deps).includes(p.dir.split('/').pop() ?? ''));
      const holds = pkgs.some((o) => o !== p && o.dir.startsWith(`${p.dir}/`));
      if (used || holds) change[`${p.dir}/src/index.ts`] = 'export const y = 1;\n';
      else change[p.dir] = null;
    }
  }
  return { files, change };
}

/** The folders of what pnpm 10 lists for `...[base]` in the checked-out head, without the root. */
function pnpmAffected(root: string, base: string): string[] {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_manage_package_manager_versions: 'false' };
  for (const key of Object.keys(env)) if (key.startsWith('GITHUB_')) delete env[key];
  const r = spawnSync(process.execPath, [PNPM, '--filter', `...[${base}]`, 'ls', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`pnpm failed (${r.status}): ${r.stderr}${r.stdout}`);
  const listed: unknown = JSON.parse(r.stdout || '[]');
  if (!Array.isArray(listed)) throw new Error(`pnpm listed no array: ${r.stdout}`);
  const dirs: string[] = [];
  for (const p of listed) {
    if (typeof p !== 'object' || p === null || !('path' in p) || typeof p.path !== 'string') throw new Error(`pnpm listed ${JSON.stringify(p)}`);
    if (p.path !== root) dirs.push(relativePath(root, p.path));
  }
  return dirs.sort();
}

describe('pipeline affected lists what pnpm 10 lists, on seeded random workspaces', () => {
  test.each(Array.from({ length: 30 }, (_, i) => i + 1))('seed %i', async (seed) => {
    const { files, change } = generate(seed);
    const { root, first } = makeRepo({ 'package.json': `${JSON.stringify({ name: 'reference-root', private: true })}\n`, ...files });
    const head = commit(root, 'the change', change);
    // By folder: a package without a name is listed by pnpm with none, by `affected` by its folder.
    const ours = parseJson(await affected(root, ['--json', '--base', first, '--head', head]))
      .packages.map((p) => p.path)
      .sort();
    const theirs = pnpmAffected(root, first);
    expect({ seed, ours }).toEqual({ seed, ours: theirs });
    // A seed that changes nothing would test nothing: every change here touches a package.
    expect(theirs.length + Object.keys(change).filter((f) => !f.includes('/src/')).length).toBeGreaterThan(0);
  });
});

test('the reference is the pnpm the repository pins (packageManager)', () => {
  const manifest: unknown = JSON.parse(readFileSync('package.json', 'utf8'));
  const pinned = typeof manifest === 'object' && manifest !== null && 'packageManager' in manifest ? manifest.packageManager : undefined;
  const r = spawnSync(process.execPath, [PNPM, '--version'], { encoding: 'utf8' });
  expect(`pnpm@${r.stdout.trim()}`).toBe(pinned);
});
