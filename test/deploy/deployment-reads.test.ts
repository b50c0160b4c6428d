/**
 * How many GitHub requests `pipeline deploy` (its plan) and `pipeline deploy status` make over a long
 * deployment history. GitHub's REST deployment has no state: each record's latest status is a request
 * of its own, and a workflow's GITHUB_TOKEN has 1,000 requests an hour per repository. Reading every
 * record's status (a year of deploys: hundreds) made one plan, or one `deploy status`, cost the history.
 *
 * A local server stands in for GitHub (test/support/github/: every request and response is checked
 * against GitHub's OpenAPI description, and every request is recorded, which is what is counted here),
 * one stands in for GHCR (test/support/oci-registry.ts). No target runs: only plans and status.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { run } from '../../scripts/commands/deploy/index.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { type GitHubApi, githubApi, githubApiOptionsFromEnv } from '../../scripts/io/github-api.js';
import { kubernetesTarget } from '../../scripts/io/targets/kubernetes.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { cleanup, commit, makeRepo } from '../pipeline/affected/fixture.js';
import { type RunResult, runCommand } from '../support/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github/server.js';
import { pushAttestedImage, type RegistryStandIn, startRegistry } from '../support/oci-registry.js';

const OWNER = 'acme';
const REPO = 'shop';
const DAY = 24 * 3600_000;
let registry: RegistryStandIn;
let github: GitHubStandIn;
let config: PipelineConfig;
let root = '';
let dockerConfig = '';
let head = '';
/** The stand-in's clock: the seeded history is dated in the past, one record a day. */
let clock = new Date();

beforeAll(async () => {
  registry = await startRegistry({ auth: { username: 'bot', password: 'pw' } });
  config = {
    ...pipelineConfig,
    publishRepository: `${OWNER}/${REPO}`,
    registry: { kind: 'custom', host: registry.host, namespace: OWNER, usernameSecret: 'U', passwordSecret: 'P' },
    environments: [
      { name: 'staging', target: { kind: 'kubernetes', namespace: 'shop-staging' }, healthTimeoutSeconds: 60 },
      { name: 'production', requires: 'staging', target: { kind: 'kubernetes', namespace: 'shop' }, healthTimeoutSeconds: 120 },
    ],
  };
  dockerConfig = mkdtempSync(join(tmpdir(), 'deploy-reads-docker-'));
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('bot:pw').toString('base64') } } }));
});
afterAll(async () => {
  await registry.close();
  rmSync(dockerConfig, { recursive: true, force: true });
  cleanup();
});

beforeEach(async () => {
  ({ root } = makeRepo());
  head = commit(root, 'feat(alpha): v1', { 'services/alpha/src/main.ts': 'export const v = 1;\n' });
  clock = new Date();
  github = await startGitHubStandIn({ owner: OWNER, repo: REPO, commits: [head], now: () => clock });
});
afterEach(async () => {
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
  }
});

const env = () => ({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghs_standin', GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_ACTOR: 'octocat', DOCKER_CONFIG: dockerConfig });
const deploy = (...argv: string[]): Promise<RunResult> =>
  runCommand(run, argv, {
    cwd: root,
    env: env(),
    config,
    effects: {
      target: async (e) => kubernetesTarget(e.target.kind === 'kubernetes' ? e.target : { namespace: 'x' }, () => Promise.reject(new Error('no target runs in these tests'))),
    },
  });

/** An image of alpha at the head commit, as CI pushes it. */
const publish = (version: string): string =>
  pushAttestedImage(registry, `${OWNER}/alpha`, { 'org.opencontainers.image.revision': head, run: Math.random().toString(36) }, version).index;

/** A digest no image has: the old records' (their images were cleaned up long ago). */
const oldDigest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

/**
 * A history of alpha deploys written as `pipeline deploy` writes them, oldest first, one a day ending
 * yesterday: each record in_progress, then its final state (`success` marks the earlier ones inactive).
 */
function history(environment: string, deploys: readonly { readonly digest: string; readonly state: string }[]): number[] {
  const ids: number[] = [];
  deploys.forEach((d, i) => {
    clock = new Date(Date.now() - (deploys.length - i) * DAY);
    const created = github.state.createDeployment({
      ref: head,
      task: 'deploy:alpha',
      environment,
      autoMerge: false,
      requiredContexts: [],
      payload: { service: 'alpha', version: `1.0.${i}`, digest: d.digest, previousDigest: i === 0 ? null : (deploys[i - 1]?.digest ?? null), actor: 'octocat', rollback: false },
    });
    if ('merged' in created) throw new Error(created.merged);
    github.state.createDeploymentStatus(created.id, { state: 'in_progress' });
    github.state.createDeploymentStatus(created.id, { state: d.state });
    ids.push(created.id);
  });
  clock = new Date();
  return ids;
}

/** The GitHub requests since `from`, counted by operation. */
function counted(from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of github.requests().slice(from)) out[q.operation ?? q.path] = (out[q.operation ?? q.path] ?? 0) + 1;
  return out;
}

const successes = (n: number, newest: readonly string[]) =>
  Array.from({ length: n }, (_, i) => ({ digest: i >= n - newest.length ? (newest[i - (n - newest.length)] ?? '') : oldDigest(i + 1), state: 'success' }));

test('300 records in staging: a plan reads the newest record and its status, not the history (was 4 pages and 300 statuses)', async () => {
  const d1 = publish(`2.0.${Math.floor(Math.random() * 1e6)}`);
  history('staging', successes(300, [d1]));
  const from = github.requests().length;
  const plan = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1, '--dry-run', '--json');
  expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(plan.stdout).plan.current.digest).toBe(d1);
  // The newest record is the success that runs, a day old: nothing older changes what runs or whether a deploy is under way.
  expect(counted(from)).toEqual({ 'repos/list-deployments': 1, 'repos/list-deployment-statuses': 1 });
});

test("300 records in staging: production's promotion check reads the statuses of the records of that digest only (was 4 pages and 300 statuses)", async () => {
  const d1 = publish(`2.1.${Math.floor(Math.random() * 1e6)}`);
  const d2 = publish(`2.2.${Math.floor(Math.random() * 1e6)}`);
  // d1 succeeded in staging 299 days ago; 298 other digests since.
  history('staging', successes(300, [d1, ...Array.from({ length: 298 }, (_, i) => oldDigest(1000 + i)), d2]));
  const from = github.requests().length;
  const plan = await deploy('--service', 'alpha', '--environment', 'production', '--digest', d1, '--dry-run', '--json');
  expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(plan.stdout).plan.promotion.ok).toBe(true);
  // Production: one empty page. Staging: its three pages to reach d1's record (300 records), and that one record's status.
  expect(counted(from)).toEqual({ 'repos/list-deployments': 4, 'repos/list-deployment-statuses': 1 });
});

test('300 records in staging: deploy status reads, per service and environment, one page and the statuses up to what runs (was every record of every environment)', async () => {
  const d1 = publish(`2.3.${Math.floor(Math.random() * 1e6)}`);
  history('staging', successes(300, [d1]));
  const from = github.requests().length;
  const status = await deploy('status', '--json');
  expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(status.stdout).rows).toMatchObject([
    { service: 'alpha', environment: 'staging', digest: d1, lastDeploy: null },
    { service: 'alpha', environment: 'production', digest: null },
    { service: 'beta', environment: 'staging', digest: null },
    { service: 'beta', environment: 'production', digest: null },
    { service: 'gamma', environment: 'staging', digest: null },
    { service: 'gamma', environment: 'production', digest: null },
  ]);
  // 3 services × 2 environments: one page each; alpha's staging also the newest record's status.
  expect(counted(from)).toEqual({ 'repos/list-deployments': 6, 'repos/list-deployment-statuses': 1 });
});

test('300 records in staging: a rollback reads what runs and one candidate; a quarantined candidate costs one status more (was 4 pages and 300 statuses)', async () => {
  const d0 = publish(`2.4.${Math.floor(Math.random() * 1e6)}`);
  const dq = publish(`2.5.${Math.floor(Math.random() * 1e6)}`);
  const d1 = publish(`2.6.${Math.floor(Math.random() * 1e6)}`);
  history('staging', successes(300, [d0, dq, d1]));
  expect((await deploy('--service', 'alpha', '--quarantine', dq, '--reason', 'leaks memory')).code).toBe(0);
  const from = github.requests().length;
  const plan = await deploy('--service', 'alpha', '--environment', 'staging', '--rollback', '--dry-run', '--json');
  expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(plan.stdout).plan).toMatchObject({ current: { digest: d1 }, target: { digest: d0 } });
  // d1 (what runs), dq (quarantined: read on), d0.
  expect(counted(from)).toEqual({ 'repos/list-deployments': 1, 'repos/list-deployment-statuses': 3 });
});

describe('a history that never answers stops at the bound, and says so', () => {
  /** A success long ago, then 150 failed deploys: none of the newest 100 statuses is a success. */
  const failedSince = (d: string) => [{ digest: d, state: 'success' }, ...Array.from({ length: 150 }, (_, i) => ({ digest: oldDigest(i + 1), state: 'failure' }))];

  test('deploy status: 100 statuses read, what runs shown as none with a warning naming the bound', async () => {
    const d1 = publish(`3.0.${Math.floor(Math.random() * 1e6)}`);
    const ids = history('staging', failedSince(d1));
    const from = github.requests().length;
    const status = await deploy('status', '--environment', 'staging', '--json');
    expect(status.code).toBe(0);
    expect(status.stderr).toBe('warning: alpha in staging: none of the newest 100 deployment records (the bound of 100 statuses read) is a success; shown as none\n');
    expect(JSON.parse(status.stdout).rows[0]).toMatchObject({ service: 'alpha', digest: null, lastDeploy: { deployment: ids.at(-1), state: 'failure', digest: oldDigest(150) } });
    expect(counted(from)).toEqual({ 'repos/list-deployments': 3, 'repos/list-deployment-statuses': 100 });
  });

  test('a plan: nothing known to run, and a warning that an unhealthy deploy would have nothing to roll back to', async () => {
    const d1 = publish(`3.1.${Math.floor(Math.random() * 1e6)}`);
    history('staging', failedSince(d1));
    const from = github.requests().length;
    const plan = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1, '--dry-run', '--json');
    expect(plan.code).toBe(0);
    expect(plan.stderr).toBe(
      'warning: alpha in staging: none of the newest 100 deployment records (the bound of 100 statuses read) is a success: the plan shows nothing running there, and an unhealthy deploy has nothing to roll back to\n',
    );
    expect(JSON.parse(plan.stdout).plan.current).toBeNull();
    expect(counted(from)).toEqual({ 'repos/list-deployments': 1, 'repos/list-deployment-statuses': 100 });
  });

  test('a rollback whose candidate is past the bound: one line naming the bound, exit 2', async () => {
    const d0 = publish(`3.2.${Math.floor(Math.random() * 1e6)}`);
    const d1 = publish(`3.3.${Math.floor(Math.random() * 1e6)}`);
    history('staging', [...failedSince(d0), { digest: d1, state: 'success' }]);
    const from = github.requests().length;
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--rollback', '--dry-run');
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr:
        'error: --rollback: alpha has no earlier successful deployment in staging than the current one that is not quarantined among the newest 100 deployment records (the bound of 100 statuses read); nothing to roll back to\n',
    });
    expect(counted(from)).toEqual({ 'repos/list-deployments': 1, 'repos/list-deployment-statuses': 100 });
  });

  test("production's promotion check: a staging success older than 1000 records is not counted; the refusal names the bound and the fix", async () => {
    const d1 = publish(`3.4.${Math.floor(Math.random() * 1e6)}`);
    history('staging', [{ digest: d1, state: 'success' }, ...Array.from({ length: 1000 }, (_, i) => ({ digest: oldDigest(i + 1), state: 'failure' }))]);
    const from = github.requests().length;
    const plan = await deploy('--service', 'alpha', '--environment', 'production', '--digest', d1, '--dry-run');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe(
      `error: alpha to production refused: production accepts only a digest with a successful staging deployment; ${d1} has none among the newest 1000 deployment records (the bound of 1000 records); deploy it to staging again\n`,
    );
    // Production: one empty page; staging: ten pages, no status (none of them is d1's).
    expect(counted(from)).toEqual({ 'repos/list-deployments': 11 });
  });
});

test('a list that is not newest first (the reads stop early only on that order): one line, exit 3, nothing planned', async () => {
  const d1 = publish(`3.5.${Math.floor(Math.random() * 1e6)}`);
  const ids = history('staging', successes(3, [d1]));
  const real = githubApi(githubApiOptionsFromEnv(env(), 10_000));
  const oldestFirst: GitHubApi = {
    ...real,
    async deploymentPage(task, environment, page) {
      const got = await real.deploymentPage(task, environment, page);
      return { ...got, deployments: [...got.deployments].reverse() };
    },
  };
  const r = await runCommand(run, ['--service', 'alpha', '--environment', 'staging', '--digest', d1, '--dry-run'], {
    cwd: root,
    env: env(),
    config,
    effects: { github: async () => oldestFirst },
  });
  expect({ code: r.code, stderr: r.stderr }).toEqual({
    code: 3,
    stderr: `error: GitHub API GET deployments?task=deploy:alpha&environment=staging: deployment ${ids[1]} is listed after ${ids[0]}; expected newest first (ids falling), which the reads depend on\n`,
  });
});
