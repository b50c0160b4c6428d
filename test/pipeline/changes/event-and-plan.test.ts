import { describe, expect, test } from 'vitest';
import { parseCommitSha, ZERO_SHA } from '../../../scripts/core/git/commit-sha.js';
import { InputError } from '../../../scripts/core/errors.js';
import { parseEvent } from '../../../scripts/core/changes/event.js';
import { expectedRange, type PlanInput, planComparison } from '../../../scripts/core/changes/revisions.js';

const A = parseCommitSha('a'.repeat(40), 'test SHA');
const B = parseCommitSha('b'.repeat(40), 'test SHA');
const C = parseCommitSha('c'.repeat(40), 'test SHA');

describe('parseEvent', () => {
  test.each([
    [
      'push',
      { ref: 'refs/heads/main', before: A, after: B, forced: true, repository: { default_branch: 'trunk' } },
      { name: 'push', ref: 'refs/heads/main', before: A, after: B, forced: true, defaultBranch: 'trunk' },
    ],
    [undefined, { ref: 'refs/heads/x', before: A, after: B }, { name: 'push', ref: 'refs/heads/x', before: A, after: B, forced: undefined, defaultBranch: undefined }],
    [
      'pull_request',
      { number: 7, pull_request: { number: 7, base: { sha: A }, head: { sha: B }, merge_commit_sha: C } },
      { name: 'pull_request', number: 7, baseSha: A, headSha: B, mergeCommitSha: C, defaultBranch: undefined },
    ],
    [undefined, { merge_group: { base_sha: A, head_sha: B } }, { name: 'merge_group', baseSha: A, headSha: B }],
    ['merge_group', { merge_group: { base_sha: 'a'.repeat(64), head_sha: B } }, { name: 'merge_group', baseSha: 'a'.repeat(64), headSha: B }],
    ['workflow_dispatch', { inputs: { services: 'a b', dry: true } }, { name: 'workflow_dispatch', inputs: { services: 'a b', dry: 'true' } }],
    ['schedule', { schedule: '0 3 * * *' }, { name: 'schedule' }],
    [undefined, { release: { tag_name: 'api@1.0.0' } }, { name: 'release', tagName: 'api@1.0.0' }],
  ])('%s %j', (name, payload, expected) => {
    expect(parseEvent('event.json', JSON.stringify(payload), name)).toEqual(expected);
  });

  test.each([
    ['push', '{not json', /event\.json: the event file is not valid JSON/],
    ['push', '[]', /must hold a JSON object/],
    ['push', JSON.stringify({ ref: 'refs/heads/main', before: 'abc', after: B }), /push event: before must be a full commit SHA \(40 or 64 lowercase hex characters\)/],
    ['pull_request', JSON.stringify({ pull_request: { number: 1, base: {}, head: { sha: B } } }), /pull_request\.base\.sha must be/],
    ['merge_group', JSON.stringify({}), /merge_group must be an object/],
    ['release', JSON.stringify({ release: {} }), /release\.tag_name must be a non-empty string/],
    [undefined, JSON.stringify({ hello: 1 }), /cannot tell which event/],
    ['issues', JSON.stringify({}), /unsupported event "issues"/],
    ['pull_request_target', JSON.stringify({}), /pull_request_target is not supported/],
  ])('%s %s is rejected', (name, text, message) => {
    expect(() => parseEvent('event.json', text, name)).toThrow(InputError);
    expect(() => parseEvent('event.json', text, name)).toThrow(message);
  });
});

const base: PlanInput = { event: undefined, base: undefined, head: undefined, sha: undefined, defaultBranch: 'main', dispatchInput: 'services' };
const push = (over: object) => ({ name: 'push' as const, ref: 'refs/heads/feature', before: A, after: B, forced: undefined, defaultBranch: undefined, ...over });

describe('planComparison', () => {
  test.each<[string, Partial<PlanInput>, object]>([
    ['explicit base and head', { base: 'v1', head: 'v2', event: push({}) }, { kind: 'range', strategy: 'explicit', base: 'v1', head: 'v2' }],
    ['explicit base only', { base: 'HEAD~3' }, { kind: 'range', strategy: 'explicit', base: 'HEAD~3', head: 'HEAD' }],
    ['no event: local', {}, { kind: 'merge-base', strategy: 'local', head: 'HEAD', other: 'main' }],
    ['push', { event: push({}) }, { kind: 'push', before: A, after: B, forced: undefined, defaultBranch: 'main' }],
    ['push, GITHUB_SHA wins', { event: push({}), sha: C }, { kind: 'push', before: A, after: C }],
    ['forced push', { event: push({ forced: true, defaultBranch: 'trunk' }) }, { kind: 'push', forced: true, defaultBranch: 'trunk' }],
    ['new branch', { event: push({ before: ZERO_SHA, ref: 'refs/heads/feature/x' }) }, { kind: 'merge-base', strategy: 'new-branch', head: B, other: 'main' }],
    [
      'first push of the default branch',
      { event: push({ before: ZERO_SHA, ref: 'refs/heads/main' }) },
      { kind: 'all', strategy: 'new-branch', head: B, reason: 'first push of the default branch main: nothing to compare with' },
    ],
    ['release tag push', { event: push({ ref: 'refs/tags/api-gateway@1.2.3' }) }, { kind: 'services', strategy: 'release-tag', services: ['api-gateway'] }],
    ['other tag push', { event: push({ ref: 'refs/tags/v1.2.3' }) }, { kind: 'all', strategy: 'release-tag' }],
    // Tags the strict release-tag grammar refuses (a v prefix, build metadata) rebuild every service.
    ['v-prefixed service tag push', { event: push({ ref: 'refs/tags/api-gateway@v1.2.3' }) }, { kind: 'all', strategy: 'release-tag' }],
    ['service tag with build metadata', { event: push({ ref: 'refs/tags/api-gateway@1.2.3+b1' }) }, { kind: 'all', strategy: 'release-tag' }],
    ['prerelease tag push', { event: push({ ref: 'refs/tags/chat-service@2.0.0-rc.1' }) }, { kind: 'services', strategy: 'release-tag', services: ['chat-service'] }],
    [
      'pull request: merge commit',
      { event: { name: 'pull_request', number: 3, baseSha: A, headSha: B, mergeCommitSha: C, defaultBranch: undefined } },
      { kind: 'pull-request', head: C, prBase: A, prHead: B },
    ],
    [
      'pull request: GITHUB_SHA',
      { event: { name: 'pull_request', number: 3, baseSha: A, headSha: B, mergeCommitSha: undefined, defaultBranch: undefined }, sha: C },
      { kind: 'pull-request', head: C, prBase: A, prHead: B },
    ],
    ['merge group', { event: { name: 'merge_group', baseSha: A, headSha: B } }, { kind: 'range', strategy: 'merge-group', base: A, head: B }],
    ['dispatch, no input', { event: { name: 'workflow_dispatch', inputs: {} } }, { kind: 'all', strategy: 'dispatch' }],
    ['dispatch, all', { event: { name: 'workflow_dispatch', inputs: { services: 'all' } } }, { kind: 'all', strategy: 'dispatch' }],
    ['dispatch, some', { event: { name: 'workflow_dispatch', inputs: { services: 'b-svc, a-svc b-svc' } } }, { kind: 'services', services: ['a-svc', 'b-svc'] }],
    ['schedule', { event: { name: 'schedule' } }, { kind: 'all', strategy: 'schedule' }],
    ['release', { event: { name: 'release', tagName: 'chat-service@1.0.0' } }, { kind: 'services', services: ['chat-service'], head: 'refs/tags/chat-service@1.0.0' }],
  ])('%s', (_, input, expected) => {
    expect(planComparison({ ...base, ...input })).toMatchObject(expected);
  });
});

describe('expectedRange: the two revisions to diff before any lookup', () => {
  const plan = (over: Partial<PlanInput>) =>
    planComparison({ event: undefined, base: undefined, head: undefined, sha: undefined, defaultBranch: 'main', dispatchInput: 'services', ...over });
  const event = (name: string, payload: object) => parseEvent('event.json', JSON.stringify(payload), name);

  test.each<[string, ReturnType<typeof plan>, ReturnType<typeof expectedRange>]>([
    ['--base and --head', plan({ base: A, head: B }), { base: A, head: B, strategy: 'explicit' }],
    ['--base alone: head is HEAD', plan({ base: 'main' }), { base: 'main', head: 'HEAD', strategy: 'explicit' }],
    ['a push', plan({ event: event('push', { ref: 'refs/heads/main', before: A, after: B }) }), { base: A, head: B, strategy: 'push' }],
    ['a merge group', plan({ event: event('merge_group', { merge_group: { base_sha: A, head_sha: B } }) }), { base: A, head: B, strategy: 'merge-group' }],
    ['a new branch: the merge base is not known yet', plan({ event: event('push', { ref: 'refs/heads/x', before: ZERO_SHA, after: B }) }), undefined],
    [
      'a pull request: the merge commit is read first',
      plan({ event: event('pull_request', { number: 1, pull_request: { number: 1, base: { sha: A }, head: { sha: B } } }) }),
      undefined,
    ],
    ['a local run: the merge base with main', plan({}), undefined],
    ['a revision that git would read as an option', plan({ base: '--output=/tmp/x', head: B }), undefined],
    ['a revision with a space', plan({ base: 'a b', head: B }), undefined],
  ])('%s', (_, p, want) => {
    expect(expectedRange(p)).toEqual(want);
  });
});

describe('planComparison, whole plans with their reasons', () => {
  const plan = (over: Partial<PlanInput>) => planComparison({ ...base, ...over });
  test.each<[string, Partial<PlanInput>, ReturnType<typeof planComparison>]>([
    [
      'a release tag push',
      { event: push({ ref: 'refs/tags/api@1.2.3' }) },
      { kind: 'services', strategy: 'release-tag', head: B, services: ['api'], reason: 'release tag api@1.2.3' },
    ],
    [
      'another tag push',
      { event: push({ ref: 'refs/tags/v1.2.3' }) },
      { kind: 'all', strategy: 'release-tag', head: B, reason: 'tag v1.2.3 is not a per-service release tag <service>@<version>' },
    ],
    [
      'a release of a service',
      { event: { name: 'release', tagName: 'api@2.0.0' } },
      { kind: 'services', strategy: 'release-tag', head: 'refs/tags/api@2.0.0', services: ['api'], reason: 'release tag api@2.0.0' },
    ],
    [
      'a release that names no service, checked out at GITHUB_SHA',
      { event: { name: 'release', tagName: 'v2' }, sha: C },
      { kind: 'all', strategy: 'release-tag', head: C, reason: 'release v2 is not a per-service release tag <service>@<version>' },
    ],
    [
      'a dispatch without a selection',
      { event: { name: 'workflow_dispatch', inputs: { services: ' , ' } } },
      { kind: 'all', strategy: 'dispatch', head: 'HEAD', reason: 'manual run (workflow_dispatch) without a service selection' },
    ],
    [
      'a dispatch of one service, at --head',
      { event: { name: 'workflow_dispatch', inputs: { services: 'api' } }, head: C },
      { kind: 'services', strategy: 'dispatch', head: C, services: ['api'], reason: 'selected in the manual run (inputs.services)' },
    ],
    [
      'a dispatch of all and one more is a selection',
      { event: { name: 'workflow_dispatch', inputs: { services: 'all,,api' } } },
      { kind: 'services', strategy: 'dispatch', head: 'HEAD', services: ['all', 'api'], reason: 'selected in the manual run (inputs.services)' },
    ],
    ['a scheduled run', { event: { name: 'schedule' } }, { kind: 'all', strategy: 'schedule', head: 'HEAD', reason: 'scheduled run: every service is rebuilt' }],
    ['a scheduled run at GITHUB_SHA', { event: { name: 'schedule' }, sha: C }, { kind: 'all', strategy: 'schedule', head: C, reason: 'scheduled run: every service is rebuilt' }],
  ])('%s', (_, input, expected) => {
    expect(plan(input)).toEqual(expected);
  });
});

describe('parseEvent: what each field must be', () => {
  const pr = (over: object) => JSON.stringify({ number: 7, pull_request: { number: 7, base: { sha: A }, head: { sha: B }, ...over } });
  const hint = '; pass the event payload GitHub wrote (GITHUB_EVENT_PATH) or fix --event';
  test.each<[string | undefined, string, string]>([
    ['push', JSON.stringify({ before: A, after: B }), 'push event: ref must be a non-empty string'],
    ['push', JSON.stringify({ ref: '', before: A, after: B }), 'push event: ref must be a non-empty string'],
    ['push', JSON.stringify({ ref: 'refs/heads/x', before: A, after: 'B'.repeat(40) }), 'push event: after must be a full commit SHA (40 or 64 lowercase hex characters)'],
    ['push', JSON.stringify({ ref: 'refs/heads/x', before: A, after: 7 }), 'push event: after must be a full commit SHA (40 or 64 lowercase hex characters)'],
    ['pull_request', JSON.stringify({ number: 1 }), 'pull_request event: pull_request must be an object'],
    ['pull_request', pr({ number: 0 }), 'pull_request event: pull_request.number must be a positive integer'],
    ['pull_request', pr({ number: 1.5 }), 'pull_request event: pull_request.number must be a positive integer'],
    ['pull_request', pr({ number: '3' }), 'pull_request event: pull_request.number must be a positive integer'],
    ['pull_request', pr({ head: {} }), 'pull_request event: pull_request.head.sha must be a full commit SHA (40 or 64 lowercase hex characters)'],
    ['pull_request', pr({ head: 'x' }), 'pull_request event: pull_request.head must be an object'],
    ['merge_group', JSON.stringify({ merge_group: { base_sha: A } }), 'merge_group event: merge_group.head_sha must be a full commit SHA (40 or 64 lowercase hex characters)'],
    ['merge_group', JSON.stringify({ merge_group: { head_sha: B } }), 'merge_group event: merge_group.base_sha must be a full commit SHA (40 or 64 lowercase hex characters)'],
    ['workflow_dispatch', JSON.stringify({ inputs: 'x' }), 'workflow_dispatch event: inputs must be an object of input name -> value'],
    ['workflow_dispatch', JSON.stringify({ inputs: { a: [1] } }), 'workflow_dispatch event: inputs.a must be a string, number or boolean'],
    ['release', JSON.stringify({}), 'release event: release must be an object'],
  ])('%s %s: %s', (name, text, message) => {
    expect(() => parseEvent('event.json', text, name)).toThrow(`event.json: ${message}${hint}`);
  });

  test('a pull request number may come from the payload; a merge commit SHA that is not one is ignored; a default branch must be named', () => {
    const payload = { number: 9, pull_request: { base: { sha: A }, head: { sha: B }, merge_commit_sha: 'not-a-sha' }, repository: { default_branch: '' } };
    expect(parseEvent('e', JSON.stringify(payload), 'pull_request')).toEqual({
      name: 'pull_request',
      number: 9,
      baseSha: A,
      headSha: B,
      mergeCommitSha: undefined,
      defaultBranch: undefined,
    });
  });

  test('dispatch inputs: numbers and booleans as strings, null left out', () => {
    expect(parseEvent('e', JSON.stringify({ inputs: { n: 3, b: false, s: 'x', gone: null } }), 'workflow_dispatch')).toEqual({
      name: 'workflow_dispatch',
      inputs: { n: '3', b: 'false', s: 'x' },
    });
    expect(parseEvent('e', JSON.stringify({}), 'workflow_dispatch')).toEqual({ name: 'workflow_dispatch', inputs: {} });
  });

  test('push: forced only when GitHub says so as a boolean', () => {
    expect(parseEvent('e', JSON.stringify({ ref: 'refs/heads/x', before: A, after: B, forced: 'yes' }), 'push')).toMatchObject({ forced: undefined });
  });

  test.each<[object, string]>([
    [
      { ref: 'r', before: A },
      'event.json: cannot tell which event this payload is; set GITHUB_EVENT_NAME to one of: push, pull_request, merge_group, workflow_dispatch, schedule, release',
    ],
    [{ schedule: 3 }, 'event.json: cannot tell which event this payload is'],
  ])('%j is no event it can tell', (payload, message) => {
    expect(() => parseEvent('event.json', JSON.stringify(payload), undefined)).toThrow(message);
  });

  test.each<[object, string]>([
    [{ schedule: '0 3 * * *' }, 'schedule'],
    [{ inputs: {} }, 'workflow_dispatch'],
    [{ inputs: null }, 'workflow_dispatch'],
    [{ before: A, after: B, ref: 'refs/heads/x', inputs: {} }, 'push'],
    [{ release: { tag_name: 'a@1' }, before: A, after: B }, 'release'],
  ])('%j is inferred as %s', (payload, name) => {
    expect(parseEvent('event.json', JSON.stringify(payload), undefined).name).toBe(name);
  });

  test('an unsupported event name lists the supported ones', () => {
    expect(() => parseEvent('e', '{}', 'issues')).toThrow(
      'unsupported event "issues"; expected one of: push, pull_request, merge_group, workflow_dispatch, schedule, release, or pass --base/--head',
    );
  });
});
