/**
 * Edges of the lockfile comparison that the layout-driven tests do not reach: whitespace-only lines
 * inside an entry, text indented under a scalar top-level key, snapshot cycles, references that carry
 * a URL or a path, a specifier that appears or disappears.
 */
import { describe, expect, test } from 'vitest';
import { diffLockfilesAnyLayout } from '../../../scripts/core/changes/lockfile-yaml.js';
import {
  diffLockfiles,
  LockfileShapeError,
  parseImporterDeps,
  productionPackages,
  refToKey,
  segmentLockfile,
  snapshotDeps,
  unquote,
} from '../../../scripts/core/changes/lockfile.js';

function importersOf(before: string, after: string): Record<string, readonly string[]> | string {
  const diff = diffLockfiles(before, after);
  if (diff.kind === 'importers') return Object.fromEntries(diff.importers);
  return diff.kind === 'all' ? `all: ${diff.reason}` : `unreadable ${diff.side}: ${diff.detail}`;
}

describe('lines of only spaces inside an entry are blank lines', () => {
  test('in an importer, between its dependencies', () => {
    const block = ['  svc:', '    dependencies:', '      ', '      x:', '        ', '        specifier: ^1', '        version: 1.0.0', '    '].join('\n');
    expect(parseImporterDeps(block)).toEqual([{ field: 'dependencies', name: 'x', specifier: '^1', version: '1.0.0' }]);
  });

  test('in a snapshot, between its dependencies', () => {
    const block = ['  top@1.0.0:', '    dependencies:', '      ', '      a: 1.0.0', '      # a comment', '      b: 2.0.0'].join('\n');
    expect(snapshotDeps(block)).toEqual([
      ['a', '1.0.0'],
      ['b', '2.0.0'],
    ]);
  });

  test('a whitespace-only line in an importer of a real diff does not make it unreadable', () => {
    const lock = (version: string) =>
      ["lockfileVersion: '9.0'", 'importers:', '  svc:', '    dependencies:', '      ', '      x:', '        specifier: ^1', `        version: ${version}`, ''].join('\n');
    expect(importersOf(lock('1.0.0'), lock('1.0.1'))).toEqual({ svc: ['pnpm-lock.yaml: dependencies x 1.0.0 -> 1.0.1'] });
  });
});

describe('a snapshot dependency that is not a name: reference pair', () => {
  // pnpm writes neither: the fast reader had skipped them (a dependency lost, a hunt found), now the YAML path reads them.
  test.each([
    ['a deeper line', ['  top@1.0.0:', '    dependencies:', '      a: 1.0.0', '        nested: 1']],
    ['a key without a value', ['  top@1.0.0:', '    dependencies:', '      a: 1.0.0', '      c:', '    transitivePeerDependencies:', '      - b']],
  ])("%s under dependencies is not the fast reader's", (_, lines) => {
    expect(() => snapshotDeps(lines.join('\n'))).toThrow(LockfileShapeError);
  });
});

describe('an importer line deeper than any dependency, with no dependency open, is skipped', () => {
  test("eight spaces right under a field: not the fast reader's (pnpm writes one level at a time)", () => {
    expect(() => parseImporterDeps('  svc:\n    dependencies:\n        version: 1.0.0\n      x: 2.0.0')).toThrow(/: indentation pnpm does not write: "version: 1.0.0"$/);
  });
});

describe('text indented under a scalar top-level key', () => {
  test('is kept with that key, so a change to it affects everything', () => {
    const doc = segmentLockfile("lockfileVersion: '9.0'\n  x: 1\nimporters: {}\n");
    expect(Object.fromEntries(doc.other)).toEqual({ lockfileVersion: '\n  x: 1' });
    const before = "lockfileVersion: '9.0'\n  x: 1\nimporters: {}\n";
    const after = "lockfileVersion: '9.0'\n  x: 2\nimporters: {}\n";
    expect(importersOf(before, after)).toBe('all: pnpm-lock.yaml: top-level "lockfileVersion" changed, which can change every install');
  });
});

describe('carriage returns and whitespace', () => {
  test("a carriage return anywhere is not the fast reader's: the YAML path reads it", () => {
    expect(() => segmentLockfile("lockfileVersion: '9.0'\nimporters:\n\r\ra: {}\n  b: {}\n")).toThrow('a carriage return (CRLF line ends)');
  });
});

describe('snapshot graphs with cycles', () => {
  // svc -> a -> b -> a (a cycle, as npm packages have), b -> leaf; only leaf's package entry changes.
  const lock = (integrity: string) =>
    [
      "lockfileVersion: '9.0'",
      'importers:',
      '  svc:',
      '    dependencies:',
      '      a:',
      '        specifier: ^1',
      '        version: 1.0.0',
      'packages:',
      '  leaf@1.0.0:',
      `    resolution: {integrity: sha512-${integrity}}`,
      'snapshots:',
      '  a@1.0.0:',
      '    dependencies:',
      '      b: 1.0.0',
      '  b@1.0.0:',
      '    dependencies:',
      '      a: 1.0.0',
      '      leaf: 1.0.0',
      '  leaf@1.0.0: {}',
    ].join('\n');

  test('a change below a cycle reaches the importer once, and the walk ends', () => {
    expect(importersOf(lock('old'), lock('new'))).toEqual({ svc: ['pnpm-lock.yaml: a depends on leaf@1.0.0, which changed'] });
  });
});

describe('references with a URL or a path', () => {
  test.each<[string, string, string]>([
    // A dependency aliased to a tarball: the reference names its own package before the colon.
    ['x', 'y@https://example.com/y-1.0.0.tgz', 'y@https://example.com/y-1.0.0.tgz'],
    // A path that holds an @ after the protocol's colon: the reference belongs to the dependency's name.
    ['x', 'file:vendor/y@2', 'x@file:vendor/y@2'],
  ])('refToKey(%s, %s) is %s', (name, ref, key) => {
    expect(refToKey(name, ref)).toBe(key);
  });
});

describe('a specifier that appears or disappears is named as (none)', () => {
  const lock = (dep: string[]) => ["lockfileVersion: '9.0'", 'importers:', '  svc:', '    dependencies:', ...dep, ''].join('\n');
  const short = lock(['      x: 1.0.0']);
  const long = lock(['      x:', '        specifier: ^1', '        version: 1.0.0']);
  test.each<[string, string, string, string]>([
    ['a specifier added', short, long, 'pnpm-lock.yaml: dependencies x specifier (none) -> ^1'],
    ['a specifier removed', long, short, 'pnpm-lock.yaml: dependencies x specifier ^1 -> (none)'],
  ])('%s', (_, before, after, reason) => {
    expect(importersOf(before, after)).toEqual({ svc: [reason] });
  });
});

describe('optional dependencies of an importer', () => {
  test('are dependencies whose change is attributed', () => {
    const lock = (version: string) =>
      ["lockfileVersion: '9.0'", 'importers:', '  svc:', '    optionalDependencies:', '      fsevents:', '        specifier: ^2', `        version: ${version}`, ''].join('\n');
    expect(importersOf(lock('2.3.2'), lock('2.3.3'))).toEqual({ svc: ['pnpm-lock.yaml: optionalDependencies fsevents 2.3.2 -> 2.3.3'] });
  });
});

describe('a double-quoted scalar with an escape JSON does not have', () => {
  const lock = (version: string) =>
    ["lockfileVersion: '9.0'", 'importers:', '  svc:', '    dependencies:', '      x:', '        specifier: ^1', `        version: ${version}`, ''].join('\n');

  test('is not in the layout pnpm writes: the fast path reports it, it does not throw', () => {
    expect(diffLockfiles(lock('1.0.0'), lock('"1.0.\\x31"'))).toEqual({ kind: 'unreadable', side: 'head', detail: 'a double-quoted scalar JSON cannot read: "1.0.\\x31"' });
    expect(() => unquote('"\\e"')).toThrow(LockfileShapeError);
  });

  test('YAML reads the escape (\\x31 is "1"): the change is attributed exactly', () => {
    const diff = diffLockfilesAnyLayout(lock('1.0.0'), lock('"1.0.\\x31"'));
    expect(diff.kind === 'importers' ? Object.fromEntries(diff.importers) : diff).toEqual({ svc: ['pnpm-lock.yaml: dependencies x 1.0.0 -> 1.0.1'] });
  });

  test('an escape YAML does not have either (\\q) is unreadable, as not valid YAML', () => {
    expect(diffLockfilesAnyLayout(lock('1.0.0'), lock('"\\q"'))).toMatchObject({ kind: 'unreadable', side: 'head', detail: expect.stringMatching(/^not valid YAML: /) });
  });
});

describe('keys and values as the fast path reads them', () => {
  test('a shape error is named', () => {
    expect(() => segmentLockfile('settings:\n')).toThrow(expect.objectContaining({ name: 'LockfileShapeError' }));
  });

  test('a key followed by a space and nothing has no value: an entry map may be written so', () => {
    expect([...segmentLockfile("lockfileVersion: '9.0'\nimporters: \n  a: {}\n").importers.keys()]).toEqual(['a']);
  });

  test('a top-level key named like an object method is other text', () => {
    expect(Object.fromEntries(segmentLockfile("lockfileVersion: '9.0'\ntoString:\n  a: 1\n").other)).toEqual({ toString: 'toString:\n  a: 1' });
  });

  test.each([
    ['lockfileVersion: \'9.0\'\npackages:\n  "k":x\n', 'line 3: expected "key:" or "key: value", got "\\"k\\":x"'],
    ['lockfileVersion: \'9.0\'\npackages:\n  "a"b: {}\n', 'line 3: expected "key:" or "key: value", got "\\"a\\"b: {}"'],
  ])('a quoted key must be the whole key: %j', (text, message) => {
    expect(() => segmentLockfile(text)).toThrow(message);
  });

  test('a quote inside a plain key is part of it', () => {
    expect([...segmentLockfile('lockfileVersion: \'9.0\'\npackages:\n  a"b": {}\n').packages.keys()]).toEqual(['a"b"']);
  });

  test("an importer line deeper than a dependency's fields is not the fast reader's", () => {
    expect(() => parseImporterDeps('  svc:\n    dependencies:\n      x:\n        version: 1.0.0\n          version: 9.9.9\n          specifier: ^9')).toThrow(
      /^importer dependencies: a line pnpm does not write: "version: 9.9.9"$/,
    );
  });

  test('an empty version is no version', () => {
    expect(() => parseImporterDeps('  svc:\n    dependencies:\n      x:\n        specifier: ^1\n        version:')).toThrow('importer dependency x has no version');
  });

  test("a snapshot line at six spaces before any field is not the fast reader's", () => {
    expect(() => snapshotDeps('  top@1.0.0:\n      a: 1.0.0\n    dependencies:\n      b: 2.0.0')).toThrow(/^line 1: indentation pnpm does not write: "a: 1.0.0"$/);
  });

  test('an alias with a peer suffix names its own package', () => {
    expect(refToKey('sw', 'string-width@4.2.3(typescript@5.0.0)')).toBe('string-width@4.2.3(typescript@5.0.0)');
  });
});

describe('which importers a catalog change reaches', () => {
  const lock = (tsVersion: string) =>
    [
      "lockfileVersion: '9.0'",
      'catalogs:',
      '  default:',
      '    typescript:',
      '      specifier: ^5',
      `      version: ${tsVersion}`,
      '  undefined:',
      '    typescript:',
      '      specifier: ^5',
      `      version: ${tsVersion}`,
      'importers:',
      '  short:',
      '    dependencies:',
      `      typescript: 5.0.0`,
      '  pinned:',
      '    dependencies:',
      '      typescript:',
      '        specifier: ^5.4.0',
      '        version: 5.0.0',
      '  uses:',
      '    dependencies:',
      '      typescript:',
      "        specifier: 'catalog:'",
      '        version: 5.0.0',
      '',
    ].join('\n');

  test('only the importer whose specifier names the catalog, not a short form, a pinned range or a catalog named "undefined"', () => {
    expect(importersOf(lock('5.0.0'), lock('5.0.1'))).toEqual({ uses: ['pnpm-lock.yaml: catalog entry default/typescript changed'] });
  });
});

describe('a changed snapshot with several parents', () => {
  const lock = (integrity: string) =>
    [
      "lockfileVersion: '9.0'",
      'importers:',
      '  one:',
      '    dependencies:',
      '      p1: 1.0.0',
      '  two:',
      '    dependencies:',
      '      p2: 1.0.0',
      'packages:',
      '  leaf@1.0.0:',
      `    resolution: {integrity: sha512-${integrity}}`,
      'snapshots:',
      '  p1@1.0.0:',
      '    dependencies:',
      '      leaf: 1.0.0',
      '  p2@1.0.0:',
      '    dependencies:',
      '      leaf: 1.0.0',
      '  leaf@1.0.0: {}',
    ].join('\n');

  test('reaches the importers above each parent', () => {
    expect(importersOf(lock('old'), lock('new'))).toEqual({
      one: ['pnpm-lock.yaml: p1 depends on leaf@1.0.0, which changed'],
      two: ['pnpm-lock.yaml: p2 depends on leaf@1.0.0, which changed'],
    });
  });
});

describe('productionPackages', () => {
  const lock = [
    "lockfileVersion: '9.0'",
    'importers:',
    '  .:',
    '    dependencies:',
    '      root-only: 1.0.0',
    '  svc:',
    '    dependencies:',
    '      x: 1.0.0',
    '      y: 1.0.0',
    '      shared: link:../shared',
    'snapshots:',
    '  x@1.0.0:',
    '    dependencies:',
    '      y: 1.0.0',
    '  y@1.0.0:',
    '    dependencies:',
    '      x: 1.0.0',
    '      z: 1.0.0(peer@1.0.0)',
    '      local: link:../local',
    '  z@1.0.0(peer@1.0.0): {}',
    '  root-only@1.0.0: {}',
  ].join('\n');

  test('the closure of the non-root importers, past workspace links and through a cycle', () => {
    expect(productionPackages(lock)).toEqual(['x@1.0.0', 'y@1.0.0', 'z@1.0.0']);
  });
});

describe('fields of an importer other than its dependencies', () => {
  test('are skipped whatever they hold, a list included', () => {
    expect(parseImporterDeps('  svc:\n    someList:\n      - a\n    dependencies:\n      x: 1.0.0')).toEqual([
      { field: 'dependencies', name: 'x', specifier: undefined, version: '1.0.0' },
    ]);
  });
});

// pnpm (js-yaml) and the YAML path (yaml) both write a key over 1,024 characters as an explicit key.
describe('a snapshot key written as an explicit key', () => {
  const KEY = `a@1.0.0(${'p'.repeat(1100)}@1.0.0)`;
  test('with dependencies: the first field on the value line, the rest below', () => {
    expect(snapshotDeps(`  ? '${KEY}'\n  : dependencies:\n      b: 1.0.0\n      c: 2.0.0\n    transitivePeerDependencies:\n      - d`)).toEqual([
      ['b', '1.0.0'],
      ['c', '2.0.0'],
    ]);
    expect(snapshotDeps(`  ? '${KEY}'\n  : {}`)).toEqual([]);
  });

  test('the key is the scalar after ?, and its entry the whole text', () => {
    const text = `lockfileVersion: '9.0'\nsnapshots:\n  ? '${KEY}'\n  : dependencies:\n      b: 1.0.0\n  b@1.0.0: {}\n`;
    const doc = segmentLockfile(text);
    expect([...doc.snapshots.keys()]).toEqual([KEY, 'b@1.0.0']);
    expect(doc.snapshots.get(KEY)).toBe(`  ? '${KEY}'\n  : dependencies:\n      b: 1.0.0`);
  });

  test.each([
    ['no value line before the next entry', `  ? '${KEY}'\n  b@1.0.0: {}\n`],
    ['no value line at the end', `  ? '${KEY}'\n`],
    ['no value line before the next top-level key', `  ? '${KEY}'\npackages: {}\n`],
    ['a deeper line before the value line', `  ? '${KEY}'\n    dependencies:\n  : {}\n`],
  ])("%s: not the fast reader's", (_, snapshots) => {
    expect(() => segmentLockfile(`lockfileVersion: '9.0'\nsnapshots:\n${snapshots}`)).toThrow(/explicit key without its value/);
  });

  test('through the YAML path (re-indented by another tool), the change is attributed exactly', () => {
    const lock = (integrity: string) =>
      [
        "lockfileVersion: '9.0'",
        'importers:',
        '    svc:',
        '        dependencies:',
        '            a:',
        '                specifier: 1.0.0',
        `                version: 1.0.0(${'p'.repeat(1100)}@1.0.0)`,
        'packages:',
        '    b@1.0.0:',
        `        resolution: {integrity: ${integrity}}`,
        'snapshots:',
        `    ? '${KEY}'`,
        '    : dependencies:',
        '          b: 1.0.0',
        '    b@1.0.0: {}',
        '',
      ].join('\n');
    const diff = diffLockfilesAnyLayout(lock('sha512-1'), lock('sha512-2'));
    expect(diff.kind === 'importers' ? Object.fromEntries(diff.importers) : diff).toEqual({ svc: ['pnpm-lock.yaml: a depends on b@1.0.0, which changed'] });
  });
});
