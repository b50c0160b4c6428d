/**
 * The three forms of `pipeline affected`'s result, from an Affected made by hand: the report (JSON),
 * the step outputs (the contract with the workflows), the text for a terminal and the job summary.
 */
import { describe, expect, test } from 'vitest';
import type { Affected, AffectedPackage } from '../../../scripts/core/affected/compute.js';
import { buildReport, inWorkspace, type Report, type ReportInput, renderSummary, renderText, stepOutputs } from '../../../scripts/core/affected/report.js';

const BASE = '0123456789abcdef0123456789abcdef01234567';
const HEAD = 'fedcba9876543210fedcba9876543210fedcba98';

const lib = (name: string, dir: string, reasons: string[]): AffectedPackage => ({ name, dir, folder: dir.slice(dir.lastIndexOf('/') + 1), isService: false, reasons });
const svc = (name: string, dir: string, reasons: string[]): AffectedPackage => ({ name, dir, folder: dir.slice(dir.lastIndexOf('/') + 1), isService: true, reasons });

// Folder order, as computeAffected leaves it; the services' folder names sort the other way (api before web).
const AFFECTED: Affected = {
  packages: [
    lib('@x/core', 'packages/core', ['1 file changed in packages/core: "a.ts"']),
    svc('@x/web', 'services/a/web', ['depends on @x/core, which changed']),
    svc('@x/api', 'services/z/api', ['depends on @x/core, which changed', 'pnpm-lock.yaml: dependencies zod 1.0.0 -> 1.1.0']),
  ],
  global: [],
  tooling: ['1 file changed in no package (the pipeline and repository tooling): "scripts/x.ts"'],
  roots: ['@x/core'],
  via: new Map([
    ['@x/web', '@x/core'],
    ['@x/api', '@x/core'],
  ]),
  notes: ['package services/old was removed (1 file); its dependents changed their manifests'],
};

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    base: BASE,
    head: HEAD,
    strategy: 'pull-request',
    changedFiles: 2,
    affected: AFFECTED,
    warnings: ['shallow clone'],
    workspaceDir: '',
    marker: 'Dockerfile',
    image: (s) => `ghcr.io/acme/${s}`,
    ...over,
  };
}

describe('buildReport', () => {
  test('services by folder name with their image and Dockerfile; libraries by name; warnings then notes', () => {
    expect(buildReport(input({ workspaceDir: 'app', marker: 'docker/Dockerfile' }))).toEqual({
      base: BASE,
      head: HEAD,
      strategy: 'pull-request',
      changedFiles: 2,
      tooling: true,
      global: false,
      packages: [
        { name: '@x/core', path: 'app/packages/core', reasons: ['1 file changed in packages/core: "a.ts"'] },
        { name: '@x/web', path: 'app/services/a/web', reasons: ['depends on @x/core, which changed'] },
        { name: '@x/api', path: 'app/services/z/api', reasons: ['depends on @x/core, which changed', 'pnpm-lock.yaml: dependencies zod 1.0.0 -> 1.1.0'] },
      ],
      services: [
        { name: 'api', path: 'app/services/z/api', reasons: ['depends on @x/core, which changed', 'pnpm-lock.yaml: dependencies zod 1.0.0 -> 1.1.0'] },
        { name: 'web', path: 'app/services/a/web', reasons: ['depends on @x/core, which changed'] },
      ],
      libraries: ['@x/core'],
      matrix: {
        include: [
          { service: 'api', package: '@x/api', path: 'app/services/z/api', dockerfile: 'app/services/z/api/docker/Dockerfile', image: 'ghcr.io/acme/api' },
          { service: 'web', package: '@x/web', path: 'app/services/a/web', dockerfile: 'app/services/a/web/docker/Dockerfile', image: 'ghcr.io/acme/web' },
        ],
      },
      reasons: { global: [], tooling: ['1 file changed in no package (the pipeline and repository tooling): "scripts/x.ts"'] },
      warnings: ['shallow clone', 'package services/old was removed (1 file); its dependents changed their manifests'],
    });
  });

  test('global when any global reason; no tooling without a tooling reason', () => {
    const r = buildReport(input({ affected: { ...AFFECTED, global: ['g'], tooling: [] } }));
    expect([r.global, r.tooling]).toEqual([true, false]);
  });

  test.each([
    ['', 'services/a', 'services/a'],
    ['app', 'services/a', 'app/services/a'],
    ['a/b', 'x', 'a/b/x'],
  ])('inWorkspace(%j, %j) = %j', (dir, path, expected) => {
    expect(inWorkspace(dir, path)).toBe(expected);
  });
});

describe('stepOutputs', () => {
  test('nothing affected and no base: empty lists, false, an empty base', () => {
    const empty: Affected = { packages: [], global: [], tooling: [], roots: [], via: new Map(), notes: [] };
    expect(stepOutputs(buildReport(input({ base: null, affected: empty })))).toEqual({
      matrix: '{"include":[]}',
      services: '[]',
      count: '0',
      any: 'false',
      libraries: '[]',
      tooling: 'false',
      global: 'false',
      base: '',
      head: HEAD,
    });
  });

  test('two services and a library', () => {
    const out = stepOutputs(buildReport(input()));
    expect({ ...out, matrix: JSON.parse(out['matrix'] ?? '') }).toEqual({
      matrix: {
        include: [
          { service: 'api', package: '@x/api', path: 'services/z/api', dockerfile: 'services/z/api/Dockerfile', image: 'ghcr.io/acme/api' },
          { service: 'web', package: '@x/web', path: 'services/a/web', dockerfile: 'services/a/web/Dockerfile', image: 'ghcr.io/acme/web' },
        ],
      },
      services: '["api","web"]',
      count: '2',
      any: 'true',
      libraries: '["@x/core"]',
      tooling: 'true',
      global: 'false',
      base: BASE,
      head: HEAD,
    });
  });
});

describe('renderText', () => {
  test('a header with the short revisions, a padded table of services, libraries, tooling and warnings', () => {
    expect(renderText(buildReport(input()))).toBe(
      [
        'pull-request: 0123456789ab..fedcba987654, 2 changed files',
        'service  reason',
        'api      depends on @x/core, which changed; pnpm-lock.yaml: dependencies zod 1.0.0 -> 1.1.0',
        'web      depends on @x/core, which changed',
        'libraries: @x/core',
        'tooling: 1 file changed in no package (the pipeline and repository tooling): "scripts/x.ts"',
        'warning: shallow clone',
        'warning: package services/old was removed (1 file); its dependents changed their manifests',
        '',
      ].join('\n'),
    );
  });

  test('a long service name widens the column; one file; no base', () => {
    const affected: Affected = { ...AFFECTED, packages: [svc('@x/n', 'services/notifications', ['r'])], tooling: [], notes: [] };
    expect(renderText(buildReport(input({ base: null, changedFiles: 1, warnings: [], affected, strategy: 'dispatch' })))).toBe(
      'dispatch: fedcba987654 (no comparison), 1 changed file\nservice        reason\nnotifications  r\n',
    );
  });

  test('nothing affected', () => {
    const affected: Affected = { packages: [], global: [], tooling: [], roots: [], via: new Map(), notes: [] };
    expect(renderText(buildReport(input({ changedFiles: 0, warnings: [], affected })))).toBe('pull-request: 0123456789ab..fedcba987654, 0 changed files\nno service is affected\n');
  });

  test('many lockfile reasons are summed up in one line (--json keeps them)', () => {
    const reasons = ['pnpm-lock.yaml: dependencies a 1 -> 2', 'pnpm-lock.yaml: dependencies b 1 -> 2'];
    const affected: Affected = { ...AFFECTED, packages: [svc('@x/api', 'services/api', reasons)], tooling: [], notes: [] };
    const report = buildReport(input({ warnings: [], affected }));
    expect(renderText(report)).toContain('\napi      pnpm-lock.yaml: 2 resolved dependencies changed (a, b)\n');
    expect(report.services[0]?.reasons).toEqual(reasons);
  });
});

describe('several libraries, global, tooling reasons and roots', () => {
  const affected: Affected = {
    packages: [lib('@x/a', 'packages/a', ['r']), lib('@x/b', 'packages/b', ['r'])],
    global: [],
    tooling: ['t1', 't2'],
    roots: ['@x/a', '@x/b'],
    via: new Map(),
    notes: [],
  };

  test('the text lists them with their separators', () => {
    expect(renderText(buildReport(input({ warnings: [], affected })))).toBe(
      'pull-request: 0123456789ab..fedcba987654, 2 changed files\nno service is affected\nlibraries: @x/a, @x/b\ntooling: t1; t2\n',
    );
  });

  test('the summary lists them with their separators, and highlights every root', () => {
    const summary = renderSummary(buildReport(input({ warnings: [], affected })), affected);
    expect(summary).toContain('\nLibraries: `@x/a`, `@x/b`\n');
    expect(summary).toContain("\n**Tooling changed** (the pipeline's own checks run): t1; t2\n");
    expect(summary).toContain('\n  class p0,p1 changed\n');
  });

  test('the summary joins several global reasons', () => {
    const global: Affected = { ...affected, global: ['g1', 'g2'], tooling: [] };
    expect(renderSummary(buildReport(input({ warnings: [], affected: global })), global)).toContain('\n**Every service is affected:** g1; g2\n');
  });
});

describe('renderSummary', () => {
  test('a table per service, libraries, tooling, warnings as alerts, and the graph of what changed and what it reaches', () => {
    const report = buildReport(input());
    expect(renderSummary(report, AFFECTED)).toBe(
      [
        '### Affected services: 2',
        '',
        'pull-request, 0123456789ab..fedcba987654, 2 changed files.',
        '',
        '| service | image | reasons |',
        '| --- | --- | --- |',
        '| api | `ghcr.io/acme/api` | depends on @x/core, which changed; pnpm-lock.yaml: dependencies zod 1.0.0 -> 1.1.0 |',
        '| web | `ghcr.io/acme/web` | depends on @x/core, which changed |',
        '',
        'Libraries: `@x/core`',
        '',
        '**Tooling changed** (the pipeline\'s own checks run): 1 file changed in no package (the pipeline and repository tooling): "scripts/x.ts"',
        '',
        '> [!WARNING]',
        '> shallow clone',
        '',
        '> [!WARNING]',
        '> package services/old was removed (1 file); its dependents changed their manifests',
        '',
        'Changed packages (highlighted) and what they reach:',
        '',
        '```mermaid',
        'graph LR',
        '  p0["@x/core"]',
        '  p1(["@x/web"])',
        '  p2(["@x/api"])',
        '  p0 --> p1',
        '  p0 --> p2',
        '  classDef changed fill:#fde68a,stroke:#b45309',
        '  class p0 changed',
        '```',
        '',
        '',
      ].join('\n'),
    );
  });

  test('every package affected: the global reasons, no graph; pipes and newlines kept out of the table', () => {
    const affected: Affected = {
      packages: [svc('@x/a', 'services/a', ['global input a|b changed', 'line\nbreak'])],
      global: ['global input a|b changed'],
      tooling: [],
      roots: [],
      via: new Map(),
      notes: ['x|y'],
    };
    const report = buildReport(input({ base: null, warnings: [], affected }));
    expect(renderSummary(report, affected)).toBe(
      [
        '### Affected services: 1',
        '',
        'pull-request, fedcba987654 (no comparison), 2 changed files.',
        '',
        '| service | image | reasons |',
        '| --- | --- | --- |',
        '| a | `ghcr.io/acme/a` | global input a\\|b changed; line break |',
        '',
        '**Every service is affected:** global input a\\|b changed',
        '',
        '> [!WARNING]',
        '> x\\|y',
        '',
        '',
      ].join('\n'),
    );
  });

  test('nothing affected: the count and the comparison only', () => {
    const affected: Affected = { packages: [], global: [], tooling: [], roots: [], via: new Map(), notes: [] };
    expect(renderSummary(buildReport(input({ warnings: [], affected })), affected)).toBe(
      '### Affected services: 0\n\npull-request, 0123456789ab..fedcba987654, 2 changed files.\n\n',
    );
  });

  test('graph labels lose the characters that break mermaid; a root that is not drawn is not classed', () => {
    const affected: Affected = {
      packages: [lib('a"b`c<d>e', 'packages/x', ['r'])],
      global: [],
      tooling: [],
      roots: ['a"b`c<d>e', 'not-affected'],
      via: new Map(),
      notes: [],
    };
    expect(renderSummary(buildReport(input({ warnings: [], affected })), affected)).toContain(
      '```mermaid\ngraph LR\n  p0["abcde"]\n  classDef changed fill:#fde68a,stroke:#b45309\n  class p0 changed\n```\n',
    );
  });

  test('no root among the drawn packages: no highlight', () => {
    const affected: Affected = { packages: [lib('@x/a', 'packages/a', ['r'])], global: [], tooling: [], roots: [], via: new Map(), notes: [] };
    expect(renderSummary(buildReport(input({ warnings: [], affected })), affected)).toContain('```mermaid\ngraph LR\n  p0["@x/a"]\n```\n');
  });

  test.each([
    [150, true],
    [151, false],
  ])('%i packages: the graph is drawn: %s', (n, drawn) => {
    const packages = Array.from({ length: n }, (_, i) => lib(`p${i}`, `packages/p${i}`, ['r']));
    const affected: Affected = { packages, global: [], tooling: [], roots: [], via: new Map(), notes: [] };
    const summary = renderSummary(buildReport(input({ warnings: [], affected })), affected);
    expect(summary.includes('```mermaid')).toBe(drawn);
    expect(summary.includes(`_${n} packages are affected; the graph is drawn up to 150._`)).toBe(!drawn);
  });
});

test('a report is plain data: it survives JSON', () => {
  const report: Report = buildReport(input());
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
});
