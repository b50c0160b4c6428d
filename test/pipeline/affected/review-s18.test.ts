/**
 * Review s18 of the overrides change (and the `!` glob): defects found against pnpm 10.34.9. Each expectation is
 * what pnpm 10.34.9 does for the same workspace (checked by hand in /tmp scratch workspaces: `pnpm install
 * --offline`, then the lockfile and each package's node_modules links; `pnpm ls -r --depth -1 --json` for globs).
 * Every test here failed on the reviewed commit (044c902).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { readWorkspaceOverrides } from '../../../scripts/core/workspace/workspace-globs.js';
import { loadWorkspace } from '../../../scripts/io/workspace-fs.js';
import { affectedNames as names, cleanup, commit, makeRepo, tempDir, write } from './fixture.js';

afterAll(cleanup);

const json = (value: object) => `${JSON.stringify(value)}\n`;

// pnpm 10.34.9 reads an override to `workspace:` like any other: it links the workspace package into whoever
// installs the overridden dependency. At 044c902, overrides.ts kept `link:`/`file:` values only (overrideFolder), so a
// workspace whose only local override was `workspace:` had none: no edge, and the lockfile was not even read.
describe('an override whose value is workspace: (pnpm links the workspace package)', () => {
  // The lockfile pnpm 10.34.9 wrote for this workspace (as written): vendor/y's `x` is `link:packages/x`.
  const LOCK = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

overrides:
  x: workspace:*

importers:

  .: {}

  packages/a:
    dependencies:
      y:
        specifier: file:../../vendor/y
        version: file:vendor/y

  packages/x: {}

packages:

  y@file:vendor/y:
    resolution: {directory: vendor/y, type: directory}

snapshots:

  y@file:vendor/y:
    dependencies:
      x: link:packages/x
`;

  test('x: workspace:* replaces the x of vendor/y, which a installs: a change to packages/x reaches a', async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\noverrides:\n  x: workspace:*\n',
      'pnpm-lock.yaml': LOCK,
      'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { y: 'file:../../vendor/y' } }),
      'packages/x/package.json': json({ name: 'x', version: '1.0.0' }),
      'vendor/y/package.json': json({ name: 'y', version: '1.0.0', dependencies: { x: '^1.0.0' } }),
    });
    const head = commit(root, 'x', { 'packages/x/index.js': 'x\n' });
    // pnpm: node_modules/.pnpm/y@file+vendor+y/node_modules/x -> packages/x.
    expect(await names(root, first, head)).toEqual(['a', 'x']);
  });

  test("z: workspace:x@* (an alias) links packages/x as c's own z: a change to packages/x reaches c", async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\noverrides:\n  z: workspace:x@*\n',
      // As pnpm 10.34.9 wrote it: c's z is `link:../x` (packages/c/node_modules/z -> ../../x).
      'pnpm-lock.yaml':
        "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\noverrides:\n  z: workspace:x@*\n\nimporters:\n\n  .: {}\n\n  packages/c:\n    dependencies:\n      z:\n        specifier: workspace:x@*\n        version: link:../x\n\n  packages/x: {}\n",
      'packages/c/package.json': json({ name: 'c', version: '1.0.0', dependencies: { z: '^1.0.0' } }),
      'packages/x/package.json': json({ name: 'x', version: '1.0.0' }),
    });
    const head = commit(root, 'x', { 'packages/x/index.js': 'x\n' });
    expect(await names(root, first, head)).toEqual(['c', 'x']);
  });
});

// At 044c902, overrideReach read a lockfile of any version as pnpm 9's layout: a lockfile 6.0 has no `snapshots:` (its
// `packages:` entries hold the dependencies), so it was read as one in which nothing reaches the folder. pnpm 10.34.9
// installs from it (vendor/y's x -> packages/b, and it rewrites the lockfile as 9.0); the lockfile's own diff reader
// (compareLockfiles) treats a version other than 9.x as unknown, and without a lockfile a is listed.
describe('a lockfile of another version', () => {
  const V6 = `lockfileVersion: '6.0'

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

packages:

  file:vendor/y:
    resolution: {directory: vendor/y, type: directory}
    name: y
    version: 1.0.0
    dependencies:
      x: link:packages/b
    dev: false
`;

  test('lockfile 6.0: a installs vendor/y, whose x the override links to packages/b: a change there reaches a', async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\noverrides:\n  x: link:./packages/b\n',
      'pnpm-lock.yaml': V6,
      'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { y: 'file:../../vendor/y' } }),
      'packages/b/package.json': json({ name: 'b', version: '1.0.0' }),
      'vendor/y/package.json': json({ name: 'y', version: '1.0.0', dependencies: { x: '^1.0.0' } }),
    });
    const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, head)).toEqual(['a', 'b']);
  });
});

// At 044c902, without a lockfile every package was taken to reach each override's folder, in both loaders: an edge of c
// to b here, though c installs no x. b depends on c, so the disk loader (generators, check-dockerfiles) refused the
// workspace as a cycle (exit 2);
// pnpm 10.34.9 installs it (no cycle: only a's x is linked).
describe('the over-approximation without a lockfile', () => {
  test('is no dependency cycle for the generators', async () => {
    const dir = tempDir('review-s18-');
    write(dir, {
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n  - services/*\noverrides:\n  x: link:./packages/b\n',
      'packages/b/package.json': json({ name: 'b', version: '1.0.0', dependencies: { c: 'workspace:*' } }),
      'packages/c/package.json': json({ name: 'c', version: '1.0.0' }),
      'services/svc/package.json': json({ name: 'svc', version: '1.0.0', dependencies: { b: 'workspace:*' } }),
      'services/svc/Dockerfile': 'FROM scratch\n',
    });
    const workspace = await loadWorkspace(dir, { serviceMarker: 'Dockerfile' });
    expect(workspace.get('svc').workspaceDeps).toEqual(['b']);
  });
});

// At 044c902, pnpm-workspace.yaml's overrides were parsed only when its text held the word `overrides`: a key written
// with a YAML escape is the same key to pnpm 10.34.9 (it links a's x to packages/b), and was not read.
describe("pnpm-workspace.yaml's overrides key", () => {
  test('written with an escape ("\\x6Fverrides") is still read', async () => {
    const text = 'packages:\n  - packages/*\n"\\x6Fverrides":\n  x: link:./packages/b\n';
    expect(await readWorkspaceOverrides('pnpm-workspace.yaml', text)).toEqual({ x: 'link:./packages/b' });
  });
});

// At 044c902 the `!` alone was dropped, but its neighbours that name the root folder failed where pnpm 10.34.9 lists
// every package (root, a, b): `./` and `!./` ended in an internal error (exit 70, picomatch's "Expected pattern to be
// a non-empty string"), `!/` was refused as absolute (exit 2).
describe('globs that name the workspace root folder', () => {
  test.each(['./', '!./', '!/'])('packages/* beside %j: a change to packages/a lists a', async (glob) => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': `packages:\n  - packages/*\n  - "${glob}"\n`,
      'packages/a/package.json': json({ name: 'a', version: '1.0.0' }),
      'packages/b/package.json': json({ name: 'b', version: '1.0.0' }),
    });
    const head = commit(root, 'a', { 'packages/a/index.js': 'a\n' });
    expect(await names(root, first, head)).toContain('a');
  });
});
