/**
 * Evaluating the parser's template tokens (a `with:` mapping, a strategy, `env:`) into plain JSON, and
 * finding raw tokens the workflow model does not keep (`with:`, `working-directory`, workflow_call outputs).
 */
import { dict } from '../core/dict.js';
import { isBasicExpression, isBoolean, isMapping, isNumber, isSequence, isString } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { type Contexts, EvaluationError, evaluate, type Functions, type Json, asString } from './expressions.js';

export function evaluateToken(token: TemplateToken, contexts: Contexts, fns: Functions): Json {
  if (isBasicExpression(token)) return evaluate(token.expression, contexts, fns);
  if (isString(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isSequence(token)) return [...token].map((t) => evaluateToken(t, contexts, fns));
  if (isMapping(token)) {
    const out: Record<string, Json> = dict();
    for (const pair of token) out[asString(evaluateToken(pair.key, contexts, fns))] = evaluateToken(pair.value, contexts, fns);
    return out;
  }
  // Stryker disable next-line StringLiteral: a parsed token always has its line; '?' is for a token built by hand
  if (token.isExpression) throw new EvaluationError(`line ${token.line ?? '?'}: \${{ insert }} is not supported by the plan`);
  return null;
}

/** A mapping of strings (`with:`, `env:`), values converted as GitHub passes them. */
export function evaluateStrings(token: TemplateToken | undefined, contexts: Contexts, fns: Functions): Record<string, string> {
  if (!token) return {};
  const value = evaluateToken(token, contexts, fns);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EvaluationError(`expected a mapping, got ${JSON.stringify(value)}`);
  const out: Record<string, string> = dict();
  for (const [k, v] of Object.entries(value)) out[k] = asString(v);
  return out;
}

/** A token as written: a scalar or expression its text, a mapping or sequence as JSON of its parts' texts. */
export function templateText(token: TemplateToken): string {
  const written = (t: TemplateToken): Json => {
    if (isSequence(t)) return [...t].map(written);
    if (!isMapping(t)) return t.toString();
    // Keys of the planned commit's workflow: a table without a prototype.
    const out: Record<string, Json> = dict();
    for (const { key, value } of t) out[key.toString()] = written(value);
    return out;
  };
  const value = written(token);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function child(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token && isMapping(token) ? token.find(key) : undefined;
}

export function childMapping(token: TemplateToken | undefined, key: string): MappingToken | undefined {
  const value = child(token, key);
  return value && isMapping(value) ? value : undefined;
}

export function item(token: TemplateToken | undefined, index: number): TemplateToken | undefined {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound only spares a call; get() of an index past the end is undefined too
  return token && isSequence(token) && index < token.count ? token.get(index) : undefined;
}

export function literalString(token: TemplateToken | undefined): string | undefined {
  return token && isString(token) ? token.value : undefined;
}
