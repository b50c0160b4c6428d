/**
 * The slow path of the lockfile comparison, for a lockfile that is not in the layout pnpm writes
 * (re-indented, flow style, written by another tool). Both sides are parsed with `yaml`, written back
 * in pnpm's layout (two-space block mappings, keys sorted), and compared as `diffLockfiles` compares
 * pnpm's own text: the change is attributed to importers exactly, instead of affecting everything.
 *
 * Only reached when `segmentLockfile` refused a side, so a lockfile pnpm wrote never loads the YAML
 * library (`commands/affected.ts` imports this module on demand). Keys are sorted on both sides, so a
 * tool that only reorders a mapping changes nothing; a YAML mapping has no order.
 */
import { parse, stringify } from 'yaml';
import { InputError } from '../errors.js';
import { diffLockfiles, type LockfileDiff, LockfileShapeError, lockfileDocuments, segmentLockfile, splitLockfiles } from './lockfile.js';

/** A side that is not YAML at all (a conflict marker, a broken indent): the caller's to fix. */
export interface InvalidLockfileYaml {
  readonly kind: 'invalid-yaml';
  readonly side: 'base' | 'head';
  readonly detail: string;
}

type Canonical = { readonly text: string } | { readonly error: string; readonly yaml: boolean };

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The lockfile's value written in pnpm's layout; an error when it is no YAML, or no mapping. */
export function canonicalLockfile(text: string): Canonical {
  let value: unknown;
  try {
    // `merge`: pnpm reads the lockfile with js-yaml, whose schema merges a `<<` key's mapping into its parent.
    value = parse(text, { schema: 'failsafe', merge: true, uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    // Stryker disable next-line LogicalOperator: split always yields a first element, and YAML's messages without prettyErrors are one line
    return { error: err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err), yaml: false };
  }
  if (!isMapping(value)) return { error: `the document is ${value === null ? 'empty' : Array.isArray(value) ? 'a sequence' : `a ${typeof value}`}, not a mapping`, yaml: true };
  // Every scalar stays the text it was (the failsafe schema: `1.10` is no number 1.1, which would name
  // another snapshot); pnpm quotes with single quotes and never folds a line; an object met twice is
  // written twice, not as an alias.
  const out = stringify(value, { schema: 'failsafe', indent: 2, lineWidth: 0, minContentWidth: 0, singleQuote: true, sortMapEntries: true, aliasDuplicateObjects: false });
  return { text: out };
}

/** `diffLockfiles` over both sides re-read as YAML. */
export function diffLockfilesAsYaml(baseText: string | undefined, headText: string | undefined): LockfileDiff | InvalidLockfileYaml {
  // The configuration document pnpm reads before the lockfile's (lockfileDocuments), compared as text.
  const documents = splitLockfiles(baseText, headText);
  if ('kind' in documents) return documents;
  const sides: Array<['base' | 'head', string | undefined]> = [
    ['head', documents.head],
    ['base', documents.base],
  ];
  const canonical: { base?: string; head?: string } = {};
  for (const [side, text] of sides) {
    if (text === undefined) continue;
    const read = canonicalLockfile(text);
    if ('error' in read) return read.yaml ? { kind: 'unreadable', side, detail: read.error } : { kind: 'invalid-yaml', side, detail: read.error };
    canonical[side] = read.text;
  }
  // Written from parsed YAML: no anchor or alias is left to look for.
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent on every text the tests make: the search finds nothing in text written from parsed YAML (line breaks become block scalars, indicators are quoted); the flag keeps a text it would misread from coming back here
  return diffLockfiles(canonical.base, canonical.head, { aliasFree: true });
}

/**
 * The comparison whatever the layout: pnpm's own text on the fast path, YAML otherwise. A side that is
 * not YAML is reported as unreadable, like a side that is not a lockfile (for callers that treat both
 * the same way: everything affected).
 */
export function diffLockfilesAnyLayout(baseText: string | undefined, headText: string | undefined): LockfileDiff {
  const fast = diffLockfiles(baseText, headText);
  if (fast.kind !== 'unreadable') return fast;
  const slow = diffLockfilesAsYaml(baseText, headText);
  return slow.kind === 'invalid-yaml' ? { kind: 'unreadable', side: slow.side, detail: `not valid YAML: ${slow.detail}` } : slow;
}

/**
 * The lockfile in the layout pnpm writes, which the line-based reader needs: as it is, or re-read as YAML
 * when another tool wrote it (re-indented, anchors, flow style), as `affected` does (`pnpm audit:deps`). Not YAML
 * at all, or no lockfile: an InputError.
 */
export function lockfileInPnpmLayout(whole: string): { readonly text: string; readonly aliasFree: boolean } {
  const text = lockfileDocuments(whole).main;
  // Stryker disable BlockStatement: equivalent for the catch block emptied: segmentLockfile throws nothing but LockfileShapeError (the rethrow is for bugs)
  const readable = (t: string, aliasFree: boolean): boolean => {
    try {
      // Stryker disable next-line ObjectLiteral: equivalent: the YAML path's text holds no anchor, searched or not
      segmentLockfile(t, { aliasFree });
      return true;
    } catch (err) {
      // Stryker disable next-line ConditionalExpression: equivalent for true: segmentLockfile throws nothing but LockfileShapeError (the rethrow is for bugs)
      if (err instanceof LockfileShapeError) return false;
      throw err;
    }
  };
  // Stryker restore BlockStatement
  if (readable(text, false)) return { text, aliasFree: false };
  const canonical = canonicalLockfile(text);
  if ('error' in canonical) throw new InputError(`pnpm-lock.yaml: not a lockfile pnpm can read (${canonical.error}); run pnpm install to write it again`);
  // Stryker disable next-line BooleanLiteral: equivalent: the YAML path's text holds no anchor, searched or not
  if (!readable(canonical.text, true)) throw new InputError('pnpm-lock.yaml: not a pnpm v9 lockfile; run pnpm install to write it again');
  return { text: canonical.text, aliasFree: true };
}
