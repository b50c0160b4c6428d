// More of the plan engine in-process (see plan-engine.test.ts): status functions where nothing failed,
// the payload of events other than workflow_dispatch, commands with a subcommand, and the steps context
// of a skipped step that may continue on error.
import { describe, expect, test } from 'vitest';
import { PlanEngine, type StepRunner, type StepRunRequest, type StepRunResult } from '../../scripts/plan/engine.js';
import { type EventEnvelope, eventPayload } from '../../scripts/plan/event.js';
import type { JobPlan } from '../../scripts/plan/plan-types.js';
import { parseWorkflowText } from '../../scripts/plan/workflow-files.js';

const SHA = 'c'.repeat(40);

class Recorder implements StepRunner {
  readonly requests: StepRunRequest[] = [];
  run(request: StepRunRequest): Promise<StepRunResult> {
    this.requests.push(request);
    return Promise.resolve({ exitCode: 0, outputs: {}, env: {}, stderr: '' });
  }
}

async function jobsOnPush(jobs: string, runner: StepRunner = new Recorder()): Promise<JobPlan[]> {
  const envelope: EventEnvelope = {
    event: { name: 'push', ref: 'refs/heads/main', before: undefined, after: SHA },
    repository: { owner: 'o', name: 'r', defaultBranch: 'main' },
    actor: 'dev',
  };
  const wf = await parseWorkflowText('.github/workflows/w.yml', `name: W\non: push\npermissions: {}\njobs:\n${jobs}`);
  const [plan] = await new PlanEngine({ envelope, payload: eventPayload(envelope), workspace: '/w', changedFiles: undefined, inputs: {}, workflows: [wf], runner }).plan();
  return [...(plan?.jobs ?? [])];
}

describe('status functions when nothing failed', () => {
  // GitHub docs, "Status check functions": failure() is true only after a failure; cancelled() only when cancelled.
  test('job level: failure() and cancelled() are false after succeeded or skipped needs', async () => {
    const jobs = await jobsOnPush(`  ok:
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  off:
    if: false
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  on-failure:
    needs: [ok, off]
    if: failure()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
  on-cancel:
    needs: ok
    if: cancelled()
    runs-on: ubuntu-24.04
    steps: [{ run: echo }]
`);
    expect(jobs.map((j) => [j.id, j.status, j.reason])).toEqual([
      ['ok', 'run', 'no condition'],
      ['off', 'skipped', 'if: success() && (false) is false'],
      ['on-failure', 'skipped', 'if: failure() is false'],
      ['on-cancel', 'skipped', 'if: cancelled() is false'],
    ]);
  });

  test('step level: failure() and cancelled() steps are skipped in a job where nothing failed', async () => {
    const [j] = await jobsOnPush(
      '  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo one\n      - if: failure()\n        run: echo two\n      - if: cancelled()\n        run: echo three\n',
    );
    expect(j?.legs[0]?.steps.map((s) => s.if)).toEqual([true, false, false]);
  });
});

describe('steps', () => {
  test('a push run has no dispatch inputs in its payload or its github context', async () => {
    const runner = new Recorder();
    const [j] = await jobsOnPush(
      '  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: node scripts/dist/pipeline.cjs affected --json\n        env:\n          WORKFLOW: ${{ github.event.workflow }}\n          INPUTS: ${{ toJSON(github.event.inputs) }}\n',
      runner,
    );
    expect(j?.legs[0]?.steps[0]?.env).toEqual({ WORKFLOW: '', INPUTS: 'null' });
    expect(runner.requests[0]?.payload).not.toHaveProperty('inputs');
    expect(runner.requests[0]?.payload).not.toHaveProperty('workflow');
  });

  test('a command with a subcommand is run as its two words and its flags', async () => {
    const runner = new Recorder();
    await jobsOnPush('  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: node scripts/dist/pipeline.cjs release select --json\n', runner);
    expect(runner.requests.map((r) => r.argv)).toEqual([['release', 'select', '--json']]);
  });

  test('a reported step reading outputs of another reported step carries no note', async () => {
    const [j] = await jobsOnPush('  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - id: first\n        run: echo hi\n      - run: echo ${{ steps.first.outputs.x }}\n');
    expect(j?.legs[0]?.steps[1]).not.toHaveProperty('note');
  });

  // GitHub docs, "steps context": a skipped step's conclusion is skipped, continue-on-error or not.
  test('a skipped step that may continue on error concludes skipped', async () => {
    const [j] = await jobsOnPush(
      '  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - id: s\n        if: false\n        continue-on-error: true\n        run: echo\n      - run: echo ${{ steps.s.outcome }}/${{ steps.s.conclusion }}\n',
    );
    expect(j?.legs[0]?.steps[1]?.run).toBe('echo skipped/skipped');
  });
});
