/**
 * core/workspace/discover.ts on an in-memory listing (a folder tree written as a table): the walk, the
 * folders it skips, the service rule, and a listing that answers short. The same rules on real
 * folders and commits: test/pipeline/affected/workspace-discovery.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { discoverPackages, type Folder, type FolderListing, symlinkedManifest } from '../../scripts/core/workspace/discover.js';
import { globMatcher } from '../../scripts/core/workspace/folder-globs.js';

/** A listing over file paths: a folder's handle is its path; `asked` records each level's folders. */
function listing(files: readonly string[], asked: string[][] = []): FolderListing<string> {
  const has = new Set(files);
  const subfolders = (dir: string) => {
    const names = new Set<string>();
    for (const f of files) {
      const rest = dir === '' ? f : f.startsWith(`${dir}/`) ? f.slice(dir.length + 1) : undefined;
      const slash = rest?.indexOf('/') ?? -1;
      if (rest !== undefined && slash > 0) names.add(rest.slice(0, slash));
    }
    return [...names].sort().map((name) => ({ name, handle: dir === '' ? name : `${dir}/${name}` }));
  };
  return {
    subfolders: async (folders) => {
      asked.push(folders.map((f) => f.path));
      return folders.map((f) => subfolders(f.handle));
    },
    packageFiles: async (folders, marker) =>
      folders.map((f) => ({ manifest: has.has(`${f.handle}/package.json`) ? `{"name":"${f.handle}"}` : undefined, marker: has.has(`${f.handle}/${marker}`) })),
  };
}

const rule = (serviceGlobs: readonly string[] = []) => ({ marker: 'Dockerfile', isServiceDir: (path: string) => serviceGlobs.some((g) => path.startsWith(g)) });

describe('discoverPackages', () => {
  test.each<[string, string[], string[], Array<[string, boolean]>]>([
    [
      'one level',
      ['services/*'],
      ['services/a/package.json', 'services/a/Dockerfile', 'services/b/package.json', 'services/c/x.ts'],
      [
        ['services/a', true],
        ['services/b', false],
      ],
    ],
    [
      // pnpm's own workspace search ignores **/node_modules/** and **/bower_components/** (and, as fast-glob does, dot-folders).
      'node_modules and bower_components are never searched; a dot-folder only where a glob names it (.tools/*, not **, as pnpm 10); dist is (pnpm finds it)',
      ['**', '.tools/*'],
      [
        'a/package.json',
        'node_modules/x/package.json',
        'bower_components/v/package.json',
        'dist/y/package.json',
        '.tools/z/package.json',
        'a/.git/w/package.json',
        'b./package.json',
      ],
      [
        ['a', false],
        ['b.', false],
        ['.tools/z', false],
        ['dist/y', false],
      ],
    ],
    ['an exclusion', ['apps/*', '!apps/old'], ['apps/new/package.json', 'apps/old/package.json'], [['apps/new', false]]],
    ['nothing matches', ['libs/*'], ['services/a/package.json'], []],
  ])('%s', async (_, globs, files, expected) => {
    const found = await discoverPackages(listing(files), '', await globMatcher(globs), rule());
    expect(found.map((p) => [p.dir, p.isService])).toEqual(expected);
    for (const p of found) expect(p.manifest).toBe(`{"name":"${p.dir}"}`);
  });

  test('a package is a service by its marker or by a service folder glob', async () => {
    const files = ['services/new/package.json', 'services/old/package.json', 'services/old/Dockerfile', 'libs/u/package.json', 'libs/t/package.json', 'libs/t/Dockerfile'];
    const found = await discoverPackages(listing(files), '', await globMatcher(['services/*', 'libs/*']), rule(['services/']));
    expect(found.map((p) => [p.dir, p.isService])).toEqual([
      ['libs/t', true],
      ['libs/u', false],
      ['services/new', true],
      ['services/old', true],
    ]);
  });

  test('the walk asks for one level at a time, and only where a package folder could still be', async () => {
    const asked: string[][] = [];
    await discoverPackages(listing(['services/a/src/x/y.ts', 'services/a/package.json', 'docs/deep/er/z.md'], asked), '', await globMatcher(['services/*']), rule());
    expect(asked).toEqual([[''], ['services']]);
  });

  test.each<[string, (l: FolderListing<string>) => FolderListing<string>, string]>([
    [
      'fewer levels than folders',
      (l) => ({ ...l, subfolders: async (f: readonly Folder<string>[]) => (await l.subfolders(f)).slice(0, -1) }),
      'folder listing answered 0 of 1 folders',
    ],
    [
      'fewer package files than folders',
      (l) => ({ ...l, packageFiles: async (f: readonly Folder<string>[], m: string) => (await l.packageFiles(f, m)).slice(1) }),
      'folder listing read 1 of 2 package folders',
    ],
  ])('a listing that answers %s is a bug, not fewer packages', async (_, short, message) => {
    const files = ['services/a/package.json', 'services/b/package.json'];
    await expect(discoverPackages(short(listing(files)), '', await globMatcher(['services/*']), rule())).rejects.toThrow(new Error(message));
  });
});

test('a symbolic link as package.json is bad input naming the file and the fix', () => {
  const err = symlinkedManifest('services/a/package.json');
  expect(err).toBeInstanceOf(InputError);
  expect(err.message).toBe("services/a/package.json is a symbolic link; the pipeline reads manifests from git's objects, where a link is not followed: commit the file itself");
});
