import { describe, expect, test } from 'vitest';
import { asString, type Json, truthy } from '../../scripts/plan/expressions.js';

// GitHub's `if:` coercion: null, false, 0, -0, NaN and '' are false; every other value, the string
// 'false' and the string '0' included, is true.
describe('truthy', () => {
  test.each<[Json, boolean]>([
    [null, false],
    [false, false],
    [true, true],
    [0, false],
    [-0, false],
    [Number.NaN, false],
    [1, true],
    [-1, true],
    [0.5, true],
    ['', false],
    ['false', true],
    ['0', true],
    [' ', true],
    [[], true],
    [{}, true],
  ])('%j is %s', (value, expected) => {
    expect(truthy(value)).toBe(expected);
  });
});

describe('asString: a value as GitHub passes it to an input or an environment variable', () => {
  test.each<[Json, string]>([
    [null, ''],
    ['text', 'text'],
    [true, 'true'],
    [false, 'false'],
    [3, '3'],
    [1.5, '1.5'],
    [['a', 1], '["a",1]'],
    [{ a: null }, '{"a":null}'],
  ])('%j -> %j', (value, expected) => {
    expect(asString(value)).toBe(expected);
  });
});
