/** The folders a change may have removed a package from (scripts/core/affected/removed-dirs.ts). */
import { describe, expect, test } from 'vitest';
import { removedPackageCandidates } from '../../scripts/core/affected/removed-dirs.js';

/** `services/*` and `packages/*`, as pnpm-workspace.yaml globs would match a folder. */
const isPackageDir = (dir: string) => /^(services|packages)\/[^/]+$/.test(dir);

describe('removedPackageCandidates', () => {
  test.each<[string, string[], string, string[]]>([
    ['a deleted service: its folder', ['services/old/src/main.ts', 'services/old/package.json'], '', ['services/old']],
    ['a file at the top of a deleted folder', ['services/old/package.json'], '', ['services/old']],
    ['a file directly under a glob root is no package folder', ['services/README.md'], '', []],
    ['a file outside every glob', ['scripts/tool.ts', 'docs/a/b.md'], '', []],
    ['a deeper file: only the parent the globs accept', ['services/old/src/deep/x.ts'], '', ['services/old']],
    ['two removed folders, each once, in the order met', ['services/b/x', 'packages/a/y', 'services/b/z'], '', ['services/b', 'packages/a']],
    ['a sibling with a longer name is its own candidate', ['services/a/x', 'services/ab/y'], '', ['services/a', 'services/ab']],
    ['a workspace in a sub-folder: paths relative to it', ['apps/web/services/old/src/x.ts'], 'apps/web', ['services/old']],
    ['a workspace in a sub-folder: files outside it are not its', ['services/old/x.ts', 'apps/webby/services/y/z.ts'], 'apps/web', []],
    ['a folder name holding a newline is never a package', ['services/a\nb/x.ts'], '', []],
    ['a workspace in a sub-folder: a file outside it whose path, cut at its length, would name a package', ['apps/zzz/services/a/b.ts'], 'apps/web', []],
    ['no unowned files', [], '', []],
  ])('%s', (_, unowned, prefix, expected) => {
    expect(removedPackageCandidates(unowned, prefix, isPackageDir)).toEqual(expected);
  });

  test('every parent is asked, deepest first, and a nested package folder counts too', () => {
    const asked: string[] = [];
    const nested = (dir: string) => {
      asked.push(dir);
      return dir === 'packages/app' || dir === 'packages/app/examples/demo';
    };
    expect(removedPackageCandidates(['packages/app/examples/demo/src/x.ts'], '', nested)).toEqual(['packages/app/examples/demo', 'packages/app']);
    expect(asked).toEqual(['packages/app/examples/demo/src', 'packages/app/examples/demo', 'packages/app/examples', 'packages/app', 'packages']);
  });
});
