/**
 * Differential hunt of the overrides feature against pnpm 10.34.9 (scratch workspaces installed with
 * `pnpm install --offline`, each package's node_modules followed by hand). Each test states what pnpm did for
 * that shape; each fails on the code it was written against for the reason it names.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { affectedNames as names, cleanup, commit, makeRepo } from './fixture.js';

afterAll(cleanup);

const json = (value: object) => `${JSON.stringify(value)}\n`;
const YAML = 'packages:\n  - "packages/*"\n';

describe('overrides-hunt', () => {
  // pnpm 10.34.9 with the root's `pnpm.overrides: {x: "workspace:*"}`: a's `x: file:../../vendor/x` is replaced, and
  // packages/a/node_modules/x is a symbolic link to packages/x (the lockfile below is the one it wrote: a's x is
  // `link:../x`). A change to packages/x must reach a; at 00ae4b3 affected listed x alone (a `workspace:` override value
  // was not read as an edge, and a's own `file:` edge goes to vendor/x).
  test('an override whose value is workspace:* links the workspace package of that name: its dependents are affected', async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true, pnpm: { overrides: { x: 'workspace:*' } } }),
      'pnpm-workspace.yaml': YAML,
      'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { x: 'file:../../vendor/x' } }),
      'packages/x/package.json': json({ name: 'x', version: '1.0.0' }),
      'vendor/x/package.json': json({ name: 'x', version: '1.0.0' }),
      'pnpm-lock.yaml': `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

overrides:
  x: workspace:*

importers:

  .: {}

  packages/a:
    dependencies:
      x:
        specifier: workspace:*
        version: link:../x

  packages/x: {}
`,
    });
    const head = commit(root, 'x', { 'packages/x/index.js': 'x\n' });
    expect(await names(root, first, head)).toEqual(['a', 'x']);
  });

  // pnpm 10.34.9 with `x: "workspace:*"` and a vendored y (a's `file:` dependency) depending on `x: ^1.0.0`: y's copy
  // links packages/x (node_modules/.pnpm/y@file+vendor+y/node_modules/x -> packages/x; the lockfile's snapshot
  // `y@file:vendor/y` has `x: link:packages/x`, as written below by pnpm). At 00ae4b3 affected listed x alone.
  test('an override whose value is workspace:* inside a vendored package: the package installing it is affected', async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true, pnpm: { overrides: { x: 'workspace:*' } } }),
      'pnpm-workspace.yaml': YAML,
      'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { y: 'file:../../vendor/y' } }),
      'packages/x/package.json': json({ name: 'x', version: '1.0.0' }),
      'vendor/y/package.json': json({ name: 'y', version: '1.0.0', dependencies: { x: '^1.0.0' } }),
      'pnpm-lock.yaml': `lockfileVersion: '9.0'

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
`,
    });
    const head = commit(root, 'x', { 'packages/x/index.js': 'x\n' });
    expect(await names(root, first, head)).toEqual(['a', 'x']);
  });

  // pnpm 10.34.9, no lockfile committed (pnpm-lock.yaml ignored): the root's `pnpm.overrides: {x: "$x"}` takes the root's
  // own devDependency `x`. Changing that devDependency from `link:packages/c` to `link:packages/b` changes what d (which
  // depends on `x: ^1.0.0`) installs: packages/d/node_modules/x pointed at packages/c and now at packages/b. d's
  // installation changed: it must be affected; at 00ae4b3 affected listed nothing (the root's own dependencies read as
  // tooling).
  test("a $x override follows the root's own specifier: changing that specifier affects the packages depending on x", async () => {
    const rootManifest = (spec: string) => json({ name: 'root', private: true, devDependencies: { x: spec }, pnpm: { overrides: { x: '$x' } } });
    const { root, first } = makeRepo({
      '.gitignore': 'node_modules\npnpm-lock.yaml\n',
      'package.json': rootManifest('link:packages/c'),
      'pnpm-workspace.yaml': YAML,
      'packages/b/package.json': json({ name: 'b', version: '1.0.0' }),
      'packages/c/package.json': json({ name: 'c', version: '1.0.0' }),
      'packages/d/package.json': json({ name: 'd', version: '1.0.0', dependencies: { x: '^1.0.0' } }),
    });
    const head = commit(root, 'x is b now', { 'package.json': rootManifest('link:packages/b') });
    expect(await names(root, first, head)).toContain('d');
  });

  // pnpm 10.34.9 reads pnpm-workspace.yaml with merge keys merged (js-yaml): with `overrides:\n  <<: {x: link:./packages/b}`
  // (or `<<: *anchor`), a's `x: ^1.0.0` is linked to packages/b (packages/a/node_modules/x -> packages/b; its lockfile's
  // overrides say `x: link:./packages/b`). At 00ae4b3 affected read the `<<` as a key of its own and listed b alone.
  test("pnpm-workspace.yaml's overrides through a merge key: the package depending on x is affected", async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': `${YAML}common: &links\n  x: link:./packages/b\noverrides:\n  <<: *links\n`,
      'packages/a/package.json': json({ name: 'a', version: '1.0.0', dependencies: { x: '^1.0.0' } }),
      'packages/b/package.json': json({ name: 'b', version: '1.0.0' }),
    });
    const head = commit(root, 'b', { 'packages/b/index.js': 'b\n' });
    expect(await names(root, first, head)).toEqual(['a', 'b']);
  });
});
