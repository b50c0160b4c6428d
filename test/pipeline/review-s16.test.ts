/**
 * Review s16 (packages without a name or of a shared name, a leading `!`, the strict lockfile reader): the
 * defects found, each checked against pnpm 10.34.9 on a scratch workspace of the same shape (`pnpm install
 * --offline`, `pnpm ls -r --depth -1 --json`, `pnpm --filter "...[base]" ls --depth -1 --json`) or against
 * pnpm's own lockfile writer (its bundled js-yaml with LOCKFILE_YAML_FORMAT). Each test states the right
 * behaviour and fails on the code it was written against.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { diffLockfilesAnyLayout } from '../../scripts/core/changes/lockfile-yaml.js';
import { affected, cleanup, commit, makeRepo, parseJson } from './affected/fixture.js';

afterAll(cleanup);

const json = (value: object) => `${JSON.stringify(value)}\n`;

describe('a package of a shared name, and the workspace root of that name', () => {
  // pnpm 10 lists the root as a workspace package and links c's `dup: workspace:*` to it (node_modules/dup ->
  // the workspace folder: 2.0.0 is the highest version of dup), so `pnpm --filter "...[base]"` lists the root and
  // c for a change to scripts/tool.js. The graph takes packages/a as c's only `dup` (the name is in its index, so
  // the root's name is never compared), and c is missed.
  test('a change to the root files reaches c, whose dependency pnpm links to the root of that name', async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'dup', version: '2.0.0', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      'scripts/tool.js': '1\n',
      'packages/a/package.json': json({ name: 'dup', version: '1.0.0' }),
      'packages/c/package.json': json({ name: 'c', version: '1.0.0', dependencies: { dup: 'workspace:*' } }),
    });
    const head = commit(root, 'root file', { 'scripts/tool.js': '2\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', head]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(parseJson(r).packages.map((p) => p.path)).toContain('packages/c');
  });
});

describe('a dependency on a shared name makes no cycle pnpm does not have', () => {
  // packages/a (dup 1.0.0) depends on c; c's `dup: workspace:*` is linked by pnpm 10 to packages/b (1.0.1, the
  // highest): a -> c -> b, no cycle (pnpm installs without a warning). The edge to each package of the name adds
  // c -> a, and the cycle check refuses the workspace: exit 2 (`dependency cycle ... ./packages/a -> c ->
  // ./packages/a`) where pnpm's `--filter "...[base]"` lists packages/a for a change to it.
  test('a change to packages/a: exit 0, and packages/a listed', async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      'packages/a/package.json': json({ name: 'dup', version: '1.0.0', dependencies: { c: 'workspace:*' } }),
      'packages/b/package.json': json({ name: 'dup', version: '1.0.1' }),
      'packages/c/package.json': json({ name: 'c', version: '1.0.0', dependencies: { dup: 'workspace:*' } }),
    });
    const head = commit(root, 'a', { 'packages/a/i.js': 'a\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', head]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(parseJson(r).packages.map((p) => p.path)).toContain('packages/a');
  });
});

describe('a lockfile pnpm writes with a snapshot key longer than 1,024 characters', () => {
  // A peer suffix of 986 characters, under pnpm's peersSuffixMaxLength (1,000: not hashed); the quoted key is 1,026
  // long, so pnpm's js-yaml (dump with LOCKFILE_YAML_FORMAT) writes it as an explicit key, `? '<key>'` then `: {}`.
  // This text is byte for byte what pnpm 10.34.9's writer makes of its own parse. The fast reader refuses the `?`
  // line, and the YAML path writes the same explicit key again, which the fast reader refuses too: the change is
  // not attributed (`unreadable`: every package affected, "not a pnpm v9 lockfile").
  const PEERS = `(${Array.from({ length: 29 }, (_, i) => `@scope/peer-dependency-${String(i).padStart(3, '0')}@1.0.0`).join(')(')})`;
  const KEY = `@typescript-eslint/eslint-plugin@8.0.0${PEERS}`;
  const lock = (integrity: string) => `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  services/other:
    dependencies:
      '@typescript-eslint/eslint-plugin':
        specifier: 8.0.0
        version: 8.0.0${PEERS}

  services/svc:
    dependencies:
      a:
        specifier: 1.0.0
        version: 1.0.0

packages:

  '@typescript-eslint/eslint-plugin@8.0.0':
    resolution: {integrity: sha512-e}

  a@1.0.0:
    resolution: {integrity: sha512-a}

  b@1.0.0:
    resolution: {integrity: ${integrity}}

snapshots:

  ? '${KEY}'
  : {}

  a@1.0.0:
    dependencies:
      b: 1.0.0

  b@1.0.0: {}
`;

  test('b re-resolved is attributed to services/svc alone', () => {
    expect(PEERS.length).toBeLessThanOrEqual(1000);
    expect(`'${KEY}'`.length).toBeGreaterThan(1024);
    const diff = diffLockfilesAnyLayout(lock('sha512-b1'), lock('sha512-b2'));
    expect(diff.kind === 'importers' ? [...diff.importers.keys()] : diff).toEqual(['services/svc']);
  });
});
