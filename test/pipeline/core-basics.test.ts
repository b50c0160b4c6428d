// The small shared pieces of scripts/core: flag parsing errors, JSON narrowing, input errors.
import { describe, expect, test } from 'vitest';
import { parseCommandArgs } from '../../scripts/core/args.js';
import { describeError, InputError } from '../../scripts/core/errors.js';
import { isRecord } from '../../scripts/core/json.js';

describe('parseCommandArgs', () => {
  const options = { service: { type: 'string' }, json: { type: 'boolean' } } as const;

  test('flags and positionals when allowed', () => {
    const { values, positionals } = parseCommandArgs('x', ['--service', 'api', '--json', 'extra'], options, true);
    expect({ ...values }).toEqual({ service: 'api', json: true });
    expect(positionals).toEqual(['extra']);
  });

  // Node words the messages (and may change them between versions): what is ours is one line, the command and the flags.
  test.each([
    [['--nope'], /^pipeline tags: Unknown option '--nope'[^\n]*; expected: pipeline tags --service VALUE --json$/],
    [['extra'], /^pipeline tags: Unexpected argument 'extra'[^\n]*; expected: pipeline tags --service VALUE --json$/],
    [['--service'], /^pipeline tags: Option '--service <value>' argument missing[^\n]*; expected: pipeline tags --service VALUE --json$/],
  ])('%j is one line naming the command and its flags', (argv, message) => {
    expect(() => parseCommandArgs('tags', argv, options)).toThrow(message);
  });
});

describe('isRecord', () => {
  test.each<[unknown, boolean]>([
    [{}, true],
    [{ a: 1 }, true],
    [null, false],
    [[], false],
    ['x', false],
    [1, false],
    [undefined, false],
  ])('%j: %s', (value, expected) => {
    expect(isRecord(value)).toBe(expected);
  });
});

describe('InputError', () => {
  test('recognised by its brand, not by its class', () => {
    const err = new InputError('bad flag');
    expect(err.name).toBe('InputError');
    expect(InputError.is(err)).toBe(true);
    expect(InputError.is(new Error('bad flag'))).toBe(false);
    expect(InputError.is({ message: 'x' })).toBe(false);
    const copy = Object.assign(new Error('from another bundle copy'), { [Symbol.for('@kodingcaravan/pipeline/InputError')]: true });
    expect(InputError.is(copy)).toBe(true);
  });

  test.each<[unknown, string]>([
    [new Error('boom'), 'boom'],
    ['text', 'text'],
    [42, '42'],
  ])('describeError(%j)', (err, text) => {
    expect(describeError(err)).toBe(text);
  });
});
