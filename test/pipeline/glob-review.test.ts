/**
 * The workspace globs' `|` check and the walk into dot-folders under `**`: the defects a review found in the
 * first version of both (each failed before its fix). Every expectation is what pnpm 10.34.9 does
 * (`pnpm ls -r --depth -1 --json` on a scratch workspace, by hand).
 */
import { describe, expect, test } from 'vitest';
import { globMatcher, globRoots } from '../../scripts/core/workspace/folder-globs.js';
import { hasTopLevelBar, parseWorkspaceGlobsFast, readWorkspaceGlobs } from '../../scripts/core/workspace/workspace-globs.js';

const read = (glob: string) => readWorkspaceGlobs('pnpm-workspace.yaml', `packages:\n  - '${glob}'\n`);

describe('the | check', () => {
  // picomatch escapes an unclosed `[` or `(` and keeps the `|` as the regexp's alternation: `packages\/\[a|b`.
  // pnpm 10: `packages/[a|b` alone lists nothing; beside `*/zzz` it lists the top-level folder b. Both loaders
  // accepted it and listed b and packages/[a, and the cache key (globRoots) starts from `packages` only.
  test.each(['packages/[a|b', 'packages/(a|b', 'packages/@(a|b'])('%s: a | after an unclosed [ or ( is outside any group: refused', async (glob) => {
    await expect(read(glob)).rejects.toThrow(/holds a \| outside a group/);
  });

  // picomatch reads `{a,b|c}` as the group (a|b|c): pnpm 10 lists packages/a, b and c alone and beside `**`
  // or `*/zzz` alike. It was refused ("a | outside a group"): the check knew no brace group.
  test.each(['packages/{a,b|c}', 'a/@(b|c)', 'a/[|]x', 'a/{x,@(b|c)}', '[]|]', '[[:alpha:]|]', 'a/{1..3,q|r}'])(
    "%s: a | inside a closed group or class is the group's, as pnpm reads it",
    async (glob) => {
      expect(await read(glob)).toEqual([glob]);
    },
  );

  test.each(['a/b|c', 'packages/{a|b}', 'a/(b)|c', 'a)|b', '{a..c}|d', 'packages/[]|b', 'a/[!]|]x', '!a/b|c'])('%s: refused', async (glob) => {
    await expect(read(glob)).rejects.toThrow(
      `pnpm-workspace.yaml: the package glob ${JSON.stringify(glob)} is not usable: it holds a | outside a group, which pnpm reads as an alternative of the whole glob, found only when it searches from the workspace root (write a/@(b|c), or two globs); expected a folder glob relative to the workspace root, e.g. services/*`,
    );
  });
});

describe('dot-folders under a ** glob', () => {
  // picomatch (dot: false) matches packages/**/[.]x/* against packages/q/.x/t, and pnpm 10 lists it; deepDots
  // looks for a literal `.` after / { ( , | only, so the walk never enters packages/q/.x.
  test('packages/**/[.]x/*: packages/q/.x may hold a package (pnpm lists packages/q/.x/t)', async () => {
    const m = await globMatcher(['packages/**/[.]x/*']);
    expect(m.isPackageDir('packages/q/.x/t')).toBe(true);
    expect(m.mayContain('packages/q/.x')).toBe(true);
  });

  // A deep part naming a dot-folder lets the walk into every dot-folder, .git included: the disk loader reads
  // the whole of .git/objects for `**/.config/*`. No package can lie there (a `**` matches no name starting
  // with a dot), and pnpm's crawler (tinyglobby's partial matcher) does not enter it.
  test.each(['.git', '.git/objects', '.git/objects/ab'])('**/.config/*: %s may hold no package', async (path) => {
    const m = await globMatcher(['**/.config/*']);
    expect(m.mayContain(path)).toBe(false);
  });
});

describe("hasTopLevelBar: a | outside every group and class of picomatch's expression", () => {
  test.each<[string, boolean]>([
    ['^(?:a\\/b|c)$', true],
    ['^(?:a\\/(b|c))$', false],
    ['^(?:a\\/(?:b|c))$', false],
    ['^(?:[|]x)$', false],
    ['^(?:[\\]|]x)$', false],
    ['^(?:a\\|b)$', false],
    ['^(?:a\\\\|b)$', true],
    ['$^', false],
    ['(?:x)|y', true],
    ['^(?:(a)|b)$', true],
    ['^(?:((a))|b)$', true],
    ['^(?:[a](b|c))$', false],
    // The wrapper is taken off only whole: a source that starts like it but does not end so keeps its groups.
    ['^(?:a)|b', true],
    ['a|(?:b)$', true],
  ])('%s: %s', (source, bar) => {
    expect(hasTopLevelBar(source)).toBe(bar);
  });

  test('a glob picomatch reads as matching nothing (an unclosed brace) is no alternative: accepted, and matches nothing, as pnpm lists nothing', async () => {
    expect(await read('packages/{|')).toEqual(['packages/{|']);
    const m = await globMatcher(['packages/{|']);
    expect([m.isPackageDir('packages'), m.isPackageDir('packages/x'), m.isPackageDir('x')]).toEqual([false, false, false]);
  });
});

test('a glob picomatch cannot compile (longer than it reads) is one line naming it', async () => {
  const glob = `a/${'b|'.repeat(40_000)}c`;
  await expect(read(glob)).rejects.toThrow(/^pnpm-workspace\.yaml: the package glob ".+" is not usable: Input length: \d+, exceeds maximum allowed length: \d+$/);
});

// pnpm 10 hands the globs to tinyglobby, which reads a leading `!` as an exclusion only when no `(` follows it
// (`!(tools)` is an extglob: every folder but tools), and a second `!` as dropping the glob (`!!x`) unless a `(`
// follows that (`!!(x)` excludes `!(x)`). Every row is what `pnpm ls -r --depth -1 --json` lists on a scratch
// workspace holding a, tools and x (pnpm 10.34.9, by hand). Both loaders read every glob starting with `!` as
// an exclusion of the rest: `!(tools)` excluded everything but tools, `!!x` excluded `!x`.
describe('a leading ! as pnpm reads it', () => {
  test.each<[readonly string[], readonly string[]]>([
    [['!(tools)'], ['a', 'x']],
    [
      ['*', '!!x'],
      ['a', 'tools', 'x'],
    ],
    [['*', '!!(x)'], ['x']],
    [
      ['*', '!(x)'],
      ['a', 'tools', 'x'],
    ],
    [['!(tools)', '!a'], ['x']],
    [
      ['*', '!tools'],
      ['a', 'x'],
    ],
    // A `!` alone excludes nothing (pnpm lists every package; it refuses an empty glob, "Missing or empty package").
    [
      ['*', '!'],
      ['a', 'tools', 'x'],
    ],
  ])('%j lists %j', async (globs, listed) => {
    const m = await globMatcher(globs);
    expect(['a', 'tools', 'x'].filter((dir) => m.isPackageDir(dir))).toEqual(listed);
    expect(m.mayContain('a')).toBe(false);
  });

  // `./x`, trailing slashes, a `./` inside a name: the folder as written.
  test.each<[readonly string[], readonly string[]]>([
    [['./x'], ['x']],
    [['tools//'], ['tools']],
    [['a./'], ['a.']],
    [['./'], []],
    [['.//'], []],
  ])('%j lists %j', async (globs, listed) => {
    const m = await globMatcher(globs);
    expect(['a', 'a.', 'tools', 'x'].filter((dir) => m.isPackageDir(dir))).toEqual(listed);
  });

  test('./x/* walks x: the walk sees the folder without its ./', async () => {
    const m = await globMatcher(['./x/*']);
    expect([m.mayContain('x'), m.mayContain('y'), m.isPackageDir('x/a')]).toEqual([true, false, true]);
  });

  // A glob pnpm drops is not read, so not checked; an extglob include is checked whole (its | is inside a group).
  test.each(['!!/abs', '!!../x', '!!a|b', '!(a|b)', '!', '!/', '!/services/*', './', '!./', './/'])('%s is accepted as written', async (glob) => {
    expect(await read(glob)).toEqual([glob]);
  });

  test('an extglob include starts its search at the root; a dropped !! glob starts none', () => {
    expect(globRoots(['!(tools)', 'services/*'])).toEqual(['', 'services']);
    expect(globRoots(['!!x', 'services/*'])).toEqual(['services']);
  });
});

// StrykerJS on the night's lines (reports s15) left these alive: each fails with one of its mutants.
describe('a ** before a group holding a /', () => {
  // The walk's prefix ends at the first of them (the **), so a folder any depth below `a` may hold a package.
  test('a/**/x/{b,c/d}: a/q/r/s may hold one (a/q/r/s/x/c/d), and is found', async () => {
    const m = await globMatcher(['a/**/x/{b,c/d}']);
    expect([m.mayContain('a/q/r/s'), m.mayContain('a/q'), m.isPackageDir('a/q/r/s/x/c/d'), m.mayContain('z')]).toEqual([true, true, true, false]);
  });
});

describe('the fast reader and document markers', () => {
  // A `---` after the first key starts a second document, which pnpm's reader refuses: the YAML parser's case.
  test("a document start after the packages block is not the fast reader's", () => {
    expect(parseWorkspaceGlobsFast('packages:\n  - a\n---\nfoo: 1\n')).toBeUndefined();
    expect(parseWorkspaceGlobsFast('---\npackages:\n  - a\n')).toEqual(['a']);
  });
});
