/**
 * Which two revisions to compare for an event: a pure plan. Steps that need the repository (is
 * `before` an ancestor? what is the merge base? does the PR head have two parents?) are named in
 * the plan and carried out by io/revisions.ts against real git.
 */
import { ZERO_SHA } from '../git/commit-sha.js';
import type { GitHubEvent } from './event.js';
import { tryParseReleaseTag } from '../release/release-tag.js';

export type Strategy = 'explicit' | 'local' | 'push' | 'new-branch' | 'force-push' | 'pull-request' | 'merge-group' | 'dispatch' | 'schedule' | 'release-tag' | 'fallback-all';

export type ComparisonPlan =
  /** Tree diff base..head: no history needed, only the two commits. */
  | { readonly kind: 'range'; readonly strategy: 'explicit' | 'merge-group'; readonly base: string; readonly head: string }
  /** A push: before..after when before is an ancestor of after, else the merge base (force push). */
  | { readonly kind: 'push'; readonly before: string; readonly after: string; readonly forced: boolean | undefined; readonly defaultBranch: string }
  /** Diff against the merge base of head and `other` (a new branch, a local run). */
  | { readonly kind: 'merge-base'; readonly strategy: 'new-branch' | 'local'; readonly head: string; readonly other: string; readonly defaultBranch: string }
  /** A PR: the merge commit against its first parent; a PR head checked out directly: against the merge base with the PR base. */
  | { readonly kind: 'pull-request'; readonly head: string; readonly prBase: string; readonly prHead: string }
  | { readonly kind: 'all'; readonly strategy: 'dispatch' | 'schedule' | 'release-tag' | 'new-branch'; readonly head: string; readonly reason: string }
  | { readonly kind: 'services'; readonly strategy: 'dispatch' | 'release-tag'; readonly head: string; readonly services: readonly string[]; readonly reason: string };

export interface PlanInput {
  readonly event: GitHubEvent | undefined;
  /** --base / --head, as given. */
  readonly base: string | undefined;
  readonly head: string | undefined;
  /** GITHUB_SHA: the commit the workflow runs on (for a PR, the merge commit). */
  readonly sha: string | undefined;
  readonly defaultBranch: string;
  /** The workflow_dispatch input that selects services (space/comma separated; empty or `all` = all). */
  readonly dispatchInput: string;
}

export function planComparison(input: PlanInput): ComparisonPlan {
  const { event } = input;
  const head = input.head ?? input.sha;
  if (input.base !== undefined) return { kind: 'range', strategy: 'explicit', base: input.base, head: input.head ?? 'HEAD' };
  if (event === undefined) {
    return { kind: 'merge-base', strategy: 'local', head: input.head ?? 'HEAD', other: input.defaultBranch, defaultBranch: input.defaultBranch };
  }
  switch (event.name) {
    case 'push': {
      const defaultBranch = event.defaultBranch ?? input.defaultBranch;
      const tag = tryParseReleaseTag(event.ref);
      const after = head ?? event.after;
      // Stryker disable next-line Regex: replace removes the first match, and a ref holding refs/tags/ holds it at the start
      if (tag) return { kind: 'services', strategy: 'release-tag', head: after, services: [tag.service], reason: `release tag ${event.ref.replace(/^refs\/tags\//, '')}` };
      if (event.ref.startsWith('refs/tags/'))
        return { kind: 'all', strategy: 'release-tag', head: after, reason: `tag ${event.ref.slice(10)} is not a per-service release tag <service>@<version>` };
      if (event.before === ZERO_SHA) {
        // The default branch itself appearing (the repository's first push) has nothing to compare with.
        if (event.ref === `refs/heads/${defaultBranch}`)
          return { kind: 'all', strategy: 'new-branch', head: after, reason: `first push of the default branch ${defaultBranch}: nothing to compare with` };
        return { kind: 'merge-base', strategy: 'new-branch', head: after, other: defaultBranch, defaultBranch };
      }
      return { kind: 'push', before: event.before, after, forced: event.forced, defaultBranch };
    }
    case 'pull_request':
      return { kind: 'pull-request', head: head ?? event.mergeCommitSha ?? event.headSha, prBase: event.baseSha, prHead: event.headSha };
    case 'merge_group':
      return { kind: 'range', strategy: 'merge-group', base: event.baseSha, head: input.head ?? event.headSha };
    case 'release': {
      const tag = tryParseReleaseTag(event.tagName);
      const at = head ?? `refs/tags/${event.tagName}`;
      return tag
        ? { kind: 'services', strategy: 'release-tag', head: at, services: [tag.service], reason: `release tag ${event.tagName}` }
        : { kind: 'all', strategy: 'release-tag', head: at, reason: `release ${event.tagName} is not a per-service release tag <service>@<version>` };
    }
    case 'workflow_dispatch': {
      // Stryker disable next-line Regex: the empty pieces a single-separator split makes are filtered out
      const selected = (event.inputs[input.dispatchInput] ?? '').split(/[\s,]+/).filter((s) => s.length > 0);
      if (selected.length === 0 || (selected.length === 1 && selected[0] === 'all')) {
        return { kind: 'all', strategy: 'dispatch', head: head ?? 'HEAD', reason: 'manual run (workflow_dispatch) without a service selection' };
      }
      return {
        kind: 'services',
        strategy: 'dispatch',
        head: head ?? 'HEAD',
        services: [...new Set(selected)].sort(),
        reason: `selected in the manual run (inputs.${input.dispatchInput})`,
      };
    }
    case 'schedule':
      return { kind: 'all', strategy: 'schedule', head: head ?? 'HEAD', reason: 'scheduled run: every service is rebuilt' };
  }
}

/**
 * The two revisions a plan compares when they are known before any git lookup (an explicit range,
 * a merge group, a push that turns out not to be forced), so that the diff can start at once; the
 * resolution confirms them (same strategy) or the diff is made again from what it found. Revisions
 * that could be read as options are never guessed with.
 */
export function expectedRange(plan: ComparisonPlan): { readonly base: string; readonly head: string; readonly strategy: Strategy } | undefined {
  const safe = (rev: string) => /^[^-\s]\S*$/.test(rev);
  const range =
    plan.kind === 'range'
      ? { base: plan.base, head: plan.head, strategy: plan.strategy }
      : plan.kind === 'push'
        ? { base: plan.before, head: plan.after, strategy: 'push' as const }
        : undefined;
  return range && safe(range.base) && safe(range.head) ? range : undefined;
}
