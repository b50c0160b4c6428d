/** The workspace graph read from git objects (no checkout), its glob walk and its cache, on real repositories. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseWorkspaceGlobsFast } from '../../../scripts/core/workspace/workspace-globs.js';
import { subtrees } from '../../../scripts/core/git/tree.js';
import { folderTest, globMatcher, segmentOfGroupWithSlash } from '../../../scripts/core/workspace/folder-globs.js';
import { openGit } from '../../../scripts/io/git.js';
import { loadWorkspaceFromGit } from '../../../scripts/io/workspace-git.js';
import { cleanup, commit, git as runGit, makeRepo } from './fixture.js';

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
    // A brace group that holds a `/` (pnpm, through picomatch, finds packages/b/c).
    [['packages/{a,b/c}'], 'packages/b', false, true],
    [['packages/{a,b/c}'], 'packages/b/c', true, true],
    [['packages/{a,b/c}'], 'packages/a', true, true],
    [['packages/{a,b/c}'], 'other', false, false],
    [['packages/{a,b}'], 'packages/a', true, false],
    [['services/*'], 'services/.hidden', false, false],
    [['**/pkg'], 'x', false, true],
    [['**/pkg'], 'x/pkg', true, true],
    [['apps/**'], 'other/x', false, false],
    [['a/**/b/c'], 'a/x/y', false, true],
    [['a/b/*'], 'a', false, true],
    [['a/b/*'], 'a/b', false, true],
    [['a/b/**'], 'a/b/c/d', true, true],
    [['libs/*//'], 'libs/a', true, false],
    [['v1./*'], 'v1./x', true, false],
    [['v1./*', '!v1./legacy'], 'v1./legacy', false, false],
    [['apps/*', '!./apps/legacy'], 'apps/legacy', false, false],
    [['apps/*', '!apps/legacy/'], 'apps/legacy', false, false],
    [['apps/*', '!apps/legacy//'], 'apps/legacy', false, false],
    // A folder whose name starts with a dot: entered only where a glob names it (picomatch's dot: false, as pnpm 10).
    [['**'], '.git', false, false],
    [['**'], 'a/.cache', false, false],
    [['**'], 'a/b', true, true],
    [['apps/**'], 'apps/.x', false, false],
    [['apps/**'], 'apps/x/.y/z', false, false],
    [['.tools/*'], '.tools', false, true],
    [['.tools/*'], '.tools/t', true, false],
    [['**/.config/*'], 'a/.config', false, true],
    [['**/.config/*'], 'a/.config/x', true, true],
    // A dot-folder the deep part does not name is not entered (a `**` matches none): not .git, not .cache.
    [['**/.config/*'], 'a/.other', false, false],
    [['**/.config/*'], 'a/.other/x', false, false],
    [['**/.config/*'], '.git', false, false],
    [['**/.config/*'], '.git/objects/ab', false, false],
    [['**/.config/*'], '.config', false, true],
    [['packages/**/[.]x/*'], 'packages/q/.x', false, true],
    [['packages/**/[.]x/*'], 'packages/q/.x/t', true, true],
    [['packages/**/[.]x/*'], 'packages/q/.y', false, false],
    [['**/{.a,.b}/*'], 'x/.b', false, true],
    [['**/{.a,.b}/*'], 'x/.c', false, false],
    [['{a,.b/c}'], '.b', false, true],
    [['{a,.b/c}'], '.git', false, false],
    [['a/**/.b'], 'a/x/.b', true, true],
    [['packages/{x,.y/z}'], 'packages/.y', false, true],
    [['packages/{x,.y/z}'], 'packages/.y/z', true, true],
  ])('%j: %s is a package folder: %s, may contain one: %s', async (globs, path, isPackage, mayContain) => {
    const m = await globMatcher(globs);
    expect([m.isPackageDir(path), m.mayContain(path)]).toEqual([isPackage, mayContain]);
  });
});

describe('folderTest: the service folder globs', () => {
  test.each<[string[], string, boolean]>([
    [['services/*'], 'services/a', true],
    [['services/*'], 'services/a/b', false],
    [['services/*'], 'services/.hidden', false],
    [['./services/*/'], 'services/a', true],
    [['services/*//'], 'services/a', true],
    [['./.tools/*'], '.tools/x', true],
    [['a./b/*'], 'a./b/x', true],
    [['{apps,libs}/*'], 'libs/x', true],
    [[], 'services/a', false],
  ])('%j: %s is a service folder: %s', async (globs, path, expected) => {
    expect((await folderTest(globs))(path)).toBe(expected);
  });
});

describe('segmentOfGroupWithSlash', () => {
  test.each<[string, number]>([
    ['packages/*', -1],
    ['packages/{a,b}', -1],
    ['packages/{a,b/c}', 1],
    ['{apps,libs/x}/*', 0],
    ['a/b/@(x|y/z)', 2],
    ['a/\\{b/c}', -1],
    ['a/{b,{c,d/e}}', 1],
    ['{a,b}/c', -1],
    ['(a|b)/c', -1],
    ['a/{b,c}/{d,e/f}', 2],
    ['a}/b/{c/d}', 2],
    ['a)/b/(c/d)', 2],
    ['{a/b', 0],
  ])('%s: %d', (glob, segment) => {
    expect(segmentOfGroupWithSlash(glob)).toBe(segment);
  });
});

describe('subtrees', () => {
  test('the folders of a tree object, as git ls-tree lists them (names with spaces, newlines, non-ASCII)', async () => {
    const { root } = makeRepo();
    const names = ['plain', 'with space', 'new\nline', 'caf\u00e9', '\u65e5\u672c', 'x.y'];
    const head = commit(
      root,
      'odd folders',
      Object.fromEntries(
        names.flatMap((n) => [
          [`odd/${n}/f.txt`, 'x\n'],
          [`odd/file-${n.length}`, 'y\n'],
        ]),
      ),
    );
    const git = await openGit(root);
    try {
      const [tree] = await git.readObjects([`${head}:odd`]);
      expect(tree?.type).toBe('tree');
      // ls-tree -z: `<mode> <type> <sha>\t<name>\0`, names byte for byte.
      const listed = runGit(root, 'ls-tree', '-z', `${head}:odd`)
        .split('\0')
        .filter((l) => l.startsWith('040000 tree '))
        .map((l) => ({ name: l.slice(l.indexOf('\t') + 1), sha: l.split(' ')[2]?.split('\t')[0] }));
      expect(subtrees(tree?.content ?? Buffer.alloc(0))).toEqual(listed);
      expect(listed.map((e) => e.name).sort()).toEqual([...names].sort());
    } finally {
      git.close();
    }
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
      await Promise.all([a.cached, b.cached]);
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

  test('a workspace big enough for two readers: every manifest and marker lands on its own folder', async () => {
    // 450 folders (two readers of 225 each): services on even numbers; a package.json that is a
    // folder, a folder without one, and a Dockerfile that is a folder, in each half.
    const files: Record<string, string> = { 'pnpm-workspace.yaml': "packages:\n  - 'services/*'\n", 'package.json': '{"name":"root","private":true}' };
    const pad = (i: number) => String(i).padStart(3, '0');
    for (let i = 0; i < 450; i++) {
      const dir = `services/s${pad(i)}`;
      if (i === 100 || i === 300) files[`${dir}/package.json/x`] = 'not a manifest\n';
      else if (i === 101 || i === 301) files[`${dir}/README.md`] = 'no manifest\n';
      else files[`${dir}/package.json`] = JSON.stringify({ name: `@big/s${pad(i)}`, dependencies: i > 0 ? { [`@big/s${pad(Math.max(i - 2, 0))}`]: 'workspace:*' } : {} });
      if (i === 200 || i === 400) files[`${dir}/Dockerfile/x`] = 'a folder named Dockerfile\n';
      else if (i % 2 === 0) files[`${dir}/Dockerfile`] = 'FROM scratch\n';
    }
    // i-2 of 102 and 302 are the folders without a manifest: point those at s098 and s298 instead.
    files['services/s102/package.json'] = JSON.stringify({ name: '@big/s102', dependencies: { '@big/s098': 'workspace:*' } });
    files['services/s103/package.json'] = JSON.stringify({ name: '@big/s103', dependencies: { '@big/s099': 'workspace:*' } });
    files['services/s302/package.json'] = JSON.stringify({ name: '@big/s302', dependencies: { '@big/s298': 'workspace:*' } });
    files['services/s303/package.json'] = JSON.stringify({ name: '@big/s303', dependencies: { '@big/s299': 'workspace:*' } });
    const { root, first } = makeRepo(files);
    const git = await openGit(root);
    try {
      const { workspace } = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile' });
      const expected = Array.from({ length: 450 }, (_, i) => i).filter((i) => ![100, 101, 300, 301].includes(i));
      expect([...workspace.packages.values()].map((p) => p.dir)).toEqual(expected.map((i) => `services/s${pad(i)}`));
      for (const i of expected) expect(workspace.get(`@big/s${pad(i)}`).dir).toBe(`services/s${pad(i)}`);
      expect(workspace.services.map((s) => s.folder)).toEqual(expected.filter((i) => i % 2 === 0 && i !== 200 && i !== 400).map((i) => `s${pad(i)}`));
      expect(workspace.get('@big/s449').workspaceDeps).toEqual(['@big/s447']);
      expect(workspace.get('@big/s302').workspaceDeps).toEqual(['@big/s298']);
      expect(workspace.withDependents(['@big/s440']).size).toBe(5);
    } finally {
      git.close();
    }
  });

  test('the cache key is the trees the globs start from: a change elsewhere reuses the graph, one in a package does not', async () => {
    const { root, first } = makeRepo();
    const docs = commit(root, 'docs and tooling', { 'README.md': '# changed\n', 'scripts/tool.ts': 'export const x = 1;\n' });
    const code = commit(root, 'a source file', { 'services/gamma/src/main.ts': 'export const g = 2;\n' });
    const yaml = commit(root, 'one more glob', { 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'services/*'\n  - 'tools/*'\n" });
    const git = await openGit(root);
    const cache = join(git.gitDir, 'test-cache');
    const files = () => readdirSync(cache).filter((f) => f.endsWith('.json'));
    try {
      const load = async (commit: string) => {
        const loaded = await loadWorkspaceFromGit(git, commit, { dir: '', marker: 'Dockerfile', cacheDir: cache });
        await loaded.cached;
        return loaded;
      };
      await load(first);
      expect(files()).toHaveLength(1);
      await load(docs);
      expect(files()).toHaveLength(1);
      await load(code);
      expect(files()).toHaveLength(2);
      const fromYaml = await load(yaml);
      expect(files()).toHaveLength(3);
      expect(fromYaml.workspace.packages.size).toBe(5);
    } finally {
      git.close();
    }
  });

  test.each<[string, string[], Record<string, string>, string[]]>([
    [
      'a deep glob and an exclusion',
      ['apps/**', '!apps/legacy'],
      { 'apps/web/package.json': '', 'apps/web/admin/package.json': '', 'apps/legacy/package.json': '' },
      ['apps/web', 'apps/web/admin'],
    ],
    ['a literal folder', ['tools/cli', 'libs/*'], { 'tools/cli/package.json': '', 'tools/other/package.json': '', 'libs/a/package.json': '' }, ['libs/a', 'tools/cli']],
    ['a wildcard first', ['*/pkg'], { 'x/pkg/package.json': '', 'y/pkg/package.json': '', 'x/other/package.json': '' }, ['x/pkg', 'y/pkg']],
    ['braces (picomatch)', ['{apps,libs}/*'], { 'apps/a/package.json': '', 'libs/b/package.json': '', 'tools/c/package.json': '' }, ['apps/a', 'libs/b']],
    [
      'folders that are not packages',
      ['packages/*'],
      {
        'packages/a/package.json': '',
        'packages/no-manifest/index.ts': '',
        'packages/dir-manifest/package.json/x': '',
        'packages/.hidden/package.json': '',
        'packages/node_modules/package.json': '',
      },
      ['packages/a'],
    ],
  ])('globs: %s', async (_, globs, layout, dirs) => {
    const files: Record<string, string> = { 'pnpm-workspace.yaml': `packages:\n${globs.map((g) => `  - '${g}'`).join('\n')}\n` };
    for (const [path, text] of Object.entries(layout))
      files[path] = path.endsWith('/package.json') ? JSON.stringify({ name: path.split('/').slice(0, -1).join('-') }) : text || 'x';
    const { root, first } = makeRepo(files);
    const git = await openGit(root);
    try {
      const { workspace } = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile' });
      expect([...workspace.packages.values()].map((p) => p.dir).sort()).toEqual(dirs);
    } finally {
      git.close();
    }
  });

  test('a marker in a subfolder of the package, and one that is a folder, not a file', async () => {
    const { root, first } = makeRepo({
      'pnpm-workspace.yaml': "packages:\n  - 'services/*'\n",
      'services/a/package.json': JSON.stringify({ name: 'a' }),
      'services/a/docker/Dockerfile': 'FROM x\n',
      'services/b/package.json': JSON.stringify({ name: 'b' }),
      'services/b/Dockerfile': 'FROM x\n',
      'services/c/package.json': JSON.stringify({ name: 'c' }),
      'services/c/docker/Dockerfile/readme': 'a folder\n',
    });
    const git = await openGit(root);
    try {
      const nested = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'docker/Dockerfile' });
      expect(nested.workspace.services.map((s) => s.folder)).toEqual(['a']);
      const plain = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile' });
      expect(plain.workspace.services.map((s) => s.folder)).toEqual(['b']);
    } finally {
      git.close();
    }
  });

  test('without a temporary folder for the bulk read, the manifests come through the shared reader', async () => {
    const { root, first } = makeRepo();
    const saved = process.env['TMPDIR'];
    const git = await openGit(root);
    try {
      const usual = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile' });
      process.env['TMPDIR'] = join(root, 'no-such-folder');
      const fallback = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile' });
      expect([...fallback.workspace.packages.values()]).toEqual([...usual.workspace.packages.values()]);
      expect(fallback.workspace.services.map((s) => s.folder)).toEqual(['alpha', 'beta', 'gamma']);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
      git.close();
    }
  });
});
