/**
 * firstAnchorOrAlias (scripts/core/changes/yaml-anchors.ts): an anchor or alias sends a lockfile to the
 * YAML path; text pnpm writes must not (a deprecation message holding `*` or `&` cost a whole YAML read,
 * and the YAML path's own output then failed the same check: every service was affected).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diffLockfiles, segmentLockfile } from '../../../scripts/core/changes/lockfile.js';
import { diffLockfilesAsYaml } from '../../../scripts/core/changes/lockfile-yaml.js';
import { firstAnchorOrAlias, nodeStartsAt } from '../../../scripts/core/changes/yaml-anchors.js';
import { parseAllDocuments, parseDocument, visit } from 'yaml';
import { REPO_ROOT } from '../../support/repo-copy.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('an anchor or alias is found, with its line', () => {
  test.each<[string, string, number]>([
    ['an alias after a key', lines('a: &x 1', 'b: *x'), 1],
    ['an alias only', lines('a: 1', 'b: *x'), 2],
    ['first on a line', lines('a:', '  *x'), 2],
    ['after a sequence dash', lines('a:', '  - *x'), 2],
    ['after a dash and two spaces', lines('a:', '  -  *x'), 2],
    ['after a complex-key mark', lines('? *x', ': 1'), 1],
    ['after a quoted key', lines("'a b': *x"), 1],
    ['first in a flow sequence', lines('a: [*x]'), 1],
    ['after a comma in a flow sequence', lines('a: [1, *x]'), 1],
    ['a value in a flow mapping', lines('a: {b: *x}'), 1],
    ['after a quoted value in a flow sequence', lines("a: ['1', *x]"), 1],
    ['a nested flow collection', lines('a: [[1], {c: 2}, *x]'), 1],
    ['after the key of a key on the same line as a dash', lines('a:', '  - b: *x'), 2],
    ['a CRLF file', 'a: 1\r\nb: *x\r\n', 2],
    ['after a block scalar ends', lines('a: |', '  * text', 'b: *x'), 3],
    ['at the end of a file without a newline', 'a: 1\nb: *x', 2],
    ['in the first column', lines('a: 1', '*x'), 2],
    ['after a tab', lines('a:\t*x'), 1],
    ['after a block scalar at the same indentation', lines('  a: |', '    * x', '  b: *y'), 3],
    // Not a block scalar's header: the lines after it are read as usual.
    ['after | followed by text', lines('a: |x', '  *y'), 2],
    ['after | with an indentation of 0', lines('a: |0', '  *y'), 2],
    ['after | and a word', lines('a: | x', '  *y'), 2],
    ['after | and a word that ends in |', lines('a: |x |', '  *y'), 2],
  ])('%s', (_, text, line) => {
    expect(firstAnchorOrAlias(text)).toBe(line);
  });
});

describe('what another tool may write: every text where the yaml library finds an alias is found', () => {
  // Found by a review: each was missed before (a block scalar under `- key:` hid its list item's other
  // keys, a flow collection over two lines, a tag before an anchor, a JSON-like key, `?` in a flow).
  test.each<[string, string]>([
    ['a block scalar under a dash and a key, then the item’s other keys', 'list:\n  - msg: |\n      line1\n      line2\n    a: &a1\n      z: 1\n    b: *a1\n'],
    ['the same, one level down', 'o: &o 1\nl:\n  - k: |\n      t\n    o: *o\n'],
    ['a block scalar in a nested sequence', 'o: &o 1\nl:\n- - |\n    t\n  - *o\n'],
    ['a flow sequence over two lines', 'o: &o x\nos: [\n  linux, *o]\n'],
    ['a flow sequence broken after an item', 'o: &o x\nos: [linux,\n  darwin, *o]\n'],
    ['a tag before an anchor', 'a: !!str &a v\nb: *a\n'],
    ['a tag before an anchor in a sequence', '- !t &a v\n- *a\n'],
    ['a tag before an anchor in a flow sequence', 'a: [ !!str &x 1, *x ]\n'],
    ['a JSON-like key in a flow mapping', 'o: &o 1\nm: {"k":*o}\n'],
    ['a complex key in a flow mapping', 'o: &o 1\nm: { ? *o : b }\n'],
    ['an anchor after a document start', '--- &a\nk: 1\n---\nx: *a\n'],
  ])('%s', (_, text) => {
    let aliases = 0;
    visit(parseAllDocuments(text)[0] ?? parseDocument(text), { Alias: () => void aliases++ });
    const anchored = text.includes('&');
    expect(aliases > 0 || anchored).toBe(true);
    expect(firstAnchorOrAlias(text)).toBeDefined();
  });

  // An alias alone (its anchor elsewhere, or another document's): found by its own line.
  test.each<[string, string, number]>([
    ['a flow sequence left open: its line', 'os: [\n  linux, *o]\n', 1],
    ['a flow mapping left open after a key: its line', 'a: 1\nm: {k: v,\n  l: *o}\n', 2],
    ['a key after a block scalar under a dash', 'list:\n  - msg: |\n      t\n    b: *a1\n', 4],
    ['an item after a block scalar in a nested sequence', 'l:\n- - |\n    t\n  - *o\n', 4],
  ])('%s', (_, text, line) => {
    expect(firstAnchorOrAlias(text)).toBe(line);
  });

  test('a block scalar whose first line is not deeper than its header is empty: the next line is read', () => {
    expect(firstAnchorOrAlias(lines('a: |', 'b: *x'))).toBe(2);
  });
});

describe('text pnpm writes holds none', () => {
  test.each<[string, string]>([
    ['workspace:*', lines('      x:', '        specifier: workspace:*', '        version: link:../x')],
    ['a quoted star', lines("        specifier: '*'")],
    ['a double-quoted alias-like text', lines('    deprecated: "x: *y"')],
    ['a single-quoted alias-like text with an escaped quote', lines("    deprecated: 'it''s *bad*: see x, *y'")],
    ['a plain deprecation with & after a comma', lines('    deprecated: Deprecated, & unmaintained')],
    ['a plain deprecation with *words*', lines('    deprecated: This has a bug, *please* upgrade')],
    ['a plain deprecation with a bracketed star', lines('    deprecated: see [*] note')],
    ['a specifier with ||', lines('        specifier: ^1.0.0 || ^2.0.0')],
    ['a quoted range', lines("        specifier: '>=1.0.0 <2.0.0'")],
    ['an ampersand inside a key', lines('  a&b@1.0.0: {}')],
    ['a flow sequence of plain values', lines('    cpu: [x64, arm64]')],
    ['a quoted flow value holding a star', lines("    os: ['!*', linux]")],
    ['a quoted flow value holding an opening bracket', lines("    os: ['[x', linux]")],
    ['a flow mapping closed on its line', lines('    resolution: {integrity: sha512-abc, tarball: https://x/y.tgz}')],
    ['a comment', lines('a: 1 # see *x', '# *y')],
    [
      'a block scalar with list lines',
      lines('    deprecated: |-', '      Deprecated:', '      * use x instead', '      & y', '', '      * more after a blank line', '    resolution: {integrity: sha512-x}'),
    ],
    ['a folded block scalar with a keep mark and an indent', lines('    deprecated: >+2', '        * x', '    engines: {node: ">=18"}')],
    ['a block scalar in a CRLF file', '    deprecated: |\r\n      * x\r\n\r\n      * y\r\n    z: 1\r\n'],
    ['a block scalar after a dash', lines('a:', '  - |', '    * x', '  - b')],
    ['a block scalar with an indentation then a chomping mark', lines('a: |2-', '    * x', 'b: 1')],
    ['a block scalar with a chomping mark then an indentation', lines('a: |-2', '    * x', 'b: 1')],
    ['a block scalar header with a comment', lines('a: > # folded', '  * x', 'b: 1')],
    ['a block scalar with an indentation only', lines('a: |2', '    * x', 'b: 1')],
    ['a block scalar with a chomping mark only', lines('a: >-', '  * x', 'b: 1')],
    ['a block scalar header with trailing blanks', lines('a: |  ', '  * x', 'b: 1')],
    ['a block scalar holding a line of blanks', lines('a: |', '  * x', '   ', '  * y', 'b: 1')],
    ['a block scalar at the end of a file without a newline', 'a: |\n  * x'],
  ])('%s', (_, text) => {
    expect(firstAnchorOrAlias(text)).toBeUndefined();
  });

  test("this repository's own lockfile", () => {
    expect(firstAnchorOrAlias(readFileSync(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8'))).toBeUndefined();
  });

  test('a lockfile with such deprecation messages keeps the fast path, and its answer', () => {
    const base = readFileSync(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8');
    const packages = base.indexOf('\npackages:\n\n') + '\npackages:\n\n'.length;
    const entryEnd = base.indexOf('\n\n', packages);
    const withMessage = (message: string) => `${base.slice(0, entryEnd)}\n    deprecated: ${message}${base.slice(entryEnd)}`;
    const plain = withMessage('No longer maintained, *please* use y & z');
    const block = withMessage('|-\n      Moved:\n      * to y');
    for (const head of [plain, block]) {
      // The fast path reads it (not `unreadable`), and gives what the YAML path gives.
      const fast = diffLockfiles(base, head);
      expect(fast.kind).toBe('importers');
      expect(diffLockfilesAsYaml(base, head)).toEqual(fast);
    }
  });
});

describe('nodeStartsAt: where on a line a node starts', () => {
  test.each<[string, number, boolean]>([
    ['*x', 0, true],
    ['  *x', 2, true],
    ['a: *x', 3, true],
    ['a:  *x', 4, true],
    ['a: b *x', 5, false],
    ['a: b', 3, true],
    ['a: b', 0, true],
    ['a: b', 1, false],
    ['- a', 2, true],
    ['- a', 0, false],
    ['"a": *x', 5, true],
    ['"a" *x', 4, false],
    ['"a', 2, false],
    ['a: [b, *x]', 7, true],
    ['a: [b *x]', 6, false],
    ['a: [#, *x]', 7, true],
    ['a: [b #c, *x]', 10, false],
    ['a: {b: *x}', 7, true],
    ['a: {b:*x}', 6, false],
    ["a: ['b', *x]", 9, true],
    ["a: ['b, *x]", 9, false],
    ['a # b: *x', 7, false],
    ['a:b *x', 4, false],
    ['a: !!str *x', 9, true],
    ['a: [!!str *x]', 9, true],
    ['a: [!t x *y]', 9, false],
    ['a: !!str&x', 8, false],
    ['--- *x', 4, true],
    ['---x: *y', 6, true],
    ['a: {? *x: 1}', 6, true],
    ['a: {"k":*x}', 8, true],
    ['a: ["k":*x]', 8, true],
    ["a: ['k' *x]", 8, false],
    // Quoted keys and values, with their escapes.
    ["a: '*x'", 4, false],
    ["'a': *x", 5, true],
    ["'a'': *b': *x", 6, false],
    ["'a'': *b': *x", 11, true],
    ['"a\\": *b": *x', 6, false],
    ['"a\\": *b": *x', 11, true],
    ["'a *x", 3, false],
    // Comments, dashes and complex keys.
    ['a: # b: *x', 8, false],
    ['a#b: *x', 5, true],
    ['a #b: *x', 6, false],
    ['-a: *x', 4, true],
    ['-*x', 1, false],
    ['? *x', 2, true],
    ['?*x', 1, false],
    ['- - *x', 4, true],
    ['a:*x', 2, false],
    ['a: b: *x', 6, true],
    ['\t*x', 1, true],
    // Flow collections: quotes, comments and nesting.
    ['a: [b, "c, *d", *x]', 11, false],
    ['a: [b, "c, *d", *x]', 16, true],
    ["a: ['c, *d']", 8, false],
    ["a: ['c, *x", 8, false],
    ['a: [b#c, *x]', 9, true],
    ['a: [[*x]]', 5, true],
    ['a: {"b": *x}', 9, true],
    ['a: {b: [c, *x]}', 11, true],
    ['a: [{*x: 1}]', 5, true],
    ['a: {*x: 1}', 4, true],
    ['a: ["b" *x]', 8, false],
    ["'a\\': *x", 6, true],
    ['"a"\': *x', 6, true],
    ['#a: *x', 4, false],
    ["'a: *x", 4, false],
    ['a: *x', 4, false],
    ['- *x', 2, true],
    ['-\t*x', 2, true],
  ])('%j at %i: %s', (line, p, starts) => {
    expect(nodeStartsAt(line, p)).toBe(starts);
  });
});

test("the YAML path's own text is not searched: nothing in it can send it back (it is written from parsed YAML)", () => {
  const text = "lockfileVersion: '9.0'\nimporters:\n  .: {}\n";
  expect(() => segmentLockfile(`${text}x: *y\n`)).toThrow(/^line 4: a YAML anchor or alias$/);
  expect(segmentLockfile(`${text}x: *y\n`, { aliasFree: true }).version).toBe('9.0');
});
