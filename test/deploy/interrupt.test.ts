/**
 * A deploy job cancelled while the target works (GitHub's cancel or a job timeout sends SIGINT, then
 * SIGTERM): a real child process (interrupt-child.ts: `pipeline deploy` with the wiring's real command
 * runner) gets a real signal. A stand-in `docker` on PATH records each command with the image its override
 * file names, and never answers the commands the test names. This server stands in for GitHub, and
 * test/support/oci-registry.ts for the registry.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { run } from '../../scripts/commands/deploy/index.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { composeTarget } from '../../scripts/io/targets/compose.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { cleanup, commit, makeRepo } from '../pipeline/affected/fixture.js';
import { runCommand } from '../support/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github/server.js';
import { pushAttestedImage, type RegistryStandIn, startRegistry } from '../support/oci-registry.js';

const OWNER = 'acme';
const CONTAINER = '0123456789ab';
let registry: RegistryStandIn;
let github: GitHubStandIn;
let root = '';
let work = '';
let v1 = '';
let v2 = '';

beforeAll(async () => {
  registry = await startRegistry({ auth: { username: 'bot', password: 'pw' } });
});
afterAll(async () => {
  await registry.close();
  cleanup();
});
beforeEach(async () => {
  ({ root } = makeRepo());
  v1 = commit(root, 'feat(alpha): v1', { 'services/alpha/src/main.ts': 'export const v = 1;\n', 'docker-compose.yml': 'services:\n  alpha:\n    image: x\n' });
  v2 = commit(root, 'feat(alpha): v2', { 'services/alpha/src/main.ts': 'export const v = 2;\n' });
  github = await startGitHubStandIn({ owner: OWNER, repo: 'shop', commits: [v1, v2] });
  work = mkdtempSync(join(tmpdir(), 'deploy-interrupt-'));
  writeFileSync(join(work, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('bot:pw').toString('base64') } } }));
  // The stand-in docker: `version` answers; every compose command is logged as `<verb> <image>`; the ones
  // in HANG (`<verb>@<image>`, space-separated) never answer (they sleep HANG_SECONDS, 30 by default), the
  // ones in FAIL exit 1 as an unhealthy `up` does.
  writeFileSync(
    join(work, 'docker'),
    [
      '#!/bin/sh',
      'if [ "$1" = version ]; then echo 27.0.0; exit 0; fi',
      // docker inspect: one running container that never restarted (core/deploy/containers.ts reads it).
      `if [ "$1" = inspect ]; then echo inspect >> "$DOCKER_LOG"; echo '${JSON.stringify({ id: CONTAINER, name: '/shop-staging-alpha-1', restarts: 0, oneoff: 'False', state: { Status: 'running', ExitCode: 0 } })}'; exit 0; fi`,
      'image=""; verb=""; next=""',
      'for a in "$@"; do',
      '  if [ "$next" = file ]; then case "$a" in *.override.yml) image=$(sed -n \'s/.*image: "\\(.*\\)"/\\1/p\' "$a");; esac; fi',
      '  next=""; [ "$a" = --file ] && next=file',
      '  case "$a" in config|pull|ps|up) verb=$a;; esac',
      'done',
      'echo "$verb ${image##*@}" >> "$DOCKER_LOG"',
      'for h in $HANG; do [ "$h" = "$verb@${image##*@}" ] && exec sleep "${HANG_SECONDS:-30}"; done',
      'for f in $FAIL; do [ "$f" = "$verb@${image##*@}" ] && { echo "container shop-staging-alpha-1 is unhealthy" >&2; exit 1; }; done',
      `[ "$verb" = ps ] && echo ${CONTAINER}`,
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(join(work, 'docker'), 0o755);
});
afterEach(async () => {
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
    rmSync(work, { recursive: true, force: true });
  }
});

const env = () => ({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghs_standin', GITHUB_REPOSITORY: `${OWNER}/shop`, GITHUB_ACTOR: 'octocat', DOCKER_CONFIG: work });
const log = () => (existsSync(join(work, 'log')) ? readFileSync(join(work, 'log'), 'utf8').trim().split('\n') : []);
const publish = (sha: string) =>
  pushAttestedImage(registry, `${OWNER}/alpha`, { 'org.opencontainers.image.revision': sha, run: Math.random().toString(36) }, `1.${Math.floor(Math.random() * 1e6)}.0`).index;
const statuses = () => [...github.state.deployments.values()].map((d) => d.statuses.map((s) => [s.state, s.description]));

/** A first deploy of `digest` in-process, every docker command answering: what runs before the interrupted one. */
async function deployed(digest: string): Promise<void> {
  const config: PipelineConfig = {
    ...pipelineConfig,
    publishRepository: `${OWNER}/shop`,
    registry: { kind: 'custom', host: registry.host, namespace: OWNER, usernameSecret: 'U', passwordSecret: 'P' },
    environments: [{ name: 'staging', target: { kind: 'compose', file: 'docker-compose.yml', project: 'shop-staging' }, healthTimeoutSeconds: 60 }],
  };
  // Every command answers; `ps` lists one container, and docker inspect says it runs.
  const ok = async (argv: readonly string[]) => ({
    code: 0,
    stdout:
      argv[1] === 'inspect'
        ? `${JSON.stringify({ id: CONTAINER, name: '/shop-staging-alpha-1', restarts: 0, oneoff: 'False', state: { Status: 'running', ExitCode: 0 } })}\n`
        : argv.includes('ps')
          ? `${CONTAINER}\n`
          : '',
    stderr: '',
  });
  const r = await runCommand(run, ['--service', 'alpha', '--environment', 'staging', '--digest', digest], {
    cwd: root,
    env: env(),
    config,
    effects: { target: async () => composeTarget({ file: 'docker-compose.yml', project: 'shop-staging', cwd: root }, ok) },
  });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
}

/** The deploy of `digest` in a child process; its temporary files (the override file) go to its own TMPDIR. */
function child(
  digest: string,
  hang: readonly string[],
  more: Readonly<Record<string, string>> = {},
): { proc: ChildProcess; done: Promise<{ code: number | null; stderr: string; ms: number }>; tmp: string } {
  const tmp = mkdtempSync(join(work, 'tmp-'));
  const started = Date.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'interrupt-child.ts'), '--service', 'alpha', '--environment', 'staging', '--digest', digest], {
    env: {
      ...process.env,
      ...env(),
      PATH: `${work}:${process.env['PATH'] ?? ''}`,
      TMPDIR: tmp,
      REGISTRY_HOST: registry.host,
      REPO: root,
      DOCKER_LOG: join(work, 'log'),
      HANG: hang.join(' '),
      ...more,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  const done = new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => proc.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started })));
  return { proc, done, tmp };
}

/** Waits until the stand-in docker has logged `line`. */
async function until(line: string): Promise<void> {
  for (let i = 0; i < 300 && !log().includes(line); i++) await new Promise((r) => setTimeout(r, 50));
  expect(log()).toContain(line);
}

/** What an apply runs before `up`: the checks, and the containers read. */
const before = (d: string) => [`config ${d}`, `pull ${d}`, `ps ${d}`, 'inspect'];
/** A whole apply whose every command answered: `up`, then the containers read again. */
const applied = (d: string) => [...before(d), `up ${d}`, `ps ${d}`, 'inspect'];

/** The override files the child left in its TMPDIR (compose.ts makes `pipeline-deploy-*`). */
const leftOver = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('pipeline-deploy-'));

test('SIGTERM while the new image starts (`up` never answers): stopped, rolled back to the digest that ran before, the record ends failure saying so, exit 143, no override file left', async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [`up@${d2}`]);
  await until(`up ${d2}`);
  c.proc.kill('SIGTERM');
  const end = await c.done;
  expect(end.code).toBe(143);
  // The hanging `up` was stopped at once (not after its 30 s), and the previous digest started again.
  expect(end.ms).toBeLessThan(20_000);
  expect(log()).toEqual([...before(d2), `up ${d2}`, ...applied(d1)]);
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGTERM): the deploy of ${registry.host}/${OWNER}/alpha@${d2} was interrupted after it began (\`docker compose up\`: stopped: interrupted by SIGTERM); rolled back to ${registry.host}/${OWNER}/alpha@${d1}, which is healthy again\n`,
  );
  expect(statuses().at(-1)).toEqual([
    ['in_progress', `deploying ${d2.slice(0, 19)}`],
    ['failure', 'interrupted (SIGTERM): rolled back'],
  ]);
  expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
  expect(leftOver(c.tmp)).toEqual([]);
}, 60_000);

test('SIGINT while the image is pulled: nothing changed, nothing rolled back; the record ends error saying so, exit 130', async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [`pull@${d2}`]);
  await until(`pull ${d2}`);
  c.proc.kill('SIGINT');
  const end = await c.done;
  expect(end.code).toBe(130);
  expect(log()).toEqual([`config ${d2}`, `pull ${d2}`]);
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGINT): the deploy of ${registry.host}/${OWNER}/alpha@${d2} was interrupted before anything changed (\`docker compose pull\`: stopped: interrupted by SIGINT); ${registry.host}/${OWNER}/alpha@${d1} still runs\n`,
  );
  expect(statuses().at(-1)).toEqual([
    ['in_progress', `deploying ${d2.slice(0, 19)}`],
    ['error', 'interrupted (SIGINT) before anything changed'],
  ]);
  expect(leftOver(c.tmp)).toEqual([]);
}, 60_000);

test("SIGINT, then SIGTERM while the rollback's `up` does not answer either (GitHub's cancel): the rollback is stopped too, the record ends failure saying what may run, exit 130", async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [`up@${d2}`, `up@${d1}`]);
  await until(`up ${d2}`);
  c.proc.kill('SIGINT');
  await until(`up ${d1}`);
  c.proc.kill('SIGTERM');
  const end = await c.done;
  expect(end.code).toBe(130);
  expect(end.ms).toBeLessThan(20_000);
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGINT): the deploy of ${registry.host}/${OWNER}/alpha@${d2} was interrupted after it began (\`docker compose up\`: stopped: interrupted by SIGINT); the rollback to ${registry.host}/${OWNER}/alpha@${d1} failed too (\`docker compose up\`: stopped: a second signal (SIGTERM) stopped the rollback)\n`,
  );
  expect(statuses().at(-1)).toEqual([
    ['in_progress', `deploying ${d2.slice(0, 19)}`],
    ['failure', 'interrupted (SIGINT) after the target began; the rollback did not finish: check what runs'],
  ]);
  expect(leftOver(c.tmp)).toEqual([]);
}, 60_000);

test('SIGTERM during a first deploy (`up` never answers): nothing ran before, so nothing to roll back to; the record ends failure saying to check what runs, exit 143, no environment tag', async () => {
  const d1 = publish(v1);
  const c = child(d1, [`up@${d1}`]);
  await until(`up ${d1}`);
  c.proc.kill('SIGTERM');
  const end = await c.done;
  expect(end.code).toBe(143);
  expect(end.ms).toBeLessThan(20_000);
  expect(log()).toEqual([...before(d1), `up ${d1}`]);
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGTERM): the deploy of ${registry.host}/${OWNER}/alpha@${d1} was interrupted after it began (\`docker compose up\`: stopped: interrupted by SIGTERM); there is no earlier digest to roll back to\n`,
  );
  expect(statuses().at(-1)).toEqual([
    ['in_progress', `deploying ${d1.slice(0, 19)}`],
    ['failure', 'interrupted (SIGTERM) after the target began; nothing to roll back to: check what runs'],
  ]);
  // The registry is shared by the tests of this file: the tag stays where an earlier test left it.
  expect(registry.tagged(`${OWNER}/alpha`, 'staging')).not.toBe(d1);
  expect(leftOver(c.tmp)).toEqual([]);
}, 60_000);

test('one SIGTERM, and the rollback never answers: the 30 s bound alone ends it (no second signal, and the stand-in would hang 120 s); the record says the rollback did not finish, exit 143', async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [`up@${d2}`, `up@${d1}`], { HANG_SECONDS: '120' });
  await until(`up ${d2}`);
  const signalled = Date.now();
  c.proc.kill('SIGTERM');
  const end = await c.done;
  const afterSignal = Date.now() - signalled;
  expect(end.code).toBe(143);
  // The bound counts from the signal: not sooner, and not much later (the record is written after it).
  expect(afterSignal).toBeGreaterThanOrEqual(30_000);
  expect(afterSignal).toBeLessThan(40_000);
  expect(log()).toEqual([...before(d2), `up ${d2}`, ...before(d1), `up ${d1}`]);
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGTERM): the deploy of ${registry.host}/${OWNER}/alpha@${d2} was interrupted after it began (\`docker compose up\`: stopped: interrupted by SIGTERM); the rollback to ${registry.host}/${OWNER}/alpha@${d1} failed too (\`docker compose up\`: stopped: the rollback did not finish within 30 s of the interrupt)\n`,
  );
  expect(statuses().at(-1)).toEqual([
    ['in_progress', `deploying ${d2.slice(0, 19)}`],
    ['failure', 'interrupted (SIGTERM) after the target began; the rollback did not finish: check what runs'],
  ]);
  expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
  expect(leftOver(c.tmp)).toEqual([]);
}, 60_000);

test('a signal that arrives between `pull` and `up` (no command running): `up` never starts, nothing changed; the record ends error, exit 143', async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [], { SIGNAL_AFTER: `pull ${d2}` });
  const end = await c.done;
  expect(end.code).toBe(143);
  expect(log()).toEqual([`config ${d2}`, `pull ${d2}`]);
  // It names the command that never ran.
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGTERM): the deploy of ${registry.host}/${OWNER}/alpha@${d2} was interrupted before anything changed (stopped before \`docker compose up\`); ${registry.host}/${OWNER}/alpha@${d1} still runs\n`,
  );
  expect(statuses().at(-1)).toEqual([
    ['in_progress', `deploying ${d2.slice(0, 19)}`],
    ['error', 'interrupted (SIGTERM) before anything changed'],
  ]);
  expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
  expect(leftOver(c.tmp)).toEqual([]);
}, 60_000);

test('a signal that arrives after an unhealthy `up` answered and before the rollback starts: the rollback still runs (within its bound); rolled back, exit 143', async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [], { SIGNAL_AFTER: `up ${d2}`, FAIL: `up@${d2}` });
  const end = await c.done;
  expect(end.code).toBe(143);
  expect(log()).toEqual([...before(d2), `up ${d2}`, ...applied(d1)]);
  // The image was unhealthy before any signal: the line says so (the signal only ends the exit code and the record).
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGTERM): ${registry.host}/${OWNER}/alpha@${d2} did not become healthy within 60 s (container shop-staging-alpha-1 is unhealthy); rolled back to ${registry.host}/${OWNER}/alpha@${d1}, which is healthy again\n`,
  );
  expect(statuses().at(-1)).toEqual([
    ['in_progress', `deploying ${d2.slice(0, 19)}`],
    ['failure', 'interrupted (SIGTERM): rolled back'],
  ]);
  expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
}, 60_000);

test('a signal that arrives after `up` answered healthy but before what runs was read: not known to be healthy, so rolled back; exit 143', async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [], { SIGNAL_AFTER: `up ${d2}` });
  const end = await c.done;
  expect(end.code).toBe(143);
  expect(log()).toEqual([...before(d2), `up ${d2}`, ...applied(d1)]);
  expect(end.stderr).toBe(
    `error: alpha to staging: interrupted (SIGTERM): the deploy of ${registry.host}/${OWNER}/alpha@${d2} was interrupted after it began (stopped before what runs was read); rolled back to ${registry.host}/${OWNER}/alpha@${d1}, which is healthy again\n`,
  );
  expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d1);
}, 60_000);

test('a signal that arrives after the target is done (what runs was read, and runs): the deploy ends as it would have, success and the environment tag, exit 0', async () => {
  const d1 = publish(v1);
  await deployed(d1);
  const d2 = publish(v2);
  const c = child(d2, [], { SIGNAL_AFTER: 'inspect#2' });
  const end = await c.done;
  expect({ code: end.code, stderr: end.stderr }).toEqual({ code: 0, stderr: '' });
  expect(log()).toEqual(applied(d2));
  expect(
    statuses()
      .at(-1)
      ?.map(([state]) => state),
  ).toEqual(['in_progress', 'success']);
  expect(registry.tagged(`${OWNER}/alpha`, 'staging')).toBe(d2);
}, 60_000);
