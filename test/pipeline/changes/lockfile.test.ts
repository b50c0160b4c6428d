import { describe, expect, test } from 'vitest';
import { diffLockfiles, packageKeyOf, refToKey, segmentLockfile } from '../../../scripts/core/changes/lockfile.js';

interface Spec {
  version?: string;
  settings?: Record<string, string>;
  catalogs?: Record<string, Record<string, [string, string]>>;
  /** importer -> dependency -> [specifier, version]; `dev:` prefix puts it in devDependencies. */
  importers: Record<string, Record<string, [string, string]>>;
  /** snapshot key -> dependency -> reference. */
  snapshots: Record<string, Record<string, string>>;
  /** package key -> integrity (default: derived from the key). */
  integrity?: Record<string, string>;
}

const q = (s: string) => (/^[@'"]|[:#]/.test(s) ? `'${s.replaceAll("'", "''")}'` : s);

/** Writes a lockfile in the layout pnpm 10 writes (v9). */
function lockfile(spec: Spec): string {
  const out = [`lockfileVersion: '${spec.version ?? '9.0'}'`, '', 'settings:'];
  for (const [k, v] of Object.entries(spec.settings ?? { autoInstallPeers: 'true', excludeLinksFromLockfile: 'false' })) out.push(`  ${k}: ${v}`);
  out.push('');
  if (spec.catalogs) {
    out.push('catalogs:');
    for (const [name, entries] of Object.entries(spec.catalogs)) {
      out.push(`  ${name}:`);
      for (const [dep, [specifier, version]] of Object.entries(entries)) out.push(`    ${q(dep)}:`, `      specifier: ${q(specifier)}`, `      version: ${version}`);
    }
    out.push('');
  }
  out.push('importers:', '');
  for (const [path, deps] of Object.entries(spec.importers)) {
    out.push(`  ${path}:`);
    const fields = { dependencies: [] as string[], devDependencies: [] as string[] };
    for (const [name, [specifier, version]] of Object.entries(deps)) {
      const field = name.startsWith('dev:') ? fields.devDependencies : fields.dependencies;
      field.push(`      ${q(name.replace(/^dev:/, ''))}:`, `        specifier: ${q(specifier)}`, `        version: ${q(version)}`);
    }
    for (const [field, lines] of Object.entries(fields)) if (lines.length > 0) out.push(`    ${field}:`, ...lines);
    out.push('');
  }
  const packageKeys = [...new Set(Object.keys(spec.snapshots).map(packageKeyOf))].sort();
  out.push('packages:', '');
  for (const key of packageKeys) out.push(`  ${q(key)}:`, `    resolution: {integrity: sha512-${spec.integrity?.[key] ?? key}}`, '');
  out.push('snapshots:', '');
  for (const [key, deps] of Object.entries(spec.snapshots)) {
    const entries = Object.entries(deps);
    if (entries.length === 0) out.push(`  ${q(key)}: {}`, '');
    else out.push(`  ${q(key)}:`, '    dependencies:', ...entries.map(([n, r]) => `      ${q(n)}: ${q(r)}`), '');
  }
  return out.join('\n');
}

// a and b use left-pad through wrap; c uses only is-odd; d uses vitest with a peer suffix; e uses the catalog.
const baseSpec: Spec = {
  catalogs: { default: { typescript: ['^5.4.0', '5.4.5'] } },
  importers: {
    '.': { 'dev:typescript': ['catalog:', '5.4.5'] },
    'packages/a': { wrap: ['^1.0.0', '1.0.0'], 'packages/b-link': ['workspace:*', 'link:../b'] },
    'packages/b': { wrap: ['^1.0.0', '1.0.0'] },
    'services/c': { 'is-odd': ['^3.0.0', '3.0.1'] },
    'services/d': { 'dev:vitest': ['^1.0.0', '1.0.0(@types/node@20.0.0)'] },
    'services/e': { 'dev:typescript': ['catalog:', '5.4.5'] },
  },
  snapshots: {
    'wrap@1.0.0': { 'left-pad': '1.3.0' },
    'left-pad@1.3.0': {},
    'is-odd@3.0.1': { 'is-number': '6.0.0' },
    'is-number@6.0.0': {},
    'vitest@1.0.0(@types/node@20.0.0)': { '@types/node': '20.0.0' },
    '@types/node@20.0.0': {},
    'typescript@5.4.5': {},
  },
};

function change(edit: (s: Spec) => void): string {
  const spec: Spec = structuredClone(baseSpec);
  edit(spec);
  return lockfile(spec);
}

function importersOf(before: string, after: string): Record<string, readonly string[]> | string {
  const diff = diffLockfiles(before, after);
  if (diff.kind === 'importers') return Object.fromEntries(diff.importers);
  return diff.kind === 'all' ? `all: ${diff.reason}` : `unreadable ${diff.side}: ${diff.detail}`;
}

describe('diffLockfiles attributes a change to the importers whose closure changed', () => {
  const base = lockfile(baseSpec);
  test.each<[string, (s: Spec) => void, string[]]>([
    ['nothing changed', () => {}, []],
    [
      'a dependency added to one importer',
      (s) => {
        s.importers['services/c'] = { ...s.importers['services/c'], 'left-pad': ['^1.3.0', '1.3.0'] };
      },
      ['services/c'],
    ],
    [
      'a dependency removed from one importer',
      (s) => {
        s.importers['packages/b'] = {};
      },
      ['packages/b'],
    ],
    [
      'a transitive dependency re-resolved: every importer that reaches it',
      (s) => {
        s.snapshots['wrap@1.0.0'] = { 'left-pad': '1.3.1' };
        delete s.snapshots['left-pad@1.3.0'];
        s.snapshots['left-pad@1.3.1'] = {};
      },
      ['packages/a', 'packages/b'],
    ],
    [
      'a package entry changed (integrity): the importers reaching it',
      (s) => {
        s.integrity = { 'is-number@6.0.0': 'changed' };
      },
      ['services/c'],
    ],
    [
      'a transitive dependency removed',
      (s) => {
        s.snapshots['is-odd@3.0.1'] = {};
        delete s.snapshots['is-number@6.0.0'];
      },
      ['services/c'],
    ],
    [
      'a peer-suffixed snapshot: its package entry changed',
      (s) => {
        s.integrity = { 'vitest@1.0.0': 'changed' };
      },
      ['services/d'],
    ],
    [
      'a catalog specifier changed, same resolution: the importers using that catalog entry',
      (s) => {
        s.catalogs = { default: { typescript: ['^5.4.5', '5.4.5'] } };
      },
      ['.', 'services/e'],
    ],
    [
      'a new importer',
      (s) => {
        s.importers['services/f'] = { wrap: ['^1.0.0', '1.0.0'] };
      },
      ['services/f'],
    ],
  ])('%s', (_, edit, expected) => {
    const result = importersOf(base, change(edit));
    expect(typeof result === 'string' ? result : Object.keys(result).sort()).toEqual(expected);
  });

  test('a change three snapshots down a chain reaches the importer at the top, with the changed one as the reason', () => {
    // services/g -> top -> mid -> leaf: only leaf's package entry changes.
    const chain = (leafIntegrity: string) =>
      change((s) => {
        s.importers['services/g'] = { top: ['^1.0.0', '1.0.0'] };
        s.snapshots['top@1.0.0'] = { mid: '1.0.0' };
        s.snapshots['mid@1.0.0'] = { leaf: '1.0.0' };
        s.snapshots['leaf@1.0.0'] = {};
        s.integrity = { 'leaf@1.0.0': leafIntegrity };
      });
    expect(importersOf(chain('old'), chain('new'))).toEqual({ 'services/g': ['pnpm-lock.yaml: top depends on leaf@1.0.0, which changed'] });
  });

  test('reasons name the dependency and the versions', () => {
    const after = change((s) => {
      s.importers['services/c'] = { 'is-odd': ['^3.0.0', '3.0.2'] };
      s.snapshots['is-odd@3.0.2'] = { 'is-number': '6.0.0' };
    });
    expect(importersOf(base, after)).toEqual({ 'services/c': ['pnpm-lock.yaml: dependencies is-odd 3.0.1 -> 3.0.2'] });
    const removed = importersOf(
      base,
      change((s) => (s.importers['packages/b'] = {})),
    );
    expect(removed).toEqual({ 'packages/b': ['pnpm-lock.yaml: dependencies wrap 1.0.0 removed'] });
  });

  test.each<[string, string | undefined, string | undefined, RegExp]>([
    ['a settings change', base, change((s) => (s.settings = { autoInstallPeers: 'false', excludeLinksFromLockfile: 'false' })), /^all: .*"settings" changed/],
    ['an unsupported lockfile version', lockfile({ ...baseSpec, version: '6.0' }), lockfile({ ...baseSpec, version: '6.0' }), /^all: .*lockfileVersion 6\.0 is not supported/],
    ['a version change', lockfile({ ...baseSpec, version: '6.0' }), base, /^all: .*lockfileVersion changed from 6\.0 to 9\.0/],
    ['a lockfile added', undefined, base, /^all: pnpm-lock\.yaml was added/],
    ['a lockfile deleted', base, undefined, /^all: pnpm-lock\.yaml was deleted/],
    ['a head not in pnpm layout', base, 'importers: [1, 2]\n', /^unreadable head/],
    ['a base with conflict markers', `<<<<<<< HEAD\n${base}`, base, /^unreadable base/],
  ])('%s affects everything or is unreadable, with the reason', (_, before, after, expected) => {
    const diff = diffLockfiles(before, after);
    const text = diff.kind === 'all' ? `all: ${diff.reason}` : diff.kind === 'unreadable' ? `unreadable ${diff.side}: ${diff.detail}` : 'importers';
    expect(text).toMatch(expected);
  });
});

describe('lockfile pieces', () => {
  test.each([
    ['left-pad', '1.3.0', 'left-pad@1.3.0'],
    ['vitest', '1.0.0(@types/node@20.0.0)', 'vitest@1.0.0(@types/node@20.0.0)'],
    ['string-width-cjs', 'string-width@4.2.3', 'string-width@4.2.3'],
    ['@kc/x', '@scope/real@1.0.0', '@scope/real@1.0.0'],
    ['@kc/shared', 'file:packages/shared', '@kc/shared@file:packages/shared'],
    ['@kc/shared', 'link:../shared', undefined],
  ])('refToKey(%s, %s)', (name, ref, key) => {
    expect(refToKey(name, ref)).toBe(key);
  });

  test.each([
    ['vitest@1.0.0(@types/node@20.0.0)(vite@5.0.0)', 'vitest@1.0.0'],
    ['@types/node@20.0.0', '@types/node@20.0.0'],
  ])('packageKeyOf(%s)', (key, pkg) => {
    expect(packageKeyOf(key)).toBe(pkg);
  });

  test('the real lockfile of this repository is cut into its entries', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = segmentLockfile(readFileSync('pnpm-lock.yaml', 'utf8'));
    expect(doc.version).toBe('9.0');
    expect([...doc.importers.keys()]).toContain('services/api-gateway');
    expect(doc.importers.has('.')).toBe(true);
    expect(doc.snapshots.size).toBeGreaterThan(10);
    expect([...doc.catalogs.keys()]).toContain('default\0typescript');
  });
});

describe('cutting a lockfile into entries, line by line', () => {
  const entries = (map: ReadonlyMap<string, string>) => Object.fromEntries(map);

  test('an entry runs from its key to its last line with content: inner blank lines and comments stay, trailing ones do not', () => {
    const doc = segmentLockfile(
      "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\nimporters:\n\n  a:\n    dependencies:\n\n      # a comment\n      x:\n        specifier: ^1\n        version: 1.0.0\n\n  # between\n  b: {}\n",
    );
    expect(doc.version).toBe('9.0');
    expect(entries(doc.importers)).toEqual({
      a: '  a:\n    dependencies:\n\n      # a comment\n      x:\n        specifier: ^1\n        version: 1.0.0',
      b: '  b: {}',
    });
    expect(entries(doc.other)).toEqual({ settings: 'settings:\n  autoInstallPeers: true' });
  });

  test('CRLF line ends stay in the entry text, not in the keys; no newline at the end', () => {
    const doc = segmentLockfile("lockfileVersion: '9.0'\r\nimporters:\r\n  a:\r\n    dependencies: {}\r\npackages:\r\n  'x@1.0.0':\r\n    resolution: {integrity: sha512-x}");
    expect(entries(doc.importers)).toEqual({ a: '  a:\r\n    dependencies: {}\r' });
    expect(entries(doc.packages)).toEqual({ 'x@1.0.0': "  'x@1.0.0':\r\n    resolution: {integrity: sha512-x}" });
  });

  test('catalogs: one entry per dependency of each catalog', () => {
    const doc = segmentLockfile(
      "lockfileVersion: '9.0'\ncatalogs:\n  default:\n    typescript:\n      specifier: ^5\n      version: 5.4.5\n  next:\n    'react':\n      specifier: ^19\n      version: 19.0.0\n",
    );
    expect(entries(doc.catalogs)).toEqual({
      'default\0typescript': '    typescript:\n      specifier: ^5\n      version: 5.4.5',
      'next\0react': "    'react':\n      specifier: ^19\n      version: 19.0.0",
    });
  });

  test('indentation is any leading whitespace (a no-break space counts), a tab-only line is blank', () => {
    const doc = segmentLockfile("lockfileVersion: '9.0'\nimporters:\n\u00a0\u00a0a: {}\n\t\n  b: {}\n");
    expect([...doc.importers.keys()]).toEqual(['a', 'b']);
  });

  test.each([
    ["lockfileVersion: '9.0'\nimporters:\n\ta: {}\n", 'line 3: tab indentation'],
    ["  a: 1\nlockfileVersion: '9.0'\n", 'line 1: indented text before any top-level key'],
    ["lockfileVersion: '9.0'\nimporters:\n a: {}\n", 'line 3: unexpected indentation under importers'],
    ["lockfileVersion: '9.0'\nimporters:\n    a: {}\n", 'line 3: unexpected indentation under importers'],
    ["lockfileVersion: '9.0'\ncatalogs:\n    a: {}\n", 'line 3: unexpected indentation under catalogs'],
    ['lockfileVersion:\n', 'line 1: lockfileVersion has no value'],
    ["lockfileVersion: '9.0'\nimporters: x\n", 'line 2: importers is not a block mapping'],
    ["lockfileVersion: '9.0'\n\n\n- a\n", 'line 4: expected "key:" or "key: value", got "- a"'],
    ['settings:\n  a: 1\n', 'no lockfileVersion'],
  ])('%j is not in the layout pnpm writes: %s', (text, message) => {
    expect(() => segmentLockfile(text)).toThrow(message);
  });
});
