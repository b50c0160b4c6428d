/**
 * The `github` contexts every push decision is checked against, and the expected answer: a run
 * publishes for the default branch and the merge queue of this repository, never for a pull request
 * (same repository or fork) and never in a fork repository.
 */
const REPO = { full_name: 'acme/kodingcaravan', fork: false };
const FORK = { full_name: 'mallory/kodingcaravan', fork: true };

export const contexts = {
  'push to main': { event_name: 'push', ref: 'refs/heads/main', event: { repository: REPO } },
  'push to another branch': { event_name: 'push', ref: 'refs/heads/feature/x', event: { repository: REPO } },
  'pull request from a branch': { event_name: 'pull_request', ref: 'refs/pull/7/merge', event: { repository: REPO, pull_request: { head: { repo: REPO } } } },
  'pull request from a fork': { event_name: 'pull_request', ref: 'refs/pull/8/merge', event: { repository: REPO, pull_request: { head: { repo: FORK } } } },
  'merge queue': { event_name: 'merge_group', ref: 'refs/heads/gh-readonly-queue/main/pr-7-abc', event: { repository: REPO } },
  'push to main of a fork repository': { event_name: 'push', ref: 'refs/heads/main', event: { repository: FORK } },
  'merge queue of a fork repository': { event_name: 'merge_group', ref: 'refs/heads/gh-readonly-queue/main/pr-1-abc', event: { repository: FORK } },
} as const;

export type ContextName = keyof typeof contexts;

export const publishes: Readonly<Record<ContextName, boolean>> = {
  'push to main': true,
  'push to another branch': false,
  'pull request from a branch': false,
  'pull request from a fork': false,
  'merge queue': true,
  'push to main of a fork repository': false,
  'merge queue of a fork repository': false,
};
