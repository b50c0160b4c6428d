/**
 * The `${{ }}` expressions of a text as GitHub reads them, and how it reads an `if:`: one whole
 * expression (or none) is evaluated; an expression among other characters makes the `if:` text.
 */
import { describe, expect, test } from 'vitest';
import { conditionOf, expressionsOf } from '../../scripts/core/audit/expression-text.js';

describe('expressionsOf: each ${{ up to the first }} outside a quoted string', () => {
  test.each<[string, string[]]>([
    ['no expression', []],
    ['${{ a }}', [' a ']],
    ['x ${{ a }} y ${{b}}', [' a ', 'b']],
    // A }} inside a quoted string does not end the expression.
    ["${{ format('{0}}', x) }}", [" format('{0}}', x) "]],
    // One that never ends is the rest of the text.
    ['${{ a', [' a']],
    ["${{ 'a }} b", [" 'a }} b"]],
  ])('%j', (text, expected) => {
    expect(expressionsOf(text)).toEqual(expected);
  });
});

describe('conditionOf: an expression to evaluate, or text (true unless empty)', () => {
  test.each<[string, ReturnType<typeof conditionOf>]>([
    // No ${{ }}: the whole value is the expression.
    ["github.event_name == 'push'", { kind: 'expression', expression: "github.event_name == 'push'" }],
    // One whole ${{ }}: its inside.
    ["${{ github.event_name == 'push' }}", { kind: 'expression', expression: " github.event_name == 'push' " }],
    ["${{ format('{0}}', x) }}", { kind: 'expression', expression: " format('{0}}', x) " }],
    // Anything around it, or two of them: text.
    ["${{ github.event_name == 'push' }}\n", { kind: 'text' }],
    [' ${{ false }}', { kind: 'text' }],
    ['${{ false }} && ${{ false }}', { kind: 'text' }],
    ['${{ a }}${{ b }}', { kind: 'text' }],
    ['${{ a', { kind: 'text' }],
  ])('%j', (value, expected) => {
    expect(conditionOf(value)).toEqual(expected);
  });
});
