/** Reading back the reasons core/changes/lockfile.ts writes (a small file: the report needs it on the hot path, not the lockfile parser). */

/**
 * The package a lockfile reason names (core/changes/lockfile.ts writes them):
 * `pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0`, `… zod depends on x@1, which changed`,
 * `… zod (zod@3.23.0) re-resolved`, `… catalog entry default/zod changed` → `zod`; undefined for the
 * reasons that name none (`new importer`, `importer entry changed`).
 */
export function packageOfLockReason(reason: string): string | undefined {
  // Stryker disable next-line Regex: callers pass only reasons that start with the prefix (report.ts filters), so the first match is at the start
  const body = reason.replace(/^pnpm-lock\.yaml: /, '');
  const field = '(?:dependencies|devDependencies|optionalDependencies|peerDependencies)';
  // Each form whole, anchored at both ends (a package may be named `dependencies`, and a version or a
  // specifier may hold spaces), with the package's name as group 1. Made here, not at module level, so
  // that the tests of this function measure them.
  const forms = [
    // `dependencies zod 3.23.0 added`, `… removed`
    new RegExp(`^${field} (\\S+) .+ (?:added|removed)$`),
    // `dependencies zod 3.22.0 -> 3.23.0`, `dependencies zod specifier ^3.22.0 -> ^3.23.0`
    new RegExp(`^${field} (\\S+) .+ -> .+$`),
    /^catalog entry [^/]+\/(\S+) changed$/,
    // A snapshot key may hold a space (`x@file:../my pkg`).
    /^(\S+) \(.+\) re-resolved$/,
    /^(\S+) depends on .+, which changed$/,
  ];
  for (const form of forms) {
    const m = form.exec(body);
    if (m) return m[1];
  }
  return undefined;
}
