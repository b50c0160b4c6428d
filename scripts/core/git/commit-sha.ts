/**
 * A commit SHA: the one definition the pipeline uses for `--base`/`--head`, event payloads,
 * `GITHUB_SHA`, image tags and git's own output. Full: 40 lowercase hex digits (SHA-1) or 64
 * (SHA-256, a repository made with `git init --object-format=sha256`), exactly as git prints it, with
 * nothing around it. GitHub's payloads are always SHA-1; accepting both costs nothing and keeps one rule.
 * Abbreviated: 7 to 64 hex digits, what a person types (`git rev-parse --short` gives 7 at least).
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';

declare const commitSha: unique symbol;
/** A full commit SHA, checked: made only by `isCommitSha` or `parseCommitSha`. */
export type CommitSha = string & { readonly [commitSha]: true };

const FULL = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ABBREVIATED = /^[0-9a-f]{7,64}$/;

/** The expected form, for error messages. */
export const COMMIT_SHA_FORM = 'a full commit SHA (40 or 64 lowercase hex characters)';

export function isCommitSha(value: unknown): value is CommitSha {
  return typeof value === 'string' && FULL.test(value);
}

/** The SHA, or an InputError naming `what`, the value and the form expected. */
export function parseCommitSha(value: string, what: string): CommitSha {
  if (isCommitSha(value)) return value;
  throw new InputError(`${what} ${quote(value)}: expected ${COMMIT_SHA_FORM}`);
}

/** A SHA as a person may type it: 7 to 64 lowercase hex characters (a full one included). */
export function isAbbreviatedSha(value: string): boolean {
  return ABBREVIATED.test(value);
}

/** The first `length` characters (12 by default, as the pipeline's messages print a commit). */
export function abbreviate(sha: CommitSha, length = 12): string {
  return sha.slice(0, length);
}

/** What GitHub sends as a push's `before` when the push creates the branch (its payloads are always SHA-1). */
export const ZERO_SHA: CommitSha = parseCommitSha('0'.repeat(40), 'the zero SHA');
