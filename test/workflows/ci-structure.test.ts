import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/**
 * The structure of ci.yml, asserted on the generated workflow object, with every condition evaluated
 * by GitHub's own expression engine for the contexts it must handle (push, PR, fork PR, fork
 * repository, merge queue) rather than compared as text. The permission split is the security
 * boundary: pull-request code runs only in `build`, whose token is read-only and which reads no secret.
 */
import { describe, expect, test } from 'vitest';
import { pipelineConfig } from '../../pipeline.config.js';
import { ciWorkflow } from '../../workflows-src/ci.wac.js';
import { renderWorkflows } from '../../workflows-src/generate.js';
import { WORKFLOWS } from '../../workflows-src/workflows.js';
import { PINS } from '../../workflows-src/actions.pins.js';
import { loadWorkspace } from '../../scripts/io/workspace-fs.js';
import { type ContextName, contexts, publishes } from './contexts.js';
import { inspect, unwrap } from './inspect.js';
import { evaluate } from './validators.js';

const { wf, jobs, jobOf, stepsOf, stepNamed, secretReaders } = inspect(ciWorkflow);
const ciYaml = renderWorkflows(WORKFLOWS).get('.github/workflows/ci.yml') ?? '';

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
  test('changes -> build / publish / libraries / checks -> promote -> ci-ok', () => {
    expect(Object.keys(wf.jobs ?? {})).toEqual(['changes', 'build', 'publish', 'libraries', 'checks', 'promote', 'ci-ok']);
    expect(jobOf('changes').needs).toBeUndefined();
    for (const id of ['build', 'publish', 'libraries', 'checks']) expect(jobOf(id).needs).toEqual(['changes']);
    expect(jobOf('promote').needs).toEqual(['changes', 'publish', 'libraries', 'checks']);
  });

  test.each([
    ['changes', { contents: 'read' }],
    ['build', { contents: 'read' }],
    ['publish', { contents: 'read', packages: 'write' }],
    ['libraries', { contents: 'read' }],
    ['checks', { contents: 'read' }],
    ['promote', { contents: 'read', packages: 'write' }],
    ['ci-ok', {}],
  ])('%s has exactly the permissions it needs', (id, permissions) => {
    expect(jobOf(id).permissions).toEqual(permissions);
  });

  test('write scopes only where an image is pushed or tagged; no id-token or attestations scope', () => {
    for (const [id, j] of Object.entries(jobs)) {
      const writes = Object.entries(typeof j.permissions === 'object' ? j.permissions : {}).filter(([, level]) => level === 'write');
      const pushes = (j.steps ?? []).some((s) => s.with !== undefined && typeof s.with === 'object' && (s.with['push'] === true || /push=true/.test(String(s.with['outputs']))));
      const tags = (j.steps ?? []).some((s) => / --promote /.test(String(s.run ?? '')));
      expect({ id, writes: writes.map(([k]) => k) }).toEqual({ id, writes: pushes || tags ? ['packages'] : [] });
    }
  });

  test('every job has a timeout', () => {
    for (const j of Object.values(jobs)) expect(j['timeout-minutes']).toBeGreaterThan(0);
  });
});

describe('changes', () => {
  test('a shallow checkout and the committed bundle: no setup, no install', () => {
    const steps = stepsOf('changes');
    expect(steps).toHaveLength(3);
    expect(steps[0]?.uses).toBe(`actions/checkout@${PINS['actions/checkout'].sha}`);
    expect(Number(steps[0]?.with?.['fetch-depth'])).toBeGreaterThan(0);
    expect(steps[1]?.run).toBe('node scripts/dist/pipeline.cjs affected');
  });
  test.each(Object.entries(publishes))('%s: the job summary says why nothing is published exactly when publish = %s is false', (name, pushes) => {
    const say = stepNamed('changes', /^Say why no image is published/);
    expect(evaluate(String(say.if), { github: contexts[name as ContextName] })).toBe(!pushes);
  });
  test.each([
    ['push', 'refs/heads/main', 'mallory/kodingcaravan', 'this repository is mallory/kodingcaravan, and images are published only from kodingcaravan/kodingcaravan'],
    ['merge_group', 'refs/heads/gh-readonly-queue/main/pr-1', 'kodingcaravan/kodingcaravan', 'merge-queue candidates are built and verified only'],
    [
      'pull_request',
      'refs/pull/3/merge',
      'kodingcaravan/kodingcaravan',
      'only pushes to main of kodingcaravan/kodingcaravan publish images (this run: pull_request on refs/pull/3/merge)',
    ],
  ])('the reason for %s on %s in %s, run by bash', (event, ref, repository, reason) => {
    const say = stepNamed('changes', /^Say why no image is published/);
    const summary = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary');
    const env = typeof say.env === 'object' ? say.env : {};
    const github = { event_name: event, ref, repository };
    const vars: Record<string, string> = { GITHUB_STEP_SUMMARY: summary, PATH: process.env['PATH'] ?? '' };
    for (const [k, v] of Object.entries(env)) vars[k] = String(typeof v === 'string' && v.startsWith('${{') ? evaluate(unwrap(v), { github }) : v);
    const out = execFileSync('bash', ['-c', String(say.run)], { env: vars, encoding: 'utf8' });
    expect(out).toContain(reason);
    expect(readFileSync(summary, 'utf8')).toContain(reason);
  });
  test("forwards the affected command's outputs", () => {
    const outputs = jobOf('changes').outputs ?? {};
    for (const name of ['matrix', 'services', 'count', 'any', 'libraries', 'tooling', 'global', 'base', 'head']) {
      expect(outputs[name]).toBe(`\${{ steps.affected.outputs.${name} }}`);
    }
  });
});

describe('build and publish: one step list, two tokens', () => {
  const build = jobOf('build');
  const publish = jobOf('publish');
  const runsIn = (id: string, name: ContextName, any: string) => evaluate(String(jobOf(id).if), { github: contexts[name], needs: { changes: { outputs: { any } } } });

  test.each(Object.entries(publishes))('%s: publish runs = %s, build runs otherwise', (name, pushes) => {
    const context = name as ContextName;
    expect({ build: runsIn('build', context, 'true'), publish: runsIn('publish', context, 'true') }).toEqual({ build: !pushes, publish: pushes });
  });
  test.each(Object.keys(contexts))('%s: neither runs when nothing is affected', (name) => {
    for (const any of ['false', '']) {
      expect({ build: runsIn('build', name as ContextName, any), publish: runsIn('publish', name as ContextName, any) }).toEqual({ build: false, publish: false });
    }
  });

  test('one leg per affected service from the matrix output, fail-fast off, in both', () => {
    for (const j of [build, publish]) {
      expect(j.strategy?.['fail-fast']).toBe(false);
      expect(unwrap(j.strategy?.matrix)).toBe('fromJSON(needs.changes.outputs.matrix)');
      expect(j.env).toEqual({ PACKAGE: '${{ matrix.package }}' });
    }
  });
  test('publish runs the very steps of build, then only adds login, push, record, tags and upload', () => {
    const common = stepsOf('build');
    // The same steps; only publish writes BuildKit's cache (the test above).
    const noCacheTo = (steps: typeof common) => steps.map((s) => (typeof s.with === 'object' && s.with !== null ? { ...s, with: { ...s.with, 'cache-to': undefined } } : s));
    expect(noCacheTo(stepsOf('publish').slice(0, common.length))).toEqual(noCacheTo(common));
    expect(
      stepsOf('publish')
        .slice(common.length)
        .map((s) => s.name),
    ).toEqual([expect.stringMatching(/^Log in/), expect.stringMatching(/^Push/), expect.stringMatching(/^Record the pushed digest/), 'Upload the image record']);
  });
  test('build: never logs in, never pushes, reads no secret, has no conditional step', () => {
    for (const step of stepsOf('build')) {
      expect(step.uses ?? '').not.toMatch(/^docker\/login-action@/);
      expect(step.with?.['push']).not.toBe(true);
      expect(JSON.stringify(step)).not.toContain('secrets.');
      expect(step.if).toBeUndefined();
    }
  });
  test('installs only its service and workspace dependencies, then typechecks and tests it', () => {
    const runs = stepsOf('build').flatMap((s) => (typeof s.run === 'string' ? [s.run] : []));
    expect(runs).toContain('pnpm install --frozen-lockfile --filter "$PACKAGE..."');
    expect(runs).toContain('pnpm --filter "$PACKAGE" run typecheck');
    expect(runs).toContain('pnpm --filter "$PACKAGE" run test');
  });
  test('tags, labels and build args come from `pipeline tags`, verification from `pipeline verify-image`', () => {
    const meta = stepNamed('build', /tags/i);
    expect(meta.run).toBe('node scripts/dist/pipeline.cjs tags --service "$SERVICE"');
    const built = stepNamed('build', /^Build the image$/);
    expect(built.with).toMatchObject({ tags: '${{ steps.meta.outputs.tags }}', labels: '${{ steps.meta.outputs.labels }}', load: true, push: false, context: '.' });
    expect(built.with?.['file']).toBe('${{ matrix.dockerfile }}');
    const verify = stepNamed('build', /Verify/);
    // The revision label must name the commit built (GITHUB_SHA: a pull request's merge commit too).
    expect(verify.run).toBe('node scripts/dist/pipeline.cjs verify-image "$SERVICE" --image "$IMAGE" --revision "$REVISION"');
    expect(verify.env).toMatchObject({ IMAGE: '${{ steps.meta.outputs.image }}', REVISION: '${{ github.sha }}' });
    const names = stepsOf('publish').map((s) => s.name);
    expect(names.indexOf(verify.name)).toBeGreaterThan(names.indexOf(built.name));
    expect(names.indexOf(stepNamed('publish', /^Push/).name)).toBeGreaterThan(names.indexOf(verify.name));
    expect(names.indexOf(stepNamed('publish', /^Log in/).name)).toBeGreaterThan(names.indexOf(verify.name));
  });
  test('BuildKit cache per service: read everywhere, written only by publish (the default branch), never failing the build', () => {
    const built = stepNamed('build', /^Build the image$/);
    const published = stepNamed('publish', /^Build the image$/);
    expect(built.with?.['cache-to']).toBeUndefined();
    for (const service of ['api-gateway', 'chat-service']) {
      expect(evaluate(unwrap(built.with?.['cache-from']), { matrix: { service } })).toBe(`type=gha,scope=${service}`);
      expect(evaluate(unwrap(published.with?.['cache-to']), { matrix: { service } })).toBe(`type=gha,scope=${service},mode=max,ignore-error=true`);
    }
  });
  test('pnpm from packageManager through npm (no pnpm/action-setup), the store restored everywhere and saved only by the full install on main', () => {
    const manifest: unknown = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
    const version = typeof manifest === 'object' && manifest !== null && 'packageManager' in manifest ? String(manifest.packageManager).replace(/^pnpm@/, '') : '';
    for (const id of ['build', 'publish', 'libraries', 'checks']) {
      const steps = stepsOf(id);
      expect(steps.some((s) => String(s.uses ?? '').startsWith('pnpm/action-setup'))).toBe(false);
      expect(steps.map((s) => s.run)).toContain(`npm install --global --no-audit --no-fund pnpm@${version}`);
      expect(steps.some((s) => String(s.uses ?? '').startsWith('actions/cache/restore@'))).toBe(true);
      expect(steps.some((s) => String(s.uses ?? '').startsWith('actions/cache/save@'))).toBe(id === 'checks');
      expect(stepNamed(id, /^Set up Node/).with?.['cache']).toBeUndefined();
    }
    const save = stepNamed('checks', /^Save the pnpm store/);
    const names = stepsOf('checks').map((s) => s.name);
    expect(names.indexOf(save.name)).toBe(names.indexOf('Install') + 1);
    const saves = (name: ContextName, hit: string) => evaluate(String(save.if), { github: contexts[name], steps: { 'pnpm-store': { outputs: { 'cache-hit': hit } } } });
    expect([saves('push to main', ''), saves('push to main', 'true'), saves('pull request from a branch', ''), saves('merge queue', '')]).toEqual([true, false, false, false]);
  });
  test('a re-run uploads the record again (overwrite), the artifact names stay per service', () => {
    expect(stepNamed('publish', /Upload/).with?.['overwrite']).toBe(true);
  });
  test('the push rebuilds the verified build from its cache, with provenance and SBOM attestations, by digest only (no tag)', () => {
    const built = stepNamed('publish', /^Build the image$/);
    const pushed = stepNamed('publish', /^Push/);
    expect(pushed.with).toMatchObject({ provenance: 'mode=max', sbom: true });
    for (const input of ['context', 'file', 'labels', 'build-args', 'cache-from']) expect({ input, value: pushed.with?.[input] }).toEqual({ input, value: built.with?.[input] });
    // No tag and no `push: true` (which pushes the tags): the image goes out under its digest alone.
    expect(pushed.with?.['tags']).toBeUndefined();
    expect(pushed.with?.['push']).toBeUndefined();
    const outputs = evaluate(unwrap(pushed.with?.['outputs']), { steps: { meta: { outputs: { repository: 'ghcr.io/acme/api-gateway' } } } });
    expect(outputs).toBe('type=image,name=ghcr.io/acme/api-gateway,push-by-digest=true,name-canonical=true,push=true');
  });
  test('publish pushes and records but tags nothing: no step of it promotes', () => {
    for (const step of stepsOf('publish')) expect(String(step.run ?? '')).not.toContain('--promote');
    // No step names a tag after the verified build: the push carries none.
    const tagging = stepsOf('publish').filter((s) => s.with !== undefined && typeof s.with === 'object' && s.with['tags'] !== undefined);
    expect(tagging.map((s) => s.name)).toEqual(['Build the image']);
  });
  test("the record step reads the pushed index back and compares it with the verified build's config, not the push's own imageid", () => {
    const record = stepNamed('publish', /^Record/);
    expect(record.id).toBe('record');
    expect(record.run).toBe(
      'node scripts/dist/pipeline.cjs tags --service "$SERVICE" --digest "$DIGEST" --verified-image-id "$VERIFIED_IMAGE_ID" --record "$RUNNER_TEMP/image-$SERVICE.json"',
    );
    const steps = { build: { outputs: { imageid: 'verified' } }, push: { outputs: { imageid: 'index', digest: 'digest' } } };
    const env = typeof record.env === 'object' ? record.env : {};
    expect(Object.keys(env).sort()).toEqual(['DIGEST', 'SERVICE', 'VERIFIED_IMAGE_ID']);
    expect({ DIGEST: evaluate(unwrap(env['DIGEST']), { steps }), VERIFIED_IMAGE_ID: evaluate(unwrap(env['VERIFIED_IMAGE_ID']), { steps }) }).toEqual({
      DIGEST: 'digest',
      VERIFIED_IMAGE_ID: 'verified',
    });
    // The ids the expressions read are the verified build (loaded, not pushed) and the push.
    expect(stepsOf('publish').find((s) => s.id === 'build')?.with).toMatchObject({ load: true, push: false });
    expect(String(stepsOf('publish').find((s) => s.id === 'push')?.with?.['outputs'])).toContain('push=true');
  });
  test('secrets are read only by the logins of publish and promote, which run only when pushing', () => {
    expect(secretReaders()).toEqual([expect.stringMatching(/^publish: Log in/), expect.stringMatching(/^promote: Log in/)]);
  });
  test('the pushed digest goes to a per-service artifact', () => {
    const upload = stepNamed('publish', /Upload/);
    expect(evaluate(unwrap(upload.with?.['name']), { matrix: { service: 'api-gateway' } })).toBe('image-api-gateway');
    expect(evaluate(unwrap(upload.with?.['path']), { matrix: { service: 'api-gateway' }, runner: { temp: '/t' } })).toBe('/t/image-api-gateway.json');
  });
});

describe('libraries and checks', () => {
  test.each([
    [{ tooling: 'true', global: 'false', libraries: '[]' }, true],
    [{ tooling: 'false', global: 'true', libraries: '[]' }, true],
    [{ tooling: 'false', global: 'false', libraries: '["@kodingcaravan/shared"]' }, true],
    // A change inside one service can make the generated files stale (a hand-edited Dockerfile, a package.json
    // the compose file follows): the generated-files and Dockerfile-policy checks run for it too.
    [{ tooling: 'false', global: 'false', libraries: '[]', any: 'true' }, true],
    [{ tooling: 'false', global: 'false', libraries: '[]', any: 'false' }, false],
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
      'node scripts/dist/pipeline.cjs check-dockerfiles',
    ]) {
      expect(runs).toContain(command);
    }
  });
  test('the platform suites (import walls, services started from dist, generated files, the pnpm store) run in CI, after the build they test', () => {
    // vitest.config.ts puts test/platform in the `services` project, which no package's own `test` script runs.
    const runs = stepsOf('checks').map((s) => s.run);
    const platform = runs.indexOf('pnpm exec vitest run --project services test/platform');
    expect(platform).toBeGreaterThan(runs.indexOf('pnpm run build'));
    expect(runs.indexOf('pnpm run build')).toBeGreaterThan(-1);
  });
  test('one libraries leg per affected library, only when there is one', () => {
    const lib = jobOf('libraries');
    expect(evaluate(String(lib.if), { needs: { changes: { outputs: { libraries: '[]' } } } })).toBe(false);
    expect(evaluate(String(lib.if), { needs: { changes: { outputs: { libraries: '["@kodingcaravan/auth"]' } } } })).toBe(true);
    const matrix = lib.strategy?.matrix;
    expect(typeof matrix === 'object' ? unwrap(matrix['library']) : matrix).toBe('fromJSON(needs.changes.outputs.libraries)');
  });
});

describe('promote: the tags move only once the whole run passed (an empty-version deploy ships what `main` names)', () => {
  const promote = jobOf('promote');
  const results = (publish: string, libraries: string, checks: string) => ({
    changes: { result: 'success' },
    publish: { result: publish },
    libraries: { result: libraries },
    checks: { result: checks },
  });
  test.each([
    ['everything passed', results('success', 'success', 'success'), true],
    ['no library or tooling change: those jobs skipped', results('success', 'skipped', 'skipped'), true],
    ['a library failed', results('success', 'failure', 'success'), false],
    ['a library leg was cancelled (a lost runner): not passed', results('success', 'cancelled', 'success'), false],
    ['the checks were cancelled: not passed', results('success', 'skipped', 'cancelled'), false],
    ['the checks failed (a stale generated file, the Dockerfile policy, the pipeline tests)', results('success', 'skipped', 'failure'), false],
    ['one publish leg failed: the others are promoted (each leg has its own record)', results('failure', 'success', 'success'), true],
    ['nothing published (not a push to main)', results('skipped', 'success', 'success'), false],
  ])('%s: promotes = %s', (_, needs, runs) => {
    const status = { success: !Object.values(needs).some((n) => n.result === 'failure'), failure: false, cancelled: false };
    expect(evaluate(String(promote.if), { needs, github: contexts['push to main'] }, status)).toBe(runs);
  });
  test('a cancelled run promotes nothing', () => {
    expect(
      evaluate(String(promote.if), { needs: results('success', 'success', 'success'), github: contexts['push to main'] }, { success: false, failure: false, cancelled: true }),
    ).toBe(false);
  });
  test.each(Object.keys(contexts) as ContextName[])('%s: promotes only where publish pushes', (name) => {
    expect(evaluate(String(promote.if), { needs: results('success', 'success', 'success'), github: contexts[name] })).toBe(publishes[name]);
  });
  test("one leg per affected service: the leg's record from publish, then the tags (commit tag once, main only forward)", () => {
    expect(evaluate(unwrap(promote.strategy?.matrix), { needs: { changes: { outputs: { matrix: '{"include":[{"service":"a"}]}' } } } })).toEqual({ include: [{ service: 'a' }] });
    expect(promote.strategy?.['fail-fast']).toBe(false);
    const steps = stepsOf('promote');
    expect(steps.map((s) => s.name)).toEqual([
      'Check out',
      expect.stringMatching(/^Log in to ghcr.io/),
      'Image tags, labels and build arguments',
      'Download the image record',
      'Tag the verified image (commit tag once, main only forward)',
    ]);
    const download = stepNamed('promote', /^Download/);
    expect(download.uses).toMatch(/^actions\/download-artifact@[0-9a-f]{40}$/);
    expect(evaluate(unwrap(download.with?.['name']), { matrix: { service: 'api-gateway' } })).toBe('image-api-gateway');
    expect(evaluate(unwrap(download.with?.['path']), { runner: { temp: '/t' } })).toBe('/t');
    const tag = stepNamed('promote', /^Tag the verified image/);
    expect(tag.run).toBe('DIGEST="$(jq -r .digest "$RECORD")"\nnode scripts/dist/pipeline.cjs tags --service "$SERVICE" --promote "$DIGEST"');
    const env = typeof tag.env === 'object' ? tag.env : {};
    // The record the publish leg uploaded: the digest its record step settled on (a re-run keeps the one its commit was published as).
    expect(evaluate(unwrap(env['RECORD']), { matrix: { service: 'api-gateway' }, runner: { temp: '/t' } })).toBe('/t/image-api-gateway.json');
    // The job's token, for GitHub's compare API (is this commit ahead of the one `main` names?).
    expect(evaluate(unwrap(env['GITHUB_TOKEN']), { github: { token: 'ghs_x' } })).toBe('ghs_x');
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
  const r = (changes: string, build: string, publish: string, libraries: string, checks: string, promote = 'skipped') => ({
    changes: { result: changes },
    build: { result: build },
    publish: { result: publish },
    libraries: { result: libraries },
    checks: { result: checks },
    promote: { result: promote },
  });
  test.each([
    ['a pull request passed', r('success', 'success', 'skipped', 'success', 'success'), false],
    ['a push to main passed', r('success', 'skipped', 'success', 'skipped', 'skipped'), false],
    ['zero services affected, nothing else to check', r('success', 'skipped', 'skipped', 'skipped', 'skipped'), false],
    ['only checks ran', r('success', 'skipped', 'skipped', 'skipped', 'success'), false],
    ['a build leg failed', r('success', 'failure', 'skipped', 'skipped', 'success'), true],
    ['a publish leg failed (e.g. the pushed image was not the verified one)', r('success', 'skipped', 'failure', 'skipped', 'skipped'), true],
    ['a publish leg was cancelled', r('success', 'skipped', 'cancelled', 'skipped', 'skipped'), true],
    ['checks were cancelled', r('success', 'success', 'skipped', 'skipped', 'cancelled'), true],
    ['a library failed', r('success', 'skipped', 'skipped', 'failure', 'success'), true],
    ['a tag could not be moved', r('success', 'skipped', 'success', 'skipped', 'success', 'failure'), true],
    ['changes failed, so everything else was skipped', r('failure', 'skipped', 'skipped', 'skipped', 'skipped'), true],
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
  test('the workflow names no service: the catalog comes from the workspace at run time', async () => {
    const services = (await loadWorkspace(process.cwd(), { serviceMarker: pipelineConfig.services.marker })).services.map((s) => s.folder);
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) expect(ciYaml).not.toContain(service);
  });
  test('no run: script interpolates an expression', () => {
    for (const j of Object.values(jobs)) for (const step of j.steps ?? []) if (typeof step.run === 'string') expect(step.run).not.toContain('${{');
  });
});
