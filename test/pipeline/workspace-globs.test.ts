/**
 * pnpm-workspace.yaml's package globs: the fast reader (no YAML library) answers only for the block
 * form pnpm documents, and then exactly as the YAML parser does; anything else is left to the parser.
 * The globs are then checked as pnpm reads them (relative, inside the workspace).
 */
import { describe, expect, test } from 'vitest';
import { checkWorkspaceGlobs, normalizeLineBreaks, parseWorkspaceGlobsFast, readWorkspaceGlobs } from '../../scripts/core/workspace/workspace-globs.js';
import { parseWorkspaceYaml } from '../../scripts/core/workspace/workspace-yaml.js';

describe('parseWorkspaceGlobsFast: the block form, read as YAML reads it', () => {
  test.each<[string, string, string[]]>([
    ['plain, single- and double-quoted items', 'packages:\n  - a/*\n  - \'b/*\'\n  - "c/*"\n', ['a/*', 'b/*', 'c/*']],
    ['Windows line ends', 'packages:\r\n  - a/*\r\n  - b/*\r\n', ['a/*', 'b/*']],
    // pnpm's js-yaml breaks a line at a lone CR (the `yaml` library alone would keep it in the value: normalizeLineBreaks).
    ['a lone carriage return breaks the line', 'packages:\n  - a/*\r  - b/*\n', ['a/*', 'b/*']],
    ['carriage returns only', 'packages:\r  - a/*\r  - b/*\r', ['a/*', 'b/*']],
    ['a file ending in a lone carriage return', 'packages:\n  - a/*\r', ['a/*']],
    ['a no-break space after a plain item is part of it (YAML white space is the space and the tab)', 'packages:\n  - a/*\u00a0\n', ['a/*\u00a0']],
    ['a no-break space inside a plain item', 'packages:\n  - a\u00a0b\n', ['a\u00a0b']],
    ['blank and comment lines among the items', 'packages:\n\n  # the apps\n  - apps/*\n   \n# top comment\n  - libs/*\n', ['apps/*', 'libs/*']],
    ['comments after items', 'packages:\n  - a/*   # all of a\n  - \'b/*\' # b\n  - "c"  \n', ['a/*', 'b/*', 'c']],
    ['trailing spaces', 'packages:\n  - a/*   \n', ['a/*']],
    ['deeper indentation', 'packages:\n      -   a/*\n', ['a/*']],
    ['a # inside quotes is no comment', 'packages:\n  - \'a # b\'\n  - "c#d"\n', ['a # b', 'c#d']],
    ['a colon not followed by a space is part of the glob', 'packages:\n  - a:b/*\n', ['a:b/*']],
    ['other keys before and after, with their own lists and maps', 'onlyBuiltDependencies:\n  - esbuild\npackages:\n  - a/*\ncatalog:\n  react: 18.0.0\n', ['a/*']],
    ['a list item at the margin under another key', 'onlyBuiltDependencies:\n- esbuild\npackages:\n  - a/*\n', ['a/*']],
    ['an exclusion, quoted', "packages:\n  - apps/**\n  - '!apps/legacy'\n", ['apps/**', '!apps/legacy']],
    ['keys with underscores, dashes and digits', 'my_key-2: 1\npackages:\n  - a/*\n', ['a/*']],
    ['no newline at the end', 'packages:\n  - a/*', ['a/*']],
    ['a document start marker before the keys', '---\npackages:\n  - a/*\n', ['a/*']],
    ['a value that ends in three dots', 'packages:\n  - a/*\nother: b...\n', ['a/*']],
    ['a value that ends in three dashes', 'packages:\n  - a/*\nother: b---\n', ['a/*']],
  ])('%s', async (_, text, globs) => {
    expect(parseWorkspaceGlobsFast(text)).toEqual(globs);
    // The YAML parser agrees, on the text with its line breaks made LF, as both loaders read it.
    expect(parseWorkspaceYaml('pnpm-workspace.yaml', normalizeLineBreaks(text)).packages).toEqual(globs);
    expect(await readWorkspaceGlobs('pnpm-workspace.yaml', text)).toEqual(globs);
  });

  test.each<[string, string]>([
    ['no packages key', 'catalog:\n  react: 18\n'],
    ['an empty file', ''],
    ['a packages key without items', 'packages:\nother: 1\n'],
    ['packages twice', 'packages:\n  - a/*\npackages:\n  - b/*\n'],
    ['a flow list', 'packages: [a/*, b/*]\n'],
    ['a value after the key', 'packages: a/*\n'],
    ['a value after the key, then items', 'packages: x\n  - a/*\n'],
    ['a tab', 'packages:\n\t- a/*\n'],
    ['a tab before a comment', 'packages:\n  - a/*\t# x\n'],
    ['an item at the margin', 'packages:\n- a/*\n'],
    ['a top-level line that is no key', 'packages:\n  - a/*\n"quoted": 1\n'],
    ['a key that starts with a digit', '1packages:\n  - a/*\n'],
    ['a key followed by text without a space', 'packages:a\n  - a/*\n'],
    ['an empty quoted item', "packages:\n  - ''\n"],
    ['an empty double-quoted item', 'packages:\n  - ""\n'],
    ['a double-quoted item with an escape', 'packages:\n  - "a\\tb"\n'],
    ['a tag (!)', 'packages:\n  - !apps/legacy\n'],
    ['an anchor (&)', 'packages:\n  - &x a/*\n'],
    ['an alias (*)', 'packages:\n  - *x\n'],
    ['a flow item', 'packages:\n  - [a]\n'],
    ['a map item', 'packages:\n  - {a: 1}\n'],
    ['a block scalar', 'packages:\n  - |\n    a\n'],
    ['a nested list', 'packages:\n  - - a\n'],
    ['an item that is a map (a colon and a space)', 'packages:\n  - a: b\n'],
    ['an item that ends with a colon', 'packages:\n  - a:\n'],
    ['a # right after the text (part of the scalar in YAML)', 'packages:\n  - services/a#b\n'],
    ['a comment right after a quoted item (an error in YAML)', "packages:\n  - 'a'#c\n"],
    ['a line that is neither item nor key under packages', 'packages:\n  a/*\n'],
    ['an item without a space after the dash', 'packages:\n  -a/*\n'],
    ['a more indented item (a plain scalar going on, in YAML)', 'packages:\n  - a/*\n    - b/*\n'],
    ['a less indented item (a YAML error)', 'packages:\n    - a/*\n  - b/*\n'],
    ['an indented line before the first key (a YAML error)', '  - j :\npackages:\n  - a/*\n'],
    ['a list at the margin before the first key', '- x\npackages:\n  - a/*\n'],
    ['a second document', 'packages:\n  - a/*\n---\nother: 1\n'],
    ['a document end marker', 'packages:\n  - a/*\n...\n'],
    ['a document start marker after a key', 'a: 1\n---\npackages:\n  - a/*\n'],
    ['three dashes and text at the margin after the keys (a plain scalar: a YAML error)', 'packages:\n  - a/*\nb: 1\n---x\n'],
    ['a no-break space after the key (no mapping indicator in YAML)', 'packages:\u00a0\n  - a/*\n'],
    ['a no-break space after the dash', 'packages:\n  -\u00a0a/*\n'],
  ])('%s: left to the YAML parser', (_, text) => {
    expect(parseWorkspaceGlobsFast(text)).toBeUndefined();
  });

  // Plain scalars YAML's core schema reads as no string: left to the YAML parser, which refuses them, as the
  // disk loader does (the fast path read them as globs).
  test.each([
    'null',
    'Null',
    'NULL',
    '~',
    'true',
    'True',
    'TRUE',
    'false',
    'False',
    'FALSE',
    '5',
    '12',
    '+5',
    '+12',
    '1.5',
    '1.',
    '.5',
    '.55',
    '+.5',
    '1e3',
    '1e33',
    '1E+3',
    '2e-3',
    '0o17',
    '0x1F',
    '0xab',
    '.inf',
    '-.Inf',
    '+.INF',
    '.nan',
    '.NaN',
    '.NAN',
  ])('the plain item %s: left to the YAML parser, which refuses it', (item) => {
    const text = `packages:\n  - a/*\n  - ${item}\n`;
    expect(parseWorkspaceGlobsFast(text)).toBeUndefined();
    expect(() => parseWorkspaceYaml('w.yaml', text)).toThrow(/^w\.yaml: /);
  });

  test.each<[string, string, string]>([
    ['a quoted null is a string', "packages:\n  - 'null'\n", 'null'],
    ['a quoted number is a string', 'packages:\n  - "5"\n', '5'],
    ['a folder name that only starts like a number', 'packages:\n  - 2024-archive/*\n', '2024-archive/*'],
    ['a word that only starts like null', 'packages:\n  - nullable/*\n', 'nullable/*'],
    ['a word that only ends like true', 'packages:\n  - untrue\n', 'untrue'],
    ['a folder name with a dot and digits', 'packages:\n  - v1.2-beta\n', 'v1.2-beta'],
    ['an octal-looking name with an 8', 'packages:\n  - 0o8\n', '0o8'],
    ['a hexadecimal-looking name with a g', 'packages:\n  - 0x1g\n', '0x1g'],
    ['an exponent without digits', 'packages:\n  - 1e\n', '1e'],
    ['a name that starts like infinity', 'packages:\n  - .info\n', '.info'],
  ])('%s', (_, text, glob) => {
    expect(parseWorkspaceGlobsFast(text)).toEqual([glob]);
    expect(parseWorkspaceYaml('pnpm-workspace.yaml', text).packages).toEqual([glob]);
  });
});

describe('parseWorkspaceYaml', () => {
  test.each<[string, string]>([
    ['not YAML', 'packages: [\n'],
    ['a list document', '- a/*\n'],
    ['an empty list', 'packages: []\n'],
    ['a number among the globs', 'packages:\n  - a/*\n  - 1\n'],
    ['an empty glob', "packages:\n  - ''\n"],
    ['packages as a map', 'packages:\n  a: 1\n'],
    ['a list among the globs', 'packages:\n  - a/*\n  - [b]\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseWorkspaceYaml('w.yaml', text)).toThrow(/^w\.yaml: /);
  });

  test('a YAML error is one line naming the file', () => {
    expect(() => parseWorkspaceYaml('w.yaml', 'packages: [\n')).toThrow(/^w\.yaml: not valid YAML \((?!YAMLParseError)[^\n]+ at line \d+, column \d+:\)$/);
  });

  test('a document without usable globs names the expected form', () => {
    expect(() => parseWorkspaceYaml('w.yaml', 'packages: []\n')).toThrow('w.yaml: expected "packages:" with a list of folder globs, e.g. - services/*');
  });
});

describe('checkWorkspaceGlobs: folders inside the workspace, as pnpm reads them', () => {
  test('usable globs come back as they are', () => {
    const globs = ['services/*', '!services/legacy', 'a/**/b', '.hidden/*', 'a..b/*'];
    expect(checkWorkspaceGlobs('w.yaml', globs)).toBe(globs);
  });

  test.each<[string, string]>([
    ['', 'it is empty'],
    ['/services/*', 'it is absolute'],
    ['../elsewhere/*', 'it leaves the workspace (..)'],
    ['services/../../x', 'it leaves the workspace (..)'],
    ['services/..', 'it leaves the workspace (..)'],
    ['!..', 'it leaves the workspace (..)'],
    ['services\\*', 'it holds a backslash or a control character'],
    ['services/\u0000', 'it holds a backslash or a control character'],
    ['services/\u001f', 'it holds a backslash or a control character'],
    ['services/a\u007f', 'it holds a backslash or a control character'],
    ['services/\ta', 'it holds a backslash or a control character'],
  ])('%j: %s', (glob, why) => {
    expect(() => checkWorkspaceGlobs('w.yaml', ['ok/*', glob])).toThrow(
      `w.yaml: the package glob ${JSON.stringify(glob)} is not usable: ${why}; expected a folder glob relative to the workspace root, e.g. services/*`,
    );
  });

  test('a space, a non-ASCII letter and the first printable characters are fine', () => {
    expect(checkWorkspaceGlobs('w.yaml', ['my apps/*', 'caf\u00e9/*', ' !/*', '~/*'])).toHaveLength(4);
  });
});
