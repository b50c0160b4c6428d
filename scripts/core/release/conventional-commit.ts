/**
 * A commit message read as a Conventional Commit (conventionalcommits.org 1.0.0):
 * `type(scope)!: description`, a breaking change marked by `!` or a `BREAKING CHANGE:` /
 * `BREAKING-CHANGE:` footer, and the pull request of a squash merge, `(#123)` at the end of the subject.
 * A subject that is not a Conventional Commit is kept as it is, with type `undefined`.
 */
export interface CommitMessage {
  readonly subject: string;
  readonly body: string;
}

export interface ConventionalCommit {
  /** Lowercase (`feat`, `fix`, ...); undefined when the subject is not a Conventional Commit. */
  readonly type: string | undefined;
  readonly scope: string | undefined;
  readonly breaking: boolean;
  /** The subject after `type(scope)!: `, without the trailing `(#123)`. */
  readonly description: string;
  readonly pullRequest: number | undefined;
}

export function parseCommitMessage(message: CommitMessage): ConventionalCommit {
  // The patterns are here, not module constants, so that StrykerJS runs their mutants against the tests
  // that call this (a module-level constant is a static mutant). The subject they read is one line with
  // single spaces (below): one space after the colon, and the description, from a non-space to the end,
  // has no space at either end (the subject is trimmed, and the pull request's `\s*` takes the spaces before it).
  const HEADER = /^([A-Za-z]+)(?:\(([^()\r\n]+)\))?(!)?: (\S.*)/;
  const PULL_REQUEST = /\s*\(#([1-9][0-9]{0,9})\)$/;
  const BREAKING_FOOTER = /^BREAKING[ -]CHANGE: /m;
  // One line, as git's %s gives it (a subject paragraph's lines joined by spaces).
  const subject = message.subject.replace(/\s+/g, ' ').trim();
  const pr = PULL_REQUEST.exec(subject);
  const text = pr ? subject.slice(0, pr.index) : subject;
  const pullRequest = pr?.[1] === undefined ? undefined : Number(pr[1]);
  const footer = BREAKING_FOOTER.test(message.body);
  const m = HEADER.exec(text);
  if (!m) return { type: undefined, scope: undefined, breaking: footer, description: text, pullRequest };
  // Stryker disable next-line StringLiteral: groups 1 and 4 are not optional in HEADER, so the defaults are never taken (they narrow the types)
  const [, type = '', scope, bang, description = ''] = m;
  return { type: type.toLowerCase(), scope: scope?.trim(), breaking: bang === '!' || footer, description, pullRequest };
}
