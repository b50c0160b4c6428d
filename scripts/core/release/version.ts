/**
 * A release version: strict SemVer 2.0.0 (semver.org) without build metadata, because the version
 * becomes an image tag and `+` is not valid there. Lowercase only, no `v` prefix, no leading zeros,
 * numeric parts at most Number.MAX_SAFE_INTEGER.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated prerelease identifiers (`rc.1` → ['rc', 1]); empty for a stable version. */
  readonly prerelease: readonly (string | number)[];
}

const NUMBER = '(0|[1-9][0-9]*)';
const IDENTIFIER = '(?:0|[1-9][0-9]*|[0-9]*[a-z-][0-9a-z-]*)';
const VERSION = new RegExp(`^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?$`);

export const VERSION_FORM = '<major>.<minor>.<patch>[-<prerelease>] (SemVer without build metadata, e.g. 1.4.0 or 2.0.0-rc.1)';

/** The version, or undefined when `text` is not one. */
export function tryParseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  const numbers = [m[1], m[2], m[3]].map(Number);
  const [major = 0, minor = 0, patch = 0] = numbers;
  const prerelease = m[4] === undefined ? [] : m[4].split('.').map((id) => (/^[0-9]+$/.test(id) ? Number(id) : id));
  const all = [...numbers, ...prerelease.filter((id) => typeof id === 'number')];
  return all.every(Number.isSafeInteger) ? { major, minor, patch, prerelease } : undefined;
}

export function parseVersion(text: string): Version {
  const version = tryParseVersion(text);
  if (version === undefined) throw new InputError(`invalid version ${quote(text)}: expected ${VERSION_FORM}`);
  return version;
}

export function formatVersion(v: Version): string {
  const core = `${v.major}.${v.minor}.${v.patch}`;
  return v.prerelease.length === 0 ? core : `${core}-${v.prerelease.join('.')}`;
}

export function isPrerelease(v: Version): boolean {
  return v.prerelease.length > 0;
}

/** SemVer precedence (§11): -1 when a < b, 0 when equal, 1 when a > b. */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A stable version ranks above its prereleases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return Math.sign(b.prerelease.length - a.prerelease.length);
  for (const [i, x] of a.prerelease.entries()) {
    const y = b.prerelease[i];
    // b has fewer identifiers, all equal to a's first ones: a ranks higher (below).
    if (y === undefined) break;
    const order = compareIdentifiers(x, y);
    if (order !== 0) return order;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  // Numeric identifiers rank below alphanumeric ones; alphanumeric ones compare in ASCII order.
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
