/**
 * Whether a lockfile's text holds a YAML anchor (`&name`) or alias (`*name`). pnpm never writes one (its
 * writer has no references, and it quotes a scalar that starts with `&` or `*`); another tool may, and an
 * alias repeats its anchor's value where the text does not, so the line-based fast path of
 * core/changes/lockfile.ts must leave such a text to the YAML path.
 *
 * Exact where it matters and cheap everywhere else: only the characters that can start an anchor, an
 * alias or a block scalar (`&`, `*`, `|`, `>`) are looked at, and only those right after a space, a tab,
 * a flow indicator or a line start (one native search: `workspace:*` is passed over); their line is then read as
 * YAML reads it (indentation, `- `, a key and its `: `, quotes, flow collections) to tell a node's first
 * character from one inside a scalar (`deprecated: Deprecated, & unmaintained`, `'x: *y'`); the lines of
 * a block scalar (`deprecated: |-` and the lines below it) are skipped whole. A multi-line plain or quoted
 * scalar whose next line starts with `*` would read as an alias: the YAML path then reads that text,
 * exactly but slowly (pnpm writes neither).
 */

const blank = (c: string): boolean => c === ' ' || c === '\t';

function skipBlanks(line: string, i: number): number {
  let j = i;
  while (blank(line.charAt(j))) j++;
  return j;
}

/** The index after the quoted scalar whose quote is at `i`, or -1 when it does not end on this line. */
function afterQuoted(line: string, i: number): number {
  const quote = line.charAt(i);
  for (let j = i + 1; ; j++) {
    const c = line.charAt(j);
    if (c === '') return -1;
    if (c === '\\' && quote === '"') j++;
    else if (c === quote) {
      // '' inside a single-quoted scalar is one quote.
      if (line.charAt(j + 1) === "'" && quote === "'") j++;
      else return j + 1;
    }
  }
}

/** The index after a tag (`!`, `!!str`, `!<tag:x>`) that starts at `i`, and the blanks after it. */
function skipTag(line: string, i: number): number {
  let j = i;
  while (line.charAt(j) !== '' && !blank(line.charAt(j))) j++;
  return skipBlanks(line, j);
}

/** Whether `p` is the first character of a node inside the flow collection that opens at `i`. */
function flowNodeAt(line: string, i: number, p: number): boolean {
  let expectNode = true;
  // Stryker disable next-line ArithmeticOperator: equivalent: the character before an opener is a blank or none, which is skipped
  for (let j = i + 1; j < p; j++) {
    const c = line.charAt(j);
    if (blank(c)) continue;
    if (c === '"' || c === "'") {
      const after = afterQuoted(line, j);
      if (after === -1) return false;
      // After a quoted scalar (and past `p` when `p` is inside it) no node starts, but for a value right
      // after its `:` (a JSON-like key: `{"k":*v}`).
      j = after - 1;
      expectNode = false;
      if (line.charAt(after) === ':') {
        j = after;
        expectNode = true;
      }
    } else if (c === '[' || c === '{' || c === ',') expectNode = true;
    else if ((c === ':' || c === '?') && blank(line.charAt(j + 1))) expectNode = true;
    // A tag (`!!str`) comes before the node it names, like an anchor: a node may still start after it.
    else if (c === '!' && expectNode) j = skipTag(line, j) - 1;
    else if (c === '#' && blank(line.charAt(j - 1))) return false;
    else expectNode = false;
  }
  return expectNode;
}

/** Where the key whose text goes on from `from` ends: its `:` before a blank, or -1 (a value, or a comment first). */
function keyColon(line: string, from: number): number {
  for (let j = from; ; j++) {
    const k = line.charAt(j);
    if (k === '') return -1;
    if (k === ':' && blank(line.charAt(j + 1))) return j;
    // A comment (after a blank) ends the line.
    if (k === '#' && blank(line.charAt(j - 1))) return -1;
  }
}

/** Whether `p` is the first character of a node on `line`, as YAML reads the line. */
export function nodeStartsAt(line: string, p: number): boolean {
  // `--- ` (a document start) is followed by a node, as `- ` is.
  let i = skipBlanks(line, line.startsWith('---') && blank(line.charAt(3)) ? 3 : 0);
  for (;;) {
    // `- ` (a sequence entry) and `? ` (a complex key) are followed by a node; so is a tag (`!!str &a x`).
    for (;;) {
      const c = line.charAt(i);
      if ((c === '-' || c === '?') && blank(line.charAt(i + 1))) i = skipBlanks(line, i + 1);
      else if (c === '!') i = skipTag(line, i);
      else break;
    }
    if (i >= p) return i === p;
    const c = line.charAt(i);
    if (c === '#') return false;
    if (c === '[' || c === '{') return flowNodeAt(line, i, p);
    // A scalar, quoted or plain: a key when `: ` follows it, and then a node starts after the blanks (past
    // `p` when `p` was inside the key: the next turn says no).
    // An unterminated quote gives -1: keyColon then reads '' at once (charAt(-1)), so no colon.
    const colon = keyColon(line, c === '"' || c === "'" ? afterQuoted(line, i) : i);
    if (colon === -1) return false;
    i = skipBlanks(line, colon + 1);
  }
}

/** `|` or `>` at the start of `rest` starts a block scalar when only its indicators and a comment follow. */
function isBlockIndicator(rest: string): boolean {
  return /^[|>](?:[1-9][+-]?|[+-][1-9]?)?[ \t]*(?:#.*)?$/.test(rest);
}

/** Where the line holding `p` ends: its `\n`, the `\r` of a `\r\n`, or the end of the text. */
function lineEnd(text: string, p: number): number {
  const newline = text.indexOf('\n', p);
  if (newline === -1) return text.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: an empty line ends where it starts either way (the \r before it is the line above's), and reads as blank
  return newline > p && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
}

/** The 1-based line of the first anchor or alias, or undefined when there is none. */
export function firstAnchorOrAlias(text: string): number | undefined {
  // A node's first character comes at a line start, after a blank or after a flow indicator: the search
  // itself (one native scan) passes over every other `&`, `*`, `|` and `>` (none is left in pnpm's text).
  // A flow collection that opens and has no closing bracket after it on its line goes on over several
  // lines, which this reader does not follow: such a text (pnpm writes none) is answered as holding one.
  // That look to the line's end at every `[` and `{` is most of this search's cost: ~3 ms for both of the
  // bench's 26k-line lockfiles' `{integrity: …}` lines, against ~1 ms without it (measured with tsx).
  // Stryker disable next-line Regex: equivalent for ["']: as [^"']: (a candidate the search lets through is checked by the line reader)
  const candidates = /(?:^|[ \t[{,]|["']:)[&*|>]|[[{](?=[^\]}\n]*$)/gm;
  for (let match = candidates.exec(text); match !== null; match = candidates.exec(text)) {
    const p = match.index + match[0].length - 1;
    const start = text.lastIndexOf('\n', p - 1) + 1;
    const end = lineEnd(text, p);
    const line = text.slice(start, end);
    if (!nodeStartsAt(line, p - start)) continue;
    const c = text.charAt(p);
    if (c !== '|' && c !== '>') return text.slice(0, p).split('\n').length;
    if (!isBlockIndicator(line.slice(p - start))) continue;
    // A block scalar: its lines are the blank ones and those indented at least as deep as its first line
    // with text, when that is deeper than the line of its header (else it is empty).
    const header = skipBlanks(line, 0);
    let indent = -1;
    let next = end + 1;
    while (next < text.length) {
      const stop = lineEnd(text, next);
      const following = text.slice(next, stop);
      const body = skipBlanks(following, 0);
      if (body < following.length) {
        if (indent === -1) indent = body > header ? body : Number.POSITIVE_INFINITY;
        if (body < indent) break;
      }
      // Stryker disable next-line StringLiteral: equivalent: from the line's end, the next line starts one past its \n, or two past a \r\n's \r (then read as an empty line first)
      next = text.indexOf('\n', stop) + 1 || text.length;
    }
    candidates.lastIndex = next;
  }
  return undefined;
}
