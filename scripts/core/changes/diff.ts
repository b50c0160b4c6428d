/**
 * The output of `git diff -z --no-renames --name-only`: paths separated (and ended) by NUL, taken
 * byte for byte, so that spaces, quotes, newlines and non-ASCII names survive. With --no-renames a
 * rename is a deletion plus an addition, so both the old and the new folder are seen.
 */
export function parseNameOnlyZ(output: string): string[] {
  // Stryker disable next-line ConditionalExpression: false is equivalent: ''.split('\0') is [''], which the next line empties too
  if (output.length === 0) return [];
  const paths = output.split('\0');
  // `-z` ends every record with NUL, so the last field is empty.
  if (paths.at(-1) === '') paths.pop();
  return [...new Set(paths)];
}
