/**
 * The YAML path of the lockfile comparison on what another tool may write that pnpm does not: anchors
 * and aliases, both sides broken, errors reported on one line.
 */
import { describe, expect, test } from 'vitest';
import { segmentLockfile } from '../../../scripts/core/changes/lockfile.js';
import { canonicalLockfile, diffLockfilesAnyLayout, diffLockfilesAsYaml, lockfileInPnpmLayout } from '../../../scripts/core/changes/lockfile-yaml.js';
import { InputError } from '../../../scripts/core/errors.js';

const importer = (name: string, version: string) => [`  ${name}:`, '    dependencies:', '      x:', '        specifier: ^1', `        version: ${version}`];
const pnpmLayout = (version: string) =>
  ["lockfileVersion: '9.0'", '', 'importers:', '', ...importer('a', version), '', ...importer('b', '1.0.0'), '', 'snapshots:', '', '  x@1.0.0: {}', '', '  x@1.0.1: {}', ''].join(
    '\n',
  );

describe('an anchor and its alias are the value they name', () => {
  // The same value as pnpmLayout('1.0.0'), with importer b written as an alias of importer a.
  const aliased = (version: string) =>
    [
      "lockfileVersion: '9.0'",
      'importers:',
      '  a: &deps',
      '    dependencies:',
      '      x:',
      '        specifier: ^1',
      `        version: ${version}`,
      '  b: *deps',
      'snapshots:',
      '  x@1.0.0: {}',
      '  x@1.0.1: {}',
      '',
    ].join('\n');

  test('written out twice, so an alias compares equal to the entry it repeats', () => {
    expect(diffLockfilesAsYaml(pnpmLayout('1.0.0'), aliased('1.0.0'))).toEqual({ kind: 'importers', importers: new Map() });
  });

  test('a change through the anchor is a change of both importers', () => {
    expect(diffLockfilesAsYaml(pnpmLayout('1.0.0'), aliased('1.0.1'))).toEqual({
      kind: 'importers',
      importers: new Map([
        ['a', ['pnpm-lock.yaml: dependencies x 1.0.0 -> 1.0.1']],
        ['b', ['pnpm-lock.yaml: dependencies x 1.0.0 -> 1.0.1']],
      ]),
    });
  });

  // pnpm never writes an anchor: the fast path leaves such a text to the YAML path, which reads the alias
  // as the value it repeats (read by the fast path, importer b had no dependencies at all).
  test('through any layout, an alias is read as the value it repeats', () => {
    expect(diffLockfilesAnyLayout(pnpmLayout('1.0.0'), aliased('1.0.1'))).toEqual({
      kind: 'importers',
      importers: new Map([
        ['a', ['pnpm-lock.yaml: dependencies x 1.0.0 -> 1.0.1']],
        ['b', ['pnpm-lock.yaml: dependencies x 1.0.0 -> 1.0.1']],
      ]),
    });
    expect(diffLockfilesAnyLayout(aliased('1.0.0'), pnpmLayout('1.0.0'))).toEqual({ kind: 'importers', importers: new Map() });
  });

  test.each([
    ['after a key', '  b: *deps', 9],
    ['an anchor after a key, with more spaces', 'x:   &a 1', 1],
    ['first on a line', '    *deps', 2],
    ['after a sequence dash', '    - *a', 2],
    ['inside a flow collection', '    cpu: [x64, *a]', 2],
    ['after a flow mapping brace', '    x: {a: 1, b: *a}', 2],
    ['right after a flow bracket', '    cpu: [*a]', 2],
    ['after a sequence dash and two spaces', '    -  *a', 2],
  ])('the fast path leaves an anchor or alias %s to the YAML path, naming its line', (_, line, at) => {
    const text = at === 1 ? `${line}\n` : `lockfileVersion: '9.0'\n${'\n'.repeat(at - 2)}${line}\n`;
    expect(() => segmentLockfile(text)).toThrow(new RegExp(`^line ${at}: a YAML anchor or alias$`));
  });

  test.each([
    ['workspace:*, whose * follows a colon without a space', '        specifier: workspace:*'],
    ['a quoted star', "        specifier: '*'"],
    ['a star inside a plain scalar', '        specifier: 1.x || *'],
    ['an ampersand inside a key', '  a&b@1.0.0: {}'],
  ])('no anchor is seen in %s', (_, line) => {
    expect(() => segmentLockfile(`lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      x:\n${line}\n        version: 1.0.0\n`)).not.toThrow();
  });

  test('the canonical text holds no anchor', () => {
    const read = canonicalLockfile(aliased('1.0.0'));
    expect('text' in read ? read.text : read.error).not.toMatch(/[&*]deps|[&*]a1/);
  });
});

describe('broken sides', () => {
  test('both sides not YAML: the head is reported first', () => {
    expect(diffLockfilesAsYaml('a: [\n', 'b: [\n')).toMatchObject({ kind: 'invalid-yaml', side: 'head' });
  });

  test('a base that is not YAML, a head that is fine: the base is reported', () => {
    expect(diffLockfilesAsYaml('a: [\n', pnpmLayout('1.0.0'))).toMatchObject({ kind: 'invalid-yaml', side: 'base' });
  });

  test('a key given twice: the parser message alone, on one line, without the position', () => {
    expect(diffLockfilesAsYaml(pnpmLayout('1.0.0'), `${pnpmLayout('1.0.0')}importers: {}\n`)).toEqual({ kind: 'invalid-yaml', side: 'head', detail: 'Map keys must be unique' });
  });

  test('through any layout, the base side is named too', () => {
    expect(diffLockfilesAnyLayout('a: [\n', pnpmLayout('1.0.0'))).toMatchObject({ kind: 'unreadable', side: 'base', detail: expect.stringMatching(/^not valid YAML: /) });
  });

  test('a lockfile added: nothing to compare with, whatever its layout', () => {
    expect(
      diffLockfilesAsYaml(
        undefined,
        pnpmLayout('1.0.0').replace(/^ +/gm, (m) => m + m),
      ),
    ).toEqual({
      kind: 'all',
      reason: 'pnpm-lock.yaml was added: no base lockfile to compare with',
    });
  });
});

describe('canonicalLockfile', () => {
  test('keys sorted, two spaces, quotes only where YAML needs them', () => {
    expect(canonicalLockfile('{"b": {"y": "1", "x": "@s/p"}, "a": "1.10"}')).toEqual({ text: "a: 1.10\nb:\n  x: '@s/p'\n  y: 1\n" });
  });
});

describe('a lockfile the fast path reads is not re-read as YAML', () => {
  test('a reordered importer stays a change (safe, not exact): the fast answer is the answer', () => {
    const reordered = pnpmLayout('1.0.0').replace('        specifier: ^1\n        version: 1.0.0', '        version: 1.0.0\n        specifier: ^1');
    expect(diffLockfilesAnyLayout(pnpmLayout('1.0.0'), reordered)).toEqual({ kind: 'importers', importers: new Map([['a', ['pnpm-lock.yaml: importer entry changed']]]) });
  });
});

describe('lockfileInPnpmLayout: the text the line-based reader reads (pnpm audit:deps)', () => {
  test("pnpm's own text as it is, searched for anchors", () => {
    const text = pnpmLayout('1.0.0');
    expect(lockfileInPnpmLayout(text)).toEqual({ text, aliasFree: false });
  });

  test("another tool's text re-read as YAML: written out in pnpm's layout, not searched again", () => {
    const read = lockfileInPnpmLayout(`lockfileVersion: '9.0'\nimporters:\n  a: &deps\n    dependencies:\n      x:\n        specifier: ^1\n        version: 1.0.0\n  b: *deps\n`);
    expect(read.aliasFree).toBe(true);
    expect(read.text).not.toMatch(/[&*]deps/);
    expect(read.text).toMatch(/^ {2}b:\n {4}dependencies:\n {6}x:\n/m);
  });

  test.each<[string, string, RegExp]>([
    ['not YAML', 'importers: [\n', /^pnpm-lock\.yaml: not a lockfile pnpm can read \(.+\); run pnpm install to write it again$/],
    ['YAML but a list', '- a\n- b\n', /^pnpm-lock\.yaml: not a lockfile pnpm can read \(the document is a sequence, not a mapping\); run pnpm install/],
    ['a mapping that is no lockfile', 'importers: 5\n', /^pnpm-lock\.yaml: not a pnpm v9 lockfile; run pnpm install to write it again$/],
  ])('%s: an InputError', (_, text, message) => {
    expect(() => lockfileInPnpmLayout(text)).toThrow(InputError);
    expect(() => lockfileInPnpmLayout(text)).toThrow(message);
  });
});
