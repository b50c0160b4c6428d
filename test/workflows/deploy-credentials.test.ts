/**
 * deploy.yml hands the target its credentials from environment secrets: an SSH key for a compose target
 * on a Docker host reached as `DOCKER_HOST=ssh://…` (into an ssh-agent: the key is never written to
 * disk), that host's public key (into known_hosts, so ssh checks it), and a kubeconfig for a kubernetes
 * target (a file in the job's temporary folder, 0600). The steps' scripts run here for real, with bash,
 * a key made by ssh-keygen and a real ssh-agent; only the runner is a stand-in (a temporary HOME,
 * RUNNER_TEMP and GITHUB_ENV). No cluster and no SSH server run here: kubectl and ssh are not called.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  expect(Object.keys(written).sort()).toEqual(['KUBECONFIG', 'SSH_AGENT_PID', 'SSH_AUTH_SOCK']);
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
    const forget = runStep(
      /^Forget the target credentials/,
      r,
      {},
      { SSH_AGENT_PID: written['SSH_AGENT_PID'] ?? '', SSH_AUTH_SOCK: written['SSH_AUTH_SOCK'] ?? '', KUBECONFIG: written['KUBECONFIG'] ?? '' },
    );
    expect({ status: forget.status, stderr: forget.stderr }).toEqual({ status: 0, stderr: '' });
  }
  // The agent answers no more (its process may linger as a zombie where nothing reaps it, so its socket is asked).
  expect(spawnSync('ssh-add', ['-l'], { env: { PATH: process.env['PATH'] ?? '', SSH_AUTH_SOCK: written['SSH_AUTH_SOCK'] ?? '' } }).status).toBe(2);
  expect(spawnSync('test', ['-e', join(r.temp, 'kubeconfig')]).status).not.toBe(0);
});

test('no credential secret set (a local Docker host, a runner with its own kubeconfig): nothing is written', () => {
  const r = runner();
  const set = runStep(/^Target credentials/, r, {});
  expect({ status: set.status, stderr: set.stderr }).toEqual({ status: 0, stderr: '' });
  expect(readFileSync(r.githubEnv, 'utf8')).toBe('');
  expect(spawnSync('test', ['-e', join(r.home, '.ssh')]).status).not.toBe(0);
  const forget = runStep(/^Forget the target credentials/, r, {});
  expect(forget.status).toBe(0);
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
