/**
 * The `github` contexts every push decision is checked against, and the expected answer: a run
 * publishes only for a push to the default branch of the publishing repository (publishRepository in
 * the pipeline config, even when GitHub calls it a fork), never for a pull request (same repository or
 * fork), a merge-queue candidate (built and verified only) or another repository.
 */
const REPO = { full_name: 'kodingcaravan/kodingcaravan', fork: false };
const FORK = { full_name: 'mallory/kodingcaravan', fork: true };
/** The publishing repository itself, made on GitHub as a fork of another one. */
const CANONICAL_FORK = { full_name: 'kodingcaravan/kodingcaravan', fork: true };

export const contexts = {
  'push to main': { event_name: 'push', ref: 'refs/heads/main', repository: REPO.full_name, event: { repository: REPO } },
  'push to another branch': { event_name: 'push', ref: 'refs/heads/feature/x', repository: REPO.full_name, event: { repository: REPO } },
  'pull request from a branch': {
    event_name: 'pull_request',
    ref: 'refs/pull/7/merge',
    repository: REPO.full_name,
    event: { repository: REPO, pull_request: { head: { repo: REPO } } },
  },
  'pull request from a fork': {
    event_name: 'pull_request',
    ref: 'refs/pull/8/merge',
    repository: REPO.full_name,
    event: { repository: REPO, pull_request: { head: { repo: FORK } } },
  },
  'merge queue': { event_name: 'merge_group', ref: 'refs/heads/gh-readonly-queue/main/pr-7-abc', repository: REPO.full_name, event: { repository: REPO } },
  'push to main of a fork repository': { event_name: 'push', ref: 'refs/heads/main', repository: FORK.full_name, event: { repository: FORK } },
  'merge queue of a fork repository': { event_name: 'merge_group', ref: 'refs/heads/gh-readonly-queue/main/pr-1-abc', repository: FORK.full_name, event: { repository: FORK } },
  'push to main of the publishing repository, itself a GitHub fork': {
    event_name: 'push',
    ref: 'refs/heads/main',
    repository: CANONICAL_FORK.full_name,
    event: { repository: CANONICAL_FORK },
  },
} as const;

export type ContextName = keyof typeof contexts;

export const publishes: Readonly<Record<ContextName, boolean>> = {
  'push to main': true,
  'push to another branch': false,
  'pull request from a branch': false,
  'pull request from a fork': false,
  'merge queue': false,
  'push to main of a fork repository': false,
  'merge queue of a fork repository': false,
  'push to main of the publishing repository, itself a GitHub fork': true,
};
