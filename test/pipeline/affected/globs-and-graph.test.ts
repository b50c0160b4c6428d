/**
 * The glob compiler that replaces picomatch for simple patterns (compared with picomatch itself on
 * the paths git can hold), and the graph as a cache snapshot (a round trip) and as built from
 * dependency refs without manifests (the same edges as buildWorkspace).
 */
import picomatch from 'picomatch';
import { describe, expect, test } from 'vitest';
import { compileGlobs, globEngineFor, simpleGlobSource } from '../../../scripts/core/workspace/glob.js';
import {
  buildGraph,
  buildWorkspace,
  dependencyRefs,
  type GraphSnapshot,
  graphFromSnapshot,
  isGraphSnapshot,
  type PackageInput,
  snapshotGraph,
  sortByKey,
  type WorkspaceGraph,
} from '../../../scripts/core/workspace/graph.js';
import { dependencyRef, parseManifest } from '../../../scripts/core/workspace/manifest.js';
import { globRoots } from '../../../scripts/core/workspace/folder-globs.js';

const PATTERNS = [
  'services/*',
  'packages/*',
  'apps/**',
  '**',
  '**/*.md',
  'docs/**',
  '*',
  '*/pkg',
  'a/**/b',
  'a/**/**/b',
  '**/x',
  '**/a/**',
  'a*',
  '?b',
  'a?c/*.ts',
  'tsconfig*.json',
  '.npmrc',
  '.*',
  'x/.*/y',
  'package.json',
  'services/Dockerfile.template',
];

// Relative, `/`-separated, no empty, `.` or `..` segment: what git stores. Dots, spaces, newlines and non-ASCII included.
const PATHS = [
  'a',
  'a/b',
  'a/b/c',
  'a/.b',
  'a/.b/c',
  '.a',
  '.a/b',
  'ab',
  'bb',
  '.b',
  'a.b',
  'x',
  'y/x',
  '.y/x',
  'a/x/b',
  'a/x/y/b',
  'a/b/x',
  'x/a/y',
  'README.md',
  'a/b/c.md',
  'x/.b/c.md',
  'docs',
  'docs/x',
  'docs/x/y.md',
  'x/docs/y',
  'services',
  'services/api',
  'services/api/src',
  'services/.hidden',
  'packages/lib',
  'apps/web/next',
  'apps/.x/y',
  'x/pkg',
  '.x/pkg',
  'x/y/pkg',
  'abc/f.ts',
  'a.c/g.ts',
  'abc/.f.ts',
  'tsconfig.json',
  'tsconfig.base.json',
  '.tsconfig.json',
  '.npmrc',
  'x/.npmrc',
  'package.json',
  'services/Dockerfile.template',
  'a b/c d.md',
  'é/ü.md',
  'a/x\ny',
  'a/x\ry.md',
  'a\nb/c.md',
  'x\ny/pkg',
  'docs/a\nb',
  'a/x\u2028y.md',
];

describe('simple globs', () => {
  test.each(PATTERNS.flatMap((p) => [[p, false] as const, [p, true] as const]))('%j (dot: %s) matches what picomatch matches', (pattern, dot) => {
    const source = simpleGlobSource(pattern, { dot });
    expect(source).toBeDefined();
    const re = new RegExp(`^(?:${source})$`);
    const reference = picomatch(pattern, { dot });
    expect(PATHS.filter((p) => re.test(p))).toEqual(PATHS.filter((p) => reference(p)));
  });

  test.each(['{a,b}/*', 'a/[bc]', '!a/*', 'a/**b', './a/*', 'a/../b', 'a/', '@(a|b)', 'a\\*', 'a+(b)'])('%j is left to picomatch', (pattern) => {
    expect(simpleGlobSource(pattern, { dot: false })).toBeUndefined();
  });

  test('picomatch is loaded only for a pattern that needs it, and then answers for it', async () => {
    expect(await globEngineFor(['services/*', '**/*.md'])).toBeUndefined();
    expect(() => compileGlobs(['{services,apps}/*'], { dot: false })).toThrow(/needs picomatch/);
    const engine = await globEngineFor(['{services,apps}/*', 'packages/*']);
    const test = compileGlobs(['{services,apps}/*', 'packages/*'], { dot: false }, engine);
    expect(['services/a', 'apps/b', 'packages/c', 'tools/d', 'services/a/b'].filter(test)).toEqual(['services/a', 'apps/b', 'packages/c']);
  });

  test.each(['*', 'a/*', '**', 'a/**', '*/b', 'a?'])('%j (dot: true) never matches a . or .. segment or an empty path, as picomatch', (pattern) => {
    const source = simpleGlobSource(pattern, { dot: true });
    const re = new RegExp(`^(?:${source})$`);
    const reference = picomatch(pattern, { dot: true });
    const paths = ['', '.', '..', 'a/.', 'a/..', './b', '../b', 'a', 'a/b', 'a/.b'];
    expect(paths.filter((p) => re.test(p))).toEqual(paths.filter((p) => reference(p)));
  });

  test('no globs match nothing, and need no engine', async () => {
    expect(await globEngineFor([])).toBeUndefined();
    const none = compileGlobs([], { dot: true });
    expect(['', 'a', '.a', 'a/b'].map(none)).toEqual([false, false, false, false]);
  });

  test('only globs that need picomatch: its answer alone; without it, an error naming the first such glob', async () => {
    expect(() => compileGlobs(['a/*', '[ab]/x', '{c,d}'], { dot: false })).toThrow('glob "[ab]/x" needs picomatch: get an engine from globEngineFor first');
    const engine = await globEngineFor(['{a,b}/*']);
    expect(engine).toBeDefined();
    const both = compileGlobs(['{a,b}/*', '[cd]/*'], { dot: false }, engine);
    expect(['a/x', 'b/y', 'c/z', 'd/w', 'e/v', 'a/x/y', 'a/.x'].filter(both)).toEqual(['a/x', 'b/y', 'c/z', 'd/w']);
    const dotted = compileGlobs(['{a,b}/*'], { dot: true }, engine);
    expect(['a/.x', 'b/x'].filter(dotted)).toEqual(['a/.x', 'b/x']);
  });

  test('the engine is passed the dot option of each compile', async () => {
    const engine = await globEngineFor(['{a,b}/*']);
    expect(['a/.x'].filter(compileGlobs(['{a,b}/*'], { dot: false }, engine))).toEqual([]);
    expect(['.a/x', 'a/.x'].filter(compileGlobs(['x/*', '{a,b}/*'], { dot: true }, engine))).toEqual(['a/.x']);
  });

  test.each<[string[], string[]]>([
    [
      ['services/*', 'packages/*'],
      ['packages', 'services'],
    ],
    [['./libs/*/'], ['libs']],
    [['apps/**', '!apps/legacy'], ['apps']],
    [['*/pkg'], ['']],
    [['tools/cli'], ['tools']],
    [
      ['a/b/*', 'a/*'],
      ['a', 'a/b'],
    ],
    [['{a,b}/*'], ['']],
    [['a/*/b'], ['a']],
    [['v1./*'], ['v1.']],
    [['tools/../libs/*'], ['tools']],
    [['a/./b/*'], ['a']],
  ])('the folders %j start from: %j', (globs, roots) => {
    expect(globRoots(globs)).toEqual(roots);
  });
});

const pkg = (dir: string, name: string, deps: Record<string, string> = {}, isService = dir.startsWith('services/'), field = 'dependencies'): PackageInput => ({
  dir,
  isService,
  manifest: parseManifest(`${dir}/package.json`, JSON.stringify({ name, [field]: deps })),
});

// Folders out of order, an alias, a plain spec naming a workspace package, a self dependency, upper case and `_` (locale order).
const INPUTS = [
  pkg('services/web', '@x/web', { '@x/util': '1.0.0', lodash: '^4' }),
  pkg('packages/util', '@x/util', { '@x/core': 'workspace:^', '@x/util': 'workspace:*' }),
  pkg('services/Api', '@x/api', { core: 'workspace:@x/core@*', '@x/auth': 'workspace:*' }),
  pkg('packages/core', '@x/core'),
  pkg('packages/auth', '@x/auth', { '@x/core': 'workspace:*' }, false, 'peerDependencies'),
  pkg('services/_worker', '@x/worker', { '@x/web': 'workspace:*' }, true, 'devDependencies'),
];

function shape(graph: WorkspaceGraph) {
  return {
    packages: [...graph.packages.values()].map((p) => ({ name: p.name, dir: p.dir, folder: p.folder, isService: p.isService, workspaceDeps: p.workspaceDeps })),
    services: graph.services.map((s) => s.name),
    order: graph.order,
  };
}

describe('the graph without manifests', () => {
  test('built from dependency refs, it has the edges, folder order and services of buildWorkspace', () => {
    const full = buildWorkspace(INPUTS);
    const graph = buildGraph(INPUTS.map((i) => ({ dir: i.dir, name: i.manifest.name, isService: i.isService, refs: dependencyRefs(i.manifest) })));
    expect(shape(graph)).toEqual(shape(full));
    expect(full.get('@x/api').workspaceDeps).toEqual(['@x/auth', '@x/core']);
    expect(full.get('@x/util').workspaceDeps).toEqual(['@x/core']);
    expect(full.get('@x/web').workspaceDeps).toEqual(['@x/util']);
  });

  test('its snapshot survives JSON and gives the same graph back', () => {
    const full = buildWorkspace(INPUTS);
    const back: unknown = JSON.parse(JSON.stringify(snapshotGraph(full)));
    expect(isGraphSnapshot(back)).toBe(true);
    if (!isGraphSnapshot(back)) return;
    const graph = graphFromSnapshot(back);
    expect(shape(graph)).toEqual(shape(full));
    expect(graph.ownerOf('services/Api/src/x.ts')?.name).toBe('@x/api');
    expect([...graph.withDependents(['@x/core'])].sort()).toEqual(['@x/api', '@x/auth', '@x/core', '@x/util', '@x/web', '@x/worker']);
    expect(graph.dependenciesOf('@x/worker').map((p) => p.name)).toEqual(full.dependenciesOf('@x/worker').map((p) => p.name));
  });

  test.each<[string, unknown]>([
    ['no packages at all', { packages: [], services: [] }],
    [
      'a service and a library depending on it',
      {
        packages: [
          ['a', 'a', true, []],
          ['b', 'b', false, [0]],
        ],
        services: [0],
      },
    ],
    ['a package with a local input', { packages: [['a', 'a', true, [], ['vendor/x', 'vendor/y.tgz']]], services: [0] }],
    [
      'the vendored manifests it was built with',
      {
        packages: [['a', 'a', true, [], ['vendor/x']]],
        services: [0],
        vendored: [
          ['vendor/x', 'a'.repeat(40)],
          ['vendor/y', '-'],
        ],
      },
    ],
    [
      'the packages that depend on the root package',
      {
        packages: [
          ['a', 'a', false, []],
          ['b', 'b', false, [0]],
        ],
        services: [],
        rootDependents: [0, 1],
      },
    ],
  ])('a cache file with %s is a snapshot', (_, value) => {
    expect(isGraphSnapshot(value)).toBe(true);
  });

  test('the packages that depend on the root package survive the snapshot, and only they are marked', () => {
    const graph = buildGraph(
      [
        { dir: 'packages/a', name: 'a', isService: false, refs: [dependencyRef('root', 'workspace:*')] },
        { dir: 'packages/b', name: 'b', isService: false, refs: [] },
        { dir: 'packages/c', name: 'c', isService: false, refs: [dependencyRef('r', 'file:../..')] },
      ],
      { rootName: 'root' },
    );
    const snapshot = snapshotGraph(graph);
    expect(snapshot.rootDependents).toEqual([0, 2]);
    const read: unknown = JSON.parse(JSON.stringify(snapshot));
    if (!isGraphSnapshot(read)) throw new Error('the snapshot read back is no snapshot');
    const back = graphFromSnapshot(read);
    expect([...back.packages.values()].map((p) => [p.name, p.dependsOnRoot])).toEqual([
      ['a', true],
      ['b', undefined],
      ['c', true],
    ]);
    expect('rootDependents' in snapshotGraph(buildGraph([{ dir: 'packages/b', name: 'b', isService: false, refs: [] }]))).toBe(false);
  });

  test('a graph owns its edges: a copy of it carries them, and its snapshot has the same indexes', () => {
    const full = buildWorkspace(INPUTS);
    // A copy of the object: the same packages, answers and edges, but not the object this module made.
    const copy: WorkspaceGraph = { ...full };
    const snapshot = snapshotGraph(copy);
    expect(snapshot).toEqual(snapshotGraph(full));
    // By hand, folder order: packages/auth, packages/core, packages/util, services/Api, services/_worker, services/web.
    expect(snapshot).toEqual({
      packages: [
        ['packages/auth', '@x/auth', false, [1]],
        ['packages/core', '@x/core', false, []],
        ['packages/util', '@x/util', false, [1]],
        ['services/Api', '@x/api', true, [0, 1]],
        ['services/_worker', '@x/worker', true, [5]],
        ['services/web', '@x/web', true, [2]],
      ],
      services: [3, 4, 5],
    });
  });

  test.each<[string, GraphSnapshot, string]>([
    // The type allows these; isGraphSnapshot refuses them when the snapshot is read from a file. Made by
    // hand, they are a bug of the caller: the graph fails instead of dropping the edge or the service.
    ['a dependency index past the end', { packages: [['a', 'a', false, [1]]], services: [] }, 'workspace graph: index 1 is not one of its 1 entries'],
    ['a service index past the end', { packages: [['a', 'a', true, []]], services: [0, 2] }, 'workspace graph: index 2 is not one of its 1 entries'],
  ])('a snapshot with %s is a bug, not a smaller graph', (_, snapshot, message) => {
    expect(() => graphFromSnapshot(snapshot)).toThrow(new Error(message));
  });

  test('a hand-made graph whose service is none of its packages is a bug when snapshotted', () => {
    const full = buildWorkspace(INPUTS);
    const stranger = { name: '@x/stranger', dir: 'services/stranger', folder: 'stranger', isService: true, workspaceDeps: [], localInputs: [] };
    expect(() => snapshotGraph({ ...full, services: [stranger] })).toThrow(new Error('workspace graph: package @x/stranger has no index'));
  });

  test('local inputs survive the snapshot: a package with them is five long, the others stay four long', () => {
    const graph = buildGraph([
      { dir: 'packages/core', name: 'core', isService: false, refs: [] },
      {
        dir: 'services/api',
        name: 'api',
        isService: true,
        refs: [
          { name: 'pad', path: '../../vendor/pad' },
          { name: 'core', path: '../../packages/core' },
        ],
      },
    ]);
    const snapshot = snapshotGraph(graph);
    expect(snapshot).toEqual({
      packages: [
        ['packages/core', 'core', false, []],
        ['services/api', 'api', true, [0], ['vendor/pad']],
      ],
      services: [1],
    });
    const back: unknown = JSON.parse(JSON.stringify(snapshot));
    if (!isGraphSnapshot(back)) throw new Error('not a snapshot');
    const read = graphFromSnapshot(back);
    expect([...read.packages.values()].map((p) => [p.name, p.localInputs])).toEqual([
      ['core', []],
      ['api', ['vendor/pad']],
    ]);
  });

  test('the vendored manifests a graph was built with go into its snapshot only when there are any', () => {
    const graph = buildGraph([{ dir: 'services/api', name: 'api', isService: true, refs: [{ name: 'pad', path: '../../vendor/pad' }] }]);
    expect(snapshotGraph(graph)).toEqual({ packages: [['services/api', 'api', true, [], ['vendor/pad']]], services: [0] });
    expect('vendored' in snapshotGraph(graph, [])).toBe(false);
    expect(snapshotGraph(graph, [['vendor/pad', 'b'.repeat(40)]])).toEqual({
      packages: [['services/api', 'api', true, [], ['vendor/pad']]],
      services: [0],
      vendored: [['vendor/pad', 'b'.repeat(40)]],
    });
  });

  test('the edges of a graph are its own, by index in folder order', () => {
    // By hand, folder order: packages/auth 0, packages/core 1, packages/util 2, services/Api 3, services/_worker 4, services/web 5.
    expect(buildWorkspace(INPUTS).edges).toEqual([[1], [], [1], [0, 1], [5], [2]]);
  });

  test('a graph read back from a snapshot keeps its folders, services and edges in every query', () => {
    // As buildGraph would leave it: folder order, edges sorted by name, services by folder name.
    const snapshot: GraphSnapshot = {
      packages: [
        ['apps/web', 'web', true, [1]],
        ['libs/base', 'base', false, []],
        ['top', 'top', true, [1, 0]],
      ],
      services: [2, 0],
    };
    const graph = graphFromSnapshot(snapshot);
    expect([...graph.packages.values()].map((p) => [p.name, p.folder, p.isService, p.workspaceDeps])).toEqual([
      ['web', 'web', true, ['base']],
      ['base', 'base', false, []],
      ['top', 'top', true, ['base', 'web']],
    ]);
    expect(graph.services.map((s) => s.name)).toEqual(['top', 'web']);
    expect(graph.dependentsOf('base')).toEqual(['web', 'top']);
    // Depth-first from base, top, web by name: base; top needs base (done) and web; web is done.
    expect(graph.order).toEqual(['base', 'web', 'top']);
    expect(graph.ownerOf('libs/base/src/a.ts')?.name).toBe('base');
    expect(graph.ownerOf('top/x')?.name).toBe('top');
    expect(snapshotGraph(graph)).toEqual(snapshot);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['no services', { packages: [] }],
    ['a dependency out of range', { packages: [['a', 'a', false, [1]]], services: [] }],
    ['a negative index', { packages: [['a', 'a', false, []]], services: [-1] }],
    ['a non-boolean service flag', { packages: [['a', 'a', 1, []]], services: [] }],
    ['a short entry', { packages: [['a', 'a', false]], services: [] }],
    ['a fractional index', { packages: [['a', 'a', false, [0.5]]], services: [] }],
    ['a string', 'packages services'],
    ['a number', 1],
    ['no packages', { services: [] }],
    ['packages that are not a list', { packages: {}, services: [] }],
    ['services that are not a list', { packages: [], services: {} }],
    ['a service index that is a string', { packages: [['a', 'a', true, []]], services: ['0'] }],
    [
      'a dependency index that is a string',
      {
        packages: [
          ['a', 'a', false, []],
          ['b', 'b', false, ['0']],
        ],
        services: [],
      },
    ],
    ['dependencies that are not a list', { packages: [['a', 'a', false, {}]], services: [] }],
    ['a long entry', { packages: [['a', 'a', false, [], 'extra']], services: [] }],
    ['an entry longer than five', { packages: [['a', 'a', false, [], ['vendor/x'], 'extra']], services: [] }],
    ['empty local inputs (a package without them is four long)', { packages: [['a', 'a', false, [], []]], services: [] }],
    ['a local input that is not a string', { packages: [['a', 'a', false, [], [1]]], services: [] }],
    ['a local input that is the root', { packages: [['a', 'a', false, [], ['']]], services: [] }],
    ['a local input that is an absolute path', { packages: [['a', 'a', false, [], ['/etc']]], services: [] }],
    ['empty vendored manifests (a graph without them has no field)', { packages: [], services: [], vendored: [] }],
    ['vendored manifests that are not a list', { packages: [], services: [], vendored: { 'vendor/x': '-' } }],
    ['a vendored entry of one value', { packages: [], services: [], vendored: [['vendor/x']] }],
    ['a vendored entry of three values', { packages: [], services: [], vendored: [['vendor/x', '-', '-']] }],
    ['a vendored folder that is the root', { packages: [], services: [], vendored: [['', '-']] }],
    ['a vendored folder that is not a string', { packages: [], services: [], vendored: [[1, '-']] }],
    ['a vendored id that is not a string', { packages: [], services: [], vendored: [['vendor/x', null]] }],
    ['a vendored entry that is an object', { packages: [], services: [], vendored: [{ 0: 'vendor/x', 1: '-', length: 2 }] }],
    ['an entry that is an object with numbered keys', { packages: [{ 0: 'a', 1: 'a', 2: false, 3: [], length: 4 }], services: [] }],
    ['a folder that is not a string', { packages: [[1, 'a', false, []]], services: [] }],
    ['a name that is not a string', { packages: [['a', null, false, []]], services: [] }],
    ['root dependents that are no list', { packages: [['a', 'a', false, []]], services: [], rootDependents: 0 }],
    ['an empty list of root dependents (absent when none)', { packages: [['a', 'a', false, []]], services: [], rootDependents: [] }],
    ['a root dependent out of range', { packages: [['a', 'a', false, []]], services: [], rootDependents: [1] }],
  ])('a cache file with %s is not a snapshot', (_, value) => {
    expect(isGraphSnapshot(value)).toBe(false);
  });
});

describe('folder order', () => {
  // Names where code-unit order and the locale's collation disagree ('B' < '_' < 'a' by code unit;
  // '_' < 'a' < 'B' for ICU), so that an order taken from localeCompare fails here.
  const FOLDERS = ['a', 'a_b', 'a-b', 'B', 'a.b', '\u00e9', 'e', 'Z9', 'z'];

  test.each<[string, Array<[string, number]>]>([
    [
      'unique keys (sorted by Array#sort itself)',
      [
        ['b', 1],
        ['a_', 2],
        ['B', 3],
        ['a', 4],
      ],
    ],
    [
      'repeated keys (sorted with a comparator, stable)',
      [
        ['b', 1],
        ['a', 2],
        ['b', 3],
        ['A', 4],
        ['a', 5],
      ],
    ],
  ])('sortByKey, %s: code-unit order of the key, ties in input order', (_, items) => {
    const byComparator = [...items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sortByKey(items, ([key]) => key)).toEqual(byComparator);
  });

  test('sortByKey, many repeated keys: grouped by key in code-unit order, each group in input order', () => {
    const keys = ['b', 'a_', 'B', 'a', '_', 'b', 'a'];
    const items = Array.from({ length: 300 }, (_, i) => ({ key: keys[(i * 5) % keys.length] ?? '', i }));
    // By hand: the distinct keys in code-unit order ('B' < '_' < 'a' < 'a_' < 'b'), each key's items as they came.
    const expected = ['B', '_', 'a', 'a_', 'b'].flatMap((k) => items.filter((item) => item.key === k));
    expect(sortByKey(items, (item) => item.key)).toEqual(expected);
  });

  test('packages and services are kept by UTF-16 code unit, not by the locale', () => {
    const graph = buildGraph(FOLDERS.map((f, i) => ({ dir: `services/${f}`, name: `@x/p${i}`, isService: i % 2 === 0, refs: [] })));
    const byCodeUnit = [...FOLDERS].sort();
    expect(byCodeUnit).not.toEqual([...FOLDERS].sort((a, b) => a.localeCompare(b)));
    expect([...graph.packages.values()].map((p) => p.folder)).toEqual(byCodeUnit);
    expect(graph.services.map((p) => p.folder)).toEqual(byCodeUnit.filter((f) => FOLDERS.indexOf(f) % 2 === 0));
  });
});
