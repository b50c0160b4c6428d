/**
 * `pipeline tags`: through the command's real environment interface (GITHUB_* variables, GITHUB_OUTPUT
 * and GITHUB_STEP_SUMMARY pointing at temporary files), and once through the committed bundle.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { run } from '../../scripts/commands/tags.js';
import { InputError } from '../../scripts/core/errors.js';

const root = join(import.meta.dirname, '../..');
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tags-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Parses the `name<<DELIM ... DELIM` records GitHub reads from GITHUB_OUTPUT. */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m?.[1] || !m[2]) continue;
    const end = lines.indexOf(m[2], i + 1);
    out[m[1]] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return out;
}

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

async function tags(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string }> {
  let stdout = '';
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

test('--digest and --record write the image record and the job summary', async () => {
  const record = join(dir, 'records/image-api-gateway.json');
  expect((await tags(['--service', 'api-gateway', '--digest', DIGEST, '--record', record], githubEnv({}))).code).toBe(0);
  expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({
    service: 'api-gateway',
    repository: 'ghcr.io/acme/api-gateway',
    digest: DIGEST,
    tags: ['ghcr.io/acme/api-gateway:sha-1a2b3c4', 'ghcr.io/acme/api-gateway:main'],
    revision: SHA,
    source: 'https://github.com/Acme/kodingcaravan',
  });
  expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain(`ghcr.io/acme/api-gateway@${DIGEST}`);
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
    ['a bad digest', ['--service', 'api-gateway', '--digest', 'sha256:xyz', '--record', 'r.json'], {}, /--digest "sha256:xyz": expected sha256:<64 hex>/],
    ['--digest without --record', ['--service', 'api-gateway', '--digest', DIGEST], {}, /--digest and --record go together/],
  ])('%s', async (_, argv, env, message) => {
    await expect(tags([...argv], githubEnv(env))).rejects.toThrow(InputError);
    await expect(tags([...argv], githubEnv(env))).rejects.toThrow(message);
    expect(() => readFileSync(join(dir, 'output'))).toThrow();
  });
});

test('the committed bundle runs it with plain node (as CI does)', () => {
  writeFileSync(join(dir, 'output'), '');
  const stdout = execFileSync(process.execPath, ['scripts/dist/pipeline.mjs', 'tags', '--service', 'api-gateway'], {
    cwd: root,
    env: definedOnly({ PATH: process.env['PATH'], ...githubEnv({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' }) }),
    encoding: 'utf8',
  });
  expect(stdout).toBe('api-gateway: ghcr.io/acme/api-gateway:sha-1a2b3c4 ghcr.io/acme/api-gateway:pr-7\n');
  expect(readOutputs(join(dir, 'output'))['tags']).toBe('ghcr.io/acme/api-gateway:sha-1a2b3c4\nghcr.io/acme/api-gateway:pr-7');
});
