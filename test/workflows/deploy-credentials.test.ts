/**
 * deploy.yml hands the target its credentials from environment secrets: an SSH key for a compose target
 * on a Docker host reached as `DOCKER_HOST=ssh://…` (into an ssh-agent: the key is never written to
 * disk), that host's public key (into known_hosts, so ssh checks it), and a kubeconfig for a kubernetes
 * target (a file in the job's temporary folder, 0600). The steps' scripts run here for real, with bash,
 * a key made by ssh-keygen and a real ssh-agent; only the runner is a stand-in (a temporary HOME,
 * RUNNER_TEMP and GITHUB_ENV). No cluster and no SSH server run here: kubectl and ssh are not called.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { deployWorkflow } from '../../workflows-src/deploy.wac.js';
import { inspect } from './inspect.js';

const { stepsOf, stepNamed } = inspect(deployWorkflow);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runner() {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-credentials-'));
  dirs.push(dir);
  const home = join(dir, 'home');
  const temp = join(dir, 'temp');
  mkdirSync(home);
  mkdirSync(temp);
  const githubEnv = join(dir, 'github-env');
  writeFileSync(githubEnv, '');
  return { dir, home, temp, githubEnv };
}

/** Runs a step's script as the runner does (bash, the step's env), with the given secret values. */
function runStep(name: RegExp, r: ReturnType<typeof runner>, secrets: Record<string, string>, extra: Record<string, string> = {}) {
  const step = stepNamed('deploy', name);
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: r.home, RUNNER_TEMP: r.temp, GITHUB_ENV: r.githubEnv, ...extra };
  // Every ${{ secrets.X }} of the step's env, from `secrets` (empty when not given, as GitHub passes an unset secret).
  for (const [key, value] of Object.entries(step.env ?? {})) {
    const m = /^\$\{\{ secrets\.([A-Z_]+) \}\}$/.exec(String(value));
    if (m?.[1] !== undefined) env[key] = secrets[m[1]] ?? '';
  }
  return spawnSync('bash', ['-e', '-c', String(step.run)], { env, encoding: 'utf8', timeout: 20_000 });
}

const envFile = (path: string) =>
  Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

test('the deploy job: credentials before the deploy, forgotten after it whatever happened', () => {
  const names = stepsOf('deploy').map((s) => String(s.name));
  const at = (re: RegExp) => names.findIndex((n) => re.test(n));
  expect(at(/^Target credentials/)).toBeGreaterThan(-1);
  expect(at(/^Target credentials/)).toBeLessThan(at(/^Deploy the approved digest/));
  expect(at(/^Forget the target credentials/)).toBe(names.length - 1);
  expect(stepNamed('deploy', /^Forget the target credentials/).if).toBe('always()');
  // The deploy step itself reads no credential secret: a path and an agent socket reach it through GITHUB_ENV.
  expect(JSON.stringify(stepNamed('deploy', /^Deploy the approved digest/).env)).not.toMatch(/SSH_KEY|KUBECONFIG_DATA/);
});

test('an SSH key goes into an ssh-agent (not to disk), the host key into known_hosts, a kubeconfig into a 0600 file; the last step stops the agent', () => {
  const r = runner();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy@ci', '-f', join(r.dir, 'key')]);
  const key = readFileSync(join(r.dir, 'key'), 'utf8');
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', join(r.dir, 'key.pub')], { encoding: 'utf8' }).split(' ')[1];
  const hostKey = 'staging.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
  const kubeconfig = 'apiVersion: v1\nkind: Config\nclusters: []\n';
  const set = runStep(/^Target credentials/, r, { DEPLOY_SSH_KEY: key, DEPLOY_SSH_KNOWN_HOSTS: hostKey, KUBECONFIG_DATA: kubeconfig });
  expect({ status: set.status, stderr: set.stderr }).toEqual({ status: 0, stderr: '' });
  const written = envFile(r.githubEnv);
  expect(Object.keys(written).sort()).toEqual(['KUBECONFIG', 'PIPELINE_KUBECONFIG', 'PIPELINE_SSH_AGENT_PID', 'SSH_AGENT_PID', 'SSH_AUTH_SOCK']);
  expect(written['PIPELINE_KUBECONFIG']).toBe(written['KUBECONFIG']);
  expect(written['PIPELINE_SSH_AGENT_PID']).toBe(written['SSH_AGENT_PID']);
  try {
    const listed = execFileSync('ssh-add', ['-l'], { env: { PATH: process.env['PATH'] ?? '', SSH_AUTH_SOCK: written['SSH_AUTH_SOCK'] ?? '' }, encoding: 'utf8' });
    expect(listed).toContain(fingerprint);
    expect(readFileSync(join(r.home, '.ssh', 'known_hosts'), 'utf8')).toBe(`${hostKey}\n`);
    expect(written['KUBECONFIG']).toBe(join(r.temp, 'kubeconfig'));
    expect(readFileSync(join(r.temp, 'kubeconfig'), 'utf8')).toBe(kubeconfig);
    expect(statSync(join(r.temp, 'kubeconfig')).mode & 0o777).toBe(0o600);
    // The key is in no file the step wrote.
    expect(spawnSync('grep', ['-rl', 'OPENSSH PRIVATE KEY', r.home, r.temp], { encoding: 'utf8' }).stdout).toBe('');
  } finally {
    const forget = runStep(/^Forget the target credentials/, r, {}, written);
    expect({ status: forget.status, stderr: forget.stderr }).toEqual({ status: 0, stderr: '' });
  }
  // The agent answers no more (its process may linger as a zombie where nothing reaps it, so its socket is asked).
  expect(spawnSync('ssh-add', ['-l'], { env: { PATH: process.env['PATH'] ?? '', SSH_AUTH_SOCK: written['SSH_AUTH_SOCK'] ?? '' } }).status).toBe(2);
  expect(spawnSync('test', ['-e', join(r.temp, 'kubeconfig')]).status).not.toBe(0);
});

test("no credential secret set (a local Docker host, a runner with its own kubeconfig and agent): nothing is written, and the runner's own are left alone", () => {
  const r = runner();
  const set = runStep(/^Target credentials/, r, {});
  expect({ status: set.status, stderr: set.stderr }).toEqual({ status: 0, stderr: '' });
  expect(readFileSync(r.githubEnv, 'utf8')).toBe('');
  expect(spawnSync('test', ['-e', join(r.home, '.ssh')]).status).not.toBe(0);
  // A self-hosted runner's own kubeconfig and ssh-agent, in the environment of every step.
  const own = join(r.dir, 'runner-kubeconfig');
  writeFileSync(own, 'apiVersion: v1\n');
  const agent = spawnSync('ssh-agent', ['-s'], { encoding: 'utf8' }).stdout;
  const pid = /SSH_AGENT_PID=(\d+)/.exec(agent)?.[1] ?? '';
  const sock = /SSH_AUTH_SOCK=([^;]+)/.exec(agent)?.[1] ?? '';
  try {
    const forget = runStep(/^Forget the target credentials/, r, {}, { KUBECONFIG: own, SSH_AGENT_PID: pid, SSH_AUTH_SOCK: sock });
    expect({ status: forget.status, stderr: forget.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(own, 'utf8')).toBe('apiVersion: v1\n');
    expect(spawnSync('ssh-add', ['-l'], { env: { PATH: process.env['PATH'] ?? '', SSH_AUTH_SOCK: sock } }).status).toBe(1);
  } finally {
    if (/^[1-9]\d*$/.test(pid)) process.kill(Number(pid), 'SIGTERM');
  }
});

test('the deploy step runs the CLI in place of its shell (exec): the signal of a cancelled job reaches the deploy, which rolls back and records it', async () => {
  // The runner signals the step's own process, bash: a child it waits for never hears of it.
  const step = stepNamed('deploy', /^Deploy the approved digest/);
  const dir = mkdtempSync(join(tmpdir(), 'deploy-exec-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts/dist'), { recursive: true });
  // A stand-in for the bundle: it says when it runs and which signal it got.
  writeFileSync(
    join(dir, 'scripts/dist/pipeline.cjs'),
    "const fs = require('node:fs');\nprocess.on('SIGINT', () => { fs.writeFileSync('got', 'SIGINT'); process.exit(130); });\nfs.writeFileSync('ready', '');\nsetInterval(() => {}, 1000);\n",
  );
  // As the runner runs a step: its script in a file (bash -c would replace itself by a lone command anyway).
  writeFileSync(join(dir, 'step.sh'), `${String(step.run)}\n`);
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(dir, 'step.sh')], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', SERVICE: 'a', ENVIRONMENT: 'staging', DIGEST: `sha256:${'1'.repeat(64)}`, VERSION: '1.0.0' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !existsSync(join(dir, 'ready')); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    // Without exec, bash waits for its child, which never heard the signal: no answer within 10 s.
    expect(await Promise.race([ended, new Promise((r) => setTimeout(() => r('still running'), 10_000))])).toBe(130);
    expect(readFileSync(join(dir, 'got'), 'utf8')).toBe('SIGINT');
  } finally {
    // The stand-in, if it still runs (its process group: bash and what it started).
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }
});

test('an SSH key without the host key is refused before any deploy (ssh would trust any host, or refuse all)', () => {
  const r = runner();
  const set = runStep(/^Target credentials/, r, { DEPLOY_SSH_KEY: 'not read' });
  expect(set.status).toBe(1);
  expect(set.stdout).toBe(
    "::error::DEPLOY_SSH_KEY is set but DEPLOY_SSH_KNOWN_HOSTS is not: add the Docker host's public key as an environment secret (ssh-keyscan -t ed25519 HOST)\n",
  );
  expect(readFileSync(r.githubEnv, 'utf8')).toBe('');
});
