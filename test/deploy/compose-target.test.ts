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
import { composeTarget } from '../../scripts/io/targets/compose.js';
import type { DeployRequest } from '../../scripts/io/targets/target.js';

const NEW = `127.0.0.1:5000/acme/alpha@sha256:${'b'.repeat(64)}`;
const OLD = `127.0.0.1:5000/acme/alpha@sha256:${'a'.repeat(64)}`;
const request = (previous: string | undefined): DeployRequest => ({ service: 'alpha', image: NEW, previous, timeoutSeconds: 40 });

/** The verb after the global flags: `config`, `pull` or `up`. */
const verbOf = (argv: readonly string[]) => argv[argv.indexOf('--file', argv.indexOf('--file') + 1) + 2] ?? '';

/**
 * A command that never answers, ended as the wiring's runner ends one (scripts/wiring.ts: exec's bound
 * kills it, and exec throws the timeout, an OutsideError with timedOut): here a 0.2 s bound on a sleep.
 */
const NO_ANSWER = '`sleep 5`: no answer within 0.2 s';
const hang = () => exec('sleep', ['5'], undefined, 200);

/**
 * Answers each compose verb from `fail` (verb → the image for which it fails, or '*') and `hangs` (the
 * same, for a command that never answers), recording what ran with which image.
 */
function standIn(fail: Readonly<Record<string, string>>, hangs: Readonly<Record<string, string>> = {}) {
  const ran: string[] = [];
  const run = async (argv: readonly string[]) => {
    const override = argv[argv.indexOf('--file', argv.indexOf('--file') + 1) + 1] ?? '';
    const text = existsSync(override) ? readFileSync(override, 'utf8') : '';
    const image = /image: "(.*)"/.exec(text)?.[1] ?? '(none)';
    const verb = verbOf(argv);
    ran.push(`${verb} ${image === NEW ? 'new' : image === OLD ? 'old' : image}`);
    if (hangs[verb] === '*' || hangs[verb] === image) return hang();
    if (fail[verb] === '*' || fail[verb] === image) {
      const stderr = {
        config: 'error while interpolating services.alpha.environment.AUTH_SECRET: required variable AUTH_SECRET is missing a value: set it in the deploy environment\n',
        pull: `Error response from daemon: manifest for ${image} not found: manifest unknown\n`,
        up: 'dependency failed to start: container acme-staging-alpha-1 is unhealthy\n',
      }[verb];
      return { code: 1, stdout: '', stderr: stderr ?? 'unknown verb\n' };
    }
    return { code: 0, stdout: '', stderr: '' };
  };
  return { ran, target: composeTarget({ file: 'docker-compose.yml', project: 'acme-staging', cwd: '/srv/acme' }, run) };
}

describe('the compose target changes nothing until the file and the image are known good', () => {
  test.each<[string, Record<string, string>, string | undefined, string[], object]>([
    ['healthy', {}, OLD, ['config new', 'pull new', 'up new'], { kind: 'healthy' }],
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
      ['config new', 'pull new', 'up new', 'config old', 'pull old', 'up old'],
      {
        kind: 'rolled-back',
        reason: `${NEW} did not become healthy within 40 s (dependency failed to start: container acme-staging-alpha-1 is unhealthy); rolled back to ${OLD}, which is healthy again`,
      },
    ],
    [
      'unhealthy on a first deploy: nothing to roll back to',
      { up: NEW },
      undefined,
      ['config new', 'pull new', 'up new'],
      {
        kind: 'failed',
        reason: `${NEW} did not become healthy within 40 s (dependency failed to start: container acme-staging-alpha-1 is unhealthy); there is no earlier digest to roll back to`,
      },
    ],
    [
      'unhealthy, and the previous image cannot be pulled any more',
      { up: NEW, pull: OLD },
      OLD,
      ['config new', 'pull new', 'up new', 'config old', 'pull old'],
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
      ['config new', 'pull new', 'up new', 'config old', 'pull old', 'up old'],
      { kind: 'rolled-back', reason: `${NEW} did not become healthy within 40 s (${NO_ANSWER}); rolled back to ${OLD}, which is healthy again` },
    ],
    [
      "the rollback's up never answers either: failed, naming both",
      { up: '*' },
      ['config new', 'pull new', 'up new', 'config old', 'pull old', 'up old'],
      { kind: 'failed', reason: `${NEW} did not become healthy within 40 s (${NO_ANSWER}); the rollback to ${OLD} failed too (${NO_ANSWER})` },
    ],
  ])('a command that never answers: %s', async (_, hangs, ran, outcome) => {
    const s = standIn({}, hangs);
    expect(await s.target.deploy(request(OLD))).toEqual(outcome);
    expect(s.ran).toEqual(ran);
  });

  test('the plan lists the three commands it runs, in order, the up without a second pull', () => {
    const { target } = standIn({});
    const commands = target.commands(request(OLD));
    const override = `<a temporary override file: services.alpha.image = ${NEW}>`;
    const head = ['docker', 'compose', '--project-name', 'acme-staging', '--project-directory', '/srv/acme', '--file', '/srv/acme/docker-compose.yml', '--file', override];
    expect(commands).toEqual([
      [...head, 'config', '--quiet', 'alpha'],
      [...head, 'pull', '--quiet', 'alpha'],
      [...head, 'up', '--detach', '--no-deps', '--no-build', '--pull', 'never', '--wait', '--wait-timeout', '40', 'alpha'],
    ]);
  });
});
