/**
 * An event payload is untrusted JSON: a field of the wrong JSON type (an array holding a SHA, a number
 * where a string belongs, null where an object belongs) is refused or ignored, never taken as is.
 */
import { describe, expect, test } from 'vitest';
import { inferEventName, isEventName, parseEvent } from '../../../scripts/core/changes/event.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const hint = '; pass the event payload GitHub wrote (GITHUB_EVENT_PATH) or fix --event';

describe('a field of the wrong JSON type is refused', () => {
  test.each<[string, object, string]>([
    // An array of one SHA reads as that SHA when turned into a string: it is still no string.
    ['push', { ref: 'refs/heads/x', before: [A], after: B }, 'push event: before must be a full commit SHA (40 or 64 lowercase hex characters)'],
    ['push', { ref: 7, before: A, after: B }, 'push event: ref must be a non-empty string'],
    ['push', { ref: ['refs/heads/x'], before: A, after: B }, 'push event: ref must be a non-empty string'],
    ['pull_request', { pull_request: { number: 2 ** 53, base: { sha: A }, head: { sha: B } } }, 'pull_request event: pull_request.number must be a positive integer'],
    ['pull_request', { pull_request: { number: -1, base: { sha: A }, head: { sha: B } } }, 'pull_request event: pull_request.number must be a positive integer'],
    ['pull_request', { pull_request: { number: 1, base: [{ sha: A }], head: { sha: B } } }, 'pull_request event: pull_request.base must be an object'],
    ['pull_request', { pull_request: { number: 1, base: null, head: { sha: B } } }, 'pull_request event: pull_request.base must be an object'],
    ['workflow_dispatch', { inputs: ['a'] }, 'workflow_dispatch event: inputs must be an object of input name -> value'],
    ['workflow_dispatch', { inputs: { a: { nested: 'x' } } }, 'workflow_dispatch event: inputs.a must be a string, number or boolean'],
    ['release', { release: { tag_name: '' } }, 'release event: release.tag_name must be a non-empty string'],
    ['release', { release: { tag_name: 1 } }, 'release event: release.tag_name must be a non-empty string'],
  ])('%s %j', (name, payload, message) => {
    expect(() => parseEvent('event.json', JSON.stringify(payload), name)).toThrow(`event.json: ${message}${hint}`);
  });
});

describe('an optional field of the wrong JSON type is left out', () => {
  test.each<[string, object, object]>([
    ['a merge commit SHA inside an array', { merge_commit_sha: [C] }, { mergeCommitSha: undefined }],
    ['a merge commit SHA of another case', { merge_commit_sha: C.toUpperCase() }, { mergeCommitSha: undefined }],
    ['the lowest pull request number', { number: 1 }, { number: 1 }],
  ])('%s', (_, over, expected) => {
    const payload = { pull_request: { number: 5, base: { sha: A }, head: { sha: B }, ...over } };
    expect(parseEvent('event.json', JSON.stringify(payload), 'pull_request')).toMatchObject(expected);
  });

  test.each<[string, unknown, string | undefined]>([
    ['no repository', undefined, undefined],
    ['a null repository', null, undefined],
    ['a repository that is a string', 'owner/repo', undefined],
    ['a default branch in an array', { default_branch: ['main'] }, undefined],
    ['a default branch that is a number', { default_branch: 1 }, undefined],
    ['a named default branch', { default_branch: 'trunk' }, 'trunk'],
  ])('the default branch of a push: %s', (_, repository, defaultBranch) => {
    const payload = { ref: 'refs/heads/x', before: A, after: B, repository };
    expect(parseEvent('event.json', JSON.stringify(payload), 'push')).toMatchObject({ name: 'push', defaultBranch });
  });

  test('a pull request number in the pull request wins over the one beside it', () => {
    const payload = { number: 3, pull_request: { number: 4, base: { sha: A }, head: { sha: B } } };
    expect(parseEvent('e', JSON.stringify(payload), 'pull_request')).toMatchObject({ number: 4 });
  });

  test('forced: false is GitHub saying no', () => {
    expect(parseEvent('e', JSON.stringify({ ref: 'refs/heads/x', before: A, after: B, forced: false }), 'push')).toMatchObject({ forced: false });
  });
});

describe('inferEventName reads only objects, and only fields of the right type', () => {
  test.each<[string, unknown, string | undefined]>([
    ['null', null, undefined],
    ['an array', [{ pull_request: {} }], undefined],
    ['a string', 'push', undefined],
    ['a pull_request that is not an object', { pull_request: 'x', merge_group: { base_sha: A } }, 'merge_group'],
    ['a merge_group that is not an object', { merge_group: [1], release: { tag_name: 'a@1' } }, 'release'],
    ['a release that is not an object', { release: 'a@1', before: A, after: B }, 'push'],
    ['before and after that are not strings', { before: 1, after: 2, schedule: '0 0 * * *' }, 'schedule'],
    ['only after', { after: B }, undefined],
    ['a schedule that is not a string', { schedule: null, inputs: {} }, 'workflow_dispatch'],
  ])('%s', (_, payload, name) => {
    expect(inferEventName(payload)).toBe(name);
  });
});

describe('isEventName', () => {
  test.each<[string, boolean]>([
    ['push', true],
    ['release', true],
    ['pull_request_target', false],
    ['', false],
  ])('%s: %s', (name, expected) => {
    expect(isEventName(name)).toBe(expected);
  });
});

describe('the errors name the file and the payload problem', () => {
  test('a payload that is not JSON names the parser message', () => {
    expect(() => parseEvent('ev.json', '{', 'push')).toThrow(/^ev\.json: the event file is not valid JSON \(.+\); pass the payload GitHub wrote \(GITHUB_EVENT_PATH\)$/);
  });

  test('a payload that is no object', () => {
    expect(() => parseEvent('ev.json', '"push"', 'push')).toThrow('ev.json: the event file must hold a JSON object (a GitHub event payload)');
  });

  test('pull_request_target is refused with the reason', () => {
    expect(() => parseEvent('ev.json', '{}', 'pull_request_target')).toThrow(
      'ev.json: pull_request_target is not supported (it runs untrusted code with secrets); use pull_request',
    );
  });
});
