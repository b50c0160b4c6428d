/**
 * GitHub Actions expressions as values, so that workflow files build them from parts (`eq(github.eventName,
 * lit('push'))`) instead of pasting `${{ ... }}` strings. `Expr.source` is the bare expression (what
 * `if:` takes); `wrap()` gives the `${{ ... }}` form for values. Each expression knows its operator's
 * precedence, so operands are parenthesised exactly when the grammar needs it.
 */

/** The expression grammar's binding strength, loosest first: `||`, `&&`, `==`/`!=`, `!`, atoms. */
enum Prec {
  Or = 0,
  And = 1,
  Equality = 2,
  Not = 3,
  Atom = 4,
}

export class Expr {
  constructor(
    readonly source: string,
    readonly prec: Prec = Prec.Atom,
  ) {}
  /** `${{ source }}`: the form every field except `if:` needs. */
  wrap(): string {
    return `\${{ ${this.source} }}`;
  }
}

/** A literal; strings are quoted with the grammar's doubled single quotes. */
export function lit(value: string | number | boolean): Expr {
  return new Expr(typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value));
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `base.name`, or `base['name']` when the name is not an identifier. */
function prop(base: string, name: string): Expr {
  return new Expr(IDENT.test(name) ? `${base}.${name}` : `${base}[${lit(name).source}]`);
}

function operand(e: Expr, parent: Prec): string {
  return e.prec < parent ? `(${e.source})` : e.source;
}

const call = (name: string, ...args: readonly Expr[]): Expr => new Expr(`${name}(${args.map((a) => a.source).join(', ')})`);

export const eq = (a: Expr, b: Expr): Expr => new Expr(`${operand(a, Prec.Not)} == ${operand(b, Prec.Not)}`, Prec.Equality);
export const ne = (a: Expr, b: Expr): Expr => new Expr(`${operand(a, Prec.Not)} != ${operand(b, Prec.Not)}`, Prec.Equality);
export const and = (...parts: readonly Expr[]): Expr => new Expr(parts.map((p) => operand(p, Prec.And)).join(' && '), Prec.And);
export const or = (...parts: readonly Expr[]): Expr => new Expr(parts.map((p) => operand(p, Prec.Or)).join(' || '), Prec.Or);
export const not = (e: Expr): Expr => new Expr(`!${operand(e, Prec.Atom)}`, Prec.Not);
export const fn = (name: 'always' | 'success' | 'failure' | 'cancelled'): Expr => call(name);
export const fromJSON = (e: Expr): Expr => call('fromJSON', e);
export const toJSON = (e: Expr): Expr => call('toJSON', e);
export const contains = (haystack: Expr, needle: Expr): Expr => call('contains', haystack, needle);
export const format = (template: string, ...args: readonly Expr[]): Expr => call('format', lit(template), ...args);
export const hashFiles = (...patterns: readonly string[]): Expr => call('hashFiles', ...patterns.map((p) => lit(p)));

/** The `github` context fields the workflows read (event payload fields only where an `if:` needs them). */
export const github = {
  eventName: new Expr('github.event_name'),
  ref: new Expr('github.ref'),
  sha: new Expr('github.sha'),
  actor: new Expr('github.actor'),
  repository: new Expr('github.repository'),
  workflow: new Expr('github.workflow'),
  runId: new Expr('github.run_id'),
  /** The job's GITHUB_TOKEN (its permissions are the job's), for API calls; logins read it as a secret. */
  token: new Expr('github.token'),
  /** A field of the event payload: for `if:` and `env:` only; generation refuses it inside `run:`. */
  event: (path: string): Expr => new Expr(`github.event.${path}`),
} as const;

export const runner = { temp: new Expr('runner.temp'), os: new Expr('runner.os') } as const;
export const matrix = (key: string): Expr => prop('matrix', key);
export const secret = (name: string): Expr => prop('secrets', name);
/** A workflow_dispatch input: for `if:` and `env:` only (generation refuses it inside `run:`). */
export const input = (name: string): Expr => prop('inputs', name);
export const needsOutput = (job: string, output: string): Expr => prop(`${prop('needs', job).source}.outputs`, output);
export const needsResult = (job: string): Expr => new Expr(`${prop('needs', job).source}.result`);
/** `needs.*.result`: the results of every job this one needs (for a gate). */
export const allNeedsResults = new Expr('needs.*.result');
/** The whole `needs` context (for printing the results a gate decided on). */
export const needsContext = new Expr('needs');
export const stepOutput = (step: string, output: string): Expr => prop(`${prop('steps', step).source}.outputs`, output);
