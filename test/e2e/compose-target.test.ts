/**
 * The compose target itself (scripts/io/targets/compose.ts) on the lab's real engine and registry, with a
 * compose file of its own: what `docker compose up --wait` does not catch by itself. Its service has no
 * health check (compose then counts a container as ready once it runs), so a new image whose start
 * command exits 1 is restarted by its policy and `up --wait` says Healthy; and an image the host cannot
 * pull must leave the running container as it was. test/e2e/deploy.test.ts runs the whole command with
 * the generated docker-compose.yml (health checks included).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { exec } from '../../scripts/io/container-engine.js';
import { composeTarget } from '../../scripts/io/targets/compose.js';
import type { CommandRunner, DeployRequest } from '../../scripts/io/targets/target.js';
import { lab, REGISTRY_HOST } from './support/lab.js';

const ID = Date.now().toString(36);
const PROJECT = `kc-target-${ID}`;
const REPOSITORY = `${REGISTRY_HOST}/target-e2e-${ID}/probe`;
const work = mkdtempSync(join(tmpdir(), 'compose-target-e2e-'));
const images: Record<string, string> = {};
// The wiring's runner (scripts/wiring.ts): exec with a bound, killed when the deploy is stopped.
const run: CommandRunner = (argv, stop) => exec(argv[0] ?? '', argv.slice(1), undefined, 120_000, stop);
const target = composeTarget({ file: 'compose.yml', project: PROJECT, cwd: work }, run);
const compose = (...args: string[]) => exec('docker', ['compose', '--project-name', PROJECT, '--file', join(work, 'compose.yml'), ...args]);
const request = (image: string, previous: string | undefined, minReadySeconds = 0): DeployRequest => ({ service: 'probe', image, previous, timeoutSeconds: 20, minReadySeconds });

/** An image of the lab's base image with its own start command, pushed: `<repository>@<digest>`. */
async function image(name: string, cmd: string): Promise<string> {
  const l = await lab();
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${l.nodeImage ?? 'node:24-alpine'}\nCMD ["node", "-e", ${JSON.stringify(cmd)}]\n`);
  const metadata = join(dir, 'metadata.json');
  const r = await exec('docker', ['buildx', 'build', '--provenance', 'false', '--metadata-file', metadata, '--output', `type=image,name=${REPOSITORY}:${name},push=true`, dir]);
  if (r.code !== 0) throw new Error(`building ${name} failed: ${r.stderr.slice(-2000)}`);
  const meta: unknown = JSON.parse(readFileSync(metadata, 'utf8'));
  const digest = typeof meta === 'object' && meta !== null && 'containerimage.digest' in meta ? meta['containerimage.digest'] : undefined;
  if (typeof digest !== 'string') throw new Error(`building ${name}: no digest in ${metadata}`);
  return `${REPOSITORY}@${digest}`;
}

const containers = async () => (await compose('ps', '--all', '--quiet', 'probe')).stdout.trim();

beforeAll(async () => {
  // No health check: `up --wait` waits for a running container only.
  writeFileSync(join(work, 'compose.yml'), 'services:\n  probe:\n    image: unused\n    restart: unless-stopped\n    stop_grace_period: 1s\n');
  images['good'] = await image('good', 'setInterval(() => {}, 1000)');
  images['crash'] = await image('crash', 'process.exit(1)');
  // Runs, then fails 4 s after it started (a lost database connection, say): ready at first.
  images['late'] = await image('late', 'setInterval(() => {}, 1000); setTimeout(() => process.exit(1), 4000)');
});
afterAll(async () => {
  await compose('down', '--remove-orphans', '--timeout', '1');
  rmSync(work, { recursive: true, force: true });
});

test('a first deploy of an image that keeps running: healthy', async () => {
  expect(await target.deploy(request(images['good'] ?? '', undefined))).toEqual({ kind: 'healthy' });
  expect(await containers()).not.toBe('');
});

test('an image whose start command exits 1, under a restart policy and without a health check: not healthy (compose says it is), rolled back to the image that ran', async () => {
  const started = performance.now();
  const outcome = await target.deploy(request(images['crash'] ?? '', images['good']));
  const seconds = (performance.now() - started) / 1000;
  expect(outcome.kind).toBe('rolled-back');
  expect(outcome.kind === 'rolled-back' ? outcome.reason : '').toMatch(
    new RegExp(`^${images['crash']} did not become healthy within 20 s \\(.*container ${PROJECT}-probe-1 (is restarting \\(exit code 1|keeps restarting \\()`),
  );
  // Found at once, not at the end of the 20 s bound.
  expect(seconds).toBeLessThan(20);
  const inspect = await exec('docker', ['inspect', '--format', '{{.Config.Image}} {{.State.Status}} {{.RestartCount}}', await containers()]);
  expect(inspect.stdout.trim()).toBe(`${images['good']} running 0`);
});

test('an image the registry does not have: not applied, nothing rolled back, the same container runs on', async () => {
  const before = await containers();
  const missing = `${REPOSITORY}@sha256:${'0'.repeat(64)}`;
  const outcome = await target.deploy(request(missing, images['good']));
  expect(outcome.kind).toBe('not-applied');
  expect(outcome.kind === 'not-applied' ? outcome.reason : '').toMatch(new RegExp(`^the target did not take ${missing} \\(.*; nothing changed: ${images['good']} still runs$`));
  expect(await containers()).toBe(before);
  const inspect = await exec('docker', ['inspect', '--format', '{{.Config.Image}} {{.State.Status}}', before]);
  expect(inspect.stdout.trim()).toBe(`${images['good']} running`);
});

test('a one-off container of the service (`docker compose run`, a migration say) that exited is no container of the deploy: the same image again is healthy', async () => {
  // `compose run` takes the service's image from the files: the good one, through an override of its own.
  writeFileSync(join(work, 'run.override.yml'), `services:\n  probe:\n    image: ${JSON.stringify(images['good'])}\n`);
  const ran = await exec('docker', [
    'compose',
    '--project-name',
    PROJECT,
    '--file',
    join(work, 'compose.yml'),
    '--file',
    join(work, 'run.override.yml'),
    'run',
    '--no-deps',
    'probe',
    'node',
    '-e',
    'process.exit(0)',
  ]);
  expect(ran.code, ran.stderr).toBe(0);
  expect((await compose('ps', '--all', '--quiet', 'probe')).stdout.trim().split('\n')).toHaveLength(2);
  expect(await target.deploy(request(images['good'] ?? '', undefined))).toEqual({ kind: 'healthy' });
});

test('an image that exits 4 s after it started: with minReadySeconds 8, rolled back to the image that ran; without, recorded healthy (the gap the setting closes)', async () => {
  const started = performance.now();
  const outcome = await target.deploy(request(images['late'] ?? '', images['good'], 8));
  expect(outcome.kind).toBe('rolled-back');
  expect(outcome.kind === 'rolled-back' ? outcome.reason : '').toMatch(
    new RegExp(
      `^${images['late']} became healthy but did not keep running for 8 s \\(minReadySeconds: container ${PROJECT}-probe-1 (is (restarting|exited) \\(exit code 1|keeps restarting \\().*\\); rolled back to `,
    ),
  );
  expect((performance.now() - started) / 1000).toBeGreaterThanOrEqual(8);
  // The running containers only (the earlier test's `compose run` container has exited and stays listed by --all).
  expect((await compose('ps', '--format', '{{.Image}} {{.State}}', 'probe')).stdout.trim()).toBe(`${images['good']} running`);
  // Without the setting, the container still runs when it is read: the deploy says healthy.
  expect(await target.deploy(request(images['late'] ?? '', images['good'], 0))).toEqual({ kind: 'healthy' });
  expect(await target.deploy(request(images['good'] ?? '', images['late'], 0))).toEqual({ kind: 'healthy' });
});
