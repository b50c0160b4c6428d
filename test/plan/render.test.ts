// The plan as text (renderPlan): each expected line is written from what the text must say, not
// copied from an earlier output.
import { describe, expect, test } from 'vitest';
import type { JobPlan, LegPlan, Plan, StepPlan, WorkflowPlan } from '../../scripts/plan/plan-types.js';
import { renderPlan } from '../../scripts/plan/render.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const BASE = 'fedcba9876543210fedcba9876543210fedcba98';

function stepPlan(fields: Partial<StepPlan> & { name: string }): StepPlan {
  return { if: true, ifExpr: 'success()', with: {}, env: {}, secrets: [], ...fields };
}

function jobPlan(fields: Partial<JobPlan> & { id: string }): JobPlan {
  return {
    name: fields.id,
    status: 'run',
    result: 'success',
    reason: 'no condition',
    needs: [],
    ifExpr: 'success()',
    environment: null,
    concurrency: null,
    outputs: {},
    legs: [],
    ...fields,
  };
}

function leg(steps: StepPlan[], fields: Partial<LegPlan> = {}): LegPlan {
  return { matrix: null, steps, ...fields };
}

function planOf(workflows: WorkflowPlan[], event: Partial<Plan['event']> = {}): Plan {
  return { event: { name: 'push', ref: 'refs/heads/main', sha: SHA, base: BASE, head: SHA, changedFiles: 2, payload: {}, ...event }, workflows };
}

function workflowOf(jobs: JobPlan[], fields: Partial<WorkflowPlan> = {}): WorkflowPlan {
  return { file: '.github/workflows/ci.yml', name: 'CI', triggered: true, reason: 'push to main', jobs, ...fields };
}

/** The lines of one job (its own indentation of two spaces removed). */
function jobLines(j: JobPlan): string[] {
  const lines = renderPlan(planOf([workflowOf([j])])).split('\n');
  const start = lines.indexOf('.github/workflows/ci.yml (CI): triggered: push to main') + 1;
  return lines.slice(start, lines.indexOf('', start)).map((l) => l.slice(2));
}

/** The lines of one step, in a job of one leg without a matrix (the step's indentation removed). */
function stepLines(s: StepPlan): string[] {
  const [head, ...rest] = jobLines(jobPlan({ id: 'build', legs: [leg([s])] }));
  expect(head).toBe('● job build: run (no condition)');
  for (const line of rest) expect(line.startsWith('    ')).toBe(true);
  return rest.map((l) => l.slice(4));
}

describe('a step', () => {
  test.each<[string, StepPlan, string[]]>([
    [
      'skipped: one line with the condition, nothing else',
      stepPlan({ name: 'Deploy', if: false, ifExpr: "success() && github.ref == 'refs/heads/main'", with: { a: '1' }, env: { B: '2' }, secrets: ['S'], note: 'n' }),
      ["· Deploy skipped: if success() && github.ref == 'refs/heads/main' is false"],
    ],
    [
      'an action with a name of its own: the action named, each input, multi-line values aligned',
      stepPlan({ name: 'Build api', uses: 'docker/build-push-action@abc', with: { push: 'true', tags: 'a:1\nb:2' } }),
      ['▸ Build api (uses docker/build-push-action@abc)', '    with push: true', '    with tags: a:1', '               b:2'],
    ],
    ['an action under its default name: not named twice', stepPlan({ name: 'Run actions/checkout@v4', uses: 'actions/checkout@v4' }), ['▸ Run actions/checkout@v4']],
    ['a script under its default name: not shown twice', stepPlan({ name: 'Run echo hi', run: 'echo hi\n' }), ['▸ Run echo hi']],
    ['a named script: shown without its trailing newlines', stepPlan({ name: 'Compute', run: 'a\nb\n\n' }), ['▸ Compute', '    run: a', '         b']],
    [
      'environment and the secrets read',
      stepPlan({ name: 'Login', env: { TOKEN: '***', EMPTY: '' }, secrets: ['GITHUB_TOKEN', 'NPM_TOKEN'] }),
      ['▸ Login', '    env TOKEN: ***', '    env EMPTY: ', '    secrets: GITHUB_TOKEN, NPM_TOKEN'],
    ],
    [
      'executed, exit 0: its outputs',
      stepPlan({ name: 'Affected', executed: { exitCode: 0, outputs: { services: '["api"]', any: 'true' } } }),
      ['⚙ Affected', '    executed: exit 0', '    output services: ["api"]', '    output any: true'],
    ],
    [
      'executed and failed: the error, multi-line',
      stepPlan({ name: 'Tags', executed: { exitCode: 2, outputs: {}, error: 'error: bad\nmore' } }),
      ['✗ Tags', '    executed: exit 2', '    error: error: bad', '           more'],
    ],
    [
      'a note after everything else',
      stepPlan({ name: 'Record', run: 'x', with: { w: '1' }, env: { E: '2' }, secrets: ['S'], note: 'not executed: a writing flag' }),
      ['▸ Record', '    run: x', '    with w: 1', '    env E: 2', '    secrets: S', '    not executed: a writing flag'],
    ],
    ['a step of a called workflow: its job first', stepPlan({ name: 'Roll out', job: 'rollout' }), ['▸ rollout: Roll out']],
  ])('%s', (_, s, expected) => {
    expect(stepLines(s)).toEqual(expected);
  });
});

describe('a job', () => {
  const build = stepPlan({ name: 'Build' });
  test.each<[string, JobPlan, string[]]>([
    [
      'where it runs and with whom it queues',
      jobPlan({ id: 'deploy', environment: 'production', concurrency: 'deploy-main' }),
      ['● job deploy: run (no condition)', '    environment: production', '    concurrency: deploy-main'],
    ],
    [
      'skipped, with the reason',
      jobPlan({ id: 'deploy', status: 'skipped', result: 'skipped', reason: 'needed job build failed' }),
      ['○ job deploy: skipped (needed job build failed)'],
    ],
    [
      'matrix legs, a failure, and outputs (multi-line aligned)',
      jobPlan({
        id: 'build',
        result: 'failure',
        reason: 'no condition; fails: x',
        outputs: { tags: 'a\nb', empty: '' },
        legs: [leg([build], { matrix: { service: 'api' } }), leg([], { matrix: { service: 'web' } })],
      }),
      [
        '● job build: run, 2 legs FAILS (no condition; fails: x)',
        '    leg {"service":"api"}',
        '      ▸ Build',
        '    leg {"service":"web"}',
        '    outputs.tags: a',
        '                  b',
        '    outputs.empty: ',
      ],
    ],
    [
      'several legs without a matrix',
      jobPlan({ id: 'x', legs: [leg([]), leg([build])] }),
      ['● job x: run, 2 legs (no condition)', '    leg (no matrix)', '    leg (no matrix)', '      ▸ Build'],
    ],
    ['one leg with a matrix is still named', jobPlan({ id: 'x', legs: [leg([build], { matrix: { a: 1 } })] }), ['● job x: run (no condition)', '    leg {"a":1}', '      ▸ Build']],
    ['one leg without a matrix: its steps directly', jobPlan({ id: 'x', legs: [leg([build])] }), ['● job x: run (no condition)', '    ▸ Build']],
    [
      'a call to a workflow of another repository is not followed',
      jobPlan({ id: 'x', legs: [leg([], { calls: 'octo/repo/.github/workflows/x.yml@v1' })] }),
      ['● job x: run (no condition)', '    calls octo/repo/.github/workflows/x.yml@v1 (not followed: not a local workflow)'],
    ],
    [
      "a followed call: the called jobs, not the leg's flattened steps",
      jobPlan({
        id: 'deploy',
        legs: [
          leg([stepPlan({ name: 'Roll', job: 'rollout' })], {
            calls: './.github/workflows/deploy.yml',
            jobs: [jobPlan({ id: 'rollout', legs: [leg([stepPlan({ name: 'Roll' })])] })],
          }),
        ],
      }),
      ['● job deploy: run (no condition)', '    calls ./.github/workflows/deploy.yml', '    ● job rollout: run (no condition)', '        ▸ Roll'],
    ],
  ])('%s', (_, j, expected) => {
    expect(jobLines(j)).toEqual(expected);
  });
});

describe('the plan', () => {
  test.each<[string, Partial<Plan['event']>, string]>([
    ['a comparison of two changed files', {}, 'plan for push refs/heads/main at 0123456 (base fedcba9, head 0123456, 2 changed files)'],
    ['one changed file', { changedFiles: 1 }, 'plan for push refs/heads/main at 0123456 (base fedcba9, head 0123456, 1 changed file)'],
    ['no changed file', { changedFiles: 0 }, 'plan for push refs/heads/main at 0123456 (base fedcba9, head 0123456, 0 changed files)'],
    ['no base: no comparison', { base: null, changedFiles: null }, 'plan for push refs/heads/main at 0123456 (base none, head 0123456, no comparison)'],
    [
      'a pull request: the merge commit, its head',
      { name: 'pull_request', ref: 'refs/pull/4/merge', head: BASE },
      'plan for pull_request refs/pull/4/merge at 0123456 (base fedcba9, head fedcba9, 2 changed files)',
    ],
  ])('first line: %s', (_, event, expected) => {
    expect(renderPlan(planOf([], event)).split('\n')[0]).toBe(expected);
  });

  test('every workflow, its jobs, a blank line after each; CI passes', () => {
    const plan = planOf([
      workflowOf([jobPlan({ id: 'build', legs: [leg([stepPlan({ name: 'Build' })])] })]),
      workflowOf([], { file: '.github/workflows/release.yml', name: 'Release', triggered: false, reason: 'filters tags only' }),
    ]);
    expect(renderPlan(plan)).toBe(
      [
        'plan for push refs/heads/main at 0123456 (base fedcba9, head 0123456, 2 changed files)',
        '',
        '.github/workflows/ci.yml (CI): triggered: push to main',
        '  ● job build: run (no condition)',
        '      ▸ Build',
        '',
        '.github/workflows/release.yml (Release): not triggered: filters tags only',
        '',
        'CI would pass (assuming every reported step succeeds)',
        '',
      ].join('\n'),
    );
  });

  test('every failing job, in every workflow, named at the end', () => {
    const plan = planOf([
      workflowOf([jobPlan({ id: 'a', result: 'failure' }), jobPlan({ id: 'b' }), jobPlan({ id: 'c', result: 'failure' })]),
      workflowOf([jobPlan({ id: 'x', result: 'failure' })], { file: '.github/workflows/other.yml', name: 'Other' }),
    ]);
    const lines = renderPlan(plan).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('CI would fail: .github/workflows/ci.yml job a, .github/workflows/ci.yml job c, .github/workflows/other.yml job x');
  });

  test('no workflow at all: the first line, then the verdict', () => {
    expect(renderPlan(planOf([]))).toBe(
      'plan for push refs/heads/main at 0123456 (base fedcba9, head 0123456, 2 changed files)\n\nCI would pass (assuming every reported step succeeds)\n',
    );
  });
});
