/** Reading back the reasons core/changes/lockfile.ts writes (a small file: the report needs it on the hot path, not the lockfile parser). */

/**
 * The package a lockfile reason names (core/changes/lockfile.ts writes them):
 * `pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0`, `… zod depends on x@1, which changed`,
 * `… zod (zod@3.23.0) re-resolved`, `… catalog entry default/zod changed` → `zod`.
 */
export function packageOfLockReason(reason: string): string | undefined {
  const body = reason.replace(/^pnpm-lock\.yaml: /, '');
  const m =
    /^(?:dependencies|devDependencies|optionalDependencies|peerDependencies) (\S+) /.exec(body) ??
    /^catalog entry [^/]+\/(\S+) changed$/.exec(body) ??
    /^(\S+) (?:depends on|\()/.exec(body);
  return m?.[1];
}
