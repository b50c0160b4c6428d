/**
 * `pipeline tags`: through the command's real environment interface (GITHUB_* variables, GITHUB_OUTPUT
 * and GITHUB_STEP_SUMMARY pointing at temporary files), and once through the committed bundle.
 */
import { context, runCommand } from '../support/cli.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { run } from '../../scripts/commands/tags.js';
import { InputError } from '../../scripts/core/errors.js';
import { parseCommandFile } from '../../scripts/plan/command-files.js';

const root = join(import.meta.dirname, '../..');
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const VERIFIED = `sha256:${'c1'.repeat(32)}`;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tags-'));
  // The runner creates both files before a step runs; @actions/core only appends to them.
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** GITHUB_OUTPUT read back with the parser the plan uses for the runner's file commands. */
const readOutputs = (file: string): Record<string, string> => parseCommandFile('GITHUB_OUTPUT', readFileSync(file, 'utf8'));

function githubEnv(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'Acme/kodingcaravan',
    GITHUB_REPOSITORY_OWNER: 'Acme',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    ...overrides,
  };
}

const definedOnly = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));

// @actions/core reads GITHUB_OUTPUT / GITHUB_STEP_SUMMARY from the process environment, and the runner
// creates both files before a step starts: the in-process runs do the same (restored after each test).
function stubActionsFiles(env: Record<string, string | undefined>): void {
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']) {
    const file = env[name];
    if (file && !existsSync(file)) writeFileSync(file, '');
    vi.stubEnv(name, file);
  }
}
afterEach(() => {
  vi.unstubAllEnvs();
});

async function tags(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  stubActionsFiles(env);
  const code = await run(argv, { ...context({ cwd: root, env }, { stdout: '', stderr: '' }), stdout: (t) => (stdout += t) });
  return { code, stdout };
}

describe('tags for each trigger', () => {
  test.each([
    ['a push to the default branch', { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }, ['sha-1a2b3c4', 'main']],
    ['a push to another branch', { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/feature/x' }, ['sha-1a2b3c4']],
    ['a pull request', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/42/merge' }, ['sha-1a2b3c4', 'pr-42']],
    ['a merge-queue run', { GITHUB_EVENT_NAME: 'merge_group', GITHUB_REF: 'refs/heads/gh-readonly-queue/main/pr-42-abc' }, ['sha-1a2b3c4']],
  ])('%s', async (_, env, expected) => {
    expect(await tags(['--service', 'api-gateway'], githubEnv(env))).toMatchObject({ code: 0 });
    const outputs = readOutputs(join(dir, 'output'));
    expect(outputs['tags']?.split('\n')).toEqual(expected.map((t) => `ghcr.io/acme/api-gateway:${t}`));
    expect(outputs['image']).toBe('ghcr.io/acme/api-gateway:sha-1a2b3c4');
    expect(outputs['repository']).toBe('ghcr.io/acme/api-gateway');
  });
});

describe("--commit: release.yml's build of a manual run's ref, whose checkout is not the run's commit", () => {
  // The checkout the command runs in (--cwd, here this repository) is the commit built; GITHUB_SHA is another.
  const HEAD = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  test.each([
    ['a manual run (workflow_dispatch) of another ref', { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF: 'refs/heads/main' }],
    ['a pushed release tag', { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/api-gateway@1.4.0' }],
  ])('%s: the commit tag, labels and build arguments name the checked-out commit, not GITHUB_SHA', async (_, env) => {
    expect(HEAD).not.toBe(SHA);
    expect(await tags(['--service', 'api-gateway', '--commit', HEAD], githubEnv(env))).toMatchObject({ code: 0 });
    const outputs = readOutputs(join(dir, 'output'));
    expect(outputs['tags']).toBe(`ghcr.io/acme/api-gateway:sha-${HEAD.slice(0, 7)}`);
    expect(outputs['image']).toBe(`ghcr.io/acme/api-gateway:sha-${HEAD.slice(0, 7)}`);
    expect(outputs['labels']?.split('\n')).toContain(`org.opencontainers.image.revision=${HEAD}`);
    expect(outputs['build-args']?.split('\n')).toContain(`REVISION=${HEAD}`);
  });

  // Taken on trust, a wrong SHA (a typo, a stale output) would label and tag the build of HEAD as another
  // commit, whose commit tag never moves again.
  test.each([
    ['computing the tags', []],
    ['recording a push', ['--digest', DIGEST, '--verified-image-id', VERIFIED, '--record', 'r.json']],
    ['promoting a digest', ['--promote', DIGEST]],
  ])('a --commit that is not the checkout (git rev-parse HEAD of --cwd) is refused in one line, exit 2, before anything is written: %s', async (_, extra) => {
    const other = 'fedcba9876543210fedcba9876543210fedcba98';
    const env = githubEnv({ GITHUB_EVENT_NAME: 'workflow_dispatch' });
    const r = await runCommand(run, ['--service', 'api-gateway', '--commit', other, ...extra], { cwd: root, env });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: --commit ${other}: the checkout in ${root} is at ${HEAD}, not that commit; pass the commit checked out there (git rev-parse HEAD), or run in that commit's checkout (--cwd)\n`,
    });
    expect(readFileSync(join(dir, 'output'), 'utf8')).toBe('');
    expect(existsSync(join(root, 'r.json'))).toBe(false);
  });
});

test('labels and build arguments: source, revision, title', async () => {
  await tags(['--service', 'chat-service'], githubEnv({}));
  const outputs = readOutputs(join(dir, 'output'));
  expect(outputs['labels']?.split('\n')).toEqual([
    'org.opencontainers.image.source=https://github.com/Acme/kodingcaravan',
    `org.opencontainers.image.revision=${SHA}`,
    'org.opencontainers.image.title=chat-service',
  ]);
  expect(outputs['build-args']?.split('\n')).toEqual(['SOURCE=https://github.com/Acme/kodingcaravan', `REVISION=${SHA}`]);
});

test('without GITHUB_OUTPUT the values are printed as JSON', async () => {
  const { stdout } = await tags(['--service', 'api-gateway'], githubEnv({ GITHUB_OUTPUT: undefined }));
  expect(JSON.parse(stdout)).toMatchObject({ image: 'ghcr.io/acme/api-gateway:sha-1a2b3c4' });
});

describe('bad input is one line naming the value, and writes nothing', () => {
  test.each([
    ['no --service', [], {}, /--service is required/],
    ['an unknown service', ['--service', 'nope'], {}, /--service "nope": not a service of this workspace; known: admin-service/],
    ['an unknown flag', ['--service', 'api-gateway', '--tag', 'x'], {}, /pipeline tags: .*--tag/],
    ['no GITHUB_SHA', ['--service', 'api-gateway'], { GITHUB_SHA: undefined }, /GITHUB_SHA is not set/],
    ['a short GITHUB_SHA', ['--service', 'api-gateway'], { GITHUB_SHA: 'abc1234' }, /GITHUB_SHA "abc1234": expected a full commit SHA \(40 or 64 lowercase hex characters\)/],
    ['an event that builds no image', ['--service', 'api-gateway'], { GITHUB_EVENT_NAME: 'issues' }, /GITHUB_EVENT_NAME "issues"/],
    ['a PR ref that is not a PR', ['--service', 'api-gateway'], { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/heads/x' }, /refs\/pull\/<number>\/merge/],
    [
      'a bad digest',
      ['--service', 'api-gateway', '--digest', 'sha256:xyz', '--verified-image-id', VERIFIED, '--record', 'r.json'],
      {},
      /--digest "sha256:xyz": expected sha256:<64 hex>/,
    ],
    [
      'an empty image id',
      ['--service', 'api-gateway', '--digest', DIGEST, '--verified-image-id', '', '--record', 'r.json'],
      {},
      /--verified-image-id "": expected sha256:<64 hex>/,
    ],
    ['the old --pushed-image-id (the index digest, never comparable)', ['--service', 'api-gateway', '--pushed-image-id', VERIFIED], {}, /pipeline tags: .*--pushed-image-id/],
    ['--digest without --record', ['--service', 'api-gateway', '--digest', DIGEST], {}, /--digest, --verified-image-id and --record go together/],
    ['--record without the image ids', ['--service', 'api-gateway', '--digest', DIGEST, '--record', 'r.json'], {}, /go together; expected: pipeline tags .*--verified-image-id/],
    ['--promote with a bad digest', ['--service', 'api-gateway', '--promote', 'latest'], {}, /--promote "latest": expected sha256:<64 hex>, the digest output of the record step/],
    // Checked before a record is written or a tag moves (it was exit 70, EISDIR, after the record).
    [
      'GITHUB_OUTPUT naming a folder, with a record to write',
      ['--service', 'api-gateway', '--digest', DIGEST, '--verified-image-id', VERIFIED, '--record', 'r.json'],
      { GITHUB_OUTPUT: tmpdir() },
      /^GITHUB_OUTPUT=".*": not a file; inside GitHub Actions the runner sets it/,
    ],
    [
      'a short --commit',
      ['--service', 'api-gateway', '--commit', 'fedcba9'],
      { GITHUB_EVENT_NAME: 'workflow_dispatch' },
      /^--commit "fedcba9": expected a full commit SHA \(40 or 64 lowercase hex characters\)/,
    ],
    ['an empty --commit', ['--service', 'api-gateway', '--commit', ''], { GITHUB_EVENT_NAME: 'workflow_dispatch' }, /^--commit "": expected a full commit SHA/],
    [
      '--commit on a push to a branch (its tags name GITHUB_SHA)',
      ['--service', 'api-gateway', '--commit', 'fedcba9876543210fedcba9876543210fedcba98'],
      {},
      /^--commit fedcba9876543210fedcba9876543210fedcba98: a push build of refs\/heads\/main labels GITHUB_SHA; --commit is for a release build \(workflow_dispatch, or a pushed release tag\)$/,
    ],
    [
      '--commit on a pull request',
      ['--service', 'api-gateway', '--commit', 'fedcba9876543210fedcba9876543210fedcba98'],
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/42/merge' },
      /^--commit fedcba9876543210fedcba9876543210fedcba98: a pull_request build of refs\/pull\/42\/merge labels GITHUB_SHA/,
    ],
    [
      '--promote with the record flags',
      ['--service', 'api-gateway', '--promote', DIGEST, '--record', 'r.json'],
      {},
      /--promote goes alone; expected: pipeline tags --service S --promote/,
    ],
  ])('%s', async (_, argv, env, message) => {
    await expect(tags([...argv], githubEnv(env))).rejects.toThrow(InputError);
    await expect(tags([...argv], githubEnv(env))).rejects.toThrow(message);
    expect(readFileSync(join(dir, 'output'), 'utf8')).toBe('');
  });
});

test('the committed bundle runs it with plain node (as CI does)', () => {
  writeFileSync(join(dir, 'output'), '');
  const stdout = execFileSync(process.execPath, ['scripts/dist/pipeline.cjs', 'tags', '--service', 'api-gateway'], {
    cwd: root,
    env: definedOnly({ PATH: process.env['PATH'], ...githubEnv({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' }) }),
    encoding: 'utf8',
  });
  expect(stdout).toBe('api-gateway: ghcr.io/acme/api-gateway:sha-1a2b3c4 ghcr.io/acme/api-gateway:pr-7\n');
  expect(readOutputs(join(dir, 'output'))['tags']).toBe('ghcr.io/acme/api-gateway:sha-1a2b3c4\nghcr.io/acme/api-gateway:pr-7');
});
