import { describe, expect, test } from 'vitest';
import {
  asString,
  EvaluationError,
  evaluate,
  type Functions,
  fromData,
  isJsonObject,
  type Json,
  SafeDictionary,
  SecretsContext,
  StepsContext,
  toData,
  truthy,
} from '../../scripts/plan/expressions.js';

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

  // GitHub's runner writes a number with .NET's "G15": at most 15 significant digits, NaN and Infinity by
  // name (where JSON would write null or 17 digits).
  test.each<[number, string]>([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [0.1 + 0.2, '0.3'],
    [1 / 3, '0.333333333333333'],
    [-2.5, '-2.5'],
  ])('the number %d -> %j', (value, expected) => {
    expect(asString(value)).toBe(expected);
  });
});

describe('isJsonObject: a mapping, not null or a list', () => {
  test.each<[Json | undefined, boolean]>([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    [undefined, false],
    ['{}', false],
    [1, false],
  ])('%j is %s', (value, expected) => {
    expect(isJsonObject(value)).toBe(expected);
  });
});

const RUNNING: Functions = { status: { success: true, failure: false, cancelled: false } };

describe('evaluate', () => {
  // GitHub docs, "Status check functions": always() is always true; the others report the run so far.
  test.each([
    [{ success: true, failure: false, cancelled: false }, [true, false, false, true]],
    [{ success: false, failure: true, cancelled: false }, [false, true, false, true]],
    [{ success: false, failure: false, cancelled: true }, [false, false, true, true]],
  ])('status functions under %j', (status, expected) => {
    expect(['success()', 'failure()', 'cancelled()', 'always()'].map((e) => evaluate(e, {}, { status }))).toEqual(expected);
    // Function names are case-insensitive, as in GitHub's expressions.
    expect(evaluate('SUCCESS() || Failure() || cancelled() == true', {}, { status })).toBe(expected.slice(0, 3).some(Boolean));
  });

  test('hashFiles() passes its arguments as strings to the injected function', () => {
    const seen: (readonly string[])[] = [];
    const hashFiles = (patterns: readonly string[]) => {
      seen.push(patterns);
      return 'h';
    };
    expect(evaluate("hashFiles('**/lock', 1, true)", {}, { ...RUNNING, hashFiles })).toBe('h');
    expect(seen).toEqual([['**/lock', '1', 'true']]);
  });

  test.each([
    ["hashFiles('a')", "${{ hashFiles('a') }}: hashFiles() is not available here"],
    ['hashFiles()', "${{ hashFiles() }}: Too few parameters supplied: 'hashFiles'"],
    ['nope.x', "${{ nope.x }}: Unrecognized named-value: 'nope'"],
    // The cause of a function's error is part of the message.
    ["fromJSON('{')", /^\$\{\{ fromJSON\('\{'\) \}\}: Error parsing JSON when evaluating fromJson: \S/],
  ])('%s is an EvaluationError naming the expression', (expression, message) => {
    expect(() => evaluate(expression, {}, RUNNING)).toThrow(EvaluationError);
    expect(() => evaluate(expression, {}, RUNNING)).toThrow(message);
  });

  test('an evaluation error is named EvaluationError (in String(err) and stack traces)', () => {
    let caught: unknown;
    try {
      evaluate('nope.x', {}, RUNNING);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EvaluationError);
    expect(String(caught)).toBe("EvaluationError: ${{ nope.x }}: Unrecognized named-value: 'nope'");
  });

  test('a status function takes no argument', () => {
    expect(() => evaluate('success(1)', {}, RUNNING)).toThrow(/^\$\{\{ success\(1\) \}\}: Too many parameters supplied: 'success'/);
  });

  test('a value thrown by hashFiles() that is no Error is named as it is', () => {
    const hashFiles = () => {
      throw 'disk gone';
    };
    expect(() => evaluate("hashFiles('a')", {}, { ...RUNNING, hashFiles })).toThrow(new EvaluationError("${{ hashFiles('a') }}: disk gone"));
  });

  test('plain JSON in, plain JSON out', () => {
    const contexts = { inputs: { n: 1.5, b: false, s: 'x', l: [1, 'a', null], o: { k: { deep: true } }, z: null } };
    expect(evaluate('inputs', contexts, RUNNING)).toEqual(contexts.inputs);
    expect(evaluate('inputs.l[1]', contexts, RUNNING)).toBe('a');
    expect(evaluate('inputs.o.K.Deep', contexts, RUNNING)).toBe(true);
    expect(evaluate('inputs.missing', contexts, RUNNING)).toBeNull();
    expect(evaluate('fromJSON(\'[1,{"a":[true]}]\')', {}, RUNNING)).toEqual([1, { a: [true] }]);
  });

  // Property names are case-insensitive; keys that name Object.prototype members are ordinary keys.
  test.each([
    ['inputs.constructor', 'c'],
    ['inputs.__proto__', 'p'],
    ['inputs.valueof', 'v'],
    ['inputs.toString', null],
    ['inputs.hasOwnProperty', null],
    ['inputs.NAME', 'first'],
    ['inputs.*', ['c', 'p', 'v', 'first']],
  ])('%s is %j', (expression, expected) => {
    const inputs = JSON.parse('{"constructor":"c","__proto__":"p","valueOf":"v","Name":"first","name":"second"}');
    expect(evaluate(expression, { inputs }, RUNNING)).toEqual(expected);
  });
});

describe('SafeDictionary', () => {
  test('keeps the first of keys equal but for case, with its spelling and in insertion order', () => {
    const d = new SafeDictionary([
      { key: 'Beta', value: toData(1) },
      { key: 'alpha', value: toData(2) },
      { key: 'BETA', value: toData(3) },
    ]);
    d.add('ALPHA', toData(4));
    d.add('gamma', toData(5));
    expect(fromData(d)).toEqual({ Beta: 1, alpha: 2, gamma: 5 });
    expect(d.values().map(fromData)).toEqual([1, 2, 5]);
    expect(fromData(d.get('beta') ?? toData(null))).toBe(1);
    expect(d.get('delta')).toBeUndefined();
  });

  test('is empty when made without pairs', () => {
    expect(new SafeDictionary().pairs()).toEqual([]);
  });
});

describe('toData and fromData', () => {
  test('undefined is null', () => {
    expect(fromData(toData(undefined))).toBeNull();
  });

  test.each<Json>([null, true, false, 0, -2.5, '', 'text', [], [1, [2, ['x']]], {}, { a: { b: [null, { c: 'd' }] } }])('%j round-trips', (value) => {
    expect(fromData(toData(value))).toEqual(value);
  });
});

describe('the secrets context', () => {
  test('reads *** where a secret is available, empty where not, and records each name read in upper case', () => {
    const asked: string[] = [];
    const secrets = new SecretsContext((name) => {
      asked.push(name);
      return name === 'GITHUB_TOKEN';
    });
    expect(evaluate("format('{0}|{1}', secrets.github_token, secrets.Deploy_Key)", { secrets }, RUNNING)).toBe('***|');
    expect(asked).toEqual(['GITHUB_TOKEN', 'DEPLOY_KEY']);
    expect([...secrets.read]).toEqual(['GITHUB_TOKEN', 'DEPLOY_KEY']);
  });
});

describe('the steps context', () => {
  test('finds a step case-insensitively and records each step id read, found or not', () => {
    const steps = new StepsContext({ Build: { outputs: { tag: 'v1' }, outcome: 'success' } });
    expect(evaluate('steps.build.outputs.tag', { steps }, RUNNING)).toBe('v1');
    expect(evaluate('steps.BUILD.outcome', { steps }, RUNNING)).toBe('success');
    expect(evaluate('steps.other.outputs.x', { steps }, RUNNING)).toBeNull();
    expect([...steps.read]).toEqual(['build', 'BUILD', 'other']);
  });
});
