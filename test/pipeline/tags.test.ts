/**
 * `pipeline tags`: through the command's real environment interface (GITHUB_* variables, GITHUB_OUTPUT
 * and GITHUB_STEP_SUMMARY pointing at temporary files), and once through the committed bundle.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { run } from '../../scripts/commands/tags.js';
import { checkPushedImage, parsePushReport, promotion } from '../../scripts/core/build-metadata.js';
import { InputError } from '../../scripts/core/errors.js';
import { parseCommandFile } from '../../scripts/plan/command-files.js';

const root = join(import.meta.dirname, '../..');
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const VERIFIED = `sha256:${'c1'.repeat(32)}`;
const REBUILT = `sha256:${'d2'.repeat(32)}`;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tags-'));
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
  const code = await run(argv, { cwd: root, env, stdout: (t) => (stdout += t), stderr: () => {} });
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

const recordArgs = (file: string, verified: string, pushed: string) => [
  '--service',
  'api-gateway',
  '--digest',
  DIGEST,
  '--verified-image-id',
  verified,
  '--pushed-image-id',
  pushed,
  '--record',
  file,
];

describe('--record: the pushed image must be the verified image', () => {
  test('same config digest: writes the image record and the job summary', async () => {
    const record = join(dir, 'records/image-api-gateway.json');
    expect((await tags(recordArgs(record, VERIFIED, VERIFIED), githubEnv({}))).code).toBe(0);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({
      service: 'api-gateway',
      repository: 'ghcr.io/acme/api-gateway',
      digest: DIGEST,
      imageId: VERIFIED,
      tags: ['ghcr.io/acme/api-gateway:sha-1a2b3c4', 'ghcr.io/acme/api-gateway:main'],
      revision: SHA,
      source: 'https://github.com/Acme/kodingcaravan',
    });
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain(`ghcr.io/acme/api-gateway@${DIGEST}`);
  });

  test('a rebuilt image: exit 1, one line naming both IDs, no record, no summary', async () => {
    const record = join(dir, 'records/image-api-gateway.json');
    let stderr = '';
    stubActionsFiles(githubEnv({}));
    const code = await run(recordArgs(record, VERIFIED, REBUILT), { cwd: root, env: githubEnv({}), stdout: () => {}, stderr: (t) => (stderr += t) });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(VERIFIED);
    expect(stderr).toContain(REBUILT);
    expect(stderr).toMatch(/cache miss rebuilt the image/);
    expect(existsSync(record)).toBe(false);
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toBe('');
  });
});

describe('checkPushedImage', () => {
  const report = (verifiedImageId: string, pushedImageId: string) => ({ digest: DIGEST, verifiedImageId, pushedImageId });
  test.each([
    ['the same config digest', VERIFIED, VERIFIED, { kind: 'verified', imageId: VERIFIED }],
    ['a rebuilt config', VERIFIED, REBUILT, { kind: 'not-verified' }],
    ['the verified and pushed IDs swapped', REBUILT, VERIFIED, { kind: 'not-verified' }],
    ['IDs that differ in the last hex digit', `sha256:${'0'.repeat(64)}`, `sha256:${'0'.repeat(63)}1`, { kind: 'not-verified' }],
  ])('%s', (_, verified, pushed, expected) => {
    expect(checkPushedImage(report(verified, pushed))).toMatchObject(expected);
  });
  test('the mismatch message names the pushed digest and both config digests, on one line', () => {
    const check = checkPushedImage(report(VERIFIED, REBUILT));
    expect(check.kind).toBe('not-verified');
    const message = check.kind === 'not-verified' ? check.message : '';
    expect(message).not.toContain('\n');
    expect(message).toContain(`${DIGEST} has config ${REBUILT}, but the verified image has config ${VERIFIED}`);
  });
  test.each([
    [{ digest: 'sha256:xyz', verifiedImageId: VERIFIED, pushedImageId: VERIFIED }, /--digest "sha256:xyz": expected sha256:<64 hex>/],
    [{ digest: DIGEST, verifiedImageId: '', pushedImageId: VERIFIED }, /--verified-image-id "": expected sha256:<64 hex>, the imageid output of the build step/],
    [{ digest: DIGEST, verifiedImageId: VERIFIED, pushedImageId: VERIFIED.toUpperCase() }, /--pushed-image-id "SHA256:C1/],
  ])('parsePushReport rejects %j', (values, message) => {
    expect(() => parsePushReport(values)).toThrow(InputError);
    expect(() => parsePushReport(values)).toThrow(message);
  });
});

describe('bad input is one line naming the value, and writes nothing', () => {
  test.each([
    ['no --service', [], {}, /--service is required/],
    ['an unknown service', ['--service', 'nope'], {}, /--service "nope": not a service of this workspace; known: admin-service/],
    ['an unknown flag', ['--service', 'api-gateway', '--tag', 'x'], {}, /pipeline tags: .*--tag/],
    ['no GITHUB_SHA', ['--service', 'api-gateway'], { GITHUB_SHA: undefined }, /GITHUB_SHA is not set/],
    ['a short GITHUB_SHA', ['--service', 'api-gateway'], { GITHUB_SHA: 'abc1234' }, /GITHUB_SHA "abc1234": expected 40/],
    ['an event that builds no image', ['--service', 'api-gateway'], { GITHUB_EVENT_NAME: 'issues' }, /GITHUB_EVENT_NAME "issues"/],
    ['a PR ref that is not a PR', ['--service', 'api-gateway'], { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/heads/x' }, /refs\/pull\/<number>\/merge/],
    ['a bad digest', recordArgs('r.json', VERIFIED, VERIFIED).map((a) => (a === DIGEST ? 'sha256:xyz' : a)), {}, /--digest "sha256:xyz": expected sha256:<64 hex>/],
    ['an empty image id', recordArgs('r.json', VERIFIED, ''), {}, /--pushed-image-id "": expected sha256:<64 hex>/],
    ['--digest without --record', ['--service', 'api-gateway', '--digest', DIGEST], {}, /--digest, --verified-image-id, --pushed-image-id and --record go together/],
    ['--record without the image ids', ['--service', 'api-gateway', '--digest', DIGEST, '--record', 'r.json'], {}, /go together; expected: pipeline tags .*--verified-image-id/],
    ['--promote with a bad digest', ['--service', 'api-gateway', '--promote', 'latest'], {}, /--promote "latest": expected sha256:<64 hex>, the digest output of the push step/],
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

test('the committed bundle refuses to record an image that is not the verified one (exit 1, one line)', () => {
  const record = join(dir, 'image-api-gateway.json');
  const result = spawnSync(process.execPath, ['scripts/dist/pipeline.cjs', 'tags', ...recordArgs(record, VERIFIED, REBUILT)], {
    cwd: root,
    env: definedOnly({ PATH: process.env['PATH'], ...githubEnv({}) }),
    encoding: 'utf8',
  });
  expect({ status: result.status, lines: result.stderr.trimEnd().split('\n').length }).toEqual({ status: 1, lines: 1 });
  expect(result.stderr).toContain(`but the verified image has config ${VERIFIED}`);
  expect(existsSync(record)).toBe(false);
});

describe('--promote: the tags move onto the pushed digest', () => {
  test.each([
    [
      'the build tags onto repository@digest',
      ['ghcr.io/acme/x:sha-1a2b3c4', 'ghcr.io/acme/x:main'],
      { source: `ghcr.io/acme/x@${DIGEST}`, tags: ['ghcr.io/acme/x:sha-1a2b3c4', 'ghcr.io/acme/x:main'] },
    ],
    ['no tag at all', [], { source: `ghcr.io/acme/x@${DIGEST}`, tags: [] }],
  ])('promotion: %s', (_, names, expected) => {
    expect(promotion('ghcr.io/acme/x', DIGEST, names)).toEqual(expected);
  });
  test('promotion refuses a tag of another repository (a bug, not bad input)', () => {
    expect(() => promotion('ghcr.io/acme/x', DIGEST, ['ghcr.io/acme/y:main'])).toThrow('tag ghcr.io/acme/y:main is not in ghcr.io/acme/x');
  });

  // GHCR cannot be reached from here: a stand-in `docker` on PATH records what the command asks of
  // it. The real `docker buildx imagetools create` against a real registry is in test/e2e/images.test.ts.
  function fakeDocker(exitCode: number): { path: string; argv: () => string[] } {
    const bin = join(dir, 'bin');
    const log = join(dir, 'docker-argv');
    execFileSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\necho 'ERROR: failed to push: denied' >&2\nexit ${exitCode}\n`, { mode: 0o755 });
    return { path: `${bin}:${process.env['PATH'] ?? ''}`, argv: () => readFileSync(log, 'utf8').trimEnd().split('\n') };
  }

  /** `pipeline tags --promote` through the committed bundle, with `docker` resolved on `path`. */
  const promote = (path: string) =>
    spawnSync(process.execPath, ['scripts/dist/pipeline.cjs', 'tags', '--service', 'api-gateway', '--promote', DIGEST], {
      cwd: root,
      env: definedOnly({ ...githubEnv({}), PATH: path }),
      encoding: 'utf8',
    });

  test('the committed bundle asks for every tag of the build on the pushed digest, in one imagetools call', () => {
    const docker = fakeDocker(0);
    const result = promote(docker.path);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(docker.argv()).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--tag',
      'ghcr.io/acme/api-gateway:sha-1a2b3c4',
      '--tag',
      'ghcr.io/acme/api-gateway:main',
      `ghcr.io/acme/api-gateway@${DIGEST}`,
    ]);
    expect(result.stdout).toBe(`api-gateway: ghcr.io/acme/api-gateway:sha-1a2b3c4 ghcr.io/acme/api-gateway:main now name ghcr.io/acme/api-gateway@${DIGEST}\n`);
  });

  test('a registry that refuses: exit 1, one line naming the image and what the registry said', () => {
    const result = promote(fakeDocker(1).path);
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^error: api-gateway: cannot tag ghcr.io/acme/api-gateway@${DIGEST}: .*denied`));
  });
});
