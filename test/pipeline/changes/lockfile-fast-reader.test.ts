/**
 * The lockfile's fast reader refuses what pnpm does not write, each refusal naming the line and the text (the
 * YAML path then reads the lockfile, so these messages show only here and in a debugger: the rows pin them,
 * and that the fast reader, not the YAML path, takes pnpm's own forms), and the configuration document
 * pnpm 10 reads before the lockfile's.
 */
import { describe, expect, test } from 'vitest';
import { diffLockfilesAsYaml } from '../../../scripts/core/changes/lockfile-yaml.js';
import { diffLockfiles, lockfileDocuments, parseImporterDeps, segmentLockfile, snapshotDeps } from '../../../scripts/core/changes/lockfile.js';

const LONG = 'x'.repeat(100);
const cut = (text: string) => JSON.stringify(text.slice(0, 80));

describe('the fast reader refuses what pnpm does not write, naming it', () => {
  test.each<[string, () => unknown, string]>([
    ["a space before a plain key's colon", () => snapshotDeps('  a@1:\n    dependencies:\n      b : 1.0.0'), 'line 2: a key pnpm does not write: "b : 1.0.0"'],
    ['a merge key', () => snapshotDeps('  a@1:\n    dependencies:\n      <<: x'), 'line 2: a key pnpm does not write: "<<: x"'],
    [
      'a long key with a space before its colon, cut',
      () => snapshotDeps(`  a@1:\n    dependencies:\n      ${LONG} : 1`),
      `line 2: a key pnpm does not write: ${cut(`${LONG} : 1`)}`,
    ],
    ['a value with a comment', () => snapshotDeps('  a@1:\n    dependencies:\n      b: 1.0.0 # x'), 'line 2: a value pnpm does not write: "1.0.0 # x"'],
    ['a long value in flow style, cut', () => snapshotDeps(`  a@1:\n    dependencies:\n      b: {${LONG}}`), `line 2: a value pnpm does not write: ${cut(`{${LONG}}`)}`],
    ['an odd indentation', () => snapshotDeps('  a@1:\n    dependencies:\n       b: 1.0.0'), 'line 2: indentation pnpm does not write: "b: 1.0.0"'],
    ['a level skipped', () => snapshotDeps('  a@1:\n      dependencies: x'), 'line 1: indentation pnpm does not write: "dependencies: x"'],
    ['an indentation of two inside an entry', () => snapshotDeps('  a@1:\n    dependencies:\n  b: 1.0.0'), 'line 2: indentation pnpm does not write: "b: 1.0.0"'],
    ['a long line at a skipped level, cut', () => snapshotDeps(`  a@1:\n      ${LONG}`), `line 1: indentation pnpm does not write: ${cut(LONG)}`],
    ['an entry in flow style', () => snapshotDeps('  a@1: {dependencies: {b: 1.0.0}}'), 'an entry in flow style: "a@1: {dependencies: {b: 1.0.0}}"'],
    ['a long entry in flow style, cut', () => snapshotDeps(`  a@1: {${LONG}}`), `an entry in flow style: ${cut(`a@1: {${LONG}}`)}`],
    ['a quoted snapshot field', () => snapshotDeps("  a@1:\n    'dependencies':\n      b: 1.0.0"), 'a quoted snapshot field: "\'dependencies\':"'],
    ['a double-quoted snapshot field', () => snapshotDeps('  a@1:\n    "dependencies":\n      b: 1.0.0'), 'a quoted snapshot field: "\\"dependencies\\":"'],
    ['snapshot dependencies in flow style', () => snapshotDeps('  a@1:\n    dependencies: {b: 1.0.0}'), 'snapshot dependencies in flow style: "dependencies: {b: 1.0.0}"'],
    ['a snapshot dependency without a version', () => snapshotDeps('  a@1:\n    optionalDependencies:\n      b:'), 'snapshot dependency b without a version'],
    [
      'a line below a snapshot dependency',
      () => snapshotDeps('  a@1:\n    dependencies:\n      b: 1.0.0\n        c: 1'),
      'snapshot dependencies: a line pnpm does not write: "c: 1"',
    ],
    ['a quoted importer field', () => parseImporterDeps("  svc:\n    'dependencies':\n      a:"), 'a quoted importer field: "\'dependencies\':"'],
    ['a double-quoted importer field', () => parseImporterDeps('  svc:\n    "devDependencies":\n      a:'), 'a quoted importer field: "\\"devDependencies\\":"'],
    [
      'importer dependencies in flow style',
      () => parseImporterDeps('  svc:\n    dependencies: {a: {version: 1}}'),
      'importer dependencies in flow style: "dependencies: {a: {version: 1}}"',
    ],
    [
      "a line below an importer dependency's fields",
      () => parseImporterDeps('  svc:\n    dependencies:\n      a:\n        version: 1\n          x: 2'),
      'importer dependencies: a line pnpm does not write: "x: 2"',
    ],
    ['an explicit key without its value', () => snapshotDeps("  ? 'a@1'\n  b: 1"), 'an explicit key without its value: "? \'a@1\'"'],
    ['a key twice', () => segmentLockfile("lockfileVersion: '9.0'\npackages:\n  a@1: {}\n  a@1: {}\n"), 'a key twice: "a@1"'],
    [
      'a catalog entry twice',
      () => segmentLockfile("lockfileVersion: '9.0'\ncatalogs:\n  default:\n    a:\n      specifier: '1'\n    a:\n      specifier: '2'\n"),
      'a key twice: "default/a"',
    ],
    ['a top-level key twice', () => segmentLockfile("lockfileVersion: '9.0'\nsettings:\n  a: 1\nsettings:\n  a: 2\n"), 'line 4: the top-level key "settings" twice'],
    [
      'a catalog twice',
      () => segmentLockfile("lockfileVersion: '9.0'\ncatalogs:\n  default:\n    a:\n      specifier: '1'\n  default:\n    b:\n      specifier: '1'\n"),
      'line 6: catalog "default" twice or in flow style',
    ],
    ['a catalog in flow style', () => segmentLockfile("lockfileVersion: '9.0'\ncatalogs:\n  default: {a: {specifier: '1'}}\n"), 'line 3: catalog "default" twice or in flow style'],
    ['a catalog entry in flow style', () => segmentLockfile("lockfileVersion: '9.0'\ncatalogs:\n  default:\n    a: {specifier: '1'}\n"), 'line 4: catalog entry "a" in flow style'],
    ['an odd indentation one deeper', () => snapshotDeps('  a@1:\n    dependencies:\n     b: 1.0.0'), 'line 2: indentation pnpm does not write: "b: 1.0.0"'],
    ['an explicit key whose value line is deeper', () => segmentLockfile("lockfileVersion: '9.0'\npackages:\n  ? 'a@1'\n    : {}\n"), 'line 4: an explicit key without its value'],
    ['a field line without a colon, its line named', () => snapshotDeps('  a@1:\n    no colon here'), 'line 1: expected "key:" or "key: value", got "no colon here"'],
    ['a value line without its explicit key', () => segmentLockfile("lockfileVersion: '9.0'\npackages:\n  a@1: {}\n  : x\n"), 'line 4: expected "key:" or "key: value", got ": x"'],
    [
      'an explicit key followed by a key with a space',
      () => segmentLockfile("lockfileVersion: '9.0'\npackages:\n  ? 'a@1'\n  x y: 1\n"),
      'line 4: an explicit key without its value',
    ],
    // Each message cuts a long text at 80 characters.
    ['a long quoted importer field, cut', () => parseImporterDeps(`  svc:\n    '${LONG}':\n      a:`), `a quoted importer field: ${cut(`'${LONG}':`)}`],
    [
      'long importer dependencies in flow style, cut',
      () => parseImporterDeps(`  svc:\n    dependencies: {${LONG}}`),
      `importer dependencies in flow style: ${cut(`dependencies: {${LONG}}`)}`,
    ],
    [
      "a long line below an importer dependency's fields, cut",
      () => parseImporterDeps(`  svc:\n    dependencies:\n      a:\n        version: 1\n          ${LONG}: 2`),
      `importer dependencies: a line pnpm does not write: ${cut(`${LONG}: 2`)}`,
    ],
    ['a long quoted snapshot field, cut', () => snapshotDeps(`  a@1:\n    '${LONG}':\n      b: 1.0.0`), `a quoted snapshot field: ${cut(`'${LONG}':`)}`],
    [
      'long snapshot dependencies in flow style, cut',
      () => snapshotDeps(`  a@1:\n    dependencies: {${LONG}}`),
      `snapshot dependencies in flow style: ${cut(`dependencies: {${LONG}}`)}`,
    ],
    [
      'a long line below a snapshot dependency, cut',
      () => snapshotDeps(`  a@1:\n    dependencies:\n      b: 1.0.0\n        ${LONG}: 1`),
      `snapshot dependencies: a line pnpm does not write: ${cut(`${LONG}: 1`)}`,
    ],
    ['a long explicit key without its value, cut', () => snapshotDeps(`  ? '${LONG}'\n  b: 1`), `an explicit key without its value: ${cut(`? '${LONG}'`)}`],
    ['a long key twice, cut', () => segmentLockfile(`lockfileVersion: '9.0'\npackages:\n  ${LONG}: {}\n  ${LONG}: {}\n`), `a key twice: ${cut(LONG)}`],
    [
      'a long catalog entry twice, cut, its catalog named',
      () => segmentLockfile(`lockfileVersion: '9.0'\ncatalogs:\n  default:\n    ${LONG}:\n      specifier: '1'\n    ${LONG}:\n      specifier: '2'\n`),
      `a key twice: ${cut(`default/${LONG}`)}`,
    ],
    ['a long top-level key twice, cut', () => segmentLockfile(`lockfileVersion: '9.0'\n${LONG}: 1\n${LONG}: 2\n`), `line 3: the top-level key ${cut(LONG)} twice`],
    [
      'a long catalog twice, cut',
      () => segmentLockfile(`lockfileVersion: '9.0'\ncatalogs:\n  ${LONG}:\n    a:\n      specifier: '1'\n  ${LONG}:\n    b:\n      specifier: '1'\n`),
      `line 6: catalog ${cut(LONG)} twice or in flow style`,
    ],
    [
      'a long catalog entry in flow style, cut',
      () => segmentLockfile(`lockfileVersion: '9.0'\ncatalogs:\n  default:\n    ${LONG}: {specifier: '1'}\n`),
      `line 4: catalog entry ${cut(LONG)} in flow style`,
    ],
  ])('%s', (_, read, message) => {
    expect(read).toThrow(message);
    try {
      read();
    } catch (err) {
      expect(err instanceof Error && err.message).toBe(message);
    }
  });
});

describe("an importer's other fields", () => {
  // pnpm writes `publishDirectory` (publishConfig.directory) and `dependenciesMeta` beside the dependency fields.
  test('a scalar field and a block field beside the dependencies are passed over', () => {
    const block =
      '  svc:\n    publishDirectory: dist\n    dependenciesMeta:\n      a:\n        injected: true\n    dependencies:\n      a:\n        specifier: 1.0.0\n        version: 1.0.0';
    expect(parseImporterDeps(block)).toEqual([{ field: 'dependencies', name: 'a', specifier: '1.0.0', version: '1.0.0' }]);
  });
});

describe('an explicit key, as pnpm writes one over 1,024 characters', () => {
  test('its value line is found after a blank line, and only a `:` line (with nothing or a space after it) is one', () => {
    expect(snapshotDeps("  ? 'a@1'\n\n  : dependencies:\n      b: 1.0.0")).toEqual([['b', '1.0.0']]);
    expect(() => segmentLockfile("lockfileVersion: '9.0'\nsnapshots:\n  ? 'a@1'\n  :x: 1\n")).toThrow(/explicit key without its value/);
    const doc = segmentLockfile("lockfileVersion: '9.0'\nsnapshots:\n  ? 'a@1'\n  :\n    dependencies:\n      b: 1.0.0\n  b@1: {}\n");
    expect([...doc.snapshots.keys()]).toEqual(['a@1', 'b@1']);
    expect(snapshotDeps(doc.snapshots.get('a@1') ?? '')).toEqual([['b', '1.0.0']]);
  });

  test('an explicit key followed by a second one without a value between', () => {
    expect(() => segmentLockfile("lockfileVersion: '9.0'\nsnapshots:\n  ? 'a@1'\n  ? 'b@1'\n  : {}\n")).toThrow(/^line 4: an explicit key without its value$/);
  });
});

describe("pnpm's own forms take the fast path", () => {
  test('an entry key, a quoted one, an empty entry, dependencies, a quoted value', () => {
    expect(snapshotDeps("  '@s/a@1.0.0':\n    dependencies:\n      '@s/b': '1.0.0'\n      c: 2.0.0(d@1.0.0)\n    optionalDependencies:\n      e: 3.0.0")).toEqual([
      ['@s/b', '1.0.0'],
      ['c', '2.0.0(d@1.0.0)'],
      ['e', '3.0.0'],
    ]);
    expect(parseImporterDeps("  svc:\n    devDependencies:\n      '@s/a':\n        specifier: '*'\n        version: 1.0.0")).toEqual([
      { field: 'devDependencies', name: '@s/a', specifier: '*', version: '1.0.0' },
    ]);
  });
});

describe('the configuration document pnpm 10 reads before the lockfile (extractMainDocument)', () => {
  const env = (v: string) => `---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies:\n      x: ${v}\n---\n`;
  const main = (v: string) => `lockfileVersion: '9.0'\nimporters:\n  svc:\n    dependencies:\n      a:\n        specifier: ${v}\n        version: ${v}\n`;

  test.each<[string, ReturnType<typeof lockfileDocuments>]>([
    [`${env('1')}${main('1')}`, { env: env('1').slice(0, -5), main: main('1') }],
    [main('1'), { env: undefined, main: main('1') }],
    [`---\n${main('1')}`, { env: undefined, main: `---\n${main('1')}` }],
    ['x\n---\ny', { env: undefined, main: 'x\n---\ny' }],
    ['settings: 1\n---\ny', { env: undefined, main: 'settings: 1\n---\ny' }],
    ['---\n---\ny', { env: undefined, main: '---\n---\ny' }],
  ])('%j', (text, documents) => {
    expect(lockfileDocuments(text)).toEqual(documents);
  });

  test('a change to it affects everything; the lockfile after it is compared as usual', () => {
    expect(diffLockfiles(`${env('1')}${main('1')}`, `${env('2')}${main('1')}`)).toEqual({
      kind: 'all',
      reason: 'pnpm-lock.yaml: its first document (the configuration dependencies pnpm installs first) changed, which can change every install',
    });
    // The YAML path (a lockfile another tool wrote) splits it the same way.
    expect(diffLockfilesAsYaml(`${env('1')}${main('1')}`, `${env('2')}${main('1')}`)).toEqual({
      kind: 'all',
      reason: 'pnpm-lock.yaml: its first document (the configuration dependencies pnpm installs first) changed, which can change every install',
    });
    const diff = diffLockfiles(`${env('1')}${main('1')}`, `${env('1')}${main('2')}`);
    expect(diff.kind === 'importers' ? Object.fromEntries(diff.importers) : diff).toEqual({ svc: ['pnpm-lock.yaml: dependencies a 1 -> 2'] });
  });
});
