// The small shared pieces of scripts/core: flag parsing errors, JSON narrowing, input errors.
import { describe, expect, test } from 'vitest';
import { commandSpec, parseCli } from '../../scripts/core/args.js';
import { describeError, errnoCode, InputError } from '../../scripts/core/errors.js';
import { isRecord } from '../../scripts/core/json.js';

describe('parseCli', () => {
  const spec = commandSpec({
    program: 'pnpm pipeline tags',
    summary: 'x',
    options: { service: { type: 'string' }, json: { type: 'boolean' } },
    positionals: { usage: '[<extra>]', description: 'extra words' },
    help: { service: { value: 'SERVICE', description: 'the service', required: true }, json: { description: 'JSON' } },
    examples: ['pnpm pipeline tags --service api'],
  });

  test('flags and positionals when the spec has them', () => {
    const parsed = parseCli(spec, ['--service', 'api', '--json', 'extra']);
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    expect({ ...parsed.values }).toEqual({ service: 'api', json: true });
    expect(parsed.positionals).toEqual(['extra']);
  });

  test.each([
    [['--nope'], 'pnpm pipeline tags: unknown option "--nope"; expected: pnpm pipeline tags [<extra>] --service SERVICE [--json] (see --help)'],
    [['--service'], 'pnpm pipeline tags: --service needs a value; expected: pnpm pipeline tags [<extra>] --service SERVICE [--json] (see --help)'],
    [
      ['--service', 'a', '--service', 'b'],
      'pnpm pipeline tags: --service is given twice ("a", then "b"); give it once; expected: pnpm pipeline tags [<extra>] --service SERVICE [--json] (see --help)',
    ],
    [['--json=yes'], 'pnpm pipeline tags: --json takes no value; expected: pnpm pipeline tags [<extra>] --service SERVICE [--json] (see --help)'],
  ])('%j is one line naming the value and the usage', (argv, message) => {
    expect(() => parseCli(spec, argv)).toThrow(message);
  });

  test('--help anywhere asks for the help', () => {
    expect(parseCli(spec, ['--service', 'x', '-h'])).toEqual({ help: true });
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
  test('an Error by its class (the bundle keeps one copy of it: scripts/bundle.ts)', () => {
    const err = new InputError('bad flag');
    expect(err.name).toBe('InputError');
    expect(err instanceof InputError).toBe(true);
    expect(new Error('bad flag') instanceof InputError).toBe(false);
  });

  test.each<[unknown, string]>([
    [new Error('boom'), 'boom'],
    ['text', 'text'],
    [42, '42'],
  ])('describeError(%j)', (err, text) => {
    expect(describeError(err)).toBe(text);
  });
});

describe('errnoCode: the code of a Node system error', () => {
  const withCode = (code: unknown) => Object.assign(new Error('x'), { code });
  test.each<[string, unknown, string | undefined]>([
    ['a system error', withCode('ENOENT'), 'ENOENT'],
    ['an error without a code', new Error('x'), undefined],
    ['a code that is no text', withCode(5), undefined],
    ['no error at all, with a code', { code: 'ENOENT' }, undefined],
    ['a string', 'ENOENT', undefined],
  ])('%s', (_, err, code) => {
    expect(errnoCode(err)).toBe(code);
  });
});
