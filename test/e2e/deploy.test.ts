/**
 * Deploys on the lab's real engine and registry with the `compose` target: the images are published
 * the way CI does (buildx with provenance, record, promote), the deploys run `docker compose` against
 * the lab engine, and the health checks are the services' own. The GitHub API (deployments, statuses)
 * is a local server that stands in for GitHub, checked against its OpenAPI description: GitHub cannot
 * be reached from here. bench/README.md reports the times measured here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run as deployCommand } from '../../scripts/commands/deploy/index.js';
import { run as tags } from '../../scripts/commands/tags.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { imageRepository } from '../../scripts/core/images/index.js';
import { exec } from '../../scripts/io/container-engine.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { type RunResult, runCommand } from '../support/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github/server.js';
import { lab, REGISTRY_HOST, ROOT } from './support/lab.js';
import { buildx } from './support/publish.js';

const SERVICE = 'notification-service';
const NAMESPACE = `deploy-e2e-${Date.now().toString(36)}`;
const PROJECT = `kc-e2e-${Date.now().toString(36)}`;
const config: PipelineConfig = {
  ...pipelineConfig,
  publishRepository: 'kodingcaravan/kodingcaravan',
  registry: { kind: 'custom', host: REGISTRY_HOST, namespace: NAMESPACE, usernameSecret: 'U', passwordSecret: 'P' },
  environments: [
    { name: 'staging', target: { kind: 'compose', file: 'docker-compose.yml', project: `${PROJECT}-staging` }, healthTimeoutSeconds: 40 },
    { name: 'production', requires: 'staging', target: { kind: 'compose', file: 'docker-compose.yml', project: `${PROJECT}-production` }, healthTimeoutSeconds: 40 },
  ],
};
const repository = imageRepository(config.registry, 'unused', SERVICE);
const name = `${NAMESPACE}/${SERVICE}`;
const work = mkdtempSync(join(tmpdir(), 'deploy-e2e-'));
let github: GitHubStandIn;
const digests: Record<string, string> = {};
const timings: string[] = [];
// The compose file requires AUTH_SECRET for the services that check tokens: compose reads it from the
// environment of the process that runs it, as a deploy job's env carries an environment secret.
process.env['AUTH_SECRET'] = 'e2e-not-a-secret-but-long-enough';

beforeAll(async () => {
  const l = await lab();
  github = await startGitHubStandIn({ owner: 'kodingcaravan', repo: 'kodingcaravan', commits: [l.revision] });
});
afterAll(async () => {
  for (const env of ['staging', 'production'])
    await exec('docker', ['compose', '--project-name', `${PROJECT}-${env}`, '--file', join(ROOT, 'docker-compose.yml'), 'down', '--remove-orphans', '--timeout', '2']);
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`bench: ${timings.join('; ')}\n`);
});

const ciEnv = (sha: string) => ({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha, GITHUB_REPOSITORY: 'kodingcaravan/kodingcaravan' });
const noCompare = { github: async () => Promise.reject(new Error('not needed: a fresh namespace')) };

/** CI's publish leg for one build variant, then its version tag (what a release adds). */
async function publish(version: string, dockerfile?: string): Promise<string> {
  const l = await lab();
  const extra = ['--label', `e2e.version=${version}`, ...(dockerfile === undefined ? [] : ['--file', dockerfile])];
  const verified = await buildx(work, SERVICE, `${repository}:verify-${version}`, [...extra, '--provenance', 'false', '--load'], l);
  const pushed = await buildx(
    work,
    SERVICE,
    `${repository}:push-${version}`,
    [...extra, '--provenance', 'mode=max', '--output', `type=image,name=${repository}:push-${version},push=true`],
    l,
  );
  const digest = pushed.digest ?? '';
  const record = await runCommand(tags, ['--service', SERVICE, '--digest', digest, '--verified-image-id', verified.iid, '--record', join(work, `record-${version}.json`)], {
    env: ciEnv(l.revision),
    config,
    effects: noCompare,
  });
  expect(record.code, record.stderr).toBe(0);
  await l.registry.tagDigest(name, digest, version, 'immutable');
  return digest;
}

const deploy = (...argv: string[]): Promise<RunResult> =>
  runCommand(deployCommand, argv, {
    cwd: ROOT,
    env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghs_standin', GITHUB_REPOSITORY: 'kodingcaravan/kodingcaravan', GITHUB_ACTOR: 'e2e' },
    config,
  });

async function status(): Promise<unknown> {
  const r = await deploy('status', '--json');
  expect(r.code, r.stderr).toBe(0);
  const json: unknown = JSON.parse(r.stdout);
  return json;
}
const row = (environment: string, digest: string | null) => ({ service: SERVICE, environment, digest });

/** The service answers its health endpoint inside the compose project. */
async function answers(project: string): Promise<boolean> {
  const r = await exec('docker', [
    'compose',
    '--project-name',
    project,
    '--file',
    join(ROOT, 'docker-compose.yml'),
    'exec',
    '-T',
    SERVICE,
    'node',
    '-e',
    "require('http').get('http://127.0.0.1:'+process.env.PORT+'/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))",
  ]);
  return r.code === 0;
}

describe('deploys with the compose target on the lab engine', () => {
  test('1. two versions published the way CI does', async () => {
    digests['1.0.0'] = await publish('1.0.0');
    digests['2.0.0'] = await publish('2.0.0');
    expect(digests['1.0.0']).not.toBe(digests['2.0.0']);
  });

  test('2. version 1 to staging: healthy and answering; status says so', async () => {
    const started = performance.now();
    const r = await deploy('--service', SERVICE, '--environment', 'staging', '--version', '1.0.0');
    timings.push(`deploy to healthy ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await answers(`${PROJECT}-staging`)).toBe(true);
    expect(await status()).toMatchObject({
      rows: expect.arrayContaining([expect.objectContaining(row('staging', digests['1.0.0'] ?? '')), expect.objectContaining(row('production', null))]),
    });
  });

  test('3. version 2 replaces it', async () => {
    const r = await deploy('--service', SERVICE, '--environment', 'staging', '--version', '2.0.0');
    expect(r.code, r.stderr).toBe(0);
    expect(await answers(`${PROJECT}-staging`)).toBe(true);
    expect(await status()).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining(row('staging', digests['2.0.0'] ?? ''))]) });
  });

  test('3b. a rollback redeploys the last successful digest before the current one; then version 2 again', async () => {
    const started = performance.now();
    const back = await deploy('--service', SERVICE, '--environment', 'staging', '--rollback');
    timings.push(`rollback to healthy ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(back.code, back.stderr).toBe(0);
    expect(await status()).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining(row('staging', digests['1.0.0'] ?? ''))]) });
    expect((await deploy('--service', SERVICE, '--environment', 'staging', '--version', '2.0.0')).code).toBe(0);
  });

  test('4. a deliberately unhealthy image: version 2 runs and is healthy again, the command fails naming both digests, the status is failure', async () => {
    const dockerfile = join(work, 'Dockerfile.unhealthy');
    // The service's own image, but its process never listens: the health check cannot pass.
    writeFileSync(dockerfile, `FROM ${repository}@${digests['2.0.0']}\nCMD ["node", "-e", "setInterval(() => {}, 1000)"]\n`);
    digests['2.1.0'] = await publish('2.1.0', dockerfile);
    const started = performance.now();
    const r = await deploy('--service', SERVICE, '--environment', 'staging', '--version', '2.1.0');
    timings.push(`unhealthy deploy detected and rolled back ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${repository}@${digests['2.1.0']} did not become healthy within 40 s`);
    expect(r.stderr).toContain(`rolled back to ${repository}@${digests['2.0.0']}, which is healthy again`);
    expect(await answers(`${PROJECT}-staging`)).toBe(true);
    expect([...github.state.deployments.values()].at(-1)?.statuses.at(-1)?.state).toBe('failure');
    const l = await lab();
    expect(await l.registry.manifestDigest(name, 'staging')).toBe(digests['2.0.0']);
    expect(await status()).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining(row('staging', digests['2.0.0'] ?? ''))]) });
  });

  test('4b. an image whose start command exits 1 (a crash loop under the restart policy): found at once, not at the end of the bound; rolled back, the line says how the container stands', async () => {
    const dockerfile = join(work, 'Dockerfile.crash');
    writeFileSync(dockerfile, `FROM ${repository}@${digests['2.0.0']}\nCMD ["node", "-e", "process.exit(1)"]\n`);
    digests['2.2.0'] = await publish('2.2.0', dockerfile);
    const started = performance.now();
    const r = await deploy('--service', SERVICE, '--environment', 'staging', '--version', '2.2.0');
    const seconds = (performance.now() - started) / 1000;
    timings.push(`crash-looping deploy detected and rolled back ${seconds.toFixed(1)} s`);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`container ${PROJECT}-staging-${SERVICE}-1 (is restarting \\(exit code 1|is exited \\(exit code 1|keeps restarting \\()`));
    expect(r.stderr).toContain(`rolled back to ${repository}@${digests['2.0.0']}, which is healthy again`);
    // The deploy and its rollback together take less than the 40 s bound the first one would have waited out.
    expect(seconds).toBeLessThan(40);
    expect(await answers(`${PROJECT}-staging`)).toBe(true);
    const l = await lab();
    expect(await l.registry.manifestDigest(name, 'staging')).toBe(digests['2.0.0']);
  });

  test('5. production refuses a digest that never succeeded in staging', async () => {
    const r = await deploy('--service', SERVICE, '--environment', 'production', '--version', '2.1.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`production accepts only a digest with a successful staging deployment; ${digests['2.1.0']} has none`);
    expect(await status()).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining(row('production', null))]) });
  });

  test('6. a quarantined digest is refused', async () => {
    expect((await deploy('--service', SERVICE, '--quarantine', digests['1.0.0'] ?? '', '--reason', 'e2e')).code).toBe(0);
    const r = await deploy('--service', SERVICE, '--environment', 'staging', '--version', '1.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not-quarantined: quarantined');
    expect(await status()).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining(row('staging', digests['2.0.0'] ?? ''))]) });
  });

  test('7. a rollback passes over a quarantined digest (the quarantine holds everywhere): with no other, nothing to roll back to', async () => {
    // Staging's last successful digest before 2.0.0 is 1.0.0, quarantined in step 6, and there is none before it.
    const r = await deploy('--service', SERVICE, '--environment', 'staging', '--rollback');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --rollback: ${SERVICE} has no earlier successful deployment in staging than the current one that is not quarantined; nothing to roll back to\n`);
    expect(await status()).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining(row('staging', digests['2.0.0'] ?? ''))]) });
  });

  test('8. a secret the environment lacks: compose refuses the file before anything is pulled or started; exit 3, version 2 runs on in the same container', async () => {
    const container = async () =>
      (await exec('docker', ['compose', '--project-name', `${PROJECT}-staging`, '--file', join(ROOT, 'docker-compose.yml'), 'ps', '--quiet', SERVICE])).stdout.trim();
    const before = await container();
    expect(before).not.toBe('');
    const secret = process.env['AUTH_SECRET'];
    delete process.env['AUTH_SECRET'];
    try {
      const r = await deploy('--service', SERVICE, '--environment', 'staging', '--digest', digests['2.1.0'] ?? '');
      expect(r.code).toBe(3);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`the target did not take ${repository}@${digests['2.1.0']} (`);
      expect(r.stderr).toContain('AUTH_SECRET');
      expect(r.stderr).toContain(`nothing changed: ${repository}@${digests['2.0.0']} still runs`);
    } finally {
      process.env['AUTH_SECRET'] = secret;
    }
    expect(await container()).toBe(before);
    expect(await answers(`${PROJECT}-staging`)).toBe(true);
    expect([...github.state.deployments.values()].at(-1)?.statuses.map((x) => x.state)).toEqual(['in_progress', 'error']);
    expect(await status()).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining(row('staging', digests['2.0.0'] ?? ''))]) });
  });
});
