/**
 * Defects found by a differential hunt of the pnpm-lock.yaml attribution against an independent
 * reference (both sides parsed as YAML, each importer's resolved closure compared: its entry, the
 * snapshots and packages entries it reaches, the catalog entries it uses). Each test states the right
 * behaviour and fails on the code it was written against.
 *
 * The lockfile below: importer services/svc depends on a@1.0.0, whose snapshot depends on b@1.0.0;
 * services/other depends on nothing. The change between base and head is b's integrity only, so
 * services/svc's closure changed and services/other's did not. Every variant writes that same
 * lockfile in a layout YAML (and pnpm's reader, js-yaml) reads the same way; where the fast path takes
 * the text, it must still attribute the change to services/svc (or, unable to, affect everything).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { diffLockfilesAnyLayout } from '../../../scripts/core/changes/lockfile-yaml.js';
import { diffLockfiles, type LockfileDiff } from '../../../scripts/core/changes/lockfile.js';
import { affected, cleanup, commit, makeRepo } from '../affected/fixture.js';

afterAll(cleanup);

const IMPORTER = ['    dependencies:', '      a:', '        specifier: 1.0.0', '        version: 1.0.0'].join('\n');
const SNAPSHOT = ['  a@1.0.0:', '    dependencies:', '      b: 1.0.0'].join('\n');

interface Parts {
  /** The lines of services/svc's entry below its key. */
  readonly importer?: string;
  /** The whole a@1.0.0 snapshot entry. */
  readonly snapshot?: string;
  /** Top-level text after settings (catalogs). */
  readonly extra?: string;
}

function lock(parts: Parts, integrity: string): string {
  return `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false
${parts.extra ?? ''}
importers:

  services/other: {}

  services/svc:
${parts.importer ?? IMPORTER}

packages:

  a@1.0.0:
    resolution: {integrity: sha512-a}

  b@1.0.0:
    resolution: {integrity: ${integrity}}

snapshots:

${parts.snapshot ?? SNAPSHOT}

  b@1.0.0: {}
`;
}

/** Whether the diff makes services/svc affected: attributed to it, or everything affected. */
function svcAffected(diff: LockfileDiff): boolean {
  if (diff.kind === 'all' || diff.kind === 'unreadable') return true;
  return diff.importers.has('services/svc');
}

describe('sanity: the lockfile in pnpm layout', () => {
  test('b re-resolved reaches services/svc through a@1.0.0', () => {
    const diff = diffLockfilesAnyLayout(lock({}, 'sha512-b1'), lock({}, 'sha512-b2'));
    expect(diff.kind === 'importers' && [...diff.importers.keys()]).toEqual(['services/svc']);
  });
});

describe('a MISS: the fast path takes a layout it cannot read and drops an edge of the closure', () => {
  // Each row is valid YAML with the same value as the pnpm layout; segmentLockfile accepts it (it checks
  // only the lines at indentation 0 and 2), then parseImporterDeps/snapshotDeps skip the lines they do
  // not understand, so services/svc seems to depend on nothing that changed.
  const rows: Array<[string, Parts]> = [
    ['a snapshot in flow style on one line', { snapshot: '  a@1.0.0: {dependencies: {b: 1.0.0}}' }],
    ['a snapshot dependencies map in flow style', { snapshot: '  a@1.0.0:\n    dependencies: {b: 1.0.0}' }],
    ['a snapshot field key in single quotes', { snapshot: "  a@1.0.0:\n    'dependencies':\n      b: 1.0.0" }],
    ['a snapshot field key in double quotes (optionalDependencies)', { snapshot: '  a@1.0.0:\n    "optionalDependencies":\n      b: 1.0.0' }],
    ['a comment after a snapshot field key', { snapshot: '  a@1.0.0:\n    dependencies: # pinned\n      b: 1.0.0' }],
    ['a comment after a snapshot dependency', { snapshot: '  a@1.0.0:\n    dependencies:\n      b: 1.0.0 # pinned' }],
    ['a snapshot indented four spaces per level below its key', { snapshot: '  a@1.0.0:\n      dependencies:\n          b: 1.0.0' }],
    ['snapshot dependencies indented three more spaces', { snapshot: '  a@1.0.0:\n    dependencies:\n       b: 1.0.0' }],
    ['a space before the colon of a snapshot dependency', { snapshot: '  a@1.0.0:\n    dependencies:\n      b : 1.0.0' }],
    ['a space before the colon of a snapshot key', { snapshot: '  a@1.0.0 :\n    dependencies:\n      b: 1.0.0' }],
    ['a !!str tag on a snapshot dependency', { snapshot: '  a@1.0.0:\n    dependencies:\n      b: !!str 1.0.0' }],
    ['a YAML merge key (<<) in flow style', { snapshot: '  a@1.0.0:\n    dependencies:\n      <<: {b: 1.0.0}' }],
    ['an importer in flow style', { importer: '    dependencies: {a: {specifier: 1.0.0, version: 1.0.0}}' }],
    ['an importer dependency in flow style', { importer: '    dependencies:\n      a: {specifier: 1.0.0, version: 1.0.0}' }],
    ['a comment after an importer dependency version', { importer: '    dependencies:\n      a:\n        specifier: 1.0.0\n        version: 1.0.0 # pinned' }],
    ['an importer indented four spaces per level', { importer: '        dependencies:\n            a:\n                specifier: 1.0.0\n                version: 1.0.0' }],
  ];
  test.each(rows)('%s: services/svc is affected when b changes', (_, parts) => {
    const diff = diffLockfilesAnyLayout(lock(parts, 'sha512-b1'), lock(parts, 'sha512-b2'));
    expect(svcAffected(diff), JSON.stringify(diff.kind === 'importers' ? Object.fromEntries(diff.importers) : diff)).toBe(true);
  });

  test('a catalog in flow style: a changed catalog entry reaches the importer that uses it', () => {
    const importer = "    dependencies:\n      a:\n        specifier: 'catalog:'\n        version: 1.0.0";
    const catalog = (spec: string) => `\ncatalogs:\n  default: {a: {specifier: '${spec}', version: 1.0.0}}\n`;
    // The block form of the same change is attributed to services/svc (catalog entry default/a changed).
    const block = (spec: string) => `\ncatalogs:\n  default:\n    a:\n      specifier: '${spec}'\n      version: 1.0.0\n`;
    const blockDiff = diffLockfilesAnyLayout(lock({ importer, extra: block('^1.0.0') }, 'sha512-b1'), lock({ importer, extra: block('^1.0.1') }, 'sha512-b1'));
    expect(svcAffected(blockDiff)).toBe(true);
    const diff = diffLockfilesAnyLayout(lock({ importer, extra: catalog('^1.0.0') }, 'sha512-b1'), lock({ importer, extra: catalog('^1.0.1') }, 'sha512-b1'));
    expect(svcAffected(diff)).toBe(true);
  });
});

describe('a MISS on the YAML path: merge keys', () => {
  test('a snapshot whose dependencies merge an anchored map (<<: *deps), which pnpm reads as its dependencies', () => {
    // pnpm reads the lockfile with js-yaml, whose default schema applies `<<`: a@1.0.0 depends on b@1.0.0
    // (`pnpm list --lockfile-only` lists it). The anchor sends the text to the YAML path, whose failsafe
    // schema keeps `<<` as a key, so the edge a -> b is lost.
    const snapshot = '  base@0.0.0:\n    dependencies: &deps\n      b: 1.0.0\n\n  a@1.0.0:\n    dependencies:\n      <<: *deps';
    const diff = diffLockfilesAnyLayout(lock({ snapshot }, 'sha512-b1'), lock({ snapshot }, 'sha512-b2'));
    expect(svcAffected(diff), JSON.stringify(diff.kind === 'importers' ? Object.fromEntries(diff.importers) : diff)).toBe(true);
    // Merged as pnpm merges it, the change is attributed exactly (not everything affected).
    expect(diff.kind === 'importers' ? Object.fromEntries(diff.importers) : diff).toEqual({
      'services/svc': ['pnpm-lock.yaml: a depends on b@1.0.0, which changed'],
    });
  });
});

describe('duplicate keys: not a lockfile pnpm can read, yet the fast path attributes it', () => {
  // js-yaml (pnpm) and yaml both refuse a mapping with a key twice (pnpm: ERR_PNPM_BROKEN_LOCKFILE); the
  // fast path keeps the last one, which can hide the change in the first.
  const base = lock({}, 'sha512-b1');
  const changed = lock({}, 'sha512-b2');
  const rows: Array<[string, string]> = [
    [
      'a packages entry twice (the changed one first)',
      changed.replace(
        '  b@1.0.0:\n    resolution: {integrity: sha512-b2}',
        '  b@1.0.0:\n    resolution: {integrity: sha512-b2}\n\n  b@1.0.0:\n    resolution: {integrity: sha512-b1}',
      ),
    ],
    ['settings twice (the changed one first)', base.replace('settings:\n  autoInstallPeers: true', 'settings:\n  autoInstallPeers: false\n\nsettings:\n  autoInstallPeers: true')],
    [
      'an importer twice (the changed one first)',
      base.replace('  services/other: {}', '  services/svc:\n    dependencies:\n      a:\n        specifier: 2.0.0\n        version: 2.0.0\n\n  services/other: {}'),
    ],
  ];
  test.each(rows)('%s: not attributed to importers (unreadable, or everything affected)', (_, head) => {
    expect(diffLockfiles(base, head).kind).not.toBe('importers');
    expect(diffLockfilesAnyLayout(base, head).kind).not.toBe('importers');
  });
});

describe('the fast path and the YAML path disagree on the same lockfile', () => {
  test('line endings only (LF -> CRLF): no importer changed, as the YAML path says', () => {
    const lf = lock({}, 'sha512-b1');
    const crlf = lf.replaceAll('\n', '\r\n');
    // The YAML path on the same two texts (what diffLockfilesAnyLayout gives for any other layout).
    const diff = diffLockfilesAnyLayout(lf, crlf);
    expect(diff.kind === 'importers' ? Object.fromEntries(diff.importers) : diff).toEqual({});
  });
});

describe('affected end to end', () => {
  const WS: Record<string, string> = {
    'pnpm-workspace.yaml': "packages:\n  - 'services/*'\n",
    'package.json': '{"name":"root","private":true}\n',
    'services/svc/package.json': '{"name":"svc","version":"1.0.0","dependencies":{"a":"1.0.0"}}\n',
    'services/svc/Dockerfile': 'FROM node:20\n',
    'services/other/package.json': '{"name":"other","version":"1.0.0"}\n',
    'services/other/Dockerfile': 'FROM node:20\n',
  };

  async function run(baseLock: string, headLock: string) {
    const { root } = makeRepo({ ...WS, 'pnpm-lock.yaml': baseLock });
    const base = commit(root, 'base');
    const head = commit(root, 'head', { 'pnpm-lock.yaml': headLock });
    return affected(root, ['--base', base, '--head', head, '--json']);
  }

  test('a snapshot in flow style: svc is listed when b changes', async () => {
    const parts = { snapshot: '  a@1.0.0: {dependencies: {b: 1.0.0}}' };
    const r = await run(lock(parts, 'sha512-b1'), lock(parts, 'sha512-b2'));
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { services: Array<{ name: string }> }).services.map((s) => s.name)).toContain('svc');
  });

  test('a lockfile with a leading document (as pnpm reads it: extractMainDocument), svc is listed, no exit 2', async () => {
    // pnpm 10.34.9 reads pnpm-lock.yaml as its main document when the text starts with `---\n` and holds a
    // second `\n---\n` (the env lockfile document before it); `pnpm list --lockfile-only` reads this file.
    const env = "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n\n---\n";
    const r = await run(`${env}${lock({}, 'sha512-b1')}`, `${env}${lock({}, 'sha512-b2')}`);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { services: Array<{ name: string }> }).services.map((s) => s.name)).toContain('svc');
  });
});
