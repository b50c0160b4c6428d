/**
 * Workspace packages without a name, and packages that share one: pnpm 10 lists, links and filters both, so
 * `affected` must work in such a clone (it exited 2: `missing "name"`, `two workspace packages are named`).
 * Each expectation is what pnpm 10.34.9 does (checked by hand on a scratch workspace of these shapes:
 * `pnpm ls -r --depth -1 --json`, `pnpm --filter "...[base]" ls`, `pnpm install --offline`), or, where
 * pnpm's choice cannot be known from the manifests alone, its safe over-approximation (said in place).
 * Such a package is known by its folder (`./packages/e`, the selector `pnpm --filter` takes for it);
 * the generators still refuse both (an image's build selects its package by name).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { buildGraph, buildWorkspace } from '../../../scripts/core/workspace/graph.js';
import { dependencyRef, parseManifest, readManifestEdges } from '../../../scripts/core/workspace/manifest.js';
import { affected, cleanup, commit, makeRepo, parseJson } from './fixture.js';

afterAll(cleanup);

const json = (value: object) => `${JSON.stringify(value)}\n`;
const FILES: Record<string, string> = {
  'package.json': json({ name: 'root', private: true }),
  'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
  'packages/a/package.json': json({ name: 'dup', version: '1.0.0' }),
  'packages/b/package.json': json({ name: 'dup', version: '1.0.1' }),
  'packages/c/package.json': json({ name: 'c', version: '1.0.0', dependencies: { dup: 'workspace:*' } }),
  'packages/e/package.json': json({ version: '1.0.0' }),
  'packages/f/package.json': json({ name: 'f', version: '1.0.0', dependencies: { e: 'link:../e' } }),
};

const src = (dir: string, name: string | undefined, deps: Record<string, string> = {}) => ({
  dir,
  name,
  isService: false,
  refs: Object.entries(deps).map(([k, v]) => dependencyRef(k, v)),
});

describe('affected in a workspace with an unnamed package and two packages of one name', () => {
  // pnpm 10: `--filter "...[base]"` lists packages/b (dup 1.0.1), c (c's `dup: workspace:*` links b, the highest
  // version) and packages/e (no name) for a change to b and e, and f, which links e (`link:../e`).
  test('a change to b and to the unnamed e: b, c, e and f, each known by name or, without a name of its own, by folder', async () => {
    const { root, first } = makeRepo(FILES);
    const head = commit(root, 'b and e', { 'packages/b/i.js': 'b\n', 'packages/e/i.js': 'e\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', head]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const report = parseJson(r);
    expect(report.packages.map((p) => [p.name, p.path])).toEqual([
      ['./packages/b', 'packages/b'],
      ['c', 'packages/c'],
      ['./packages/e', 'packages/e'],
      ['f', 'packages/f'],
    ]);
    expect(report.packages.find((p) => p.name === 'c')?.reasons).toEqual(['depends on ./packages/b, which changed']);
  });

  // pnpm 10 links c's `dup` to b (1.0.1, the highest) and lists a alone for a change to a. Which package of a
  // shared name pnpm links depends on versions and ranges the manifests alone do not settle (the registry's
  // `link-workspace-packages` rules): a dependency on a shared name is an edge to each package of that name, so
  // c is listed too, a safe over-approximation (never a miss).
  test('a change to a: a, and c, which depends on the name a shares with b', async () => {
    const { root, first } = makeRepo(FILES);
    const head = commit(root, 'a', { 'packages/a/i.js': 'a\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', head]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(parseJson(r).packages.map((p) => p.name)).toEqual(['./packages/a', 'c']);
  });
});

describe('the graph of change detection', () => {
  test('an unnamed package, and each of two packages of one name, is known by its folder; a dependency on a shared name reaches each', () => {
    const graph = buildGraph([src('p/one', 'dup'), src('p/two', 'dup'), src('p/u', undefined), src('p/x', 'x', { dup: 'workspace:^1.0.0', u: 'link:../u' })]);
    expect([...graph.packages.keys()]).toEqual(['./p/one', './p/two', './p/u', 'x']);
    expect(graph.get('x').workspaceDeps).toEqual(['./p/one', './p/two', './p/u']);
    expect([...graph.withDependents(['./p/two'])].sort()).toEqual(['./p/two', 'x']);
  });

  test('three packages of one name: each known by its folder, the name by none', () => {
    const graph = buildGraph([src('p/1', 'dup'), src('p/2', 'dup'), src('p/3', 'dup'), src('p/x', 'x', { dup: '^1.0.0' })]);
    expect([...graph.packages.keys()]).toEqual(['./p/1', './p/2', './p/3', 'x']);
    expect(graph.get('x').workspaceDeps).toEqual(['./p/1', './p/2', './p/3']);
  });

  test('a name several hold, under an alias: an edge to each', () => {
    const graph = buildGraph([src('p/1', 'dup'), src('p/2', 'dup'), src('p/x', 'x', { d: 'workspace:dup@*' })]);
    expect(graph.get('x').workspaceDeps).toEqual(['./p/1', './p/2']);
  });

  test('a package depending on the name it shares reaches the other package of that name, not itself', () => {
    const graph = buildGraph([src('p/one', 'dup', { dup: 'workspace:*' }), src('p/two', 'dup')]);
    expect(graph.get('./p/one').workspaceDeps).toEqual(['./p/two']);
  });

  // pnpm links c's `dup` to one of a and b, so a -> c -> a need not be a cycle (review s16): not refused, and not in
  // the way of an order (release notes ask a service's dependencies in order), as any cycle of change detection.
  test("a cycle closed by an edge to a shared name's package is neither refused nor in the way of an order", () => {
    const graph = buildGraph([src('p/a', 'dup', { c: 'workspace:*' }), src('p/b', 'dup'), src('p/c', 'c', { dup: 'workspace:*' })]);
    expect(graph.get('c').workspaceDeps).toEqual(['./p/a', './p/b']);
    expect(graph.dependenciesOf('./p/a').map((p) => p.name)).toEqual(['./p/b', 'c']);
  });

  test('a name spelled like the folder key of another package is refused, naming both', () => {
    expect(() => buildGraph([src('p/u', undefined), src('p/v', './p/u')])).toThrow(
      /^p\/v\/package\.json: the name "\.\/p\/u" is how p\/u, which has no name of its own, is known; rename it$/,
    );
  });

  test('the manifest reader of change detection reads a manifest without a name, or with an empty one, as unnamed', () => {
    expect(readManifestEdges('{"version":"1.0.0"}', () => 'x/package.json').name).toBeUndefined();
    expect(readManifestEdges('{"name":""}', () => 'x/package.json').name).toBeUndefined();
    expect(readManifestEdges('{"name":null}', () => 'x/package.json').name).toBeUndefined();
    expect(() => readManifestEdges('{"name":1}', () => 'x/package.json')).toThrow(/^x\/package\.json: "name" must be a string, got a number$/);
    expect(() => readManifestEdges('{"name":["a"]}', () => 'x/package.json')).toThrow(/^x\/package\.json: "name" must be a string, got an array$/);
  });

  // The generators' reader (the working tree): an image's build selects its package by name.
  test('the generators still refuse a package without a name, and two of one name', () => {
    expect(() => parseManifest('x/package.json', '{"version":"1.0.0"}')).toThrow(/^x\/package\.json: missing "name"; every workspace package needs a unique name$/);
    const pkg = (dir: string) => ({ dir, isService: false, manifest: parseManifest(`${dir}/package.json`, '{"name":"dup"}') });
    expect(() => buildWorkspace([pkg('p/one'), pkg('p/two')])).toThrow('two workspace packages are named dup: p/one/package.json and p/two/package.json; rename one');
  });
});
