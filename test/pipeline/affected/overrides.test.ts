/**
 * pnpm's `overrides` that point a dependency at a folder (`"x": "link:./packages/b"`): pnpm replaces the
 * specifier of every dependency they select with that folder, so a change to `packages/b` reaches each
 * package depending on `x`. `affected` missed them (a leftover of the differential hunt of 2026-12-07, night).
 * Each end-to-end expectation is what pnpm 10.34.9 installs for the same shape (checked by hand on a scratch
 * workspace: `pnpm install --offline`, then the lockfile's importers and each package's `node_modules/x`
 * link): the root's `pnpm.overrides` links `x` for a dependency, a devDependency and a peer (which pnpm
 * turns into a dependency); the root's `resolutions` (Yarn's field, which pnpm reads as overrides) does
 * too with `file:`; pnpm-workspace.yaml's `a>x` replaces a's `x` and not c's, and its `d>x` to a folder that
 * is no package installs a copy. The pure functions' rows follow pnpm's own code (its `parseOverrides`,
 * `parsePkgAndParentSelector`, `createVersionsOverrider` and `createVersionReferencesReplacer`).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { readWorkspaceOverrides } from '../../../scripts/core/workspace/workspace-globs.js';
import { overrideReach, reachedRefs } from '../../../scripts/core/workspace/override-reach.js';
import { type LocalOverride, localOverrides, overriddenRefs, overrideFolder, parseSelector, workspaceOverrides } from '../../../scripts/core/workspace/overrides.js';
import { affected, affectedNames as names, bundled, cleanup, commit, makeRepo, parseJson } from './fixture.js';

afterAll(cleanup);

describe('parseSelector: a selector as pnpm splits it', () => {
  test.each<[string, ReturnType<typeof parseSelector>]>([
    ['x', { name: 'x', parent: undefined }],
    ['x@^1.0.0', { name: 'x', parent: undefined }],
    ['@s/x', { name: '@s/x', parent: undefined }],
    ['@s/x@2', { name: '@s/x', parent: undefined }],
    ['a>x', { name: 'x', parent: 'a' }],
    ['a@1>x@2', { name: 'x', parent: 'a' }],
    ['@s/a@1>@s/x', { name: '@s/x', parent: '@s/a' }],
    // pnpm's delimiter is a `>` after a character that is no space, `|` or `@`: `x@>1` is a range, not a parent.
    ['x@>1', { name: 'x', parent: undefined }],
    ['x@1 >2', { name: 'x', parent: undefined }],
    ['', undefined],
    ['a>', undefined],
  ])('%j', (selector, expected) => {
    expect(parseSelector(selector)).toEqual(expected);
  });
});

describe('overrideFolder: the folder a new specifier names, from the workspace root', () => {
  test.each<[string, ReturnType<typeof overrideFolder>]>([
    ['link:./packages/b', { folder: 'packages/b', copy: false }],
    ['link:packages/b', { folder: 'packages/b', copy: false }],
    ['file:./vendor/x', { folder: 'vendor/x', copy: true }],
    ['file:vendor/x.tgz', { folder: 'vendor/x.tgz', copy: true }],
    ['link:packages/a/../b/', { folder: 'packages/b', copy: false }],
    // The root itself: pnpm links it.
    ['link:.', { folder: '', copy: false }],
    ['link:', { folder: '', copy: false }],
    ['link:a/..', { folder: '', copy: false }],
    // Outside the repository: not followed.
    ['link:../elsewhere', undefined],
    ['link:a/../../b', undefined],
    ['link:./..', undefined],
    ['link:a//../..', undefined],
    ['link:a/./../..', undefined],
    ['link:/opt/x', undefined],
    ['file:/opt/x', undefined],
    // Not a folder.
    ['^1.0.0', undefined],
    ['npm:y@1', undefined],
    ['workspace:*', undefined],
    ['-', undefined],
  ])('%j', (spec, expected) => {
    expect(overrideFolder(spec)).toEqual(expected);
  });
});

describe('localOverrides: the overrides that point at a folder', () => {
  const specs = new Map([
    ['x', 'link:./packages/b'],
    ['y', '^1.0.0'],
  ]);
  test('each table in order; `$name` is the root manifest own specifier; anything else skipped', () => {
    const tables = [
      { x: 'link:./packages/b', 'a>y': 'file:vendor/y', z: '^2.0.0', w: 5, v: null },
      'not a table',
      ['link:./packages/b'],
      null,
      { q: '$x', r: '$y', s: '$missing', 'bad>': 'link:packages/c' },
      { w: 'workspace:*', 'a>v': 'workspace:^1.0.0', u: 'workspace:other@*', t: 'workspace:../b' },
    ];
    expect(localOverrides(tables, specs)).toEqual<LocalOverride[]>([
      { name: 'x', parent: undefined, folder: 'packages/b', copy: false },
      { name: 'y', parent: 'a', folder: 'vendor/y', copy: true },
      { name: 'q', parent: undefined, folder: 'packages/b', copy: false },
      { name: 'w', parent: undefined, workspacePackage: 'w' },
      { name: 'v', parent: 'a', workspacePackage: 'v' },
      { name: 'u', parent: undefined, workspacePackage: 'other' },
    ]);
  });

  test('workspaceOverrides: the root manifest resolutions, its pnpm.overrides, then pnpm-workspace.yaml overrides', () => {
    const root = {
      name: 'root',
      devDependencies: { d: 'link:./dev', e: 'link:./dev-e', f: 'link:./dev-f', g: 5 },
      dependencies: { d: 'link:./prod' },
      optionalDependencies: { e: 'link:./opt' },
      resolutions: { r: 'file:./packages/r' },
      pnpm: { overrides: { p: 'link:packages/p', d: '$d', e: '$e', f: '$f', g: '$g' } },
    };
    expect(workspaceOverrides(root, { y: 'link:./packages/y' })).toEqual<LocalOverride[]>([
      { name: 'r', parent: undefined, folder: 'packages/r', copy: true },
      { name: 'p', parent: undefined, folder: 'packages/p', copy: false },
      // pnpm gathers devDependencies, then dependencies, then optionalDependencies: a later field wins.
      { name: 'd', parent: undefined, folder: 'prod', copy: false },
      { name: 'e', parent: undefined, folder: 'opt', copy: false },
      { name: 'f', parent: undefined, folder: 'dev-f', copy: false },
      { name: 'y', parent: undefined, folder: 'packages/y', copy: false },
    ]);
    expect(workspaceOverrides(undefined, { y: 'link:./packages/y' })).toEqual([{ name: 'y', parent: undefined, folder: 'packages/y', copy: false }]);
    expect(workspaceOverrides({ pnpm: 'no table', resolutions: ['x'] }, undefined)).toEqual([]);
    expect(workspaceOverrides({ pnpm: { overrides: { x: '^1' } } }, 'no table')).toEqual([]);
  });
});

describe("readWorkspaceOverrides: pnpm-workspace.yaml's overrides, parsed only when one may point in the workspace", () => {
  test.each<[string, string, unknown]>([
    ['a link', 'packages:\n  - a/*\noverrides:\n  x: link:./b\n', { x: 'link:./b' }],
    ['a workspace package', 'packages:\n  - a/*\noverrides:\n  x: workspace:*\n', { x: 'workspace:*' }],
    ['a $ reference', "packages:\n  - a/*\noverrides:\n  x: '$x'\n", { x: '$x' }],
    ['a file: copy, through a merge key', 'packages:\n  - a/*\nbase: &b\n  x: file:./b\noverrides:\n  <<: *b\n', { x: 'file:./b' }],
    ['registry versions only (not parsed)', 'packages:\n  - a/*\noverrides:\n  x: ^1.0.0\n', undefined],
    ['a link without overrides (not parsed)', 'packages:\n  - a/*\ncatalog:\n  x: link:./b\n', undefined],
    ['no overrides, with an escape (parsed)', 'packages:\n  - "a\\x2F*"\n', undefined],
    ['an escaped key', 'packages:\n  - a/*\n"\\x6Fverrides":\n  x: ^1.0.0\n', { x: '^1.0.0' }],
  ])('%s', async (_, text, expected) => {
    expect(await readWorkspaceOverrides('pnpm-workspace.yaml', text)).toEqual(expected);
  });
});

describe('overriddenRefs: the edges an override adds to a package', () => {
  const x: LocalOverride = { name: 'x', parent: undefined, folder: 'packages/b', copy: false };
  test.each<[string, Record<string, unknown>, string, string | undefined, LocalOverride[], unknown[]]>([
    ['a dependency, from two folders down', { dependencies: { x: '^1.0.0' } }, 'packages/a', 'a', [x], [{ name: 'x', path: '../../packages/b' }]],
    ['from a top-level folder', { dependencies: { x: '^1.0.0' } }, 'tool', 'a', [x], [{ name: 'x', path: '../packages/b' }]],
    ['from the root folder', { dependencies: { x: '^1.0.0' } }, '', 'a', [x], [{ name: 'x', path: 'packages/b' }]],
    ['a devDependency', { devDependencies: { x: '^2' } }, 'packages/c', 'c', [x], [{ name: 'x', path: '../../packages/b' }]],
    ['an optional dependency', { optionalDependencies: { x: '^2' } }, 'packages/c', 'c', [x], [{ name: 'x', path: '../../packages/b' }]],
    ['a peer (pnpm makes it a dependency)', { peerDependencies: { x: '^2' } }, 'packages/d', 'd', [x], [{ name: 'x', path: '../../packages/b' }]],
    ['file: is a copy', { dependencies: { x: '1' } }, 'packages/a', 'a', [{ ...x, copy: true }], [{ name: 'x', path: '../../packages/b', copy: true }]],
    ['the root as the target', { dependencies: { x: '1' } }, 'packages/a', 'a', [{ ...x, folder: '' }], [{ name: 'x', path: '../..' }]],
    ['the root as the target, from the root', { dependencies: { x: '1' } }, '', 'a', [{ ...x, folder: '' }], [{ name: 'x', path: '.' }]],
    ['another name', { dependencies: { y: '1' } }, 'packages/a', 'a', [x], []],
    ['its parent', { dependencies: { x: '1' } }, 'packages/a', 'a', [{ ...x, parent: 'a' }], [{ name: 'x', path: '../../packages/b' }]],
    ['another parent', { dependencies: { x: '1' } }, 'packages/c', 'c', [{ ...x, parent: 'a' }], []],
    ['a parent, for a package without a name', { dependencies: { x: '1' } }, 'packages/u', undefined, [{ ...x, parent: 'a' }], []],
    ['no parent, for a package without a name', { dependencies: { x: '1' } }, 'packages/u', undefined, [x], [{ name: 'x', path: '../../packages/b' }]],
    [
      'two that may apply: both (which one pnpm picks depends on versions)',
      { dependencies: { x: '1' } },
      'packages/a',
      'a',
      [x, { ...x, parent: 'a', folder: 'packages/c' }],
      [
        { name: 'x', path: '../../packages/b' },
        { name: 'x', path: '../../packages/c' },
      ],
    ],
    [
      'in two fields: one edge each',
      { dependencies: { x: '1' }, devDependencies: { x: '1' } },
      'p',
      'p',
      [x],
      [
        { name: 'x', path: '../packages/b' },
        { name: 'x', path: '../packages/b' },
      ],
    ],
    ['no override', { dependencies: { x: '1' } }, 'packages/a', 'a', [], []],
    ['a workspace package by name', { dependencies: { x: 'file:../../vendor/x' } }, 'packages/a', 'a', [{ name: 'x', parent: undefined, workspacePackage: 'y' }], ['y']],
    ['a field that is no mapping', { dependencies: 'x' }, 'packages/a', 'a', [x], []],
  ])('%s', (_, manifest, dir, name, overrides, expected) => {
    expect(overriddenRefs(manifest, dir, name, overrides)).toEqual(expected);
  });
});

const json = (value: object) => `${JSON.stringify(value)}\n`;
const PACKAGES: Record<string, string> = {
  'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { x: '^1.0.0' } }),
  'packages/b/package.json': json({ name: 'b', version: '1.0.0' }),
  'packages/c/package.json': json({ name: 'c', version: '1.0.0', devDependencies: { x: '^2' } }),
  'packages/d/package.json': json({ name: 'd', version: '1.0.0', peerDependencies: { x: '^2' } }),
  'packages/e/package.json': json({ name: 'e', version: '1.0.0', dependencies: { y: '^1.0.0' } }),
  'vendor/x/package.json': json({ name: 'x', version: '1.0.0' }),
};
const YAML = 'packages:\n  - "packages/*"\n';
/**
 * The lockfile pnpm 10.34.9 writes for PACKAGES with the override of `x` (its importers as `pnpm install --offline`
 * wrote them for a, c and d; e's `y` from the registry added by hand in pnpm's layout, as the registry cannot be
 * reached here): nothing installed reaches packages/b, so only the packages naming `x` do.
 */
const lockOf = (spec: string) => `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

overrides:
  x: ${spec}

importers:

  .: {}

  packages/a:
    dependencies:
      x:
        specifier: ${spec.replace('./packages/', '../')}
        version: link:../b

  packages/b: {}

  packages/c:
    devDependencies:
      x:
        specifier: ${spec.replace('./packages/', '../')}
        version: link:../b

  packages/d:
    dependencies:
      x:
        specifier: ${spec.replace('./packages/', '../')}
        version: link:../b

  packages/e:
    dependencies:
      y:
        specifier: ^1.0.0
        version: 1.0.0

packages:

  y@1.0.0:
    resolution: {integrity: sha512-y}

snapshots:

  y@1.0.0: {}
`;

describe('affected with overrides that point at a folder', () => {
  test("the root's pnpm.overrides: a change to the folder reaches the dependency, the devDependency and the peer", async () => {
    const { root, first } = makeRepo({
      ...PACKAGES,
      'package.json': json({ name: 'root', private: true, pnpm: { overrides: { x: 'link:./packages/b' } } }),
      'pnpm-workspace.yaml': YAML,
      'pnpm-lock.yaml': lockOf('link:./packages/b'),
    });
    const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, head)).toEqual(['a', 'b', 'c', 'd']);
    const r = await affected(root, ['--json', '--base', first, '--head', head]);
    expect(parseJson(r).packages.find((p) => p.name === 'a')?.reasons).toEqual(['depends on b, which changed']);
  });

  test("the root's resolutions, with file:", async () => {
    const { root, first } = makeRepo({
      ...PACKAGES,
      'package.json': json({ name: 'root', private: true, resolutions: { x: 'file:./packages/b' } }),
      'pnpm-workspace.yaml': YAML,
      'pnpm-lock.yaml': lockOf('file:./packages/b'),
    });
    const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, head)).toEqual(['a', 'b', 'c', 'd']);
  });

  test("pnpm-workspace.yaml's overrides, with parents: a>x reaches a only; d>x to a folder that is no package makes it d's local input", async () => {
    const { root, first } = makeRepo({
      ...PACKAGES,
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': `${YAML}overrides:\n  "a>x": link:./packages/b\n  "d>x": file:./vendor/x\n`,
    });
    const b = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, b)).toEqual(['a', 'b']);
    const vendor = commit(root, 'vendor', { 'vendor/x/index.js': 'x\n' });
    expect(await names(root, b, vendor)).toEqual(['d']);
  });

  test('no override: the folder alone', async () => {
    const { root, first } = makeRepo({ ...PACKAGES, 'package.json': json({ name: 'root', private: true, pnpm: { overrides: { x: '^1.0.0' } } }), 'pnpm-workspace.yaml': YAML });
    const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, head)).toEqual(['b']);
  });

  // The graph is cached by a key of the workspace's trees, pnpm-workspace.yaml and the root's name: a graph cached
  // for the same packages without the root's override must not answer for a commit that has it (the bundle, whose
  // cache the in-process runs may not share).
  test("a cached graph of the same packages without the override is not used (the root's overrides are in the key)", () => {
    const files = { ...PACKAGES, 'package.json': json({ name: 'root', private: true }), 'pnpm-workspace.yaml': YAML, 'pnpm-lock.yaml': lockOf('link:./packages/b') };
    const { root, first } = makeRepo(files);
    const change = { 'packages/b/index.js': 'b\n' };
    const plain = commit(root, 'b', change);
    const primed = bundled(root, ['--json', '--base', first, '--head', plain]);
    expect(parseJson(primed).packages.map((p) => p.name)).toEqual(['b']);
    const overridden = json({ name: 'root', private: true, pnpm: { overrides: { x: 'link:./packages/b' } } });
    const withOverride = commit(root, 'the override', { 'packages/b/index.js': null, 'package.json': overridden });
    const again = commit(root, 'b again', change);
    const r = bundled(root, ['--json', '--base', withOverride, '--head', again]);
    expect(parseJson(r).packages.map((p) => p.name)).toEqual(['a', 'b', 'c', 'd']);
  });
});

// pnpm 10.34.9's lockfiles for a workspace whose a installs vendor/y (`file:`), whose own manifest depends on `x`
// (`^1.0.0`), with the root's override of `x` to `link:./packages/b` and to `file:./packages/b` (written by
// `pnpm install --offline`, as they are): the lockfile alone says a reaches packages/b through y.
const LINKED_LOCK = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

overrides:
  x: link:./packages/b

importers:

  .: {}

  packages/a:
    dependencies:
      y:
        specifier: file:../../vendor/y
        version: file:vendor/y

  packages/b: {}

  packages/c:
    devDependencies:
      x:
        specifier: link:../b
        version: link:../b

packages:

  y@file:vendor/y:
    resolution: {directory: vendor/y, type: directory}

snapshots:

  y@file:vendor/y:
    dependencies:
      x: link:packages/b
`;
const COPIED_LOCK = LINKED_LOCK.replace('x: link:./packages/b', 'x: file:./packages/b')
  .replace('specifier: link:../b', 'specifier: file:../b')
  .replace('packages:\n\n  y@', 'packages:\n\n  b@file:packages/b:\n    resolution: {directory: packages/b, type: directory}\n\n  y@')
  .replace('snapshots:\n\n', 'snapshots:\n\n  b@file:packages/b: {}\n\n')
  .replace('x: link:packages/b', 'x: b@file:packages/b');
// A registry chain in pnpm's layout (written by hand: the registry cannot be reached here): a installs z, z installs
// y, whose `x` the override links; e installs w, which installs nothing linked; a peer suffix on the way.
const REGISTRY_LOCK = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

overrides:
  x: link:./packages/b

importers:

  .: {}

  packages/a:
    dependencies:
      z:
        specifier: ^2.0.0
        version: 2.0.0(react@18.0.0)

  packages/b: {}

  packages/e:
    dependencies:
      w:
        specifier: ^1.0.0
        version: 1.0.0

packages:

  react@18.0.0:
    resolution: {integrity: sha512-r}

  w@1.0.0:
    resolution: {integrity: sha512-w}

  y@1.0.0:
    resolution: {integrity: sha512-y}

  z@2.0.0:
    resolution: {integrity: sha512-z}

snapshots:

  react@18.0.0: {}

  w@1.0.0:
    dependencies:
      react: 18.0.0

  y@1.0.0:
    dependencies:
      x: link:packages/b

  z@2.0.0(react@18.0.0):
    dependencies:
      react: 18.0.0
      y: 1.0.0
`;

// In pnpm's layout, by hand: the root installs p, which installs c1; c1 and c2 install each other, c2 links the folder;
// a installs q, which installs c2 (so c2 has two dependents); c copies the scoped @s/bee from the folder.
const CHAIN_LOCK = `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      p:
        specifier: ^1.0.0
        version: 1.0.0

  packages/a:
    dependencies:
      q:
        specifier: ^1.0.0
        version: 1.0.0

  packages/c:
    dependencies:
      '@s/bee':
        specifier: file:../bee
        version: file:packages/bee

  packages/e:
    dependencies:
      w:
        specifier: ^1.0.0
        version: 1.0.0

snapshots:

  '@s/bee@file:packages/bee': {}

  c1@1.0.0:
    dependencies:
      c2: 1.0.0

  c2@1.0.0:
    dependencies:
      c1: 1.0.0
      x: link:packages/bee

  p@1.0.0:
    dependencies:
      c1: 1.0.0

  q@1.0.0:
    dependencies:
      c2: 1.0.0

  w@1.0.0: {}
`;

describe('overrideReach: which importers reach an override folder through the packages they install', () => {
  const b = new Set(['packages/b']);
  const asRows = (reach: ReturnType<typeof overrideReach>) => (reach === undefined ? undefined : [...reach].map(([dir, folders]) => [dir, [...folders]]));
  test.each<[string, string | undefined, Set<string>, unknown]>([
    // c's own `x` (a link relative to its folder) and a's through y.
    [
      "pnpm's lockfile, link:",
      LINKED_LOCK,
      b,
      [
        ['packages/a', ['packages/b']],
        ['packages/c', ['packages/b']],
      ],
    ],
    [
      "pnpm's lockfile, file: (a copy: the snapshot b@file:packages/b)",
      COPIED_LOCK,
      b,
      [
        ['packages/a', ['packages/b']],
        ['packages/c', ['packages/b']],
      ],
    ],
    ['a registry chain with peers: a through z and y; e not', REGISTRY_LOCK, b, [['packages/a', ['packages/b']]]],
    ['another folder: none', LINKED_LOCK, new Set(['packages/q']), []],
    [
      're-indented by another tool (read as YAML)',
      LINKED_LOCK.replaceAll('\n  ', '\n    ').replaceAll('\n    \n', '\n\n'),
      b,
      [
        ['packages/a', ['packages/b']],
        ['packages/c', ['packages/b']],
      ],
    ],
    [
      'the root importer, a cycle of snapshots, a snapshot two depend on, a scoped copy',
      CHAIN_LOCK,
      new Set(['packages/bee']),
      [
        ['', ['packages/bee']],
        ['packages/a', ['packages/bee']],
        ['packages/c', ['packages/bee']],
      ],
    ],
    ['the root folder: no registry snapshot is its copy', REGISTRY_LOCK, new Set(['']), []],
    ['no lockfile: cannot say', undefined, b, undefined],
    ['not YAML: cannot say', 'importers: [', b, undefined],
    ['no lockfile version: cannot say', 'importers: {}\n', b, undefined],
    ['another version (6.0: no snapshots): cannot say', LINKED_LOCK.replace("'9.0'", "'6.0'"), b, undefined],
  ])('%s', (_, text, folders, expected) => {
    expect(asRows(overrideReach(text, folders))).toEqual(expected);
  });

  test('reachedRefs: the folder from each package, as a link or (file:) a copy; without a lockfile, every package for an override that may act in a registry package', () => {
    const packages = [
      { dir: 'packages/a', name: 'a' },
      { dir: 'packages/b', name: 'b' },
      { dir: 'packages/c', name: 'c' },
      { dir: 'tools', name: 't' },
    ];
    const x: LocalOverride = { name: 'x', parent: undefined, folder: 'packages/b', copy: false };
    const rows = (m: Map<string, unknown[]>) => [...m];
    expect(rows(reachedRefs(packages, [x], LINKED_LOCK, true))).toEqual([
      ['packages/a', [{ name: 'packages/b', path: '../../packages/b' }]],
      ['packages/c', [{ name: 'packages/b', path: '../../packages/b' }]],
    ]);
    expect(rows(reachedRefs(packages, [{ ...x, copy: true }], COPIED_LOCK, true))).toEqual([
      ['packages/a', [{ name: 'packages/b', path: '../../packages/b', copy: true }]],
      ['packages/c', [{ name: 'packages/b', path: '../../packages/b', copy: true }]],
    ]);
    expect(rows(reachedRefs(packages, [x], undefined, true))).toEqual([
      ['packages/a', [{ name: 'packages/b', path: '../../packages/b' }]],
      ['packages/b', [{ name: 'packages/b', path: '../../packages/b' }]],
      ['packages/c', [{ name: 'packages/b', path: '../../packages/b' }]],
      ['tools', [{ name: 'packages/b', path: '../packages/b' }]],
    ]);
    // A parent that is a workspace package: its own manifest says it all (overriddenRefs). One that is not: assumed.
    expect(rows(reachedRefs(packages, [{ ...x, parent: 'a' }], undefined, true))).toEqual([]);
    expect(rows(reachedRefs(packages, [{ ...x, parent: 'y' }], undefined, true)).map(([dir]) => dir)).toEqual(['packages/a', 'packages/b', 'packages/c', 'tools']);
    // The root as the folder.
    expect(
      rows(
        reachedRefs(
          [
            { dir: 'tools', name: 't' },
            { dir: '', name: undefined },
          ],
          [{ ...x, folder: '' }],
          undefined,
          true,
        ),
      ),
    ).toEqual([
      ['tools', [{ name: '', path: '..' }]],
      ['', [{ name: '', path: '.' }]],
    ]);
    // A workspace: override: the folder of each package of that name (two share it here), by the lockfile or assumed.
    const shared = [...packages, { dir: 'libs/b', name: 'b' }];
    const byName: LocalOverride = { name: 'x', parent: undefined, workspacePackage: 'b' };
    expect(rows(reachedRefs(shared, [byName], LINKED_LOCK, true))).toEqual([
      ['packages/a', [{ name: 'packages/b', path: '../../packages/b' }]],
      ['packages/c', [{ name: 'packages/b', path: '../../packages/b' }]],
    ]);
    expect(rows(reachedRefs(shared, [byName], undefined, true)).find(([dir]) => dir === 'tools')).toEqual([
      'tools',
      [
        { name: 'packages/b', path: '../packages/b' },
        { name: 'libs/b', path: '../libs/b' },
      ],
    ]);
    expect(rows(reachedRefs(shared, [{ ...byName, workspacePackage: 'none' }], undefined, true))).toEqual([]);
    // Not assumed (the generators): without a lockfile, none; with one, what it says.
    expect(rows(reachedRefs(packages, [x], undefined, false))).toEqual([]);
    expect(rows(reachedRefs(packages, [x], LINKED_LOCK, false)).map(([dir]) => dir)).toEqual(['packages/a', 'packages/c']);
  });
});

describe('affected with an override of a dependency of an installed package', () => {
  const files = (lock: string | undefined, manifests: Record<string, string>) => ({
    'package.json': json({ name: 'root', private: true, pnpm: { overrides: { x: 'link:./packages/b' } } }),
    'pnpm-workspace.yaml': YAML,
    ...manifests,
    ...(lock === undefined ? {} : { 'pnpm-lock.yaml': lock }),
  });
  const VENDORED = {
    'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { y: 'file:../../vendor/y' } }),
    'packages/b/package.json': json({ name: 'b', version: '1.0.0' }),
    'packages/c/package.json': json({ name: 'c', version: '1.0.0', devDependencies: { x: '^2' } }),
    'vendor/y/package.json': json({ name: 'y', version: '1.0.0', dependencies: { x: '^1.0.0' } }),
  };
  const REGISTRY = {
    'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { z: '^2.0.0' } }),
    'packages/b/package.json': json({ name: 'b', version: '1.0.0' }),
    'packages/e/package.json': json({ name: 'e', version: '1.0.0', dependencies: { w: '^1.0.0' } }),
  };

  test("a vendored package's x (pnpm's own lockfile): a change to packages/b reaches a through vendor/y", async () => {
    const { root, first } = makeRepo(files(LINKED_LOCK, VENDORED));
    const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, head)).toEqual(['a', 'b', 'c']);
  });

  test("a registry package's x: a, which installs z, which installs y; not e", async () => {
    const { root, first } = makeRepo(files(REGISTRY_LOCK, REGISTRY));
    const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, head)).toEqual(['a', 'b']);
  });

  test('no lockfile, or one pnpm cannot read: every package may reach it (a safe over-approximation)', async () => {
    for (const lock of [undefined, 'importers: [\n']) {
      const { root, first } = makeRepo(files(lock, REGISTRY));
      const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
      expect(await names(root, first, head)).toEqual(['a', 'b', 'e']);
    }
  });

  // The graph cache's key holds the lockfile's hash when there are such overrides: a graph cached with a lockfile in
  // which nothing reaches the folder must not answer for one in which a does (the bundle, whose cache the runs share).
  test('a cached graph of the same packages and overrides with another lockfile is not used', () => {
    const unlinked = REGISTRY_LOCK.replace('    dependencies:\n      x: link:packages/b\n', '');
    const { root, first } = makeRepo(files(unlinked, REGISTRY));
    const change = { 'packages/b/index.js': 'b\n' };
    const primed = bundled(root, ['--json', '--base', first, '--head', commit(root, 'b', change)]);
    expect(parseJson(primed).packages.map((p) => p.name)).toEqual(['b']);
    const relocked = commit(root, 'the lockfile', { 'packages/b/index.js': null, 'pnpm-lock.yaml': REGISTRY_LOCK });
    const r = bundled(root, ['--json', '--base', relocked, '--head', commit(root, 'b again', change)]);
    expect(parseJson(r).packages.map((p) => p.name)).toEqual(['a', 'b']);
  });
});
