/**
 * Cyclic workspace dependencies, which pnpm 10 installs with a warning ("There are cyclic workspace
 * dependencies") and whose `--filter "...[base]"` lists every package of the cycle and their dependents: a
 * test-utils package depending on core while core has it as a devDependency is a common shape. `affected`
 * had exited 2 ("dependency cycle between workspace packages"), so a clone with one got no change detection.
 * The generators still refuse one (an image's build order must be one).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { buildGraph, buildWorkspace } from '../../../scripts/core/workspace/graph.js';
import { dependencyRef, parseManifest } from '../../../scripts/core/workspace/manifest.js';
import { affected, cleanup, commit, makeRepo, parseJson } from './fixture.js';

afterAll(cleanup);

const json = (value: object) => `${JSON.stringify(value)}\n`;
const src = (dir: string, name: string, deps: Record<string, string> = {}) => ({ dir, name, isService: false, refs: Object.entries(deps).map(([k, v]) => dependencyRef(k, v)) });

describe('a cycle of workspace dependencies', () => {
  // pnpm 10.34.9 on this shape: install warns and links both ways; `--filter "...[base]"` lists tu, core and app.
  test('a change to tu, in a cycle with core: tu, core and app (which depends on core)', async () => {
    const { root, first } = makeRepo({
      'package.json': json({ name: 'root', private: true }),
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      'packages/core/package.json': json({ name: 'core', version: '1.0.0', devDependencies: { tu: 'workspace:*' } }),
      'packages/tu/package.json': json({ name: 'tu', version: '1.0.0', dependencies: { core: 'workspace:*' } }),
      'packages/app/package.json': json({ name: 'app', version: '1.0.0', dependencies: { core: 'workspace:*' } }),
      'packages/lone/package.json': json({ name: 'lone', version: '1.0.0' }),
    });
    const head = commit(root, 'tu', { 'packages/tu/i.js': 'x\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', head]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(parseJson(r).packages.map((p) => p.name)).toEqual(['app', 'core', 'tu']);
  });

  test("the graph keeps the cycle's edges; a package's dependencies never list itself", () => {
    const graph = buildGraph([src('p/a', 'a', { b: 'workspace:*' }), src('p/b', 'b', { a: 'workspace:*' }), src('p/c', 'c', { a: 'workspace:*' })]);
    expect([graph.get('a').workspaceDeps, graph.get('b').workspaceDeps]).toEqual([['b'], ['a']]);
    expect(graph.dependenciesOf('a').map((p) => p.name)).toEqual(['b']);
    expect(
      graph
        .dependenciesOf('c')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect([...graph.withDependents(['b'])].sort()).toEqual(['a', 'b', 'c']);
  });

  test('the generators still refuse one, naming it', () => {
    const pkg = (dir: string, text: string) => ({ dir, isService: false, manifest: parseManifest(`${dir}/package.json`, text) });
    expect(() => buildWorkspace([pkg('p/a', '{"name":"a","dependencies":{"b":"workspace:*"}}'), pkg('p/b', '{"name":"b","devDependencies":{"a":"workspace:*"}}')])).toThrow(
      'dependency cycle between workspace packages: a -> b -> a; remove one of these dependencies',
    );
  });
});
