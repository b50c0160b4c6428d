/**
 * The answers of `git cat-file --batch` / `--batch-command`, scanned in place: pure, over git's output
 * read as latin1 text (one character per byte, so offsets are byte offsets). `io/git.ts` owns the
 * process and the buffers; this owns the format.
 */

/** The four kinds of git object. */
export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

/** The type whose name has `length` characters, the first two `first` and `second` (character codes). */
export function typeNamed(length: number, first: number, second: number): GitObjectType | undefined {
  if (length === 4 && first === 0x62) return 'blob';
  if (length === 4 && first === 0x74) return second === 0x72 ? 'tree' : undefined;
  if (length === 3 && first === 0x74) return 'tag';
  if (length === 6 && first === 0x63) return 'commit';
  return undefined;
}

/** Where one answer lies in git's output (one object, reused: this runs for every object read). */
export interface Scan {
  /** undefined: a `missing` (or `ambiguous`) answer. */
  type: GitObjectType | undefined;
  /** The object hash: [pos, shaEnd). */
  shaEnd: number;
  contentStart: number;
  contentEnd: number;
  /** Where the next answer starts. */
  next: number;
  /** When incomplete: the bytes needed from `pos` (0 when not known yet). */
  need: number;
}

/**
 * Scans one answer of `git cat-file --batch` at `pos` into `out`: `<sha> <type> <size>` and the
 * contents (none for an `info` request), or `<spec> missing` / `<spec> ambiguous`. false when the
 * answer is not all there yet. git's output is read as latin1 text (one character per byte, so that
 * offsets are byte offsets): decoded once, its thousands of headers are then read with string
 * search rather than a call into C++ per line.
 */
export function scanAnswer(text: string, pos: number, headerOnly: boolean, out: Scan): boolean {
  const eol = text.indexOf('\n', pos);
  // Stryker disable next-line EqualityOperator: eol is 0 only for an empty line at 0, which git never prints (every answer starts with a header)
  if (eol < 0) {
    out.need = 0;
    return false;
  }
  let size = 0;
  let k = eol - 1;
  // Stryker disable next-line EqualityOperator: a header has a space before its size, so the digit scan stops there before it could reach pos
  for (let scale = 1; k > pos; k--, scale *= 10) {
    const c = text.charCodeAt(k);
    if (c < 0x30 || c > 0x39) break;
    size += (c - 0x30) * scale;
  }
  if (k === eol - 1) {
    out.type = undefined;
    out.next = eol + 1;
    return true;
  }
  const end = headerOnly ? eol : eol + 1 + size;
  if (end + 1 > text.length) {
    out.need = end + 1 - pos;
    return false;
  }
  const sp1 = text.indexOf(' ', pos);
  const type = typeNamed(k - sp1 - 1, text.charCodeAt(sp1 + 1), text.charCodeAt(sp1 + 2));
  if (type === undefined || text.charCodeAt(k) !== 0x20) throw new Error(`git cat-file: unexpected answer ${JSON.stringify(text.slice(pos, eol))}`);
  out.type = type;
  out.shaEnd = sp1;
  out.contentStart = headerOnly ? eol : eol + 1;
  out.contentEnd = end;
  out.next = end + 1;
  return true;
}

/** Object types by a one-byte code (0: missing), for answers kept in typed arrays. */
// Stryker disable next-line ArrayDeclaration,StringLiteral: static (module-level), so StrykerJS runs it only with the first test that imports this module; the one-byte codes test in test/pipeline/git-parsers.test.ts fails on each variant
export const TYPE_CODES: ReadonlyArray<GitObjectType | undefined> = [undefined, 'blob', 'tree', 'commit', 'tag'];
