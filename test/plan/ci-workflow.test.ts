// The table of events, run against the REAL generated workflows (.github/workflows) and a real
// temporary git history of this workspace: its files (tracked and new, as `git ls-files` lists them) are
// copied into a fresh repository, and each scenario commits on top of that base. The `changes` and
// `tags` steps run the committed bundle (scripts/dist/pipeline.mjs) for real.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JobPlan, Plan, StepPlan, WorkflowPlan } from '../../scripts/plan/plan-types.js';
import { git, planJson, TempRepo } from './repo.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CI = '.github/workflows/ci.yml';

let repo: TempRepo;
let base: string;

/** Services whose package depends on `library`, directly or through another workspace library (read from the manifests). */
function dependentsOf(library: string): string[] {
  const manifest = (dir: string): { name: string; deps: string[] } => {
    const m = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    return { name: m.name, deps: Object.keys({ ...m.dependencies, ...m.devDependencies, ...m.peerDependencies, ...m.optionalDependencies }) };
  };
  const libs = readdirSync(join(ROOT, 'packages')).map((d) => manifest(`packages/${d}`));
  const reaches = new Set([library]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of libs) if (!reaches.has(l.name) && l.deps.some((d) => reaches.has(d))) grew = reaches.add(l.name).size > 0;
  }
  return readdirSync(join(ROOT, 'services'))
    .filter((d) => existsSync(join(ROOT, 'services', d, 'Dockerfile')))
    .filter((d) => manifest(`services/${d}`).deps.some((x) => reaches.has(x)))
    .sort();
}

function jobOf(plan: Plan, id: string): JobPlan {
  const wf: WorkflowPlan | undefined = plan.workflows.find((w) => w.file === CI);
  const j = wf?.jobs.find((x) => x.id === id);
  if (!j) throw new Error(`no job ${id} in ${CI}`);
  return j;
}
const services = (build: JobPlan) => build.legs.map((l) => l.matrix?.['service']).sort();
const step = (j: JobPlan, leg: number, name: RegExp): StepPlan => {
  const s = j.legs[leg]?.steps.find((x) => name.test(x.name));
  if (!s) throw new Error(`no step ${name} in ${j.id}`);
  return s;
};
/** Steps that build and push an image (docker/build-push-action with push: true) and run. */
const pushes = (build: JobPlan) => build.legs.flatMap((l) => l.steps).filter((s) => s.if && s.uses?.startsWith('docker/build-push-action@') && s.with['push'] === 'true');

/** A fresh scenario: main reset to the copied workspace, then one commit. */
function scenario(message: string, files: Readonly<Record<string, string>>): string {
  git(repo.dir, 'checkout', '-q', '-f', '-B', 'main', base);
  return repo.commit(message, files);
}

beforeAll(() => {
  if (!existsSync(join(ROOT, CI))) throw new Error(`${CI} is missing: generate it with \`pnpm workflows\``);
  repo = new TempRepo();
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0');
  for (const f of files) {
    if (f === '' || !existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(repo.dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(repo.dir, f));
  }
  base = repo.commit('the workspace');
});
afterAll(() => repo?.remove());

describe('pipeline plan on the generated CI workflow', () => {
  test('push to main touching one service: one leg, pushed, tagged sha-* and main', async () => {
    const head = scenario('chat change', { 'services/chat-service/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(plan.code).toBe(0);
    const build = jobOf(plan, 'build');
    expect(services(build)).toEqual(['chat-service']);
    const meta = step(build, 0, /tags/i);
    expect(meta.executed?.exitCode).toBe(0);
    const tags = (meta.executed?.outputs['tags'] ?? '').split('\n');
    expect(tags.some((t) => t.endsWith(`:sha-${head.slice(0, 7)}`))).toBe(true);
    expect(tags.some((t) => t.endsWith(':main'))).toBe(true);
    const pushed = pushes(build);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]?.with['tags']).toBe(meta.executed?.outputs['tags']);
    expect(pushed[0]?.with['file']).toBe('services/chat-service/Dockerfile');
    expect(pushed[0]?.with['cache-from']).toContain('scope=chat-service');
    expect(jobOf(plan, 'checks').status).toBe('skipped');
    expect(jobOf(plan, 'ci-ok')).toMatchObject({ status: 'run', result: 'success' });
  });

  test('push touching only packages/shared: every dependent service, nothing else', async () => {
    scenario('shared change', { 'packages/shared/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    const expected = dependentsOf('@kodingcaravan/shared');
    expect(expected.length).toBeGreaterThan(1);
    expect(services(jobOf(plan, 'build'))).toEqual(expected);
    expect(JSON.parse(jobOf(plan, 'changes').outputs['libraries'] ?? '[]')).toContain('@kodingcaravan/shared');
    expect(jobOf(plan, 'changes').outputs['tooling']).toBe('false');
  });

  test('docs-only push: no build legs, the gate passes', async () => {
    scenario('docs', { 'docs/planned-change.md': '# notes\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(plan.code).toBe(0);
    expect(jobOf(plan, 'changes').outputs['any']).toBe('false');
    expect(jobOf(plan, 'build')).toMatchObject({ status: 'skipped', legs: [] });
    expect(jobOf(plan, 'checks').status).toBe('skipped');
    const gate = jobOf(plan, 'ci-ok');
    expect(gate).toMatchObject({ status: 'run', result: 'success' });
    expect(gate.legs[0]?.steps.filter((s) => s.if).every((s) => !/exit 1/.test(s.run ?? ''))).toBe(true);
  });

  test('pull request from a fork: built and tested, push false, no secret in any running step', async () => {
    scenario('base', {});
    git(repo.dir, 'checkout', '-q', '-b', 'contrib');
    repo.commit('fork change', { 'services/booking-service/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'pull_request', '--fork', '--pr', '7']);
    expect(plan.code).toBe(0);
    const build = jobOf(plan, 'build');
    expect(services(build)).toEqual(['booking-service']);
    const running = build.legs[0]?.steps.filter((s) => s.if) ?? [];
    expect(running.some((s) => /test/i.test(s.name))).toBe(true);
    expect(running.some((s) => s.uses?.startsWith('docker/build-push-action@') && s.with['push'] === 'false')).toBe(true);
    expect(pushes(build)).toEqual([]);
    const everyRunningStep = plan.workflows.flatMap((w) => w.jobs.flatMap((j) => j.legs.flatMap((l) => l.steps))).filter((s) => s.if);
    expect(everyRunningStep.filter((s) => s.secrets.length > 0).map((s) => s.name)).toEqual([]);
    expect(step(build, 0, /tags/i).executed?.outputs['tags']).toMatch(/:pr-7$/m);
  });

  test('merge_group: the queued change is built and pushed', async () => {
    scenario('queued', { 'services/payment-service/src/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'merge_group']);
    expect(plan.code).toBe(0);
    const build = jobOf(plan, 'build');
    expect(services(build)).toEqual(['payment-service']);
    expect(pushes(build)).toHaveLength(1);
    expect(jobOf(plan, 'ci-ok').result).toBe('success');
  });

  test("a change to the pipeline's own code: the checks job runs, no image is built", async () => {
    scenario('tooling', { 'scripts/core/planned-change.ts': 'export const planned = 1;\n' });
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(jobOf(plan, 'changes').outputs['tooling']).toBe('true');
    expect(jobOf(plan, 'checks').status).toBe('run');
    expect(jobOf(plan, 'build').status).toBe('skipped');
    expect(jobOf(plan, 'ci-ok').result).toBe('success');
  });
});
