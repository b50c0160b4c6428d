/**
 * pnpm-lock.yaml (v9) compared per importer: which workspace packages' resolved dependency closure
 * changed between two revisions.
 *
 * The lockfile is cut into entries by indentation, the layout pnpm writes (importers, packages,
 * snapshots, catalogs, each entry a block at two spaces), and entries are compared as text; only the
 * entries that differ, and the snapshot edges when a resolved package changed, are parsed. So the
 * cost follows the size of the change, and no YAML library is loaded. An importer is affected when
 * its own entry changed (a dependency added, removed or re-resolved), when a catalog entry it uses
 * changed, or when its closure in head reaches a changed package or snapshot: if it reaches none,
 * every entry it reaches is identical in base and head, so its base closure is the same too.
 */
import { firstAnchorOrAlias } from './yaml-anchors.js';

export interface LockfileDoc {
  readonly version: string;
  /** Raw text of the top-level keys that are not entry maps (settings, overrides, ...). */
  readonly other: ReadonlyMap<string, string>;
  readonly importers: ReadonlyMap<string, string>;
  readonly packages: ReadonlyMap<string, string>;
  readonly snapshots: ReadonlyMap<string, string>;
  /** `<catalog>\0<dependency>` -> raw text. */
  readonly catalogs: ReadonlyMap<string, string>;
}

export class LockfileShapeError extends Error {
  override readonly name = 'LockfileShapeError';
}

const ENTRY_MAPS = ['importers', 'packages', 'snapshots'] as const;
type EntryMap = (typeof ENTRY_MAPS)[number];

/** A YAML key or scalar as pnpm writes it: plain, 'single' ('' escapes a quote) or "double" quoted. */
export function unquote(text: string): string {
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1).replaceAll("''", "'");
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // YAML has escapes JSON has not (`\x41`, `\e`): not pnpm's layout, so the caller's YAML path reads it.
      throw new LockfileShapeError(`a double-quoted scalar JSON cannot read: ${text}`);
    }
    // Stryker disable next-line ConditionalExpression: true is equivalent: a text in double quotes that JSON.parse accepts is a string
    if (typeof value === 'string') return value;
  }
  return text;
}

// Stryker disable next-line Regex: static (module-level), so StrykerJS runs it only with the first test that imports this module; the key tests in test/pipeline/changes/lockfile*.test.ts fail on each variant
const QUOTED_KEY = /^('(?:[^']|'')*'|"(?:[^"\\]|\\.)*"):(?: (.*))?$/;
// Stryker disable next-line Regex: static (module-level), so StrykerJS runs it only with the first test that imports this module; the key tests in test/pipeline/changes/lockfile*.test.ts fail on each variant
const PLAIN_KEY = /^([^'"\s#][\s\S]*?):(?: (.*))?$/;

/** `key: value` or `key:` at the start of `text` (indentation removed). */
function splitKey(text: string, line: number): { key: string; value: string | undefined } {
  const quoted = QUOTED_KEY.exec(text);
  const m = quoted ?? PLAIN_KEY.exec(text);
  // Stryker disable next-line ConditionalExpression: group 1 is not optional in either regex, so m[1] === undefined never holds once m matched
  if (!m || m[1] === undefined) throw new LockfileShapeError(`line ${line}: expected "key:" or "key: value", got ${JSON.stringify(text.slice(0, 80))}`);
  // YAML drops the spaces before a plain key's colon (`b : 1.0.0` is the key b) and merges a `<<` key's map into
  // its parent (pnpm reads both so, with js-yaml): pnpm writes neither, so the YAML path reads them.
  if (!quoted && (m[1] === '<<' || /\s$/.test(m[1]))) throw new LockfileShapeError(`line ${line}: a key pnpm does not write: ${JSON.stringify(text.slice(0, 80))}`);
  // `key:` (no group 2) and `key: ` (an empty one) both have no value.
  return { key: unquote(m[1]), value: m[2] || undefined };
}

/** JavaScript's whitespace (what String#trimStart removes) other than the space, by code: a line indented with them takes the slow path. */
function isOtherSpace(c: number): boolean {
  return (
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a shortcut before trimStart: saying true for a character that is no whitespace changes nothing (trimStart removes none of it); of the EqualityOperator mutants only `c < 13` is equivalent (a carriage return never gets here: segmentLockfile refuses a text holding one first), `c > 9`, `c < 9` and `c > 13` fail the other-whitespace rows (s17)
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut before trimStart: saying true for a character that is no whitespace changes nothing (trimStart removes none of it)
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

// Stryker disable next-line Regex: static (module-level), so StrykerJS runs it only with the first test that imports this module; test/pipeline/changes/lockfile-hunt.test.ts fails on each form
const ONE_QUOTED = /^(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")$/;
// Stryker disable next-line Regex: static (module-level), so StrykerJS runs it only with the first test that imports this module; test/pipeline/changes/lockfile-hunt.test.ts fails on each form
const NOT_PLAIN = /^[{[!&*|>%@`#'"]|: | #|\s$/;

/**
 * A dependency's version or specifier as pnpm writes it: one plain or quoted scalar, and nothing else. A flow
 * collection, a tag, a block scalar, a trailing comment or trailing spaces are YAML pnpm does not write, which
 * this reader would take as part of the text (or skip): the YAML path reads them.
 */
function layoutScalar(value: string, line: number): string {
  const first = value.charCodeAt(0);
  if (first === 0x27 /* ' */ || first === 0x22 /* " */ ? ONE_QUOTED.test(value) : !NOT_PLAIN.test(value)) return unquote(value);
  throw new LockfileShapeError(`line ${line}: a value pnpm does not write: ${JSON.stringify(value.slice(0, 80))}`);
}

/**
 * The indentation of an entry's line, checked against pnpm's layout: two spaces per level, one level at a time,
 * below the entry's key (at two). Another indentation is YAML pnpm does not write (the YAML path's).
 */
function entryIndent(raw: string, body: string, previous: number, line: number): number {
  const indent = raw.length - raw.trimStart().length;
  if (indent % 2 !== 0 || indent < 4 || indent > previous + 2) throw new LockfileShapeError(`line ${line}: indentation pnpm does not write: ${JSON.stringify(body.slice(0, 80))}`);
  return indent;
}

/**
 * An entry's lines below its key, the key's line checked (`key:`, or `key: {}` for an empty one: anything else
 * after the key is flow style pnpm does not write). A key over 1,024 characters (a snapshot with a long peer
 * suffix) pnpm writes as YAML's explicit key, `? 'key'`, then `: ` and the value's first line (a field, or `{}`):
 * that line is given back at a field's indentation.
 */
function entryBody(block: string): string[] {
  const lines = block.split('\n');
  // Stryker disable next-line StringLiteral: unreachable (for the types): split gives one line at least
  const first = (lines[0] ?? '').trim();
  if (!first.startsWith('? ')) {
    const { value } = splitKey(first, 0);
    if (value !== undefined && value !== '{}') throw new LockfileShapeError(`an entry in flow style: ${JSON.stringify(first.slice(0, 80))}`);
    return lines.slice(1);
  }
  // segmentLockfile put the `:` line at two spaces after the key's line (blank lines or comments may sit between).
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: line 0 is the key's, which starts with `?`
  const at = lines.findIndex((line, i) => i > 0 && line.trimStart().startsWith(':'));
  if (at === -1) throw new LockfileShapeError(`an explicit key without its value: ${JSON.stringify(first.slice(0, 80))}`);
  // Stryker disable next-line StringLiteral: unreachable (for the types): `at` is the index of a line
  const value = (lines[at] ?? '').trim().slice(1).trimStart();
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent for '': a line of spaces given back is blank, which the readers skip
  return value === '' || value === '{}' ? lines.slice(at + 1) : [`    ${value}`, ...lines.slice(at + 1)];
}

export interface ReadOptions {
  /**
   * The text was written from parsed YAML (the YAML path's own output), so it holds no anchor or alias:
   * not looked for, so that no scalar that looks like one can send it back to the YAML path.
   */
  readonly aliasFree?: boolean;
}

/**
 * Cuts the text into entries, line by line, without splitting it: an entry's text is one slice of
 * the original (a 2,000-importer lockfile has 25k lines, and this runs on both sides of a change).
 */
export function segmentLockfile(text: string, options: ReadOptions = {}): LockfileDoc {
  // pnpm writes no anchor or alias; a text that holds one goes to the YAML path (core/changes/yaml-anchors.ts).
  const anchorLine = options.aliasFree ? undefined : firstAnchorOrAlias(text);
  if (anchorLine !== undefined) throw new LockfileShapeError(`line ${anchorLine}: a YAML anchor or alias`);
  // pnpm writes LF: CRLF (a checkout's conversion) would make every entry's text differ from an LF side's.
  if (text.includes('\r')) throw new LockfileShapeError('a carriage return (CRLF line ends)');
  const other = new Map<string, string>();
  const maps: Record<EntryMap, Map<string, string>> = { importers: new Map(), packages: new Map(), snapshots: new Map() };
  const catalogs = new Map<string, string>();
  let version: string | undefined;
  let top: string | undefined;
  let topMap: Map<string, string> | undefined;
  let entry: { map: Map<string, string>; key: string; start: number } | undefined;
  let catalog: string | undefined;
  // An entry whose key is explicit (`? key`): before its `:` line, then after it.
  let explicit: 'key' | 'value' | undefined;
  // Where the last line with content ends (its `\n`, or the end of the text).
  let lastEnd = 0;
  // Top-level keys and catalog names met: YAML (pnpm's reader, and ours) refuses a key twice in one mapping.
  const seenTop = new Set<string>();
  const seenCatalogs = new Set<string>();
  const close = () => {
    if (entry) {
      if (entry.map.has(entry.key)) throw new LockfileShapeError(`a key twice: ${JSON.stringify(entry.key.replace('\0', '/').slice(0, 80))}`);
      entry.map.set(entry.key, text.slice(entry.start, lastEnd));
    }
    entry = undefined;
  };
  let lineNo = 0;
  // Stryker disable next-line EqualityOperator: the line that starts at text.length is empty and skipped, so < reads the same
  for (let start = 0; start <= text.length; ) {
    lineNo++;
    const newline = text.indexOf('\n', start);
    const rawEnd = newline === -1 ? text.length : newline;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when rawEnd === start the character before is the previous line's \n (or none), never \r
    const end = rawEnd > start && text.charCodeAt(rawEnd - 1) === 13 ? rawEnd - 1 : rawEnd;
    const next = rawEnd + 1;
    let bodyStart = start;
    // Stryker disable next-line all: a shortcut before the trimStart line: at end the character is \r, \n or none, never a space, and stepping back lands on \n, which trimStart skips
    while (bodyStart < end && text.charCodeAt(bodyStart) === 32) bodyStart++;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: the guard of a shortcut: trimStart gives the same bodyStart whatever it says
    if (bodyStart < end && isOtherSpace(text.charCodeAt(bodyStart))) bodyStart = end - text.slice(bodyStart, end).trimStart().length;
    const first = bodyStart < end ? text.charCodeAt(bodyStart) : -1;
    if (first === -1 || first === 0x23 /* # */) {
      start = next;
      continue;
    }
    if (text.charCodeAt(start) === 9) throw new LockfileShapeError(`line ${lineNo}: tab indentation`);
    const indent = bodyStart - start;
    if (indent === 0) {
      if (explicit === 'key') throw new LockfileShapeError(`line ${lineNo}: an explicit key without its value`);
      explicit = undefined;
      close();
      const line = text.slice(start, end);
      const { key, value } = splitKey(line, lineNo);
      if (seenTop.has(key)) throw new LockfileShapeError(`line ${lineNo}: the top-level key ${JSON.stringify(key.slice(0, 80))} twice`);
      seenTop.add(key);
      top = key;
      topMap = key === 'importers' || key === 'packages' || key === 'snapshots' ? maps[key] : undefined;
      catalog = undefined;
      if (key === 'lockfileVersion') {
        if (value === undefined) throw new LockfileShapeError(`line ${lineNo}: lockfileVersion has no value`);
        version = unquote(value);
      } else if (topMap || key === 'catalogs') {
        if (value !== undefined && value !== '{}') throw new LockfileShapeError(`line ${lineNo}: ${key} is not a block mapping`);
      } else {
        other.set(key, line);
      }
    } else if (top === undefined) {
      throw new LockfileShapeError(`line ${lineNo}: indented text before any top-level key`);
    } else if (topMap) {
      const body = text.slice(bodyStart, end);
      if (indent === 2 && explicit === 'key' && body.startsWith(':') && (body.length === 1 || body[1] === ' ')) {
        // The value of an explicit key (entryBody reads it).
        // Stryker disable next-line StringLiteral: equivalent: only 'key' is ever compared
        explicit = 'value';
      } else if (indent === 2) {
        close();
        if (explicit === 'key') throw new LockfileShapeError(`line ${lineNo}: an explicit key without its value`);
        // pnpm writes a key over 1,024 characters as YAML's explicit key: `? 'key'`, then `: value` (entryBody).
        const long = body.startsWith('? ');
        explicit = long ? 'key' : undefined;
        entry = { map: topMap, key: long ? layoutScalar(body.slice(2), lineNo) : splitKey(body, lineNo).key, start };
      } else if (explicit === 'key') {
        throw new LockfileShapeError(`line ${lineNo}: an explicit key without its value`);
      } else if (
        // Stryker disable next-line EqualityOperator: indent 2 is taken by the branch above
        indent < 2 ||
        !entry
      ) {
        throw new LockfileShapeError(`line ${lineNo}: unexpected indentation under ${top}`);
      }
    } else if (top === 'catalogs') {
      if (indent === 2) {
        close();
        const { key, value } = splitKey(text.slice(bodyStart, end), lineNo);
        // pnpm writes a catalog and its entries as block mappings; flow style is the YAML path's.
        if (value !== undefined || seenCatalogs.has(key)) throw new LockfileShapeError(`line ${lineNo}: catalog ${JSON.stringify(key.slice(0, 80))} twice or in flow style`);
        seenCatalogs.add(key);
        catalog = key;
      } else if (indent === 4 && catalog !== undefined) {
        close();
        const { key, value } = splitKey(text.slice(bodyStart, end), lineNo);
        if (value !== undefined) throw new LockfileShapeError(`line ${lineNo}: catalog entry ${JSON.stringify(key.slice(0, 80))} in flow style`);
        entry = { map: catalogs, key: `${catalog}\0${key}`, start };
      } else if (
        // Stryker disable next-line EqualityOperator: indent 4 reaches here only without a catalog, so without an entry: both forms throw
        indent < 4 ||
        !entry
      ) {
        throw new LockfileShapeError(`line ${lineNo}: unexpected indentation under catalogs`);
      }
    } else {
      other.set(top, `${other.get(top) ?? ''}\n${text.slice(start, end)}`);
    }
    lastEnd = rawEnd;
    start = next;
  }
  if (explicit === 'key') throw new LockfileShapeError('an explicit key without its value at the end');
  close();
  if (version === undefined) throw new LockfileShapeError('no lockfileVersion');
  return { version, other, importers: maps.importers, packages: maps.packages, snapshots: maps.snapshots, catalogs };
}

export interface ResolvedDep {
  readonly field: string;
  readonly name: string;
  readonly specifier: string | undefined;
  readonly version: string;
}

/** The dependencies of one importer entry (its block of text, as cut by segmentLockfile). */
export function parseImporterDeps(block: string): ResolvedDep[] {
  const out: ResolvedDep[] = [];
  let field: string | undefined;
  let dep: { name: string; specifier?: string; version?: string } | undefined;
  const flush = () => {
    // Stryker disable next-line ConditionalExpression: dep is only set while a dependency field is open
    if (dep && field !== undefined) {
      if (dep.version === undefined) throw new LockfileShapeError(`importer dependency ${dep.name} has no version`);
      out.push({ field, name: dep.name, specifier: dep.specifier, version: dep.version });
    }
    dep = undefined;
  };
  let previous = 2;
  for (const raw of entryBody(block)) {
    const body = raw.trim();
    if (body === '' || body.startsWith('#')) continue;
    const indent = entryIndent(raw, body, previous, 0);
    previous = indent;
    if (indent === 4) {
      flush();
      // pnpm writes a field's key plain; a quoted one is the YAML path's.
      if (body.startsWith("'") || body.startsWith('"')) throw new LockfileShapeError(`a quoted importer field: ${JSON.stringify(body.slice(0, 80))}`);
      const { key, value } = splitKey(body, 0);
      field = key === 'dependencies' || key === 'devDependencies' || key === 'optionalDependencies' ? key : undefined;
      if (field !== undefined && value !== undefined) throw new LockfileShapeError(`importer ${field} in flow style: ${JSON.stringify(body.slice(0, 80))}`);
    } else if (field !== undefined && indent === 6) {
      flush();
      const { key, value } = splitKey(body, 0);
      // `name: version` (a short form) or `name:` with specifier/version below.
      dep = value === undefined ? { name: key } : { name: key, version: layoutScalar(value, 0) };
    } else if (
      indent === 8 &&
      // Stryker disable next-line ConditionalExpression: equivalent for each test as true: dep is set only under a dependency field, and an eight-space line follows a six-space one (entryIndent), which sets it
      field !== undefined &&
      // Stryker disable next-line ConditionalExpression: equivalent as true: see above
      dep !== undefined
    ) {
      const { key, value } = splitKey(body, 0);
      if (value === undefined)
        throw new LockfileShapeError(key === 'version' ? `importer dependency ${dep.name} has no version` : `importer dependency ${dep.name}: ${key} without a value`);
      if (key === 'specifier') dep.specifier = layoutScalar(value, 0);
      if (key === 'version') dep.version = layoutScalar(value, 0);
    } else if (field !== undefined) {
      // Below a dependency field, pnpm writes names at six spaces and their specifier and version at eight.
      throw new LockfileShapeError(`importer ${field}: a line pnpm does not write: ${JSON.stringify(body.slice(0, 80))}`);
    }
  }
  flush();
  return out;
}

/** name -> reference of a snapshot's dependencies and optionalDependencies. */
export function snapshotDeps(block: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  // Stryker disable next-line BooleanLiteral: equivalent: the first line below the key is at four spaces (entryIndent), which sets it before it is read
  let inDeps = false;
  let previous = 2;
  const lines = entryBody(block);
  // Stryker disable next-line EqualityOperator: lines[lines.length] is undefined, read as a blank line
  for (let i = 0; i < lines.length; i++) {
    // Stryker disable next-line StringLiteral: unreachable: i < lines.length
    const raw = lines[i] ?? '';
    const body = raw.trim();
    if (body === '' || body.startsWith('#')) continue;
    const indent = entryIndent(raw, body, previous, i + 1);
    previous = indent;
    if (indent === 4) {
      // pnpm writes a field's key plain; a quoted one is the YAML path's.
      if (body.startsWith("'") || body.startsWith('"')) throw new LockfileShapeError(`a quoted snapshot field: ${JSON.stringify(body.slice(0, 80))}`);
      const { key, value } = splitKey(body, i + 1);
      inDeps = key === 'dependencies' || key === 'optionalDependencies';
      if (inDeps && value !== undefined) throw new LockfileShapeError(`snapshot ${key} in flow style: ${JSON.stringify(body.slice(0, 80))}`);
    } else if (inDeps && indent === 6) {
      const { key, value } = splitKey(body, i + 1);
      if (value === undefined) throw new LockfileShapeError(`snapshot dependency ${key} without a version`);
      out.push([key, layoutScalar(value, i + 1)]);
    } else if (inDeps) {
      throw new LockfileShapeError(`snapshot dependencies: a line pnpm does not write: ${JSON.stringify(body.slice(0, 80))}`);
    }
  }
  return out;
}

/** The snapshot key a dependency reference points at (pnpm's refToRelative); undefined for `link:`. */
export function refToKey(name: string, ref: string): string | undefined {
  if (ref.startsWith('link:')) return undefined;
  // Stryker disable next-line ConditionalExpression,MethodExpression: a shortcut: a reference starting with @ has its @ at 0, before any colon or paren, so the alias rule below returns it too
  if (ref.startsWith('@')) return ref;
  const at = ref.indexOf('@');
  if (at === -1) return `${name}@${ref}`;
  const colon = ref.indexOf(':');
  const paren = ref.indexOf('(');
  // An alias (`string-width@4.2.3`) names its own package; `1.0.0(peer@2)` is a version with peers.
  // Stryker disable next-line EqualityOperator: @, : and ( sit at different indexes, so < and <= agree
  if ((colon === -1 || at < colon) && (paren === -1 || at < paren)) return ref;
  return `${name}@${ref}`;
}

/** The `packages:` key of a snapshot key: the key without its peer suffix `(...)`. */
export function packageKeyOf(snapshotKey: string): string {
  const paren = snapshotKey.indexOf('(', 1);
  return paren === -1 ? snapshotKey : snapshotKey.slice(0, paren);
}

export type LockfileDiff =
  /** Importer path (relative to the workspace root, `.` for the root) -> reasons. */
  | { readonly kind: 'importers'; readonly importers: ReadonlyMap<string, readonly string[]> }
  | { readonly kind: 'all'; readonly reason: string }
  /** The text is not in the layout pnpm writes; the caller decides whether it is broken YAML (an error) or just unattributable. */
  | { readonly kind: 'unreadable'; readonly side: 'base' | 'head'; readonly detail: string };

function changedKeys(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [key, text] of head) if (base.get(key) !== text) out.add(key);
  for (const key of base.keys()) if (!head.has(key)) out.add(key);
  return out;
}

function describeImporterChange(base: string | undefined, head: string): string[] {
  const index = (deps: ResolvedDep[]) => new Map(deps.map((d) => [`${d.field}\0${d.name}`, d]));
  const before = index(base === undefined ? [] : parseImporterDeps(base));
  const after = index(parseImporterDeps(head));
  const reasons: string[] = [];
  for (const [key, d] of after) {
    const old = before.get(key);
    if (!old) reasons.push(`pnpm-lock.yaml: ${d.field} ${d.name} ${d.version} added`);
    else if (old.version !== d.version) reasons.push(`pnpm-lock.yaml: ${d.field} ${d.name} ${old.version} -> ${d.version}`);
    else if (old.specifier !== d.specifier) reasons.push(`pnpm-lock.yaml: ${d.field} ${d.name} specifier ${old.specifier ?? '(none)'} -> ${d.specifier ?? '(none)'}`);
  }
  for (const [key, d] of before) if (!after.has(key)) reasons.push(`pnpm-lock.yaml: ${d.field} ${d.name} ${d.version} removed`);
  return reasons.length > 0 ? reasons : [base === undefined ? 'pnpm-lock.yaml: new importer' : 'pnpm-lock.yaml: importer entry changed'];
}

function catalogOf(specifier: string | undefined): string | undefined {
  if (specifier === undefined || !specifier.startsWith('catalog:')) return undefined;
  const name = specifier.slice('catalog:'.length);
  return name === '' ? 'default' : name;
}

/**
 * pnpm-lock.yaml as pnpm 10 reads it (`extractMainDocument`): a text that starts with `---\n` and holds another
 * `\n---\n` is a document of the configuration dependencies pnpm installs first (`env`), then the lockfile.
 */
export function lockfileDocuments(text: string): { readonly env: string | undefined; readonly main: string } {
  if (!text.startsWith('---\n')) return { env: undefined, main: text };
  const sep = text.indexOf('\n---\n', 4);
  return sep === -1 ? { env: undefined, main: text } : { env: text.slice(0, sep), main: text.slice(sep + 5) };
}

/** Both sides' lockfile documents; `all` when the configuration document changed (it can change every install). */
export function splitLockfiles(
  baseText: string | undefined,
  headText: string | undefined,
): { readonly base: string | undefined; readonly head: string | undefined } | { readonly kind: 'all'; readonly reason: string } {
  const base = baseText === undefined ? undefined : lockfileDocuments(baseText);
  const head = headText === undefined ? undefined : lockfileDocuments(headText);
  if (base !== undefined && head !== undefined && base.env !== head.env)
    return { kind: 'all', reason: 'pnpm-lock.yaml: its first document (the configuration dependencies pnpm installs first) changed, which can change every install' };
  return { base: base?.main, head: head?.main };
}

export function diffLockfiles(baseText: string | undefined, headText: string | undefined, options: ReadOptions = {}): LockfileDiff {
  if (headText === undefined) return { kind: 'all', reason: 'pnpm-lock.yaml was deleted: installs are no longer reproducible' };
  if (baseText === undefined) return { kind: 'all', reason: 'pnpm-lock.yaml was added: no base lockfile to compare with' };
  const documents = splitLockfiles(baseText, headText);
  if ('kind' in documents) return documents;
  return diffMainDocuments(documents.base ?? baseText, documents.head ?? headText, options);
}

function diffMainDocuments(baseText: string, headText: string, options: ReadOptions): LockfileDiff {
  let head: LockfileDoc;
  let base: LockfileDoc;
  try {
    head = segmentLockfile(headText, options);
  } catch (err) {
    return { kind: 'unreadable', side: 'head', detail: err instanceof Error ? err.message : String(err) };
  }
  try {
    base = segmentLockfile(baseText, options);
  } catch (err) {
    return { kind: 'unreadable', side: 'base', detail: err instanceof Error ? err.message : String(err) };
  }
  if (!head.version.startsWith('9.'))
    return { kind: 'all', reason: `pnpm-lock.yaml: lockfileVersion ${head.version} is not supported (expected 9.x); every package is assumed affected` };
  if (base.version !== head.version) return { kind: 'all', reason: `pnpm-lock.yaml: lockfileVersion changed from ${base.version} to ${head.version}` };
  for (const key of changedKeys(base.other, head.other)) {
    return { kind: 'all', reason: `pnpm-lock.yaml: top-level "${key}" changed, which can change every install` };
  }
  try {
    return { kind: 'importers', importers: attribute(base, head) };
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: every error attribute can raise is a LockfileShapeError (unquote turns JSON's into one); the rethrow is for bugs
    if (err instanceof LockfileShapeError) return { kind: 'unreadable', side: 'head', detail: err.message };
    throw err;
  }
}

function attribute(base: LockfileDoc, head: LockfileDoc): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (importer: string, reasons: readonly string[]) => out.set(importer, [...(out.get(importer) ?? []), ...reasons]);

  // Changed resolved packages: a snapshot whose text changed, or whose package metadata changed.
  const changed = changedKeys(base.snapshots, head.snapshots);
  const changedPackages = changedKeys(base.packages, head.packages);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut: with no package changed the loop adds nothing
  if (changedPackages.size > 0) for (const key of head.snapshots.keys()) if (changedPackages.has(packageKeyOf(key))) changed.add(key);
  const changedCatalogs = changedKeys(base.catalogs, head.catalogs);

  // For every snapshot that reaches a changed one (in head), one changed snapshot it reaches.
  const reaches = new Map<string, string>();
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut: with nothing changed the walk below reaches nothing
  if (changed.size > 0) {
    const parents = new Map<string, string[]>();
    for (const [key, block] of head.snapshots) {
      for (const [name, ref] of snapshotDeps(block)) {
        const child = refToKey(name, ref);
        // Stryker disable next-line ConditionalExpression: a link's undefined key, kept as a parent entry, is never looked up
        if (child === undefined) continue;
        const list = parents.get(child);
        if (list) list.push(key);
        else parents.set(child, [key]);
      }
    }
    const queue = [...changed];
    for (const key of queue) reaches.set(key, key);
    for (const key of queue) {
      // Stryker disable next-line ArrayDeclaration: an element in the fallback only adds a phantom key that no importer dependency names
      for (const parent of parents.get(key) ?? []) {
        if (reaches.has(parent)) continue;
        reaches.set(parent, reaches.get(key) ?? key);
        queue.push(parent);
      }
    }
  }

  for (const [importer, block] of head.importers) {
    const old = base.importers.get(importer);
    if (old !== block) {
      add(importer, describeImporterChange(old, block));
      continue;
    }
    // Stryker disable next-line ConditionalExpression: a shortcut: it only skips parsing an importer identical in base and head when nothing it could reach changed
    if (reaches.size === 0 && changedCatalogs.size === 0) continue;
    const reasons: string[] = [];
    for (const dep of parseImporterDeps(block)) {
      const catalog = catalogOf(dep.specifier);
      if (catalog !== undefined && changedCatalogs.has(`${catalog}\0${dep.name}`)) reasons.push(`pnpm-lock.yaml: catalog entry ${catalog}/${dep.name} changed`);
      const key = refToKey(dep.name, dep.version);
      // Stryker disable next-line ConditionalExpression: reaches has no undefined key, so get(undefined) is undefined too
      const hit = key === undefined ? undefined : reaches.get(key);
      if (hit !== undefined) reasons.push(hit === key ? `pnpm-lock.yaml: ${dep.name} (${key}) re-resolved` : `pnpm-lock.yaml: ${dep.name} depends on ${hit}, which changed`);
    }
    if (reasons.length > 0) add(importer, reasons);
  }
  return out;
}

/**
 * The third-party packages (`name@version`, sorted) that the workspace packages other than the root
 * install for production: each importer's `dependencies` and `optionalDependencies`, followed through
 * the snapshots. Workspace links are not third-party. What a service image holds, so what a
 * dependency audit of production must cover.
 */
export function productionPackages(text: string, options: ReadOptions = {}): string[] {
  const doc = segmentLockfile(text, options);
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const [importer, block] of doc.importers) {
    if (importer === '.') continue;
    for (const dep of parseImporterDeps(block)) {
      if (dep.field === 'devDependencies') continue;
      const key = refToKey(dep.name, dep.version);
      if (key !== undefined) queue.push(key);
    }
  }
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    if (seen.has(key)) continue;
    seen.add(key);
    // Stryker disable next-line StringLiteral: snapshotDeps skips a block's first line, so any one-line fallback reads as no dependencies
    for (const [name, ref] of snapshotDeps(doc.snapshots.get(key) ?? '')) {
      const next = refToKey(name, ref);
      if (next !== undefined) queue.push(next);
    }
  }
  return [...new Set([...seen].map(packageKeyOf))].sort();
}
