/**
 * A per-service release tag `<service>@<version>` (`api-gateway@1.4.0`, `course-service@2.0.0-rc.1`)
 * as a value object, in release-please's TagName style: parsed from a tag name or a `refs/tags/...`
 * ref, formatted back unchanged (round-trip tested).
 *
 * The grammar is strict because the tag reaches git, the registry (the version is an image tag) and
 * shells in workflows: the service is a lowercase folder name (`a-z`, `0-9`, single `.`, `_`, `-`
 * between them), the version strict SemVer without build metadata (version.ts), the whole tag at most
 * 128 characters (an image tag's limit, so the version always fits one). Anything else, whitespace,
 * shell metacharacters, path segments, uppercase, control characters and Unicode look-alikes
 * included, is refused. Checked against a catalog, a service not in it (`__proto__`, `constructor`)
 * is refused as unknown.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';
import { compareVersions, formatVersion, tryParseVersion, VERSION_FORM, type Version } from './version.js';

export interface ReleaseTag {
  /** The service's folder name. */
  readonly service: string;
  readonly version: Version;
}

export const MAX_TAG_LENGTH = 128;
const TAG_FORM = `<service>@${VERSION_FORM}, at most ${MAX_TAG_LENGTH} characters`;

/** What is wrong with `ref` as a release tag, or the tag. */
function read(ref: string): ReleaseTag | string {
  const name = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : ref;
  if (name.length > MAX_TAG_LENGTH) return `it is ${name.length} characters long`;
  const at = name.indexOf('@');
  if (at < 0) return 'it has no @';
  const service = name.slice(0, at);
  const version = name.slice(at + 1);
  // The pattern here, not a module constant, so that StrykerJS runs its mutants against the tests that call this.
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(service)) return `the service ${quote(service)} is not a lowercase folder name`;
  const parsed = tryParseVersion(version);
  if (parsed === undefined) return `the version ${quote(version)} is not SemVer`;
  return { service, version: parsed };
}

/** The tag, or undefined when `ref` is not a per-service release tag (a branch, `v1.0.0`, `x@v1.2.3`, ...). */
export function tryParseReleaseTag(ref: string): ReleaseTag | undefined {
  const tag = read(ref);
  return typeof tag === 'string' ? undefined : tag;
}

/**
 * The tag; an InputError naming the value and the expected form when `ref` is not one, or when
 * `services` is given and does not hold its service.
 */
export function parseReleaseTag(ref: string, services?: ReadonlySet<string>): ReleaseTag {
  const tag = read(ref);
  if (typeof tag === 'string') throw new InputError(`invalid release tag ${quote(ref)}: ${tag}; expected ${TAG_FORM}`);
  if (services !== undefined && !services.has(tag.service)) {
    throw new InputError(`invalid release tag ${quote(ref)}: unknown service ${quote(tag.service)}; expected one of ${[...services].sort().join(', ')}`);
  }
  return tag;
}

export function formatReleaseTag(tag: ReleaseTag): string {
  return `${tag.service}@${formatVersion(tag.version)}`;
}

/** Release tags of one service by version precedence; tags of different services by service name first. */
export function compareReleaseTags(a: ReleaseTag, b: ReleaseTag): number {
  if (a.service < b.service) return -1;
  if (a.service > b.service) return 1;
  return compareVersions(a.version, b.version);
}
