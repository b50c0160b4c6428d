/**
 * The expression helpers produce what they mean: each combination is evaluated by GitHub's engine and
 * compared with the same boolean logic computed in TypeScript, for every assignment of its inputs,
 * so a missing parenthesis (precedence) cannot hide.
 */
import { describe, expect, test } from 'vitest';
import { and, eq, type Expr, format, lit, matrix, needsOutput, not, or, secret, stepOutput } from '../../workflows-src/dsl/expr.js';
import { evaluate } from './validators.js';

const v = (name: string): Expr => eq(matrix(name), lit('y'));
const shapes: [string, Expr, (a: boolean, b: boolean, c: boolean) => boolean][] = [
  ['a && (b || c)', and(v('a'), or(v('b'), v('c'))), (a, b, c) => a && (b || c)],
  ['(a && b) || c', or(and(v('a'), v('b')), v('c')), (a, b, c) => (a && b) || c],
  ['!(a || b) && c', and(not(or(v('a'), v('b'))), v('c')), (a, b, c) => !(a || b) && c],
  ['!a || !(b && c)', or(not(v('a')), not(and(v('b'), v('c')))), (a, b, c) => !a || !(b && c)],
  ['(a || b) == c', eq(or(v('a'), v('b')), v('c')), (a, b, c) => (a || b) === c],
];
const assignments = [false, true].flatMap((a) => [false, true].flatMap((b) => [false, true].map((c) => [a, b, c] as const)));

describe.each(shapes)('%s', (_, expr, truth) => {
  test.each(assignments)('a=%s b=%s c=%s', (a, b, c) => {
    const m = { a: a ? 'y' : 'n', b: b ? 'y' : 'n', c: c ? 'y' : 'n' };
    expect(evaluate(expr.source, { matrix: m })).toBe(truth(a, b, c));
  });
});

test.each([
  ["it's", "it's"],
  ['${{ x }}', '${{ x }}'],
  // One quote only: @actions/expressions 0.3.61 unescapes only the first doubled quote of a literal.
])('a literal %j round-trips through the engine', (text, back) => {
  expect(evaluate(lit(text).source, {})).toBe(back);
});

test.each([
  [needsOutput('changes', 'build-args'), { needs: { changes: { outputs: { 'build-args': 'A=1' } } } }, 'A=1'],
  [stepOutput('meta', 'tags'), { steps: { meta: { outputs: { tags: 't' } } } }, 't'],
  [secret('REGISTRY_PASSWORD'), { secrets: { REGISTRY_PASSWORD: 's' } }, 's'],
  [format('image-{0}', matrix('service')), { matrix: { service: 'api-gateway' } }, 'image-api-gateway'],
] as const)('%o reads its context', (expr, contexts, expected) => {
  expect(evaluate(expr.source, contexts)).toBe(expected);
});

test('wrap() is the ${{ }} form of the same source', () => {
  expect(matrix('service').wrap()).toBe('${{ matrix.service }}');
});
