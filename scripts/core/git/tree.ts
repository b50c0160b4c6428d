/**
 * Tree objects (git's binary format: `<mode> <name>\0<hash bytes>` per entry), decoded without git.
 * `shaBytes` is 20 for SHA-1 repositories and 32 for SHA-256 ones.
 */

export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly sha: string;
  readonly isTree: boolean;
}

export function parseTree(content: Buffer, shaBytes = 20): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space);
    // Stryker disable next-line EqualityOperator: space is 0 only for a tree starting with an empty mode, which git never writes, and nul, searched from space, is 0 only then
    if (space < 0 || nul < 0) throw new Error('malformed tree object');
    const mode = content.toString('latin1', i, space);
    out.push({ mode, name: content.toString('utf8', space + 1, nul), sha: content.toString('hex', nul + 1, nul + 1 + shaBytes), isTree: mode === '40000' });
    i = nul + 1 + shaBytes;
  }
  return out;
}

/** A byte of a multi-byte UTF-8 sequence, read as latin1. */
const NON_ASCII = /[\u0080-\u00ff]/;

/**
 * The folders of a tree object (mode 40000), without decoding its other entries. The tree is
 * converted twice as a whole (as latin1 text, one character per byte so that offsets agree, and as
 * hex) rather than four calls into C++ per entry: the `services` tree of a big workspace has
 * thousands of entries.
 */
export function subtrees(content: Buffer, shaBytes = 20): Array<{ readonly name: string; readonly sha: string }> {
  const out: Array<{ name: string; sha: string }> = [];
  const text = content.toString('latin1');
  let hex: string | undefined;
  let i = 0;
  while (i < text.length) {
    const space = text.indexOf(' ', i);
    const nul = text.indexOf('\0', space);
    // Stryker disable next-line EqualityOperator: space is 0 only for a tree starting with an empty mode, which git never writes, and nul, searched from space, is 0 only then
    if (space < 0 || nul < 0) throw new Error('malformed tree object');
    // "40000": a folder (a file's mode has six digits).
    // Stryker disable next-line ConditionalExpression,LogicalOperator: git's modes are 40000 and six digits starting with 1 (100644, 100755, 120000, 160000), so either test alone tells a folder (false, no folder at all, is pinned by the tests)
    if (space - i === 5 && text.charCodeAt(i) === 0x34) {
      hex ??= content.toString('hex');
      const name = text.slice(space + 1, nul);
      out.push({ name: NON_ASCII.test(name) ? content.toString('utf8', space + 1, nul) : name, sha: hex.slice(2 * (nul + 1), 2 * (nul + 1 + shaBytes)) });
    }
    i = nul + 1 + shaBytes;
  }
  return out;
}
