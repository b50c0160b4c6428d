/** Narrowing untrusted JSON (event files, manifests, lockfiles, engine output) without casts. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse of a file's text as pnpm reads it: a UTF-8 byte order mark before the JSON is left out (strip-bom). */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
