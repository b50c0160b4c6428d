// plan's default output, the one-screen summary (scripts/plan/summary.ts), and the short reading of
// `if:` conditions it prints (scripts/plan/condition.ts): pure tables of hand-written plans, then the
// real generated workflows for a change to packages/shared in a copy of this repository.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../scripts/commands/plan.js';
import { compactCondition, splitTop, userCondition } from '../../scripts/plan/condition.js';
import type { JobPlan, Plan, StepPlan } from '../../scripts/plan/plan-types.js';
import { renderPlan } from '../../scripts/plan/render.js';
import { jobReason, renderSummary } from '../../scripts/plan/summary.js';
import { runCommand } from '../support/cli.js';
import { copyRepo } from '../support/repo-copy.js';
import { TempRepo } from './repo.js';

describe('conditions in parts and in short', () => {
  test.each([
    ["success() && (needs.changes.outputs.any == 'true')", "needs.changes.outputs.any == 'true'"],
    ["success() && (a == 'x') && (b == 'y')", "success() && (a == 'x') && (b == 'y')"],
    ['always()', 'always()'],
  ])('userCondition(%s) is %s', (expr, expected) => expect(userCondition(expr)).toBe(expected));

  test.each([
    ["a == 'x' && (b || c) && d", '&&', ["a == 'x'", '(b || c)', 'd']],
    ["a == 'x && y' && b", '&&', ["a == 'x && y'", 'b']],
    ['(a || b)', '||', ['a', 'b']],
    ["a == 'it''s || no' || b", '||', ["a == 'it''s || no'", 'b']],
    ['a', '&&', ['a']],
  ] as const)('splitTop(%s, %s)', (expr, op, expected) => expect(splitTop(expr, op)).toEqual(expected));

  test.each([
    ["needs.changes.outputs.any == 'true'", 'any=true'],
    ["needs.changes.outputs.libraries != '[]'", 'libraries≠[]'],
    ['inputs.dry_run != true', 'dry_run≠true'],
    ["!(github.event_name == 'push' && github.ref == 'refs/heads/main')", 'not (event_name=push, ref=refs/heads/main)'],
    ["needs.a.outputs.x == 'true' || needs.a.outputs.y == 'true'", 'x=true or y=true'],
    ["!cancelled() && (needs.build.result == 'success' || needs.build.result == 'skipped')", '!cancelled(), (build=success or build=skipped)'],
    ["github.actor == 'it''s'", "actor=it's"],
    ["contains(needs.*.result, 'failure')", "contains(needs.*.result, 'failure')"],
  ])('compactCondition(%s) is %s', (expr, expected) => expect(compactCondition(expr)).toBe(expected));
});

const step = (over: Partial<StepPlan> & { name: string }): StepPlan => ({ if: true, ifExpr: 'success()', with: {}, env: {}, secrets: [], ...over });
const job = (over: Partial<JobPlan> & { id: string }): JobPlan => ({
  name: over.id,
  status: 'run',
  result: 'success',
  reason: 'no condition',
  needs: [],
  ifExpr: 'success()',
  environment: null,
  concurrency: null,
  outputs: {},
  legs: [{ matrix: null, steps: [] }],
  ...over,
});
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

function planOf(jobs: JobPlan[]): Plan {
  return {
    event: { name: 'workflow_dispatch', ref: 'refs/heads/main', sha: 'a'.repeat(40), base: null, head: 'a'.repeat(40), changedFiles: null, payload: {} },
    workflows: [
      { file: '.github/workflows/deploy.yml', name: 'Deploy', triggered: true, reason: 'workflow_dispatch on refs/heads/main', jobs },
      { file: '.github/workflows/ci.yml', name: 'CI', triggered: false, reason: 'no workflow_dispatch trigger (on: push)', jobs: [] },
    ],
  };
}

describe('the summary of a plan', () => {
  test('one short reason per job: the deciding term, never the whole if: expression', () => {
    const long = "success() && (needs.changes.outputs.any == 'true' && !(github.event_name == 'push' && github.ref == 'refs/heads/main'))";
    expect(
      jobReason(
        job({
          id: 'build',
          status: 'skipped',
          result: 'skipped',
          ifExpr: long,
          reason: `if: ${long} is false`,
          decisive: "!(github.event_name == 'push' && github.ref == 'refs/heads/main')",
        }),
      ),
    ).toBe('not (event_name=push, ref=refs/heads/main) is false');
    expect(jobReason(job({ id: 'checks', ifExpr: "success() && (a == 'x' || b == 'y')", reason: "if: success() && (a == 'x' || b == 'y') is true", decisive: "b == 'y'" }))).toBe(
      'b=y',
    );
    expect(jobReason(job({ id: 'gate', ifExpr: 'always()', reason: 'if: always() is true' }))).toBe('always()');
    expect(jobReason(job({ id: 'x', status: 'skipped', result: 'skipped', reason: 'needed job changes was skipped' }))).toBe('needed job changes was skipped');
    expect(jobReason(job({ id: 'y', result: 'failure', reason: 'needs a succeeded; fails: step "Affected" exited with 2: error: bad' }))).toBe(
      'FAILS: step "Affected" exited with 2: error: bad',
    );
    expect(jobReason(job({ id: 'z', result: 'failure', reason: `if: ${'x'.repeat(300)}` })).length).toBeLessThanOrEqual(108);
  });

  test('jobs with their legs on one line, a deploy by its digest, the workflows that do not trigger', () => {
    const plan = planOf([
      job({
        id: 'plan',
        legs: [
          { matrix: { service: 'api-gateway' }, steps: [] },
          { matrix: { service: 'chat-service' }, steps: [] },
        ],
      }),
      job({
        id: 'deploy',
        environment: 'staging',
        legs: [
          {
            matrix: null,
            steps: [
              step({ name: 'Dry run', run: 'node scripts/dist/pipeline.cjs deploy --service "$SERVICE" --dry-run', env: { SERVICE: 'api-gateway' } }),
              step({ name: 'Deploy', run: 'node scripts/dist/pipeline.cjs deploy --service "$SERVICE" --digest "$DIGEST"', env: { SERVICE: 'api-gateway', DIGEST } }),
              step({ name: 'Skipped deploy', if: false, run: 'node scripts/dist/pipeline.cjs deploy --service other' }),
            ],
          },
        ],
      }),
    ]);
    expect(renderSummary(plan)).toBe(
      [
        'plan for workflow_dispatch refs/heads/main at aaaaaaa (base none, head aaaaaaa, no comparison)',
        '',
        'deploy.yml (Deploy): triggered: workflow_dispatch on refs/heads/main',
        '  ● plan    run, 2 legs: no condition',
        '            service: api-gateway, chat-service',
        '  ● deploy  run: no condition',
        'ci.yml (CI): not triggered: no workflow_dispatch trigger (on: push)',
        '',
        'would change:',
        '  deploy   to staging by digest sha256:ab12ab12ab12…: api-gateway',
        '',
        '0 output steps ran for real; --verbose shows every step and its inputs, --json the whole plan',
        'CI would pass (assuming every reported step succeeds)',
        '',
      ].join('\n'),
    );
  });

  test('pushes and tags of many legs are one line each; a failing job is named at the end', () => {
    const leg = (service: string) => ({
      matrix: { service },
      steps: [
        step({
          name: 'Tags',
          run: 'node scripts/dist/pipeline.cjs tags --service "$SERVICE"',
          executed: { exitCode: 0, outputs: { tags: `ghcr.io/o/${service}:sha-1234567\nghcr.io/o/${service}:main` } },
        }),
        step({ name: 'Push', uses: 'docker/build-push-action@abc', with: { outputs: `type=image,name=ghcr.io/o/${service},push-by-digest=true,push=true` } }),
        step({ name: 'Promote', run: 'node scripts/dist/pipeline.cjs tags --service "$SERVICE" --promote "$DIGEST"' }),
      ],
    });
    const plan = planOf([
      job({ id: 'publish', legs: [leg('a-service'), leg('b-service')] }),
      job({ id: 'gate', result: 'failure', reason: 'no condition; fails: step "x" exited with 1: no' }),
    ]);
    const text = renderSummary(plan);
    expect(text).toContain('  push     2 × by digest (known once pushed) to ghcr.io/o/<name>: a-service, b-service\n');
    expect(text).toContain('  tag      2 × sha-1234567, main on the pushed digest: a-service, b-service\n');
    expect(text).toContain('  ✗ gate     run: FAILS: step "x" exited with 1: no\n');
    expect(text).toContain('2 output steps ran for real');
    expect(text.endsWith('CI would fail: deploy.yml job gate\n')).toBe(true);
  });
});

describe('pipeline plan on a change to packages/shared (the real workflows)', () => {
  let repo: TempRepo;
  let copy: { dir: string; cleanup: () => void };
  beforeAll(() => {
    copy = copyRepo();
    repo = new TempRepo(copy.dir);
    repo.commit('the workspace');
    repo.commit('a shared change', { 'packages/shared/src/summary-test.ts': 'export const summaryTest = 1;\n' });
  });
  afterAll(() => copy?.cleanup());

  test('the default summary fits on one screen and names every job and leg; --verbose is the full plan; --json carries its schema', async () => {
    const summary = await runCommand(run, ['--event', 'push'], { cwd: repo.dir });
    const json = await runCommand(run, ['--event', 'push', '--json'], { cwd: repo.dir });
    const verbose = await runCommand(run, ['--event', 'push', '--verbose'], { cwd: repo.dir });
    expect([summary.code, json.code, verbose.code]).toEqual([0, 0, 0]);
    // Not a terminal: no progress.
    expect(summary.stderr).toBe('');
    const { schema, ...plan }: Plan & { schema: number } = JSON.parse(json.stdout);
    expect(schema).toBe(1);
    const lines = summary.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(50);
    const ci = plan.workflows.find((w) => w.file === '.github/workflows/ci.yml');
    expect(ci?.jobs.map((j) => j.id)).toEqual(['changes', 'build', 'publish', 'libraries', 'checks', 'ci-ok']);
    for (const j of ci?.jobs ?? []) expect(summary.stdout).toMatch(new RegExp(`^  [●○✗] ${j.id} +${j.status}`, 'm'));
    const publish = ci?.jobs.find((j) => j.id === 'publish');
    expect(publish?.legs).toHaveLength(12);
    const serviceLine = lines.find((l) => /^ +service: /.test(l)) ?? '';
    for (const l of publish?.legs ?? []) expect(serviceLine).toContain(`${l.matrix?.['service']}`);
    expect(lines).toContain('  ○ build      skipped: not (event_name=push, ref=refs/heads/main, repository=kodingcaravan/kodingcaravan) is false');
    expect(summary.stdout).toMatch(/^ {2}push {5}12 × by digest \(known once pushed\) to ghcr\.io\/kodingcaravan\/<name>: admin-service, /m);
    expect(summary.stdout).toMatch(/^ {2}tag {6}12 × sha-[0-9a-f]{7}, main on the pushed digest: /m);
    expect(summary.stdout).not.toContain('github.event_name');
    // --verbose keeps every detail: it is the full renderer over the same plan.
    expect(verbose.stdout).toBe(renderPlan(plan));
    expect(verbose.stdout.split('\n').length).toBeGreaterThan(500);
  });

  test('progress on stderr when it is a terminal, one line per job, cleared at the end', async () => {
    const r = await runCommand(run, ['--event', 'push', '--workflow', 'ci.yml'], { cwd: repo.dir, stderrIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('planning ci.yml: job changes (1/6)…');
    expect(r.stderr).toContain('planning ci.yml: job ci-ok (6/6)…');
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
  });
});
