/**
 * Reading an `if:` expression in parts: its top-level `&&` / `||` terms (strings and parentheses
 * respected), and a short form for people (`needs.changes.outputs.any == 'true'` reads `any=true`).
 * Used by the engine to name the term that decided a job, and by the summary to print it. Pure.
 */

/** `success() && (X)`, as GitHub writes a condition without a status function, is X. */
export function userCondition(expr: string): string {
  const m = /^success\(\) && \((.*)\)$/s.exec(expr.trim());
  return m?.[1] !== undefined && wrapsWhole(`(${m[1]})`) ? m[1] : expr.trim();
}

/** Whether `(…)` at both ends of `expr` is one group (not `(a) && (b)`). */
function wrapsWhole(expr: string): boolean {
  // Stryker disable next-line StringLiteral: the loop below rejects text from '(' that does not end with its group anyway
  if (!expr.startsWith('(') || !expr.endsWith(')')) return false;
  let depth = 0;
  let quoted = false;
  // Stryker disable next-line EqualityOperator: one more turn reads undefined, which changes nothing
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < expr.length - 1) return false;
  }
  return depth === 0;
}

function stripParens(expr: string): string {
  let e = expr.trim();
  while (wrapsWhole(e)) e = e.slice(1, -1).trim();
  return e;
}

/** The terms of `expr` joined by `op` at the top level (one term when there is no such operator). */
export function splitTop(expr: string, op: '&&' | '||'): string[] {
  const e = stripParens(expr);
  const terms: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  // Stryker disable next-line EqualityOperator: one more turn reads undefined, which changes nothing
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (c === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && e.startsWith(op, i)) {
      terms.push(e.slice(start, i).trim());
      start = i + op.length;
      i += op.length - 1;
    }
  }
  terms.push(e.slice(start).trim());
  return terms;
}

const COMPARISON = /^([A-Za-z_][\w.*-]*)\s*(==|!=)\s*(?:'((?:[^']|'')*)'|(true|false|null|-?\d+(?:\.\d+)?))$/;

/** `needs.changes.outputs.any` → `any`; `needs.build.result` → `build` (the job whose result it is). */
function shortPath(path: string): string {
  const parts = path.split('.');
  return parts[0] === 'needs' && parts.length === 3 && parts[2] === 'result' ? (parts[1] ?? path) : (parts.at(-1) ?? path);
}

/** A short reading of a condition: `a.b.c == 'v'` → `c=v`, `!=` → `≠`, `&&` → `, `, `||` → ` or `, `!(x)` → `not (x)`. */
/** The terms of a conjunction in short form (`a && (b || c)` -> `a`, `(b or c)`); one term for anything else. */
export function conditionTerms(expr: string): string[] {
  const ands = splitTop(stripParens(expr), '&&');
  return ands.length > 1 ? ands.map(compactTerm) : [compactCondition(expr)];
}

/** One term of a conjunction in short form: a disjunction in parentheses. */
function compactTerm(term: string): string {
  return splitTop(term, '||').length > 1 ? `(${compactCondition(term)})` : compactCondition(term);
}

export function compactCondition(expr: string): string {
  const e = stripParens(expr);
  const ors = splitTop(e, '||');
  if (ors.length > 1) return ors.map((t) => compactCondition(t)).join(' or ');
  const ands = splitTop(e, '&&');
  if (ands.length > 1) return ands.map(compactTerm).join(', ');
  if (e.startsWith('!') && wrapsWhole(e.slice(1).trim())) return `not (${compactCondition(e.slice(1))})`;
  const m = COMPARISON.exec(e);
  // Stryker disable next-line StringLiteral: group 1 is not optional, so the default is never used
  if (m) return `${shortPath(m[1] ?? '')}${m[2] === '==' ? '=' : '≠'}${m[3] !== undefined ? m[3].replaceAll("''", "'") : m[4]}`;
  return e;
}
