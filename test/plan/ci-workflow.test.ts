// The table of events, run against the REAL generated workflows (.github/workflows) and a real
// temporary git history of this workspace: its files (tracked and new, as `git ls-files` lists them) are
// copied into a fresh repository (test/support/repo-copy.ts), and each scenario commits on top of that
// base. The `changes` and `tags` steps run this checkout's committed bundle (scripts/dist/pipeline.cjs) for real, as the trusted CLI.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JobPlan, Plan, StepPlan, WorkflowPlan } from '../../scripts/plan/plan-types.js';
import { BUNDLE } from '../support/cli.js';
import { copyRepo, REPO_ROOT } from '../support/repo-copy.js';
import { git, planJson, runPlan, TempRepo } from './repo.js';

const CI = '.github/workflows/ci.yml';

let repo: TempRepo;
let base: string;

/** Services whose package depends on `library`, directly or through another workspace library (read from the manifests). */
function dependentsOf(library: string): string[] {
  const manifest = (dir: string): { name: string; deps: string[] } => {
    const m = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8'));
    return { name: m.name, deps: Object.keys({ ...m.dependencies, ...m.devDependencies, ...m.peerDependencies, ...m.optionalDependencies }) };
  };
  const libs = readdirSync(join(REPO_ROOT, 'packages')).map((d) => manifest(`packages/${d}`));
  const reaches = new Set([library]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of libs) if (!reaches.has(l.name) && l.deps.some((d) => reaches.has(d))) grew = reaches.add(l.name).size > 0;
  }
  return readdirSync(join(REPO_ROOT, 'services'))
    .filter((d) => existsSync(join(REPO_ROOT, 'services', d, 'Dockerfile')))
    .filter((d) => manifest(`services/${d}`).deps.some((x) => reaches.has(x)))
    .sort();
}

function jobOf(plan: Plan, id: string): JobPlan {
  const wf: WorkflowPlan | undefined = plan.workflows.find((w) => w.file === CI);
  const j = wf?.jobs.find((x) => x.id === id);
  if (!j) throw new Error(`no job ${id} in ${CI}`);
  return j;
}
const services = (j: JobPlan) => j.legs.map((l) => l.matrix?.['service']).sort();
const step = (j: JobPlan, leg: number, name: RegExp): StepPlan => {
  const s = j.legs[leg]?.steps.find((x) => name.test(x.name));
  if (!s) throw new Error(`no step ${name} in ${j.id}`);
  return s;
};
/** Steps that build and push an image (docker/build-push-action with push: true) and run. */
/** Steps that push an image: `push: true`, or an image output with `push=true` (a push by digest). */
const pushes = (j: JobPlan) =>
  j.legs
    .flatMap((l) => l.steps)
    .filter((s) => s.if && s.uses?.startsWith('docker/build-push-action@') && (s.with['push'] === 'true' || /(?:^|,)push=true(?:,|$)/.test(s.with['outputs'] ?? '')));
/** Whether the gate's failing step runs: the plan only reports it, so its evaluated `if` is the gate's verdict. */
const gateFails = (plan: Plan): boolean => step(jobOf(plan, 'ci-ok'), 0, /^Fail when/).if;
const json = (text: string | undefined): unknown => JSON.parse(text ?? 'null');

/** A fresh scenario: main reset to the copied workspace, then one commit. */
function scenario(message: string, files: Readonly<Record<string, string>>): string {
  git(repo.dir, 'checkout', '-q', '-f', '-B', 'main', base);
  return repo.commit(message, files);
}

beforeAll(() => {
  if (!existsSync(join(REPO_ROOT, CI))) throw new Error(`${CI} is missing: generate it with \`pnpm workflows\``);
  repo = new TempRepo(copyRepo().dir);
  base = repo.commit('the workspace');
});
afterAll(() => repo?.remove());

describe('pipeline plan on the generated CI workflow', () => {
  test('push to main touching one service: one publish leg, pushed, tagged sha-* and main; the gate passes', async () => {
    const head = scenario('chat change', { 'services/chat-service/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push'], BUNDLE);
    expect(plan.code).toBe(0);
    expect(jobOf(plan, 'build')).toMatchObject({ status: 'skipped', legs: [] });
    const publish = jobOf(plan, 'publish');
    expect(services(publish)).toEqual(['chat-service']);
    const meta = step(publish, 0, /tags/i);
    expect(meta.executed?.exitCode).toBe(0);
    const tags = (meta.executed?.outputs['tags'] ?? '').split('\n');
    expect(tags.some((t) => t.endsWith(`:sha-${head.slice(0, 7)}`))).toBe(true);
    expect(tags.some((t) => t.endsWith(':main'))).toBe(true);
    const pushed = pushes(publish);
    expect(pushed).toHaveLength(1);
    // Pushed by digest into the repository the tags step computed; no tag yet.
    expect(pushed[0]?.with['tags']).toBeUndefined();
    expect(pushed[0]?.with['outputs']).toBe(`type=image,name=${meta.executed?.outputs['repository']},push-by-digest=true,name-canonical=true,push=true`);
    expect(pushed[0]?.with['file']).toBe('services/chat-service/Dockerfile');
    expect(pushed[0]?.with['cache-from']).toContain('scope=chat-service');
    // The record step writes a file and the tag step moves tags: reported with their evaluated flags, never run by the plan.
    const record = step(publish, 0, /^Record/);
    expect(record).toMatchObject({ if: true, env: { SERVICE: 'chat-service' } });
    expect(record.executed).toBeUndefined();
    // The tags move in promote, after the checks (and the libraries, when any) passed: one leg per published service.
    const promote = jobOf(plan, 'promote');
    expect(promote.status).toBe('run');
    expect(services(promote)).toEqual(['chat-service']);
    const tag = step(promote, 0, /^Tag the verified image/);
    expect(tag).toMatchObject({ if: true, env: { SERVICE: 'chat-service' } });
    expect(tag.executed).toBeUndefined();
    // The generated files' checks run for a service change too.
    expect(jobOf(plan, 'checks').status).toBe('run');
    expect(jobOf(plan, 'ci-ok')).toMatchObject({ status: 'run', result: 'success' });
    expect(gateFails(plan)).toBe(false);
  });

  test('push touching only packages/shared: every dependent service, nothing else', async () => {
    scenario('shared change', { 'packages/shared/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push'], BUNDLE);
    const expected = dependentsOf('@kodingcaravan/shared');
    expect(expected.length).toBeGreaterThan(1);
    expect(services(jobOf(plan, 'publish'))).toEqual(expected);
    const changes = jobOf(plan, 'changes');
    expect(json(changes.outputs['libraries'])).toContain('@kodingcaravan/shared');
    expect(changes.outputs['tooling']).toBe('false');
    expect(changes.outputs['global']).toBe('false');
    expect(jobOf(plan, 'libraries').legs.map((l) => l.matrix?.['library'])).toContain('@kodingcaravan/shared');
  });

  test('push touching only packages/auth: exactly its three services', async () => {
    scenario('auth change', { 'packages/auth/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push'], BUNDLE);
    expect(plan.code).toBe(0);
    expect(services(jobOf(plan, 'publish'))).toEqual(['api-gateway', 'student-auth-service', 'trainer-auth-service']);
    expect(jobOf(plan, 'build').status).toBe('skipped');
    const changes = jobOf(plan, 'changes');
    expect(changes.outputs['global']).toBe('false');
    expect(json(changes.outputs['services'])).toEqual(['api-gateway', 'student-auth-service', 'trainer-auth-service']);
    expect(json(changes.outputs['libraries'])).toContain('@kodingcaravan/auth');
    expect(json(changes.outputs['libraries'])).not.toContain('@kodingcaravan/shared');
    expect(gateFails(plan)).toBe(false);
  });

  test('docs-only push: no build or publish legs, the gate passes', async () => {
    scenario('docs', { 'docs/planned-change.md': '# notes\n' });
    const plan = await planJson(repo.dir, ['--event', 'push'], BUNDLE);
    expect(plan.code).toBe(0);
    expect(jobOf(plan, 'changes').outputs['any']).toBe('false');
    expect(jobOf(plan, 'build')).toMatchObject({ status: 'skipped', legs: [] });
    expect(jobOf(plan, 'publish')).toMatchObject({ status: 'skipped', legs: [] });
    expect(jobOf(plan, 'checks').status).toBe('skipped');
    expect(jobOf(plan, 'ci-ok')).toMatchObject({ status: 'run', result: 'success' });
    expect(gateFails(plan)).toBe(false);
  });

  test('pull request from a fork: built and tested in build, push false, no secret in any running step', async () => {
    scenario('base', {});
    git(repo.dir, 'checkout', '-q', '-b', 'contrib');
    repo.commit('fork change', { 'services/booking-service/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'pull_request', '--fork', '--pr', '7'], BUNDLE);
    expect(plan.code).toBe(0);
    expect(jobOf(plan, 'publish')).toMatchObject({ status: 'skipped', legs: [] });
    const build = jobOf(plan, 'build');
    expect(services(build)).toEqual(['booking-service']);
    const running = build.legs[0]?.steps.filter((s) => s.if) ?? [];
    expect(running.some((s) => /test/i.test(s.name))).toBe(true);
    expect(running.some((s) => s.uses?.startsWith('docker/build-push-action@') && s.with['push'] === 'false')).toBe(true);
    expect(running.some((s) => s.uses?.startsWith('docker/login-action@'))).toBe(false);
    expect(pushes(build)).toEqual([]);
    const everyRunningStep = plan.workflows.flatMap((w) => w.jobs.flatMap((j) => j.legs.flatMap((l) => l.steps))).filter((s) => s.if);
    expect(everyRunningStep.filter((s) => s.secrets.length > 0).map((s) => s.name)).toEqual([]);
    expect(step(build, 0, /tags/i).executed?.outputs['tags']).toMatch(/:pr-7$/m);
    expect(gateFails(plan)).toBe(false);
  });

  test('merge_group: the queued change is built and verified by build, never pushed (the push to main publishes what lands)', async () => {
    scenario('queued', { 'services/payment-service/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'merge_group'], BUNDLE);
    expect(plan.code).toBe(0);
    expect(jobOf(plan, 'publish').status).toBe('skipped');
    const build = jobOf(plan, 'build');
    expect(services(build)).toEqual(['payment-service']);
    expect(pushes(build)).toHaveLength(0);
    expect(jobOf(plan, 'ci-ok').result).toBe('success');
    expect(gateFails(plan)).toBe(false);
  });

  test("a change to the pipeline's own code: the checks job runs, no image is built", async () => {
    scenario('tooling', { 'scripts/core/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push'], BUNDLE);
    expect(jobOf(plan, 'changes').outputs['tooling']).toBe('true');
    expect(jobOf(plan, 'checks').status).toBe('run');
    expect(jobOf(plan, 'build').status).toBe('skipped');
    expect(jobOf(plan, 'publish').status).toBe('skipped');
    expect(jobOf(plan, 'ci-ok').result).toBe('success');
    expect(gateFails(plan)).toBe(false);
  });

  test('a change detection that fails: everything after it is skipped, and the gate fails', async () => {
    scenario('broken manifest', { 'services/chat-service/package.json': '{ "name": \n' });
    const plan = await planJson(repo.dir, ['--event', 'push'], BUNDLE);
    expect(plan.code).toBe(1);
    const changes = jobOf(plan, 'changes');
    expect(changes.result).toBe('failure');
    expect(step(changes, 0, /^Affected/).executed).toMatchObject({ exitCode: 2, error: expect.stringContaining('services/chat-service/package.json') });
    for (const id of ['build', 'publish', 'libraries', 'checks']) expect(jobOf(plan, id).status).toBe('skipped');
    expect(jobOf(plan, 'ci-ok').status).toBe('run');
    expect(gateFails(plan)).toBe(true);
  });
});

describe('pipeline plan on the generated release workflow', () => {
  const RELEASE = '.github/workflows/release.yml';
  const releaseJob = (plan: Plan, id: string): JobPlan => {
    const j = plan.workflows.find((w) => w.file === RELEASE)?.jobs.find((x) => x.id === id);
    if (!j) throw new Error(`no job ${id} in ${RELEASE}`);
    return j;
  };

  test('a pushed release tag: ci.yml does not run, release.yml releases that service only', async () => {
    scenario('any', { 'services/chat-service/src/planned.ts': 'export const p = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push', '--ref', 'refs/tags/chat-service@1.2.3'], BUNDLE);
    expect(plan.workflows.find((w) => w.file === CI)?.triggered).toBe(false);
    const select = releaseJob(plan, 'select');
    expect(select.outputs['services']).toBe('["chat-service"]');
    const release = releaseJob(plan, 'release');
    expect(release.status).toBe('run');
    expect(release.legs.map((l) => l.matrix?.['service'])).toEqual(['chat-service']);
    expect(releaseJob(plan, 'build').status).toBe('skipped');
  });

  test('a manual release (--workflow release.yml): the chosen service, its bump reaching the cut', async () => {
    scenario('any', { 'services/payment-service/src/planned.ts': 'export const p = 2;\n' });
    const plan = await planJson(repo.dir, ['--event', 'workflow_dispatch', '--workflow', 'release.yml', '--input', 'service=payment-service', '--input', 'bump=minor'], BUNDLE);
    expect(plan.workflows.map((w) => w.file)).toEqual([RELEASE]);
    const release = releaseJob(plan, 'release');
    expect(release.legs.map((l) => l.matrix?.['service'])).toEqual(['payment-service']);
    expect(step(release, 0, /^Release$/).env).toMatchObject({ SERVICE: 'payment-service', BUMP: 'minor', EVENT: 'workflow_dispatch' });
  });

  test('a manual release with deploy_to: the hand-off runs after the release though no build ran (a skipped build skips no later job)', async () => {
    const plan = await planJson(
      repo.dir,
      ['--event', 'workflow_dispatch', '--workflow', 'release.yml', '--input', 'service=payment-service', '--input', 'deploy_to=staging'],
      BUNDLE,
    );
    expect(releaseJob(plan, 'build').status).toBe('skipped');
    expect(releaseJob(plan, 'release').status).toBe('run');
    const handoff = releaseJob(plan, 'handoff');
    expect(handoff.status).toBe('run');
    expect(handoff.legs.map((l) => l.matrix?.['service'])).toEqual(['payment-service']);
  });

  test('a manual release started on a release tag releases the service chosen, not the tag its service', async () => {
    const plan = await planJson(
      repo.dir,
      ['--event', 'workflow_dispatch', '--ref', 'refs/tags/chat-service@1.2.3', '--workflow', 'release.yml', '--input', 'service=payment-service'],
      BUNDLE,
    );
    expect(releaseJob(plan, 'select').outputs['services']).toBe('["payment-service"]');
    expect(releaseJob(plan, 'release').legs.map((l) => l.matrix?.['service'])).toEqual(['payment-service']);
  });

  test('a manual release of `changed` with one explicit version fails in select, before any release leg is planned', async () => {
    const r = await runPlan(repo.dir, ['--event', 'workflow_dispatch', '--workflow', 'release.yml', '--input', 'service=changed', '--input', 'version=2.0.0'], process.env, BUNDLE);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/✗ select +run: FAILS: step "Services to release" exited with 2: error: --version "2\.0\.0" with --service changed/);
    expect(r.stdout).not.toMatch(/release +run/);
  });

  test('a manual release without deploy_to hands nothing off', async () => {
    const plan = await planJson(repo.dir, ['--event', 'workflow_dispatch', '--workflow', 'release.yml', '--input', 'service=payment-service'], BUNDLE);
    expect(releaseJob(plan, 'handoff').status).toBe('skipped');
  });

  test('an unknown --workflow is one line naming the workflows there', async () => {
    const r = await runPlan(repo.dir, ['--event', 'workflow_dispatch', '--workflow', 'deploy-all.yml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --workflow "deploy-all\.yml": no such workflow at [0-9a-f]{12}; expected one of: ci\.yml, deploy\.yml, release\.yml\n$/);
  });
});

test('pipeline plan of a dispatched deploy: its jobs, the environment and the concurrency group', async () => {
  const plan = await planJson(
    repo.dir,
    ['--event', 'workflow_dispatch', '--workflow', 'deploy.yml', '--input', 'service=api-gateway', '--input', 'environment=production'],
    BUNDLE,
  );
  const wf = plan.workflows.find((w) => w.file === '.github/workflows/deploy.yml');
  expect(wf?.jobs.map((j) => j.id)).toEqual(['plan', 'deploy']);
  const deploy = wf?.jobs.find((j) => j.id === 'deploy');
  expect(deploy?.environment).toBe('{"name":"production"}');
  expect(deploy?.concurrency).toBe('{"group":"deploy-api-gateway-production","cancel-in-progress":false}');
});
