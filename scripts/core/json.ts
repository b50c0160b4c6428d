/** Narrowing untrusted JSON (event files, manifests, lockfiles, engine output) without casts. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
