/**
 * Each changed path gets one kind, in the documented order: ignored, then the lockfile and the root
 * manifest, then the global inputs, then the deepest package folder, and anything else is unowned.
 * A workspace in a subfolder of the repository sees only the paths under it.
 */
import { describe, expect, test } from 'vitest';
import { classifyFiles } from '../../../scripts/core/affected/classify.js';
import { globEngineFor } from '../../../scripts/core/workspace/glob.js';
import { buildGraph } from '../../../scripts/core/workspace/graph.js';

// packages/core, packages/core/nested (a package inside a package), services/api.
const graph = buildGraph([
  { dir: 'packages/core', name: '@x/core', isService: false, refs: [] },
  { dir: 'packages/core/nested', name: '@x/nested', isService: false, refs: [] },
  { dir: 'services/api', name: '@x/api', isService: true, refs: [] },
]);

const rules = { globalInputs: ['tsconfig*.json', '*.yaml', '.npmrc'], ignore: ['**/*.md'] };

interface Plain {
  readonly ignored: readonly string[];
  readonly lockfile: boolean;
  readonly rootManifest: boolean;
  readonly global: Readonly<Record<string, readonly string[]>>;
  readonly packages: Readonly<Record<string, readonly string[]>>;
  readonly unowned: readonly string[];
  readonly localInputs: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** The classification without rootFiles (its own table below). */
function plain({ rootFiles: _, ...c }: ReturnType<typeof classifyFiles>): Plain {
  const localInputs = Object.fromEntries([...c.localInputs].map(([name, byFolder]) => [name, Object.fromEntries(byFolder)]));
  return { ...c, global: Object.fromEntries(c.global), packages: Object.fromEntries(c.packages), localInputs };
}

const none: Plain = { ignored: [], lockfile: false, rootManifest: false, global: {}, packages: {}, unowned: [], localInputs: {} };

describe('classifyFiles', () => {
  test.each<[string, string[], Partial<Plain>]>([
    ['nothing', [], {}],
    ['ignored first, even a lockfile or a package file', ['README.md', 'packages/core/CHANGES.md'], { ignored: ['README.md', 'packages/core/CHANGES.md'] }],
    ['the lockfile and the root manifest before the global inputs (*.yaml)', ['pnpm-lock.yaml', 'package.json'], { lockfile: true, rootManifest: true }],
    [
      'a nested lockfile or manifest is a package file',
      ['packages/core/package.json', 'services/api/pnpm-lock.yaml'],
      { packages: { '@x/core': ['package.json'], '@x/api': ['pnpm-lock.yaml'] } },
    ],
    [
      'each global input with its files, the first matching pattern taking a file',
      ['tsconfig.json', 'pnpm-workspace.yaml', 'tsconfig.base.json', '.npmrc'],
      { global: { 'tsconfig*.json': ['tsconfig.json', 'tsconfig.base.json'], '*.yaml': ['pnpm-workspace.yaml'], '.npmrc': ['.npmrc'] } },
    ],
    ['a global input pattern matches at the root only', ['packages/core/tsconfig.json'], { packages: { '@x/core': ['tsconfig.json'] } }],
    [
      'files relative to the deepest package folder holding them, folder after folder',
      ['packages/core/a.ts', 'packages/core/nested/b.ts', 'packages/core/c.ts', 'packages/core/nested/src/d.ts', 'services/api/src/e.ts'],
      { packages: { '@x/core': ['a.ts', 'c.ts'], '@x/nested': ['b.ts', 'src/d.ts'], '@x/api': ['src/e.ts'] } },
    ],
    [
      'unowned: outside every package, and a folder named like a package but longer',
      ['scripts/x.ts', 'packages/corex/a.ts', 'services/api2/b.ts', 'Makefile'],
      { unowned: ['scripts/x.ts', 'packages/corex/a.ts', 'services/api2/b.ts', 'Makefile'] },
    ],
    [
      'a file after an unowned one in another folder still finds its package',
      ['scripts/x.ts', 'services/api/x.ts', 'scripts/y.ts'],
      { unowned: ['scripts/x.ts', 'scripts/y.ts'], packages: { '@x/api': ['x.ts'] } },
    ],
  ])('%s', (_, paths, expected) => {
    expect(plain(classifyFiles(paths, graph, rules))).toEqual({ ...none, ...expected });
  });

  test('files of sibling folders one after the other each find their own package', () => {
    const siblings = buildGraph([
      { dir: 'libs/a', name: 'a', isService: false, refs: [] },
      { dir: 'libs/b', name: 'b', isService: false, refs: [] },
      { dir: 'libs/b/c', name: 'c', isService: false, refs: [] },
    ]);
    const c = classifyFiles(['libs/a/x', 'libs/b/y', 'libs/b/c/z', 'libs/b/c2/w', 'libs/a/v'], siblings, { globalInputs: [], ignore: [] });
    expect(plain(c).packages).toEqual({ a: ['x', 'v'], b: ['y', 'c2/w'], c: ['z'] });
  });

  test('a workspace in a subfolder: only the paths under it are classified, by their path inside it; the rest is unowned', () => {
    const paths = [
      'app/pnpm-lock.yaml',
      'app/package.json',
      'app/tsconfig.json',
      'app/services/api/x.ts',
      'app/docs.md',
      'pnpm-lock.yaml',
      'application/y.ts',
      'services/api/z.ts',
    ];
    expect(plain(classifyFiles(paths, graph, rules, 'app'))).toEqual({
      ignored: ['app/docs.md'],
      lockfile: true,
      rootManifest: true,
      global: { 'tsconfig*.json': ['app/tsconfig.json'] },
      packages: { '@x/api': ['x.ts'] },
      unowned: ['pnpm-lock.yaml', 'application/y.ts', 'services/api/z.ts'],
      localInputs: {},
    });
  });

  describe('local inputs: folders and files a file:/link: dependency points at that are no workspace package', () => {
    // api depends on vendor/pad (a folder), vendor/t.tgz (a tarball) and packages/core/sub (a folder inside core);
    // web on vendor/pad too, and on vendor (the folder holding it).
    const vendored = buildGraph([
      { dir: 'packages/core', name: '@x/core', isService: false, refs: [] },
      {
        dir: 'services/api',
        name: '@x/api',
        isService: true,
        refs: [
          { name: 'pad', path: '../../vendor/pad' },
          { name: 't', path: '../../vendor/t.tgz' },
          { name: 'sub', path: '../../packages/core/sub' },
        ],
      },
      {
        dir: 'services/web',
        name: '@x/web',
        isService: true,
        refs: [
          { name: 'pad', path: '../../vendor/pad/' },
          { name: 'all', path: '../../vendor' },
        ],
      },
    ]);

    test.each<[string, string[], Partial<Plain>]>([
      [
        'a file in the folder: an input of each package depending on it, relative to the folder, and not unowned',
        ['vendor/pad/index.js', 'vendor/pad/lib/a.js'],
        {
          localInputs: {
            '@x/api': { 'vendor/pad': ['index.js', 'lib/a.js'] },
            '@x/web': { 'vendor/pad': ['index.js', 'lib/a.js'], vendor: ['pad/index.js', 'pad/lib/a.js'] },
          },
        },
      ],
      ['a tarball by its own path, named by its own name', ['vendor/t.tgz'], { localInputs: { '@x/api': { 'vendor/t.tgz': ['t.tgz'] }, '@x/web': { vendor: ['t.tgz'] } } }],
      [
        'a folder inside a package: the package owns the file, and the dependent has it as an input too',
        ['packages/core/sub/x.ts'],
        { packages: { '@x/core': ['sub/x.ts'] }, localInputs: { '@x/api': { 'packages/core/sub': ['x.ts'] } } },
      ],
      [
        'a folder named like it but longer, or beside it: unowned',
        ['vendor2/x.js', 'vendors/pad/x.js', 'services/x.js'],
        { unowned: ['vendor2/x.js', 'vendors/pad/x.js', 'services/x.js'] },
      ],
      ['ignored files stay ignored', ['vendor/pad/README.md'], { ignored: ['vendor/pad/README.md'] }],
      ['a global input at the root is global, not a local input', ['vendor.yaml'], { global: { '*.yaml': ['vendor.yaml'] } }],
    ])('%s', (_, paths, expected) => {
      expect(plain(classifyFiles(paths, vendored, rules))).toEqual({ ...none, ...expected });
    });

    test("the root package's own files: in no package, inside the workspace folder, local inputs too; no ignored, global, lockfile or root manifest file", () => {
      const paths = ['vendor/pad/index.js', 'packages/core/sub/x.ts', 'scripts/x.ts', 'vendor.yaml', 'README.md', 'pnpm-lock.yaml', 'package.json', 'services/api/a.ts'];
      expect(classifyFiles(paths, vendored, rules).rootFiles).toEqual(['vendor/pad/index.js', 'scripts/x.ts']);
      // A workspace in a subfolder: the root is that folder; a file beside it is nobody's.
      expect(classifyFiles(['app/vendor/pad/x.js', 'vendor/pad/x.js', 'app/tools/x.ts', 'other/y.ts'], vendored, rules, 'app').rootFiles).toEqual([
        'app/vendor/pad/x.js',
        'app/tools/x.ts',
      ]);
    });

    test('a workspace in a subfolder: the folder is under it', () => {
      expect(plain(classifyFiles(['app/vendor/pad/x.js', 'vendor/pad/x.js'], vendored, rules, 'app'))).toEqual({
        ...none,
        unowned: ['vendor/pad/x.js'],
        localInputs: { '@x/api': { 'vendor/pad': ['x.js'] }, '@x/web': { 'vendor/pad': ['x.js'], vendor: ['pad/x.js'] } },
      });
    });
  });

  test('ignore and global patterns match dot files (dot: true)', () => {
    const c = classifyFiles(['.github/x.md', '.env.yaml'], graph, { globalInputs: ['*.yaml'], ignore: ['**/*.md'] });
    expect(plain(c)).toEqual({ ...none, ignored: ['.github/x.md'], global: { '*.yaml': ['.env.yaml'] } });
  });

  test('no rules: nothing ignored, nothing global', () => {
    expect(plain(classifyFiles(['a.yaml', 'services/api/a.md'], graph, { globalInputs: [], ignore: [] }))).toEqual({
      ...none,
      unowned: ['a.yaml'],
      packages: { '@x/api': ['a.md'] },
    });
  });

  test('patterns beyond the simple ones need the engine, and then work', async () => {
    const complex = { globalInputs: ['{tsconfig,jsconfig}.json'], ignore: ['**/*.{md,txt}'] };
    expect(() => classifyFiles(['x'], graph, complex)).toThrow(/needs picomatch/);
    const engine = await globEngineFor([...complex.globalInputs, ...complex.ignore]);
    const c = classifyFiles(['jsconfig.json', 'services/api/notes.txt', 'services/api/a.ts'], graph, complex, '', engine);
    expect(plain(c)).toEqual({ ...none, ignored: ['services/api/notes.txt'], global: { '{tsconfig,jsconfig}.json': ['jsconfig.json'] }, packages: { '@x/api': ['a.ts'] } });
  });
});
