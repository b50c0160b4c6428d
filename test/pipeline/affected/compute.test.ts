import { describe, expect, test } from 'vitest';
import { classifyFiles } from '../../../scripts/core/affected/classify.js';
import { computeAffected, type Findings } from '../../../scripts/core/affected/compute.js';
import { buildReport, renderSummary, stepOutputs } from '../../../scripts/core/affected/report.js';
import { diffRootManifest } from '../../../scripts/core/changes/root-manifest.js';
import { InputError } from '../../../scripts/core/errors.js';
import { buildWorkspace, type PackageInput } from '../../../scripts/core/workspace/graph.js';
import { parseManifest } from '../../../scripts/core/workspace/manifest.js';

function pkg(dir: string, name: string, deps: Record<string, string> = {}, isService = dir.startsWith('services/')): PackageInput {
  return { dir, isService, manifest: parseManifest(`${dir}/package.json`, JSON.stringify({ name, dependencies: deps })) };
}

// core <- util <- api, web ; core <- auth <- api ; worker is alone; tools/gen is a library with a nested package.
const workspace = buildWorkspace([
  pkg('packages/core', '@x/core'),
  pkg('packages/util', '@x/util', { '@x/core': 'workspace:*' }),
  pkg('packages/auth', '@x/auth', { '@x/core': 'workspace:^' }),
  pkg('services/api', '@x/api', { '@x/util': 'workspace:*', '@x/auth': 'workspace:*' }),
  pkg('services/web', '@x/web', { '@x/util': '1.0.0' }),
  pkg('services/worker', '@x/worker', { lodash: '^4.0.0' }),
  pkg('services/worker/plugins/p', '@x/plugin', {}, false),
]);

const rules = {
  globalInputs: ['pnpm-workspace.yaml', '.npmrc', '.nvmrc', 'tsconfig*.json', '.dockerignore', 'services/Dockerfile.template'],
  ignore: ['**/*.md', 'docs/**'],
};

function affectedBy(files: string[], findings: Findings = {}) {
  const classified = classifyFiles(files, workspace, rules);
  const result = computeAffected(workspace, { kind: 'changes', classified, findings });
  return {
    services: result.packages.filter((p) => p.isService).map((p) => p.folder),
    libraries: result.packages
      .filter((p) => !p.isService)
      .map((p) => p.name)
      .sort(),
    tooling: result.tooling.length > 0,
    global: result.global.length > 0,
  };
}

describe('changed files -> affected packages', () => {
  test.each<[string, string[], { services: string[]; libraries: string[]; tooling: boolean; global: boolean }]>([
    ['nothing', [], { services: [], libraries: [], tooling: false, global: false }],
    ['a leaf service file', ['services/worker/src/main.ts'], { services: ['worker'], libraries: [], tooling: false, global: false }],
    [
      'the core library reaches everything that depends on it',
      ['packages/core/src/a.ts'],
      { services: ['api', 'web'], libraries: ['@x/auth', '@x/core', '@x/util'], tooling: false, global: false },
    ],
    ['a plain spec naming a workspace package is an edge', ['packages/util/index.ts'], { services: ['api', 'web'], libraries: ['@x/util'], tooling: false, global: false }],
    ['the deepest package folder owns a path', ['services/worker/plugins/p/index.ts'], { services: [], libraries: ['@x/plugin'], tooling: false, global: false }],
    [
      'a service Dockerfile and its .dockerignore',
      ['services/web/Dockerfile', 'services/web/Dockerfile.dockerignore'],
      { services: ['web'], libraries: [], tooling: false, global: false },
    ],
    ['Markdown and docs are ignored, in packages too', ['README.md', 'docs/x.png', 'packages/core/CHANGELOG.md'], { services: [], libraries: [], tooling: false, global: false }],
    ['pipeline tooling', ['scripts/pipeline.ts', '.github/workflows/ci.yml', 'workflows-src/ci.wac.ts'], { services: [], libraries: [], tooling: true, global: false }],
    [
      'a root tsconfig is global',
      ['tsconfig.base.json'],
      { services: ['api', 'web', 'worker'], libraries: ['@x/auth', '@x/core', '@x/plugin', '@x/util'], tooling: false, global: true },
    ],
    ['a nested tsconfig is not', ['packages/auth/tsconfig.json'], { services: ['api'], libraries: ['@x/auth'], tooling: false, global: false }],
    [
      'the Dockerfile template is global',
      ['services/Dockerfile.template'],
      { services: ['api', 'web', 'worker'], libraries: ['@x/auth', '@x/core', '@x/plugin', '@x/util'], tooling: false, global: true },
    ],
    [
      'the root .dockerignore is global',
      ['.dockerignore'],
      { services: ['api', 'web', 'worker'], libraries: ['@x/auth', '@x/core', '@x/plugin', '@x/util'], tooling: false, global: true },
    ],
    ['odd names', ['services/web/a b "c"\n.ts', 'packages/auth/ünï.ts'], { services: ['api', 'web'], libraries: ['@x/auth'], tooling: false, global: false }],
  ])('%s', (_, files, expected) => {
    expect(affectedBy(files)).toEqual(expected);
  });

  test('the lockfile and the root manifest count by what the shell found in them', () => {
    expect(affectedBy(['pnpm-lock.yaml'], { lockfile: { kind: 'importers', importers: new Map([['services/worker', ['r']]]) } }).services).toEqual(['worker']);
    expect(affectedBy(['pnpm-lock.yaml'], { lockfile: { kind: 'importers', importers: new Map([['packages/auth', ['r']]]) } }).services).toEqual(['api']);
    expect(affectedBy(['pnpm-lock.yaml'], { lockfile: { kind: 'all', reason: 'r' } }).global).toBe(true);
    expect(affectedBy(['pnpm-lock.yaml'], { lockfile: { kind: 'importers', importers: new Map([['.', ['r']]]) } })).toEqual({
      services: [],
      libraries: [],
      tooling: true,
      global: false,
    });
    expect(affectedBy(['package.json'], { rootManifest: { kind: 'install', fields: ['pnpm'] } }).global).toBe(true);
    expect(affectedBy(['package.json'], { rootManifest: { kind: 'tooling', fields: ['scripts'] } })).toEqual({ services: [], libraries: [], tooling: true, global: false });
    // A package folder deleted by the change is neither tooling nor a package.
    expect(affectedBy(['services/old/index.ts'], { removedPackageDirs: new Set(['services/old']) })).toEqual({ services: [], libraries: [], tooling: false, global: false });
  });

  test('a removed package folder owns only the files under it: removing services/old does not remove services/older', () => {
    const classified = classifyFiles(['services/old/index.ts', 'services/old/src/a.ts', 'services/older/x.ts'], workspace, rules);
    const result = computeAffected(workspace, { kind: 'changes', classified, findings: { removedPackageDirs: new Set(['services/old']) } });
    expect(result.notes).toEqual(['package services/old was removed (2 files); its dependents changed their manifests']);
    expect(result.tooling).toEqual(['1 file changed in no package (the pipeline and repository tooling): "services/older/x.ts"']);
  });

  test('every affected package carries its reasons, dependents the chain to the cause', () => {
    const classified = classifyFiles(['packages/core/a.ts', 'packages/core/b.ts', 'packages/core/c.ts', 'packages/core/d.ts'], workspace, rules);
    const result = computeAffected(workspace, { kind: 'changes', classified, findings: {} });
    const reasons = Object.fromEntries(result.packages.map((p) => [p.name, p.reasons]));
    expect(reasons['@x/core']).toEqual(['4 files changed in packages/core: "a.ts", "b.ts", "c.ts" and 1 more']);
    expect(reasons['@x/util']).toEqual(['depends on @x/core, which changed']);
    expect(reasons['@x/api']?.[0]).toMatch(/^depends on @x\/core, which changed \(through @x\/(auth|util)\)$/);
  });

  test('a selection names services; an unknown one is an input error', () => {
    const result = computeAffected(workspace, { kind: 'services', services: ['web'], reason: 'release tag web@1.0.0' });
    expect(result.packages.map((p) => [p.folder, p.reasons])).toEqual([['web', ['release tag web@1.0.0']]]);
    expect(() => computeAffected(workspace, { kind: 'services', services: ['nope'], reason: 'release tag nope@1.0.0' })).toThrow(InputError);
    expect(() => computeAffected(workspace, { kind: 'services', services: ['nope'], reason: 'x' })).toThrow(/no service named nope; known services: api, web, worker/);
  });
});

describe('root package.json', () => {
  const fields = ['packageManager', 'engines', 'pnpm', 'dependencies', 'devDependencies'];
  test.each<[string, object, object, string]>([
    ['scripts only', { scripts: { a: '1' } }, { scripts: { a: '2' } }, 'tooling:scripts'],
    ['key order only', { engines: { node: '20', npm: '10' } }, { engines: { npm: '10', node: '20' } }, 'unchanged:'],
    ['devDependencies', { devDependencies: { x: '1' } }, { devDependencies: { x: '2' } }, 'install:devDependencies'],
    ['both', { scripts: {}, packageManager: 'pnpm@9' }, { scripts: { b: '' }, packageManager: 'pnpm@10' }, 'install:packageManager'],
    ['pnpm.overrides', {}, { pnpm: { overrides: { a: '1' } } }, 'install:pnpm'],
  ])('%s', (_, before, after, expected) => {
    const diff = diffRootManifest('package.json', JSON.stringify(before), JSON.stringify(after), fields);
    expect(`${diff.kind}:${diff.kind === 'unchanged' ? '' : diff.fields.join(',')}`).toBe(expected);
  });

  test('a malformed head is an input error naming the file', () => {
    expect(() => diffRootManifest('package.json', '{}', '{', fields)).toThrow(/package\.json \(head\): not valid JSON/);
  });
});

describe('report', () => {
  const classified = classifyFiles(['packages/auth/x.ts', 'scripts/a.ts'], workspace, rules);
  const affected = computeAffected(workspace, { kind: 'changes', classified, findings: {} });
  const report = buildReport({
    base: 'a'.repeat(40),
    head: 'b'.repeat(40),
    strategy: 'push',
    changedFiles: 2,
    affected,
    warnings: [],
    workspaceDir: '',
    marker: 'Dockerfile',
    image: (s) => `ghcr.io/acme/${s}`,
  });

  test('step outputs follow the contract', () => {
    expect(stepOutputs(report)).toEqual({
      matrix: JSON.stringify({ include: [{ service: 'api', package: '@x/api', path: 'services/api', dockerfile: 'services/api/Dockerfile', image: 'ghcr.io/acme/api' }] }),
      services: '["api"]',
      count: '1',
      any: 'true',
      libraries: '["@x/auth"]',
      tooling: 'true',
      global: 'false',
      base: 'a'.repeat(40),
      head: 'b'.repeat(40),
    });
  });

  test('services are named by folder, packages by package name', () => {
    expect(report.services.map((s) => s.name)).toEqual(['api']);
    expect(report.packages.map((p) => p.name)).toEqual(['@x/auth', '@x/api']);
  });

  test('the summary has a table row per service and a mermaid edge from cause to dependent', () => {
    const summary = renderSummary(report, affected);
    expect(summary).toContain('| api | `ghcr.io/acme/api` | depends on @x/auth, which changed |');
    expect(summary).toMatch(/```mermaid\ngraph LR\n {2}p0\["@x\/auth"\]\n {2}p1\(\["@x\/api"\]\)\n {2}p0 --> p1\n/);
  });
});
