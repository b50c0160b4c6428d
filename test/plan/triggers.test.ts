// Trigger decisions as a table: workflow `on:` filters x event facts -> runs or not (GitHub's documented rules).
import { describe, expect, test } from 'vitest';
import { decideTrigger, type EventFacts, type Triggers } from '../../scripts/plan/triggers.js';

const push = (ref: string, changedFiles?: readonly string[]): EventFacts => ({ name: 'push', ref, changedFiles });
const pr = (baseRef: string, changedFiles?: readonly string[], action = 'synchronize'): EventFacts => ({ name: 'pull_request', action, baseRef, changedFiles });

describe('decideTrigger', () => {
  test.each<[string, Triggers, EventFacts, boolean]>([
    ['no trigger for the event', { pull_request: {} }, push('refs/heads/main', []), false],
    ['bare push runs for any branch', { push: {} }, push('refs/heads/feature/x', ['a']), true],
    ['bare push runs for tags', { push: {} }, push('refs/tags/v1', undefined), true],
    ['branch filter matches', { push: { branches: ['main'] } }, push('refs/heads/main', ['a']), true],
    ['branch filter does not match', { push: { branches: ['main'] } }, push('refs/heads/dev', ['a']), false],
    ['branches-only filter never runs for a tag', { push: { branches: ['**'] } }, push('refs/tags/v1'), false],
    ['tags-only filter never runs for a branch', { push: { tags: ['v*'] } }, push('refs/heads/main', ['a']), false],
    ['tag filter matches', { push: { tags: ['*@[0-9]+.[0-9]+.[0-9]+'] } }, push('refs/tags/api@1.2.3'), true],
    ['tags-ignore excludes', { push: { 'tags-ignore': ['v*'] } }, push('refs/tags/v1'), false],
    ['branches-ignore excludes', { push: { 'branches-ignore': ['dependabot/**'] } }, push('refs/heads/dependabot/npm/x', ['a']), false],
    ['paths-ignore: all docs', { push: { branches: ['main'], 'paths-ignore': ['docs/**', '**/*.md'] } }, push('refs/heads/main', ['docs/a.md', 'README.md']), false],
    ['paths-ignore: one code file', { push: { branches: ['main'], 'paths-ignore': ['docs/**'] } }, push('refs/heads/main', ['docs/a.md', 'src/x.ts']), true],
    ['paths: no file matches', { push: { paths: ['services/**'] } }, push('refs/heads/main', ['docs/a.md']), false],
    ['paths: one file matches', { push: { paths: ['services/**'] } }, push('refs/heads/main', ['docs/a.md', 'services/a/x.ts']), true],
    ['paths with a negation', { push: { paths: ['services/**', '!services/**/*.md'] } }, push('refs/heads/main', ['services/a/README.md']), false],
    ['branch passes but paths fail', { push: { branches: ['main'], paths: ['src/**'] } }, push('refs/heads/main', ['docs/x']), false],
    ['path filters are not evaluated for tags', { push: { paths: ['src/**'] } }, push('refs/tags/v1', ['docs/x']), true],
    ['unknown changed files: path filters cannot exclude', { push: { paths: ['src/**'] } }, push('refs/heads/main', undefined), true],
    ['pull_request default types include synchronize', { pull_request: {} }, pr('main', ['a']), true],
    ['pull_request default types exclude closed', { pull_request: {} }, pr('main', ['a'], 'closed'), false],
    ['pull_request explicit types', { pull_request: { types: ['opened'] } }, pr('main', ['a']), false],
    ['pull_request branches filter the base branch', { pull_request: { branches: ['main'] } }, pr('release/1', ['a']), false],
    ['pull_request paths-ignore', { pull_request: { 'paths-ignore': ['docs/**'] } }, pr('main', ['docs/x.md']), false],
    ['merge_group runs', { merge_group: { types: ['checks_requested'] } }, { name: 'merge_group', action: 'checks_requested', baseRef: 'main' }, true],
    ['merge_group with other types', { merge_group: { types: ['destroyed'] } }, { name: 'merge_group', action: 'checks_requested', baseRef: 'main' }, false],
    ['workflow_dispatch runs when declared', { workflow_dispatch: {} }, { name: 'workflow_dispatch', ref: 'refs/heads/main' }, true],
    ['workflow_call only is not an event', { workflow_call: {} }, push('refs/heads/main', ['a']), false],
  ])('%s', (_name, triggers, event, expected) => {
    const decision = decideTrigger(triggers, event);
    expect(decision.triggered).toBe(expected);
    expect(decision.reason).not.toBe('');
  });
});

describe('decideTrigger: the reason given', () => {
  test.each<[Triggers, EventFacts, boolean, string]>([
    [{ pull_request: {}, workflow_call: {} }, push('refs/heads/main', []), false, 'no push trigger (on: pull_request, workflow_call)'],
    [{}, push('refs/heads/main', []), false, 'no push trigger (on: nothing)'],
    [{ push: {} }, push('refs/heads/main', ['a']), true, 'push to main'],
    [{ push: {} }, push('refs/tags/v1'), true, 'push of tag v1'],
    [{ push: { branches: ['main', 'release/**'] } }, push('refs/heads/main', ['a']), true, 'branch main matches main, release/**'],
    [{ push: { branches: ['main', 'release/**'] } }, push('refs/heads/dev', ['a']), false, 'branch dev does not match main, release/**'],
    [{ push: { 'branches-ignore': ['dev'] } }, push('refs/heads/dev', ['a']), false, 'branch dev is ignored by dev'],
    [{ push: { 'branches-ignore': ['dev'] } }, push('refs/heads/main', ['a']), true, 'branch main is not ignored by dev'],
    [{ push: { 'branches-ignore': ['dev'] } }, push('refs/tags/v1'), false, 'push of tag v1: the push trigger filters branches only'],
    [{ push: { 'tags-ignore': ['v*'] } }, push('refs/heads/main', ['a']), false, 'push to branch main: the push trigger filters tags only'],
    [{ push: { tags: ['v*'] } }, push('refs/tags/v1'), true, 'tag v1 matches v*'],
    [{ push: { tags: ['v*'], branches: ['main'] } }, push('refs/tags/x1'), false, 'tag x1 does not match v*'],
    [{ push: { tags: ['v*'], branches: ['main'] } }, push('refs/heads/main', ['a']), true, 'branch main matches main'],
    [{ push: { 'tags-ignore': ['v*'] } }, push('refs/tags/v1'), false, 'tag v1 is ignored by v*'],
    [{ push: { paths: ['src/**'] } }, push('refs/heads/main', ['docs/a', 'src/b', 'src/c']), true, 'src/b matches paths src/**'],
    [{ push: { paths: ['src/**', 'lib/**'] } }, push('refs/heads/main', ['docs/a', 'docs/b']), false, 'none of 2 changed files matches paths src/**, lib/**'],
    [{ push: { 'paths-ignore': ['docs/**'] } }, push('refs/heads/main', ['docs/a', 'src/b']), true, 'src/b is not in paths-ignore'],
    [{ push: { 'paths-ignore': ['docs/**', '*.md'] } }, push('refs/heads/main', ['docs/a', 'x.md']), false, 'all 2 changed files match paths-ignore docs/**, *.md'],
    [{ push: { paths: ['src/**'], 'paths-ignore': ['src/**'] } }, push('refs/heads/main', ['src/a']), true, 'src/a matches paths src/**'],
    [{ push: { paths: ['src/**'] } }, push('refs/heads/main', undefined), true, 'no comparison base, so path filters do not apply'],
    [{ push: { branches: ['main'], paths: ['src/**'] } }, push('refs/heads/main', ['src/a']), true, 'branch main matches main; src/a matches paths src/**'],
    [{ push: { branches: ['dev'], paths: ['src/**'] } }, push('refs/heads/main', ['docs/a']), false, 'branch main does not match dev'],
    [{ pull_request: {} }, pr('main', ['a'], 'opened'), true, 'pull_request opened'],
    [{ pull_request: {} }, pr('main', ['a'], 'reopened'), true, 'pull_request reopened'],
    [{ pull_request: {} }, pr('main', ['a'], 'labeled'), false, 'pull_request activity labeled is not in types opened, synchronize, reopened'],
    [{ pull_request: { types: ['labeled', 'closed'] } }, pr('main', ['a'], 'labeled'), true, 'pull_request labeled'],
    [{ pull_request: { branches: ['main'] } }, pr('main', ['a']), true, 'base branch main matches main'],
    [{ pull_request: { 'paths-ignore': ['docs/**'] } }, pr('main', ['docs/a']), false, 'all 1 changed files match paths-ignore docs/**'],
    [{ merge_group: {} }, { name: 'merge_group', action: 'checks_requested', baseRef: 'main' }, true, 'merge_group checks_requested'],
    [
      { merge_group: { types: ['destroyed'] } },
      { name: 'merge_group', action: 'checks_requested', baseRef: 'main' },
      false,
      'merge_group activity checks_requested is not in types destroyed',
    ],
    [{ merge_group: { branches: ['main'] } }, { name: 'merge_group', action: 'checks_requested', baseRef: 'dev' }, false, 'base branch dev does not match main'],
    [{ workflow_dispatch: {} }, { name: 'workflow_dispatch', ref: 'refs/heads/main' }, true, 'workflow_dispatch on refs/heads/main'],
    // Both a ref filter and a path filter must pass: the failing one is the reason.
    [{ push: { branches: ['main'], paths: ['src/**'] } }, push('refs/heads/main', ['docs/x']), false, 'none of 1 changed files matches paths src/**'],
    [
      { push: { 'branches-ignore': ['dev'], 'paths-ignore': ['docs/**'] } },
      push('refs/heads/main', ['src/a']),
      true,
      'branch main is not ignored by dev; src/a is not in paths-ignore',
    ],
    // A push that changes no file (an empty commit) runs no workflow with path filters.
    [{ push: { paths: ['**'] } }, push('refs/heads/main', []), false, 'none of 0 changed files matches paths **'],
    [{ push: { 'paths-ignore': ['docs/**'] } }, push('refs/heads/main', []), false, 'all 0 changed files match paths-ignore docs/**'],
    [{ push: { 'paths-ignore': ['docs/**'] } }, push('refs/heads/main', undefined), true, 'no comparison base, so path filters do not apply'],
    // Tag filters decide a tag push; path filters are not evaluated for it.
    [{ push: { tags: ['v*'], paths: ['src/**'] } }, push('refs/tags/v2', ['docs/x']), true, 'tag v2 matches v*'],
    [{ push: { tags: ['v*'], 'tags-ignore': ['v1'] } }, push('refs/tags/v1'), true, 'tag v1 matches v*'],
    [{ push: { branches: ['main'], 'tags-ignore': ['v*'] } }, push('refs/tags/x1'), true, 'tag x1 is not ignored by v*'],
    [{ push: { branches: ['feature/*'] } }, push('refs/heads/feature/a'), true, 'branch feature/a matches feature/*'],
    [{ pull_request: { 'branches-ignore': ['release/**'] } }, pr('release/1', ['a']), false, 'base branch release/1 is ignored by release/**'],
    [{ pull_request: { types: ['opened'], paths: ['src/**'] } }, pr('main', ['src/a'], 'opened'), true, 'src/a matches paths src/**'],
    [{ pull_request: { paths: ['src/**'] } }, pr('main', undefined), true, 'no comparison base, so path filters do not apply'],
    [{ pull_request: {} }, pr('main', ['a'], 'synchronize'), true, 'pull_request synchronize'],
    [{ merge_group: { 'branches-ignore': ['main'] } }, { name: 'merge_group', action: 'checks_requested', baseRef: 'main' }, false, 'base branch main is ignored by main'],
    [
      { merge_group: { types: ['checks_requested'], branches: ['main'] } },
      { name: 'merge_group', action: 'checks_requested', baseRef: 'main' },
      true,
      'base branch main matches main',
    ],
  ])('%j %j', (triggers, event, triggered, reason) => {
    expect(decideTrigger(triggers, event)).toEqual({ triggered, reason });
  });
});
