/**
 * A vendored folder a package reaches both by `link:` (nothing of it installed) and by `file:` (a copy:
 * pnpm installs its own `file:` dependencies): the copy's dependencies are inputs whatever order the two
 * specifiers come in. followLocal returns early for a folder already in localInputs, so when the link:
 * comes first the copy's own dependencies are never followed (while readVendored has read them).
 */
import { expect, test } from 'vitest';
import { buildWorkspace, type PackageInput } from '../../scripts/core/workspace/graph.js';
import { dependencyRef, parseManifest } from '../../scripts/core/workspace/manifest.js';

const svc = (fields: Record<string, Record<string, string>>): PackageInput => ({
  dir: 'services/a',
  isService: true,
  manifest: parseManifest('services/a/package.json', JSON.stringify({ name: '@x/a', ...fields })),
});
const vendored = new Map([['vendor/x', [dependencyRef('y', 'file:../y')]]]);

test.each([
  ['file: first', { dependencies: { x: 'file:../../vendor/x' }, devDependencies: { xl: 'link:../../vendor/x' } }],
  ['link: first', { dependencies: { xl: 'link:../../vendor/x' }, devDependencies: { x: 'file:../../vendor/x' } }],
])("a folder reached by link: and by file: has its copy's own file: dependencies as inputs (%s)", (_, fields) => {
  const ws = buildWorkspace([svc(fields)], { vendored });
  expect(ws.get('@x/a').localInputs).toEqual(['vendor/x', 'vendor/y']);
});

test("a vendored folder first reached through a link: of the package, then by a copy's file: dependency, has its own dependencies followed", () => {
  // vendor/x (a copy) depends on file:../y; the package also links vendor/y. pnpm installs y as x's copy,
  // with y's own file: dependency vendor/z.
  const deep = new Map([
    ['vendor/x', [dependencyRef('y', 'file:../y')]],
    ['vendor/y', [dependencyRef('z', 'file:../z')]],
  ]);
  const ws = buildWorkspace([svc({ dependencies: { yl: 'link:../../vendor/y', x: 'file:../../vendor/x' } })], { vendored: deep });
  expect([...ws.get('@x/a').localInputs].sort()).toEqual(['vendor/x', 'vendor/y', 'vendor/z']);
});
