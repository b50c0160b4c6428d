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
  readonly bump: Bump;
  /** Commits to the service's inputs since its last release (for `auto`). */
  readonly commits: readonly CommitMessage[];
  /** The service's package.json `version` (for the first release). */
  readonly packageVersion: string | undefined;
}

export function nextVersion(input: NextVersionInput): Version {
  const current = highestVersion(input.released);
  const { bump } = input;
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
  if (current === undefined) return firstVersion(input.packageVersion);
  return bumpVersion(current, bump.kind === 'auto' ? autoBump(input.commits) : bump.kind);
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
