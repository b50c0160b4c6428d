/**
 * The workspace globs' `|` check and the walk into dot-folders under `**`: the defects a review found in the
 * first version of both (each failed before its fix). Every expectation is what pnpm 10.34.9 does
 * (`pnpm ls -r --depth -1 --json` on a scratch workspace, by hand).
 */
import { describe, expect, test } from 'vitest';
import { globMatcher } from '../../scripts/core/workspace/folder-globs.js';
import { checkWorkspaceGlobs } from '../../scripts/core/workspace/workspace-globs.js';

describe('the | check', () => {
  // picomatch escapes an unclosed `[` or `(` and keeps the `|` as the regexp's alternation: `packages\/\[a|b`.
  // pnpm 10: `packages/[a|b` alone lists nothing; beside `*/zzz` it lists the top-level folder b. Both loaders
  // accepted it and listed b and packages/[a, and the cache key (globRoots) starts from `packages` only.
  test.each(['packages/[a|b', 'packages/(a|b', 'packages/@(a|b'])('%s: a | after an unclosed [ or ( is outside any group: refused', (glob) => {
    expect(() => checkWorkspaceGlobs('pnpm-workspace.yaml', [glob])).toThrow(/holds a \| outside a group/);
  });

  // picomatch reads `{a,b|c}` as the group (a|b|c): pnpm 10 lists packages/a, b and c alone and beside `**`
  // or `*/zzz` alike. It was refused ("a | outside a group"): the check knew no brace group.
  test.each(['packages/{a,b|c}', 'a/@(b|c)', 'a/[|]x', 'a/{x,@(b|c)}', '[]|]', '[[:alpha:]|]', 'a/{1..3,q|r}'])(
    "%s: a | inside a closed group or class is the group's, as pnpm reads it",
    (glob) => {
      expect(checkWorkspaceGlobs('pnpm-workspace.yaml', [glob])).toEqual([glob]);
    },
  );

  test.each(['a/b|c', 'packages/{a|b}', 'a/(b)|c', 'a)|b', '{a..c}|d', 'packages/[]|b'])('%s: refused', (glob) => {
    expect(() => checkWorkspaceGlobs('pnpm-workspace.yaml', [glob])).toThrow(
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
