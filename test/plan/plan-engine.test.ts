// The plan engine (scripts/plan/engine.ts) in-process: workflows given as text, a recording step runner
// instead of the real CLI, so each GitHub Actions rule (status functions, needs, matrix, env layering,
// reusable workflows, secrets) is checked on a small workflow written for it.
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { type EngineInput, orderByNeeds, PlanEngine, type StepRunRequest, type StepRunResult } from '../../scripts/plan/engine.js';
import { type EventEnvelope, eventPayload, type PlanEvent } from '../../scripts/plan/event.js';
import type { JobPlan, StepPlan, WorkflowPlan } from '../../scripts/plan/plan-types.js';
import { parseWorkflowText } from '../../scripts/plan/workflow-files.js';

const SHA = 'b'.repeat(40);
const BASE_SHA = 'a'.repeat(40);
const REPOSITORY = { owner: 'acme', name: 'shop', defaultBranch: 'main' };

const EVENTS = {
  push: { name: 'push', ref: 'refs/heads/main', before: BASE_SHA, after: SHA },
  pull_request: { name: 'pull_request', number: 7, base: { ref: 'main', sha: BASE_SHA }, head: { ref: 'feature', sha: SHA }, mergeSha: SHA, fork: false },
  fork: { name: 'pull_request', number: 7, base: { ref: 'main', sha: BASE_SHA }, head: { ref: 'feature', sha: SHA }, mergeSha: SHA, fork: true },
  merge_group: { name: 'merge_group', number: 3, baseRef: 'main', baseSha: BASE_SHA, headSha: SHA },
  workflow_dispatch: { name: 'workflow_dispatch', ref: 'refs/heads/main', sha: SHA },
} as const satisfies Record<string, PlanEvent>;

/** A step runner that records each request and answers with `answer` (exit 0, no outputs by default). */
class RecordingRunner {
  readonly requests: StepRunRequest[] = [];
  constructor(private readonly answer: (request: StepRunRequest) => Partial<StepRunResult> = () => ({})) {}
  run(request: StepRunRequest): Promise<StepRunResult> {
    this.requests.push(request);
    return Promise.resolve({ exitCode: 0, outputs: {}, env: {}, stderr: '', ...this.answer(request) });
  }
}

interface Options {
  readonly event?: keyof typeof EVENTS;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly runner?: RecordingRunner;
  readonly changedFiles?: readonly string[];
  readonly hashFiles?: EngineInput['hashFiles'];
  readonly progress?: EngineInput['progress'];
}

/** Plans `files` (name under .github/workflows → text) for one event. */
async function plan(files: Readonly<Record<string, string>>, options: Options = {}): Promise<WorkflowPlan[]> {
  const envelope: EventEnvelope = { event: EVENTS[options.event ?? 'push'], repository: REPOSITORY, actor: 'dev' };
  const workflows = await Promise.all(Object.entries(files).map(([name, text]) => parseWorkflowText(`.github/workflows/${name}`, text)));
  const engine = new PlanEngine({
    envelope,
    payload: eventPayload(envelope),
    workspace: '/work/shop',
    changedFiles: options.changedFiles,
    inputs: options.inputs ?? {},
    workflows,
    runner: options.runner ?? new RecordingRunner(),
    ...(options.hashFiles ? { hashFiles: options.hashFiles } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  return engine.plan();
}

/** The jobs of the only (or the named) workflow. */
async function jobsOf(text: string, options: Options = {}): Promise<JobPlan[]> {
  const [wf] = await plan({ 'w.yml': text }, options);
  if (!wf) throw new Error('no workflow');
  return [...wf.jobs];
}

async function jobOf(text: string, options: Options = {}): Promise<JobPlan> {
  const [j] = await jobsOf(text, options);
  if (!j) throw new Error('no job');
  return j;
}

function stepsOf(j: JobPlan | undefined, leg = 0): readonly StepPlan[] {
  return j?.legs[leg]?.steps ?? [];
}

function byId(jobs: readonly JobPlan[], id: string): JobPlan {
  const j = jobs.find((x) => x.id === id);
  if (!j) throw new Error(`no job ${id}`);
  return j;
}

/** A workflow on push with the given jobs (YAML under `jobs:`, indented two spaces). */
function onPush(jobs: string, head = ''): string {
  return `name: W\non: push\npermissions: {}\n${head}jobs:\n${jobs}`;
}

/** The command the engine executes for real (an output-computing pipeline call). */
const AFFECTED = 'node scripts/dist/pipeline.cjs affected --json';

describe('which workflows an event triggers', () => {
  const files = {
    'push.yml': 'name: P\non: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'pr-main.yml': 'name: PR\non:\n  pull_request:\n    branches: [main]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'pr-release.yml': 'name: PR2\non:\n  pull_request:\n    branches: [release]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'queue.yml': 'name: Q\non:\n  merge_group:\n    branches: [main]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'manual.yml': 'name: M\non: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'called.yml': 'name: C\non: workflow_call\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'called-or-pr.yml': 'name: CP\non: [workflow_call, pull_request]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
  };

  // A pull_request or merge_group branch filter matches the base branch (GitHub docs, "Events that trigger workflows").
  test.each([
    ['push', ['push.yml']],
    ['pull_request', ['pr-main.yml', 'called-or-pr.yml']],
    ['merge_group', ['queue.yml']],
    ['workflow_dispatch', ['manual.yml']],
  ] as const)('%s triggers %j and nothing else', async (event, expected) => {
    const plans = await plan(files, { event, changedFiles: ['x.txt'] });
    expect(plans.filter((w) => w.triggered).map((w) => w.file.replace('.github/workflows/', ''))).toEqual(expected);
    for (const w of plans) expect(w.jobs.length).toBe(w.triggered ? 1 : 0);
  });

  test('an untriggered workflow says why; one that is only workflow_call says it runs when called', async () => {
    const plans = await plan(files, { event: 'push' });
    const reason = (name: string) => plans.find((w) => w.file === `.github/workflows/${name}`)?.reason;
    expect(reason('called.yml')).toBe('reusable workflow: runs only when called');
    expect(reason('called-or-pr.yml')).toBe('no push trigger (on: workflow_call, pull_request)');
    expect(reason('manual.yml')).toBe('no push trigger (on: workflow_dispatch)');
    expect(reason('push.yml')).toBe('push to main');
  });
});

describe('--input flags', () => {
  const manual = (inputs: string) =>
    `name: M\non:\n  workflow_dispatch:\n    inputs:\n${inputs}permissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n`;

  test('are refused for an event other than workflow_dispatch', async () => {
    await expect(plan({ 'm.yml': manual('      a: { type: string }\n') }, { event: 'push', inputs: { a: '1' } })).rejects.toThrow(
      new InputError('--input a: inputs are only for --event workflow_dispatch'),
    );
  });

  test('naming no input of any workflow is refused, listing the inputs that exist', async () => {
    const files = { 'm1.yml': manual('      a: { type: string }\n'), 'm2.yml': manual('      b: { type: string }\n') };
    await expect(plan(files, { event: 'workflow_dispatch', inputs: { a: '1', zz: '2' } })).rejects.toThrow(
      new InputError('--input zz: no workflow_dispatch workflow defines it; defined inputs: a, b'),
    );
    await expect(
      plan(
        { 'm.yml': 'name: M\non: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n' },
        { event: 'workflow_dispatch', inputs: { zz: '2' } },
      ),
    ).rejects.toThrow(new InputError('--input zz: no workflow_dispatch workflow defines it; defined inputs: none'));
  });

  // GitHub: the `inputs` context keeps booleans and numbers typed; github.event.inputs holds strings.
  test('reach the inputs context typed and github.event.inputs as strings, defaults included', async () => {
    const text = `name: M
on:
  workflow_dispatch:
    inputs:
      dry_run: { type: boolean, default: false }
      count: { type: number, default: 3 }
      service: { type: choice, options: [all, api], default: all }
permissions: {}
jobs:
  j:
    runs-on: ubuntu-24.04
    steps:
      - run: echo
        env:
          DRY_TYPED: \${{ inputs.dry_run == true }}
          DRY_EVENT: \${{ github.event.inputs.dry_run == 'true' }}
          COUNT_TYPED: \${{ inputs.count == 3 }}
          COUNT_EVENT: \${{ github.event.inputs.count }}
          SERVICE: \${{ inputs.service }}
          WORKFLOW: \${{ github.event.workflow }}
`;
    const j = await jobOf(text, { event: 'workflow_dispatch', inputs: { dry_run: 'true' } });
    expect(stepsOf(j)[0]?.env).toEqual({ DRY_TYPED: 'true', DRY_EVENT: 'true', COUNT_TYPED: 'true', COUNT_EVENT: '3', SERVICE: 'all', WORKFLOW: '.github/workflows/w.yml' });
  });
});

describe('secrets', () => {
  const text = `name: W
on: [push, pull_request]
permissions: {}
jobs:
  j:
    runs-on: ubuntu-24.04
    steps:
      - run: echo
        env:
          ZED: \${{ secrets.ZED }}
          TOKEN: \${{ secrets.GITHUB_TOKEN }}
          ALPHA: \${{ secrets.alpha }}
`;
  // GitHub passes a fork's pull request no secrets, only a read-only GITHUB_TOKEN.
  test.each([
    ['push', { ZED: '***', TOKEN: '***', ALPHA: '***' }],
    ['pull_request', { ZED: '***', TOKEN: '***', ALPHA: '***' }],
    ['fork', { ZED: '', TOKEN: '***', ALPHA: '' }],
  ] as const)('on %s a step reads %j', async (event, env) => {
    const step = stepsOf(await jobOf(text, { event }))[0];
    expect(step?.env).toEqual(env);
    expect(step?.secrets).toEqual(['ALPHA', 'GITHUB_TOKEN', 'ZED']);
  });
});

describe('jobs: order, needs, names, conditions', () => {
  test('progress is told for each top-level job in needs order, not for the jobs of a called workflow', async () => {
    const seen: unknown[] = [];
    await plan(
      {
        'w.yml': onPush(
          '  late:\n    needs: early\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n  early:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n  call:\n    uses: ./.github/workflows/x.yml\n',
        ),
        'x.yml': 'name: X\non: workflow_call\npermissions: {}\njobs:\n  inner:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
      },
      { progress: (p) => seen.push(p) },
    );
    expect(seen).toEqual([
      { workflow: '.github/workflows/w.yml', job: 'early', index: 0, total: 3 },
      { workflow: '.github/workflows/w.yml', job: 'late', index: 1, total: 3 },
      { workflow: '.github/workflows/w.yml', job: 'call', index: 2, total: 3 },
    ]);
  });

  test('a job reads the result and outputs of its needs', async () => {
    const runner = new RecordingRunner(() => ({ outputs: { v: 'from-a' } }));
    const jobs = await jobsOf(
      onPush(`  a:
    runs-on: ubuntu-24.04
    outputs:
      x: \${{ steps.s.outputs.v }}
    steps:
      - id: s
        run: ${AFFECTED}
  b:
    needs: a
    runs-on: ubuntu-24.04
    steps:
      - run: echo
        env:
          RESULT: \${{ needs.a.result }}
          X: \${{ needs.a.outputs.x }}
`),
      { runner },
    );
    expect(byId(jobs, 'a').outputs).toEqual({ x: 'from-a' });
    expect(stepsOf(byId(jobs, 'b'))[0]?.env).toEqual({ RESULT: 'success', X: 'from-a' });
    expect(byId(jobs, 'b').reason).toBe('needs a succeeded');
  });

  test.each([
    ['name: Build images', 'Build images'],
    ['name: Build ${{ github.ref_name }}', 'j'],
    ['', 'j'],
  ])('a job with %j is named %j', async (name, expected) => {
    const j = await jobOf(onPush(`  j:\n    ${name}\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n`));
    expect(j.name).toBe(expected);
  });

  test.each([
    ['environment: production', 'production', null],
    ['environment: { name: staging, url: "https://x.example" }', '{"name":"staging","url":"https://x.example"}', null],
    ['environment: ${{ github.ref_name }}-env', 'main-env', null],
    ['concurrency: deploy-${{ github.ref }}', null, 'deploy-refs/heads/main'],
    // An expression that cannot be evaluated is shown as written.
    ["concurrency: ${{ fromJSON('{') }}", null, "${{ fromJSON('{') }}"],
    ['timeout-minutes: 5', null, null],
  ])('a job with %s shows environment %j and concurrency %j, even when skipped', async (line, environment, concurrency) => {
    for (const condition of ['true', 'false']) {
      const j = await jobOf(onPush(`  j:\n    if: ${condition}\n    runs-on: ubuntu-24.04\n    ${line}\n    steps: [{ run: echo }]\n`));
      expect(j).toMatchObject({ status: condition === 'true' ? 'run' : 'skipped', environment, concurrency });
    }
  });

  test('an `if:` that cannot be evaluated fails the job', async () => {
    const j = await jobOf(onPush("  j:\n    if: fromJSON('{') == 1\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n"));
    expect(j).toMatchObject({ status: 'run', result: 'failure', legs: [], outputs: {} });
    expect(j.reason).toMatch(/^if: \$\{\{ success\(\) && \(fromJSON\('\{'\) == 1\) \}\}: /);
  });

  // Job-level success() is true only when every ancestor succeeded (GitHub docs, "Status check functions").
  test('why a job is skipped or run: the blocking ancestor, the false condition, or the needs', async () => {
    const jobs = await jobsOf(
      onPush(`  skipped:
    if: github.event_name == 'nope'
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  ok:
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  failed:
    runs-on: ubuntu-24.04
    steps: [{ run: "${AFFECTED}" }]
  after-skip:
    needs: [ok, skipped]
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  after-fail:
    needs: [ok, failed]
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  grandchild:
    needs: after-fail
    if: always()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  cleanup:
    needs: grandchild
    if: failure() && github.event_name == 'nope'
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  on-cancel:
    needs: failed
    if: cancelled()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  false-after-ok:
    needs: ok
    if: github.event_name == 'nope'
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  after-two:
    needs: [ok, grandchild]
    if: success() || always()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
`),
      { runner: new RecordingRunner(() => ({ exitCode: 1, stderr: 'boom' })) },
    );
    const reasons = Object.fromEntries(jobs.map((j) => [j.id, `${j.status} ${j.result}: ${j.reason}`]));
    expect(reasons).toEqual({
      skipped: "skipped skipped: if: success() && (github.event_name == 'nope') is false",
      ok: 'run success: no condition',
      failed: `run failure: no condition; fails: step "Run ${AFFECTED}" exited with 1: boom`,
      'after-skip': 'skipped skipped: needed job skipped was skipped',
      'after-fail': 'skipped skipped: needed job failed failed',
      grandchild: 'run success: if: always() is true',
      cleanup: "skipped skipped: if: failure() && github.event_name == 'nope' is false",
      'on-cancel': 'skipped skipped: if: cancelled() is false',
      'false-after-ok': "skipped skipped: if: success() && (github.event_name == 'nope') is false",
      'after-two': 'run success: if: success() || always() is true',
    });
  });

  test('a job that needs two jobs runs because both succeeded', async () => {
    const jobs = await jobsOf(
      onPush(
        '  a:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n  b:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n  c:\n    needs: [a, b]\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
      ),
    );
    expect(byId(jobs, 'c')).toMatchObject({ status: 'run', needs: ['a', 'b'], reason: 'needs a, b succeeded' });
  });

  // failure() at job level sees every ancestor, through a diamond of needs too.
  test('failure() sees a failed ancestor reached through several paths', async () => {
    const jobs = await jobsOf(
      onPush(`  root:
    runs-on: ubuntu-24.04
    steps: [{ run: "${AFFECTED}" }]
  left:
    needs: root
    if: always()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  right:
    needs: root
    if: always()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  join:
    needs: [left, right]
    if: failure()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
`),
      { runner: new RecordingRunner(() => ({ exitCode: 1 })) },
    );
    expect(jobs.map((j) => [j.id, j.status])).toEqual([
      ['root', 'run'],
      ['left', 'run'],
      ['right', 'run'],
      ['join', 'run'],
    ]);
  });

  test.each([
    // A skipped job: the first false term of an `&&` chain decided.
    ["github.event_name == 'push' && github.ref == 'refs/heads/nope' && github.actor == 'dev'", 'skipped', "github.ref == 'refs/heads/nope'"],
    // A run job: the first true term of an `||` chain decided.
    ["github.ref == 'refs/heads/nope' || github.actor == 'dev' || github.event_name == 'push'", 'run', "github.actor == 'dev'"],
    // One term: the whole condition decided.
    ["github.ref == 'refs/heads/nope'", 'skipped', undefined],
    ["github.event_name == 'push' && github.actor == 'dev'", 'run', undefined],
  ])('if: %s → %s, decided by %j', async (condition, status, decisive) => {
    const j = await jobOf(onPush(`  j:\n    if: ${condition}\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n`));
    expect(j.status).toBe(status);
    expect(j.decisive).toBe(decisive);
    expect('decisive' in j).toBe(decisive !== undefined);
  });
});

describe('orderByNeeds', () => {
  const jobs = (spec: Record<string, string[]>) => Object.entries(spec).map(([id, needs]) => ({ id: { value: id }, needs: needs.map((value) => ({ value })) }));
  const ids = (list: readonly { id: { value: string } }[]) => list.map((j) => j.id.value);

  test.each([
    [{ a: [], b: [], c: [] }, ['a', 'b', 'c']],
    [{ c: ['b'], b: ['a'], a: [] }, ['a', 'b', 'c']],
    [{ d: ['b', 'c'], c: ['a'], b: ['a'], a: [] }, ['a', 'b', 'c', 'd']],
  ])('%j in order %j', (spec, expected) => {
    expect(ids(orderByNeeds(jobs(spec), 'w.yml'))).toEqual(expected);
  });

  test('a needs cycle is refused, naming its jobs in order', () => {
    expect(() => orderByNeeds(jobs({ a: ['b'], b: ['c'], c: ['a'] }), 'w.yml')).toThrow(new InputError('w.yml: jobs a -> b -> c -> a form a needs cycle; remove one of the needs'));
  });

  test('a need that is no job is refused', () => {
    expect(() => orderByNeeds(jobs({ a: [], b: ['a', 'ghost'] }), 'w.yml')).toThrow(new InputError('w.yml: job b needs ghost, which does not exist'));
  });
});

describe('strategy and matrix legs', () => {
  const strategyEnv = `        env:
          FAIL_FAST: \${{ strategy.fail-fast }}
          INDEX: \${{ strategy.job-index }}
          TOTAL: \${{ strategy.job-total }}
          MAX_PARALLEL: \${{ strategy.max-parallel }}
`;

  // GitHub docs, "strategy context": fail-fast defaults to true; job-index counts legs from 0.
  test('the strategy context of each leg, defaults included', async () => {
    const j = await jobOf(onPush(`  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n        x: [a, b, c]\n    steps:\n      - run: echo\n${strategyEnv}`));
    expect(j.legs.map((l) => [l.matrix, l.steps[0]?.env])).toEqual([
      [{ x: 'a' }, { FAIL_FAST: 'true', INDEX: '0', TOTAL: '3', MAX_PARALLEL: '3' }],
      [{ x: 'b' }, { FAIL_FAST: 'true', INDEX: '1', TOTAL: '3', MAX_PARALLEL: '3' }],
      [{ x: 'c' }, { FAIL_FAST: 'true', INDEX: '2', TOTAL: '3', MAX_PARALLEL: '3' }],
    ]);
  });

  test('fail-fast and max-parallel as the workflow sets them', async () => {
    const j = await jobOf(
      onPush(
        `  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      fail-fast: false\n      max-parallel: 2\n      matrix:\n        x: [a, b, c]\n    steps:\n      - run: echo\n${strategyEnv}`,
      ),
    );
    expect(j.legs[2]?.steps[0]?.env).toEqual({ FAIL_FAST: 'false', INDEX: '2', TOTAL: '3', MAX_PARALLEL: '2' });
  });

  test('a strategy without a matrix is one leg with no matrix values', async () => {
    const j = await jobOf(onPush(`  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      fail-fast: false\n    steps:\n      - run: echo\n${strategyEnv}`));
    expect(j.legs.map((l) => [l.matrix, l.steps[0]?.env])).toEqual([[null, { FAIL_FAST: 'false', INDEX: '0', TOTAL: '1', MAX_PARALLEL: '1' }]]);
  });

  test('a matrix from an expression that fails, or that is no mapping, fails the job', async () => {
    const broken = await jobOf(onPush("  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix: ${{ fromJSON('{') }}\n    steps: [{ run: echo }]\n"));
    expect(broken).toMatchObject({ status: 'run', result: 'failure', legs: [] });
    expect(broken.reason).toMatch(/^strategy: \$\{\{ fromJSON\('\{'\) \}\}: /);
    const scalar = await jobOf(onPush("  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix: ${{ fromJSON('[1]') }}\n    steps: [{ run: echo }]\n"));
    expect(scalar).toMatchObject({ status: 'run', result: 'failure', legs: [] });
    expect(scalar.reason).toBe('strategy.matrix: the matrix must be a mapping, got [1] (a JSON string needs fromJSON(...))');
  });

  test('legs’ outputs overwrite each other in order, but an empty value does not overwrite', async () => {
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        x: [a, b]
    outputs:
      last: \${{ matrix.x }}
      only-a: "\${{ matrix.x == 'a' && 'yes' || '' }}"
    steps: [{ run: echo }]
`),
    );
    expect(j.outputs).toEqual({ last: 'b', 'only-a': 'yes' });
  });

  test('a job fails with the error of its first failing leg', async () => {
    const runner = new RecordingRunner(() => ({ exitCode: 4, stderr: 'bad' }));
    const j = await jobOf(
      onPush(`  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n        x: [a, b]\n    steps:\n      - name: Detect \${{ matrix.x }}\n        run: ${AFFECTED}\n`),
      { runner },
    );
    expect(j).toMatchObject({ status: 'run', result: 'failure', reason: 'no condition; fails: step "Detect a" exited with 4: bad' });
    expect(runner.requests).toHaveLength(2);
  });
});
