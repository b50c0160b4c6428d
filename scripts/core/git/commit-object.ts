/** Commit objects (`git cat-file commit`): the header, up to the first blank line, then the message. */

/** The parents a commit object records, in order (known even when a shallow clone cuts them off). */
export function commitParents(content: string): string[] {
  // Stryker disable next-line StringLiteral: split always gives a first part, so the fallback '' is never used (the '\n\n' of this line is pinned by the tests)
  const header = content.split('\n\n', 1)[0] ?? '';
  return header
    .split('\n')
    .filter((l) => l.startsWith('parent '))
    .map((l) => l.slice('parent '.length));
}
