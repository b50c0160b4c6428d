/**
 * GitHub's filter pattern syntax for `branches`, `tags` and `paths` (docs: "Filter pattern cheat sheet"),
 * which is not minimatch: `*` stops at `/`, `**` crosses it (and `**​/` may match no folder at all),
 * `?` and `+` quantify the PRECEDING character (zero-or-one, one-or-more), `[a-z0-9]` is a class,
 * `\` escapes, and a leading `!` negates a pattern in an ordered list (the last match wins).
 * Pure: tested by a table in test/plan/filter-patterns.test.ts.
 */

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

function literal(char: string): string {
  return char.replace(REGEX_SPECIAL, '\\$&');
}

/** The anchored regular expression equivalent to one GitHub filter pattern (without its `!`). */
export function patternToRegExp(pattern: string): RegExp {
  let out = '';
  // Whether the last emitted piece is something `?`/`+` can quantify.
  let quantifiable = false;
  // Stryker disable next-line EqualityOperator: one more pass reads charAt(length) === '', which appends nothing
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\' && i + 1 < pattern.length) {
      out += literal(pattern.charAt(++i));
      quantifiable = true;
    } else if (c === '*') {
      if (pattern.charAt(i + 1) === '*') {
        i++;
        if (pattern.charAt(i + 1) === '/') {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
      quantifiable = false;
    } else if ((c === '?' || c === '+') && quantifiable) {
      out += c;
      quantifiable = false;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end > i + 1) {
        const body = pattern.slice(i + 1, end).replace(/[\\^\]]/g, '\\$&');
        out += `[${body}]`;
        i = end;
      } else {
        out += literal(c);
      }
      quantifiable = true;
    } else {
      out += literal(c);
      quantifiable = true;
    }
  }
  return new RegExp(`^${out}$`);
}

const cache = new Map<string, RegExp>();

export function matchesPattern(pattern: string, value: string): boolean {
  let re = cache.get(pattern);
  // Stryker disable next-line ConditionalExpression: the cache only saves recompiling; a fresh RegExp matches the same
  if (!re) {
    re = patternToRegExp(pattern);
    // Stryker disable next-line all: the cache only saves recompiling
    cache.set(pattern, re);
  }
  return re.test(value);
}

/**
 * An ordered list with optional `!` negations: a value is selected when the LAST pattern that matches
 * it is positive (so `['feature/**', '!feature/wip']` selects feature/x but not feature/wip).
 */
export function selectedBy(patterns: readonly string[], value: string): boolean {
  let selected = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (selected && matchesPattern(p.slice(1), value)) selected = false;
    } else if (!selected && matchesPattern(p, value)) {
      selected = true;
    }
  }
  return selected;
}
