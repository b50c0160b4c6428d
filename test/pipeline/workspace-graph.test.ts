import { describe, expect, test } from 'vitest';
import { buildWorkspace, joinPosix, type PackageInput } from '../../scripts/core/workspace/graph.js';
import { parseManifest, readManifestEdges } from '../../scripts/core/workspace/manifest.js';
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
    ['{"version":"1"}', /^x\/package.json: missing "name"/],
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
});

describe('joinPosix: where a file:/link: path points, from the dependent folder', () => {
  test.each([
    ['packages/desktop/plugin/examples/app', '../../', 'packages/desktop/plugin'],
    ['services/gamma', '../../packages/core', 'packages/core'],
    ['services/gamma', './vendor/x', 'services/gamma/vendor/x'],
    ['services/gamma', '../../../outside', ''],
    ['services/gamma', '/abs/path', '/abs/path'],
  ])('%s + %s = %s', (dir, path, expected) => {
    expect(joinPosix(dir, path)).toBe(expected);
  });
});
