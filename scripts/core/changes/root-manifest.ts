/**
 * The root package.json: only fields that change installs (packageManager, engines, pnpm, the
 * dependency maps, overrides, ...) make a change global; any other field (scripts, description)
 * is tooling. Fields are compared by value, not by text, so reformatting changes nothing.
 */
import { dict } from '../dict.js';
import { InputError } from '../errors.js';

export type RootManifestDiff =
  | { readonly kind: 'install'; readonly fields: readonly string[] }
  | { readonly kind: 'tooling'; readonly fields: readonly string[] }
  | { readonly kind: 'unchanged' };

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function parseObject(file: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the file`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${file}: expected a JSON object`);
  return Object.fromEntries(Object.entries(json));
}

/** `base` is undefined when the file did not exist at base (every field then counts as changed). */
export function diffRootManifest(file: string, base: string | undefined, head: string | undefined, installFields: readonly string[]): RootManifestDiff {
  const after = head === undefined ? {} : parseObject(`${file} (head)`, head);
  let before: Record<string, unknown> = dict();
  if (base !== undefined) {
    try {
      before = parseObject(`${file} (base)`, base);
    } catch {
      // A broken base is history, not the caller's input: compare against nothing.
      before = dict();
    }
  }
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => canonical(before[k]) !== canonical(after[k])).sort();
  const install = fields.filter((f) => installFields.includes(f));
  if (install.length > 0) return { kind: 'install', fields: install };
  return fields.length > 0 ? { kind: 'tooling', fields } : { kind: 'unchanged' };
}
