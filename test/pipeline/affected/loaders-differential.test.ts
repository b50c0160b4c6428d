/**
 * The disk loader (io/workspace-fs.ts) and the git loader (io/workspace-git.ts) on workspaces committed to
 * real repositories with the working tree equal to the commit: the shapes where a differential hunt found
 * them disagreeing, or agreeing with each other but not with pnpm 10.34.9 (`pnpm ls -r --depth -1 --json`,
 * run by hand on each shape). Each test states the right answer (each failed before its fix).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openGit } from '../../../scripts/io/git.js';
import { loadWorkspace } from '../../../scripts/io/workspace-fs.js';
import { loadWorkspaceFromGit } from '../../../scripts/io/workspace-git.js';
import { cleanup, commit, makeRepo, git as runGit } from './fixture.js';

afterAll(cleanup);

type Answer = { packages: Array<[dir: string, name: string, isService: boolean, deps: string[], localInputs: string[], dependsOnRoot?: boolean]> } | { error: string };

interface Graph {
  readonly packages: ReadonlyMap<string, { dir: string; name: string; isService: boolean; workspaceDeps: readonly string[]; localInputs: readonly string[]; dependsOnRoot?: true }>;
}
/** Each package as a row; a sixth field only where a package depends on the root package (then every row has it). */
const answer = (ws: Graph): Answer => {
  const list = [...ws.packages.values()];
  const root = list.some((p) => p.dependsOnRoot === true);
  return {
    packages: list.map((p) => {
      const row: [string, string, boolean, string[], string[]] = [p.dir, p.name, p.isService, [...p.workspaceDeps], [...p.localInputs]];
      return root ? [...row, p.dependsOnRoot === true] : row;
    }),
  };
};
const failure = (err: unknown): Answer => ({ error: (err instanceof Error ? err.message : String(err)).replace(/ \(at [0-9a-f]{12}\)/g, '').replace(/ at [0-9a-f]{12}/g, '') });

/** Both loaders' answers on the committed working tree (files written before the commit: `extra`, e.g. symbolic links). */
async function bothLoaders(
  files: Record<string, string>,
  extra: (root: string) => void = () => {},
  cacheDir?: string,
): Promise<{ disk: Answer; git: Answer; root: string; head: string }> {
  const { root } = makeRepo({ 'README.md': 'x\n' });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  extra(root);
  const head = commit(root, 'the workspace');
  expect(runGit(root, 'status', '--porcelain', '--ignored')).toBe('');
  let disk: Answer;
  try {
    disk = answer(await loadWorkspace(root));
  } catch (err) {
    disk = failure(err);
  }
  const git = await openGit(root);
  let fromGit: Answer;
  try {
    const loaded = await loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile', ...(cacheDir === undefined ? {} : { cacheDir }) });
    await loaded.cached;
    fromGit = answer(loaded.workspace);
  } catch (err) {
    fromGit = failure(err);
  } finally {
    git.close();
  }
  return { disk, git: fromGit, root, head };
}

const pkg = (name: string, deps: Record<string, string> = {}): string => `${JSON.stringify({ name, version: '1.0.0', dependencies: deps })}\n`;
const two = { 'packages/a/package.json': pkg('a'), 'apps/b/package.json': pkg('b') };
const A: Answer = { packages: [['packages/a', 'a', false, [], []]] };
const AB: Answer = {
  packages: [
    ['apps/b', 'b', false, [], []],
    ['packages/a', 'a', false, [], []],
  ],
};
const NONE: Answer = { packages: [] };

describe('the git loader reads pnpm-workspace.yaml otherwise than the disk loader (and pnpm)', () => {
  test('pnpm-workspace.yaml that is a symbolic link: refused by both (a commit holds the link, not its target), as a linked manifest is', async () => {
    const r = await bothLoaders({ 'config/workspace.yaml': 'packages:\n  - packages/*\n', 'packages/a/package.json': pkg('a') }, (root) =>
      symlinkSync('config/workspace.yaml', join(root, 'pnpm-workspace.yaml')),
    );
    expect(r.disk).toEqual({
      error: "pnpm-workspace.yaml is a symbolic link; the pipeline reads manifests from git's objects, where a link is not followed: commit the file itself",
    });
    expect(r.git).toEqual(r.disk);
  });

  test('a more indented "- glob" line continues the glob above (YAML, pnpm: one glob "packages/* - apps/*", no package); the fast parser reads two', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n    - apps/*\n', ...two });
    expect(r.disk).toEqual(NONE);
    expect(r.git).toEqual(NONE); // today: packages/a and apps/b
  });

  test('a less indented "- glob" line is invalid YAML (the disk loader and pnpm refuse the file); the fast parser reads it', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': 'packages:\n    - packages/*\n  - apps/*\n', ...two });
    expect(r.disk).toMatchObject({ error: expect.stringContaining('not valid YAML') });
    expect(r.git).toEqual(r.disk); // today: packages/a and apps/b
  });

  test('invalid YAML before "packages:" (pnpm: "end of the stream or a document separator is expected"): the fast parser skips it', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': '  - j :\npackages:\n  - packages/*\n', ...two });
    expect(r.disk).toMatchObject({ error: expect.stringContaining('not valid YAML') });
    expect(r.git).toEqual(r.disk); // today: packages/a
  });

  test('a no-break space after a plain glob belongs to it (YAML, pnpm: no package matches); the fast parser trims it as \\s', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': 'packages:\n  - packages/*\u00a0\n', ...two });
    expect(r.disk).toEqual(NONE);
    expect(r.git).toEqual(NONE); // today: packages/a
  });
});

describe('the disk loader reads pnpm-workspace.yaml otherwise than pnpm', () => {
  test('a file ending in a lone CR (pnpm: packages/a): the disk loader keeps the CR in the glob and refuses it; the git loader reads packages/a', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': 'packages:\n  - packages/*\r', ...two });
    expect(r.git).toEqual(A);
    expect(r.disk).toEqual(A); // today: 'the package glob "packages/*\r" is not usable: it holds a backslash or a control character'
  });

  test("CR-only line ends (pnpm's YAML reader breaks lines at a CR: packages/a and apps/b): both loaders refuse the file", async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': 'packages:\r  - packages/*\r  - apps/*\r', ...two });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual(AB); // today both: 'expected "packages:" with a list of folder globs'
  });
});

describe('both loaders as pnpm 10', () => {
  // pnpm 10 (tinyglobby) reads `!(…)` as an extglob include and drops `!!x`: it lists a and x here. Both loaders
  // read every leading ! as an exclusion: `!(tools)` excluded all but tools (no package), `!!x` excluded `!x`.
  test('!(tools) is an extglob include, !!x a glob pnpm drops: a and x listed, tools not', async () => {
    const r = await bothLoaders({
      'pnpm-workspace.yaml': "packages:\n  - '!(tools)'\n  - '!!x'\n",
      'a/package.json': pkg('a'),
      'tools/package.json': pkg('tools'),
      'x/package.json': pkg('x'),
    });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual({
      packages: [
        ['a', 'a', false, [], []],
        ['x', 'x', false, [], []],
      ],
    });
  });

  test('a glob that names a dot-folder (.tools/*, packages/.x): pnpm lists them, and a wildcard enters none (packages/* skips packages/.y)', async () => {
    const r = await bothLoaders({
      'pnpm-workspace.yaml': "packages:\n  - '.tools/*'\n  - 'packages/*'\n  - 'packages/.x'\n",
      '.tools/t/package.json': pkg('t'),
      'packages/.x/package.json': pkg('x'),
      'packages/.y/package.json': pkg('y'),
      '.hidden/z/package.json': pkg('z'),
      'packages/a/package.json': pkg('a'),
    });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual({
      packages: [
        ['.tools/t', 't', false, [], []],
        ['packages/.x', 'x', false, [], []],
        ['packages/a', 'a', false, [], []],
      ],
    });
  });

  test('a workspace: dependency on the root package (pnpm links it): both loaders read it as on the root, no edge', async () => {
    const r = await bothLoaders({
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      'package.json': pkg('root'),
      'packages/a/package.json': pkg('a', { root: 'workspace:*' }),
      'packages/b/package.json': pkg('b', { top: 'file:../..' }),
      'packages/c/package.json': pkg('c'),
    });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual({
      packages: [
        ['packages/a', 'a', false, [], [], true],
        ['packages/b', 'b', false, [], [], true],
        ['packages/c', 'c', false, [], [], false],
      ],
    });
  });

  test('a package.json that is a folder, beside a package.yaml (pnpm: EISDIR): refused by both', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n', 'packages/a/package.json/x': 'x\n', 'packages/a/package.yaml': 'name: a\n' });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual({
      error: 'packages/a/package.json is a folder beside package.yaml: pnpm reads package.json first and fails (EISDIR); rename or remove the folder',
    });
    // The git loader names the commit once (it had named it after both files).
    const git = await openGit(r.root);
    try {
      await expect(loadWorkspaceFromGit(git, r.head, { dir: '', marker: 'Dockerfile' })).rejects.toThrow(
        new RegExp(`^packages/a/package\\.json \\(at ${r.head.slice(0, 12)}\\) is a folder beside package\\.yaml: pnpm reads`),
      );
    } finally {
      git.close();
    }
  });

  test('a package.json that is a folder, alone: no package, as pnpm lists none there', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n', 'packages/a/package.json/x': 'x\n', 'packages/b/package.json': pkg('b') });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual({ packages: [['packages/b', 'b', false, [], []]] });
  });
});

describe('a glob with a | outside a group', () => {
  // pnpm 10 reads `a/b|c` as picomatch's expression `a\/b|c`: alone it lists none of a/b, a/b|c and c; beside a
  // `**` glob it lists c (checked by hand). The cache key would start from `a` only: refused, by both loaders.
  test('a/b|c: refused by both, naming the glob and the way to write it', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': "packages:\n  - 'a/b|c'\n", 'a/b/package.json': pkg('ab'), 'c/package.json': pkg('c') });
    expect(r.disk).toEqual({
      error:
        'pnpm-workspace.yaml: the package glob "a/b|c" is not usable: it holds a | outside a group, which pnpm reads as an alternative of the whole glob, found only when it searches from the workspace root (write a/@(b|c), or two globs); expected a folder glob relative to the workspace root, e.g. services/*',
    });
    expect(r.git).toEqual(r.disk);
  });

  test("a/@(b|c) and a/[|]x: a | inside a group is the group's, as pnpm reads it", async () => {
    const r = await bothLoaders({
      'pnpm-workspace.yaml': "packages:\n  - 'a/@(b|c)'\n  - 'a/[|]x'\n",
      'a/b/package.json': pkg('ab'),
      'a/c/package.json': pkg('ac'),
      'a/|x/package.json': pkg('barx'),
      'c/package.json': pkg('c'),
    });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual({
      packages: [
        ['a/b', 'ab', false, [], []],
        ['a/c', 'ac', false, [], []],
        ['a/|x', 'barx', false, [], []],
      ],
    });
  });
});

// pnpm 10.34.9 links `x` of a to packages/b and installs a copy of vendor/x as d's `x` for these overrides (checked by
// hand: `pnpm install --offline`, the lockfile's importers and `node_modules/x`): both loaders see the edge and the
// local input, so the generators copy packages/b into a's image as `affected` reaches a from it.
describe("pnpm's overrides that point at a folder", () => {
  test("the root's pnpm.overrides and pnpm-workspace.yaml's a>x / d>x: the same edges and local inputs from both loaders, but for the assumed ones", async () => {
    const r = await bothLoaders({
      'package.json': `${JSON.stringify({ name: 'root', private: true, pnpm: { overrides: { y: 'link:./packages/b' } } })}\n`,
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\noverrides:\n  "a>x": link:./packages/b\n  "d>x": file:./vendor/x\n',
      'packages/a/package.json': pkg('a', { x: '^1.0.0' }),
      'packages/b/package.json': pkg('b'),
      'packages/c/package.json': pkg('c', { x: '^1.0.0', y: '^2.0.0' }),
      'packages/d/package.json': pkg('d', { x: '^1.0.0' }),
      'vendor/x/package.json': pkg('x'),
    });
    // No lockfile: the root's `y` may be overridden inside any installed package, so change detection takes every
    // package to reach packages/b (a safe over-approximation; the lockfile says which do: the next test); the
    // generators do not (an image's build installs from the lockfile, and such edges could close a cycle).
    expect(r.git).toEqual({
      packages: [
        ['packages/a', 'a', false, ['b'], []],
        ['packages/b', 'b', false, [], []],
        ['packages/c', 'c', false, ['b'], []],
        ['packages/d', 'd', false, ['b'], ['vendor/x']],
      ],
    });
    expect(r.disk).toEqual({
      packages: [
        ['packages/a', 'a', false, ['b'], []],
        ['packages/b', 'b', false, [], []],
        ['packages/c', 'c', false, ['b'], []],
        ['packages/d', 'd', false, [], ['vendor/x']],
      ],
    });
  });

  // a installs z from the registry, whose own `x` the override links (the lockfile's snapshot, in pnpm's layout): both
  // loaders read the lockfile, so the generators copy packages/b into a's image too.
  test('through a registry package: the lockfile read by both', async () => {
    const lock = [
      "lockfileVersion: '9.0'",
      '',
      'importers:',
      '',
      '  .: {}',
      '',
      '  packages/a:',
      '    dependencies:',
      '      z:',
      '        specifier: ^2.0.0',
      '        version: 2.0.0',
      '',
      '  packages/b: {}',
      '',
      'packages:',
      '',
      '  z@2.0.0:',
      '    resolution: {integrity: sha512-z}',
      '',
      'snapshots:',
      '',
      '  z@2.0.0:',
      '    dependencies:',
      '      x: link:packages/b',
      '',
    ].join('\n');
    const r = await bothLoaders({
      'package.json': `${JSON.stringify({ name: 'root', private: true, pnpm: { overrides: { x: 'link:./packages/b' } } })}\n`,
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      'pnpm-lock.yaml': lock,
      'packages/a/package.json': pkg('a', { z: '^2.0.0' }),
      'packages/b/package.json': pkg('b'),
    });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual({
      packages: [
        ['packages/a', 'a', false, ['b'], []],
        ['packages/b', 'b', false, [], []],
      ],
    });
  });
});

// pnpm 10.34.9 lists root and a for `packages/*` with a `!` alone (by hand): the `!` excludes nothing. Both loaders
// refused it as an empty glob (exit 2 for a workspace pnpm reads).
describe('a glob that is a ! alone', () => {
  test('excludes nothing, in both loaders', async () => {
    const r = await bothLoaders({ 'pnpm-workspace.yaml': "packages:\n  - packages/*\n  - '!'\n", 'packages/a/package.json': pkg('a') });
    expect(r.git).toEqual(r.disk);
    expect(r.disk).toEqual(A);
  });
});
