/**
 * The structure of ci.yml, asserted on the generated workflow object, with every condition evaluated
 * by GitHub's own expression engine for the contexts it must handle (push, PR, fork PR, fork
 * repository, merge queue) rather than compared as text.
 */
import type { GeneratedWorkflowTypes } from '@github-actions-workflow-ts/lib';
import { describe, expect, test } from 'vitest';
import { pipelineConfig } from '../../workflows-src/pipeline.config.js';
import { ciWorkflow } from '../../workflows-src/ci.wac.js';
import { renderWorkflows } from '../../workflows-src/generate.js';
import { PINS } from '../../workflows-src/actions.pins.js';
import { loadWorkspace } from '../../scripts/io/workspace-fs.js';
import { evaluate } from './validators.js';

type Job = GeneratedWorkflowTypes.NormalJob;
type Step = GeneratedWorkflowTypes.Step;

const wf = ciWorkflow.workflow;
const jobs: Record<string, Job> = Object.fromEntries(Object.entries(wf.jobs ?? {}).flatMap(([id, j]) => ('steps' in j ? [[id, j]] : [])));
function jobOf(id: string): Job {
  const j = jobs[id];
  if (!j) throw new Error(`no job ${id}`);
  return j;
}
const stepsOf = (id: string): Step[] => jobOf(id).steps ?? [];
function stepNamed(id: string, name: RegExp): Step {
  const step = stepsOf(id).find((s) => typeof s.name === 'string' && name.test(s.name));
  if (!step) throw new Error(`job ${id} has no step matching ${name}`);
  return step;
}
const unwrap = (value: unknown): string => {
  const m = typeof value === 'string' ? /^\$\{\{ ([\s\S]*) \}\}$/.exec(value) : null;
  if (!m?.[1]) throw new Error(`not a \${{ }} value: ${String(value)}`);
  return m[1];
};
const ciYaml = renderWorkflows().get('.github/workflows/ci.yml') ?? '';

const REPO = { full_name: 'acme/kodingcaravan', fork: false };
const contexts = {
  'push to main': { event_name: 'push', ref: 'refs/heads/main', event: { repository: REPO } },
  'push to another branch': { event_name: 'push', ref: 'refs/heads/feature/x', event: { repository: REPO } },
  'pull request from a branch': { event_name: 'pull_request', ref: 'refs/pull/7/merge', event: { repository: REPO, pull_request: { head: { repo: REPO } } } },
  'pull request from a fork': {
    event_name: 'pull_request',
    ref: 'refs/pull/8/merge',
    event: { repository: REPO, pull_request: { head: { repo: { full_name: 'mallory/kodingcaravan', fork: true } } } },
  },
  'merge queue': { event_name: 'merge_group', ref: 'refs/heads/gh-readonly-queue/main/pr-7-abc', event: { repository: REPO } },
  'push to main of a fork repository': { event_name: 'push', ref: 'refs/heads/main', event: { repository: { full_name: 'mallory/kodingcaravan', fork: true } } },
  'merge queue of a fork repository': {
    event_name: 'merge_group',
    ref: 'refs/heads/gh-readonly-queue/main/pr-1-abc',
    event: { repository: { full_name: 'mallory/kodingcaravan', fork: true } },
  },
} as const;
type ContextName = keyof typeof contexts;

describe('triggers and workflow-level settings', () => {
  test('push to the default branch, pull_request, merge_group; never pull_request_target', () => {
    expect(wf.on).toEqual({ push: { branches: [pipelineConfig.defaultBranch] }, pull_request: null, merge_group: { types: ['checks_requested'] } });
    expect(ciYaml).not.toMatch(/pull_request_target/);
  });
  test('top-level token is contents: read', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  const concurrency = typeof wf.concurrency === 'object' ? wf.concurrency : undefined;
  const group = (name: ContextName, runId: string) => evaluate(unwrap(concurrency?.group), { github: { ...contexts[name], run_id: runId } });
  const cancels = (name: ContextName) => evaluate(unwrap(concurrency?.['cancel-in-progress']), { github: contexts[name] });
  test('a new push to a PR cancels its running CI', () => {
    expect(group('pull request from a branch', '1')).toBe(group('pull request from a branch', '2'));
    expect(cancels('pull request from a branch')).toBe(true);
  });
  test('runs on main are never cancelled nor replaced: each has its own group', () => {
    expect(group('push to main', '1')).not.toBe(group('push to main', '2'));
    expect(cancels('push to main')).toBe(false);
    expect(cancels('merge queue')).toBe(false);
  });
  test('two different PRs never share a group', () => {
    expect(group('pull request from a branch', '1')).not.toBe(group('pull request from a fork', '1'));
  });
});

describe('jobs', () => {
  test('changes -> build / libraries / checks -> ci-ok', () => {
    expect(Object.keys(wf.jobs ?? {})).toEqual(['changes', 'build', 'libraries', 'checks', 'ci-ok']);
    expect(jobOf('changes').needs).toBeUndefined();
    for (const id of ['build', 'libraries', 'checks']) expect(jobOf(id).needs).toEqual(['changes']);
  });

  test.each([
    ['changes', { contents: 'read' }],
    ['build', { contents: 'read', packages: 'write' }],
    ['libraries', { contents: 'read' }],
    ['checks', { contents: 'read' }],
    ['ci-ok', {}],
  ])('%s has exactly the permissions it needs', (id, permissions) => {
    expect(jobOf(id).permissions).toEqual(permissions);
  });

  test('write scopes only where an image is pushed; no id-token or attestations scope', () => {
    for (const [id, j] of Object.entries(jobs)) {
      const writes = Object.entries(typeof j.permissions === 'object' ? j.permissions : {}).filter(([, level]) => level === 'write');
      const pushes = (j.steps ?? []).some((s) => s.with !== undefined && typeof s.with === 'object' && s.with['push'] === true);
      expect({ id, writes: writes.map(([k]) => k) }).toEqual({ id, writes: pushes ? ['packages'] : [] });
    }
  });

  test('every job has a timeout', () => {
    for (const j of Object.values(jobs)) expect(j['timeout-minutes']).toBeGreaterThan(0);
  });
});

describe('changes', () => {
  test('a shallow checkout and the committed bundle: no setup, no install', () => {
    const steps = stepsOf('changes');
    expect(steps).toHaveLength(2);
    expect(steps[0]?.uses).toBe(`actions/checkout@${PINS['actions/checkout'].sha}`);
    expect(Number(steps[0]?.with?.['fetch-depth'])).toBeGreaterThan(0);
    expect(steps[1]?.run).toBe('node scripts/dist/pipeline.mjs affected');
  });
  test("forwards the affected command's outputs", () => {
    const outputs = jobOf('changes').outputs ?? {};
    for (const name of ['matrix', 'services', 'count', 'any', 'libraries', 'tooling', 'global', 'base', 'head']) {
      expect(outputs[name]).toBe(`\${{ steps.affected.outputs.${name} }}`);
    }
  });
});

describe('build', () => {
  const build = jobOf('build');
  test('one leg per affected service from the matrix output, fail-fast off', () => {
    expect(build.strategy?.['fail-fast']).toBe(false);
    expect(unwrap(build.strategy?.matrix)).toBe('fromJSON(needs.changes.outputs.matrix)');
  });
  test.each([
    ['true', true],
    ['false', false],
    ['', false],
  ])('skipped cleanly when nothing is affected (any=%j -> runs: %s)', (any, runs) => {
    expect(evaluate(String(build.if), { needs: { changes: { outputs: { any } } } })).toBe(runs);
  });
  test('installs only its service and workspace dependencies, then typechecks and tests it', () => {
    expect(build.env).toEqual({ PACKAGE: '${{ matrix.package }}' });
    const runs = stepsOf('build').flatMap((s) => (typeof s.run === 'string' ? [s.run] : []));
    expect(runs).toContain('pnpm install --frozen-lockfile --filter "$PACKAGE..."');
    expect(runs).toContain('pnpm --filter "$PACKAGE" run typecheck');
    expect(runs).toContain('pnpm --filter "$PACKAGE" run test');
  });
  test('tags, labels and build args come from `pipeline tags`, verification from `pipeline verify-image`', () => {
    const meta = stepNamed('build', /tags/i);
    expect(meta.run).toBe('node scripts/dist/pipeline.mjs tags --service "$SERVICE"');
    const built = stepNamed('build', /^Build the image$/);
    expect(built.with).toMatchObject({ tags: '${{ steps.meta.outputs.tags }}', labels: '${{ steps.meta.outputs.labels }}', load: true, push: false, context: '.' });
    expect(built.with?.['file']).toBe('${{ matrix.dockerfile }}');
    const verify = stepNamed('build', /Verify/);
    expect(verify.run).toBe('node scripts/dist/pipeline.mjs verify-image "$SERVICE" --image "$IMAGE"');
    expect(verify.env).toMatchObject({ IMAGE: '${{ steps.meta.outputs.image }}' });
    const names = stepsOf('build').map((s) => s.name);
    expect(names.indexOf(verify.name)).toBeGreaterThan(names.indexOf(built.name));
    expect(names.indexOf(stepNamed('build', /^Push/).name)).toBeGreaterThan(names.indexOf(verify.name));
  });
  test('BuildKit cache per service (type=gha, scope=<service>)', () => {
    const built = stepNamed('build', /^Build the image$/);
    for (const service of ['api-gateway', 'chat-service']) {
      expect(evaluate(unwrap(built.with?.['cache-from']), { matrix: { service } })).toBe(`type=gha,scope=${service}`);
      expect(evaluate(unwrap(built.with?.['cache-to']), { matrix: { service } })).toBe(`type=gha,scope=${service},mode=max`);
    }
  });

  const pushSteps = stepsOf('build').filter((s) => s.if !== undefined);
  const expectedPush: Record<ContextName, boolean> = {
    'push to main': true,
    'push to another branch': false,
    'pull request from a branch': false,
    'pull request from a fork': false,
    'merge queue': true,
    'push to main of a fork repository': false,
    'merge queue of a fork repository': false,
  };
  test.each(Object.entries(expectedPush))('%s: pushes = %s', (name, pushes) => {
    expect(pushSteps.length).toBeGreaterThanOrEqual(4);
    for (const step of pushSteps)
      expect({ step: step.name, runs: evaluate(String(step.if), { github: contexts[name as ContextName] }) }).toEqual({ step: step.name, runs: pushes });
  });
  test('login, push, record and upload are exactly the guarded steps; provenance and SBOM on the push', () => {
    expect(pushSteps.map((s) => s.name)).toEqual([expect.stringMatching(/^Log in/), expect.stringMatching(/^Push/), 'Record the pushed digest', 'Upload the image record']);
    expect(stepNamed('build', /^Push/).with).toMatchObject({ push: true, provenance: 'mode=max', sbom: true });
  });
  test('secrets are read only by steps that run when pushing', () => {
    for (const j of Object.values(jobs)) {
      for (const step of j.steps ?? []) {
        if (JSON.stringify(step).includes('secrets.')) expect(step.if).toBe(stepNamed('build', /^Push/).if);
      }
    }
  });
  test('the pushed digest goes to a per-service artifact', () => {
    const upload = stepNamed('build', /Upload/);
    expect(evaluate(unwrap(upload.with?.['name']), { matrix: { service: 'api-gateway' } })).toBe('image-api-gateway');
    expect(stepNamed('build', /Record/).env).toMatchObject({ DIGEST: '${{ steps.push.outputs.digest }}' });
  });
});

describe('libraries and checks', () => {
  test.each([
    [{ tooling: 'true', global: 'false', libraries: '[]' }, true],
    [{ tooling: 'false', global: 'true', libraries: '[]' }, true],
    [{ tooling: 'false', global: 'false', libraries: '["@kodingcaravan/shared"]' }, true],
    [{ tooling: 'false', global: 'false', libraries: '[]' }, false],
  ])('checks run for %j: %s', (outputs, runs) => {
    expect(evaluate(String(jobOf('checks').if), { needs: { changes: { outputs } } })).toBe(runs);
  });
  test('checks: typecheck, lint, pipeline tests, workflows, bundle and Dockerfile checks', () => {
    const runs = stepsOf('checks').map((s) => s.run);
    for (const command of [
      'pnpm run typecheck',
      'pnpm run lint',
      'pnpm exec vitest run --project pipeline',
      'pnpm run workflows:check',
      'pnpm exec tsx scripts/bundle.ts --check',
      'node scripts/dist/pipeline.mjs check-dockerfiles',
    ]) {
      expect(runs).toContain(command);
    }
  });
  test('one libraries leg per affected library, only when there is one', () => {
    const lib = jobOf('libraries');
    expect(evaluate(String(lib.if), { needs: { changes: { outputs: { libraries: '[]' } } } })).toBe(false);
    expect(evaluate(String(lib.if), { needs: { changes: { outputs: { libraries: '["@kodingcaravan/auth"]' } } } })).toBe(true);
    const matrix = lib.strategy?.matrix;
    expect(typeof matrix === 'object' ? unwrap(matrix['library']) : matrix).toBe('fromJSON(needs.changes.outputs.libraries)');
  });
});

describe('ci-ok, the one required check', () => {
  const gate = jobOf('ci-ok');
  const failStep = stepNamed('ci-ok', /^Fail/);
  test('always runs and needs every other job', () => {
    expect(gate.if).toBe('always()');
    expect([...(gate.needs ?? [])].sort()).toEqual(
      Object.keys(jobs)
        .filter((id) => id !== 'ci-ok')
        .sort(),
    );
  });
  const r = (changes: string, build: string, libraries: string, checks: string) => ({
    changes: { result: changes },
    build: { result: build },
    libraries: { result: libraries },
    checks: { result: checks },
  });
  test.each([
    ['everything passed', r('success', 'success', 'success', 'success'), false],
    ['zero services affected, nothing else to check', r('success', 'skipped', 'skipped', 'skipped'), false],
    ['only checks ran', r('success', 'skipped', 'skipped', 'success'), false],
    ['a build leg failed', r('success', 'failure', 'skipped', 'success'), true],
    ['checks were cancelled', r('success', 'success', 'skipped', 'cancelled'), true],
    ['a library failed', r('success', 'skipped', 'failure', 'success'), true],
    ['changes failed, so everything else was skipped', r('failure', 'skipped', 'skipped', 'skipped'), true],
  ])('%s: fails = %s', (_, needs, fails) => {
    expect(evaluate(String(failStep.if), { needs })).toBe(fails);
  });
});

describe('pins and the catalog', () => {
  test('every uses is a pinned SHA followed by its release', () => {
    const uses = [...ciYaml.matchAll(/uses: (\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(5);
    for (const [, ref = '', comment] of uses) {
      const [action = '', sha] = ref.split('@');
      const pin = Object.entries(PINS).find(([name]) => name === action)?.[1];
      expect(pin, ref).toBeDefined();
      expect(sha).toBe(pin?.sha);
      expect(comment).toBe(` # ${pin?.version}`);
    }
  });
  test('the workflow names no service: the catalog comes from the workspace at run time', () => {
    const services = loadWorkspace(process.cwd(), { serviceMarker: pipelineConfig.services.marker }).services.map((s) => s.folder);
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) expect(ciYaml).not.toContain(service);
  });
  test('no run: script interpolates an expression', () => {
    for (const j of Object.values(jobs)) for (const step of j.steps ?? []) if (typeof step.run === 'string') expect(step.run).not.toContain('${{');
  });
});
