/**
 * What an image build reads from the GitHub Actions environment (scripts/core/build-metadata.ts), with
 * the variables as GitHub documents them ("Variables", default environment variables), and the labels,
 * build arguments, record and summary made from it.
 */
import { describe, expect, test } from 'vitest';
import { type BuildContext, buildContextFromEnv, imageBuildArgs, imageLabels, imageRecord, recordSummary } from '../../scripts/core/build-metadata.js';
import { InputError } from '../../scripts/core/errors.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const ENV = {
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SHA: SHA,
  GITHUB_REPOSITORY: 'Acme/kodingcaravan',
  GITHUB_REPOSITORY_OWNER: 'Acme',
  GITHUB_SERVER_URL: 'https://github.com',
};
const context = (overrides: Record<string, string | undefined>, defaultBranch = 'main') => buildContextFromEnv({ ...ENV, ...overrides }, defaultBranch);

describe('buildContextFromEnv', () => {
  test('a push to the default branch', () => {
    expect(context({})).toEqual({
      sha: SHA,
      trigger: { kind: 'branch', branch: 'main', defaultBranch: 'main' },
      owner: 'Acme',
      sourceUrl: 'https://github.com/Acme/kodingcaravan',
    });
  });

  test.each<[string, string, BuildContext['trigger']]>([
    ['push', 'refs/heads/feature/x', { kind: 'branch', branch: 'feature/x', defaultBranch: 'trunk' }],
    ['push', 'refs/tags/api@1.0.0', { kind: 'commit' }],
    ['workflow_dispatch', 'refs/heads/main', { kind: 'commit' }],
    ['workflow_dispatch', 'refs/tags/v1', { kind: 'commit' }],
    ['pull_request', 'refs/pull/42/merge', { kind: 'pull_request', number: 42 }],
    ['pull_request', 'refs/pull/7/head', { kind: 'pull_request', number: 7 }],
    ['merge_group', 'refs/heads/gh-readonly-queue/main/pr-1-abc', { kind: 'merge_group' }],
  ])('%s of %s', (event, ref, trigger) => {
    expect(context({ GITHUB_EVENT_NAME: event, GITHUB_REF: ref }, 'trunk').trigger).toEqual(trigger);
  });

  test.each([
    ['push', 'refs/pull/1/merge', 'GITHUB_REF "refs/pull/1/merge": a push build expects a branch, refs/heads/<name>, or a tag'],
    ['push', 'main', 'GITHUB_REF "main": a push build expects a branch, refs/heads/<name>, or a tag'],
    ['pull_request', 'refs/heads/main', 'GITHUB_REF "refs/heads/main": a pull_request build expects refs/pull/<number>/merge'],
    ['pull_request', 'refs/pull/x/merge', 'GITHUB_REF "refs/pull/x/merge": a pull_request build expects refs/pull/<number>/merge'],
    ['pull_request', 'refs/pull/1/merge/extra', 'GITHUB_REF "refs/pull/1/merge/extra": a pull_request build expects refs/pull/<number>/merge'],
    ['pull_request', 'x/refs/pull/1/merge', 'GITHUB_REF "x/refs/pull/1/merge": a pull_request build expects refs/pull/<number>/merge'],
    ['schedule', 'refs/heads/main', 'GITHUB_EVENT_NAME "schedule": image builds run for push, pull_request, merge_group or workflow_dispatch'],
  ])('%s of %s is refused', (event, ref, message) => {
    expect(() => context({ GITHUB_EVENT_NAME: event, GITHUB_REF: ref })).toThrow(new InputError(message));
  });

  test.each([
    ['GITHUB_EVENT_NAME', 'push, pull_request or merge_group'],
    ['GITHUB_REF', 'refs/heads/<branch> or refs/pull/<number>/merge'],
    ['GITHUB_SHA', 'the full SHA of the commit being built'],
    ['GITHUB_REPOSITORY', '<owner>/<repo>'],
  ])('%s unset or empty is refused, saying what it should hold', (name, expected) => {
    const message = `${name} is not set: expected ${expected} (GitHub Actions sets it; set it yourself to run this outside Actions)`;
    expect(() => context({ [name]: undefined })).toThrow(new InputError(message));
    expect(() => context({ [name]: '' })).toThrow(new InputError(message));
  });

  test.each([SHA.toUpperCase(), SHA.slice(1), `${SHA}0`, `${SHA}\n`, `g${SHA.slice(1)}`])('GITHUB_SHA %j is refused', (sha) => {
    expect(() => context({ GITHUB_SHA: sha })).toThrow(new InputError(`GITHUB_SHA ${JSON.stringify(sha)}: expected a full commit SHA (40 or 64 lowercase hex characters)`));
  });

  describe("the commit built when it is not GITHUB_SHA (release.yml's build of a manual run's ref)", () => {
    const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';
    const withCommit = (overrides: Record<string, string | undefined>, commit: string) => buildContextFromEnv({ ...ENV, ...overrides }, 'main', commit);
    test.each([
      ['workflow_dispatch', 'refs/heads/main'],
      ['push', 'refs/tags/api-gateway@1.4.0'],
    ])('%s of %s: the context names it (GITHUB_SHA not needed)', (event, ref) => {
      expect(withCommit({ GITHUB_EVENT_NAME: event, GITHUB_REF: ref, GITHUB_SHA: undefined }, OTHER)).toEqual({
        sha: OTHER,
        trigger: { kind: 'commit' },
        owner: 'Acme',
        sourceUrl: 'https://github.com/Acme/kodingcaravan',
      });
    });
    test.each([
      ['push', 'refs/heads/main'],
      ['push', 'refs/heads/feature/x'],
      ['pull_request', 'refs/pull/42/merge'],
      ['merge_group', 'refs/heads/gh-readonly-queue/main/pr-1-abc'],
    ])('%s of %s is refused: its tags name GITHUB_SHA', (event, ref) => {
      expect(() => withCommit({ GITHUB_EVENT_NAME: event, GITHUB_REF: ref }, OTHER)).toThrow(
        new InputError(`--commit ${OTHER}: a ${event} build of ${ref} labels GITHUB_SHA; --commit is for a release build (workflow_dispatch, or a pushed release tag)`),
      );
    });
    test.each([OTHER.slice(1), OTHER.toUpperCase(), '', `${OTHER}\n`])('--commit %j is refused', (commit) => {
      expect(() => withCommit({ GITHUB_EVENT_NAME: 'workflow_dispatch' }, commit)).toThrow(
        new InputError(`--commit ${JSON.stringify(commit)}: expected a full commit SHA (40 or 64 lowercase hex characters)`),
      );
    });
  });

  test('GITHUB_SHA of a SHA-256 repository (64 hex characters) is accepted as it is', () => {
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(context({ GITHUB_SHA: sha256 }).sha).toBe(sha256);
  });

  test.each(['acme', 'acme/app/x', '/app', 'acme/', 'ac me/app', 'acme/app\n', 'x\nacme/app'])('GITHUB_REPOSITORY %j is refused', (repository) => {
    expect(() => context({ GITHUB_REPOSITORY: repository })).toThrow(new InputError(`GITHUB_REPOSITORY ${JSON.stringify(repository)}: expected <owner>/<repo>`));
  });

  test('the owner falls back to the repository owner part when GITHUB_REPOSITORY_OWNER is unset or empty', () => {
    expect(context({ GITHUB_REPOSITORY_OWNER: undefined, GITHUB_REPOSITORY: 'my.org_1/app' }).owner).toBe('my.org_1');
    expect(context({ GITHUB_REPOSITORY_OWNER: '', GITHUB_REPOSITORY: 'other/app' }).owner).toBe('other');
    expect(context({ GITHUB_REPOSITORY_OWNER: 'Given' }).owner).toBe('Given');
  });

  test.each(['a b', 'a/b', 'a\nb', 'ü'])('GITHUB_REPOSITORY_OWNER %j is refused', (owner) => {
    expect(() => context({ GITHUB_REPOSITORY_OWNER: owner })).toThrow(
      new InputError(`GITHUB_REPOSITORY_OWNER ${JSON.stringify(owner)}: expected a GitHub account name (letters, digits, -, _, .)`),
    );
  });

  test.each([
    [undefined, 'https://github.com/Acme/kodingcaravan'],
    ['', 'https://github.com/Acme/kodingcaravan'],
    ['https://ghe.example.com/', 'https://ghe.example.com/Acme/kodingcaravan'],
    ['https://ghe.example.com///', 'https://ghe.example.com/Acme/kodingcaravan'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/Acme/kodingcaravan'],
    ['https://example.com/git/sub_dir.x~y%20', 'https://example.com/git/sub_dir.x~y%20/Acme/kodingcaravan'],
  ])('GITHUB_SERVER_URL %j: the source is %s', (server, source) => {
    expect(context({ GITHUB_SERVER_URL: server }).sourceUrl).toBe(source);
  });

  test.each([
    'ftp://github.com',
    'github.com',
    'https://git hub.com',
    'https://github.com\n',
    'https://x.com:123456',
    'https://x.com/a b',
    'xhttps://github.com',
    'https://x.com?q=1',
  ])('GITHUB_SERVER_URL %j is refused', (server) => {
    expect(() => context({ GITHUB_SERVER_URL: server })).toThrow(
      new InputError(`GITHUB_SERVER_URL ${JSON.stringify(server)}: expected an http(s) URL without spaces or control characters, e.g. https://github.com`),
    );
  });
});

describe('labels, build arguments, record, summary', () => {
  const ctx: BuildContext = { sha: SHA, trigger: { kind: 'commit' }, owner: 'acme', sourceUrl: 'https://github.com/acme/app' };

  test('the OCI labels of the image spec: source, revision, title', () => {
    expect(imageLabels(ctx, 'chat-service')).toEqual({
      'org.opencontainers.image.source': 'https://github.com/acme/app',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.title': 'chat-service',
    });
  });

  test('the build arguments the Dockerfile LABEL reads', () => {
    expect(imageBuildArgs(ctx)).toEqual({ SOURCE: 'https://github.com/acme/app', REVISION: SHA });
  });

  test('the record and its summary', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const imageId = `sha256:${'b'.repeat(64)}`;
    const record = imageRecord(ctx, 'chat-service', 'ghcr.io/acme/chat-service', ['sha-0123456', 'main'], digest, imageId);
    expect(record).toEqual({
      service: 'chat-service',
      repository: 'ghcr.io/acme/chat-service',
      digest,
      imageId,
      tags: ['sha-0123456', 'main'],
      revision: SHA,
      source: 'https://github.com/acme/app',
    });
    expect(recordSummary(record)).toBe(
      `### chat-service\n\nPushed \`ghcr.io/acme/chat-service@${digest}\` (image \`${imageId}\`, the verified build)\n\n| tag |\n| --- |\n| \`sha-0123456\` |\n| \`main\` |\n\n`,
    );
  });
});
