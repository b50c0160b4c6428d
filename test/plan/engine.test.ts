// The plan engine over fixture workflows (test/plan/fixtures/repo) in real temporary git repositories.
// The fixture's scripts/dist/pipeline.cjs is a small real program standing in for the bundled CLI, so
// these tests exercise the step runner (event file, GITHUB_OUTPUT, env) without depending on `affected`.
import { afterEach, describe, expect, test } from 'vitest';
import type { JobPlan, Plan, StepPlan, WorkflowPlan } from '../../scripts/plan/plan-types.js';
import { git, planJson, runPlan, TempRepo } from './repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});
function fixture(): TempRepo {
  const repo = TempRepo.fromFixture();
  repos.push(repo);
  return repo;
}

function workflow(plan: Plan, file: string): WorkflowPlan {
  const wf = plan.workflows.find((w) => w.file === `.github/workflows/${file}`);
  if (!wf) throw new Error(`no ${file} in the plan`);
  return wf;
}
function job(plan: Plan, file: string, id: string): JobPlan {
  const j = workflow(plan, file).jobs.find((x) => x.id === id);
  if (!j) throw new Error(`no job ${id} in ${file}`);
  return j;
}
function stepNamed(j: JobPlan, leg: number, name: string): StepPlan {
  const s = j.legs[leg]?.steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step ${name} in leg ${leg} of ${j.id}`);
  return s;
}

describe('push to main touching one service', () => {
  test('one build leg, pushed, tags computed by the executed step, gate runs', async () => {
    const repo = fixture();
    const head = repo.commit('api change', { 'services/api/index.js': 'export const api = 2;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(plan.code).toBe(0);
    expect(plan.event).toMatchObject({ name: 'push', ref: 'refs/heads/main', sha: head, head, changedFiles: 1 });
    expect(plan.event.payload).toMatchObject({ before: git(repo.dir, 'rev-parse', 'HEAD~1'), after: head });

    const changes = job(plan, 'ci.yml', 'changes');
    expect(changes.status).toBe('run');
    const affected = changes.legs[0]?.steps[1];
    expect(affected?.executed?.exitCode).toBe(0);
    expect(changes.outputs['services']).toBe('["api"]');

    const build = job(plan, 'ci.yml', 'build');
    expect(build.status).toBe('run');
    expect(build.legs.map((l) => l.matrix?.['service'])).toEqual(['api']);
    const login = stepNamed(build, 0, 'Log in to ghcr.io');
    expect(login.if).toBe(true);
    expect(login.with['password']).toBe('***');
    expect(login.secrets).toEqual(['GITHUB_TOKEN']);
    const image = stepNamed(build, 0, 'Build api');
    expect(image.uses).toBe('docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a');
    expect(image.with).toMatchObject({ push: 'true', file: 'services/api/Dockerfile', 'cache-from': 'type=gha,scope=api' });
    expect(image.with['tags']?.split('\n')).toEqual([`ghcr.io/acme/api:sha-${head.slice(0, 7)}`, 'ghcr.io/acme/api:main']);
    const verify = stepNamed(build, 0, 'Verify the image');
    expect(verify.executed).toBeUndefined();
    expect(verify.env).toEqual({ IMAGE: 'ghcr.io/acme/api' });
    // An output command with a writing flag is reported, not run: a plan never writes the record.
    const record = stepNamed(build, 0, 'Record the image');
    expect(record.executed).toBeUndefined();
    expect(record.note).toBe('not executed: tags --record is not a computing flag (it may write files or act)');

    expect(job(plan, 'ci.yml', 'checks')).toMatchObject({ status: 'skipped', result: 'skipped' });
    const gate = job(plan, 'ci.yml', 'ci-ok');
    expect(gate.status).toBe('run');
    expect(stepNamed(gate, 0, 'Gate').if).toBe(false);
    expect(workflow(plan, 'release.yml').triggered).toBe(false);
    expect(workflow(plan, 'deploy.yml')).toMatchObject({ triggered: false, reason: 'reusable workflow: runs only when called' });
  });

  test('the reusable deploy workflow is followed with the inputs passed', async () => {
    const repo = fixture();
    repo.commit('both services', { 'services/api/index.js': '2\n', 'services/web/index.js': '2\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    const deploy = job(plan, 'ci.yml', 'deploy');
    expect(deploy.status).toBe('run');
    const leg = deploy.legs[0];
    expect(leg?.calls).toBe('./.github/workflows/deploy.yml');
    const rollout = leg?.jobs?.find((j) => j.id === 'rollout');
    expect(rollout?.legs.map((l) => l.matrix?.['service'])).toEqual(['api', 'web']);
    const steps = leg?.steps.filter((s) => s.name.startsWith('Roll out'));
    expect(steps?.map((s) => [s.job, s.name, s.env['KUBECONFIG_DATA']])).toEqual([
      ['rollout', 'Roll out api to staging', '***'],
      ['rollout', 'Roll out web to staging', '***'],
    ]);
    expect(deploy.outputs['deployed']).toBe('["api","web"]');
  });
});

describe('other events', () => {
  test('a docs-only push does not trigger CI (paths-ignore)', async () => {
    const repo = fixture();
    repo.commit('docs', { 'docs/guide.md': '# more docs\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(workflow(plan, 'ci.yml')).toMatchObject({ triggered: false, jobs: [] });
    expect(workflow(plan, 'ci.yml').reason).toMatch(/paths-ignore/);
  });

  test('a change to packages/ builds every service; a change to scripts/ runs the checks job', async () => {
    const repo = fixture();
    repo.commit('shared', { 'packages/shared/index.js': '2\n', 'scripts/tool.mjs': '1\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(job(plan, 'ci.yml', 'build').legs.map((l) => l.matrix?.['service'])).toEqual(['api', 'web']);
    expect(job(plan, 'ci.yml', 'checks').status).toBe('run');
  });

  test('a release tag push runs the release workflow only, with tags computed for real', async () => {
    const repo = fixture();
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const plan = await planJson(repo.dir, ['--event', 'push', '--ref', 'refs/tags/api@1.2.3']);
    expect(plan.event).toMatchObject({ ref: 'refs/tags/api@1.2.3', base: null });
    expect(workflow(plan, 'ci.yml').triggered).toBe(false);
    expect(workflow(plan, 'ci.yml').reason).toMatch(/filters branches only/);
    const release = job(plan, 'release.yml', 'release');
    expect(release.legs[0]?.steps[0]?.executed?.outputs['tags']).toBe(`ghcr.io/acme/api:sha-${head.slice(0, 7)}`);
    expect(stepNamed(release, 0, 'Announce').env['TAGS']).toBe(`ghcr.io/acme/api:sha-${head.slice(0, 7)}`);
  });

  test('a pull request from a fork builds without pushing and without secrets', async () => {
    const repo = fixture();
    git(repo.dir, 'checkout', '-q', '-b', 'contrib');
    const head = repo.commit('web change', { 'services/web/index.js': '3\n' });
    const plan = await planJson(repo.dir, ['--event', 'pull_request', '--fork', '--pr', '42']);
    expect(plan.event.ref).toBe('refs/pull/42/merge');
    expect(plan.event.payload).toMatchObject({ number: 42, pull_request: { head: { sha: head, ref: 'contrib', repo: { fork: true } }, base: { ref: 'main' } } });
    // The merge commit GitHub tests: parents are the base tip and the PR head.
    expect(git(repo.dir, 'rev-list', '--parents', '-n', '1', plan.event.sha).split(' ').slice(1)).toEqual([git(repo.dir, 'rev-parse', 'main'), head]);

    const build = job(plan, 'ci.yml', 'build');
    expect(build.legs.map((l) => l.matrix?.['service'])).toEqual(['web']);
    expect(stepNamed(build, 0, 'Build web').with['push']).toBe('false');
    expect(stepNamed(build, 0, 'Build web').with['tags']).toContain('ghcr.io/acme/web:pr-42');
    expect(stepNamed(build, 0, 'Log in to ghcr.io').if).toBe(false);
    const running = workflow(plan, 'ci.yml')
      .jobs.flatMap((j) => j.legs.flatMap((l) => l.steps))
      .filter((s) => s.if);
    expect(running.length).toBeGreaterThan(3);
    expect(running.filter((s) => s.secrets.length > 0)).toEqual([]);
    expect(job(plan, 'ci.yml', 'deploy').status).toBe('skipped');
  });

  test('merge_group compares base_sha..head_sha and pushes nothing', async () => {
    const repo = fixture();
    const base = git(repo.dir, 'rev-parse', 'HEAD');
    const head = repo.commit('queued', { 'services/api/index.js': '4\n' });
    const plan = await planJson(repo.dir, ['--event', 'merge_group']);
    expect(plan.event.payload).toMatchObject({ merge_group: { base_sha: base, head_sha: head, base_ref: 'refs/heads/main' } });
    expect(plan.event.ref).toBe(`refs/heads/gh-readonly-queue/main/pr-1-${base}`);
    const build = job(plan, 'ci.yml', 'build');
    expect(build.legs.map((l) => l.matrix?.['service'])).toEqual(['api']);
    expect(stepNamed(build, 0, 'Build api').with['push']).toBe('false');
  });

  test('workflow_dispatch passes typed inputs to the run and to the executed step', async () => {
    const repo = fixture();
    repo.commit('both', { 'services/api/index.js': '5\n', 'services/web/index.js': '5\n' });
    const plan = await planJson(repo.dir, ['--event', 'workflow_dispatch', '--input', 'service=web']);
    expect(job(plan, 'ci.yml', 'changes').legs[0]?.steps[1]?.env).toEqual({ PIPELINE_STUB_SELECT: 'web' });
    expect(job(plan, 'ci.yml', 'build').legs.map((l) => l.matrix?.['service'])).toEqual(['web']);
    expect(workflow(plan, 'release.yml').triggered).toBe(false);
  });
});

describe('status functions and failures', () => {
  test('a failing output step fails its job, skips its dependents and the gate sees it', async () => {
    const repo = fixture();
    repo.write({
      '.github/workflows/ci.yml': (await import('node:fs'))
        .readFileSync(`${repo.dir}/.github/workflows/ci.yml`, 'utf8')
        .replace('PIPELINE_STUB_SELECT: ${{ inputs.service }}', "PIPELINE_STUB_SELECT: ${{ inputs.service }}\n          PIPELINE_STUB_EXPLODE: 'yes'"),
    });
    repo.commit('break detection', { 'services/api/index.js': '6\n' });
    const result = await runPlan(repo.dir, ['--event', 'push', '--json']);
    expect(result.code).toBe(1);
    const plan: Plan = JSON.parse(result.stdout);
    const changes = job(plan, 'ci.yml', 'changes');
    expect(changes.result).toBe('failure');
    expect(changes.legs[0]?.steps[1]?.executed).toMatchObject({ exitCode: 2, error: 'error: pnpm-lock.yaml: cannot parse' });
    expect(job(plan, 'ci.yml', 'build')).toMatchObject({ status: 'skipped', reason: 'needed job changes failed' });
    const gate = job(plan, 'ci.yml', 'ci-ok');
    expect(gate.status).toBe('run');
    expect(stepNamed(gate, 0, 'Gate').if).toBe(true);
  });

  test('a job whose matrix is empty fails like GitHub ("Matrix vector does not contain any values")', async () => {
    const repo = fixture();
    const ci = (await import('node:fs')).readFileSync(`${repo.dir}/.github/workflows/ci.yml`, 'utf8');
    repo.commit('unguarded build', { '.github/workflows/ci.yml': ci.replace("if: needs.changes.outputs.any == 'true'", "if: github.event_name != 'never'"), 'docs/x.txt': '1\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(plan.code).toBe(1);
    expect(job(plan, 'ci.yml', 'build')).toMatchObject({ status: 'run', result: 'failure' });
    expect(job(plan, 'ci.yml', 'build').reason).toMatch(/Matrix vector does not contain any values/);
  });

  test('skips propagate through needs unless a status function says otherwise', async () => {
    const repo = fixture();
    repo.commit('chain', {
      '.github/workflows/chain.yml': `name: Chain
on: push
permissions: {}
jobs:
  a:
    if: github.ref == 'refs/heads/nope'
    runs-on: ubuntu-24.04
    steps: [{ run: echo a }]
  b:
    needs: a
    if: always()
    runs-on: ubuntu-24.04
    steps: [{ run: echo b }]
  c:
    needs: b
    runs-on: ubuntu-24.04
    steps: [{ run: echo c }]
  d:
    needs: b
    if: "!failure() && !cancelled()"
    runs-on: ubuntu-24.04
    steps: [{ run: echo d }]
`,
    });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    const ids = (status: string) =>
      workflow(plan, 'chain.yml')
        .jobs.filter((j) => j.status === status)
        .map((j) => j.id);
    // c is skipped although its direct need b succeeded: success() looks at every ancestor (a was skipped).
    expect(ids('run')).toEqual(['b', 'd']);
    expect(ids('skipped')).toEqual(['a', 'c']);
    expect(job(plan, 'chain.yml', 'c').reason).toBe('needed job a was skipped');
  });
  test('job-level failure() sees a failed grand-ancestor, not only the direct needs', async () => {
    const repo = fixture();
    repo.commit('grand-ancestor', {
      '.github/workflows/grand.yml': `name: Grand
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        x: []
    steps: [{ run: echo a }]
  b:
    needs: a
    if: always()
    runs-on: ubuntu-24.04
    steps: [{ run: echo b }]
  on-failure:
    needs: b
    if: failure()
    runs-on: ubuntu-24.04
    steps: [{ run: echo cleanup }]
  on-success:
    needs: b
    runs-on: ubuntu-24.04
    steps: [{ run: echo next }]
`,
    });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    const states = workflow(plan, 'grand.yml').jobs.map((j) => [j.id, j.status, j.result]);
    expect(states).toEqual([
      ['a', 'run', 'failure'],
      ['b', 'run', 'success'],
      ['on-failure', 'run', 'success'],
      ['on-success', 'skipped', 'skipped'],
    ]);
    expect(job(plan, 'grand.yml', 'on-failure').reason).toBe('if: failure() is true');
    expect(job(plan, 'grand.yml', 'on-success').reason).toBe('needed job a failed');
  });

  // GitHub: "a maximum of ten levels of workflows - that is, the top-level caller workflow and up to
  // nine levels of reusable workflows".
  test.each([
    [9, undefined],
    [10, './.github/workflows/level-10.yml: reusable workflows nest deeper than 9'],
  ])('%i levels of reusable workflows under the caller: the deepest call fails with %j', async (levels, error) => {
    const repo = fixture();
    const files: Record<string, string> = {
      '.github/workflows/top.yml': 'name: Top\non: push\npermissions: {}\njobs:\n  call:\n    uses: ./.github/workflows/level-1.yml\n',
    };
    for (let level = 1; level <= levels; level++) {
      const job = level < levels ? `  call:\n    uses: ./.github/workflows/level-${level + 1}.yml\n` : '  work:\n    runs-on: ubuntu-24.04\n    steps: [{ run: echo deepest }]\n';
      files[`.github/workflows/level-${level}.yml`] = `name: Level ${level}\non: workflow_call\npermissions: {}\njobs:\n${job}`;
    }
    repo.commit('nested calls', files);
    const result = await runPlan(repo.dir, ['--event', 'push', '--json']);
    const plan: Plan = JSON.parse(result.stdout);
    const top = job(plan, 'top.yml', 'call');
    expect(top.result).toBe(error === undefined ? 'success' : 'failure');
    expect(result.code).toBe(error === undefined ? 0 : 1);
    // The failure is reported by the deepest caller, up through every level.
    let calls: JobPlan | undefined = top;
    for (let level = 1; level < levels; level++) calls = calls?.legs[0]?.jobs?.find((j) => j.id === 'call');
    expect(calls?.legs[0]?.calls).toBe(`./.github/workflows/level-${levels}.yml`);
    if (error === undefined) expect(calls?.legs[0]?.steps.map((s) => s.name)).toEqual(['Run echo deepest']);
    else expect(calls?.reason).toBe(`no condition; fails: ${error}`);
  });
});

describe('bad input is one line and exit 2', () => {
  test.each([
    [['--event', 'release'], /--event "release": unknown event; expected one of push, pull_request, merge_group, workflow_dispatch/],
    [['--event', 'workflow_dispatch', '--input', 'service'], /--input "service": expected key=value/],
    [['--event', 'workflow_dispatch', '--input', 'service=db'], /input service="db" must be one of all, api, web/],
    [['--event', 'workflow_dispatch', '--input', 'nope=1'], /--input nope: no workflow_dispatch workflow defines it/],
    [['--event', 'push', '--input', 'service=api'], /inputs are only for --event workflow_dispatch/],
    [['--event', 'push', '--head', 'no-such-rev'], /--head no-such-rev: not a commit in this repository/],
    [['--event', 'push', '--fork'], /--fork: only a pull_request comes from a fork/],
    [['--event', 'push', '--ref', 'refs/pull/1/head'], /--ref "refs\/pull\/1\/head": expected refs\/heads\/BRANCH/],
    [['--evnt', 'push'], /pnpm pipeline plan: unknown option "--evnt"; expected: pnpm pipeline plan --event NAME/],
    [[], /--event is required/],
  ])('%j', async (argv, message) => {
    const repo = fixture();
    const result = await runPlan(repo.dir, argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('a workflow that fails GitHub’s parser names the file and the line', async () => {
    const repo = fixture();
    repo.commit('broken', { '.github/workflows/broken.yml': 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n' });
    const result = await runPlan(repo.dir, ['--event', 'push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: \.github\/workflows\/broken\.yml \(Line: 5, Col: 5\): Unexpected value 'stepz'/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
