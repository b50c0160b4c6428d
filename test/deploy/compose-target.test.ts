/**
 * The compose target's sequence (scripts/io/targets/compose.ts) with a stand-in for `docker compose`
 * that records each argv and answers as compose does: what it checks before it changes anything (the
 * file with its variables, the pull by digest), and when it rolls back. The same target runs against
 * the lab's real engine in test/e2e/deploy.test.ts (healthy, unhealthy and rolled back, and a missing
 * secret).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { exec } from '../../scripts/io/container-engine.js';
import { INSPECT_FORMAT } from '../../scripts/core/deploy/containers.js';
import { composeTarget } from '../../scripts/io/targets/compose.js';
import type { DeployRequest } from '../../scripts/io/targets/target.js';

const NEW = `127.0.0.1:5000/acme/alpha@sha256:${'b'.repeat(64)}`;
const OLD = `127.0.0.1:5000/acme/alpha@sha256:${'a'.repeat(64)}`;
const request = (previous: string | undefined, minReadySeconds = 0): DeployRequest => ({ service: 'alpha', image: NEW, previous, timeoutSeconds: 40, minReadySeconds });

/** The verb after the global flags (`config`, `pull`, `ps` or `up`), or `inspect` for `docker inspect`. */
const verbOf = (argv: readonly string[]) => (argv[1] === 'inspect' ? 'inspect' : (argv[argv.indexOf('--file', argv.indexOf('--file') + 1) + 2] ?? ''));

/**
 * A command that never answers, ended as the wiring's runner ends one (scripts/wiring.ts: exec's bound
 * kills it, and exec throws the timeout, an OutsideError with timedOut): here a 0.2 s bound on a sleep.
 */
const NO_ANSWER = '`sleep 5`: no answer within 0.2 s';
const hang = () => exec('sleep', ['5'], undefined, 200);

const CONTAINER = '0123456789ab';
/** docker inspect's line (core/deploy/containers.ts INSPECT_FORMAT) for the one container of the service. */
const inspected = (status: string, exitCode: number, restarts: number) =>
  `${JSON.stringify({ id: CONTAINER, name: '/acme-staging-alpha-1', restarts, oneoff: 'False', state: { Status: status, Running: status === 'running', ExitCode: exitCode, Health: { Status: status === 'running' ? 'healthy' : 'starting' } } })}\n`;

/**
 * Answers each compose verb from `fail` (verb → the image for which it fails, or '*') and `hangs` (the
 * same, for a command that never answers), recording what ran with which image. `up` of an image in
 * `crashes` starts a container that exits 1 and is restarted by its policy (docker inspect says so),
 * whatever `up` answered.
 */
function standIn(fail: Readonly<Record<string, string>>, hangs: Readonly<Record<string, string>> = {}, crashes: readonly string[] = [], lateCrashes: readonly string[] = []) {
  const ran: string[] = [];
  let running = '';
  // `docker inspect`s since the last `up`: an image in `lateCrashes` runs at the first and restarts after.
  let reads = 0;
  const run = async (argv: readonly string[]) => {
    const override = argv[argv.indexOf('--file', argv.indexOf('--file') + 1) + 1] ?? '';
    const text = argv[1] !== 'inspect' && existsSync(override) ? readFileSync(override, 'utf8') : '';
    const image = /image: "(.*)"/.exec(text)?.[1] ?? '(none)';
    const verb = verbOf(argv);
    ran.push(verb === 'inspect' ? 'inspect' : `${verb} ${image === NEW ? 'new' : image === OLD ? 'old' : image}`);
    if (hangs[verb] === '*' || hangs[verb] === image) return hang();
    if (verb === 'up') {
      running = image;
      reads = 0;
    }
    // `docker inspect` names no image: it fails for the image the container runs.
    const subject = verb === 'inspect' ? running : image;
    if (fail[verb] === '*' || fail[verb] === subject) {
      const stderr = {
        config: 'error while interpolating services.alpha.environment.AUTH_SECRET: required variable AUTH_SECRET is missing a value: set it in the deploy environment\n',
        pull: `Error response from daemon: manifest for ${image} not found: manifest unknown\n`,
        ps: 'Cannot connect to the Docker daemon at ssh://deploy@host. Is the docker daemon running?\n',
        inspect: 'Error: No such object: 0123456789ab\n',
        up: 'dependency failed to start: container acme-staging-alpha-1 is unhealthy\n',
      }[verb];
      return { code: 1, stdout: '', stderr: stderr ?? 'unknown verb\n' };
    }
    if (verb === 'ps') return { code: 0, stdout: `${CONTAINER}\n`, stderr: '' };
    if (verb === 'inspect') {
      reads += 1;
      const crashed = crashes.includes(running) || (lateCrashes.includes(running) && reads > 1);
      return { code: 0, stdout: crashed ? inspected('restarting', 1, 3) : inspected('running', 0, 0), stderr: '' };
    }
    return { code: 0, stdout: '', stderr: '' };
  };
  return { ran, target: composeTarget({ file: 'docker-compose.yml', project: 'acme-staging', cwd: '/srv/acme' }, run) };
}

/** What one apply runs when every command answers: the checks, the containers read, `up`, and read again. */
const applied = (which: string) => [`config ${which}`, `pull ${which}`, `ps ${which}`, 'inspect', `up ${which}`, `ps ${which}`, 'inspect'];

describe('the compose target changes nothing until the file and the image are known good', () => {
  test.each<[string, Record<string, string>, string | undefined, string[], object]>([
    ['healthy', {}, OLD, applied('new'), { kind: 'healthy' }],
    [
      'a variable the file requires is missing (an environment secret not set): nothing pulled or started',
      { config: '*' },
      OLD,
      ['config new'],
      {
        kind: 'not-applied',
        reason: `the target did not take ${NEW} (error while interpolating services.alpha.environment.AUTH_SECRET: required variable AUTH_SECRET is missing a value: set it in the deploy environment); nothing changed: ${OLD} still runs`,
      },
    ],
    [
      'the image cannot be pulled: nothing started, and on a first deploy nothing runs',
      { pull: NEW },
      undefined,
      ['config new', 'pull new'],
      { kind: 'not-applied', reason: `the target did not take ${NEW} (Error response from daemon: manifest for ${NEW} not found: manifest unknown); nothing changed` },
    ],
    [
      'unhealthy: the previous digest is checked, pulled and started again',
      { up: NEW },
      OLD,
      [...applied('new'), ...applied('old')],
      {
        kind: 'rolled-back',
        reason: `${NEW} did not become healthy within 40 s (dependency failed to start: container acme-staging-alpha-1 is unhealthy); rolled back to ${OLD}, which is healthy again`,
      },
    ],
    [
      'unhealthy on a first deploy: nothing to roll back to',
      { up: NEW },
      undefined,
      applied('new'),
      {
        kind: 'failed',
        reason: `${NEW} did not become healthy within 40 s (dependency failed to start: container acme-staging-alpha-1 is unhealthy); there is no earlier digest to roll back to`,
      },
    ],
    [
      'unhealthy, and the previous image cannot be pulled any more',
      { up: NEW, pull: OLD },
      OLD,
      [...applied('new'), 'config old', 'pull old'],
      {
        kind: 'failed',
        reason: `${NEW} did not become healthy within 40 s (dependency failed to start: container acme-staging-alpha-1 is unhealthy); the rollback to ${OLD} failed too (Error response from daemon: manifest for ${OLD} not found: manifest unknown)`,
      },
    ],
  ])('%s', async (_, fail, previous, ran, outcome) => {
    const s = standIn(fail);
    expect(await s.target.deploy(request(previous))).toEqual(outcome);
    expect(s.ran).toEqual(ran);
  });

  // The runner throws when a command never answers (its bound): before `up` nothing changed; `up` itself
  // may have replaced the container before it stopped answering, so the previous digest comes back.
  test.each<[string, Record<string, string>, string[], object]>([
    [
      'the pull never answers: nothing changed, nothing rolled back',
      { pull: NEW },
      ['config new', 'pull new'],
      { kind: 'not-applied', reason: `the target did not take ${NEW} (${NO_ANSWER}); nothing changed: ${OLD} still runs` },
    ],
    [
      'up never answers: it may have replaced the container, so the previous digest is started again',
      { up: NEW },
      [...applied('new'), ...applied('old')],
      { kind: 'rolled-back', reason: `${NEW} did not become healthy within 40 s (${NO_ANSWER}); rolled back to ${OLD}, which is healthy again` },
    ],
    [
      "the rollback's up never answers either: failed, naming both",
      { up: '*' },
      [...applied('new'), ...applied('old')],
      { kind: 'failed', reason: `${NEW} did not become healthy within 40 s (${NO_ANSWER}); the rollback to ${OLD} failed too (${NO_ANSWER})` },
    ],
  ])('a command that never answers: %s', async (_, hangs, ran, outcome) => {
    const s = standIn({}, hangs);
    expect(await s.target.deploy(request(OLD))).toEqual(outcome);
    expect(s.ran).toEqual(ran);
  });

  test('the plan lists the commands it runs, in order, the up without a second pull', () => {
    const { target } = standIn({});
    const commands = target.commands(request(OLD));
    const override = `<a temporary override file: services.alpha.image = ${NEW}>`;
    const head = ['docker', 'compose', '--project-name', 'acme-staging', '--project-directory', '/srv/acme', '--file', '/srv/acme/docker-compose.yml', '--file', override];
    const inspect = ['docker', 'inspect', '--format', INSPECT_FORMAT, '<the containers ps lists>'];
    expect(commands).toEqual([
      [...head, 'config', '--quiet', 'alpha'],
      [...head, 'pull', '--quiet', 'alpha'],
      [...head, 'ps', '--all', '--quiet', 'alpha'],
      inspect,
      [...head, 'up', '--detach', '--no-deps', '--no-build', '--pull', 'never', '--wait', '--wait-timeout', '40', 'alpha'],
      [...head, 'ps', '--all', '--quiet', 'alpha'],
      inspect,
    ]);
  });
});

describe('minReadySeconds: the containers must keep running that long after they are ready', () => {
  /** One apply that waits: the checks, `up`, the read, and the same read again after the wait. */
  const settled = (which: string) => [...applied(which), `ps ${which}`, 'inspect'];

  test('they keep running: healthy, after a second read', async () => {
    const s = standIn({});
    const started = performance.now();
    expect(await s.target.deploy(request(OLD, 1))).toEqual({ kind: 'healthy' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(s.ran).toEqual(settled('new'));
  });

  test('ready at first, restarting a moment later: rolled back (the first read alone called it healthy)', async () => {
    const late = standIn({}, {}, [], [NEW]);
    expect(await late.target.deploy(request(OLD, 1))).toEqual({
      kind: 'rolled-back',
      reason: `${NEW} became healthy but did not keep running for 1 s (minReadySeconds: container acme-staging-alpha-1 is restarting (exit code 1, restarted 3 times)); rolled back to ${OLD}, which is healthy again`,
    });
    // The rollback restores what ran as fast as it can: it is not held for minReadySeconds.
    expect(late.ran).toEqual([...settled('new'), ...applied('old')]);
    // Without the setting the same image is recorded healthy: what the setting is for.
    const once = standIn({}, {}, [], [NEW]);
    expect(await once.target.deploy(request(OLD, 0))).toEqual({ kind: 'healthy' });
  });

  test('the containers cannot be read after the wait: not healthy, rolled back', async () => {
    let inspects = 0;
    const s = standIn({});
    const target = composeTarget({ file: 'docker-compose.yml', project: 'acme-staging', cwd: '/srv/acme' }, async (argv) => {
      if (argv[1] === 'inspect' && ++inspects === 3) return { code: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon\n' };
      return { code: 0, stdout: argv[1] === 'inspect' ? inspected('running', 0, 0) : verbOf(argv) === 'ps' ? `${CONTAINER}\n` : '', stderr: '' };
    });
    expect(s.ran).toEqual([]);
    expect(await target.deploy(request(OLD, 1))).toEqual({
      kind: 'rolled-back',
      reason: `${NEW} became healthy but did not keep running for 1 s (minReadySeconds: what runs could not be read: \`docker inspect\` exited 1: Cannot connect to the Docker daemon); rolled back to ${OLD}, which is healthy again`,
    });
  });

  test('interrupted during the wait: at once, rolled back to what ran', async () => {
    const s = standIn({});
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 100);
    const started = performance.now();
    const outcome = await s.target.deploy(request(OLD, 30), { interrupt: interrupt.signal, rollback: new AbortController().signal });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(outcome).toEqual({
      kind: 'rolled-back',
      reason: `the deploy of ${NEW} was interrupted after it began (stopped within the 30 s its containers must keep running); rolled back to ${OLD}, which is healthy again`,
    });
    expect(s.ran).toEqual([...applied('new'), ...applied('old')]);
  });

  test('the plan lists the wait and the second read', () => {
    const commands = standIn({}).target.commands(request(OLD, 15));
    expect(commands).toHaveLength(10);
    expect(commands.slice(7).map((c) => (c[1] === 'inspect' ? 'inspect' : c.length === 1 ? c[0] : verbOf(c)))).toEqual(['<wait 15 s (minReadySeconds)>', 'ps', 'inspect']);
    expect(standIn({}).target.commands(request(OLD, 0))).toHaveLength(7);
  });
});

describe('a container that does not keep running after `up` is not healthy, whatever `up --wait` said', () => {
  const RESTARTING = 'container acme-staging-alpha-1 is restarting (exit code 1, restarted 3 times)';
  test.each<[string, Record<string, string>, readonly string[], string | undefined, string[], object]>([
    [
      '`up` answered (no health check: compose counts a running container as ready), but it keeps exiting: rolled back',
      {},
      [NEW],
      OLD,
      [...applied('new'), ...applied('old')],
      { kind: 'rolled-back', reason: `${NEW} did not become healthy within 40 s (${RESTARTING}); rolled back to ${OLD}, which is healthy again` },
    ],
    [
      '`up` failed: the line says how the container stands',
      { up: NEW },
      [NEW],
      OLD,
      [...applied('new'), ...applied('old')],
      {
        kind: 'rolled-back',
        reason: `${NEW} did not become healthy within 40 s (dependency failed to start: container acme-staging-alpha-1 is unhealthy | ${RESTARTING}); rolled back to ${OLD}, which is healthy again`,
      },
    ],
    [
      'the containers cannot be listed before `up`: nothing changed',
      { ps: NEW },
      [],
      OLD,
      ['config new', 'pull new', 'ps new'],
      {
        kind: 'not-applied',
        reason: `the target did not take ${NEW} (\`docker compose ps\` exited 1: Cannot connect to the Docker daemon at ssh://deploy@host. Is the docker daemon running?); nothing changed: ${OLD} still runs`,
      },
    ],
    [
      'what runs cannot be read after `up`: not known to be healthy, so rolled back (and the rollback cannot read it before its `up` either)',
      { inspect: NEW },
      [],
      OLD,
      [...applied('new'), 'config old', 'pull old', 'ps old', 'inspect'],
      {
        kind: 'failed',
        reason: `${NEW} did not become healthy within 40 s (what runs could not be read: \`docker inspect\` exited 1: Error: No such object: 0123456789ab); the rollback to ${OLD} failed too (\`docker inspect\` exited 1: Error: No such object: 0123456789ab)`,
      },
    ],
    [
      'the containers cannot be inspected before `up`: nothing changed',
      { inspect: '' },
      [],
      OLD,
      ['config new', 'pull new', 'ps new', 'inspect'],
      {
        kind: 'not-applied',
        reason: `the target did not take ${NEW} (\`docker inspect\` exited 1: Error: No such object: 0123456789ab); nothing changed: ${OLD} still runs`,
      },
    ],
  ])('%s', async (_, fail, crashes, previous, ran, outcome) => {
    const s = standIn(fail, {}, crashes);
    expect(await s.target.deploy(request(previous))).toEqual(outcome);
    expect(s.ran).toEqual(ran);
  });
});

describe('minReadySeconds: an interrupt during the read after the wait', () => {
  test('is an interrupted deploy (rolled back), not an image that did not become healthy', async () => {
    const interrupt = new AbortController();
    let inspects = 0;
    const target = composeTarget({ file: 'docker-compose.yml', project: 'acme-staging', cwd: '/srv/acme' }, async (argv, stop) => {
      // The third inspect is the read after the wait: the job is cancelled while docker answers it (the runner kills it).
      if (argv[1] === 'inspect' && ++inspects === 3) {
        interrupt.abort();
        return exec('sleep', ['5'], undefined, 10_000, stop);
      }
      return { code: 0, stdout: argv[1] === 'inspect' ? inspected('running', 0, 0) : verbOf(argv) === 'ps' ? `${CONTAINER}\n` : '', stderr: '' };
    });
    const outcome = await target.deploy(request(OLD, 1), { interrupt: interrupt.signal, rollback: new AbortController().signal });
    expect(outcome.kind).toBe('rolled-back');
    expect(outcome.kind === 'rolled-back' ? outcome.reason : '').toMatch(new RegExp(`^the deploy of ${NEW.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was interrupted after it began`));
  });
});
