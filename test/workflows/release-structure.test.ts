/**
 * release.yml as GitHub will read it: its triggers, the service choice from the catalog, permissions
 * per job (contents: write only where tags and Releases are made, packages: write only where images
 * are tagged or built), a concurrency group per service that never cancels, no input or event field
 * inside a script, and its conditions evaluated with GitHub's own expression engine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { pipelineConfig } from '../../pipeline.config.js';
import { loadWorkspace } from '../../scripts/io/workspace-fs.js';
import { ciWorkflow } from '../../workflows-src/ci.wac.js';
import { releaseWorkflow } from '../../workflows-src/release.wac.js';
import { inspect, unwrap } from './inspect.js';
import { evaluate } from './validators.js';

const { wf, jobOf, stepsOf, stepNamed } = inspect(releaseWorkflow);
const on = typeof wf.on === 'object' && wf.on !== null && !Array.isArray(wf.on) ? wf.on : {};
const ROOT = new URL('../..', import.meta.url).pathname;

test('triggers: a pushed <service>@<semver> tag, and workflow_dispatch; never pull_request_target', () => {
  expect(Object.keys(on).sort()).toEqual(['push', 'workflow_dispatch']);
  expect(on.push).toEqual({ tags: ['*@[0-9]*.[0-9]*.[0-9]*'] });
});

test('the service choice is the catalog (plus `changed`), so adding a service means regenerating', async () => {
  const services = (await loadWorkspace(ROOT, { serviceMarker: pipelineConfig.services.marker, serviceGlobs: pipelineConfig.services.dockerfileTargets })).services.map(
    (s) => s.folder,
  );
  const input = on.workflow_dispatch?.inputs?.['service'];
  expect(input).toMatchObject({ type: 'choice', default: 'changed', options: ['changed', ...services] });
  expect(on.workflow_dispatch?.inputs?.['bump']).toMatchObject({ type: 'choice', options: ['auto', 'patch', 'minor', 'major'] });
  expect(Object.keys(on.workflow_dispatch?.inputs ?? {})).toEqual(['ref', 'service', 'bump', 'version', 'dry_run', 'deploy_to']);
});

test('least privilege per job: read to select, packages to build, contents and packages to release; nothing at the top', () => {
  expect(wf.permissions).toEqual({});
  expect(jobOf('select').permissions).toEqual({ contents: 'read', packages: 'read' });
  expect(jobOf('build').permissions).toEqual({ contents: 'read', packages: 'write' });
  expect(jobOf('release').permissions).toEqual({ contents: 'write', packages: 'write' });
});

test('one concurrency group per service, an in-flight release never cancelled', () => {
  const concurrency = jobOf('release').concurrency;
  expect(typeof concurrency === 'object' && concurrency !== null ? concurrency['cancel-in-progress'] : undefined).toBe(false);
  const group = typeof concurrency === 'object' && concurrency !== null ? String(concurrency['group']) : '';
  expect([evaluate(unwrap(group), { matrix: { service: 'api-gateway' } }), evaluate(unwrap(group), { matrix: { service: 'chat-service' } })]).toEqual([
    'release-api-gateway',
    'release-chat-service',
  ]);
});

test('inputs and event fields reach the scripts through env only', () => {
  for (const id of ['select', 'build', 'release']) {
    for (const step of stepsOf(id)) expect(String(step.run ?? '')).not.toMatch(/\$\{\{/);
  }
  const cut = stepNamed('release', /^Release$/);
  expect(cut.env).toMatchObject({ SERVICE: '${{ matrix.service }}', BUMP: '${{ inputs.bump }}', VERSION: '${{ inputs.version }}', GITHUB_TOKEN: '${{ github.token }}' });
});

describe('which jobs run', () => {
  const runs = (id: string, outputs: Record<string, string>, buildResult: string, dryRun: boolean, ref = '') =>
    evaluate(
      String(jobOf(id).if),
      { github: { event_name: 'workflow_dispatch' }, needs: { select: { outputs }, build: { result: buildResult } }, inputs: { dry_run: dryRun, ref } },
      { success: true, failure: false, cancelled: false },
    );
  test.each([
    ['a service with a CI image: no build, the release runs', { any: 'true', 'any-build': 'false' }, 'skipped', false, { build: false, release: true }],
    ['a service without one: the build runs, then the release', { any: 'true', 'any-build': 'true' }, 'success', false, { build: true, release: true }],
    ['the build failed: no release', { any: 'true', 'any-build': 'true' }, 'failure', false, { build: true, release: false }],
    ['a dry run builds nothing', { any: 'true', 'any-build': 'true' }, 'skipped', true, { build: false, release: true }],
    ['nothing to release', { any: 'false', 'any-build': 'false' }, 'skipped', false, { build: false, release: false }],
  ])('%s', (_, outputs, buildResult, dryRun, expected) => {
    expect({ build: runs('build', outputs, buildResult, dryRun), release: runs('release', outputs, buildResult, dryRun) }).toEqual(expected);
  });
  test('a manual run of another ref builds that ref when it has no CI image (README: release step 2)', () => {
    expect(runs('build', { any: 'true', 'any-build': 'true' }, 'skipped', false, 'release/1.3')).toBe(true);
    expect(runs('release', { any: 'true', 'any-build': 'true' }, 'success', false, 'release/1.3')).toBe(true);
  });
});

describe('the build job builds the commit being released, not the run its own', () => {
  const checkoutStep = stepNamed('build', /^Check out$/);
  test("select resolves the ref input once (empty: the run's own commit, as for a pushed tag); every later job checks out that commit", () => {
    const selectCheckout = stepNamed('select', /^Check out/);
    expect(selectCheckout.id).toBe('checkout');
    expect(selectCheckout.with).toMatchObject({ ref: '${{ inputs.ref }}', 'fetch-depth': 0 });
    expect(jobOf('select').outputs).toMatchObject({ commit: '${{ steps.checkout.outputs.commit }}' });
    expect(checkoutStep.id).toBe('checkout');
    expect(checkoutStep.with).toMatchObject({ ref: '${{ needs.select.outputs.commit }}', 'fetch-depth': 1, 'persist-credentials': false });
    for (const id of ['release', 'handoff']) {
      expect(stepNamed(id, /^Check out/).with).toMatchObject({ ref: '${{ needs.select.outputs.commit }}', 'fetch-depth': 0, 'persist-credentials': false });
    }
  });
  test("it reads BuildKit's cache and never writes it (CI's default-branch builds read that scope); CI's publish writes it", () => {
    const built = stepNamed('build', /^Build the image$/);
    expect(built.with).toMatchObject({ 'cache-from': "${{ format('type=gha,scope={0}', matrix.service) }}" });
    for (const step of stepsOf('build')) expect(step.with ?? {}).not.toHaveProperty('cache-to');
    expect(inspect(ciWorkflow).stepNamed('publish', /^Build the image$/).with).toHaveProperty('cache-to');
  });
  test("the ref's own bundle is checked first: one without tags --commit fails at once, naming the way out", () => {
    const steps = stepsOf('build').map((s) => s.name);
    expect(steps.indexOf("Check that the ref's pipeline can build it here")).toBe(steps.indexOf('Check out') + 1);
    expect(String(stepNamed('build', /^Check that the ref/).run)).toContain("tags --help | grep -q -e '--commit SHA'");
  });
  test.each([
    ['Image tags, labels and build arguments', 'tags --service "$SERVICE" --commit "$COMMIT"'],
    ['Record the pushed digest (fails unless it is the verified image)', '--commit "$COMMIT" --digest "$DIGEST"'],
    ['Tag the verified image (commit tag once, main only forward)', 'tags --service "$SERVICE" --commit "$COMMIT" --promote "$DIGEST"'],
    ['Verify the image', 'verify-image "$SERVICE" --image "$IMAGE" --revision "$COMMIT"'],
  ])('%s: labels, tags and records the checked-out commit (--commit)', (name, call) => {
    const step = stepsOf('build').find((s) => s.name === name);
    expect(step?.env).toMatchObject({ COMMIT: '${{ steps.checkout.outputs.commit }}' });
    expect(String(step?.run)).toContain(call);
  });
  test("CI's publish job labels GITHUB_SHA: no --commit there", () => {
    const ci = inspect(ciWorkflow);
    for (const step of ci.stepsOf('publish')) {
      expect(String(step.run ?? '')).not.toContain('--commit');
      expect(step.env ?? {}).not.toHaveProperty('COMMIT');
    }
    expect(ci.stepNamed('publish', /^Check out$/).with).not.toHaveProperty('ref');
  });
});

describe("the check of the ref's bundle, run by bash as the runner runs it", () => {
  const script = () => String(stepNamed('build', /^Check that the ref/).run);
  const runIn = (dir: string) => spawnSync('bash', ['-e', '-c', script()], { cwd: dir, encoding: 'utf8' });
  test("this commit's bundle passes", () => {
    const r = runIn(ROOT);
    expect({ code: r.status, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
  });
  test('a bundle from before tags --commit fails with the way out', () => {
    // A stand-in for an older bundle: it prints `tags --help` as the bundle of 552fb18 did (its usage line).
    const dir = mkdtempSync(join(tmpdir(), 'old-bundle-'));
    try {
      mkdirSync(join(dir, 'scripts/dist'), { recursive: true });
      const usage =
        'usage: pnpm pipeline tags --service SERVICE [--digest sha256:HEX] [--verified-image-id sha256:HEX] [--record FILE] [--promote sha256:HEX] [--cwd DIR] [--json]\n';
      writeFileSync(join(dir, 'scripts/dist/pipeline.cjs'), `process.stdout.write(${JSON.stringify(usage)});\n`);
      const r = runIn(dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe(
        "::error::this ref's pipeline predates release builds of another ref (pipeline tags --commit); start Release on that ref instead (Use workflow from: the ref, with ref left empty)\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("the build job runs CI's very publish steps (tested, verified, recorded), after the check of the ref's bundle, then tags its commit (CI tags in its promote job)", () => {
  const ci = inspect(ciWorkflow);
  const names = stepsOf('build').map((s) => s.name);
  const publish = ci.stepsOf('publish').map((s) => s.name);
  const tag = 'Tag the verified image (commit tag once, main only forward)';
  expect(names.filter((n) => n !== "Check that the ref's pipeline can build it here" && n !== tag)).toEqual(publish);
  expect(names.indexOf(tag)).toBe(names.indexOf('Upload the image record') - 1);
});
