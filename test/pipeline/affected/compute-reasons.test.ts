/**
 * computeAffected's result in full: which packages, in folder order, each with the reasons a person
 * reads in the summary; the global, tooling and note lines; the roots and the edges of the graph drawn.
 */
import { describe, expect, test } from 'vitest';
import type { Classified } from '../../../scripts/core/affected/classify.js';
import { type Affected, computeAffected, describeFiles, type Findings } from '../../../scripts/core/affected/compute.js';
import { buildGraph, type DependencyRef } from '../../../scripts/core/workspace/graph.js';

const ws = (name: string): DependencyRef => [name, name];
// core <- auth <- api <- edge ; core <- util <- api ; util <- web ; worker alone.
const graph = buildGraph([
  { dir: 'services/web', name: '@x/web', isService: true, refs: [ws('@x/util')] },
  { dir: 'packages/core', name: '@x/core', isService: false, refs: [] },
  { dir: 'packages/util', name: '@x/util', isService: false, refs: [ws('@x/core')] },
  { dir: 'packages/auth', name: '@x/auth', isService: false, refs: [ws('@x/core')] },
  { dir: 'services/api', name: '@x/api', isService: true, refs: [ws('@x/util'), ws('@x/auth')] },
  { dir: 'services/edge', name: '@x/edge', isService: true, refs: [ws('@x/api')] },
  { dir: 'services/worker', name: '@x/worker', isService: true, refs: [] },
]);

const FOLDERS = ['packages/auth', 'packages/core', 'packages/util', 'services/api', 'services/edge', 'services/web', 'services/worker'];

function classified(parts: Partial<Classified>): Classified {
  return { ignored: [], lockfile: false, rootManifest: false, global: new Map(), packages: new Map(), unowned: [], localInputs: new Map(), rootFiles: [], ...parts };
}

function changes(parts: Partial<Classified>, findings: Findings = {}): Affected {
  return computeAffected(graph, { kind: 'changes', classified: classified(parts), findings });
}

const reasonsOf = (a: Affected) => Object.fromEntries(a.packages.map((p) => [p.name, p.reasons]));

describe('describeFiles', () => {
  test.each<[string[], string]>([
    [['a.ts'], '1 file changed in services/api: "a.ts"'],
    [['a.ts', 'b.ts'], '2 files changed in services/api: "a.ts", "b.ts"'],
    [['a.ts', 'b.ts', 'c.ts'], '3 files changed in services/api: "a.ts", "b.ts", "c.ts"'],
    [['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e "x".ts'], '5 files changed in services/api: "a.ts", "b.ts", "c.ts" and 2 more'],
    [[], '0 files changed in services/api: '],
  ])('%j', (files, text) => {
    expect(describeFiles(files, 'services/api')).toBe(text);
  });
});

describe('every package, or the services named', () => {
  test('all: every package in folder order, with the one reason, which is also the global reason', () => {
    const a = computeAffected(graph, { kind: 'all', reason: 'a manual run' });
    expect(a.packages.map((p) => p.dir)).toEqual(FOLDERS);
    expect(a.packages.every((p) => p.reasons.length === 1 && p.reasons[0] === 'a manual run')).toBe(true);
    expect(a.packages.find((p) => p.name === '@x/api')).toEqual({ name: '@x/api', dir: 'services/api', folder: 'api', isService: true, reasons: ['a manual run'] });
    expect({ global: a.global, tooling: a.tooling, roots: a.roots, via: [...a.via], notes: a.notes }).toEqual({
      global: ['a manual run'],
      tooling: [],
      roots: [],
      via: [],
      notes: [],
    });
  });

  test('services: only those, in folder order, whatever order they were named in', () => {
    const a = computeAffected(graph, { kind: 'services', services: ['worker', 'api'], reason: 'deploy' });
    expect(a.packages).toEqual([
      { name: '@x/api', dir: 'services/api', folder: 'api', isService: true, reasons: ['deploy'] },
      { name: '@x/worker', dir: 'services/worker', folder: 'worker', isService: true, reasons: ['deploy'] },
    ]);
    expect({ global: a.global, tooling: a.tooling, roots: a.roots, via: [...a.via], notes: a.notes }).toEqual({ global: [], tooling: [], roots: [], via: [], notes: [] });
  });

  test('services: a library or an unknown folder is an error naming every missing one and the known services', () => {
    expect(() => computeAffected(graph, { kind: 'services', services: ['api', 'core', 'nope'], reason: 'release tag' })).toThrow(
      'release tag: no service named core, nope; known services: api, edge, web, worker',
    );
  });
});

describe('changed files and findings', () => {
  test('nothing changed: nothing affected, no reason', () => {
    const a = changes({});
    expect({ packages: a.packages, global: a.global, tooling: a.tooling, roots: a.roots, via: [...a.via], notes: a.notes }).toEqual({
      packages: [],
      global: [],
      tooling: [],
      roots: [],
      via: [],
      notes: [],
    });
  });

  test('a change spreads to dependents breadth-first; each names the cause and the chain, nearest first', () => {
    const a = changes({ packages: new Map([['@x/core', ['src/a.ts']]]) });
    expect(a.packages.map((p) => p.dir)).toEqual(['packages/auth', 'packages/core', 'packages/util', 'services/api', 'services/edge', 'services/web']);
    expect(reasonsOf(a)).toEqual({
      '@x/core': ['1 file changed in packages/core: "src/a.ts"'],
      // Dependents of core in folder order: auth before util, so api is reached through auth.
      '@x/auth': ['depends on @x/core, which changed'],
      '@x/util': ['depends on @x/core, which changed'],
      '@x/api': ['depends on @x/core, which changed (through @x/auth)'],
      '@x/web': ['depends on @x/core, which changed (through @x/util)'],
      '@x/edge': ['depends on @x/core, which changed (through @x/api -> @x/auth)'],
    });
    expect(a.roots).toEqual(['@x/core']);
    expect(Object.fromEntries(a.via)).toEqual({ '@x/auth': '@x/core', '@x/util': '@x/core', '@x/api': '@x/auth', '@x/web': '@x/util', '@x/edge': '@x/api' });
    expect({ global: a.global, tooling: a.tooling, notes: a.notes }).toEqual({ global: [], tooling: [], notes: [] });
  });

  test('a local input (a vendored folder a file:/link: dependency points at): each folder a direct reason, after the own files; dependents reached', () => {
    const a = changes({
      packages: new Map([['@x/util', ['u.ts']]]),
      localInputs: new Map([
        [
          '@x/util',
          new Map([
            ['vendor/pad', ['index.js', 'lib/a.js']],
            ['vendor/t.tgz', ['t.tgz']],
          ]),
        ],
        ['@x/worker', new Map([['vendor/pad', ['index.js', 'lib/a.js']]])],
      ]),
    });
    expect(reasonsOf(a)).toEqual({
      '@x/util': [
        '1 file changed in packages/util: "u.ts"',
        '2 files changed in vendor/pad, a local dependency (file:/link:): "index.js", "lib/a.js"',
        '1 file changed in vendor/t.tgz, a local dependency (file:/link:): "t.tgz"',
      ],
      '@x/worker': ['2 files changed in vendor/pad, a local dependency (file:/link:): "index.js", "lib/a.js"'],
      '@x/api': ['depends on @x/util, which changed'],
      '@x/web': ['depends on @x/util, which changed'],
      '@x/edge': ['depends on @x/util, which changed (through @x/api)'],
    });
    expect({ roots: a.roots, tooling: a.tooling }).toEqual({ roots: ['@x/util', '@x/worker'], tooling: [] });
  });

  test('a package changed itself and through a dependency: its own files, then the affected dependency (first by name)', () => {
    const a = changes({
      packages: new Map([
        ['@x/api', ['a.ts']],
        ['@x/util', ['u.ts']],
        ['@x/auth', ['x.ts']],
      ]),
    });
    expect(reasonsOf(a)).toEqual({
      '@x/auth': ['1 file changed in packages/auth: "x.ts"'],
      '@x/util': ['1 file changed in packages/util: "u.ts"'],
      '@x/api': ['1 file changed in services/api: "a.ts"', 'also depends on @x/auth, which is affected'],
      '@x/web': ['depends on @x/util, which changed'],
      '@x/edge': ['depends on @x/api, which changed'],
    });
    expect(a.roots).toEqual(['@x/api', '@x/auth', '@x/util']);
    expect(Object.fromEntries(a.via)).toEqual({ '@x/web': '@x/util', '@x/edge': '@x/api' });
  });

  test('the lockfile by importer: a package gains the reasons after its files; the root importer is tooling; an unknown one a note', () => {
    const a = changes(
      { lockfile: true, packages: new Map([['@x/worker', ['w.ts']]]) },
      {
        lockfile: {
          kind: 'importers',
          importers: new Map([
            ['services/worker', ['pnpm-lock.yaml: dependencies a 1 -> 2', 'pnpm-lock.yaml: dependencies b 1 -> 2']],
            ['services/web', ['pnpm-lock.yaml: dependencies c 1 -> 2']],
            ['.', ['r1', 'r2']],
            ['services/gone', ['r3', 'r4']],
          ]),
        },
      },
    );
    expect(reasonsOf(a)).toEqual({
      '@x/worker': ['1 file changed in services/worker: "w.ts"', 'pnpm-lock.yaml: dependencies a 1 -> 2', 'pnpm-lock.yaml: dependencies b 1 -> 2'],
      '@x/web': ['pnpm-lock.yaml: dependencies c 1 -> 2'],
    });
    expect(a.tooling).toEqual(["the root importer's resolved dependencies changed (r1; r2)"]);
    expect(a.notes).toEqual(['pnpm-lock.yaml: importer services/gone is not a workspace package at head (r3; r4)']);
    expect(a.global).toEqual([]);
  });

  test('global inputs, an install change of the root manifest and a lockfile read as a whole: every package, global reasons first', () => {
    const a = changes(
      {
        global: new Map([
          ['tsconfig*.json', ['tsconfig.json', 'tsconfig.base.json']],
          ['.npmrc', ['.npmrc']],
        ]),
        packages: new Map([['@x/worker', ['w.ts']]]),
        rootManifest: true,
        lockfile: true,
      },
      { rootManifest: { kind: 'install', fields: ['pnpm', 'engines'] }, lockfile: { kind: 'all', reason: 'pnpm-lock.yaml: settings changed' } },
    );
    const global = [
      'global input tsconfig*.json changed ("tsconfig.json", "tsconfig.base.json")',
      'global input .npmrc changed (".npmrc")',
      'root package.json: pnpm, engines changed (installs change)',
      'pnpm-lock.yaml: settings changed',
    ];
    expect(a.global).toEqual(global);
    expect(a.packages.map((p) => p.dir)).toEqual(FOLDERS);
    expect(reasonsOf(a)['@x/worker']).toEqual([...global, '1 file changed in services/worker: "w.ts"']);
    expect(reasonsOf(a)['@x/core']).toEqual(global);
    expect({ tooling: a.tooling, roots: a.roots, via: [...a.via], notes: a.notes }).toEqual({ tooling: [], roots: ['@x/worker'], via: [], notes: [] });
  });

  test.each<[string, Findings, string[], string[]]>([
    ['a root manifest change of tooling fields', { rootManifest: { kind: 'tooling', fields: ['scripts', 'name'] } }, [], ['root package.json: scripts, name changed']],
    ['a root manifest change that is only formatting', { rootManifest: { kind: 'unchanged' } }, [], []],
    ['a lockfile change that reaches no importer', { lockfile: { kind: 'importers', importers: new Map() } }, [], []],
  ])('%s', (_, findings, global, tooling) => {
    const a = changes({ rootManifest: true, lockfile: true }, findings);
    expect({ packages: a.packages, global: a.global, tooling: a.tooling }).toEqual({ packages: [], global, tooling });
  });

  test('unowned files: tooling, except those in a folder that held a package at base (a note per folder, counted)', () => {
    const a = changes(
      { unowned: ['services/old/a.ts', 'scripts/x.ts', 'services/old/b/c.ts', 'libs/gone/index.ts', 'services/older/y.ts', 'Makefile', 'README', 'x'] },
      { removedPackageDirs: new Set(['services/old', 'libs/gone']) },
    );
    expect(a.notes).toEqual([
      'package services/old was removed (2 files); its dependents changed their manifests',
      'package libs/gone was removed (1 file); its dependents changed their manifests',
    ]);
    expect(a.tooling).toEqual(['5 files changed in no package (the pipeline and repository tooling): "scripts/x.ts", "services/older/y.ts", "Makefile" and 2 more']);
    expect(a.packages).toEqual([]);
  });
});

describe('whatever order the changes come in', () => {
  test('a dependent reached from two changed packages names the first by name', () => {
    const a = changes({
      packages: new Map([
        ['@x/util', ['u.ts']],
        ['@x/auth', ['x.ts']],
      ]),
    });
    expect(reasonsOf(a)['@x/api']).toEqual(['depends on @x/auth, which changed']);
    expect(reasonsOf(a)['@x/web']).toEqual(['depends on @x/util, which changed']);
    expect(a.roots).toEqual(['@x/auth', '@x/util']);
  });

  test('with a global reason, the roots are still sorted by name', () => {
    const a = changes({
      global: new Map([['.npmrc', ['.npmrc']]]),
      packages: new Map([
        ['@x/worker', ['w.ts']],
        ['@x/core', ['c.ts']],
      ]),
    });
    expect(a.roots).toEqual(['@x/core', '@x/worker']);
  });
});
