/**
 * Whether a USER's user part (before any `:group`) names root: `root`, or uid 0 however it is written
 * (`0`, `000`, `+0`, `-0`: the engines read a numeric user with Go's strconv.Atoi). One rule for the
 * Dockerfile policy (core/dockerfiles/policy.ts) and the built image's config (core/verify/rules.ts).
 */
export function isRootUserName(name: string): boolean {
  return name === 'root' || /^[+-]?0+$/.test(name);
}
