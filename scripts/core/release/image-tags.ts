/**
 * The image tags a release of a service gets, given every released version of that service:
 * - a stable `1.4.0` gets `1.4.0`; `1.4` only when it is the highest `1.4.x`; `1` only when it is the
 *   highest `1.x.y`; `latest` only when it is the highest stable version;
 * - a prerelease gets its exact version only, and prereleases never hold back a floating tag.
 * So releasing `1.3.5` after `1.4.0` moves `1.3` and nothing else (docker/metadata-action moves
 * `latest` there). Releasing a version again (a re-run) gives the same tags.
 */
import { compareVersions, formatVersion, isPrerelease, type Version } from './version.js';

export function releaseImageTags(version: Version, released: readonly Version[]): string[] {
  const exact = formatVersion(version);
  if (isPrerelease(version)) return [exact];
  const stable = released.filter((v) => !isPrerelease(v));
  const highestOf = (same: (v: Version) => boolean) => stable.filter(same).every((v) => compareVersions(version, v) >= 0);
  const tags = [exact];
  if (highestOf((v) => v.major === version.major && v.minor === version.minor)) tags.push(`${version.major}.${version.minor}`);
  if (highestOf((v) => v.major === version.major)) tags.push(`${version.major}`);
  if (highestOf(() => true)) tags.push('latest');
  return tags;
}
