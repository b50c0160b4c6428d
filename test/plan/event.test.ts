// The event stand-in the plan evaluates workflows against: GitHub's webhook payload, the `github`
// context and the runner's default environment, field by field as GitHub documents them.
import { describe, expect, test } from 'vitest';
import { ZERO_SHA } from '../../scripts/core/git/commit-sha.js';
import { defaultEnv, type EventEnvelope, eventPayload, githubContext, refName, runRef } from '../../scripts/plan/event.js';
import { parseBranch, parseEventName, parseGithubRemote, parsePushRef, parseRepository, repositoryNameFromManifest } from '../../scripts/plan/resolve-event.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const repository = { owner: 'acme', name: 'shop', defaultBranch: 'main' };
const repo = {
  name: 'shop',
  full_name: 'acme/shop',
  owner: { login: 'acme' },
  default_branch: 'main',
  fork: false,
  private: false,
  html_url: 'https://github.com/acme/shop',
  clone_url: 'https://github.com/acme/shop.git',
};
const envelope = (event: EventEnvelope['event']): EventEnvelope => ({ event, repository, actor: 'dev' });

describe('eventPayload', () => {
  test('a push', () => {
    expect(eventPayload(envelope({ name: 'push', ref: 'refs/heads/main', before: A, after: B }))).toEqual({
      ref: 'refs/heads/main',
      before: A,
      after: B,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: 'https://github.com/acme/shop/compare/aaaaaaaaaaaa...bbbbbbbbbbbb',
      head_commit: { id: B },
      pusher: { name: 'dev' },
      repository: repo,
      sender: { login: 'dev' },
    });
  });

  test('the first push of a branch: before is zeros, created', () => {
    expect(eventPayload(envelope({ name: 'push', ref: 'refs/heads/x', before: undefined, after: B }))).toMatchObject({
      before: ZERO_SHA,
      created: true,
      compare: 'https://github.com/acme/shop/compare/000000000000...bbbbbbbbbbbb',
    });
  });

  test.each([
    [false, 'acme', repo],
    [
      true,
      'dev',
      { ...repo, name: 'shop', full_name: 'dev/shop', owner: { login: 'dev' }, fork: true, html_url: 'https://github.com/dev/shop', clone_url: 'https://github.com/dev/shop.git' },
    ],
  ])('a pull request (fork: %s)', (fork, headOwner, headRepo) => {
    expect(eventPayload(envelope({ name: 'pull_request', number: 4, base: { ref: 'main', sha: A }, head: { ref: 'feat', sha: B }, mergeSha: C, fork }))).toEqual({
      action: 'synchronize',
      number: 4,
      pull_request: {
        number: 4,
        state: 'open',
        draft: false,
        merged: false,
        user: { login: 'dev' },
        head: { ref: 'feat', sha: B, label: `${headOwner}:feat`, repo: headRepo },
        base: { ref: 'main', sha: A, label: 'acme:main', repo },
      },
      repository: repo,
      sender: { login: 'dev' },
    });
  });

  test('a merge group', () => {
    expect(eventPayload(envelope({ name: 'merge_group', number: 9, baseRef: 'main', baseSha: A, headSha: B }))).toEqual({
      action: 'checks_requested',
      merge_group: { head_sha: B, head_ref: `refs/heads/gh-readonly-queue/main/pr-9-${A}`, base_sha: A, base_ref: 'refs/heads/main', head_commit: { id: B } },
      repository: repo,
      sender: { login: 'dev' },
    });
  });

  test('a manual run', () => {
    expect(eventPayload(envelope({ name: 'workflow_dispatch', ref: 'refs/heads/main', sha: B }))).toEqual({
      ref: 'refs/heads/main',
      inputs: {},
      repository: repo,
      sender: { login: 'dev' },
    });
  });
});

describe('runRef and refName', () => {
  test.each<[EventEnvelope['event'], ReturnType<typeof runRef>]>([
    [
      { name: 'push', ref: 'refs/tags/v1', before: A, after: B },
      { ref: 'refs/tags/v1', sha: B, baseRef: '', headRef: '' },
    ],
    [
      { name: 'pull_request', number: 4, base: { ref: 'main', sha: A }, head: { ref: 'feat', sha: B }, mergeSha: C, fork: false },
      { ref: 'refs/pull/4/merge', sha: C, baseRef: 'main', headRef: 'feat' },
    ],
    [
      { name: 'merge_group', number: 9, baseRef: 'main', baseSha: A, headSha: B },
      { ref: `refs/heads/gh-readonly-queue/main/pr-9-${A}`, sha: B, baseRef: '', headRef: '' },
    ],
    [
      { name: 'workflow_dispatch', ref: 'refs/heads/dev', sha: C },
      { ref: 'refs/heads/dev', sha: C, baseRef: '', headRef: '' },
    ],
  ])('%j', (event, expected) => {
    expect(runRef(event)).toEqual(expected);
  });

  test.each([
    ['refs/heads/feature/x', 'feature/x'],
    ['refs/tags/v1.2', 'v1.2'],
    ['refs/pull/4/merge', '4/merge'],
    ['refs/notes/x', 'refs/notes/x'],
    // Only a leading prefix goes: a branch may have refs/... inside its name.
    ['refs/heads/feature/refs/pull/1', 'feature/refs/pull/1'],
    ['refs/notes/refs/tags/x', 'refs/notes/refs/tags/x'],
    ['main', 'main'],
  ])('refName(%j) = %j', (ref, name) => {
    expect(refName(ref)).toBe(name);
  });
});

describe('the github context and the default environment', () => {
  test('a pull request from a fork', () => {
    const e = envelope({ name: 'pull_request', number: 4, base: { ref: 'main', sha: A }, head: { ref: 'feat', sha: B }, mergeSha: C, fork: true });
    const github = githubContext(e, { any: 1 }, { name: 'CI', file: '.github/workflows/ci.yml' }, '/w');
    expect(github).toEqual({
      event_name: 'pull_request',
      event: { any: 1 },
      sha: C,
      ref: 'refs/pull/4/merge',
      ref_name: '4/merge',
      ref_type: 'branch',
      ref_protected: false,
      base_ref: 'main',
      head_ref: 'feat',
      repository: 'acme/shop',
      repository_owner: 'acme',
      repositoryUrl: 'git://github.com/acme/shop.git',
      actor: 'dev',
      triggering_actor: 'dev',
      workflow: 'CI',
      workflow_ref: 'acme/shop/.github/workflows/ci.yml@refs/pull/4/merge',
      workflow_sha: C,
      run_id: '1',
      run_number: '1',
      run_attempt: '1',
      retention_days: '90',
      server_url: 'https://github.com',
      api_url: 'https://api.github.com',
      graphql_url: 'https://api.github.com/graphql',
      workspace: '/w',
      action: '',
      job: '',
      token: '***',
      secret_source: 'None',
    });
    expect(defaultEnv(github)).toEqual({
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SHA: C,
      GITHUB_REF: 'refs/pull/4/merge',
      GITHUB_REF_NAME: '4/merge',
      GITHUB_REF_TYPE: 'branch',
      GITHUB_BASE_REF: 'main',
      GITHUB_HEAD_REF: 'feat',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_ACTOR: 'dev',
      GITHUB_TRIGGERING_ACTOR: 'dev',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/ci.yml@refs/pull/4/merge',
      GITHUB_WORKFLOW_SHA: C,
      GITHUB_JOB: '',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_NUMBER: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
      GITHUB_WORKSPACE: '/w',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
    });
  });

  test('a tag push: a tag ref, not protected; secrets available', () => {
    const github = githubContext(envelope({ name: 'push', ref: 'refs/tags/v1', before: A, after: B }), {}, { name: 'Release', file: '.github/workflows/release.yml' }, '/w');
    expect(github).toMatchObject({ ref_type: 'tag', ref_protected: false, ref_name: 'v1', secret_source: 'Actions', base_ref: '', head_ref: '' });
  });

  test('a pull request from the same repository: secrets available', () => {
    const e = envelope({ name: 'pull_request', number: 4, base: { ref: 'main', sha: A }, head: { ref: 'feat', sha: B }, mergeSha: C, fork: false });
    expect(githubContext(e, {}, { name: 'CI', file: 'ci.yml' }, '/w')).toMatchObject({ secret_source: 'Actions', ref_protected: false, ref_type: 'branch' });
  });

  test('a push to another branch is not protected', () => {
    const github = githubContext(envelope({ name: 'push', ref: 'refs/heads/dev', before: A, after: B }), {}, { name: 'CI', file: 'ci.yml' }, '/w');
    expect(github).toMatchObject({ ref_type: 'branch', ref_protected: false, ref_name: 'dev' });
  });

  test('a push to the default branch is protected', () => {
    const github = githubContext(envelope({ name: 'push', ref: 'refs/heads/main', before: A, after: B }), {}, { name: 'CI', file: 'ci.yml' }, '/w');
    expect(github).toMatchObject({ ref_type: 'branch', ref_protected: true });
  });

  test('the job id, once a job sets it, is GITHUB_JOB', () => {
    expect(defaultEnv({ job: 'build', workflow: 'CI' })).toMatchObject({ GITHUB_JOB: 'build', GITHUB_WORKFLOW: 'CI' });
  });

  test('values that are not strings become strings, absent ones empty', () => {
    expect(defaultEnv({ event_name: 3, sha: true, ref: null })).toMatchObject({ GITHUB_EVENT_NAME: '3', GITHUB_SHA: 'true', GITHUB_REF: '', GITHUB_JOB: '' });
  });
});

describe('plan flags', () => {
  test.each([
    ['https://github.com/acme/shop.git', { owner: 'acme', name: 'shop' }],
    ['git@github.com:acme/shop.git', { owner: 'acme', name: 'shop' }],
    ['https://github.com/acme/shop/', { owner: 'acme', name: 'shop' }],
    ['  https://github.com/acme/shop  ', { owner: 'acme', name: 'shop' }],
    ['https://gitlab.com/acme/shop.git', undefined],
    ['https://github.com/acme', undefined],
    ['https://github.com/acme/shop/issues', undefined],
    ['ssh://git@github.com/o/n', { owner: 'o', name: 'n' }],
    ['https://github.com/acme/shop.gitx', { owner: 'acme', name: 'shop.gitx' }],
    [undefined, undefined],
  ])('parseGithubRemote(%j)', (url, expected) => {
    expect(parseGithubRemote(url)).toEqual(expected);
  });

  test.each([
    ['{"name":"@acme/shop"}', 'shop'],
    ['{"name":"shop.web_1-x"}', 'shop.web_1-x'],
    ['{"name":"bad name"}', 'repository'],
    ['{"name":"a@b/c"}', 'repository'],
    ['{"name":"@/shop"}', 'repository'],
    ['"shop"', 'repository'],
    ['["shop"]', 'repository'],
    ['{"name":1}', 'repository'],
    ['{}', 'repository'],
    ['null', 'repository'],
    ['{', 'repository'],
    [undefined, 'repository'],
  ])('repositoryNameFromManifest(%j) = %j', (text, name) => {
    expect(repositoryNameFromManifest(text)).toBe(name);
  });

  test.each([
    ['refs/heads/main', 'refs/heads/main'],
    ['refs/tags/api@1.0.0', 'refs/tags/api@1.0.0'],
    ['feature/x', 'refs/heads/feature/x'],
    ['x-', 'refs/heads/x-'],
    ['xrefs/heads/a', 'refs/heads/xrefs/heads/a'],
    ['refs/tags/v1.0.0+build.5', 'refs/tags/v1.0.0+build.5'],
  ])('parsePushRef(%j) = %j', (ref, expected) => {
    expect(parsePushRef(ref)).toBe(expected);
  });

  test.each([
    ['refs/pull/1/head'],
    ['-x'],
    ['a b'],
    ['a~1'],
    ['refs/heads/a:b'],
    [''],
    // names git refuses (git check-ref-format): they would be planned as a push no repository can receive
    ['refs/heads/a..b'],
    ['x.lock'],
    ['refs/tags/a/.b'],
    ['a//b'],
    ['a/'],
    ['a@{1}'],
    ['a.'],
    ['a\u0001b'],
    ['refs/heads/'],
    ['refs/tags/-x'],
    ['refs/pull/1/refs/heads/x'],
    ['HEAD'],
  ])('parsePushRef(%j) is an input error', (ref) => {
    expect(() => parsePushRef(ref)).toThrow(`--ref ${JSON.stringify(ref)}: expected refs/heads/BRANCH, refs/tags/TAG or a branch name`);
  });

  test.each([
    ['main', 'main'],
    ['refs/heads/release/1', 'release/1'],
    ['x-', 'x-'],
    ['xrefs/heads/y', 'xrefs/heads/y'],
  ])('parseBranch(%j) = %j', (ref, expected) => {
    expect(parseBranch(ref)).toBe(expected);
  });

  test.each([
    ['refs/tags/v1'],
    ['-main'],
    ['a b'],
    ['a?'],
    ['refs/heads/-x'],
    ['refs/heads/a b'],
    ['b~1'],
    ['a..b'],
    ['x.lock'],
    ['a/.b'],
    ['a//b'],
    ['HEAD'],
    ['a@{1}'],
    ['refs/heads/'],
  ])('parseBranch(%j) is an input error', (ref) => {
    expect(() => parseBranch(ref)).toThrow(`--ref ${JSON.stringify(ref)}: a pull_request or merge_group targets a branch; expected a branch name or refs/heads/BRANCH`);
  });

  test('parseEventName', () => {
    expect(parseEventName('merge_group')).toBe('merge_group');
    expect(() => parseEventName('schedule')).toThrow(
      '--event "schedule": unknown event; expected one of push, pull_request, merge_group, workflow_dispatch (a tag push is --event push --ref refs/tags/NAME)',
    );
  });

  test.each<[string | undefined, { owner: string; name: string } | undefined, ReturnType<typeof parseRepository>]>([
    ['acme/shop.web', undefined, { owner: 'acme', name: 'shop.web', defaultBranch: 'trunk' }],
    [undefined, { owner: 'o', name: 'n' }, { owner: 'o', name: 'n', defaultBranch: 'trunk' }],
    [undefined, undefined, { owner: 'fallback', name: 'fallback', defaultBranch: 'trunk' }],
  ])('parseRepository(%j, %j)', (repo, fromGit, expected) => {
    expect(parseRepository(repo, fromGit, 'fallback', 'trunk')).toEqual(expected);
  });

  test.each([['acme'], ['acme/shop/x'], ['ac_me/shop'], ['acme/sh op']])('parseRepository(%j) is an input error', (repo) => {
    expect(() => parseRepository(repo, undefined, 'f', 'main')).toThrow(`--repo ${JSON.stringify(repo)}: expected OWNER/NAME as on GitHub`);
  });
});
