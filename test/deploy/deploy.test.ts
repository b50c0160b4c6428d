/**
 * `pipeline deploy` over real git and real HTTP, with stand-ins where the real thing cannot run here:
 * a local server that stands in for GitHub (every request and response checked against GitHub's
 * OpenAPI description, test/support/github/), one that stands in for GHCR (test/support/oci-registry.ts,
 * token auth, images with BuildKit-shaped provenance), and a stand-in kubectl (no cluster can run
 * here) that records its arguments and answers as kubectl does. The compose target runs against the
 * lab's real engine in test/e2e/deploy.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { run } from '../../scripts/commands/deploy/index.js';
import { composeTarget } from '../../scripts/io/targets/compose.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { isRemote } from '../../scripts/core/deploy/evidence.js';
import { exec } from '../../scripts/io/container-engine.js';
import { kubernetesTarget } from '../../scripts/io/targets/kubernetes.js';
import { type GitHubApi, githubApi, githubApiOptionsFromEnv } from '../../scripts/io/github-api.js';
import { parseCommandFile } from '../../scripts/plan/command-files.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { cleanup, commit, makeRepo } from '../pipeline/affected/fixture.js';
import { type RunResult, runCommand } from '../support/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github/server.js';
import { pushAttestedImage, type RegistryStandIn, startRegistry } from '../support/oci-registry.js';

const OWNER = 'acme';
const REPO = 'shop';
let registry: RegistryStandIn;
let github: GitHubStandIn;
let config: PipelineConfig;
let root = '';
let dockerConfig = '';
const marker = join(tmpdir(), `deploy-marker-${process.pid}`);

/**
 * Stands in for kubectl (no cluster here): records each argv and answers as kubectl does; the rollout
 * of an image listed in `unhealthy` times out as `kubectl rollout status` reports it.
 */
class KubectlStandIn {
  readonly calls: string[][] = [];
  readonly unhealthy = new Set<string>();
  /** Images the cluster refuses to set (an admission webhook, RBAC): `set image` fails and nothing changes. */
  readonly refused = new Set<string>();
  /** Images whose `set image` the API server accepted, but whose answer was lost (a timeout): kubectl fails, the image is set. */
  readonly lostAnswer = new Set<string>();
  /**
   * Images whose `set image` the API server took, but whose answer never comes: the runner's bound ends
   * the command as the wiring's runner does (exec kills it and throws its timeout; here after 0.2 s).
   */
  readonly hangs = new Set<string>();
  reachable = true;
  private image = '';
  private history: string[] = [];
  /** The image the Deployment runs now. */
  get running(): string {
    return this.image;
  }
  async run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    this.calls.push([...argv]);
    const verb = argv.slice(argv.indexOf('--namespace') + 2);
    if (verb[0] === 'set' && verb[1] === 'image') {
      const wanted = (verb[3] ?? '').split('=')[1] ?? '';
      if (this.refused.has(wanted)) return { code: 1, stdout: '', stderr: `error: admission webhook "policy.example.com" denied the request: ${wanted}\n` };
      this.history.push(this.image);
      this.image = (verb[3] ?? '').split('=')[1] ?? '';
      if (this.lostAnswer.has(wanted)) return { code: 1, stdout: '', stderr: 'Unable to connect to the server: net/http: TLS handshake timeout\n' };
      if (this.hangs.has(wanted)) return exec('sleep', ['5'], undefined, 200);
      return { code: 0, stdout: `${verb[2]} image updated\n`, stderr: '' };
    }
    if (verb[0] === 'rollout' && verb[1] === 'undo') {
      this.image = this.history.pop() ?? '';
      return { code: 0, stdout: `${verb[2]} rolled back\n`, stderr: '' };
    }
    if (verb[0] === 'get' && verb[1] === 'deployment')
      return this.reachable
        ? { code: 0, stdout: 'deployment.apps/alpha\n', stderr: '' }
        : { code: 1, stdout: '', stderr: 'Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout\n' };
    if (verb[0] === 'rollout' && verb[1] === 'status') {
      return this.unhealthy.has(this.image)
        ? { code: 1, stdout: 'Waiting for deployment rollout to finish: 0 of 1 updated replicas are available...\n', stderr: `error: timed out waiting for the condition\n` }
        : { code: 0, stdout: `deployment "${verb[2]?.split('/')[1]}" successfully rolled out\n`, stderr: '' };
    }
    return { code: 1, stdout: '', stderr: `error: unknown command "${verb.join(' ')}"\n` };
  }
}
let kubectl: KubectlStandIn;

beforeAll(async () => {
  registry = await startRegistry({ auth: { username: 'bot', password: 'pw' } });
  config = {
    ...pipelineConfig,
    publishRepository: `${OWNER}/${REPO}`,
    registry: { kind: 'custom', host: registry.host, namespace: OWNER, usernameSecret: 'U', passwordSecret: 'P' },
    environments: [
      { name: 'staging', target: { kind: 'kubernetes', namespace: 'shop-staging' }, healthTimeoutSeconds: 60, url: 'https://staging.example.com' },
      { name: 'production', requires: 'staging', target: { kind: 'kubernetes', namespace: 'shop', context: 'prod' }, healthTimeoutSeconds: 120 },
    ],
  };
  dockerConfig = mkdtempSync(join(tmpdir(), 'deploy-docker-'));
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('bot:pw').toString('base64') } } }));
});
afterAll(async () => {
  await registry.close();
  rmSync(dockerConfig, { recursive: true, force: true });
  cleanup();
});

let commits: { v1: string; v2: string; v3: string };
beforeEach(async () => {
  ({ root } = makeRepo());
  const v1 = commit(root, 'feat(alpha): v1', { 'services/alpha/src/main.ts': 'export const v = 1;\n' });
  const v2 = commit(root, 'feat(alpha): v2 (#7)', { 'services/alpha/src/main.ts': 'export const v = 2;\n' });
  const v3 = commit(root, 'fix(core): v3 reaches alpha', { 'packages/core/src/index.ts': 'export const core = 3;\n' });
  commits = { v1, v2, v3 };
  github = await startGitHubStandIn({ owner: OWNER, repo: REPO, commits: [v1, v2, v3] });
  kubectl = new KubectlStandIn();
});
afterEach(async () => {
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
  }
  expect(existsSync(marker)).toBe(false);
});

const env = () => ({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghs_standin', GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_ACTOR: 'octocat', DOCKER_CONFIG: dockerConfig });
const deploy = (...argv: string[]): Promise<RunResult> =>
  runCommand(run, argv, {
    cwd: root,
    env: env(),
    config,
    effects: { target: async (e) => kubernetesTarget(e.target.kind === 'kubernetes' ? e.target : { namespace: 'x' }, (a) => kubectl.run(a)) },
  });

/** CI's image of alpha at a commit, released under a version tag. */
function publish(sha: string, version: string, source?: string): string {
  return pushAttestedImage(
    registry,
    `${OWNER}/alpha`,
    { 'org.opencontainers.image.revision': sha, run: Math.random().toString(36) },
    version,
    source === undefined ? {} : { source },
  ).index;
}

const deployments = () => [...github.state.deployments.values()];

describe('deploy', () => {
  test('a first deploy: one record with the payload, in_progress then success, the environment tag only once healthy, the exact kubectl commands', async () => {
    const v = `1.0.${Math.floor(Math.random() * 1e6)}`;
    const digest = publish(commits.v1, v, `https://github.com/${OWNER}/${REPO}.git`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--version', v);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [d] = deployments();
    expect(deployments()).toHaveLength(1);
    expect(d).toMatchObject({ sha: commits.v1, task: 'deploy:alpha', payload: { service: 'alpha', version: v, digest, previousDigest: null, actor: 'octocat' } });
    expect(d?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(d?.statuses.at(-1)?.environmentUrl).toBe('https://staging.example.com');
    expect(github.requests().find((q) => q.operation === 'repos/create-deployment')?.body).toMatchObject({ auto_merge: false, required_contexts: [] });
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(digest);
    expect(kubectl.calls).toEqual([
      ['kubectl', '--namespace', 'shop-staging', 'get', 'deployment', '--request-timeout=20s', '--output=name'],
      ['kubectl', '--namespace', 'shop-staging', 'set', 'image', 'deployment/alpha', `alpha=${registry.host}/${OWNER}/alpha@${digest}`, '--request-timeout=20s'],
      ['kubectl', '--namespace', 'shop-staging', 'rollout', 'status', 'deployment/alpha', '--timeout=60s'],
    ]);
  });

  test('a deploy by version reads each registry document once before the tag operation (the index was read three times: by tag, by digest, for its provenance)', async () => {
    const v = `1.0.${Math.floor(Math.random() * 1e6)}`;
    const digest = publish(commits.v1, v, `https://github.com/${OWNER}/${REPO}.git`);
    const from = registry.requests.length;
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--version', v);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const asked = registry.requests.slice(from);
    const firstWrite = asked.findIndex((q) => q.startsWith('PUT '));
    // Before it: the version's tag (asked twice: the first answer is the Bearer challenge), the platform
    // manifest, its config, the attestation manifest, its statement, the quarantine tags of the index and
    // of its platform manifest; the tag operation then reads the index by digest (its exact bytes) and the
    // environment's tag.
    const reads = asked.slice(0, firstWrite).filter((q) => q.startsWith('GET /v2/'));
    const counts = new Map<string, number>();
    for (const q of reads) counts.set(q, (counts.get(q) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([[`GET /v2/${OWNER}/alpha/manifests/${v}`, 2]]);
    expect(reads.filter((q) => q.endsWith(`/manifests/${digest}`))).toHaveLength(1);
    expect(reads).toHaveLength(10);
  });

  test("deploy.yml with the version left empty: the plan's outputs (version main) are what the deploy job passes, and it deploys", async () => {
    const digest = publish(commits.v2, 'main');
    const outputs = join(mkdtempSync(join(tmpdir(), 'deploy-outputs-')), 'output');
    writeFileSync(outputs, '');
    // @actions/core reads GITHUB_OUTPUT from the process environment.
    vi.stubEnv('GITHUB_OUTPUT', outputs);
    const plan = await runCommand(run, ['--service', 'alpha', '--environment', 'staging', '--version', '', '--dry-run'], {
      cwd: root,
      env: { ...env(), GITHUB_OUTPUT: outputs },
      config,
      effects: { target: async (e) => kubernetesTarget(e.target.kind === 'kubernetes' ? e.target : { namespace: 'x' }, (a) => kubectl.run(a)) },
    });
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    const written = parseCommandFile('GITHUB_OUTPUT', readFileSync(outputs, 'utf8'));
    vi.unstubAllEnvs();
    expect({ digest: written['digest'], version: written['version'] }).toEqual({ digest, version: 'main' });
    // deploy.yml's deploy job: --digest "$DIGEST" --version "$VERSION" from those outputs.
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', written['digest'] ?? '', '--version', written['version'] ?? '');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(digest);
    expect(deployments().map((d) => d.payload)).toMatchObject([{ version: 'main', digest }]);
  });

  test('the environment tag fails to move after a healthy deploy: the record ends in error, not in_progress, and a re-run finishes', async () => {
    const digest = publish(commits.v2, `4.4.${Math.floor(Math.random() * 1e6)}`);
    registry.failWrites(1);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest);
    expect(r.code).toBe(3);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(deployments().map((d) => d.statuses.map((x) => x.state))).toEqual([['in_progress', 'error']]);
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).not.toBe(digest);
    const again = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(digest);
    expect(deployments().map((d) => d.statuses.at(-1)?.state)).toEqual(['error', 'success']);
  });

  // The GitHub API answers 500 to the `success` status (the stand-in's failure armed just before it is
  // posted): once, or twice (every retry fails too).
  const failingSuccess = (times: number) => async (): Promise<GitHubApi> => {
    const real = githubApi(githubApiOptionsFromEnv(env(), 10_000));
    return {
      ...real,
      async createDeploymentStatus(id, status) {
        if (status.state === 'success' && times-- > 0) github.fail({ mode: 'status-500', operation: 'repos/create-deployment-status' });
        return real.createDeploymentStatus(id, status);
      },
    };
  };
  const deployWith = (github: () => Promise<GitHubApi>, ...argv: string[]) =>
    runCommand(run, argv, {
      cwd: root,
      env: env(),
      config,
      effects: { github, target: async (e) => kubernetesTarget(e.target.kind === 'kubernetes' ? e.target : { namespace: 'x' }, (a) => kubectl.run(a)) },
    });

  test('the success status fails once after the tag moved: it is posted again, and the record ends success', async () => {
    const digest = publish(commits.v1, `4.5.${Math.floor(Math.random() * 1e6)}`);
    const r = await deployWith(failingSuccess(1), '--service', 'alpha', '--environment', 'staging', '--digest', digest);
    github.takeViolations();
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(deployments().map((d) => d.statuses.map((x) => x.state))).toEqual([['in_progress', 'success']]);
  });

  test('the success status cannot be posted after the tag moved: the record ends in error saying the deploy is healthy, not in_progress; one line, exit 3', async () => {
    const digest = publish(commits.v1, `4.6.${Math.floor(Math.random() * 1e6)}`);
    const r = await deployWith(failingSuccess(2), '--service', 'alpha', '--environment', 'staging', '--digest', digest);
    github.takeViolations();
    expect(r.code).toBe(3);
    const [d] = deployments();
    expect(r.stderr).toBe(
      `error: alpha to staging: ${registry.host}/${OWNER}/alpha@${digest} is healthy and the staging tag names it, but deployment ${d?.id} could not be marked success (GitHub API POST deployments/${d?.id}/statuses (success): HTTP 500: Server Error); re-run the deploy to record it\n`,
    );
    expect(d?.statuses.map((x) => [x.state, x.description])).toEqual([
      ['in_progress', `deploying ${digest.slice(0, 19)}`],
      ['error', 'healthy and the staging tag moved, but the success status failed to post: re-run to record it'],
    ]);
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(digest);
    expect(kubectl.running).toBe(`${registry.host}/${OWNER}/alpha@${digest}`);
    // Production refuses it until a re-run records the success.
    expect((await deploy('--service', 'alpha', '--environment', 'production', '--digest', digest, '--dry-run')).code).toBe(1);
    const again = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await deploy('--service', 'alpha', '--environment', 'production', '--digest', digest, '--dry-run')).code).toBe(0);
  });

  test('an unreachable cluster: one line, exit 3, and no deployment record, no status, no tag', async () => {
    const digest = publish(commits.v1, `1.9.${Math.floor(Math.random() * 1e6)}`);
    kubectl.reachable = false;
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'error: the cluster (namespace shop-staging) does not answer (`kubectl --namespace shop-staging get deployment --request-timeout=20s --output=name` exited 1: Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout)\n',
    );
    expect(deployments()).toEqual([]);
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).not.toBe(digest);
  });

  test('an unhealthy image is rolled back to the digest that ran before; the status is failure and the environment tag stays', async () => {
    const good = publish(commits.v1, `2.0.${Math.floor(Math.random() * 1e6)}`);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', good)).code).toBe(0);
    const bad = publish(commits.v2, '2.1.0-bad');
    kubectl.unhealthy.add(`${registry.host}/${OWNER}/alpha@${bad}`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${registry.host}/${OWNER}/alpha@${bad} did not become healthy within 60 s`);
    expect(r.stderr).toContain(`rolled back to ${registry.host}/${OWNER}/alpha@${good}, which is healthy again`);
    expect(deployments().map((d) => d.statuses.at(-1)?.state)).toEqual(['success', 'failure']);
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(good);
    // Back to the digest the records name, by digest (not `rollout undo`, the Deployment's previous revision).
    expect(kubectl.calls.slice(-2)).toEqual([
      ['kubectl', '--namespace', 'shop-staging', 'set', 'image', 'deployment/alpha', `alpha=${registry.host}/${OWNER}/alpha@${good}`, '--request-timeout=20s'],
      ['kubectl', '--namespace', 'shop-staging', 'rollout', 'status', 'deployment/alpha', '--timeout=60s'],
    ]);
    expect(kubectl.running).toBe(`${registry.host}/${OWNER}/alpha@${good}`);
  });

  test('an unhealthy image is rolled back to the digest that ran before even when it is quarantined (it was running), and the line and the record say it is quarantined', async () => {
    const d1 = publish(commits.v1, `2.14.${Math.floor(Math.random() * 1e6)}`);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1)).code).toBe(0);
    expect((await deploy('--service', 'alpha', '--quarantine', d1, '--reason', 'leaks customer data')).code).toBe(0);
    const d2 = publish(commits.v2, `2.15.${Math.floor(Math.random() * 1e6)}`);
    kubectl.unhealthy.add(`${registry.host}/${OWNER}/alpha@${d2}`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: alpha to staging: ${registry.host}/${OWNER}/alpha@${d2} did not become healthy within 60 s (deployment/alpha image updated | error: timed out waiting for the condition | Waiting for deployment rollout to finish: 0 of 1 updated replicas are available...); rolled back to ${registry.host}/${OWNER}/alpha@${d1}, which is healthy again, but is quarantined (the registry tag quarantined-${d1.replace(':', '-')} names it): deploy a fixed digest\n`,
    );
    expect(kubectl.running).toBe(`${registry.host}/${OWNER}/alpha@${d1}`);
    expect(deployments().at(-1)?.statuses.at(-1)).toMatchObject({ state: 'failure', description: 'unhealthy: rolled back to a quarantined digest; deploy a fixed one' });
  });

  test('an unhealthy image whose rollback does not become healthy either: the record says the rollback failed and what to check, not just "unhealthy"; exit 1', async () => {
    const d1 = publish(commits.v1, `2.16.${Math.floor(Math.random() * 1e6)}`);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1)).code).toBe(0);
    const d2 = publish(commits.v2, `2.17.${Math.floor(Math.random() * 1e6)}`);
    kubectl.unhealthy.add(`${registry.host}/${OWNER}/alpha@${d2}`);
    kubectl.unhealthy.add(`${registry.host}/${OWNER}/alpha@${d1}`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`; the rollback to ${registry.host}/${OWNER}/alpha@${d1} failed too (`);
    expect(deployments().at(-1)?.statuses.at(-1)).toMatchObject({
      state: 'failure',
      description: `unhealthy; the rollback to ${d1.slice(0, 19)} did not become healthy either: check what runs`,
    });
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
    // deploy status: the last success is what the records say runs, and the failed deploy after it is shown beside it.
    const failed = deployments().at(-1);
    const status = await deploy('status', '--environment', 'staging', '--json');
    expect(JSON.parse(status.stdout).rows[0]).toEqual({
      service: 'alpha',
      environment: 'staging',
      version: expect.any(String),
      digest: d1,
      deployedAt: expect.any(String),
      actor: 'octocat',
      lastDeploy: { deployment: failed?.id, state: 'failure', digest: d2, createdAt: failed?.createdAt },
    });
    const table = await deploy('status', '--environment', 'staging');
    expect(table.stdout).toContain(`| failure: \`${d2.slice(0, 19)}…\` (deployment ${failed?.id}, ${failed?.createdAt}) |`);
  });

  test('an unhealthy first deploy: the record says there was nothing to roll back to; exit 1, no environment tag', async () => {
    const d1 = publish(commits.v1, `2.18.${Math.floor(Math.random() * 1e6)}`);
    kubectl.unhealthy.add(`${registry.host}/${OWNER}/alpha@${d1}`);
    const before = registry.tagged(`${OWNER}/alpha`, 'staging');
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('; there is no earlier digest to roll back to');
    expect(deployments().at(-1)?.statuses.at(-1)).toMatchObject({ state: 'failure', description: 'unhealthy; nothing to roll back to: check what runs' });
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(before);
  });

  describe("a deploy to the same environment that has not ended (another run, a developer's CLI)", () => {
    /** Another deploy's record, as its run writes it: created, then in_progress (no final status yet). */
    async function another(digest: string): Promise<number> {
      const api = githubApi(githubApiOptionsFromEnv(env(), 5_000));
      const id = await api.createDeployment({
        ref: commits.v1,
        task: 'deploy:alpha',
        environment: 'staging',
        production: false,
        description: 'alpha by another run',
        payload: { service: 'alpha', version: '9.9.9', digest, previousDigest: null, actor: 'hubot', rollback: false },
      });
      await api.createDeploymentStatus(id, { state: 'in_progress', description: `deploying ${digest.slice(0, 19)}` });
      return id;
    }

    test('refused before anything is recorded or changed: one line naming it, exit 1', async () => {
      const d1 = publish(commits.v1, `2.19.${Math.floor(Math.random() * 1e6)}`);
      const running = await another(d1);
      const d2 = publish(commits.v2, `2.20.${Math.floor(Math.random() * 1e6)}`);
      const before = deployments().length;
      const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^error: alpha to staging: deployment ${running} \\(${d1.slice(0, 19)}…, by hubot, since \\S+\\) has not ended; deploy again once it has \\(a deploy job ends within 30 min: a record still in progress after that was left by a job that died\\); if no job runs it, end it: gh api -X POST repos/\\{owner\\}/\\{repo\\}/deployments/${running}/statuses -f state=error\n$`,
        ),
      );
      expect(deployments()).toHaveLength(before);
      expect(kubectl.calls).toEqual([]);
      // The plan (--dry-run) is still written: deploy.yml plans while an earlier deploy runs, and its deploy job waits for it.
      expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2, '--dry-run')).code).toBe(0);
    });

    /**
     * This deploy's GitHub, with another run's deploy begun in the window between this one's plan and its
     * own record (`before`), or right after its in_progress (`after`). `firstStatusAfterMs`: the other run
     * posts its in_progress that long after creating its record (never, when null).
     */
    /** The other run's late first status, awaited by its test (a post landing in the next test's stand-in would change it). */
    let late: Promise<unknown> = Promise.resolve();
    const racing =
      (digest: string, when: 'before' | 'after', firstStatusAfterMs: number | null = 0) =>
      async (): Promise<GitHubApi> => {
        const real = githubApi(githubApiOptionsFromEnv(env(), 10_000));
        let done = false;
        const rival = async () => {
          if (done) return;
          done = true;
          const id = await real.createDeployment({
            ref: commits.v1,
            task: 'deploy:alpha',
            environment: 'staging',
            production: false,
            description: 'alpha by another run',
            payload: { service: 'alpha', version: '9.9.8', digest, previousDigest: null, actor: 'hubot', rollback: false },
          });
          if (firstStatusAfterMs === null) return;
          const post = () => real.createDeploymentStatus(id, { state: 'in_progress', description: `deploying ${digest.slice(0, 19)}` });
          if (firstStatusAfterMs === 0) await post();
          else late = new Promise((done) => setTimeout(done, firstStatusAfterMs)).then(post);
        };
        return {
          ...real,
          async createDeployment(input) {
            if (when === 'before') await rival();
            return real.createDeployment(input);
          },
          async createDeploymentStatus(id, st) {
            const out = await real.createDeploymentStatus(id, st);
            if (when === 'after' && st.state === 'in_progress') await rival();
            return out;
          },
        };
      };

    test('another deploy begun after this one read the records but before its own record: this one backs off, its record ends in error, nothing changed; one line, exit 1', async () => {
      const d1 = publish(commits.v1, `2.24.${Math.floor(Math.random() * 1e6)}`);
      const d2 = publish(commits.v2, `2.25.${Math.floor(Math.random() * 1e6)}`);
      const r = await deployWith(racing(d1, 'before'), '--service', 'alpha', '--environment', 'staging', '--digest', d2);
      const [rival, own] = [...deployments()].sort((a, b) => a.id - b.id);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: alpha to staging: deployment ${rival?.id} (${d1.slice(0, 19)}…, by hubot) began before this one (${own?.id}) and has not ended; nothing changed; deploy again once it has\n`,
      );
      expect(own?.statuses.map((x) => x.state)).toEqual(['in_progress', 'error']);
      expect(own?.statuses.at(-1)?.description).toBe(`refused: deployment ${rival?.id} began first and has not ended`);
      expect(kubectl.calls.filter((c) => c.includes('set'))).toEqual([]);
      expect(registry.tagged(`${OWNER}/alpha`, 'staging')).not.toBe(d2);
    });

    test('another run that created its record first and posts its first status a moment later: this one waits for it, then backs off', async () => {
      const d1 = publish(commits.v1, `2.26.${Math.floor(Math.random() * 1e6)}`);
      const d2 = publish(commits.v2, `2.27.${Math.floor(Math.random() * 1e6)}`);
      const r = await deployWith(racing(d1, 'before', 1_500), '--service', 'alpha', '--environment', 'staging', '--digest', d2);
      await late;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/began before this one \(\d+\) and has not ended; nothing changed/);
      expect(kubectl.calls.filter((c) => c.includes('set'))).toEqual([]);
    });

    test('an earlier record that never gets a status (its run stopped before its first one): this one goes on once the start bound has passed', async () => {
      const d1 = publish(commits.v1, `2.30.${Math.floor(Math.random() * 1e6)}`);
      const d2 = publish(commits.v2, `2.31.${Math.floor(Math.random() * 1e6)}`);
      const r = await deployWith(racing(d1, 'before', null), '--service', 'alpha', '--environment', 'staging', '--digest', d2);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d2);
    });

    test('another deploy begun after this one had its record: this one goes on (the later one backs off)', async () => {
      const d1 = publish(commits.v1, `2.28.${Math.floor(Math.random() * 1e6)}`);
      const d2 = publish(commits.v2, `2.29.${Math.floor(Math.random() * 1e6)}`);
      const r = await deployWith(racing(d1, 'after'), '--service', 'alpha', '--environment', 'staging', '--digest', d2);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d2);
    });

    test('a record whose first status failed to post (GitHub failed; the run stopped there, nothing deployed) does not hold the re-run', async () => {
      const d1 = publish(commits.v1, `2.23.${Math.floor(Math.random() * 1e6)}`);
      github.fail({ mode: 'status-500', operation: 'repos/create-deployment-status' });
      const first = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1);
      expect(first.code).toBe(3);
      expect(kubectl.calls.filter((c) => c.includes('set'))).toEqual([]);
      const again = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1);
      expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    });

    test('a record left in progress longer than a deploy job can run (its job died) does not hold later deploys', async () => {
      await github.close();
      let clock = new Date(Date.now() - 31 * 60_000);
      github = await startGitHubStandIn({ owner: OWNER, repo: REPO, commits: [commits.v1, commits.v2, commits.v3], now: () => clock });
      const d1 = publish(commits.v1, `2.21.${Math.floor(Math.random() * 1e6)}`);
      await another(d1);
      clock = new Date();
      const d2 = publish(commits.v2, `2.22.${Math.floor(Math.random() * 1e6)}`);
      const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    });
  });

  test('an image the cluster refuses to set (an admission webhook): nothing changed, so nothing is rolled back; exit 3, the record ends in error', async () => {
    const d1 = publish(commits.v1, `2.5.${Math.floor(Math.random() * 1e6)}`);
    const d2 = publish(commits.v2, `2.6.${Math.floor(Math.random() * 1e6)}`);
    const d3 = publish(commits.v3, `2.7.${Math.floor(Math.random() * 1e6)}`);
    for (const d of [d1, d2]) expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d)).code).toBe(0);
    kubectl.refused.add(`${registry.host}/${OWNER}/alpha@${d3}`);
    const before = kubectl.calls.length;
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d3);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `error: alpha to staging: the target did not take ${registry.host}/${OWNER}/alpha@${d3} (error: admission webhook "policy.example.com" denied the request: ${registry.host}/${OWNER}/alpha@${d3}); nothing changed: ${registry.host}/${OWNER}/alpha@${d2} still runs\n`,
    );
    // The preflight and the refused `set image`: no rollout status, no rollback.
    expect(kubectl.calls.slice(before).map((c) => c.slice(3, 5))).toEqual([
      ['get', 'deployment'],
      ['set', 'image'],
    ]);
    expect(kubectl.running).toBe(`${registry.host}/${OWNER}/alpha@${d2}`);
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d2);
    expect(
      deployments()
        .at(-1)
        ?.statuses.map((s) => [s.state, s.description]),
    ).toEqual([
      ['in_progress', `deploying ${d3.slice(0, 19)}`],
      ['error', 'the target did not take the image; nothing changed'],
    ]);
  });

  test('a set image whose answer was lost (a timeout) may have changed the Deployment: it is not taken for a refusal, and the previous digest is set back', async () => {
    const d1 = publish(commits.v1, `2.8.${Math.floor(Math.random() * 1e6)}`);
    const d2 = publish(commits.v2, `2.9.${Math.floor(Math.random() * 1e6)}`);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1)).code).toBe(0);
    kubectl.lostAnswer.add(`${registry.host}/${OWNER}/alpha@${d2}`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`rolled back to ${registry.host}/${OWNER}/alpha@${d1}, which is healthy again`);
    expect(kubectl.running).toBe(`${registry.host}/${OWNER}/alpha@${d1}`);
    expect(deployments().at(-1)?.statuses.at(-1)?.state).toBe('failure');
  });

  test('a set image that never answers (the runner bound ends it) may have changed the Deployment: the previous digest is set back, the record ends in failure, exit 1', async () => {
    const d1 = publish(commits.v1, `2.10.${Math.floor(Math.random() * 1e6)}`);
    const d2 = publish(commits.v2, `2.11.${Math.floor(Math.random() * 1e6)}`);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1)).code).toBe(0);
    kubectl.hangs.add(`${registry.host}/${OWNER}/alpha@${d2}`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: alpha to staging: ${registry.host}/${OWNER}/alpha@${d2} did not become healthy within 60 s (\`sleep 5\`: no answer within 0.2 s); rolled back to ${registry.host}/${OWNER}/alpha@${d1}, which is healthy again\n`,
    );
    expect(kubectl.running).toBe(`${registry.host}/${OWNER}/alpha@${d1}`);
    expect(
      deployments()
        .at(-1)
        ?.statuses.map((s) => [s.state, s.description]),
    ).toEqual([
      ['in_progress', `deploying ${d2.slice(0, 19)}`],
      ['failure', 'unhealthy: rolled back'],
    ]);
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
  });

  test('a bug in the target midway (a throw that is no outside failure): exit 70, and the record ends in error without claiming nothing changed', async () => {
    const d1 = publish(commits.v1, `2.12.${Math.floor(Math.random() * 1e6)}`);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1)).code).toBe(0);
    const d2 = publish(commits.v2, `2.13.${Math.floor(Math.random() * 1e6)}`);
    const r = await runCommand(run, ['--service', 'alpha', '--environment', 'staging', '--digest', d2], {
      cwd: root,
      env: env(),
      config,
      effects: {
        target: async () =>
          kubernetesTarget({ namespace: 'shop-staging' }, async (a) => {
            if (a.includes('rollout')) throw new TypeError('kubectl output: cannot read properties of undefined');
            return kubectl.run(a);
          }),
      },
    });
    expect(r.code).toBe(70);
    expect(
      deployments()
        .at(-1)
        ?.statuses.map((s) => [s.state, s.description]),
    ).toEqual([
      ['in_progress', `deploying ${d2.slice(0, 19)}`],
      ['error', 'stopped by a bug after the target began: it may run either digest; check it'],
    ]);
  });

  test('production refuses a digest that never succeeded in staging, before anything is deployed', async () => {
    const digest = publish(commits.v2, `3.0.${Math.floor(Math.random() * 1e6)}`);
    const r = await deploy('--service', 'alpha', '--environment', 'production', '--digest', digest);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`production accepts only a digest with a successful staging deployment; ${digest} has none`);
    expect(deployments()).toEqual([]);
    expect(kubectl.calls).toEqual([]);
    // After staging, production takes it (with its own context and namespace).
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest)).code).toBe(0);
    const prod = await deploy('--service', 'alpha', '--environment', 'production', '--digest', digest);
    expect(prod.code, prod.stderr).toBe(0);
    expect(kubectl.calls.at(-2)).toEqual([
      'kubectl',
      '--context',
      'prod',
      '--namespace',
      'shop',
      'set',
      'image',
      'deployment/alpha',
      `alpha=${registry.host}/${OWNER}/alpha@${digest}`,
      '--request-timeout=20s',
    ]);
  });

  test('a quarantined digest is refused by every plan', async () => {
    const digest = publish(commits.v3, `4.0.${Math.floor(Math.random() * 1e6)}`);
    const q = await deploy('--service', 'alpha', '--quarantine', digest, '--reason', 'leaks memory');
    expect(q.code, q.stderr).toBe(0);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not-quarantined: quarantined: the registry tag quarantined-sha256-');
    expect(deployments()).toEqual([]);
  });

  test('--quarantine with --dry-run says what it would do and writes no tag (a quarantine cannot be undone)', async () => {
    const pushed = pushAttestedImage(
      registry,
      `${OWNER}/alpha`,
      { 'org.opencontainers.image.revision': commits.v3, run: Math.random().toString(36) },
      `4.2.${Math.floor(Math.random() * 1e6)}`,
    );
    const [digest, platform] = [pushed.index, pushed.manifest];
    const q = await deploy('--service', 'alpha', '--quarantine', digest, '--reason', 'leaks memory', '--dry-run');
    expect({ code: q.code, stderr: q.stderr }).toEqual({ code: 0, stderr: '' });
    expect(q.stdout).toBe(
      `alpha: ${digest} would be quarantined (leaks memory) by the registry tags quarantined-${digest.replace(':', '-')} and quarantined-${platform.replace(':', '-')} (its platform manifest); dry run: nothing changed\n`,
    );
    expect(registry.tagged(`${OWNER}/alpha`, `quarantined-${digest.replace(':', '-')}`)).toBeUndefined();
    expect(registry.tagged(`${OWNER}/alpha`, `quarantined-${platform.replace(':', '-')}`)).toBeUndefined();
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
  });

  test('a quarantine holds for the same image pushed again under a new index (a re-run: the same platform manifest, new provenance): the plan refuses it', async () => {
    const labels = { 'org.opencontainers.image.revision': commits.v1, run: Math.random().toString(36) };
    const first = pushAttestedImage(registry, `${OWNER}/alpha`, labels, `4.3.${Math.floor(Math.random() * 1e6)}`);
    const q = await deploy('--service', 'alpha', '--quarantine', first.index, '--reason', 'leaks memory');
    expect({ code: q.code, stderr: q.stderr }).toEqual({ code: 0, stderr: '' });
    expect(q.stdout).toBe(
      `alpha: ${first.index} is quarantined (leaks memory) by the registry tags quarantined-${first.index.replace(':', '-')} and quarantined-${first.manifest.replace(':', '-')} (its platform manifest); no plan will promote it again, nor the same image pushed under another index\n`,
    );
    expect(registry.tagged(`${OWNER}/alpha`, `quarantined-${first.manifest.replace(':', '-')}`)).toBe(first.manifest);
    const again = pushAttestedImage(registry, `${OWNER}/alpha`, labels, `sha-${commits.v1.slice(0, 7)}`);
    expect({ sameImage: again.manifest === first.manifest, newIndex: again.index !== first.index }).toEqual({ sameImage: true, newIndex: true });
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--version', `sha-${commits.v1.slice(0, 7)}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `not-quarantined: quarantined: the registry tag quarantined-${first.manifest.replace(':', '-')} names its platform manifest ${first.manifest}, the same image as a quarantined index (pipeline deploy --quarantine)`,
    );
    expect(deployments()).toEqual([]);
    // Quarantining it again is no error (a quarantine made before the platform manifest was tagged gets its tag so).
    expect((await deploy('--service', 'alpha', '--quarantine', first.index, '--reason', 'leaks memory')).code).toBe(0);
  });

  test('--json on a deploy that runs: one JSON object with the plan and the result', async () => {
    const v = `1.3.${Math.floor(Math.random() * 1e6)}`;
    const digest = publish(commits.v1, v, `https://github.com/${OWNER}/${REPO}.git`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--version', v, '--json');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const out: unknown = JSON.parse(r.stdout);
    expect(out).toMatchObject({ plan: { service: 'alpha', environment: 'staging', target: { version: v, digest } }, result: { outcome: 'healthy', environmentTag: 'staging' } });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  test('a platform manifest inside an image is not quarantined in its place: exit 2, naming the image digest to quarantine', async () => {
    const pushed = pushAttestedImage(
      registry,
      `${OWNER}/alpha`,
      { 'org.opencontainers.image.revision': commits.v3, run: Math.random().toString(36) },
      `4.1.${Math.floor(Math.random() * 1e6)}`,
    );
    const q = await deploy('--service', 'alpha', '--quarantine', pushed.manifest, '--reason', 'leaks memory');
    expect(q.code).toBe(2);
    expect(q.stderr).toBe(
      `error: --quarantine ${pushed.manifest}: a platform manifest inside an image, not an image a deploy names; quarantine the image's digest (its index, as deploy plans and release records show it)\n`,
    );
    expect(registry.tagged(`${OWNER}/alpha`, `quarantined-${pushed.manifest.replace(':', '-')}`)).toBeUndefined();
  });

  test('evidence: an image labelled with a commit this repository does not have, or whose provenance disagrees, is refused', async () => {
    const stranger = pushAttestedImage(registry, `${OWNER}/alpha`, { 'org.opencontainers.image.revision': 'f'.repeat(40) }, 'stranger').index;
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--version', 'sha-fffffff', '--dry-run');
    expect(r.code).toBe(2);
    const s = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', stranger, '--dry-run');
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(`revision-label: revision ${'f'.repeat(40)} is not a commit of this repository`);
    const elsewhere = publish(commits.v1, `5.0.${Math.floor(Math.random() * 1e6)}`, 'https://github.com/mallory/shop');
    const t = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', elsewhere, '--dry-run');
    expect(t.code).toBe(1);
    expect(t.stderr).toContain(`provenance: the provenance says it was built from https://github.com/mallory/shop, not https://github.com/${OWNER}/${REPO}`);
  });

  test("a provenance whose source is a local clone's path (an image built in a clone of a clone) is not held against the repository URL", async () => {
    const digest = publish(commits.v1, `5.5.${Math.floor(Math.random() * 1e6)}`, '/work/main');
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      plan: { evidence: expect.arrayContaining([expect.objectContaining({ check: 'provenance', ok: true, detail: expect.stringContaining('a local clone (/work/main;') })]) },
    });
  });

  test('the dry-run plan: current → target, the commits in between (a shared-package change marked), the checks, the commands', async () => {
    const d1 = publish(commits.v1, `6.0.${Math.floor(Math.random() * 1e6)}`);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1)).code).toBe(0);
    const d3 = publish(commits.v3, `6.1.${Math.floor(Math.random() * 1e6)}`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d3, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out: unknown = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      dryRun: true,
      plan: { current: { digest: d1, commit: commits.v1 }, target: { digest: d3, commit: commits.v3 }, ok: true, changes: { direction: 'forward' } },
    });
    const text = JSON.stringify(out);
    expect(text).toContain(commits.v2);
    expect(text).toContain('via @kc/core');
    expect(out).toMatchObject({
      plan: {
        commands: [
          ['kubectl', '--namespace', 'shop-staging', 'set', 'image', 'deployment/alpha', `alpha=${registry.host}/${OWNER}/alpha@${d3}`, '--request-timeout=20s'],
          ['kubectl', '--namespace', 'shop-staging', 'rollout', 'status', 'deployment/alpha', '--timeout=60s'],
        ],
      },
    });
    expect(deployments()).toHaveLength(1);
  });

  test("the environment's minReadySeconds reaches the target: the dry-run plan of a compose environment shows the wait and the second read", async () => {
    const digest = publish(commits.v2, `6.2.${Math.floor(Math.random() * 1e6)}`);
    const qa = { name: 'qa', target: { kind: 'compose', file: 'docker-compose.yml', project: 'shop-qa' }, healthTimeoutSeconds: 30, minReadySeconds: 7 } as const;
    const r = await runCommand(run, ['--service', 'alpha', '--environment', 'qa', '--digest', digest, '--dry-run', '--json'], {
      cwd: root,
      env: env(),
      config: { ...config, environments: [qa] },
      effects: {
        target: async (e) => composeTarget({ ...(e.target.kind === 'compose' ? e.target : qa.target), cwd: root }, async () => ({ code: 0, stdout: '26.0.0\n', stderr: '' })),
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const out: unknown = JSON.parse(r.stdout);
    const commands =
      typeof out === 'object' && out !== null && 'plan' in out && typeof out.plan === 'object' && out.plan !== null && 'commands' in out.plan ? out.plan.commands : [];
    // The verb after the second --file and its value; `docker inspect`; the wait, a line of its own.
    const verb = (c: string[]) => (c[1] === 'inspect' ? 'inspect' : c.length === 1 ? c[0] : c[c.indexOf('--file', c.indexOf('--file') + 1) + 2]);
    expect(Array.isArray(commands) ? commands.slice(4).map(verb) : []).toEqual(['up', 'ps', 'inspect', '<wait 7 s (minReadySeconds)>', 'ps', 'inspect']);
  });

  test('--digest with --version: the digest is deployed as it is, the version only labels it (what deploy.yml passes)', async () => {
    const digest = publish(commits.v2, `9.0.${Math.floor(Math.random() * 1e6)}`);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest, '--version', '9.0.0');
    expect(r.code, r.stderr).toBe(0);
    expect(deployments().at(-1)?.payload).toMatchObject({ digest, version: '9.0.0' });
  });

  test('--rollback redeploys the last successful digest before the current one; nothing re-applies the newer one', async () => {
    const d1 = publish(commits.v1, `7.0.${Math.floor(Math.random() * 1e6)}`);
    const d2 = publish(commits.v2, `7.1.${Math.floor(Math.random() * 1e6)}`);
    await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d1);
    await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d2);
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--rollback');
    expect(r.code, r.stderr).toBe(0);
    expect(deployments().at(-1)?.payload).toMatchObject({ digest: d1, previousDigest: d2 });
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
    const status = await deploy('status', '--environment', 'staging', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      rows: [
        // The newest record is the success that runs: no other deploy to show beside it.
        { service: 'alpha', environment: 'staging', digest: d1, actor: 'octocat', lastDeploy: null },
        { service: 'beta', digest: null },
        { service: 'gamma', digest: null },
      ],
    });
  });

  test('a GITHUB_REPOSITORY that is no owner/name is bad input before anything is asked (the owner became "acm")', async () => {
    for (const [argv, repository] of [
      [['--service', 'alpha', '--quarantine', `sha256:${'1'.repeat(64)}`, '--reason', 'x'], 'acme'],
      [['--service', 'alpha', '--environment', 'staging', '--dry-run'], 'acme/shop/x'],
    ] as const) {
      const r = await runCommand(run, argv, { cwd: root, env: { ...env(), GITHUB_REPOSITORY: repository }, config });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `error: GITHUB_REPOSITORY ${JSON.stringify(repository)}: expected <owner>/<repo>\n` });
    }
  });

  test('--cwd names the repository, for a deploy and for status (both used the current folder)', async () => {
    const v = `7.7.${Math.floor(Math.random() * 1e6)}`;
    publish(commits.v1, v);
    const elsewhere = (...argv: string[]) =>
      runCommand(run, argv, {
        cwd: tmpdir(),
        env: env(),
        config,
        effects: { target: async (e) => kubernetesTarget(e.target.kind === 'kubernetes' ? e.target : { namespace: 'x' }, (a) => kubectl.run(a)) },
      });
    const plan = await elsewhere('--service', 'alpha', '--environment', 'staging', '--version', v, '--dry-run', '--json', '--cwd', root);
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    const status = await elsewhere('status', '--environment', 'staging', '--json', '--cwd', root);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    const missing = await runCommand(run, ['status', '--cwd', '/nonexistent-folder'], { cwd: root, env: env(), config });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nonexistent-folder/);
  });

  test('a second --rollback goes further back (d0, d1, d2, back to d1, back to d0), skipping a quarantined digest; production refuses what staging rolled back from', async () => {
    const d0 = publish(commits.v1, `8.0.${Math.floor(Math.random() * 1e6)}`);
    const d1 = publish(commits.v2, `8.1.${Math.floor(Math.random() * 1e6)}`);
    const dqLabels = { 'org.opencontainers.image.revision': commits.v2, run: Math.random().toString(36) };
    const dq = pushAttestedImage(registry, `${OWNER}/alpha`, dqLabels, `8.2.${Math.floor(Math.random() * 1e6)}`).index;
    const d2 = publish(commits.v3, `8.3.${Math.floor(Math.random() * 1e6)}`);
    for (const d of [d0, dq, d1, d2]) expect((await deploy('--service', 'alpha', '--environment', 'staging', '--digest', d)).code).toBe(0);
    expect((await deploy('--service', 'alpha', '--environment', 'staging', '--rollback')).code).toBe(0);
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
    expect(deployments().at(-1)?.payload).toMatchObject({ digest: d1, previousDigest: d2, rollback: true });
    // Production takes d1, not d2, which staging rolled back from.
    const refused = await deploy('--service', 'alpha', '--environment', 'production', '--digest', d2);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`production refuses ${d2}: staging rolled back from it`);
    // dq is quarantined (through the same image pushed again under another index: its platform manifest):
    // the second rollback passes over it to d0.
    const dqAgain = pushAttestedImage(registry, `${OWNER}/alpha`, dqLabels, `8.4.${Math.floor(Math.random() * 1e6)}`).index;
    expect(dqAgain).not.toBe(dq);
    expect((await deploy('--service', 'alpha', '--quarantine', dqAgain, '--reason', 'leaks memory')).code).toBe(0);
    expect(registry.tagged(`${OWNER}/alpha`, `quarantined-${dq.replace(':', '-')}`)).toBeUndefined();
    const again = await deploy('--service', 'alpha', '--environment', 'staging', '--rollback');
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d0);
    expect(deployments().at(-1)?.payload).toMatchObject({ digest: d0, previousDigest: d1, rollback: true });
  });
});

describe('bad input: one line, exit 2, nothing promoted or changed', () => {
  const TOUCH = `$(touch ${marker})`;
  test.each([
    ['an unknown service', ['--service', 'billing', '--environment', 'staging'], /service "billing": not a service/],
    ['__proto__', ['--service', '__proto__', '--environment', 'staging'], /service "__proto__": not a service/],
    ['an unknown environment', ['--service', 'alpha', '--environment', 'qa'], /--environment "qa": expected one of: staging, production/],
    ['constructor as environment', ['--service', 'alpha', '--environment', 'constructor'], /--environment "constructor": expected one of/],
    ['a version not in the registry', ['--service', 'alpha', '--environment', 'staging', '--version', '9.9.9'], /has no image tagged "9\.9\.9"/],
    ['a version with a shell command', ['--service', 'alpha', '--environment', 'staging', '--version', `1.0.0;${TOUCH}`], /--version "1\.0\.0;\$\(touch/],
    ['a version $(...)', ['--service', 'alpha', '--environment', 'staging', '--version', TOUCH], /--version "\$\(touch/],
    ['sha-zzzzzzz', ['--service', 'alpha', '--environment', 'staging', '--version', 'sha-zzzzzzz'], /--version "sha-zzzzzzz": expected a release version/],
    ['a path as version', ['--service', 'alpha', '--environment', 'staging', '--version', '../api-gateway'], /--version "\.\.\/api-gateway"/],
    ['a bad digest', ['--service', 'alpha', '--environment', 'staging', '--digest', 'latest'], /--digest "latest": expected sha256:<64 hex>/],
    ['no service', ['--environment', 'staging'], /--service is required/],
    [
      'two modes',
      ['--service', 'alpha', '--environment', 'staging', '--rollback', '--version', '1.0.0'],
      /at most one of --version, --digest, --rollback and --quarantine \(--version may label a --digest\)/,
    ],
    ['nothing to roll back to', ['--service', 'alpha', '--environment', 'staging', '--rollback'], /--rollback: alpha has no earlier successful deployment in staging/],
  ])('%s', async (_, argv, message) => {
    const r = await deploy(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(deployments()).toEqual([]);
    expect(kubectl.calls).toEqual([]);
  });

  test.each([
    ['answers 500', 'status-500', 3],
    ['answers an HTML page', 'html-502', 3],
  ] as const)('the Deployments API %s: one line, exit %i, nothing deployed', async (_, mode, code) => {
    const digest = publish(commits.v1, `8.0.${Math.floor(Math.random() * 1e6)}`);
    github.fail({ mode, operation: 'repos/list-deployments' });
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--digest', digest);
    github.takeViolations();
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^error: GitHub API GET deployments\?task=deploy:alpha: HTTP 5\d\d/);
    expect(kubectl.calls).toEqual([]);
  });

  test('a registry that answers HTML: one line, exit 3, nothing deployed', async () => {
    registry.fail(3, 'html');
    const r = await deploy('--service', 'alpha', '--environment', 'staging', '--version', '1.0.0');
    expect(r.code).toBe(3);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(kubectl.calls).toEqual([]);
  });
});

describe('isRemote: which provenance sources are compared with the repository', () => {
  test.each([
    ['https://github.com/acme/shop.git', true],
    ['ssh://git@github.com/acme/shop', true],
    ['git@github.com:acme/shop.git', true],
    ['/work/main', false],
    ['../shop', false],
  ])('%s → %s', (source, remote) => {
    expect(isRemote(source)).toBe(remote);
  });
});
