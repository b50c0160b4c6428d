/**
 * Whole comparison plans for the cases the event tables check only in part: which head each event
 * compares (--head, GITHUB_SHA, the payload), which default branch a new branch is compared with.
 */
import { describe, expect, test } from 'vitest';
import { type CommitSha, parseCommitSha, ZERO_SHA } from '../../../scripts/core/git/commit-sha.js';
import type { GitHubEvent } from '../../../scripts/core/changes/event.js';
import { expectedRange, type PlanInput, planComparison } from '../../../scripts/core/changes/revisions.js';

const A = parseCommitSha('a'.repeat(40), 'test SHA');
const B = parseCommitSha('b'.repeat(40), 'test SHA');
const C = parseCommitSha('c'.repeat(40), 'test SHA');
const D = parseCommitSha('d'.repeat(40), 'test SHA');

const input = (over: Partial<PlanInput>): PlanInput => ({
  event: undefined,
  base: undefined,
  head: undefined,
  sha: undefined,
  defaultBranch: 'main',
  dispatchInput: 'services',
  ...over,
});
const push = (over: Partial<Extract<GitHubEvent, { name: 'push' }>>): GitHubEvent => ({
  name: 'push',
  ref: 'refs/heads/feature',
  before: A,
  after: B,
  forced: undefined,
  defaultBranch: undefined,
  ...over,
});
const pr = (mergeCommitSha: CommitSha | undefined): GitHubEvent => ({ name: 'pull_request', number: 1, baseSha: A, headSha: B, mergeCommitSha, defaultBranch: undefined });

describe('planComparison: the whole plan', () => {
  test.each<[string, Partial<PlanInput>, ReturnType<typeof planComparison>]>([
    ['a local run at --head', { head: C }, { kind: 'merge-base', strategy: 'local', head: C, other: 'main', defaultBranch: 'main' }],
    ['a local run with another default branch', { defaultBranch: 'trunk' }, { kind: 'merge-base', strategy: 'local', head: 'HEAD', other: 'trunk', defaultBranch: 'trunk' }],
    ['--base wins over the event, head stays --head', { base: A, head: C, event: pr(D) }, { kind: 'range', strategy: 'explicit', base: A, head: C }],
    ['--base with GITHUB_SHA set: head is HEAD, not GITHUB_SHA', { base: A, sha: C }, { kind: 'range', strategy: 'explicit', base: A, head: 'HEAD' }],
    [
      'a new branch: compared with the default branch the payload names',
      { event: push({ before: ZERO_SHA, defaultBranch: 'trunk' }) },
      { kind: 'merge-base', strategy: 'new-branch', head: B, other: 'trunk', defaultBranch: 'trunk' },
    ],
    ['a new branch at --head', { event: push({ before: ZERO_SHA }), head: C }, { kind: 'merge-base', strategy: 'new-branch', head: C, other: 'main', defaultBranch: 'main' }],
    [
      'the first push of the default branch the payload names',
      { event: push({ before: ZERO_SHA, ref: 'refs/heads/trunk', defaultBranch: 'trunk' }) },
      { kind: 'all', strategy: 'new-branch', head: B, reason: 'first push of the default branch trunk: nothing to compare with' },
    ],
    [
      'a branch whose name holds the default branch is a new branch, not the first push',
      { event: push({ before: ZERO_SHA, ref: 'refs/heads/main-2' }) },
      { kind: 'merge-base', strategy: 'new-branch', head: B, other: 'main', defaultBranch: 'main' },
    ],
    ['a push', { event: push({ forced: false }) }, { kind: 'push', before: A, after: B, forced: false, defaultBranch: 'main' }],
    ['a push at --head', { event: push({}), head: D, sha: C }, { kind: 'push', before: A, after: D, forced: undefined, defaultBranch: 'main' }],
    ['a pull request with no merge commit and no GITHUB_SHA: its head', { event: pr(undefined) }, { kind: 'pull-request', head: B, prBase: A, prHead: B }],
    ['a pull request at --head', { event: pr(D), head: C }, { kind: 'pull-request', head: C, prBase: A, prHead: B }],
    ['a merge group at --head', { event: { name: 'merge_group', baseSha: A, headSha: B }, head: C }, { kind: 'range', strategy: 'merge-group', base: A, head: C }],
    ['a merge group ignores GITHUB_SHA', { event: { name: 'merge_group', baseSha: A, headSha: B }, sha: C }, { kind: 'range', strategy: 'merge-group', base: A, head: B }],
    [
      'a release tag push at GITHUB_SHA',
      { event: push({ ref: 'refs/tags/api@1.0.0' }), sha: C },
      { kind: 'services', strategy: 'release-tag', head: C, services: ['api'], reason: 'release tag api@1.0.0' },
    ],
    [
      'a dispatch reads the input named by the caller',
      { event: { name: 'workflow_dispatch', inputs: { services: 'a', only: 'b' } }, dispatchInput: 'only' },
      { kind: 'services', strategy: 'dispatch', head: 'HEAD', services: ['b'], reason: 'selected in the manual run (inputs.only)' },
    ],
    [
      'a dispatch at GITHUB_SHA',
      { event: { name: 'workflow_dispatch', inputs: {} }, sha: C },
      { kind: 'all', strategy: 'dispatch', head: C, reason: 'manual run (workflow_dispatch) without a service selection' },
    ],
    [
      'a dispatch selecting services separated by tabs and newlines',
      { event: { name: 'workflow_dispatch', inputs: { services: 'b\ta\n' } }, sha: C },
      { kind: 'services', strategy: 'dispatch', head: C, services: ['a', 'b'], reason: 'selected in the manual run (inputs.services)' },
    ],
  ])('%s', (_, over, expected) => {
    expect(planComparison(input(over))).toEqual(expected);
  });
});

describe('expectedRange refuses a head git would read as an option', () => {
  test.each<[string, Partial<PlanInput>]>([
    ['--head', { base: A, head: '-p' }],
    ['a push whose after is an option (from --head)', { event: push({}), head: '--all' }],
  ])('%s', (_, over) => {
    expect(expectedRange(planComparison(input(over)))).toBeUndefined();
  });

  test('a merge group range is the group base and head', () => {
    expect(expectedRange(planComparison(input({ event: { name: 'merge_group', baseSha: A, headSha: B } })))).toEqual({ base: A, head: B, strategy: 'merge-group' });
  });

  test.each<[string, Partial<PlanInput>]>([
    ['a release', { event: { name: 'release', tagName: 'api@1.0.0' } }],
    ['a schedule', { event: { name: 'schedule' } }],
    ['a dispatch', { event: { name: 'workflow_dispatch', inputs: {} } }],
  ])('%s has no range: nothing to diff', (_, over) => {
    expect(expectedRange(planComparison(input(over)))).toBeUndefined();
  });
});
