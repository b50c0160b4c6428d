/**
 * Carries out a comparison plan (core/changes/revisions.ts) against the repository: resolves the
 * revisions, fetches the single commits a shallow checkout lacks (`git fetch --depth=1 origin <sha>`:
 * a tree diff needs no history; a complete clone fetches them with their history and stays complete), checks ancestry, finds merge bases. When a revision cannot be had,
 * the result is "every service", with the reason, never a silent guess.
 */
import { InputError } from '../core/errors.js';
import { isCommitSha } from '../core/git/commit-sha.js';
import type { ComparisonPlan, Strategy } from '../core/changes/revisions.js';
import type { Git } from './git.js';

export type Resolution =
  | { readonly kind: 'diff'; readonly strategy: Strategy; readonly base: string; readonly head: string; readonly warnings: readonly string[] }
  | { readonly kind: 'all'; readonly strategy: Strategy; readonly head: string; readonly reason: string; readonly warnings: readonly string[] }
  | {
      readonly kind: 'services';
      readonly strategy: Strategy;
      readonly head: string;
      readonly services: readonly string[];
      readonly reason: string;
      readonly warnings: readonly string[];
    };

/** How much history to fetch when a merge base lies beyond a shallow clone's edge. */
const MERGE_BASE_DEPTH = 200;

class Unavailable extends Error {}

/** The commit, fetching it alone from origin when it is a SHA the local clone lacks. */
async function commitOf(git: Git, rev: string, what: string): Promise<string> {
  const local = await git.resolveCommit(rev);
  if (local) return local;
  if (isCommitSha(rev) && (await git.fetch([rev], 1))) {
    const fetched = await git.resolveCommit(rev);
    if (fetched) return fetched;
  }
  throw new Unavailable(`${what} ${rev} is not in this clone and \`git fetch ${git.shallow ? '--depth=1 ' : ''}origin ${rev}\` could not get it`);
}

/** A branch name as a commit: the remote-tracking branch first, then a local one, fetched if need be. */
async function branchCommit(git: Git, branch: string): Promise<string | undefined> {
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`, branch]) {
    const sha = await git.resolveCommit(ref);
    if (sha) return sha;
  }
  if (await git.fetch([`+refs/heads/${branch}:refs/remotes/origin/${branch}`], MERGE_BASE_DEPTH)) return git.resolveCommit(`refs/remotes/origin/${branch}`);
  return undefined;
}

async function mergeBaseOf(git: Git, a: string, b: string): Promise<string | undefined> {
  const found = await git.mergeBase(a, b);
  if (found || !git.shallow) return found;
  // The merge base lies beyond the edge of the shallow clone: fetch some history of both and retry.
  if (!(await git.fetch([a, b], MERGE_BASE_DEPTH))) return undefined;
  return git.mergeBase(a, b);
}

async function explicit(git: Git, rev: string, flag: string): Promise<string> {
  try {
    return await commitOf(git, rev, flag);
  } catch (err) {
    if (err instanceof Unavailable) {
      throw new InputError(`${flag} ${JSON.stringify(rev)}: unknown revision in ${git.root}; expected a commit SHA, branch or tag that exists here (fetch it first)`);
    }
    throw err;
  }
}

export async function resolvePlan(git: Git, plan: ComparisonPlan): Promise<Resolution> {
  const warnings: string[] = [];
  if (plan.kind === 'range' && plan.strategy === 'explicit') {
    // Both looked up in one round trip; what is missing is fetched in turn (two fetches at once would race on .git/shallow).
    const [localHead, localBase] = await Promise.all([git.resolveCommit(plan.head), git.resolveCommit(plan.base)]);
    const head = localHead ?? (await explicit(git, plan.head, '--head'));
    const base = localBase ?? (await explicit(git, plan.base, '--base'));
    return { kind: 'diff', strategy: 'explicit', base, head, warnings };
  }
  if (plan.kind === 'merge-base' && plan.strategy === 'local') {
    const head = await explicit(git, plan.head, '--head');
    const other = await branchCommit(git, plan.other);
    const base = other === undefined ? undefined : await mergeBaseOf(git, other, head);
    if (base === undefined) {
      throw new InputError(`no base to compare with: branch ${plan.other} (the default branch) is not here or shares no history with ${plan.head}; pass --base REV`);
    }
    if (base === head) warnings.push(`${plan.head} is on ${plan.other}: nothing to compare; pass --base REV to compare with an older revision`);
    return { kind: 'diff', strategy: 'local', base, head, warnings };
  }

  let head: string;
  let strategy: Strategy;
  switch (plan.kind) {
    case 'range':
    case 'merge-base':
      strategy = plan.strategy;
      break;
    case 'push':
      strategy = 'push';
      break;
    case 'pull-request':
      strategy = 'pull-request';
      break;
    case 'all':
    case 'services':
      strategy = plan.strategy;
      break;
  }
  const headRev = plan.kind === 'push' ? plan.after : plan.head;
  try {
    head = await commitOf(git, headRev, 'head commit');
  } catch (err) {
    if (!(err instanceof Unavailable)) throw err;
    if (plan.kind !== 'all' && plan.kind !== 'services') throw new InputError(`${err.message}; check out the commit the event names (actions/checkout does)`);
    // A release whose tag is not fetched: the checked-out commit is the release.
    head = await explicit(git, 'HEAD', 'HEAD');
  }
  try {
    switch (plan.kind) {
      case 'all':
        return { kind: 'all', strategy, head, reason: plan.reason, warnings };
      case 'services':
        return { kind: 'services', strategy, head, services: plan.services, reason: plan.reason, warnings };
      case 'range':
        return { kind: 'diff', strategy, base: await commitOf(git, plan.base, 'merge group base'), head, warnings };
      case 'merge-base': {
        const other = await branchCommit(git, plan.other);
        if (other === undefined) throw new Unavailable(`the default branch ${plan.other} could not be fetched`);
        const base = await mergeBaseOf(git, other, head);
        if (base === undefined) throw new Unavailable(`no merge base between ${plan.other} and ${head} (history not available)`);
        return { kind: 'diff', strategy, base, head, warnings };
      }
      case 'pull-request': {
        // GitHub's test merge commit has the base branch as first parent and the PR head as second: then
        // the first parent is exactly what the PR changes. A PR head that is itself a merge (main merged
        // into the branch) is not that commit, and is compared with its merge base instead.
        const parents = await git.parents(head);
        if (parents.length === 2 && parents[0] !== undefined && parents[1] === plan.prHead && head !== plan.prHead) {
          return { kind: 'diff', strategy, base: await commitOf(git, parents[0], "the merge commit's first parent"), head, warnings };
        }
        // The PR head itself is checked out (not GitHub's merge commit): compare with the merge base.
        const prBase = await commitOf(git, plan.prBase, 'pull request base');
        const base = await mergeBaseOf(git, prBase, head);
        if (base === undefined) throw new Unavailable(`no merge base between the pull request base ${plan.prBase} and ${head}`);
        return { kind: 'diff', strategy, base, head, warnings };
      }
      case 'push': {
        const before = await commitOf(git, plan.before, 'push before');
        const forced = plan.forced ?? (await git.isAncestor(before, head)) === false;
        if (!forced) return { kind: 'diff', strategy: 'push', base: before, head, warnings };
        // A tree diff needs no shared history: comparing before..after directly also counts what the
        // dropped commits changed (their services' images hold code the branch no longer has), which a
        // merge base would miss.
        warnings.push(`force push: ${before.slice(0, 12)} is not an ancestor of ${head.slice(0, 12)}; comparing the two trees directly`);
        return { kind: 'diff', strategy: 'force-push', base: before, head, warnings };
      }
    }
  } catch (err) {
    if (!(err instanceof Unavailable)) throw err;
    return {
      kind: 'all',
      strategy: 'fallback-all',
      head,
      reason: `${err.message}: every service is affected`,
      warnings: [...warnings, `${strategy}: ${err.message}; falling back to every service`],
    };
  }
}
