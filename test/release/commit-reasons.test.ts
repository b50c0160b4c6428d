import { describe, expect, it } from 'vitest';
import type { Classified } from '../../scripts/core/affected/classify.js';
import type { LockfileDiff } from '../../scripts/core/changes/lockfile.js';
import type { RootManifestDiff } from '../../scripts/core/changes/root-manifest.js';
import { type CommitChange, commitReasons } from '../../scripts/core/release/commit-reasons.js';
import type { Reason } from '../../scripts/core/release/notes.js';
import { buildGraph } from '../../scripts/core/workspace/graph.js';
import { dependencyRef } from '../../scripts/core/workspace/manifest.js';

/** alpha → @kc/util → @kc/core; beta depends on nothing; @kc/other is nobody's dependency. */
const graph = buildGraph([
  { dir: 'packages/core', name: '@kc/core', isService: false, refs: [] },
  { dir: 'packages/other', name: '@kc/other', isService: false, refs: [] },
  { dir: 'packages/util', name: '@kc/util', isService: false, refs: [dependencyRef('@kc/core', 'workspace:*')] },
  { dir: 'services/alpha', name: 'alpha', isService: true, refs: [dependencyRef('@kc/util', 'workspace:^')] },
  { dir: 'services/beta', name: 'beta', isService: true, refs: [] },
]);
const alpha = graph.get('alpha');

/** A commit's change: the packages and global inputs it touched (files listed do not matter here). */
function change(
  packages: string[],
  global: Record<string, string[]> = {},
  extra: { lockfile?: LockfileDiff; rootManifest?: RootManifestDiff } = {},
  localInputs: Record<string, string[]> = {},
): CommitChange {
  const classified: Classified = {
    ignored: [],
    lockfile: extra.lockfile !== undefined,
    rootManifest: extra.rootManifest !== undefined,
    global: new Map(Object.entries(global)),
    packages: new Map(packages.map((p) => [p, ['src/index.ts']])),
    unowned: [],
    localInputs: new Map(Object.entries(localInputs).map(([name, folders]) => [name, new Map(folders.map((f) => [f, ['index.js']]))])),
    rootFiles: [],
  };
  return { classified, ...extra };
}

const importers = (entries: Record<string, string[]>): LockfileDiff => ({ kind: 'importers', importers: new Map(Object.entries(entries)) });

describe('why a commit belongs in a service history', () => {
  it.each<[string, CommitChange, Reason[]]>([
    ["a file in the service's folder", change(['alpha']), [{ kind: 'folder', path: 'services/alpha' }]],
    ['a direct workspace dependency', change(['@kc/util']), [{ kind: 'dependency', package: '@kc/util' }]],
    ['a dependency of a dependency', change(['@kc/core']), [{ kind: 'dependency', package: '@kc/core' }]],
    ['another service', change(['beta']), []],
    [
      'a vendored folder of the service and of a dependency (file:/link:), each once, sorted, after the dependencies',
      change(['@kc/core'], {}, {}, { alpha: ['vendor/z', 'vendor/pad'], '@kc/util': ['vendor/pad'], beta: ['vendor/b'] }),
      [
        { kind: 'dependency', package: '@kc/core' },
        { kind: 'folder', path: 'vendor/pad' },
        { kind: 'folder', path: 'vendor/z' },
      ],
    ],
    ["a vendored folder of another service's only", change([], {}, {}, { beta: ['vendor/b'] }), []],
    ['a package the service does not depend on', change(['@kc/other']), []],
    [
      'the folder and both dependencies, in that order (dependencies in build order)',
      change(['@kc/util', 'alpha', '@kc/core']),
      [
        { kind: 'folder', path: 'services/alpha' },
        { kind: 'dependency', package: '@kc/core' },
        { kind: 'dependency', package: '@kc/util' },
      ],
    ],
    [
      'every file of every global input',
      change([], { 'services/Dockerfile.template': ['services/Dockerfile.template'], '.npmrc': ['.npmrc'], 'patches/**': ['patches/a.patch', 'patches/b.patch'] }),
      [
        { kind: 'global', file: 'services/Dockerfile.template' },
        { kind: 'global', file: '.npmrc' },
        { kind: 'global', file: 'patches/a.patch' },
        { kind: 'global', file: 'patches/b.patch' },
      ],
    ],
    [
      'an install field of the root manifest, naming the fields',
      change([], {}, { rootManifest: { kind: 'install', fields: ['packageManager', 'pnpm.overrides'] } }),
      [{ kind: 'global', file: 'package.json (packageManager, pnpm.overrides)' }],
    ],
    ['a tooling field of the root manifest (scripts)', change([], {}, { rootManifest: { kind: 'tooling', fields: ['scripts'] } }), []],
    ['a root manifest unchanged in value (reformatted)', change([], {}, { rootManifest: { kind: 'unchanged' } }), []],
    ['a lockfile change to every importer', change([], {}, { lockfile: { kind: 'all', reason: 'pnpm-lock.yaml was deleted' } }), [{ kind: 'lockfile', packages: [] }]],
    [
      'a lockfile pnpm did not write (unattributable)',
      change([], {}, { lockfile: { kind: 'unreadable', side: 'head', detail: 'flow style' } }),
      [{ kind: 'lockfile', packages: [] }],
    ],
    [
      "a lockfile change to the service's importer and a dependency's, the packages sorted and once each",
      change(
        [],
        {},
        {
          lockfile: importers({
            'services/alpha': ['pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0', 'pnpm-lock.yaml: devDependencies ajv 8.0.0 added'],
            'packages/core': ['pnpm-lock.yaml: zod depends on x@1, which changed', 'pnpm-lock.yaml: catalog entry default/chalk changed'],
          }),
        },
      ),
      [{ kind: 'lockfile', packages: ['ajv', 'chalk', 'zod'] }],
    ],
    [
      'a lockfile change to an importer with no package named still counts',
      change([], {}, { lockfile: importers({ 'packages/util': ['pnpm-lock.yaml: new importer'] }) }),
      [{ kind: 'lockfile', packages: [] }],
    ],
    [
      'a lockfile change to another importer only',
      change([], {}, { lockfile: importers({ 'services/beta': ['pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0'], '.': ['pnpm-lock.yaml: new importer'] }) }),
      [],
    ],
    [
      'every kind at once: folder, dependency, global, root manifest, lockfile',
      change(
        ['alpha', '@kc/core'],
        { '.npmrc': ['.npmrc'] },
        { rootManifest: { kind: 'install', fields: ['engines'] }, lockfile: importers({ 'services/alpha': ['pnpm-lock.yaml: dependencies zod 1.0.0 added'] }) },
      ),
      [
        { kind: 'folder', path: 'services/alpha' },
        { kind: 'dependency', package: '@kc/core' },
        { kind: 'global', file: '.npmrc' },
        { kind: 'global', file: 'package.json (engines)' },
        { kind: 'lockfile', packages: ['zod'] },
      ],
    ],
  ])('%s', (_name, c, reasons) => {
    expect(commitReasons(graph, alpha, c)).toEqual(reasons);
  });
});
