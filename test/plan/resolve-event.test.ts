// From the plan's flags to the event GitHub would deliver, in a real temporary repository: which commits
// (head, base, the test merge commit of a pull request), which refs, which files changed, and the input
// errors for flags that cannot describe an event.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { PlanGit } from '../../scripts/io/plan/git.js';
import { type EventFlags, resolveEvent } from '../../scripts/plan/resolve-event.js';
import { git, TempRepo } from './repo.js';

const repository = { owner: 'acme', name: 'shop', defaultBranch: 'main' };
const flags = (over: Partial<EventFlags>): EventFlags => ({
  event: 'push',
  ref: undefined,
  base: undefined,
  head: undefined,
  fork: false,
  actor: undefined,
  pr: undefined,
  repo: undefined,
  ...over,
});

// History (main checked out unless a test says otherwise):
//   root (a.txt) - second (b.txt) - mainTip (c.txt)          <- main
//                        \- feat1 (src/f.ts) - feat2 (docs/d.md)  <- feat
//                        \- clash (c.txt, other content)           <- clash
// plus refs/remotes/origin/release at `second` (no local branch `release`) and an annotated tag v1 at mainTip.
let repo: TempRepo;
let planGit: PlanGit;
const sha: Record<'root' | 'second' | 'mainTip' | 'feat1' | 'feat2' | 'clash', string> = { root: '', second: '', mainTip: '', feat1: '', feat2: '', clash: '' };

beforeAll(async () => {
  repo = new TempRepo();
  sha.root = repo.commit('root', { 'a.txt': 'a' });
  sha.second = repo.commit('second', { 'b.txt': 'b' });
  git(repo.dir, 'checkout', '-q', '-b', 'feat');
  sha.feat1 = repo.commit('feat1', { 'src/f.ts': 'f' });
  sha.feat2 = repo.commit('feat2', { 'docs/d.md': 'd' });
  git(repo.dir, 'checkout', '-q', '-b', 'clash', sha.second);
  sha.clash = repo.commit('clash', { 'c.txt': 'theirs' });
  git(repo.dir, 'checkout', '-q', 'main');
  sha.mainTip = repo.commit('mainTip', { 'c.txt': 'ours' });
  git(repo.dir, 'update-ref', 'refs/remotes/origin/release', sha.second);
  git(repo.dir, 'tag', '-a', '-m', 'v1', 'v1', sha.mainTip);
  planGit = await PlanGit.open(repo.dir);
});

afterAll(() => {
  planGit.close();
  repo.remove();
});

const resolve = (over: Partial<EventFlags>) => resolveEvent(planGit, flags(over), repository);

/** The parents of a commit, in order. */
const parents = (commit: string) => git(repo.dir, 'rev-list', '--parents', '-n', '1', commit).split(' ').slice(1);

describe('push', () => {
  test('by default: the default branch, the checked-out commit against its parent', async () => {
    expect(await resolve({})).toEqual({
      envelope: { event: { name: 'push', ref: 'refs/heads/main', before: sha.second, after: sha.mainTip }, repository, actor: 'acme' },
      base: sha.second,
      head: sha.mainTip,
      changedFiles: ['c.txt'],
    });
  });

  test('--ref, --base, --head and --actor as given: the files between the two commits', async () => {
    expect(await resolve({ ref: 'feat', base: 'main~2', head: 'feat', actor: 'octocat' })).toEqual({
      envelope: { event: { name: 'push', ref: 'refs/heads/feat', before: sha.root, after: sha.feat2 }, repository, actor: 'octocat' },
      base: sha.root,
      head: sha.feat2,
      changedFiles: ['b.txt', 'docs/d.md', 'src/f.ts'],
    });
  });

  test('a tag push is new: no base, so no changed files', async () => {
    expect(await resolve({ ref: 'refs/tags/v1' })).toEqual({
      envelope: { event: { name: 'push', ref: 'refs/tags/v1', before: undefined, after: sha.mainTip }, repository, actor: 'acme' },
      base: undefined,
      head: sha.mainTip,
      changedFiles: undefined,
    });
  });

  test('a tag push with --base compares with it', async () => {
    const r = await resolve({ ref: 'refs/tags/v1', base: 'HEAD~1' });
    expect(r.base).toBe(sha.second);
    expect(r.changedFiles).toEqual(['c.txt']);
  });

  test('the first commit has no parent: no base, no changed files', async () => {
    const r = await resolve({ head: sha.root });
    expect(r.envelope.event).toEqual({ name: 'push', ref: 'refs/heads/main', before: undefined, after: sha.root });
    expect(r.base).toBeUndefined();
    expect(r.changedFiles).toBeUndefined();
  });
});

describe('workflow_dispatch', () => {
  test('the default branch at the checked-out commit; no base, no changed files', async () => {
    expect(await resolve({ event: 'workflow_dispatch', actor: 'octocat' })).toEqual({
      envelope: { event: { name: 'workflow_dispatch', ref: 'refs/heads/main', sha: sha.mainTip }, repository, actor: 'octocat' },
      base: undefined,
      head: sha.mainTip,
      changedFiles: undefined,
    });
  });

  test('--ref names the branch (a bare name is a branch)', async () => {
    const r = await resolve({ event: 'workflow_dispatch', ref: 'feat', head: 'feat' });
    expect(r.envelope.event).toEqual({ name: 'workflow_dispatch', ref: 'refs/heads/feat', sha: sha.feat2 });
  });
});

describe('pull_request', () => {
  test('the named head branch into the default branch: a test merge commit of the two, the three-dot diff', async () => {
    const r = await resolve({ event: 'pull_request', head: 'feat' });
    if (r.envelope.event.name !== 'pull_request') throw new Error('not a pull request');
    const { mergeSha, ...event } = r.envelope.event;
    expect(event).toEqual({ name: 'pull_request', number: 1, base: { ref: 'main', sha: sha.mainTip }, head: { ref: 'feat', sha: sha.feat2 }, fork: false });
    expect(parents(mergeSha)).toEqual([sha.mainTip, sha.feat2]);
    expect(r.envelope.actor).toBe('acme');
    expect(r.base).toBe(sha.mainTip);
    expect(r.head).toBe(sha.feat2);
    // main moved on (c.txt) after feat branched: only feat's own files.
    expect(r.changedFiles).toEqual(['docs/d.md', 'src/f.ts']);
  });

  test('the checked-out branch is the head ref', async () => {
    git(repo.dir, 'checkout', '-q', 'feat');
    try {
      const r = await resolve({ event: 'pull_request', pr: '42' });
      expect(r.envelope.event).toMatchObject({ name: 'pull_request', number: 42, base: { ref: 'main', sha: sha.mainTip }, head: { ref: 'feat', sha: sha.feat2 } });
    } finally {
      git(repo.dir, 'checkout', '-q', 'main');
    }
  });

  test.each([
    ['a detached HEAD', undefined, true],
    ['a head given as a SHA', 'feat1', false],
    ['the target branch itself', 'main', false],
  ])('%s has no branch name: the head ref is pr-head', async (_name, head, detach) => {
    if (detach) git(repo.dir, 'checkout', '-q', '--detach', sha.feat1);
    try {
      const r = await resolve({ event: 'pull_request', head: head === 'feat1' ? sha.feat1 : head, base: 'HEAD~2' });
      expect(r.envelope.event).toMatchObject({ head: { ref: 'pr-head' } });
    } finally {
      if (detach) git(repo.dir, 'checkout', '-q', 'main');
    }
  });

  test('from a fork: an external actor unless --actor names one', async () => {
    const r = await resolve({ event: 'pull_request', head: 'feat', fork: true });
    expect(r.envelope.actor).toBe('external-contributor');
    expect(r.envelope.event).toMatchObject({ fork: true });
    expect((await resolve({ event: 'pull_request', head: 'feat', fork: true, actor: 'octocat' })).envelope.actor).toBe('octocat');
  });

  test('a target with only a remote-tracking branch (origin/release) is based on it', async () => {
    const r = await resolve({ event: 'pull_request', head: 'feat', ref: 'refs/heads/release' });
    expect(r.envelope.event).toMatchObject({ base: { ref: 'release', sha: sha.second } });
    expect(r.changedFiles).toEqual(['docs/d.md', 'src/f.ts']);
  });

  test('--base overrides the target branch tip', async () => {
    const r = await resolve({ event: 'pull_request', head: 'feat', base: sha.root });
    expect(r.base).toBe(sha.root);
    expect(r.envelope.event).toMatchObject({ base: { ref: 'main', sha: sha.root } });
    // The merge base of root and feat is root: everything feat added since.
    expect(r.changedFiles).toEqual(['b.txt', 'docs/d.md', 'src/f.ts']);
  });

  test.each([
    [{ ref: 'nope' }, 'pull_request into nope: no local branch nope or origin/nope; pass --base REV'],
    [{}, 'pull_request: HEAD does not merge cleanly into main; GitHub runs no pull_request workflows until the conflicts are resolved'],
    [{ head: 'clash' }, 'pull_request: clash does not merge cleanly into main; GitHub runs no pull_request workflows until the conflicts are resolved'],
    [{ head: 'feat', pr: '0' }, '--pr "0": expected a pull request number (a positive integer)'],
    [{ head: 'feat', pr: '1234567890' }, '--pr "1234567890": expected a pull request number (a positive integer)'],
    [{ head: 'feat', pr: '7x' }, '--pr "7x": expected a pull request number (a positive integer)'],
    [{ head: 'feat', pr: '07' }, '--pr "07": expected a pull request number (a positive integer)'],
    [{ head: 'feat', pr: '-7' }, '--pr "-7": expected a pull request number (a positive integer)'],
    // A GitHub login: letters, digits and single hyphens, 39 at most; an app's ends in [bot].
    [
      { head: 'feat', actor: 'evil\n::set-output name=x::y' },
      '--actor "evil\\n::set-output name=x::y": expected a GitHub login (letters, digits and -, e.g. octocat or dependabot[bot])',
    ],
    [{ head: 'feat', actor: '' }, '--actor "": expected a GitHub login (letters, digits and -, e.g. octocat or dependabot[bot])'],
    [{ head: 'feat', actor: '-lead' }, '--actor "-lead": expected a GitHub login (letters, digits and -, e.g. octocat or dependabot[bot])'],
    [{ head: 'feat', actor: 'a'.repeat(40) }, `--actor "${'a'.repeat(40)}": expected a GitHub login (letters, digits and -, e.g. octocat or dependabot[bot])`],
  ])('%j is an input error', async (over, message) => {
    git(repo.dir, 'checkout', '-q', 'clash');
    try {
      const error = await resolve({ event: 'pull_request', ...over }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toHaveProperty('message', message);
    } finally {
      git(repo.dir, 'checkout', '-q', 'main');
    }
  });

  test.each(['octocat', 'dependabot[bot]', 'a-b-1', 'octo-cat-99', 'a'.repeat(39), `${'a'.repeat(39)}[bot]`])('--actor %s is a login', async (actor) => {
    expect((await resolve({ event: 'pull_request', head: 'feat', actor })).envelope.actor).toBe(actor);
  });

  test('the largest accepted number has nine digits', async () => {
    expect((await resolve({ event: 'pull_request', head: 'feat', pr: '987654321' })).envelope.event).toMatchObject({ number: 987654321 });
  });
});

describe('merge_group', () => {
  test('the queued commit on its parent, into the default branch', async () => {
    expect(await resolve({ event: 'merge_group' })).toEqual({
      envelope: { event: { name: 'merge_group', number: 1, baseRef: 'main', baseSha: sha.second, headSha: sha.mainTip }, repository, actor: 'acme' },
      base: sha.second,
      head: sha.mainTip,
      changedFiles: ['c.txt'],
    });
  });

  test('--ref, --pr, --base and --head as given', async () => {
    expect(await resolve({ event: 'merge_group', ref: 'release', pr: '5', base: sha.root, head: 'feat' })).toEqual({
      envelope: { event: { name: 'merge_group', number: 5, baseRef: 'release', baseSha: sha.root, headSha: sha.feat2 }, repository, actor: 'acme' },
      base: sha.root,
      head: sha.feat2,
      changedFiles: ['b.txt', 'docs/d.md', 'src/f.ts'],
    });
  });

  test('a head without a parent is an input error, named as given', async () => {
    const error = await resolve({ event: 'merge_group', head: sha.root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('message', `merge_group: ${sha.root} has no parent to queue on; pass --base REV`);
  });

  test('a checked-out head without a parent is an input error about HEAD', async () => {
    git(repo.dir, 'checkout', '-q', '--detach', sha.root);
    try {
      const error = await resolve({ event: 'merge_group' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toHaveProperty('message', 'merge_group: HEAD has no parent to queue on; pass --base REV');
    } finally {
      git(repo.dir, 'checkout', '-q', 'main');
    }
  });
});

describe('flags that describe no event', () => {
  test.each([
    [{ head: 'nope' }, '--head nope: not a commit in this repository; pass a branch, tag or SHA that exists (git fetch it first)'],
    [{ base: 'nope' }, '--base nope: not a commit in this repository; pass a branch, tag or SHA that exists (git fetch it first)'],
    [{ fork: true }, '--fork: only a pull_request comes from a fork (got --event push)'],
    [{ event: 'merge_group', fork: true }, '--fork: only a pull_request comes from a fork (got --event merge_group)'],
    [{ pr: '3' }, '--pr: only for --event pull_request or merge_group'],
    [{ event: 'workflow_dispatch', pr: '3' }, '--pr: only for --event pull_request or merge_group'],
    [
      { event: 'release' },
      '--event "release": unknown event; expected one of push, pull_request, merge_group, workflow_dispatch (a tag push is --event push --ref refs/tags/NAME)',
    ],
    [{ event: 'merge_group', ref: 'refs/tags/v1' }, '--ref "refs/tags/v1": a pull_request or merge_group targets a branch; expected a branch name or refs/heads/BRANCH'],
  ])('%j', async (over, message) => {
    const error = await resolve(over).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('message', message);
  });
});
