import { describe, expect, test } from 'vitest';
import { buildGraph, buildWorkspace, dependencyRefs, joinPosix, type PackageInput } from '../../scripts/core/workspace/graph.js';
import { dependencyRef, parseManifest, readManifestEdges, rootManifest } from '../../scripts/core/workspace/manifest.js';
import { parseWorkspaceYaml } from '../../scripts/core/workspace/workspace-yaml.js';

const pkg = (dir: string, name: string, deps: Record<string, string> = {}, field = 'dependencies', isService = false): PackageInput => ({
  dir,
  isService,
  manifest: parseManifest(`${dir}/package.json`, JSON.stringify({ name, [field]: deps })),
});

// core <- util <- svc-a ; core <- svc-b ; lonely
const WS = buildWorkspace([
  pkg('packages/core', '@x/core'),
  pkg('packages/util', '@x/util', { '@x/core': 'workspace:^' }),
  pkg('services/a', '@x/a', { '@x/util': 'workspace:*', lodash: '^4' }, 'dependencies', true),
  pkg('services/b', '@x/b', { '@x/core': '1.0.0' }, 'devDependencies', true),
  pkg('packages/lonely', '@x/lonely', { '@x/core': 'workspace:*' }, 'peerDependencies'),
  pkg('packages/core/nested', '@x/nested'),
]);

describe('workspace graph', () => {
  test('edges from every dependency field, workspace: specs and plain specs naming a workspace package', () => {
    expect(WS.get('@x/a').workspaceDeps).toEqual(['@x/util']);
    expect(WS.get('@x/b').workspaceDeps).toEqual(['@x/core']);
    expect(WS.get('@x/lonely').workspaceDeps).toEqual(['@x/core']);
  });

  test('topological order puts dependencies first', () => {
    const pos = (n: string) => WS.order.indexOf(n);
    expect(pos('@x/core')).toBeLessThan(pos('@x/util'));
    expect(pos('@x/util')).toBeLessThan(pos('@x/a'));
  });

  test.each([
    [['@x/core'], ['@x/a', '@x/b', '@x/core', '@x/lonely', '@x/util']],
    [['@x/util'], ['@x/a', '@x/util']],
    [['@x/a'], ['@x/a']],
    [[], []],
  ])('withDependents(%j)', (start, want) => {
    expect([...WS.withDependents(start)].sort()).toEqual(want);
  });

  test.each([
    // In folder order: packages/lonely, packages/util, services/b.
    ['@x/core', ['@x/lonely', '@x/util', '@x/b']],
    ['@x/util', ['@x/a']],
    ['@x/a', []],
    ['@x/nested', []],
    ['@x/unknown', []],
  ])('dependentsOf(%s): the direct dependents, in folder order', (name, want) => {
    expect(WS.dependentsOf(name)).toEqual(want);
  });

  test('dependenciesOf is the transitive closure in build order', () => {
    expect(WS.dependenciesOf('@x/a').map((p) => p.dir)).toEqual(['packages/core', 'packages/util']);
    expect(WS.dependenciesOf('@x/core')).toEqual([]);
  });

  test.each([
    ['services/a/src/index.ts', '@x/a'],
    ['packages/core/nested/x.ts', '@x/nested'],
    ['packages/core/src/x.ts', '@x/core'],
    ['packages/corex/a.ts', undefined],
    ['README.md', undefined],
  ])('ownerOf(%s) is the deepest package folder', (path, want) => {
    expect(WS.ownerOf(path)?.name).toBe(want);
  });

  test('services are the packages marked as services, by folder name', () => {
    expect(WS.services.map((s) => s.folder)).toEqual(['a', 'b']);
  });

  test('a dependency cycle is an error naming the cycle', () => {
    expect(() => buildWorkspace([pkg('p/a', 'a', { b: 'workspace:*' }), pkg('p/b', 'b', { c: 'workspace:*' }), pkg('p/c', 'c', { a: 'workspace:*' })])).toThrow(
      'dependency cycle between workspace packages: a -> b -> c -> a',
    );
  });

  test('a cycle is named from its first package by name, whatever the folders', () => {
    // Folder order meets z first, name order y: the message must not depend on where folders sit.
    const cycle = [pkg('p/a', 'z', { y: 'workspace:*' }), pkg('p/b', 'y', { z: 'workspace:*' }), pkg('p/c', 'x')];
    expect(() => buildWorkspace(cycle)).toThrow('dependency cycle between workspace packages: y -> z -> y');
  });

  test('two packages with one name is an error naming both files', () => {
    expect(() => buildWorkspace([pkg('p/one', 'dup'), pkg('p/two', 'dup')])).toThrow('two workspace packages are named dup: p/one/package.json and p/two/package.json');
  });

  test("two packages with one name: a manifest that is pnpm's package.yaml or package.json5 is named by its file", () => {
    const ws = () =>
      buildWorkspace([
        { ...pkg('p/one', 'dup'), manifestFile: 'package.yaml' },
        { ...pkg('p/two', 'dup'), manifestFile: 'package.json5' },
      ]);
    expect(ws).toThrow('two workspace packages are named dup: p/one/package.yaml and p/two/package.json5; rename one');
    // Change detection's graph reads them as pnpm does, each by its folder (affected/package-names.test.ts).
    const graph = buildGraph([
      { dir: 'p/one', name: 'dup', isService: false, refs: [] },
      { dir: 'p/two', manifestFile: 'package.yaml', name: 'dup', isService: false, refs: [] },
    ]);
    expect([...graph.packages.keys()]).toEqual(['./p/one', './p/two']);
  });
});

describe('a service is named by its folder: two services in folders of one name would share an image and a matrix key', () => {
  test('refused, naming both folders, by the one graph both listings build', () => {
    expect(() => buildWorkspace([pkg('apps/a', '@x/app-a', {}, 'dependencies', true), pkg('services/a', '@x/a', {}, 'dependencies', true)])).toThrow(
      /^two services are in folders named a \(apps\/a and services\/a\): the folder name names the service's image, its matrix leg and its compose service; rename one$/,
    );
  });
  test('a library may share a service folder name: it has no image', () => {
    const ws = buildWorkspace([pkg('packages/a', '@x/lib-a'), pkg('services/a', '@x/a', {}, 'dependencies', true)]);
    expect(ws.services.map((p) => p.dir)).toEqual(['services/a']);
  });
});

describe('manifest and workspace file parsing', () => {
  test.each([
    ['{', /^x\/package.json: not valid JSON/],
    ['[]', /expected a JSON object/],
    ['{"version":"1"}', /missing "name"/],
    ['{"name":"a","dependencies":{"b":1}}', /"dependencies" must be an object of name -> version specifier/],
    ['{"name":"a","kodingcaravan":{"port":70000}}', /"kodingcaravan.port" must be an integer from 1 to 65535, got 70000/],
  ])('rejects package.json %s', (text, message) => {
    expect(() => parseManifest('x/package.json', text)).toThrow(message);
  });

  // What change detection reads of each manifest is checked as parseManifest checks it, with the same
  // message; the file's name is made only for the error.
  test.each([
    ['{', /^x\/package.json: not valid JSON/],
    ['[]', /^x\/package.json: expected a JSON object/],
    ['{"name":"a","dependencies":{"b":1}}', /^x\/package.json: "dependencies" must be an object of name -> version specifier/],
    ['{"name":"a","peerDependencies":["b"]}', /^x\/package.json: "peerDependencies" must be an object/],
  ])('readManifestEdges rejects %s', (text, message) => {
    expect(() => readManifestEdges(text, () => 'x/package.json')).toThrow(message);
    expect(() => parseManifest('x/package.json', text)).toThrow(message);
  });

  test('readManifestEdges: the name and every dependency of the four fields, workspace: aliases resolved', () => {
    const text = JSON.stringify({
      name: '@x/a',
      scripts: { build: 1 },
      dependencies: { lodash: '^4', '@x/b': 'workspace:*' },
      devDependencies: { '@x/c': 'workspace:@x/real-c@^1' },
      optionalDependencies: { fsevents: '2' },
      peerDependencies: { '@x/d': 'workspace:^' },
    });
    expect(readManifestEdges(text, () => 'x')).toEqual({ name: '@x/a', refs: ['lodash', ['@x/b', '@x/b'], ['@x/real-c', '@x/c'], 'fsevents', ['@x/d', '@x/d']] });
  });

  test.each(['packages: nope', 'other: 1', ': : :', 'packages: []'])('rejects pnpm-workspace.yaml %j', (text) => {
    expect(() => parseWorkspaceYaml('pnpm-workspace.yaml', text)).toThrow(/^pnpm-workspace.yaml: /);
  });
});

describe('workspace: specifiers must name a workspace package', () => {
  test('a dependency on a package that is gone is an error naming both, not a silently dropped edge', () => {
    expect(() => buildWorkspace([pkg('services/a', '@x/a', { '@x/lib1': 'workspace:*' }, 'dependencies', true)])).toThrow(
      'package @x/a depends on "@x/lib1" with a workspace: specifier, but no workspace package is named @x/lib1',
    );
  });
  test('an alias names the real package', () => {
    const ws = buildWorkspace([pkg('packages/real', '@x/real'), pkg('services/a', '@x/a', { shortname: 'workspace:@x/real@*' }, 'dependencies', true)]);
    expect(ws.get('@x/a').workspaceDeps).toEqual(['@x/real']);
  });
  test('a relative path names the package in that folder, whatever the key (pnpm links it)', () => {
    const ws = buildWorkspace([pkg('packages/lib', '@x/lib'), pkg('services/b', '@x/b', { mylib: 'workspace:../../packages/lib' }, 'dependencies', true)]);
    expect(ws.get('@x/b').workspaceDeps).toEqual(['@x/lib']);
  });
  test('a relative path to a folder outside the workspace is no edge and no error: pnpm links it, as link:', () => {
    const ws = buildWorkspace([
      pkg('packages/lib', '@x/lib'),
      pkg('services/b', '@x/b', { vendored: 'workspace:../../vendor/b', up: 'workspace:../../../elsewhere' }, 'dependencies', true),
    ]);
    expect(ws.get('@x/b').workspaceDeps).toEqual([]);
  });
  test('an npm: alias of a workspace package is an edge to it, not to a workspace package named like the key', () => {
    const ws = buildWorkspace([pkg('packages/lib', '@x/lib'), pkg('packages/other', 'lib'), pkg('services/b', '@x/b', { lib: 'npm:@x/lib@^1.0.0' }, 'dependencies', true)]);
    expect(ws.get('@x/b').workspaceDeps).toEqual(['@x/lib']);
  });
});

describe('joinPosix: where a file:/link: path points, from the dependent folder', () => {
  test.each([
    ['packages/desktop/plugin/examples/app', '../../', 'packages/desktop/plugin'],
    ['services/gamma', '../../packages/core', 'packages/core'],
    ['services/gamma', './vendor/x', 'services/gamma/vendor/x'],
    ['services/gamma', '../../../outside', ''],
    ['services/gamma', '/abs/path', '/abs/path'],
    ['services/gamma', '/abs/../other', '/other'],
    ['services/gamma', '/..', ''],
    ['', 'packages/core', 'packages/core'],
    ['.', 'packages/core', 'packages/core'],
    ['services/gamma', '..//..//packages/./core/', 'packages/core'],
    ['services/gamma', '', 'services/gamma'],
  ])('%s + %s = %s', (dir, path, expected) => {
    expect(joinPosix(dir, path)).toBe(expected);
  });
});

/** A package whose manifest has several dependency fields at once. */
const multi = (dir: string, name: string, fields: Record<string, Record<string, string>>, isService = false): PackageInput => ({
  dir,
  isService,
  manifest: parseManifest(`${dir}/package.json`, JSON.stringify({ name, ...fields })),
});

describe('the graph as change detection and the generators see it', () => {
  test('order: depth-first from the names in code-unit order, each package right after its dependencies, each once', () => {
    // By hand: @x/a needs @x/util which needs @x/core; then @x/b (core done), @x/lonely, @x/nested, @x/util (done).
    expect(WS.order).toEqual(['@x/core', '@x/util', '@x/a', '@x/b', '@x/lonely', '@x/nested']);
  });

  test('order does not follow the folders: a dependency in a later folder still comes first', () => {
    const ws = buildWorkspace([pkg('a/first', 'm', { z: 'workspace:*' }), pkg('b/second', 'z', { y: 'workspace:*' }), pkg('c/third', 'y'), pkg('d/fourth', 'a')]);
    expect(ws.order).toEqual(['a', 'y', 'z', 'm']);
    // Asked twice, the same answer.
    expect(ws.order).toEqual(['a', 'y', 'z', 'm']);
  });

  test('a cycle reached from a package outside it names only the packages on the cycle', () => {
    const ws = [pkg('p/a', 'a', { b: 'workspace:*' }), pkg('p/b', 'b', { c: 'workspace:*' }), pkg('p/c', 'c', { b: 'workspace:*' })];
    expect(() => buildWorkspace(ws)).toThrow(/^dependency cycle between workspace packages: b -> c -> b; remove one of these dependencies$/);
  });

  test('a package depending on itself is no edge and no cycle', () => {
    const ws = buildWorkspace([pkg('p/a', 'a', { a: 'workspace:*' })]);
    expect(ws.get('a').workspaceDeps).toEqual([]);
    expect(ws.order).toEqual(['a']);
  });

  test('a dependency named in several fields is one edge', () => {
    const ws = buildWorkspace([
      pkg('packages/core', '@x/core'),
      multi('services/a', '@x/a', { dependencies: { '@x/core': 'workspace:*' }, devDependencies: { '@x/core': 'workspace:*' }, peerDependencies: { '@x/core': '^1' } }, true),
    ]);
    expect(ws.get('@x/a').workspaceDeps).toEqual(['@x/core']);
    expect(ws.dependentsOf('@x/core')).toEqual(['@x/a']);
    expect(ws.dependenciesOf('@x/a').map((p) => p.name)).toEqual(['@x/core']);
  });

  test('workspace dependencies are sorted by name, whatever the fields and keys they come from', () => {
    const ws = buildWorkspace([
      pkg('packages/b', 'b'),
      pkg('packages/c', 'c'),
      pkg('packages/a', 'a'),
      multi('services/s', 's', { dependencies: { c: 'workspace:*' }, devDependencies: { b: '1.0.0' }, optionalDependencies: { alias: 'workspace:a@*' } }, true),
    ]);
    expect(ws.get('s').workspaceDeps).toEqual(['a', 'b', 'c']);
  });

  test.each<[string, Record<string, string>, string[], string[]]>([
    ['link: to a package folder under another key', { whatever: 'link:../../packages/core' }, ['@x/core'], []],
    ['file: to a package folder under another key', { whatever: 'file:../../packages/util' }, ['@x/util'], []],
    ['file: with ./ and a doubled slash', { whatever: 'file:./..//../packages/core' }, ['@x/core'], []],
    // pnpm links the folder, not the workspace package the key names: no edge to it (the folder is a local input).
    ['file: to a folder holding no package, under the name of one: the folder counts, not the name', { '@x/core': 'file:../../vendor/core' }, [], ['vendor/core']],
    ['link: above the repository under the name of a workspace package: no edge', { '@x/core': 'link:../../../elsewhere' }, [], []],
    ['file: to a folder holding no package, under another name: no edge, a local input', { other: 'file:../../vendor/core' }, [], ['vendor/core']],
    ['link: above the repository: no edge, no local input', { whatever: 'link:../../../elsewhere' }, [], []],
    ['link: to the repository root itself: no local input (every file is there)', { whatever: 'link:../..' }, [], []],
    ['file: to an absolute path: no local input', { whatever: 'file:/opt/vendor/x' }, [], []],
    ['file: to its own folder: nothing', { self: 'file:.' }, [], []],
    ['workspace: to a relative folder of no package: a local input', { v: 'workspace:../../vendor/v' }, [], ['vendor/v']],
    [
      'two keys to one folder, a tarball and a folder inside a package: each once, sorted',
      { b: 'file:../../vendor/b/', a: 'link:../../vendor/b', t: 'file:../../vendor/t-1.0.0.tgz', s: 'file:../../packages/core/sub' },
      [],
      ['packages/core/sub', 'vendor/b', 'vendor/t-1.0.0.tgz'],
    ],
  ])('%s', (_, deps, expected, localInputs) => {
    const ws = buildWorkspace([pkg('packages/core', '@x/core'), pkg('packages/util', '@x/util'), pkg('services/a', '@x/a', deps, 'dependencies', true)]);
    expect(ws.get('@x/a').workspaceDeps).toEqual(expected);
    expect(ws.get('@x/a').localInputs).toEqual(localInputs);
    expect(ws.get('@x/core').localInputs).toEqual([]);
  });

  // pnpm installs a vendored package's own `file:`/`link:` dependencies, relative to its folder (loaders read
  // those manifests and hand their path dependencies in): each folder reached is a local input, and a
  // workspace package reached is an edge.
  test.each<[string, Record<string, Record<string, string>>, string[], string[]]>([
    ['no vendored manifest read: the folder alone', {}, [], ['vendor/x']],
    ['its file: dependency is an input too', { 'vendor/x': { y: 'file:../y' } }, [], ['vendor/x', 'vendor/y']],
    ['through any depth', { 'vendor/x': { y: 'file:../y' }, 'vendor/y': { z: 'file:./z' } }, [], ['vendor/x', 'vendor/y', 'vendor/y/z']],
    ["its own link: is not followed (pnpm resolves it from the workspace's root)", { 'vendor/x': { y: 'link:../y' } }, [], ['vendor/x']],
    ['a cycle between two vendored folders ends', { 'vendor/x': { y: 'file:../y' }, 'vendor/y': { x: 'file:../x' } }, [], ['vendor/x', 'vendor/y']],
    ['a workspace package it points at is an edge', { 'vendor/x': { core: 'file:../../packages/core' } }, ['@x/core'], ['vendor/x']],
    ['its registry and workspace: dependencies are nothing of ours', { 'vendor/x': { lodash: '^4.0.0', c: 'workspace:*' } }, [], ['vendor/x']],
    ['a tarball it points at is an input', { 'vendor/x': { t: 'file:./t-1.0.0.tgz' } }, [], ['vendor/x', 'vendor/x/t-1.0.0.tgz']],
    ['a path above the repository is not followed', { 'vendor/x': { up: 'file:../../../out' } }, [], ['vendor/x']],
  ])('a vendored package: %s', (_, manifests, expected, localInputs) => {
    const vendored = new Map(Object.entries(manifests).map(([folder, deps]) => [folder, Object.entries(deps).map(([k, v]) => dependencyRef(k, v))]));
    const inputs = [pkg('packages/core', '@x/core'), pkg('services/a', '@x/a', { x: 'file:../../vendor/x' }, 'dependencies', true)];
    const ws = buildWorkspace(inputs, { vendored });
    expect(ws.get('@x/a').workspaceDeps).toEqual(expected);
    expect(ws.get('@x/a').localInputs).toEqual(localInputs);
    const graph = buildGraph(
      inputs.map((i) => ({ dir: i.dir, name: i.manifest.name, isService: i.isService, refs: dependencyRefs(i.manifest) })),
      { vendored },
    );
    expect([graph.get('@x/a').workspaceDeps, graph.get('@x/a').localInputs]).toEqual([expected, localInputs]);
  });

  test('a vendored package reached by link: is a symbolic link: nothing of its manifest is followed', () => {
    const vendored = new Map([['vendor/x', [dependencyRef('y', 'file:../y'), dependencyRef('core', 'file:../../packages/core')]]]);
    const ws = buildWorkspace([pkg('packages/core', '@x/core'), pkg('services/a', '@x/a', { x: 'link:../../vendor/x', w: 'workspace:../../vendor/x' }, 'dependencies', true)], {
      vendored,
    });
    expect([ws.get('@x/a').workspaceDeps, ws.get('@x/a').localInputs]).toEqual([[], ['vendor/x']]);
  });

  test('a package in a top-level folder has that folder as its folder name', () => {
    const ws = buildWorkspace([pkg('tools', '@x/tools', {}, 'dependencies', true), pkg('services/deep/api', '@x/api', {}, 'dependencies', true)]);
    expect(ws.services.map((s) => [s.name, s.folder])).toEqual([
      ['@x/api', 'api'],
      ['@x/tools', 'tools'],
    ]);
  });

  test('get of an unknown name is an input error listing the known names in order', () => {
    expect(() => WS.get('@x/zz')).toThrow('no workspace package named @x/zz; known: @x/a, @x/b, @x/core, @x/lonely, @x/nested, @x/util');
  });

  test('ownerOf: a package folder itself is not inside the package; a path in it is', () => {
    expect(WS.ownerOf('services/a')).toBeUndefined();
    expect(WS.ownerOf('services/a/package.json')?.name).toBe('@x/a');
    expect(WS.ownerOf('services/a/src/deep/x.ts')?.name).toBe('@x/a');
  });

  test('dependentsOf and withDependents agree on a diamond', () => {
    // base <- left, right <- top
    const ws = buildWorkspace([
      pkg('p/base', 'base'),
      pkg('p/left', 'left', { base: 'workspace:*' }),
      pkg('p/right', 'right', { base: 'workspace:*' }),
      pkg('p/top', 'top', { left: 'workspace:*', right: 'workspace:*' }),
    ]);
    expect(ws.dependentsOf('base')).toEqual(['left', 'right']);
    expect(ws.dependentsOf('left')).toEqual(['top']);
    expect([...ws.withDependents(['base'])].sort()).toEqual(['base', 'left', 'right', 'top']);
    expect([...ws.withDependents(['right', 'left'])].sort()).toEqual(['left', 'right', 'top']);
    expect(ws.dependenciesOf('top').map((p) => p.name)).toEqual(['base', 'left', 'right']);
  });
});

describe('package.json as the generators read it', () => {
  test('a full manifest: name, version, private, scripts, the four dependency fields and the service metadata', () => {
    const text = JSON.stringify({
      name: '@x/a',
      version: '1.2.3',
      private: true,
      scripts: { build: 'tsc' },
      dependencies: { a: '1' },
      devDependencies: { b: '2' },
      optionalDependencies: { c: '3' },
      peerDependencies: { d: '4' },
      kodingcaravan: { port: 3000, upstreams: ['auth', 'users'] },
    });
    expect(parseManifest('x/package.json', text)).toEqual({
      name: '@x/a',
      version: '1.2.3',
      private: true,
      scripts: { build: 'tsc' },
      dependencies: { dependencies: { a: '1' }, devDependencies: { b: '2' }, optionalDependencies: { c: '3' }, peerDependencies: { d: '4' } },
      service: { port: 3000, upstreams: ['auth', 'users'] },
    });
  });

  test('a bare manifest: empty fields, no version, not private', () => {
    expect(parseManifest('x/package.json', '{"name":"a","version":1,"private":"yes","kodingcaravan":null,"dependencies":null}')).toEqual({
      name: 'a',
      scripts: {},
      dependencies: { dependencies: {}, devDependencies: {}, optionalDependencies: {}, peerDependencies: {} },
      service: {},
    });
  });

  test.each<[object, object]>([
    [{ port: 1 }, { port: 1 }],
    [{ port: 65535 }, { port: 65535 }],
    [{ upstreams: [] }, { upstreams: [] }],
    [{ egress: true }, { egress: true }],
    [{ egress: false }, {}],
    [{}, {}],
  ])('kodingcaravan %j is read as %j', (meta, service) => {
    expect(parseManifest('x/package.json', JSON.stringify({ name: 'a', kodingcaravan: meta })).service).toStrictEqual(service);
  });

  test.each<[string, unknown, RegExp]>([
    ['port 0', { port: 0 }, /^x\/package.json: "kodingcaravan.port" must be an integer from 1 to 65535, got 0$/],
    ['port 65536', { port: 65536 }, /"kodingcaravan.port" must be an integer from 1 to 65535, got 65536$/],
    ['a fractional port', { port: 80.5 }, /got 80.5$/],
    ['a port as a string', { port: '80' }, /got "80"$/],
    ['upstreams as a string', { upstreams: 'auth' }, /^x\/package.json: "kodingcaravan.upstreams" must be an array of service names$/],
    ['an upstream that is not a string', { upstreams: ['auth', 1] }, /"kodingcaravan.upstreams" must be an array of service names$/],
    ['egress as a string', { egress: 'yes' }, /^x\/package.json: "kodingcaravan.egress" must be true or false, got "yes"$/],
    ['a key it does not know (a typo of egress)', { port: 3000, egres: true }, /^x\/package.json: "kodingcaravan.egres" is no setting; expected port, upstreams or egress$/],
    ['metadata that is a list', [], /^x\/package.json: "kodingcaravan" must be an object$/],
    ['metadata that is a string', 'svc', /"kodingcaravan" must be an object$/],
  ])('rejects kodingcaravan with %s', (_, meta, message) => {
    expect(() => parseManifest('x/package.json', JSON.stringify({ name: 'a', kodingcaravan: meta }))).toThrow(message);
  });

  test.each<[string, string, RegExp]>([
    ['an empty name', '{"name":""}', /^x\/package.json: missing "name"; every workspace package needs a unique name$/],
    ['a name that is a number', '{"name":1}', /missing "name"/],
    ['null', 'null', /^x\/package.json: expected a JSON object$/],
    ['scripts with a number', '{"name":"a","scripts":{"build":1}}', /^x\/package.json: "scripts" must be an object of name -> command$/],
    ['scripts as a list', '{"name":"a","scripts":["tsc"]}', /"scripts" must be an object/],
    ['devDependencies as a list', '{"name":"a","devDependencies":["b"]}', /^x\/package.json: "devDependencies" must be an object of name -> version specifier$/],
    ['optionalDependencies with a number', '{"name":"a","optionalDependencies":{"b":2}}', /"optionalDependencies" must be an object/],
    ['peerDependencies as a string', '{"name":"a","peerDependencies":"b"}', /"peerDependencies" must be an object/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseManifest('x/package.json', text)).toThrow(message);
  });

  test("the error for invalid JSON carries the parser's message (not its class name)", () => {
    expect(() => parseManifest('x/package.json', '{"name":')).toThrow(/^x\/package.json: not valid JSON \((?!SyntaxError)[^\n]+\); fix the file$/);
    expect(() => readManifestEdges('{"name":', () => 'x/package.json')).toThrow(/^x\/package.json: not valid JSON \((?!SyntaxError)[^\n]+\); fix the file$/);
  });
});

describe('dependency specifiers as graph edges (pnpm: workspace:, file:, link:)', () => {
  test.each<[string, string, unknown]>([
    ['lodash', '^4.0.0', 'lodash'],
    // npm: installs the aliased package under the key: an edge when it is a workspace package (link-workspace-packages).
    ['@x/a', 'npm:@x/b@1', '@x/b'],
    ['lib', 'npm:@x/lib@^1.0.0', '@x/lib'],
    ['lo', 'npm:lodash', 'lodash'],
    ['lo', 'npm:lodash@4', 'lodash'],
    ['x', 'npm:', 'x'],
    ['@x/a', 'workspace:*', ['@x/a', '@x/a']],
    ['@x/a', 'workspace:^1.0.0', ['@x/a', '@x/a']],
    ['short', 'workspace:@x/real@*', ['@x/real', 'short']],
    ['short', 'workspace:real@^1', ['real', 'short']],
    ['@x/a', 'workspace:@x/a', ['@x/a', '@x/a']],
    ['@x/a', 'workspace:@@x', ['@x/a', '@x/a']],
    ['dep', 'file:../lib', { name: 'dep', path: '../lib', copy: true }],
    ['dep', 'link:./vendor/x', { name: 'dep', path: './vendor/x' }],
    // pnpm's `workspace:<relative path>`: the folder names the package, which must be a workspace package.
    ['mylib', 'workspace:../../packages/lib', { name: 'mylib', path: '../../packages/lib' }],
    ['mylib', 'workspace:./lib', { name: 'mylib', path: './lib' }],
  ])('%s: %s', (name, spec, ref) => {
    const manifest = parseManifest('x/package.json', JSON.stringify({ name: 'p', dependencies: { [name]: spec } }));
    expect(readManifestEdges(JSON.stringify({ name: 'p', dependencies: { [name]: spec } }), () => 'x').refs).toEqual([ref]);
    expect(dependencyRefs(manifest)).toEqual([ref]);
  });

  test('readManifestEdges skips absent and null fields and names the file only on an error', () => {
    let named = 0;
    const fileName = () => {
      named++;
      return 'x/package.json';
    };
    expect(readManifestEdges('{"name":"a","dependencies":null,"devDependencies":{"b":"1"}}', fileName)).toEqual({ name: 'a', refs: ['b'] });
    expect(named).toBe(0);
    expect(() => readManifestEdges('{"name":"a","optionalDependencies":{"b":null}}', fileName)).toThrow(/^x\/package.json: "optionalDependencies" must be an object/);
    expect(named).toBe(1);
  });

  test('a UTF-8 byte order mark before the JSON is read as pnpm reads it (strip-bom), by both readers', () => {
    const text = '\uFEFF{"name":"@x/b","dependencies":{"@x/a":"workspace:*"}}';
    expect(readManifestEdges(text, () => 'x/package.json')).toEqual({ name: '@x/b', refs: [['@x/a', '@x/a']] });
    expect(parseManifest('x/package.json', text)).toMatchObject({ name: '@x/b' });
    // Only at the start: anywhere else it is the JSON error it is.
    expect(() => readManifestEdges('{"name":"a"}\uFEFF', () => 'x/package.json')).toThrow(/^x\/package.json: not valid JSON/);
    expect(() => readManifestEdges('\uFEFF\uFEFF{"name":"a"}', () => 'x/package.json')).toThrow(/^x\/package.json: not valid JSON/);
  });
});

describe('orders that do not come for free', () => {
  test('a package visited after one with several dependencies still waits for its own', () => {
    // By hand: a needs d and e; b needs c. Depth-first by name: d, e, a, then b after c.
    const ws = buildWorkspace([pkg('p/a', 'a', { d: 'workspace:*', e: 'workspace:*' }), pkg('p/b', 'b', { c: 'workspace:*' }), pkg('p/c', 'c'), pkg('p/d', 'd'), pkg('p/e', 'e')]);
    expect(ws.order).toEqual(['d', 'e', 'a', 'c', 'b']);
  });

  test('workspace dependencies listed out of order come back sorted', () => {
    const ws = buildWorkspace([pkg('p/a', 'a'), pkg('p/b', 'b'), pkg('p/c', 'c'), pkg('p/s', 's', { a: 'workspace:*', c: 'workspace:*', b: 'workspace:*' })]);
    expect(ws.get('s').workspaceDeps).toEqual(['a', 'b', 'c']);
  });

  test('services are ordered by folder name, not by path', () => {
    const ws = buildWorkspace([pkg('apps/zeta', '@x/z', {}, 'dependencies', true), pkg('services/alpha', '@x/a', {}, 'dependencies', true)]);
    expect(ws.services.map((s) => s.folder)).toEqual(['alpha', 'zeta']);
  });
});

describe('dependencyRef: a workspace: spec that starts with a dot is a folder (pnpm 10 links it)', () => {
  test.each<[string, ReturnType<typeof dependencyRef>]>([
    ['workspace:..', { name: 'k', path: '..' }],
    ['workspace:.', { name: 'k', path: '.' }],
    ['workspace:../b', { name: 'k', path: '../b' }],
    ['workspace:./in', { name: 'k', path: './in' }],
    ['workspace:.hidden/x', { name: 'k', path: '.hidden/x' }],
    ['workspace:*', ['k', 'k']],
    ['workspace:^', ['k', 'k']],
    ['workspace:other@*', ['other', 'k']],
    ['link:..', { name: 'k', path: '..' }],
  ])('%s', (spec, ref) => {
    expect(dependencyRef('k', spec)).toEqual(ref);
  });
});

describe('a dependency on the workspace root package (pnpm links the root folder)', () => {
  const source = (dir: string, name: string, deps: Record<string, string>) => ({
    dir,
    name,
    isService: false,
    refs: Object.entries(deps).map(([k, v]) => dependencyRef(k, v)),
  });
  test.each<[string, Record<string, string>, string, boolean]>([
    ['workspace:* naming it', { root: 'workspace:*' }, 'packages/a', true],
    ['a workspace: alias of it', { r: 'workspace:root@*' }, 'packages/a', true],
    ['a plain range naming it', { root: '^1.0.0' }, 'packages/a', true],
    ['file: to the root folder', { r: 'file:../..' }, 'packages/a', true],
    ['link: to the root folder, with a slash', { r: 'link:../../' }, 'packages/a', true],
    ['workspace:.. from a folder one level down', { r: 'workspace:..' }, 'tools', true],
    ['a path above the root (outside the workspace)', { r: 'file:../../..' }, 'packages/a', false],
    ['a path to the package itself', { r: 'workspace:.' }, 'packages/a', false],
    ['a path through ./ to the root folder', { r: 'file:./../..' }, 'packages/a', true],
    ['a path with an empty segment to the root folder', { r: 'link:..//..' }, 'packages/a', true],
    ['a path to another package', { b: 'file:../b' }, 'packages/a', false],
    ['a path down from a folder one level deep', { v: 'file:x' }, 'tools', false],
    ['a path above the root and back down', { r: 'file:../../../y' }, 'packages/a', false],
    ['an absolute path', { r: 'file:/x' }, 'packages/a', false],
    ['a workspace: spec of a version naming it', { root: 'workspace:1.0.0' }, 'packages/a', true],
    ['another package', { b: 'workspace:*' }, 'packages/a', false],
    ['an external package', { lodash: '^4.0.0' }, 'packages/a', false],
  ])('%s', (_, deps, dir, expected) => {
    const graph = buildGraph([source(dir, 'a', deps), source('packages/b', 'b', {})], { rootName: 'root' });
    expect(graph.get('a').dependsOnRoot === true).toBe(expected);
    expect(graph.get('b').dependsOnRoot).toBeUndefined();
    expect(graph.get('a').workspaceDeps).toEqual(Object.values(deps).some((d) => d === 'file:../b') || deps['b'] !== undefined ? ['b'] : []);
  });

  test('without the root name, workspace: naming it is refused as naming no package (a root manifest without a name)', () => {
    expect(() => buildGraph([source('packages/a', 'a', { root: 'workspace:*' })])).toThrow(
      'package a depends on "root" with a workspace: specifier, but no workspace package is named root; restore that package or change the specifier',
    );
  });

  // pnpm links the highest version of the name, which may be the root's (a review reproduced it with pnpm 10.34.9):
  // both are inputs, a safe over-approximation.
  test('a workspace package of that name too: an edge to it, and on the root', () => {
    const graph = buildGraph([source('packages/a', 'a', { root: 'workspace:*' }), source('packages/r', 'root', {})], { rootName: 'root' });
    expect([graph.get('a').workspaceDeps, graph.get('a').dependsOnRoot, graph.get('a').linksRoot]).toEqual([['root'], true, true]);
    const plain = buildGraph([source('packages/a', 'a', { root: '^1.0.0' }), source('packages/r', 'root', {})], { rootName: 'root' });
    expect([plain.get('a').workspaceDeps, plain.get('a').dependsOnRoot]).toEqual([['root'], true]);
  });
});

describe('rootManifest: the name of the workspace root manifest, and the object itself (its overrides), from its JSON', () => {
  test.each<[string, string, ReturnType<typeof rootManifest>]>([
    ['a name', '{"name":"root"}', { name: 'root', json: { name: 'root' } }],
    ['no name', '{"private":true}', { json: { private: true } }],
    ['an empty name', '{"name":""}', { json: { name: '' } }],
    ['a name that is no string', '{"name":5}', { json: { name: 5 } }],
    ['not an object', '["root"]', {}],
    ['not JSON', '{"name":"root",}', { unreadable: expect.stringMatching(/^package\.json: not valid JSON \(.+\)$/) }],
  ])('%s', (_, text, expected) => {
    expect(rootManifest('package.json', text)).toEqual(expected);
  });
});
