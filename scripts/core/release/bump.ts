/**
 * The next version of a service.
 *
 * - `auto`: from the Conventional Commits since the last release: a breaking change (`!` or a
 *   `BREAKING CHANGE:` footer) → major, a `feat` → minor, anything else → patch.
 * - `patch` | `minor` | `major`: as asked.
 * - an explicit version: must be greater than every released version of its own `major.minor` line, so
 *   a maintenance release (`1.3.5` after `1.4.0`) is possible and a released version is never reused.
 *
 * From a prerelease, a bump releases it as npm's semver does: `2.0.0-rc.1` → `2.0.0` for major
 * (minor and patch 0), minor (patch 0) and patch alike; `2.1.3-rc.1` → `3.0.0` / `2.2.0` / `2.1.3`.
 *
 * The first release (no release tag for the service yet) is the service's package.json `version`
 * when it is SemVer and at least 0.1.0 (the 12 services say 1.0.0), else 0.1.0, whatever the bump:
 * there is nothing to bump from. An explicit version is taken as it is. From then on the tags are the
 * source of truth and package.json's `version` is no longer read.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';
import { type CommitMessage, parseCommitMessage } from './conventional-commit.js';
import { compareVersions, formatVersion, tryParseVersion, type Version } from './version.js';

export type BumpKind = 'major' | 'minor' | 'patch';
export type Bump = { readonly kind: 'auto' } | { readonly kind: BumpKind } | { readonly kind: 'version'; readonly version: Version };

/** The bump `auto` chooses for these commits. */
export function autoBump(commits: readonly CommitMessage[]): BumpKind {
  const parsed = commits.map(parseCommitMessage);
  if (parsed.some((c) => c.breaking)) return 'major';
  if (parsed.some((c) => c.type === 'feat')) return 'minor';
  return 'patch';
}

/** The highest version by SemVer precedence, undefined for none. */
export function highestVersion(versions: readonly Version[]): Version | undefined {
  return versions.toSorted(compareVersions).at(-1);
}

/** The first release's version: package.json's `version` when SemVer and >= 0.1.0, else 0.1.0. */
export function firstVersion(packageVersion: string | undefined): Version {
  // Here, not a module constant, so that StrykerJS runs its mutants against the tests that call this.
  const first: Version = { major: 0, minor: 1, patch: 0, prerelease: [] };
  // Stryker disable next-line StringLiteral: any other text that is no version reads as none, as '' does
  const v = tryParseVersion(packageVersion ?? '');
  // compareVersions gives -1, 0 or 1; at 0, v is 0.1.0 as first is.
  return v !== undefined && compareVersions(v, first) !== -1 ? v : first;
}

export interface NextVersionInput {
  readonly service: string;
  /** Every released version of the service (any order); empty before its first release. */
  readonly released: readonly Version[];
  /**
   * The highest release the released commit contains: what a bump starts from. On the default branch it
   * is the highest release of all; on a maintenance branch (or an older commit) the highest of its own
   * line, so that `release-1.3` with a patch bump gives 1.3.1 and not the next patch of 2.x.
   */
  readonly from: Version | undefined;
  readonly bump: Bump;
  /** Commits to the service's inputs since its last release (for `auto`). */
  readonly commits: readonly CommitMessage[];
  /** The service's package.json `version` (for the first release). */
  readonly packageVersion: string | undefined;
}

export function nextVersion(input: NextVersionInput): Version {
  const { bump, from } = input;
  if (bump.kind === 'version') {
    const asked = bump.version;
    const line = highestVersion(input.released.filter((r) => r.major === asked.major && r.minor === asked.minor));
    if (line !== undefined && compareVersions(asked, line) <= 0) {
      throw new InputError(
        `version ${quote(formatVersion(asked))} of ${input.service} is not greater than its highest release ${quote(formatVersion(line))} in ${asked.major}.${asked.minor}: expected a higher SemVer version`,
      );
    }
    return asked;
  }
  const kind = bump.kind === 'auto' ? autoBump(input.commits) : bump.kind;
  const next = from === undefined ? firstVersion(input.packageVersion) : bumpVersion(from, kind);
  // A release the ref does not contain may hold that version, or a higher one of its line: never reused.
  const line = highestVersion(input.released.filter((r) => r.major === next.major && r.minor === next.minor));
  if (line !== undefined && compareVersions(next, line) <= 0) {
    const how =
      from === undefined
        ? 'the first version (no release that --ref contains)'
        : `a ${bump.kind === 'auto' ? `${kind} (auto)` : kind} bump from ${formatVersion(from)} (the newest release that --ref contains)`;
    throw new InputError(
      `${input.service}: ${how} gives ${formatVersion(next)}, which is not greater than ${formatVersion(line)}, released already in ${next.major}.${next.minor}; release a ref that contains ${input.service}@${formatVersion(line)}, or give --version`,
    );
  }
  return next;
}

/** The release a new version follows: the highest of `contained` (releases its commit contains) below `version`. */
export function previousRelease<T extends { readonly tag: { readonly version: Version } }>(contained: readonly T[], version: Version): T | undefined {
  return contained
    .filter((r) => compareVersions(r.tag.version, version) < 0)
    .toSorted((a, b) => compareVersions(a.tag.version, b.tag.version))
    .at(-1);
}

export function bumpVersion(v: Version, kind: BumpKind): Version {
  const pre = v.prerelease.length > 0;
  switch (kind) {
    case 'major':
      return pre && v.minor === 0 && v.patch === 0 ? stable(v.major, 0, 0) : stable(v.major + 1, 0, 0);
    case 'minor':
      return pre && v.patch === 0 ? stable(v.major, v.minor, 0) : stable(v.major, v.minor + 1, 0);
    case 'patch':
      return pre ? stable(v.major, v.minor, v.patch) : stable(v.major, v.minor, v.patch + 1);
  }
}

function stable(major: number, minor: number, patch: number): Version {
  return { major, minor, patch, prerelease: [] };
}
