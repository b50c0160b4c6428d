/**
 * The root package.json: only fields that change installs (packageManager, engines, pnpm, the
 * dependency maps, overrides, ...) make a change global; any other field (scripts, description)
 * is tooling. Fields are compared by value, not by text, so reformatting changes nothing.
 */
import { dict } from '../dict.js';
import { InputError } from '../errors.js';
import { isRecord, parseJsonText } from '../json.js';
import { rootOverrideTables, rootSpecifiers } from '../workspace/overrides.js';

export type RootManifestDiff =
  | { readonly kind: 'install'; readonly fields: readonly string[] }
  | { readonly kind: 'tooling'; readonly fields: readonly string[] }
  | { readonly kind: 'unchanged' };

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: both sides are canonicalized with the same comparator, keys are never equal, and any consistent order of them compares alike (dropping the sort or the comparator is pinned by the tests)
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const parts = entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`);
    // Stryker disable next-line StringLiteral: JSON-quoted keys keep entries apart without a separator
    const body = parts.join(',');
    return `{${body}}`;
  }
  // Stryker disable next-line StringLiteral: JSON.stringify of a JSON value is never '', so any string marks a missing field
  return JSON.stringify(value) ?? 'undefined';
}

function parseObject(file: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the file`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${file}: expected a JSON object`);
  return Object.fromEntries(Object.entries(json));
}

/** The names an override's `$name` value reads from the root's own dependencies (`resolutions`, `pnpm.overrides`). */
function referencedNames(manifest: Readonly<Record<string, unknown>>): string[] {
  // Stryker disable next-line ArrayDeclaration: equivalent: a name the root has no specifier of compares equal (none at both)
  const names: string[] = [];
  for (const table of rootOverrideTables(manifest)) {
    if (!isRecord(table)) continue;
    for (const value of Object.values(table)) if (typeof value === 'string' && value.startsWith('$')) names.push(value.slice(1));
  }
  return names;
}

/**
 * The root's own specifiers an override reads through `$name` that changed (pnpm then installs the new one wherever
 * the override applies, though the override's text is the same): each as `<name> (an override's $<name>)`. The root's
 * own dependencies are otherwise tooling: no image or package installs them.
 */
function referencedSpecChanges(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): string[] {
  const names = [...new Set([...referencedNames(before), ...referencedNames(after)])].sort();
  const was = rootSpecifiers(before);
  const now = rootSpecifiers(after);
  return names.filter((name) => was.get(name) !== now.get(name)).map((name) => `${name} (an override's $${name})`);
}

/** `base` is undefined when the file did not exist at base (every field then counts as changed). */
export function diffRootManifest(file: string, base: string | undefined, head: string | undefined, installFields: readonly string[]): RootManifestDiff {
  const after = head === undefined ? {} : parseObject(`${file} (head)`, head);
  let before: Record<string, unknown> = dict();
  // Stryker disable next-line ConditionalExpression: JSON.parse(undefined) throws and the catch compares against nothing too
  if (base !== undefined) {
    try {
      // Stryker disable next-line StringLiteral: the message of a broken base is swallowed by the catch below
      before = parseObject(`${file} (base)`, base);
    } /* Stryker disable next-line BlockStatement: before is still the empty dict when parseObject throws */ catch {
      // A broken base is history, not the caller's input: compare against nothing.
      before = dict();
    }
  }
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => canonical(before[k]) !== canonical(after[k])).sort();
  const install = [...fields.filter((f) => installFields.includes(f)), ...referencedSpecChanges(before, after)];
  if (install.length > 0) return { kind: 'install', fields: install };
  return fields.length > 0 ? { kind: 'tooling', fields } : { kind: 'unchanged' };
}
