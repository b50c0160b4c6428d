import { describe, expect, test } from 'vitest';
import { InputError } from '../../../scripts/core/errors.js';
import { parseEvent, ZERO_SHA } from '../../../scripts/core/changes/event.js';
import { expectedRange, type PlanInput, planComparison } from '../../../scripts/core/changes/revisions.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

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
    ['workflow_dispatch', { inputs: { services: 'a b', dry: true } }, { name: 'workflow_dispatch', inputs: { services: 'a b', dry: 'true' } }],
    ['schedule', { schedule: '0 3 * * *' }, { name: 'schedule' }],
    [undefined, { release: { tag_name: 'api@1.0.0' } }, { name: 'release', tagName: 'api@1.0.0' }],
  ])('%s %j', (name, payload, expected) => {
    expect(parseEvent('event.json', JSON.stringify(payload), name)).toEqual(expected);
  });

  test.each([
    ['push', '{not json', /event\.json: the event file is not valid JSON/],
    ['push', '[]', /must hold a JSON object/],
    ['push', JSON.stringify({ ref: 'refs/heads/main', before: 'abc', after: B }), /push event: before must be a 40-character hex commit SHA/],
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
