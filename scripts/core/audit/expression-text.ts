/**
 * The `${{ }}` expressions of a text as GitHub reads them. Pure.
 */

/**
 * The expressions of a text, as GitHub reads them: each `${{` up to the first `}}` outside a quoted
 * string (`format('{0}}', x)` holds one that does not end it); one that never ends is the rest of the text.
 */
export function expressionsOf(text: string): string[] {
  const out: string[] = [];
  let at = text.indexOf('${{');
  while (at !== -1) {
    let quoted = false;
    let i = at + 3;
    // Stryker disable next-line EqualityOperator: equivalent (<=): one step past the end reads nothing more, and the slice stops at the end
    while (i < text.length && (quoted || !text.startsWith('}}', i))) {
      if (text[i] === "'") quoted = !quoted;
      i++;
    }
    out.push(text.slice(at + 3, i));
    // Stryker disable next-line ArithmeticOperator: equivalent: from i - 2 the next ${{ found is the same (none starts inside the }} or the expression just read)
    at = text.indexOf('${{', i + 2);
  }
  return out;
}

/**
 * How GitHub reads an `if:`: 'expression' (the text to evaluate) when it is one whole `${{ }}` or holds
 * none; 'text' when it holds one among other characters (a line break a block scalar keeps, two
 * expressions joined outside them): GitHub then makes a string of it, true unless empty.
 */
export function conditionOf(value: string): { readonly kind: 'expression'; readonly expression: string } | { readonly kind: 'text' } {
  const found = expressionsOf(value);
  if (found.length === 0) return { kind: 'expression', expression: value };
  const [only] = found;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent: a value that is `${{`, its first expression and `}}` holds no other, and found is not empty here (the checks are for the type); the comparison below is what the tests measure
  const single = found.length === 1 && only !== undefined;
  return single && value === `\${{${only}}}` ? { kind: 'expression', expression: only } : { kind: 'text' };
}

/** Data an outsider controls: event fields (titles, bodies, branch names, commit messages), head_ref, inputs. */
export const UNTRUSTED = /\bgithub\s*\.\s*(?:event\b|head_ref\b)|\bgithub\s*\[|\binputs\s*[.[]|\btoJSON\s*\(\s*github\s*\)/i;
/** An expression as written without its spaces, in lower case: `GitHub . SHA ` is `github.sha`. */
// Stryker disable next-line Regex: equivalent: a global replace of each space and of each run of spaces leaves the same text
export const compact = (expression: string) => expression.replace(/\s+/g, '').toLowerCase();
