/**
 * From the command's flags to a concrete event: which commits, which refs, which files changed.
 * Defaults describe "what CI does for the last commit": --ref the default branch, --head HEAD, --base
 * HEAD~1 when it exists (a first commit has no base: `before` is all zeros, as for a new branch).
 */
import { InputError } from '../core/errors.js';
import { isGitBranchName } from '../core/git/ref-name.js';
import { EVENT_NAMES, type EventEnvelope, type EventName, type PlanEvent, type Repository } from './event.js';
import type { ChangedFiles } from './triggers.js';

/** The git questions an event's resolution asks (scripts/io/plan/git.ts answers them). */
export interface EventGit {
  /** The commit `rev` names, or undefined. */
  resolveCommit(rev: string): Promise<string | undefined>;
  /** The checked-out branch's name; undefined on a detached HEAD. */
  currentBranch(): Promise<string | undefined>;
  mergeBase(a: string, b: string): Promise<string | undefined>;
  /** Every path that differs between the two commits. */
  changedFiles(base: string, head: string): Promise<string[]>;
  /** The merge of `head` into `base` as GitHub's test merge commit; undefined on conflicts. */
  mergeCommit(base: string, head: string): Promise<string | undefined>;
}

export interface EventFlags {
  readonly event: string;
  readonly ref: string | undefined;
  readonly base: string | undefined;
  readonly head: string | undefined;
  readonly fork: boolean;
  readonly actor: string | undefined;
  readonly pr: string | undefined;
  readonly repo: string | undefined;
}

export interface ResolvedEvent {
  readonly envelope: EventEnvelope;
  readonly base: string | undefined;
  readonly head: string;
  readonly changedFiles: ChangedFiles;
}

async function resolveFlag(git: EventGit, flag: string, rev: string): Promise<string> {
  const sha = await git.resolveCommit(rev);
  if (!sha) throw new InputError(`${flag} ${rev}: not a commit in this repository; pass a branch, tag or SHA that exists (git fetch it first)`);
  return sha;
}

/** `refs/heads/<name>` if it exists locally, else `origin/<name>`, else undefined. */
async function branchTip(git: EventGit, name: string): Promise<string | undefined> {
  return (await git.resolveCommit(`refs/heads/${name}`)) ?? (await git.resolveCommit(`refs/remotes/origin/${name}`));
}

/** `owner/name` from a GitHub remote URL (https or ssh), if it is one. */
export function parseGithubRemote(url: string | undefined): { owner: string; name: string } | undefined {
  const m = url === undefined ? null : /github\.com[:/]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m?.[1] && m[2] ? { owner: m[1], name: m[2] } : undefined;
}

/** Without a GitHub remote, the repository is named after the root package (`--repo` overrides). */
export function repositoryNameFromManifest(text: string | undefined): string {
  let manifest: unknown;
  // Stryker disable BlockStatement: an emptied catch leaves manifest undefined all the same (an emptied try is killed, but shares this range)
  try {
    // Stryker disable next-line ConditionalExpression: JSON.parse(undefined) throws, and the catch gives the same undefined
    manifest = text === undefined ? undefined : JSON.parse(text);
  } catch {
    manifest = undefined;
  }
  // Stryker restore BlockStatement
  // Stryker disable next-line StringLiteral: any other fallback than '' is no valid name either, so the result is 'repository' too
  const name = typeof manifest === 'object' && manifest !== null && 'name' in manifest && typeof manifest.name === 'string' ? manifest.name : '';
  const bare = name.replace(/^@[^/]+\//, '');
  return /^[A-Za-z0-9._-]+$/.test(bare) ? bare : 'repository';
}

export function parseEventName(name: string): EventName {
  const known = EVENT_NAMES.find((n) => n === name);
  if (!known) throw new InputError(`--event ${JSON.stringify(name)}: unknown event; expected one of ${EVENT_NAMES.join(', ')} (a tag push is --event push --ref refs/tags/NAME)`);
  return known;
}

/** A pushed ref: `refs/heads/x`, `refs/tags/x`, or a bare branch name; a name git would refuse is an input error. */
export function parsePushRef(ref: string): string {
  const full = ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
  // Stryker disable next-line Regex: equivalent without $: (.*) with /s reaches the end anyway
  const name = /^refs\/(?:heads|tags)\/(.*)$/s.exec(full)?.[1];
  if (name !== undefined && isGitBranchName(name)) return full;
  throw new InputError(`--ref ${JSON.stringify(ref)}: expected refs/heads/BRANCH, refs/tags/TAG or a branch name`);
}

/** The target branch of a pull request or merge queue: a branch name (refs/heads/ is accepted). */
export function parseBranch(ref: string): string {
  const name = ref.replace(/^refs\/heads\//, '');
  if (name.startsWith('refs/') || !isGitBranchName(name)) {
    throw new InputError(`--ref ${JSON.stringify(ref)}: a pull_request or merge_group targets a branch; expected a branch name or refs/heads/BRANCH`);
  }
  return name;
}

function parseNumber(pr: string | undefined): number {
  if (pr === undefined) return 1;
  if (!/^[1-9][0-9]{0,8}$/.test(pr)) throw new InputError(`--pr ${JSON.stringify(pr)}: expected a pull request number (a positive integer)`);
  return Number(pr);
}

export function parseRepository(repo: string | undefined, fromGit: { owner: string; name: string } | undefined, fallbackName: string, defaultBranch: string): Repository {
  if (repo !== undefined) {
    const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(repo);
    if (!m?.[1] || !m[2]) throw new InputError(`--repo ${JSON.stringify(repo)}: expected OWNER/NAME as on GitHub`);
    return { owner: m[1], name: m[2], defaultBranch };
  }
  return { ...(fromGit ?? { owner: fallbackName, name: fallbackName }), defaultBranch };
}

/** A GitHub login: letters and digits in runs joined by single hyphens, 39 at most; an app's ends in `[bot]`. */
const LOGIN = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:\[bot\])?$/;

function checkActor(actor: string | undefined): void {
  if (actor === undefined) return;
  // Stryker disable next-line Regex: equivalent without $ (LOGIN allows [bot] only at the end)
  if (!LOGIN.test(actor) || actor.replace(/\[bot\]$/, '').length > 39) {
    throw new InputError(`--actor ${JSON.stringify(actor)}: expected a GitHub login (letters, digits and -, e.g. octocat or dependabot[bot])`);
  }
}

export async function resolveEvent(git: EventGit, flags: EventFlags, repository: Repository): Promise<ResolvedEvent> {
  checkActor(flags.actor);
  const name = parseEventName(flags.event);
  const head = await resolveFlag(git, '--head', flags.head ?? 'HEAD');
  const explicitBase = flags.base !== undefined ? await resolveFlag(git, '--base', flags.base) : undefined;
  const owner = repository.owner;
  const envelope = (event: PlanEvent, actor = owner): EventEnvelope => ({ event, repository, actor: flags.actor ?? actor });
  if (flags.fork && name !== 'pull_request') throw new InputError(`--fork: only a pull_request comes from a fork (got --event ${name})`);
  if (flags.pr !== undefined && name !== 'pull_request' && name !== 'merge_group') throw new InputError(`--pr: only for --event pull_request or merge_group`);

  switch (name) {
    case 'push': {
      const ref = parsePushRef(flags.ref ?? `refs/heads/${repository.defaultBranch}`);
      const isTag = ref.startsWith('refs/tags/');
      // A new tag is pushed with `before` all zeros; a branch push compares with the previous commit.
      const base = explicitBase ?? (isTag ? undefined : await git.resolveCommit(`${head}~1`));
      return { envelope: envelope({ name, ref, before: base, after: head }), base, head, changedFiles: base ? await git.changedFiles(base, head) : undefined };
    }
    case 'workflow_dispatch': {
      const ref = parsePushRef(flags.ref ?? `refs/heads/${repository.defaultBranch}`);
      return { envelope: envelope({ name, ref, sha: head }), base: undefined, head, changedFiles: undefined };
    }
    case 'pull_request': {
      const target = parseBranch(flags.ref ?? repository.defaultBranch);
      const base = explicitBase ?? (await branchTip(git, target));
      if (!base) throw new InputError(`pull_request into ${target}: no local branch ${target} or origin/${target}; pass --base REV`);
      const current = flags.head === undefined ? await git.currentBranch() : (await git.resolveCommit(`refs/heads/${flags.head}`)) !== undefined ? flags.head : undefined;
      const headRef = current && current !== target ? current : 'pr-head';
      const mergeSha = await git.mergeCommit(base, head);
      if (!mergeSha)
        throw new InputError(`pull_request: ${flags.head ?? 'HEAD'} does not merge cleanly into ${target}; GitHub runs no pull_request workflows until the conflicts are resolved`);
      const forkBase = (await git.mergeBase(base, head)) ?? base;
      const number = parseNumber(flags.pr);
      const event: PlanEvent = { name, number, base: { ref: target, sha: base }, head: { ref: headRef, sha: head }, mergeSha, fork: flags.fork };
      // The files a pull request changes: its head against the merge base (a three-dot diff).
      return { envelope: envelope(event, flags.fork ? 'external-contributor' : owner), base, head, changedFiles: await git.changedFiles(forkBase, head) };
    }
    case 'merge_group': {
      const target = parseBranch(flags.ref ?? repository.defaultBranch);
      const base = explicitBase ?? (await git.resolveCommit(`${head}~1`));
      if (!base) throw new InputError(`merge_group: ${flags.head ?? 'HEAD'} has no parent to queue on; pass --base REV`);
      const event: PlanEvent = { name, number: parseNumber(flags.pr), baseRef: target, baseSha: base, headSha: head };
      return { envelope: envelope(event), base, head, changedFiles: await git.changedFiles(base, head) };
    }
  }
}
