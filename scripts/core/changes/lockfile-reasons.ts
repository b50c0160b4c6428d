/** Reading back the reasons core/changes/lockfile.ts writes (a small file: the report needs it on the hot path, not the lockfile parser). */

/**
 * The package a lockfile reason names (core/changes/lockfile.ts writes them):
 * `pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0`, `… zod depends on x@1, which changed`,
 * `… zod (zod@3.23.0) re-resolved`, `… catalog entry default/zod changed` → `zod`.
 */
export function packageOfLockReason(reason: string): string | undefined {
  // Stryker disable next-line Regex: callers pass only reasons that start with the prefix (report.ts filters), so the first match is at the start
  const body = reason.replace(/^pnpm-lock\.yaml: /, '');
  const m =
    /^(?:dependencies|devDependencies|optionalDependencies|peerDependencies) (\S+) /.exec(body) ??
    // Stryker disable next-line Regex: a catalog reason lockfile.ts writes starts with 'catalog entry' and ends with 'changed'; no other reason holds those words (package names hold no space)
    /^catalog entry [^/]+\/(\S+) changed$/.exec(body) ??
    // Stryker disable next-line Regex: the reasons left for this pattern ('new importer', 'importer entry changed') hold neither ' depends on' nor ' ('
    /^(\S+) (?:depends on|\()/.exec(body);
  return m?.[1];
}
