/**
 * Expression evaluation with GitHub's own engine (@actions/expressions): plain JSON in, plain JSON out.
 * The engine has no status functions (they depend on the run), so the caller supplies them.
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { dict } from '../core/dict.js';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What `success()`, `failure()`, `cancelled()` return where the expression is evaluated (`always()` is true). */
export interface Status {
  readonly success: boolean;
  readonly failure: boolean;
  readonly cancelled: boolean;
}

export const CONTEXT_NAMES = ['github', 'env', 'vars', 'job', 'jobs', 'steps', 'runner', 'secrets', 'strategy', 'matrix', 'needs', 'inputs'] as const;

/**
 * A Dictionary whose keys are only its own: @actions/expressions' Dictionary indexes keys in a plain
 * object (`key in indexMap`), so a key named `constructor`, `valueOf` or `__proto__` (a workflow input,
 * a step output, a matrix key) is silently dropped or read from Object.prototype. The same behaviour
 * (case-insensitive, first key wins, insertion order) over a Map.
 */
export class SafeDictionary extends data.Dictionary {
  private readonly index = new Map<string, { readonly key: string; readonly value: data.ExpressionData }>();

  constructor(pairs: readonly { readonly key: string; readonly value: data.ExpressionData }[] = []) {
    super();
    for (const p of pairs) this.add(p.key, p.value);
  }

  override add(key: string, value: data.ExpressionData): void {
    if (!this.index.has(key.toLowerCase())) this.index.set(key.toLowerCase(), { key, value });
  }

  override get(key: string): data.ExpressionData | undefined {
    return this.index.get(key.toLowerCase())?.value;
  }

  override values(): data.ExpressionData[] {
    return [...this.index.values()].map((p) => p.value);
  }

  override pairs(): { key: string; value: data.ExpressionData }[] {
    return [...this.index.values()].map((p) => ({ key: p.key, value: p.value }));
  }
}

export function toData(value: Json | undefined): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  return new SafeDictionary(Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })));
}

export function fromData(value: data.ExpressionData): Json {
  if (value instanceof data.Null) return null;
  if (value instanceof data.BooleanData) return value.value;
  if (value instanceof data.NumberData) return value.number();
  if (value instanceof data.StringData) return value.value;
  if (value instanceof data.Array) return value.values().map(fromData);
  return dict(value.pairs().map((p) => [p.key, fromData(p.value)]));
}

/** A value as GitHub passes it to an action input or environment variable: always a string. */
export function asString(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  // GitHub's number format (at most 15 digits; NaN and Infinity by name). true and false read the same in JSON.
  if (typeof value === 'number') return toData(value).coerceString();
  return JSON.stringify(value);
}

/**
 * The `secrets` context: every name reads as `***` (what GitHub's logs show), or as empty where GitHub
 * passes no secrets (fork pull requests get GITHUB_TOKEN only). Each read is recorded, so the plan
 * can list the secrets a step references.
 */
export class SecretsContext extends data.Dictionary {
  readonly read = new Set<string>();
  constructor(private readonly available: (name: string) => boolean) {
    super();
  }
  override get(key: string): data.ExpressionData {
    const name = key.toUpperCase();
    this.read.add(name);
    return new data.StringData(this.available(name) ? '***' : '');
  }
}

/**
 * The `steps` context, recording which steps' values an expression reads: a step that reads the outputs
 * of a step the plan only reports (so its outputs are unknown) is not executed either.
 */
export class StepsContext extends data.Dictionary {
  readonly read = new Set<string>();
  constructor(private readonly steps: Readonly<Record<string, Json>>) {
    super();
  }
  override get(key: string): data.ExpressionData | undefined {
    this.read.add(key);
    const found = Object.entries(this.steps).find(([id]) => id.toLowerCase() === key.toLowerCase());
    return found ? toData(found[1]) : undefined;
  }
}

export type Contexts = Readonly<Partial<Record<(typeof CONTEXT_NAMES)[number], Json | SecretsContext | StepsContext>>>;

export interface Functions {
  readonly status: Status;
  readonly hashFiles?: (patterns: readonly string[]) => string;
}

function definitions(fns: Functions): Map<string, FunctionDefinition> {
  const bool = (name: string, value: boolean): [string, FunctionDefinition] => [name.toLowerCase(), { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) }];
  const map = new Map<string, FunctionDefinition>([
    bool('success', fns.status.success),
    bool('failure', fns.status.failure),
    bool('cancelled', fns.status.cancelled),
    bool('always', true),
  ]);
  const hash = fns.hashFiles;
  map.set('hashfiles', {
    name: 'hashFiles',
    minArgs: 1,
    maxArgs: 255,
    call: (...args) => {
      if (!hash) throw new Error('hashFiles() is not available here');
      return new data.StringData(hash(args.map((a) => a.coerceString())));
    },
  });
  return map;
}

/** Evaluates one expression (without `${{ }}`); throws with the expression named when it cannot. */
export function evaluate(expression: string, contexts: Contexts, fns: Functions): Json {
  const fnDefs = definitions(fns);
  try {
    const tokens = new Lexer(expression).lex().tokens;
    const tree = new Parser(tokens, [...CONTEXT_NAMES], [...fnDefs.values()]).parse();
    const contextData = new SafeDictionary(
      Object.entries(contexts).map(([key, value]) => ({ key, value: value instanceof SecretsContext || value instanceof StepsContext ? value : toData(value) })),
    );
    return fromData(new Evaluator(tree, contextData, fnDefs).evaluate());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new EvaluationError(`\${{ ${expression} }}: ${message}${cause}`);
  }
}

export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

export function truthy(value: Json): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  // Stryker disable next-line ConditionalExpression: what is left (a list or a mapping) is never '', so it is true either way
  if (typeof value === 'string') return value !== '';
  return true;
}
