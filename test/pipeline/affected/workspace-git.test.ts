/** The workspace graph read from git objects (no checkout), its glob walk and its cache, on real repositories. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseWorkspaceGlobsFast } from '../../../scripts/core/workspace/workspace-globs.js';
import { openGit } from '../../../scripts/io/git.js';
import { globMatcher, loadWorkspaceFromGit } from '../../../scripts/io/workspace-git.js';
import { cleanup, commit, makeRepo } from './fixture.js';

afterAll(cleanup);

describe('pnpm-workspace.yaml without a YAML parser', () => {
  test.each<[string, string[] | undefined]>([
    ['packages:\n  - \'packages/*\'\n  - "services/*"\n', ['packages/*', 'services/*']],
    ['# comment\npackages:\n  - apps/**   # all apps\n  - "!apps/legacy"\ncatalog:\n  typescript: 5.0.0\n', ['apps/**', '!apps/legacy']],
    ['onlyBuiltDependencies:\n  - esbuild\npackages:\n  - libs/*\n', ['libs/*']],
    // Anything else goes to the full parser.
    ['packages: [a/*, b/*]\n', undefined],
    ['packages:\n- a/*\n', undefined],
    ['catalog: {}\n', undefined],
    ['packages:\n  - [\n', undefined],
  ])('%j', (text, expected) => {
    expect(parseWorkspaceGlobsFast(text)).toEqual(expected);
  });
});

describe('globMatcher', () => {
  test.each<[string[], string, boolean, boolean]>([
    [['services/*'], 'services', false, true],
    [['services/*'], 'services/api', true, false],
    [['services/*'], 'services/api/src', false, false],
    [['services/*'], 'packages', false, false],
    [['apps/**'], 'apps/web/next', true, true],
    [['apps/**', '!apps/legacy'], 'apps/legacy', false, true],
    [['./libs/*/'], 'libs/a', true, false],
    [['*/pkg'], 'x', false, true],
    [['*/pkg'], 'x/pkg', true, false],
  ])('%j: %s is a package folder: %s, may contain one: %s', async (globs, path, isPackage, mayContain) => {
    const m = await globMatcher(globs);
    expect([m.isPackageDir(path), m.mayContain(path)]).toEqual([isPackage, mayContain]);
  });
});

describe('loadWorkspaceFromGit', () => {
  test('reads the graph of any commit, without checking it out, and caches it by tree', async () => {
    const { root, first } = makeRepo();
    const second = commit(root, 'gamma uses core', {
      'services/gamma/package.json': JSON.stringify({ name: '@kc/gamma', dependencies: { '@kc/core': 'workspace:*' } }),
      'services/delta/package.json': JSON.stringify({ name: '@kc/delta' }),
    });
    const git = await openGit(root);
    const cache = join(git.gitDir, 'test-cache');
    try {
      const a = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile', cacheDir: cache });
      const b = await loadWorkspaceFromGit(git, second, { dir: '', marker: 'Dockerfile', cacheDir: cache });
      expect(a.workspace.get('@kc/gamma').workspaceDeps).toEqual([]);
      expect(b.workspace.get('@kc/gamma').workspaceDeps).toEqual(['@kc/core']);
      // delta has no Dockerfile: a library.
      expect(b.workspace.services.map((s) => s.folder)).toEqual(['alpha', 'beta', 'gamma']);
      expect(readdirSync(cache)).toHaveLength(2);
      // From the cache: the same graph.
      const again = await loadWorkspaceFromGit(git, second, { dir: '', marker: 'Dockerfile', cacheDir: cache });
      expect([...again.workspace.packages.values()]).toEqual([...b.workspace.packages.values()]);
      expect(again.workspace.order).toEqual(b.workspace.order);
    } finally {
      git.close();
    }
    expect(existsSync(cache)).toBe(true);
  });
});
