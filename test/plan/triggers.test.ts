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
