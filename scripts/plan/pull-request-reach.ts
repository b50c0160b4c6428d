/**
 * Can a job run for a pull request? Its `if:` is read by GitHub's expression engine over what a pull
 * request fixes (the event name, the repository, the kind of ref, whether the head is a fork) while
 * everything else (the actor, the branch names, labels, titles, a needed job's result and outputs,
 * repository variables, the status functions) is unknown: a condition counts as unreachable only when
 * it is false whatever those hold, so no value that an outsider (or a maintainer's label) chooses can
 * open it. Each sub-expression is either known (evaluated by the engine itself, so its coercions and
 * case-blind comparisons are GitHub's), an object of known and unknown fields, or unknown with what is
 * known of it (its truth, and for text the values it cannot take).
 */
import { Lexer, Parser, data, Evaluator } from '@actions/expressions';
import {
  Binary,
  type ContextAccess,
  type Expr,
  type ExprVisitor,
  FunctionCall,
  type Grouping,
  IndexAccess,
  Literal,
  type Logical,
  Star,
  type Unary,
} from '@actions/expressions/ast';
import { type Token, TokenType } from '@actions/expressions/lexer';
import { truthy } from '@actions/expressions/result';
import { conditionOf } from '../core/audit/expression-text.js';
import type { AuditJob } from '../core/audit/workflow.js';
import { CONTEXT_NAMES } from './expressions.js';

type Truth = 'true' | 'false' | 'unknown';

/** What is known of a text whose value is not: a prefix it has, and the only values it can take (lower case). */
interface Text {
  readonly prefix?: string;
  readonly oneOf?: ReadonlySet<string>;
  readonly except?: ReadonlySet<string>;
}

export type Value =
  | { readonly kind: 'known'; readonly data: data.ExpressionData }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, Value>; readonly rest: Value }
  | { readonly kind: 'unknown'; readonly truth: Truth; readonly text?: Text };

// Stryker disable next-line StringLiteral: equivalent for the kind: a value of neither known nor object kind is read by its truth, and one without text is never compared (its truth is pinned by the tests)
const ANY: Value = { kind: 'unknown', truth: 'unknown' };
const known = (d: data.ExpressionData): Value => ({ kind: 'known', data: d });
const bool = (b: boolean): Value => known(new data.BooleanData(b));
const str = (s: string): Value => known(new data.StringData(s));
const text = (t: Text, truth: Truth = 'unknown'): Value => ({ kind: 'unknown', truth, text: t });
/** An object whose named fields (any case) are given and whose other fields read as `rest`. */
const object = (fields: Record<string, Value>, rest: Value = ANY): Value => ({
  kind: 'object',
  fields: new Map(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), v])),
  rest,
});

function truthOf(v: Value): Truth {
  if (v.kind === 'known') return truthy(v.data) ? 'true' : 'false';
  return v.kind === 'object' ? 'true' : v.truth;
}

/** Can a text with what `t` knows of it equal `s` (GitHub compares text case-blind)? */
function canEqual(t: Text, s: string): boolean {
  const lower = s.toLowerCase();
  if (t.oneOf && !t.oneOf.has(lower)) return false;
  if (t.except?.has(lower)) return false;
  return t.prefix === undefined || lower.startsWith(t.prefix);
}

/** Does a text with what `t` knows of it start with `p`: true, false, or unknown. */
function startsWith(t: Text, p: string): Truth {
  const lower = p.toLowerCase();
  if (t.oneOf) {
    const answers = new Set([...t.oneOf].map((v) => v.startsWith(lower)));
    if (answers.size !== 1) return 'unknown';
    if (answers.has(true)) return 'true';
    // Stryker disable next-line StringLiteral: equivalent: fromTruth, the only reader, reads any answer but 'true' and 'unknown' as false
    return 'false';
  }
  if (t.prefix === undefined) return 'unknown';
  if (t.prefix.startsWith(lower)) return 'true';
  if (lower.startsWith(t.prefix)) return 'unknown';
  // Stryker disable next-line StringLiteral: equivalent: fromTruth, the only reader, reads any answer but 'true' and 'unknown' as false
  return 'false';
}

const fromTruth = (t: Truth): Value => (t === 'unknown' ? ANY : bool(t === 'true'));

export interface StatusValues {
  readonly success: Value;
  readonly failure: Value;
  readonly cancelled: Value;
}

class Reach implements ExprVisitor<Value> {
  constructor(
    private readonly contexts: ReadonlyMap<string, Value>,
    private readonly status: StatusValues,
  ) {}

  /** The engine's own answer for a node over known values; an error there is unknown (it happens only where GitHub would stop). */
  private concrete(node: Expr): Value {
    try {
      return known(new Evaluator(node, new data.Dictionary()).evaluate());
    } catch {
      return ANY;
    }
  }

  eval(node: Expr): Value {
    return node.accept(this);
  }

  visitLiteral(literal: Literal): Value {
    return known(literal.literal);
  }

  visitUnary(unary: Unary): Value {
    const t = truthOf(this.eval(unary.expr));
    return t === 'unknown' ? ANY : bool(t === 'false');
  }

  visitBinary(binary: Binary): Value {
    const left = this.eval(binary.left);
    const right = this.eval(binary.right);
    if (left.kind === 'known' && right.kind === 'known') return this.concrete(new Binary(new Literal(left.data, MADE_UP), binary.operator, new Literal(right.data, MADE_UP)));
    const op = binary.operator.type;
    if (op !== TokenType.EQUAL_EQUAL && op !== TokenType.BANG_EQUAL) return ANY;
    // A text known in part against a text: false when it cannot take that value.
    const [partial, other] = left.kind === 'unknown' ? [left, right] : [right, left];
    // Stryker disable next-line ConditionalExpression: equivalent for the kind checks: only an unknown value has text, and only a known one data (they are for the types); the text and data checks are pinned by the tests
    if (partial.kind !== 'unknown' || partial.text === undefined || other.kind !== 'known' || !(other.data instanceof data.StringData)) return ANY;
    return canEqual(partial.text, other.data.value) ? ANY : bool(op === TokenType.BANG_EQUAL);
  }

  visitLogical(logical: Logical): Value {
    const and = logical.operator.type === TokenType.AND;
    // The value that stops the chain: a false one for &&, a true one for ||.
    const stops: Truth = and ? 'false' : 'true';
    let settled = true;
    let last: Value = ANY;
    for (const arg of logical.args) {
      last = this.eval(arg);
      const t = truthOf(last);
      // Stryker disable next-line StringLiteral: equivalent: a value of another kind than known or object is read by its truth alone (and one without text is never compared)
      if (t === stops) return settled ? last : { kind: 'unknown', truth: stops };
      if (t === 'unknown') settled = false;
    }
    if (settled) return last;
    // Either an earlier unknown stopped it (with the stopping truth) or the last value is the answer.
    // Stryker disable next-line ConditionalExpression,ObjectLiteral,StringLiteral: equivalent: the loop returns at a value with the stopping truth, so the last one never has it here and the answer is ANY (=== against !== is pinned by the tests)
    return truthOf(last) === stops ? { kind: 'unknown', truth: stops } : ANY;
  }

  visitGrouping(grouping: Grouping): Value {
    return this.eval(grouping.group);
  }

  visitContextAccess(access: ContextAccess): Value {
    return this.contexts.get(access.name.lexeme.toLowerCase()) ?? ANY;
  }

  visitIndexAccess(access: IndexAccess): Value {
    const target = this.eval(access.expr);
    // Stryker disable next-line ConditionalExpression: equivalent for true: the engine given no data for an object or an unknown value stops, which is unknown too (false is pinned by the tests)
    if (access.index instanceof Star) return target.kind === 'known' ? this.concrete(new IndexAccess(new Literal(target.data, MADE_UP), access.index)) : ANY;
    const index = this.eval(access.index);
    if (index.kind !== 'known') return ANY;
    if (target.kind === 'known') return this.concrete(new IndexAccess(new Literal(target.data, MADE_UP), new Literal(index.data, MADE_UP)));
    if (target.kind === 'object' && index.data instanceof data.StringData) return target.fields.get(index.data.value.toLowerCase()) ?? target.rest;
    return ANY;
  }

  visitFunctionCall(call: FunctionCall): Value {
    const name = call.functionName.lexeme.toLowerCase();
    if (name === 'always') return bool(true);
    if (name === 'success' || name === 'failure' || name === 'cancelled') return this.status[name];
    const args = call.args.map((a) => this.eval(a));
    const knownArgs = args.flatMap((a) => (a.kind === 'known' ? [a.data] : []));
    if (knownArgs.length === args.length) {
      return this.concrete(
        new FunctionCall(
          call.functionName,
          knownArgs.map((d) => new Literal(d, MADE_UP)),
        ),
      );
    }
    const [subject, prefix] = args;
    // Stryker disable next-line ConditionalExpression,OptionalChaining: equivalent for the kind checks and the ?.: only an unknown value has text and only a known one data, and the parser lets startsWith through with two arguments only; the name, text and StringData checks are pinned by the tests
    if (name === 'startswith' && subject?.kind === 'unknown' && subject.text && prefix?.kind === 'known' && prefix.data instanceof data.StringData) {
      return fromTruth(startsWith(subject.text, prefix.data.value));
    }
    return ANY;
  }
}

/** The token of a literal made here (the engine reads a token only to place an error). */
// Stryker disable next-line ObjectLiteral,StringLiteral: equivalent: the engine reads a literal's token only to place an error in the text, and an error here is unknown whatever its place
const MADE_UP: Token = { type: TokenType.NULL, lexeme: '', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } };

/**
 * What a condition can be: 'false' when it is false for every value of what is unknown. A condition
 * that does not parse is 'unknown' (the safe answer).
 */
export function conditionTruth(condition: string, contexts: ReadonlyMap<string, Value>, status: StatusValues): Truth {
  let tree: Expr;
  try {
    const tokens = new Lexer(condition).lex().tokens;
    const statusFunctions = ['success', 'failure', 'cancelled', 'always'].map((name) => ({ name, minArgs: 0, maxArgs: 0 }));
    tree = new Parser(tokens, [...CONTEXT_NAMES], statusFunctions).parse();
  } catch {
    return 'unknown';
  }
  return truthOf(new Reach(contexts, status).eval(tree));
}

/** A needed job's result: one of the four GitHub gives. */
const RESULT = text({ oneOf: new Set(['success', 'failure', 'cancelled', 'skipped']) }, 'true');

/** The contexts of a job's `if:` for a pull request of this kind, from a fork or from the repository itself. */
export function pullRequestContexts(repository: string, event: 'pull_request' | 'pull_request_target', fork: boolean, needs: readonly string[]): Map<string, Value> {
  const self = str(repository);
  const github = object({
    event_name: str(event),
    repository: self,
    // Stryker disable next-line StringLiteral: equivalent: split gives one part at least, so the fallback is never used (it is for the type)
    repository_owner: str(repository.split('/')[0] ?? ''),
    // pull_request runs on the merge ref refs/pull/<n>/merge; pull_request_target on the base branch, any branch.
    ref: text({ prefix: event === 'pull_request' ? 'refs/pull/' : 'refs/heads/' }, 'true'),
    event: object({
      repository: object({ full_name: self }),
      pull_request: object({
        base: object({ repo: object({ full_name: self }) }),
        // A fork is never the repository itself; its name is otherwise the outsider's choice.
        head: object({ repo: object({ fork: bool(fork), full_name: fork ? text({ except: new Set([repository.toLowerCase()]) }, 'true') : self }) }),
      }),
    }),
  });
  return new Map<string, Value>([
    ['github', github],
    // A job not among the needs reads as null, as in GitHub.
    ['needs', object(Object.fromEntries(needs.map((n) => [n, object({ result: RESULT, outputs: object({}, text({})) })])), known(new data.Null()))],
  ]);
}

function needsOf(job: AuditJob): string[] {
  const needs = job.fields['needs'];
  if (typeof needs === 'string') return [needs];
  return Array.isArray(needs) ? needs.filter((n): n is string => typeof n === 'string') : [];
}

/**
 * Can the job's `if:` be true for a pull request of this kind? Asked for a pull request from a fork and
 * from the repository itself. The status functions: with needs, any answer (a needed job can fail, be
 * skipped or cancelled); without, success() is true and failure() false; cancelled() is unknown (a
 * new push cancels a run under cancel-in-progress). An `if:` that is no whole expression is text to
 * GitHub, true unless empty: reachable.
 */
export function canRunFor(repository: string) {
  return (job: AuditJob, event: 'pull_request' | 'pull_request_target'): boolean => {
    const raw = job.fields['if'];
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: a job without if: is reachable either way (success() is true or unknown, 'undefined' does not parse: unknown), and String of a string is itself
    const read = raw === undefined ? conditionOf('success()') : conditionOf(typeof raw === 'string' ? raw : String(raw));
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: text read on as an expression is undefined, which does not lex: unknown, reachable as text is
    if (read.kind === 'text') return true;
    const condition = read.expression;
    const needs = needsOf(job);
    const status: StatusValues = needs.length > 0 ? { success: ANY, failure: ANY, cancelled: ANY } : { success: bool(true), failure: bool(false), cancelled: ANY };
    return [false, true].some((fork) => conditionTruth(condition, pullRequestContexts(repository, event, fork, needs), status) !== 'false');
  };
}
