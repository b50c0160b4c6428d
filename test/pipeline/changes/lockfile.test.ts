import { describe, expect, test } from 'vitest';
import { diffLockfiles, packageKeyOf, parseImporterDeps, refToKey, segmentLockfile, unquote } from '../../../scripts/core/changes/lockfile.js';
import { parse } from 'yaml';
import { diffLockfilesAnyLayout, diffLockfilesAsYaml } from '../../../scripts/core/changes/lockfile-yaml.js';

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

  // CRLF in the entry text made every entry of a CRLF side differ from an LF side's (a hunt found): the YAML path reads it.
  test("CRLF line ends are not the fast reader's", () => {
    expect(() => segmentLockfile("lockfileVersion: '9.0'\r\nimporters:\r\n  a:\r\n    dependencies: {}\r\n")).toThrow('a carriage return (CRLF line ends)');
  });

  test('no newline at the end: the last entry ends with the text', () => {
    const doc = segmentLockfile("lockfileVersion: '9.0'\nimporters:\n  a:\n    dependencies: {}\npackages:\n  'x@1.0.0':\n    resolution: {integrity: sha512-x}");
    expect(entries(doc.importers)).toEqual({ a: '  a:\n    dependencies: {}' });
    expect(entries(doc.packages)).toEqual({ 'x@1.0.0': "  'x@1.0.0':\n    resolution: {integrity: sha512-x}" });
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

describe('what each importer is affected by, reason by reason', () => {
  const base = lockfile(baseSpec);
  test.each<[string, (s: Spec) => void, Record<string, string[]>]>([
    [
      'a dependency added',
      (s) => {
        s.importers['services/c'] = { ...s.importers['services/c'], 'left-pad': ['^1.3.0', '1.3.0'] };
      },
      { 'services/c': ['pnpm-lock.yaml: dependencies left-pad 1.3.0 added'] },
    ],
    [
      'only the specifier changed',
      (s) => {
        s.importers['services/c'] = { 'is-odd': ['^3.0.1', '3.0.1'] };
      },
      { 'services/c': ['pnpm-lock.yaml: dependencies is-odd specifier ^3.0.0 -> ^3.0.1'] },
    ],
    [
      'a dev dependency re-resolved',
      (s) => {
        s.importers['services/d'] = { 'dev:vitest': ['^1.0.0', '1.0.1'] };
        s.snapshots['vitest@1.0.1'] = {};
      },
      { 'services/d': ['pnpm-lock.yaml: devDependencies vitest 1.0.0(@types/node@20.0.0) -> 1.0.1'] },
    ],
    [
      'a new importer without dependencies',
      (s) => {
        s.importers['services/f'] = {};
      },
      { 'services/f': ['pnpm-lock.yaml: new importer'] },
    ],
    [
      'a dependency re-resolved in place: the importers that use it directly',
      (s) => {
        s.snapshots['wrap@1.0.0'] = { 'left-pad': '1.3.1' };
        delete s.snapshots['left-pad@1.3.0'];
        s.snapshots['left-pad@1.3.1'] = {};
      },
      { 'packages/a': ['pnpm-lock.yaml: wrap (wrap@1.0.0) re-resolved'], 'packages/b': ['pnpm-lock.yaml: wrap (wrap@1.0.0) re-resolved'] },
    ],
    [
      'a package entry below a dependency changed',
      (s) => {
        s.integrity = { 'is-number@6.0.0': 'changed' };
      },
      { 'services/c': ['pnpm-lock.yaml: is-odd depends on is-number@6.0.0, which changed'] },
    ],
    [
      'a catalog entry changed',
      (s) => {
        s.catalogs = { default: { typescript: ['^5.4.5', '5.4.5'] } };
      },
      { '.': ['pnpm-lock.yaml: catalog entry default/typescript changed'], 'services/e': ['pnpm-lock.yaml: catalog entry default/typescript changed'] },
    ],
  ])('%s', (_, edit, expected) => {
    expect(importersOf(base, change(edit))).toEqual(expected);
  });

  test('a named catalog: only the importers whose specifier names it', () => {
    const spec = (version: string): Spec => ({
      catalogs: { default: { react: ['^18', '18.0.0'] }, next: { react: ['^19', version] } },
      importers: { 'apps/old': { react: ['catalog:', '18.0.0'] }, 'apps/new': { react: ['catalog:next', '19.0.0'] }, 'apps/pinned': { react: ['19.0.0', '19.0.0'] } },
      snapshots: { 'react@18.0.0': {}, 'react@19.0.0': {} },
    });
    expect(importersOf(lockfile(spec('19.0.0')), lockfile(spec('19.0.0-patched')))).toEqual({ 'apps/new': ['pnpm-lock.yaml: catalog entry next/react changed'] });
  });

  test('an importer entry that changed without a dependency change', () => {
    const head = base.replace('  services/c:\n', '  services/c:\n    dependenciesMeta:\n      is-odd:\n        injected: true\n');
    expect(head).not.toBe(base);
    expect(importersOf(base, head)).toEqual({ 'services/c': ['pnpm-lock.yaml: importer entry changed'] });
  });

  test('a top-level setting removed at head affects everything', () => {
    const head = base.replace(/settings:\n( {2}.*\n)+/, '');
    expect(head).not.toBe(base);
    expect(importersOf(base, head)).toBe('all: pnpm-lock.yaml: top-level "settings" changed, which can change every install');
  });

  test('an optional dependency of a snapshot carries a change up, a peer or a link does not', () => {
    // Only leaf's package entry changes: top reaches it through optionalDependencies, other only names it as a peer.
    const text = (integrity: string) =>
      [
        "lockfileVersion: '9.0'",
        'importers:',
        '  svc:',
        '    dependencies:',
        '      top:',
        '        specifier: ^1',
        '        version: 1.0.0',
        '      other:',
        '        specifier: ^1',
        '        version: 1.0.0',
        'packages:',
        '  leaf@1.0.0:',
        `    resolution: {integrity: sha512-${integrity}}`,
        'snapshots:',
        '  top@1.0.0:',
        '    # a comment',
        '',
        '    optionalDependencies:',
        '      leaf: 1.0.0',
        '  other@1.0.0:',
        '    peerDependencies:',
        '      leaf: 1.0.0',
        '    dependencies:',
        '      local: link:../local',
        '  leaf@1.0.0: {}',
      ].join('\n');
    expect(importersOf(text('old'), text('new'))).toEqual({ svc: ['pnpm-lock.yaml: top depends on leaf@1.0.0, which changed'] });
  });

  test('the unreadable entry of an importer at head is reported, not thrown', () => {
    const head = base.replace(/( {2}services\/c:\n {4}dependencies:\n {6}is-odd:\n {8}specifier: \^3\.0\.0\n) {8}version: 3\.0\.1\n/, '$1');
    expect(head).not.toBe(base);
    expect(importersOf(base, head)).toBe('unreadable head: importer dependency is-odd has no version');
  });
});

describe('unquote, as pnpm quotes keys and scalars', () => {
  test.each([
    ['plain', 'plain'],
    ["'single'", 'single'],
    ["'it''s'", "it's"],
    ["''", ''],
    ["'", "'"],
    ["'open", "'open"],
    ["close'", "close'"],
    ['"double"', 'double'],
    ['"esc\\"aped\\u0041"', 'esc"apedA'],
    ['""', ''],
    ['"', '"'],
    ['"open', '"open'],
    ['close"', 'close"'],
  ])('%j -> %j', (text, value) => {
    expect(unquote(text)).toBe(value);
  });
});

describe('parseImporterDeps', () => {
  test('each field, the short form, quoted names, comments and blank lines; other fields are skipped', () => {
    const block = [
      '  svc:',
      '    dependencies:',
      '      # a comment',
      '',
      "      '@scope/a':",
      "        specifier: '^1.0.0'",
      '        version: 1.0.0(peer@2.0.0)',
      '      short: 2.0.0',
      '    devDependencies:',
      '      dev:',
      '        version: 3.0.0',
      '    optionalDependencies:',
      '      opt:',
      '        specifier: ^4',
      '        version: 4.0.0',
      '    dependenciesMeta:',
      '      meta:',
      '        injected: true',
      '    peerDependencies:',
      '      peer:',
      '        specifier: ^2',
      '        version: 2.0.0',
    ].join('\n');
    expect(parseImporterDeps(block)).toEqual([
      { field: 'dependencies', name: '@scope/a', specifier: '^1.0.0', version: '1.0.0(peer@2.0.0)' },
      { field: 'dependencies', name: 'short', specifier: undefined, version: '2.0.0' },
      { field: 'devDependencies', name: 'dev', specifier: undefined, version: '3.0.0' },
      { field: 'optionalDependencies', name: 'opt', specifier: '^4', version: '4.0.0' },
    ]);
  });

  test('a dependency without a version is a shape error naming it', () => {
    expect(() => parseImporterDeps('  svc:\n    dependencies:\n      x:\n        specifier: ^1\n    devDependencies: {}')).toThrow('importer dependency x has no version');
  });

  test("an empty specifier is not the fast reader's (pnpm writes none): the YAML path reads it", () => {
    expect(() => parseImporterDeps('  svc:\n    dependencies:\n      x:\n        specifier:\n        version: 1.0.0')).toThrow('importer dependency x: specifier without a value');
  });
});

describe('cutting a lockfile: indentation and block mappings', () => {
  test.each([['\u000b'], ['\u000c'], ['\u00a0'], ['\u1680'], ['\u2000'], ['\u2005'], ['\u200a'], ['\u2028'], ['\u2029'], ['\u202f'], ['\u205f'], ['\u3000'], ['\ufeff']])(
    '%j is whitespace: two of them indent an entry',
    (space) => {
      const doc = segmentLockfile(`lockfileVersion: '9.0'\nimporters:\n${space}${space}a: {}\n  b: {}\n`);
      expect([...doc.importers.keys()]).toEqual(['a', 'b']);
    },
  );

  test.each([['\u0008'], ['\u000e'], ['\u1fff'], ['\u200b'], ['\u3001']])('%j is not whitespace: the line is a top-level key', (c) => {
    const doc = segmentLockfile(`lockfileVersion: '9.0'\nimporters:\n${c}${c}a: 1\n  b: {}\n`);
    expect([...doc.importers.keys()]).toEqual([]);
    expect(doc.other.get(`${c}${c}a`)).toBe(`${c}${c}a: 1\n  b: {}`);
  });

  test('empty block mappings and quoted top-level keys', () => {
    const doc = segmentLockfile('"lockfileVersion": "9.0"\nimporters: {}\ncatalogs: {}\n\'settings\':\n  a: 1\n');
    expect(doc.version).toBe('9.0');
    expect(doc.importers.size).toBe(0);
    expect(Object.fromEntries(doc.other)).toEqual({ settings: "'settings':\n  a: 1" });
  });

  test.each([
    ["lockfileVersion: '9.0'\nimporters:\n  a: {}\n b: {}\n", 'line 4: unexpected indentation under importers'],
    ["lockfileVersion: '9.0'\ncatalogs:\n  default:\n    a:\n      version: 1\n   b: 1\n", 'line 6: unexpected indentation under catalogs'],
    ["lockfileVersion: '9.0'\ncatalogs: x\n", 'line 2: catalogs is not a block mapping'],
    ["lockfileVersion: '9.0'\n'unclosed: 1\n", 'line 2: expected "key:" or "key: value", got "\'unclosed: 1"'],
    [`lockfileVersion: '9.0'\n- ${'x'.repeat(100)}\n`, `line 2: expected "key:" or "key: value", got "- ${'x'.repeat(78)}"`],
    ['lockfileVersion: \'9.0\'\n"key" : 1\n', 'line 2: expected "key:" or "key: value", got "\\"key\\" : 1"'],
  ])('%j: %s', (text, message) => {
    expect(() => segmentLockfile(text)).toThrow(message);
  });

  test('a quoted key keeps what follows the colon; a plain key may hold spaces and colons', () => {
    const doc = segmentLockfile("lockfileVersion: '9.0'\npackages:\n  '@a/b@1.0.0':\n    x: 1\n  \"c@2\": {}\n  d e:f: {}\n");
    expect([...doc.packages.keys()]).toEqual(['@a/b@1.0.0', 'c@2', 'd e:f']);
  });
});

describe('a lockfile not in the layout pnpm writes is attributed exactly, through YAML (diffLockfilesAsYaml)', () => {
  const base = lockfile(baseSpec);
  /**
   * Layouts another tool could write; each is the same YAML value as pnpm's text. The last one the fast
   * path reads too (and, comparing text, counts every reordered entry as changed: safe, not exact).
   */
  const LAYOUTS: Array<[string, (text: string) => string, 'fast path refuses' | 'fast path reads']> = [
    ['re-indented to four spaces', (text) => text.replace(/^ +/gm, (m) => m + m), 'fast path refuses'],
    ['written as JSON (a YAML flow mapping)', (text) => `${JSON.stringify(parse(text))}\n`, 'fast path refuses'],
    [
      'every specifier after its version, and a comment',
      (text) => `# written by another tool\n${text.replace(/^( +)specifier: (.*)\n( +)version: (.*)$/gm, '$1version: $4\n$3specifier: $2')}`,
      'fast path reads',
    ],
  ];
  const EDITS: Array<[string, (s: Spec) => void, Record<string, string[]>]> = [
    ['nothing changed', () => {}, {}],
    [
      'a direct dependency bumped',
      (s) => {
        s.importers['services/c'] = { 'is-odd': ['^3.0.0', '3.0.2'] };
        s.snapshots['is-odd@3.0.2'] = { 'is-number': '6.0.0' };
      },
      { 'services/c': ['pnpm-lock.yaml: dependencies is-odd 3.0.1 -> 3.0.2'] },
    ],
    [
      'a transitive dependency re-resolved',
      (s) => {
        s.snapshots['wrap@1.0.0'] = { 'left-pad': '1.3.1' };
        delete s.snapshots['left-pad@1.3.0'];
        s.snapshots['left-pad@1.3.1'] = {};
      },
      { 'packages/a': ['pnpm-lock.yaml: wrap (wrap@1.0.0) re-resolved'], 'packages/b': ['pnpm-lock.yaml: wrap (wrap@1.0.0) re-resolved'] },
    ],
    [
      'a catalog entry changed',
      (s) => {
        s.catalogs = { default: { typescript: ['^5.4.5', '5.4.5'] } };
      },
      { '.': ['pnpm-lock.yaml: catalog entry default/typescript changed'], 'services/e': ['pnpm-lock.yaml: catalog entry default/typescript changed'] },
    ],
  ];
  const cases = LAYOUTS.flatMap(([layout, rewrite, fast]) =>
    EDITS.flatMap(([edit, apply, expected]) => [
      [`${edit}, head ${layout}`, base, rewrite(change(apply)), fast, expected] as const,
      [`${edit}, both sides ${layout}`, rewrite(base), rewrite(change(apply)), fast, expected] as const,
    ]),
  );
  test.each(cases)('%s', (_, before, after, fast, expected) => {
    const slow = diffLockfilesAsYaml(before, after);
    expect(slow.kind === 'importers' ? Object.fromEntries(slow.importers) : slow).toEqual(expected);
    // What `pipeline affected` and the release notes get: the slow path only where the fast one refuses.
    expect(diffLockfiles(before, after).kind === 'unreadable').toBe(fast === 'fast path refuses');
    if (fast === 'fast path reads') return;
    const any = diffLockfilesAnyLayout(before, after);
    expect(any.kind === 'importers' ? Object.fromEntries(any.importers) : any).toEqual(expected);
  });

  test('scalars stay text: a version 1.10 is not the number 1.1, which would miss the snapshot it names', () => {
    const spec = (integrity: string) =>
      change((s) => {
        s.importers['services/c'] = { tenth: ['^1.10', '1.10'] };
        s.snapshots['tenth@1.10'] = {};
        s.integrity = { 'tenth@1.10': integrity };
      });
    const plain = (text: string) => text.replaceAll("'1.10'", '1.10').replace(/^ +/gm, (m) => m + m);
    expect(diffLockfilesAsYaml(plain(spec('old')), plain(spec('new')))).toEqual({
      kind: 'importers',
      importers: new Map([['services/c', ['pnpm-lock.yaml: tenth (tenth@1.10) re-resolved']]]),
    });
  });

  test.each<[string, string | undefined, string | undefined, unknown]>([
    ['a head that is not YAML', base, 'importers:\n  a: [\n', { kind: 'invalid-yaml', side: 'head' }],
    ['a base with conflict markers', `<<<<<<< HEAD\n${base}`, base, { kind: 'invalid-yaml', side: 'base' }],
    ['a head with a key given twice', base, `${base}\nsettings: {}\n`, { kind: 'invalid-yaml', side: 'head' }],
    ['a head that is YAML but not a lockfile', base, 'importers: [1, 2]\n', { kind: 'unreadable', side: 'head' }],
    ['a head that is a sequence', base, '- 1\n', { kind: 'unreadable', side: 'head', detail: 'the document is a sequence, not a mapping' }],
    ['an empty base', '', base, { kind: 'unreadable', side: 'base', detail: 'the document is empty, not a mapping' }],
    ['a head that is one scalar', base, 'lockfile\n', { kind: 'unreadable', side: 'head', detail: 'the document is a string, not a mapping' }],
    ['a deleted lockfile', base, undefined, { kind: 'all', reason: 'pnpm-lock.yaml was deleted: installs are no longer reproducible' }],
  ])('%s: %j', (_, before, after, expected) => {
    expect(diffLockfilesAsYaml(before, after)).toMatchObject(expected as object);
  });

  test('whatever the layout, a side that is not YAML is unreadable for the callers that treat both alike (release notes)', () => {
    expect(diffLockfilesAnyLayout(base, 'importers:\n  a: [\n')).toMatchObject({ kind: 'unreadable', side: 'head', detail: expect.stringMatching(/^not valid YAML: /) });
    expect(diffLockfilesAnyLayout(base, base)).toEqual({ kind: 'importers', importers: new Map() });
  });
});
