/**
 * git's config file format (git-config(1), CONFIGURATION FILE), read without a git process: the one
 * value a local run needs (the origin's URL) is not worth one. A port of git's own reader (config.c:
 * `parse_source`, `get_base_var`, `get_extended_base_var`, `get_value`, `parse_value`), character by
 * character, so that it accepts and refuses what git does:
 * - sections `[section]`, `[section "subsection"]` (the subsection's `\` escapes any character) and
 *   the old `[section.subsection]`; section and key names are case-insensitive, subsections are not;
 *   a key before any section is named by itself (`url`);
 * - `key = value` lines, a key alone being boolean true; comments from `#` or `;` outside quotes;
 *   double-quoted parts; the escapes `\"`, `\\`, `\n`, `\t`, `\b`, and `\` at the end of a line
 *   continuing the value;
 * - whitespace (space, tab, a carriage return not before a newline) outside quotes is dropped at both
 *   ends of a value and kept as it is inside it, as git 2.45 and later keep it (older git turns each
 *   such character into a space);
 * - a file git refuses ("bad config line": a broken section header, a key that is no key, an unknown
 *   escape, a quote left open at the end of a line) gives no values at all: `git config --get` then
 *   fails, and so does every git command in that repository.
 * `include` and `includeIf` are not followed (a URL set through an included file is not seen: the
 * caller then has none, as with no remote).
 */

/**
 * `section.subsection.key` (section and key lower case) -> its values, in file order; null for a key
 * written alone (no `=`: boolean true when read as a boolean, no value when read as text).
 */
export type GitConfig = ReadonlyMap<string, readonly (string | null)[]>;

/**
 * git's `isspace` (sane-ctype.h) within a line: space, tab and a carriage return (not form feed or
 * vertical tab). git's also holds the newline, which every caller here deals with first.
 */
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

// Each test is of one character (Source.next), so the patterns need no anchors.
/** git's `iskeychar`: a letter, a digit or `-` (ASCII only). */
function isKeyChar(c: string): boolean {
  return /[A-Za-z0-9-]/.test(c);
}

/** What starts a key: a letter (ASCII only). */
function isAlpha(c: string): boolean {
  return /[A-Za-z]/.test(c);
}

const BOM = '\uFEFF';

/** git refused the file: no value of it counts. */
class Refused extends Error {}

/** The file as git reads it: one character at a time, CRLF as one newline, the end as a last newline. */
class Source {
  private at: number;
  /** Set once the end has been read (as a newline). */
  eof = false;

  constructor(private readonly text: string) {
    this.at = text.startsWith(BOM) ? 1 : 0;
  }

  next(): string {
    if (this.at >= this.text.length) {
      this.eof = true;
      return '\n';
    }
    const c = this.text.charAt(this.at++);
    if (c === '\r' && this.text.charAt(this.at) === '\n') {
      this.at++;
      return '\n';
    }
    return c;
  }
}

/** `[` read: the section's name with a trailing `.` (lower case; the subsection as written), or Refused. */
function sectionHeader(src: Source): string {
  let name = '';
  for (;;) {
    // The end of the line or of the file is no character of a name: refused below.
    const c = src.next();
    if (c === ']') {
      if (name === '') throw new Refused();
      return `${name}.`;
    }
    if (isSpace(c)) return `${extendedHeader(src, name, c)}.`;
    if (!isKeyChar(c) && c !== '.') throw new Refused();
    name += c.toLowerCase();
  }
}

/** `[section "subsection"]` after the section's name and the whitespace `first`. */
function extendedHeader(src: Source, name: string, first: string): string {
  let c = first;
  while (isSpace(c)) c = src.next();
  if (c !== '"') throw new Refused();
  let sub = '';
  for (;;) {
    let s = src.next();
    if (s === '\n') throw new Refused();
    if (s === '"') break;
    if (s === '\\') {
      s = src.next();
      if (s === '\n') throw new Refused();
    }
    sub += s;
  }
  if (src.next() !== ']') throw new Refused();
  return `${name}.${sub}`;
}

/** What `\<e>` stands for in a value; git refuses any other escape. */
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['t', '\t'],
  ['b', '\b'],
  ['n', '\n'],
  ['\\', '\\'],
  ['"', '"'],
]);

/** A value after its `=`, up to the end of its (last continued) line. */
function value(src: Source): string {
  let quoted = false;
  let comment = false;
  let out = '';
  // Where the value ends if only whitespace follows (0: none pending).
  let trim = 0;
  for (;;) {
    const c = src.next();
    if (c === '\n') {
      if (quoted) throw new Refused();
      const text = trim > 0 ? out.slice(0, trim) : out;
      // git keeps a value as a C string: it ends at a NUL byte.
      const nul = text.indexOf('\0');
      return nul === -1 ? text : text.slice(0, nul);
    }
    if (comment) continue;
    if (isSpace(c) && !quoted) {
      if (trim === 0) trim = out.length;
      if (out !== '') out += c;
      continue;
    }
    if (!quoted && (c === '#' || c === ';')) {
      comment = true;
      continue;
    }
    trim = 0;
    if (c === '\\') {
      const e = src.next();
      if (e === '\n') continue;
      const escaped = ESCAPES.get(e);
      if (escaped === undefined) throw new Refused();
      out += escaped;
      continue;
    }
    if (c === '"') {
      quoted = !quoted;
      continue;
    }
    out += c;
  }
}

/** The rest of a key whose first letter was read, and its value (null for a key alone). */
function entry(src: Source, first: string): { key: string; value: string | null } {
  let key = first.toLowerCase();
  let c: string;
  for (;;) {
    c = src.next();
    if (src.eof || !isKeyChar(c)) break;
    key += c.toLowerCase();
  }
  while (c === ' ' || c === '\t') c = src.next();
  if (c === '\n') return { key, value: null };
  if (c !== '=') throw new Refused();
  return { key, value: value(src) };
}

function read(text: string): Map<string, Array<string | null>> {
  const out = new Map<string, Array<string | null>>();
  const src = new Source(text);
  let section = '';
  let comment = false;
  for (;;) {
    const c = src.next();
    if (c === '\n') {
      if (src.eof) return out;
      comment = false;
      continue;
    }
    if (comment || isSpace(c)) continue;
    if (c === '#' || c === ';') {
      comment = true;
      continue;
    }
    if (c === '[') {
      section = sectionHeader(src);
      continue;
    }
    if (!isAlpha(c)) throw new Refused();
    const { key, value: v } = entry(src, c);
    const name = `${section}${key}`;
    const list = out.get(name);
    if (list) list.push(v);
    else out.set(name, [v]);
  }
}

export function parseGitConfig(text: string): GitConfig {
  try {
    return read(text);
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: equivalent: read() throws nothing but Refused (string operations only); the check keeps a bug from passing for a refused file
    if (err instanceof Refused) return new Map();
    throw err;
  }
}

/**
 * The URL of remote `name` (the last `url` given wins, as `git config --get` says), or undefined: also
 * for a `url` written without a value, which git refuses as a URL ("missing value").
 */
export function remoteUrlOf(config: GitConfig, name: string): string | undefined {
  return config.get(`remote.${name}.url`)?.at(-1) ?? undefined;
}
