/**
 * A full ref name git accepts (`git check-ref-format`, git's refs.c): at least two components joined by single
 * slashes, none empty, none starting with '.', none ending with '.lock'; no '..', no '@{'; no control
 * character, space, '~', '^', ':', '?', '*', '[' or '\'; not ending with '.'. Names beyond ASCII are allowed,
 * as git allows them.
 */
export function isGitRefName(ref: string): boolean {
  // A full ref has a slash (refs/…): git refuses a one-level name such as `main` or `@` without --allow-onelevel.
  if (!ref.includes('/') || ref.endsWith('.') || ref.includes('..') || ref.includes('@{')) return false;
  for (const c of ref) {
    const code = c.charCodeAt(0);
    // Stryker disable next-line EqualityOperator: equivalent: 0x20 is the space, refused by the list too
    if (code < 0x20 || code === 0x7f || ' ~^:?*[\\'.includes(c)) return false;
  }
  return ref.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

/** A branch name `git check-ref-format --branch` accepts: a ref name under refs/heads/, not led by '-', not HEAD. */
export function isGitBranchName(name: string): boolean {
  return name !== 'HEAD' && !name.startsWith('-') && isGitRefName(`refs/heads/${name}`);
}
