// Reading `if:` conditions in parts (scripts/plan/condition.ts): GitHub writes a condition without a
// status function as `success() && (X)`; the plan names the top-level term that decided and prints a
// short form of it. Tables of hand-written conditions; strings and parentheses are respected.
import { describe, expect, test } from 'vitest';
import { compactCondition, splitTop, userCondition } from '../../scripts/plan/condition.js';

describe('userCondition: the condition as the workflow wrote it', () => {
  test.each([
    ["success() && (needs.a.outputs.x == 'y')", "needs.a.outputs.x == 'y'"],
    ["  success() && (x == 'y')  ", "x == 'y'"],
    ['success() && (a\n  || b)', 'a\n  || b'],
    ["success() && (a == ')')", "a == ')'"],
    ["success() && (a == '(')", "a == '('"],
    ['success() && ((a) || (b))', '(a) || (b)'],
    // Not one group: `(a) && (b)` is two terms after success().
    ['success() && (a) && (b)', 'success() && (a) && (b)'],
    ['success() && (a) || (b)', 'success() && (a) || (b)'],
    ['success() && (a', 'success() && (a'],
    // The group must close the condition: text after it means two terms.
    ["success() && (x == 'y') || z", "success() && (x == 'y') || z"],
    ['  always()  ', 'always()'],
    ["failure() && (x == 'y')", "failure() && (x == 'y')"],
    ["xsuccess() && (x == 'y')", "xsuccess() && (x == 'y')"],
    ["success() && (x == 'y') ", "x == 'y'"],
  ])('%j is %j', (expr, expected) => {
    expect(userCondition(expr)).toBe(expected);
  });
});

describe('splitTop: the terms of a top-level && or || chain', () => {
  test.each([
    ['a&&b', '&&', ['a', 'b']],
    ['a && b && c', '&&', ['a', 'b', 'c']],
    ['a || b && c', '&&', ['a || b', 'c']],
    ['a || b && c', '||', ['a', 'b && c']],
    ["a == '&&' && b", '&&', ["a == '&&'", 'b']],
    ["a == 'x''&&' && b", '&&', ["a == 'x''&&'", 'b']],
    ['(a && b) && c', '&&', ['(a && b)', 'c']],
    ['((a && b))', '&&', ['a', 'b']],
    ['( a || b )', '||', ['a', 'b']],
    ['(a) && (b)', '&&', ['(a)', '(b)']],
    ['f(a, (b && c)) && d', '&&', ['f(a, (b && c))', 'd']],
    ['a ||| b', '||', ['a', '| b']],
    ['', '&&', ['']],
  ] as const)('splitTop(%j, %s) is %j', (expr, op, expected) => {
    expect(splitTop(expr, op)).toEqual(expected);
  });
});

describe('compactCondition: a short reading for people', () => {
  test.each([
    ["needs.build.result == 'success'", 'build=success'],
    ["needs.build.outputs.result == 'x'", 'result=x'],
    ["needs.build.result.x == 'y'", 'x=y'],
    ["steps.build.result == 'y'", 'result=y'],
    ["result == 'y'", 'result=y'],
    ["github.event_name != 'push'", 'event_name≠push'],
    ['inputs.count == 3', 'count=3'],
    ['inputs.delta != -2.5', 'delta≠-2.5'],
    ['inputs.flag == false', 'flag=false'],
    ['inputs.x == null', 'x=null'],
    ["inputs.x == ''", 'x='],
    ["matrix.my-key == 'v'", 'my-key=v'],
    ["inputs.a=='v'", 'a=v'],
    // Not a comparison of a path with a literal: shown as written.
    ['inputs.a == inputs.b', 'inputs.a == inputs.b'],
    ["contains(github.ref, 'x') == true", "contains(github.ref, 'x') == true"],
    ["inputs.a == 'v' trailing", "inputs.a == 'v' trailing"],
    ["'v' == inputs.a", "'v' == inputs.a"],
    ['inputs.a', 'inputs.a'],
    ["( a == 'x' )", 'a=x'],
    ["( (a == 'x') )", 'a=x'],
    ["needs.build.outputs == 'x'", 'outputs=x'],
    // Unbalanced parentheses are kept as written.
    ['((a)', '((a)'],
    ['(a))', '(a))'],
    ["(github.ref == 'refs/heads/main')", 'ref=refs/heads/main'],
    ["a == 'x' || b == 'y' && c == 'z'", 'a=x or b=y, c=z'],
    ["(a == 'x' || b == 'y') && c == 'z'", '(a=x or b=y), c=z'],
    ["c == 'z' && (a == 'x' || b == 'y')", 'c=z, (a=x or b=y)'],
    ["!(a == 'x')", 'not (a=x)'],
    ["! (a == 'x' || b == 'y')", 'not (a=x or b=y)'],
    ['!a', '!a'],
    ["!(a == 'x') && (b == 'y')", 'not (a=x), b=y'],
    ["!(a) || (b == 'y')", 'not (a) or b=y'],
  ])('%j reads %j', (expr, expected) => {
    expect(compactCondition(expr)).toBe(expected);
  });
});
