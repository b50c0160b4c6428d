// The plan engine (scripts/plan/engine.ts) in-process: workflows given as text, a recording step runner
// instead of the real CLI, so each GitHub Actions rule (status functions, needs, matrix, env layering,
// reusable workflows, secrets) is checked on a small workflow written for it.
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { type EngineInput, orderByNeeds, PlanEngine, type StepRunner, type StepRunRequest, type StepRunResult } from '../../scripts/plan/engine.js';
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
class RecordingRunner implements StepRunner {
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
  readonly runner?: StepRunner;
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
    // The changed files and the activity of each event reach the trigger's filters.
    'push-src.yml': 'name: PS\non:\n  push:\n    paths: [src/**]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'pr-src.yml': 'name: PRS\non:\n  pull_request:\n    paths: [src/**]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'pr-sync.yml': 'name: PRT\non:\n  pull_request:\n    types: [synchronize]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
    'queue-requested.yml': 'name: QR\non:\n  merge_group:\n    types: [checks_requested]\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n',
  };

  // A pull_request or merge_group branch filter matches the base branch (GitHub docs, "Events that trigger workflows").
  test.each([
    ['push', ['push.yml']],
    ['pull_request', ['pr-main.yml', 'called-or-pr.yml', 'pr-sync.yml']],
    ['merge_group', ['queue.yml', 'queue-requested.yml']],
    ['workflow_dispatch', ['manual.yml']],
  ] as const)('%s triggers %j and nothing else', async (event, expected) => {
    const plans = await plan(files, { event, changedFiles: ['x.txt'] });
    expect(plans.filter((w) => w.triggered).map((w) => w.file.replace('.github/workflows/', ''))).toEqual(expected);
    for (const w of plans) expect(w.jobs.length).toBe(w.triggered ? 1 : 0);
  });

  test.each([['push'], ['pull_request']] as const)('%s: a change under src/ triggers the workflows filtered on src/**', async (event) => {
    const plans = await plan(files, { event, changedFiles: ['src/a.ts'] });
    expect(plans.find((w) => w.file === `.github/workflows/${event === 'push' ? 'push' : 'pr'}-src.yml`)?.triggered).toBe(true);
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
    // A mapping that needs a leg's matrix (GitHub evaluates it per leg): shown as written, key by key, not as [object Object].
    // (GitHub's parser holds `r-${{ x }}` as a format() expression, and shows it so.)
    ['concurrency: { group: "r-${{ matrix.service }}", cancel-in-progress: false }', null, `{"group":"\${{ format('r-{0}', matrix.service) }}","cancel-in-progress":"false"}`],
    ['environment: { name: "${{ matrix.env }}", url: "https://x.example" }', '{"name":"${{ matrix.env }}","url":"https://x.example"}', null],
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

describe('what decided, when a term cannot be evaluated alone', () => {
  // Under a failed need success() decides and the user's terms are never evaluated: none of them is named.
  test('a term that fails on its own is not the deciding one', async () => {
    const jobs = await jobsOf(
      onPush(
        `  a:\n    runs-on: ubuntu-24.04\n    steps: [{ run: "${AFFECTED}" }]\n  b:\n    needs: a\n    if: fromJSON('{') == 1 && github.event_name == 'push'\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n`,
      ),
      { runner: new RecordingRunner(() => ({ exitCode: 1 })) },
    );
    expect(byId(jobs, 'b')).toMatchObject({ status: 'skipped', reason: 'needed job a failed' });
    expect(byId(jobs, 'b')).not.toHaveProperty('decisive');
  });

  test('a step runner that fails with a value that is no Error fails the job with that value', async () => {
    const [wf] = await plan(
      { 'w.yml': onPush(`  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n      - run: ${AFFECTED}\n`) },
      { runner: { run: () => Promise.reject('runner gone') } },
    );
    expect(wf?.jobs[0]).toMatchObject({ result: 'failure', reason: 'no condition; fails: step 2: runner gone' });
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

  test('a cycle after a job outside it names only the jobs of the cycle', () => {
    expect(() => orderByNeeds(jobs({ a: [], b: ['a', 'c'], c: ['b'] }), 'w.yml')).toThrow(new InputError('w.yml: jobs b -> c -> b form a needs cycle; remove one of the needs'));
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

describe('steps: contexts, env, conditions', () => {
  // A GitHub-hosted Ubuntu runner as the runner context describes it (GitHub docs, "runner context");
  // runner.debug is set only when debug logging is on.
  test('the runner context is a GitHub-hosted Linux x64 runner', async () => {
    const j = await jobOf(onPush('  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n        env:\n          RUNNER: ${{ toJSON(runner) }}\n'));
    expect(JSON.parse(stepsOf(j)[0]?.env['RUNNER'] ?? '')).toEqual({
      os: 'Linux',
      arch: 'X64',
      name: 'GitHub Actions 1',
      environment: 'github-hosted',
      temp: '/home/runner/work/_temp',
      tool_cache: '/opt/hostedtoolcache',
      debug: '',
    });
  });

  test('workflow, job and step env layer in that order; a step shows only its own env', async () => {
    const j = await jobOf(
      onPush(
        `  j:
    runs-on: ubuntu-24.04
    env:
      JOB: job-\${{ github.ref_name }}
      BOTH: from-job
    steps:
      - run: echo \${{ env.WF }} \${{ env.JOB }} \${{ env.BOTH }} \${{ env.STEP }}
        env:
          BOTH: from-step
          STEP: step-\${{ env.JOB }}
`,
        'env:\n  WF: wf-${{ github.ref_name }}\n  BOTH: from-wf\n',
      ),
    );
    expect(stepsOf(j)[0]).toMatchObject({ run: 'echo wf-main job-main from-step step-job-main', env: { BOTH: 'from-step', STEP: 'step-job-main' } });
  });

  test('github.job is the id of the running job; vars read empty', async () => {
    const jobs = await jobsOf(
      onPush(
        '  first:\n    runs-on: ubuntu-24.04\n    steps: [{ run: "echo ${{ github.job }}" }]\n  second:\n    needs: first\n    if: github.job == \'second\'\n    runs-on: ubuntu-24.04\n    steps: [{ run: "echo ${{ github.job }}[${{ vars.ANY }}]" }]\n',
      ),
    );
    expect(jobs.map((j) => [j.status, stepsOf(j)[0]?.run])).toEqual([
      ['run', 'echo first'],
      ['run', 'echo second[]'],
    ]);
  });

  test('a job’s env reads the matrix, the needs and the inputs', async () => {
    const j = await jobOf(
      `name: M\non:\n  workflow_dispatch:\n    inputs:\n      who: { type: string, default: me }\npermissions: {}\nenv:\n  WF: \${{ inputs.who }}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n        x: [a]\n    env:\n      J: \${{ matrix.x }}-\${{ inputs.who }}-\${{ strategy.job-total }}\n    steps:\n      - run: echo \${{ env.WF }} \${{ env.J }}\n`,
      { event: 'workflow_dispatch' },
    );
    expect(stepsOf(j)[0]?.run).toBe('echo me a-me-1');
  });

  test('workflow env can read secrets and a job’s env can too', async () => {
    const j = await jobOf(
      onPush(
        '  j:\n    runs-on: ubuntu-24.04\n    env:\n      J: ${{ secrets.JOB_SECRET }}\n    steps:\n      - run: echo ${{ env.W }}/${{ env.J }}\n',
        'env:\n  W: ${{ secrets.WF_SECRET }}\n',
      ),
    );
    expect(stepsOf(j)[0]?.run).toBe('echo ***/***');
  });

  // Status functions in a step's `if:` look at the job's earlier steps; a step without `if:` is success().
  test('after a failed step: default steps are skipped, failure() and always() steps run, job.status is failure', async () => {
    const runner = new RecordingRunner(() => ({ exitCode: 1, stderr: 'no' }));
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    outputs:
      status: \${{ job.status }}
    steps:
      - name: before
        run: echo \${{ job.status }}
      - name: fails
        run: ${AFFECTED}
      - name: default
        run: echo
      - name: explicit success
        if: success()
        run: echo
      - name: on failure
        if: failure()
        run: echo \${{ job.status }}
      - name: always
        if: always()
        run: echo
`),
      { runner },
    );
    expect(stepsOf(j).map((s) => [s.name, s.if, s.ifExpr])).toEqual([
      ['before', true, 'success()'],
      ['fails', true, 'success()'],
      ['default', false, 'success()'],
      ['explicit success', false, 'success()'],
      ['on failure', true, 'failure()'],
      ['always', true, 'always()'],
    ]);
    expect(stepsOf(j)[0]?.run).toBe('echo success');
    expect(stepsOf(j)[4]?.run).toBe('echo failure');
    expect(j).toMatchObject({ result: 'failure', outputs: { status: 'failure' } });
  });

  test('job outputs read the steps, the env and job.status of a job that succeeded', async () => {
    const runner = new RecordingRunner(() => ({ outputs: { v: '42' } }));
    const j = await jobOf(
      onPush(
        `  j:\n    runs-on: ubuntu-24.04\n    env:\n      E: e\n    outputs:\n      v: \${{ steps.s.outputs.v }}\n      e: \${{ env.E }}\n      status: \${{ job.status }}\n      secret: \${{ secrets.S }}\n    steps:\n      - id: s\n        run: ${AFFECTED}\n`,
      ),
      {
        runner,
      },
    );
    expect(j.outputs).toEqual({ v: '42', e: 'e', status: 'success', secret: '***' });
  });

  // GitHub docs, "steps context": with continue-on-error a failed step's outcome is failure and its conclusion success.
  test.each([
    [true, { OUTCOME: 'failure', CONCLUSION: 'success' }, 'success', 'no condition'],
    [false, { OUTCOME: 'failure', CONCLUSION: 'failure' }, 'failure', 'no condition; fails: step "Detect" exited with 1: last'],
  ])('continue-on-error: %s → steps context %j, job %s', async (continueOnError, env, result, reason) => {
    const runner = new RecordingRunner(() => ({ exitCode: 1, stderr: 'first\nlast\n' }));
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    steps:
      - id: s
        name: Detect
        continue-on-error: ${continueOnError}
        run: ${AFFECTED}
      - name: next
        if: always()
        run: echo
        env:
          OUTCOME: \${{ steps.s.outcome }}
          CONCLUSION: \${{ steps.s.conclusion }}
`),
      { runner },
    );
    expect(stepsOf(j)[0]?.executed).toEqual({ exitCode: 1, outputs: {}, error: 'first\nlast' });
    expect(stepsOf(j)[1]?.env).toEqual(env);
    expect(j).toMatchObject({ result, reason });
  });

  test('a skipped step’s outcome and conclusion are skipped; a succeeded step’s are success', async () => {
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    steps:
      - id: off
        if: false
        run: echo
      - id: on
        run: echo
      - run: echo
        env:
          OFF: \${{ steps.off.outcome }}/\${{ steps.off.conclusion }}
          ON: \${{ steps.on.outcome }}/\${{ steps.on.conclusion }}
`),
    );
    expect(stepsOf(j)[2]?.env).toEqual({ OFF: 'skipped/skipped', ON: 'success/success' });
  });

  test('a failed step’s error is its last five lines of stderr; the job names the first failed step with its last line', async () => {
    const runner = new RecordingRunner((r) => ({ exitCode: r.argv.includes('--base') ? 3 : 2, stderr: 'l1\nl2\nl3\nl4\nl5\nl6\n\n' }));
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    steps:
      - name: first
        run: ${AFFECTED}
      - name: second
        if: always()
        run: node scripts/dist/pipeline.cjs affected --base HEAD~1
`),
      { runner },
    );
    expect(stepsOf(j).map((s) => s.executed)).toEqual([
      { exitCode: 2, outputs: {}, error: 'l2\nl3\nl4\nl5\nl6' },
      { exitCode: 3, outputs: {}, error: 'l2\nl3\nl4\nl5\nl6' },
    ]);
    expect(j.reason).toBe('no condition; fails: step "first" exited with 2: l6');
  });

  test('a step that succeeds reports its exit code and outputs only', async () => {
    const runner = new RecordingRunner(() => ({ outputs: { a: '1' }, stderr: 'noise' }));
    const j = await jobOf(onPush(`  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: ${AFFECTED}\n`), { runner });
    expect(stepsOf(j)[0]?.executed).toStrictEqual({ exitCode: 0, outputs: { a: '1' } });
  });
});

describe('steps: names, inputs, what is executed', () => {
  test('a step is named by its name, else by its action or the first line of its script', async () => {
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    steps:
      - name: Build \${{ github.ref_name }}
        run: echo
      - uses: actions/checkout@v4
      - run: |
          echo one
          echo two
`),
    );
    expect(stepsOf(j).map((s) => s.name)).toEqual(['Build main', 'Run actions/checkout@v4', 'Run echo one']);
    // A step has `uses` or `run`, never the other key.
    expect(stepsOf(j).map((s) => ['uses' in s, 'run' in s])).toEqual([
      [false, true],
      [true, false],
      [false, true],
    ]);
    expect(stepsOf(j)[1]).toMatchObject({ uses: 'actions/checkout@v4', with: {}, env: {}, secrets: [] });
  });

  test('a skipped step’s inputs that cannot be evaluated are shown empty; a running step’s fail the job', async () => {
    const bad = "${{ fromJSON('{') }}";
    const steps = (condition: string) => `  j:
    runs-on: ubuntu-24.04
    steps:
      - run: echo first
      - name: ${bad}
        if: ${condition}
        uses: docker/login-action@v3
        with:
          password: ${bad}
      - name: ${bad}
        if: ${condition}
        run: echo ${bad}
`;
    const skipped = await jobOf(onPush(steps('false')));
    expect(skipped.result).toBe('success');
    expect(stepsOf(skipped).map((s) => [s.name, s.if, s.with, s.run])).toEqual([
      ['Run echo first', true, {}, 'echo first'],
      ['Run docker/login-action@v3', false, {}, undefined],
      ['Run ', false, {}, ''],
    ]);
    const running = await jobOf(onPush(steps('true')));
    expect(running).toMatchObject({ status: 'run', result: 'failure', outputs: {} });
    expect(running.reason).toMatch(/^no condition; fails: step 2: \$\{\{ fromJSON\('\{'\) \}\}: /);
    expect(stepsOf(running).map((s) => s.name)).toEqual(['Run echo first']);
  });

  test('a step’s `with:` is evaluated with its env and matrix', async () => {
    const j = await jobOf(
      onPush(
        '  j:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n        x: [a]\n    steps:\n      - uses: some/action@v1\n        env:\n          E: e\n        with:\n          v: ${{ env.E }}-${{ matrix.x }}\n          n: 3\n',
      ),
    );
    expect(stepsOf(j)[0]?.with).toEqual({ v: 'e-a', n: '3' });
  });

  test('an output command with a writing flag is reported with the reason, not executed', async () => {
    const runner = new RecordingRunner();
    const j = await jobOf(onPush('  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: node scripts/dist/pipeline.cjs tags --service api --record out.json\n'), { runner });
    expect(runner.requests).toEqual([]);
    expect(stepsOf(j)[0]?.note).toBe('not executed: tags --record is not a computing flag (it may write files or act)');
    expect(stepsOf(j)[0]).not.toHaveProperty('executed');
  });

  test('a step reading the outputs of a step the plan only reports is not executed; one reading an executed or skipped step is', async () => {
    const runner = new RecordingRunner((r) => ({ outputs: { seen: r.argv.join(',') } }));
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    steps:
      - id: reported
        run: echo hi
      - id: off
        if: false
        run: ${AFFECTED}
      - id: executed
        run: ${AFFECTED}
      - name: reads reported
        run: node scripts/dist/pipeline.cjs affected --base "\${{ steps.reported.outputs.base }}"
      - name: reads off and executed
        run: node scripts/dist/pipeline.cjs affected --base "\${{ steps.off.outputs.base }}\${{ steps.executed.outputs.seen }}"
      - name: plain
        run: ${AFFECTED}
`),
      { runner },
    );
    const byName = (name: string) => stepsOf(j).find((s) => s.name === name);
    expect(byName('reads reported')?.note).toBe('not executed: reads outputs of step reported, which the plan does not run');
    expect(byName('reads reported')).not.toHaveProperty('executed');
    expect(byName('reads off and executed')).not.toHaveProperty('note');
    expect(byName('reads off and executed')?.executed?.outputs).toEqual({ seen: 'affected,--base,affected,--json' });
    expect(byName('plain')?.executed?.exitCode).toBe(0);
    expect(runner.requests.map((r) => r.argv)).toEqual([
      ['affected', '--json'],
      ['affected', '--base', 'affected,--json'],
      ['affected', '--json'],
    ]);
  });

  test.each([
    ['the step', { step: 's', job: 'j', wf: 'w' }, 's', 'bash'],
    ['the job’s defaults', { job: 'j', wf: 'w' }, 'j', 'sh'],
    ['the workflow’s defaults', { wf: 'w' }, 'w', 'pwsh'],
    ['nothing: the workspace, no shell', {}, '', undefined],
  ])('working-directory and shell from %s', async (_from, dirs: { step?: string; job?: string; wf?: string }, workingDirectory, shell) => {
    const runner = new RecordingRunner();
    const defaults = (dir: string | undefined, sh: string, indent: string) =>
      dir ? `${indent}defaults:\n${indent}  run:\n${indent}    working-directory: ${dir}\n${indent}    shell: ${sh}\n` : '';
    const text = `name: W
on: push
permissions: {}
${defaults(dirs.wf, 'pwsh', '')}jobs:
  j:
    runs-on: ubuntu-24.04
${defaults(dirs.job, 'sh', '    ')}    steps:
      - run: ${AFFECTED}
${dirs.step ? `        working-directory: ${dirs.step}\n        shell: bash\n` : ''}`;
    await jobOf(text, { runner });
    expect(runner.requests.map((r) => [r.workingDirectory, r.shell])).toEqual([[workingDirectory, shell]]);
  });

  test('an executed step gets the runner’s default env under the workflow’s, job’s and step’s, and the event payload', async () => {
    const runner = new RecordingRunner();
    await jobOf(
      onPush(
        `  j:
    runs-on: ubuntu-24.04
    env:
      JOB: j
    steps:
      - run: node scripts/dist/pipeline.cjs affected --base "$GITHUB_SHA" --head "\${STEP}"
        env:
          STEP: s
          GITHUB_REF: overridden
`,
        'env:\n  WF: w\n',
      ),
      { runner },
    );
    const [request] = runner.requests;
    expect(request?.argv).toEqual(['affected', '--base', SHA, '--head', 's']);
    expect(request?.env).toMatchObject({ CI: 'true', GITHUB_SHA: SHA, GITHUB_REF: 'overridden', WF: 'w', JOB: 'j', STEP: 's' });
    expect(request?.payload).toMatchObject({ ref: 'refs/heads/main', after: SHA });
  });

  test('what an executed step appends to GITHUB_ENV is in the env of the job’s later steps', async () => {
    const runner = new RecordingRunner((r) => (r.argv.includes('--json') ? { env: { ADDED: 'a' } } : { env: { MORE: 'm' } }));
    const j = await jobOf(
      onPush(`  j:
    runs-on: ubuntu-24.04
    steps:
      - run: ${AFFECTED}
      - run: node scripts/dist/pipeline.cjs affected --base "$ADDED"
      - run: echo \${{ env.ADDED }} \${{ env.MORE }}
`),
      { runner },
    );
    expect(runner.requests[1]?.argv).toEqual(['affected', '--base', 'a']);
    expect(runner.requests[1]?.env['ADDED']).toBe('a');
    expect(stepsOf(j)[2]?.run).toBe('echo a m');
  });

  test('a workflow_dispatch step is given the payload with the workflow’s inputs', async () => {
    const runner = new RecordingRunner();
    await jobOf(
      `name: M\non:\n  workflow_dispatch:\n    inputs:\n      service: { type: string, default: all }\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: ${AFFECTED}\n`,
      { event: 'workflow_dispatch', runner },
    );
    expect(runner.requests[0]?.payload).toMatchObject({ ref: 'refs/heads/main', inputs: { service: 'all' }, workflow: '.github/workflows/w.yml' });
  });

  test('hashFiles() is answered by the injected function; without one it fails the step', async () => {
    const text = onPush("  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ hashFiles('a/**', 'b') }}\n");
    const patterns: (readonly string[])[] = [];
    const withHash = await jobOf(text, {
      hashFiles: (p) => {
        patterns.push(p);
        return 'h4sh';
      },
    });
    expect(stepsOf(withHash)[0]?.run).toBe('echo h4sh');
    expect(patterns).toEqual([['a/**', 'b']]);
    const without = await jobOf(text);
    expect(without.result).toBe('failure');
    expect(without.reason).toMatch(/hashFiles\(\) is not available here/);
  });
});

describe('reusable workflows', () => {
  const caller = (job: string) => onPush(`  call:\n${job}`);
  const called = (body: string, on = '') => `name: Called\non:\n  workflow_call:\n${on}permissions: {}\njobs:\n${body}`;
  const echoJob = (id: string, env: string) => `  ${id}:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n        env:\n${env}`;

  test('a workflow of another repository is shown as called, not followed, and does not fail', async () => {
    const j = await jobOf(caller('    uses: octo/tools/.github/workflows/ci.yml@v1\n'));
    expect(j).toMatchObject({ status: 'run', result: 'success', reason: 'no condition', legs: [{ matrix: null, steps: [], calls: 'octo/tools/.github/workflows/ci.yml@v1' }] });
    expect(j.legs[0]).not.toHaveProperty('jobs');
  });

  // GitHub's supported keywords for a job that calls a reusable workflow include concurrency (not environment).
  test('a calling job shows its concurrency group', async () => {
    const j = await jobOf(caller('    concurrency: deploy-${{ github.ref_name }}\n    uses: octo/tools/.github/workflows/ci.yml@v1\n'));
    expect(j).toMatchObject({ environment: null, concurrency: 'deploy-main' });
  });

  test('a local workflow file that does not exist fails the job', async () => {
    const j = await jobOf(caller('    uses: ./.github/workflows/missing.yml\n'));
    expect(j).toMatchObject({
      result: 'failure',
      reason: 'no condition; fails: ./.github/workflows/missing.yml: no such workflow file',
      legs: [{ steps: [], calls: './.github/workflows/missing.yml' }],
    });
  });

  test('inputs: passed values (false included), defaults (an expression with the caller’s github context), and typed empties', async () => {
    const [wf] = await plan({
      'w.yml': caller('    uses: ./.github/workflows/x.yml\n    with:\n      flag: false\n      given: ${{ github.actor }}\n'),
      'x.yml': called(
        echoJob('show', '          ALL: ${{ toJSON(inputs) }}\n'),
        `    inputs:
      flag: { type: boolean, default: true }
      given: { type: string }
      ref: { type: string, default: "\${{ github.ref_name }}-x" }
      bool: { type: boolean }
      num: { type: number }
      str: { type: string }
`,
      ),
    });
    const leg = wf?.jobs[0]?.legs[0];
    expect(JSON.parse(leg?.steps[0]?.env['ALL'] ?? '')).toEqual({ flag: false, given: 'dev', ref: 'main-x', bool: false, num: 0, str: '' });
  });

  test.each([
    [
      'an input the called workflow does not define',
      '    with:\n      nope: 1\n',
      "    inputs:\n      other: { type: string, default: 'd' }\n",
      'input nope is not defined in .github/workflows/x.yml',
    ],
    ['a required input not passed', '', '    inputs:\n      needed: { type: string, required: true }\n', 'input needed is required by .github/workflows/x.yml'],
  ])('%s fails the calling job', async (_what, withLines, inputs, message) => {
    const [wf] = await plan({ 'w.yml': caller(`    uses: ./.github/workflows/x.yml\n${withLines}`), 'x.yml': called(echoJob('inner', '          A: a\n'), inputs) });
    expect(wf?.jobs[0]).toMatchObject({
      result: 'failure',
      reason: `no condition; fails: ./.github/workflows/x.yml: ${message}`,
      legs: [{ steps: [], calls: './.github/workflows/x.yml' }],
    });
  });

  // GitHub docs, "Reusing workflows": a called workflow gets the secrets passed by name, or all with
  // `secrets: inherit`; GITHUB_TOKEN always.
  test.each([
    ['secrets passed by name', '    secrets:\n      passed_one: ${{ secrets.PASSED_ONE }}\n', 'push', { P: '***', O: '', T: '***' }],
    ['secrets: inherit', '    secrets: inherit\n', 'push', { P: '***', O: '***', T: '***' }],
    ['no secrets', '', 'push', { P: '', O: '', T: '***' }],
    ['secrets: inherit from a fork', '    secrets: inherit\n', 'fork', { P: '', O: '', T: '***' }],
  ] as const)('%s (%s): the called job reads %j', async (_what, secrets, event, env) => {
    const [wf] = await plan(
      {
        'w.yml': `name: W\non: [push, pull_request]\npermissions: {}\njobs:\n  call:\n    uses: ./.github/workflows/x.yml\n${secrets}`,
        'x.yml': called(echoJob('inner', '          P: ${{ secrets.PASSED_ONE }}\n          O: ${{ secrets.OTHER }}\n          T: ${{ secrets.GITHUB_TOKEN }}\n')),
      },
      { event },
    );
    expect(wf?.jobs[0]?.legs[0]?.steps[0]?.env).toEqual(env);
  });

  test('outputs of the called workflow come from its jobs; its steps are listed under their job, nested calls as caller/job', async () => {
    const runner = new RecordingRunner(() => ({ outputs: { v: 'seven' } }));
    const [wf] = await plan(
      {
        'w.yml': caller('    uses: ./.github/workflows/mid.yml\n'),
        'mid.yml': `name: Mid
on:
  workflow_call:
    outputs:
      value:
        value: \${{ jobs.work.outputs.o }}
      result:
        value: \${{ jobs.work.result }}
      deep:
        value: \${{ jobs.deeper.outputs.leaf }}
permissions: {}
jobs:
  work:
    runs-on: ubuntu-24.04
    outputs:
      o: \${{ steps.s.outputs.v }}
    steps:
      - id: s
        name: compute in \${{ github.workflow }}
        run: ${AFFECTED}
  deeper:
    uses: ./.github/workflows/leaf.yml
`,
        'leaf.yml': `name: Leaf\non:\n  workflow_call:\n    outputs:\n      leaf:\n        value: \${{ jobs.l.outputs.x }}\npermissions: {}\njobs:\n  l:\n    runs-on: ubuntu-24.04\n    outputs:\n      x: leaf-out\n    steps: [{ name: leaf step, run: echo }]\n`,
      },
      { runner },
    );
    const call = wf?.jobs[0];
    expect(call?.outputs).toEqual({ value: 'seven', result: 'success', deep: 'leaf-out' });
    // The github context of a called workflow is the caller's (GitHub docs, "Reusing workflows").
    expect(call?.legs[0]?.steps.map((s) => [s.job, s.name])).toEqual([
      ['work', 'compute in W'],
      ['deeper/l', 'leaf step'],
    ]);
    expect(call?.legs[0]?.jobs?.map((j) => j.id)).toEqual(['work', 'deeper']);
  });

  test('a called workflow’s failing job fails the caller, naming the file, the job and its reason', async () => {
    const [wf] = await plan(
      {
        'w.yml': caller('    uses: ./.github/workflows/x.yml\n'),
        'x.yml': called(`  ok:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n  bad:\n    runs-on: ubuntu-24.04\n    steps: [{ name: Detect, run: "${AFFECTED}" }]\n`),
      },
      { runner: new RecordingRunner(() => ({ exitCode: 9, stderr: 'x' })) },
    );
    expect(wf?.jobs[0]?.reason).toBe('no condition; fails: .github/workflows/x.yml job bad: no condition; fails: step "Detect" exited with 9: x');
  });

  test('a called workflow’s job conditions and github.job see its own inputs and job ids', async () => {
    const [wf] = await plan({
      'w.yml': caller('    uses: ./.github/workflows/x.yml\n    with:\n      who: me\n'),
      'x.yml': called(
        "  yes:\n    if: inputs.who == 'me'\n    runs-on: ubuntu-24.04\n    steps: [{ run: 'echo ${{ github.job }}' }]\n  no:\n    if: inputs.who == 'you'\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo }]\n",
        '    inputs:\n      who: { type: string }\n',
      ),
    });
    expect(wf?.jobs[0]?.legs[0]?.jobs?.map((j) => [j.id, j.status])).toEqual([
      ['yes', 'run'],
      ['no', 'skipped'],
    ]);
    expect(wf?.jobs[0]?.legs[0]?.steps.map((s) => s.run)).toEqual(['echo yes']);
  });

  test('a matrix of calls passes each leg’s values', async () => {
    const [wf] = await plan({
      'w.yml': caller(
        '    strategy:\n      matrix:\n        who: [a, b]\n    uses: ./.github/workflows/x.yml\n    with:\n      who: ${{ matrix.who }}-${{ strategy.job-index }}\n',
      ),
      'x.yml': called(echoJob('inner', '          WHO: ${{ inputs.who }}\n'), '    inputs:\n      who: { type: string }\n'),
    });
    expect(wf?.jobs[0]?.legs.map((l) => [l.matrix, l.steps[0]?.env])).toEqual([
      [{ who: 'a' }, { WHO: 'a-0' }],
      [{ who: 'b' }, { WHO: 'b-1' }],
    ]);
  });

  // GitHub: "a maximum of ten levels of workflows": the caller and nine levels of reusable workflows.
  test.each([
    [9, 'success', 'no condition'],
    [10, 'failure', 'no condition; fails: ./.github/workflows/level-10.yml: reusable workflows nest deeper than 9'],
  ])('%i levels of calls under the caller: the deepest calling job ends %s', async (levels, result, reason) => {
    const files: Record<string, string> = { 'w.yml': caller('    uses: ./.github/workflows/level-1.yml\n') };
    for (let level = 1; level <= levels; level++) {
      const body = level < levels ? `  call:\n    uses: ./.github/workflows/level-${level + 1}.yml\n` : '  work:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo deepest }]\n';
      files[`level-${level}.yml`] = called(body);
    }
    const [wf] = await plan(files);
    let deepest = wf?.jobs[0];
    for (let level = 1; level < levels; level++) deepest = deepest?.legs[0]?.jobs?.[0];
    expect(deepest).toMatchObject({ id: 'call', result, reason });
  });

  test('a call nested too deep lists no steps: the workflow it names is not followed', async () => {
    const files: Record<string, string> = { 'w.yml': caller('    uses: ./.github/workflows/level-1.yml\n') };
    for (let level = 1; level <= 10; level++) {
      const body = level < 10 ? `  call:\n    uses: ./.github/workflows/level-${level + 1}.yml\n` : '  work:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo deepest }]\n';
      files[`level-${level}.yml`] = called(body);
    }
    const [wf] = await plan(files);
    let deepest = wf?.jobs[0];
    for (let level = 1; level < 10; level++) deepest = deepest?.legs[0]?.jobs?.[0];
    expect(deepest?.legs).toEqual([{ matrix: null, steps: [], calls: './.github/workflows/level-10.yml' }]);
    expect(wf?.jobs[0]?.legs[0]?.steps).toEqual([]);
  });

  // A value of null, passed or by default, is no value: the input gets its type's empty value.
  test('an input whose default is null gets its type’s empty value; a required one fails', async () => {
    const inputs = `    inputs:
      str: { type: string, default: "\${{ null }}" }
      bool: { type: boolean, default: "\${{ null }}" }
      num: { type: number, default: "\${{ null }}" }
      passed: { type: string, default: "\${{ null }}" }
`;
    const [wf] = await plan({
      'w.yml': caller('    uses: ./.github/workflows/x.yml\n    with:\n      passed: ${{ null }}\n'),
      'x.yml': called(echoJob('show', '          ALL: ${{ toJSON(inputs) }}\n'), inputs),
    });
    expect(JSON.parse(wf?.jobs[0]?.legs[0]?.steps[0]?.env['ALL'] ?? '')).toEqual({ str: '', bool: false, num: 0, passed: '' });
    const [required] = await plan({
      'w.yml': caller('    uses: ./.github/workflows/x.yml\n'),
      'x.yml': called(echoJob('show', '          A: a\n'), '    inputs:\n      needed: { type: string, required: true, default: "${{ null }}" }\n'),
    });
    expect(required?.jobs[0]?.reason).toBe('no condition; fails: ./.github/workflows/x.yml: input needed is required by .github/workflows/x.yml');
  });

  test('a called workflow’s outputs may read its inputs', async () => {
    const [wf] = await plan({
      'w.yml': caller('    uses: ./.github/workflows/x.yml\n    with:\n      who: me\n'),
      'x.yml': called(
        echoJob('inner', '          A: a\n'),
        '    inputs:\n      who: { type: string }\n    outputs:\n      echoed:\n        value: ${{ inputs.who }}-${{ vars.V }}\n',
      ),
    });
    expect(wf?.jobs[0]?.outputs).toEqual({ echoed: 'me-' });
  });

  test('a called workflow’s jobs see the inputs it was given, not the caller’s', async () => {
    const [wf] = await plan({
      'w.yml': caller('    uses: ./.github/workflows/x.yml\n    with:\n      who: ${{ github.event_name }}\n'),
      'x.yml': called(echoJob('inner', '          WHO: ${{ inputs.who }}\n'), '    inputs:\n      who: { type: string }\n'),
    });
    expect(wf?.jobs[0]?.legs[0]?.steps[0]?.env).toEqual({ WHO: 'push' });
  });
});
