/** Commit objects (`git cat-file commit`): the header, up to the first blank line, then the message. */

/** The parents a commit object records, in order (known even when a shallow clone cuts them off). */
export function commitParents(content: string): string[] {
  const header = content.split('\n\n', 1)[0] ?? '';
  return header
    .split('\n')
    .filter((l) => l.startsWith('parent '))
    .map((l) => l.slice('parent '.length));
}
