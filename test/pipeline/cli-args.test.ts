/**
 * The command-line contract's pieces, in-process: the usage line and the help written from a spec,
 * each way parsing refuses argv (one line naming the value and the usage), a script entry's ending
 * (help on stdout and exit 0; an error line on stderr and the exit-code table), how a thrown error
 * becomes that line, and the small helpers every message goes through (quote, dict).
 */
import { describe, expect, test } from 'vitest';
import { commandSpec, type EntryOutput, helpText, type Options, parseCli, runEntry, usageLine } from '../../scripts/core/args.js';
import { dict } from '../../scripts/core/dict.js';
import { describeError, InputError, OutsideError } from '../../scripts/core/errors.js';
import { endingOf, oneLine } from '../../scripts/core/exit-codes.js';
import { quote } from '../../scripts/core/quote.js';

const spec = commandSpec({
  program: 'pnpm tool',
  summary: 'Does one thing.',
  options: {
    service: { type: 'string', short: 's' },
    tag: { type: 'string', multiple: true },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: {
    service: { value: 'NAME', description: 'the service', required: true },
    tag: { value: 'TAG', description: 'a tag' },
    out: { description: 'where to write' },
    json: { description: 'print JSON' },
  },
  positionals: { usage: '<file>', description: 'the file to read' },
  examples: ['pnpm tool a.txt --service api', 'pnpm tool b.txt --service web --json'],
  notes: ['exit codes: 0 done, 2 bad input'],
});

const bare = commandSpec({
  program: 'pnpm bare',
  summary: 'Nothing to set.',
  options: { dry: { type: 'boolean' } },
  help: { dry: { description: 'only print' } },
  examples: ['pnpm bare'],
  notes: [],
});

const USAGE = 'pnpm tool <file> --service NAME [--tag TAG...] [--out VALUE] [--json]';

describe('usage and help', () => {
  test('the usage line: program, positionals, each option with its value, optional ones in brackets, repeatable ones with ...', () => {
    expect(usageLine(spec)).toBe(USAGE);
    expect(usageLine(bare)).toBe('pnpm bare [--dry]');
  });

  test('an empty positional usage is left out of the usage line', () => {
    expect(usageLine({ ...bare, positionals: { usage: '', description: '' } })).toBe('pnpm bare [--dry]');
  });

  test('the help: usage, summary, options aligned in one column (positionals first, help last), notes, examples', () => {
    expect(helpText(spec)).toBe(
      [
        `usage: ${USAGE}`,
        '',
        'Does one thing.',
        '',
        'options:',
        '  <file>          the file to read',
        '  --service NAME  the service (required)',
        '  --tag TAG       a tag (repeatable)',
        '  --out VALUE     where to write',
        '  --json          print JSON',
        '  --help, -h      show this help',
        '',
        'exit codes: 0 done, 2 bad input',
        '',
        'examples:',
        '  pnpm tool a.txt --service api',
        '  pnpm tool b.txt --service web --json',
        '',
      ].join('\n'),
    );
  });

  test('no notes: no notes section', () => {
    expect(helpText(bare)).toBe(
      ['usage: pnpm bare [--dry]', '', 'Nothing to set.', '', 'options:', '  --dry       only print', '  --help, -h  show this help', '', 'examples:', '  pnpm bare', ''].join(
        '\n',
      ),
    );
  });
});

describe('a spec written from a wide options table, without a help entry for each option', () => {
  const options: Options = { out: { type: 'string' }, all: { type: 'boolean', multiple: true } };
  const wide = commandSpec({ program: 'pnpm wide', summary: 'Built from a table.', options, help: {}, examples: ['pnpm wide --all'] });

  test('an option without help is optional, its value shown as VALUE', () => {
    expect(usageLine(wide)).toBe('pnpm wide [--out VALUE] [--all...]');
  });

  test('an option without help has no description in the help, only what the spec says of it', () => {
    expect(helpText(wide)).toBe(
      [
        'usage: pnpm wide [--out VALUE] [--all...]',
        '',
        'Built from a table.',
        '',
        'options:',
        '  --out VALUE  ',
        '  --all         (repeatable)',
        '  --help, -h   show this help',
        '',
        'examples:',
        '  pnpm wide --all',
        '',
      ].join('\n'),
    );
  });
});

describe('parseCli', () => {
  const refused = (argv: string[]) => {
    try {
      parseCli(spec, argv);
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      return err instanceof Error ? err.message : '';
    }
    return 'not refused';
  };
  const expected = `; expected: ${USAGE} (see --help)`;

  test('values, repeated values of a repeatable option, positionals', () => {
    const parsed = parseCli(spec, ['a.txt', '--service', 'api', '--tag', 'x', '--tag=y', '--out=-', '--json']);
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    expect({ ...parsed.values }).toEqual({ service: 'api', tag: ['x', 'y'], out: '-', json: true });
    expect(parsed.positionals).toEqual(['a.txt']);
  });

  test.each([[['--help']], [['-h']], [['--nope', '-h']], [['--service', '--help']]])('%j asks for the help, whatever else is there', (argv) => {
    expect(parseCli(spec, argv)).toEqual({ help: true });
  });

  test.each([
    [['--service', '-x'], 'the value of --service, "-x", starts with "-"; write it as --service=-x if it is meant'],
    [['--out', '--json'], 'the value of --out, "--json", starts with "-"; write it as --out=--json if it is meant'],
    [['--service', '-\u001b[31mred\n'], 'the value of --service, "-\\u001b[31mred\\n", starts with "-"; write it as --service=-?[31mred? if it is meant'],
    [['--service', `-${'z'.repeat(60)}`], `the value of --service, "-${'z'.repeat(60)}", starts with "-"; write it as --service=-${'z'.repeat(39)} if it is meant`],
    [['--nope'], 'unknown option "--nope"'],
    [['--nope', 'value'], 'unknown option "--nope"'],
    [['-x'], 'unknown option "-x"'],
    [['--out'], '--out needs a value'],
    [['--json=1'], '--json takes no value'],
    [['--json', '--json'], '--json is given twice ("true", then "true"); give it once'],
    [['--service', 'a', '--service=b'], '--service is given twice ("a", then "b"); give it once'],
  ])('%j is refused: %s', (argv, what) => {
    expect(refused(argv)).toBe(`pnpm tool: ${what}${expected}`);
  });

  test("a flag that looks like a value is fine after a switch, and as a string option's last word it is a missing value", () => {
    expect(refused(['--json', '-x'])).toBe(`pnpm tool: unknown option "-x"${expected}`);
    expect(refused(['a', '--out'])).toBe(`pnpm tool: --out needs a value${expected}`);
  });

  // node:util names an option that has a short alias as `-s, --service`, whichever form was given.
  test.each([
    [['-s'], '--service needs a value'],
    [['a', '--service'], '--service needs a value'],
    [['-s', '-x'], 'the value of -s, "-x", starts with "-"; write it as --service=-x if it is meant'],
    [['-s', '--json'], 'the value of -s, "--json", starts with "-"; write it as --service=--json if it is meant'],
  ])('an option with a short alias: %j is refused: %s', (argv, what) => {
    expect(refused(argv)).toBe(`pnpm tool: ${what}${expected}`);
  });

  test('a switch with a short alias given a value is refused as one without', () => {
    const flags = commandSpec({
      program: 'pnpm flags',
      summary: 'A switch.',
      options: { json: { type: 'boolean', short: 'j' } },
      help: { json: { description: 'print JSON' } },
      examples: [],
    });
    expect(() => parseCli(flags, ['--json=1'])).toThrow(/^pnpm flags: --json takes no value; expected: /);
    expect(parseCli(flags, ['-j'])).toEqual({ help: false, values: { json: true }, positionals: [] });
  });

  test('an option without a short alias has none: the word -undefined is short options, not a name', () => {
    const plain = commandSpec({ program: 'pnpm plain', summary: 'One value.', options: { out: { type: 'string' } }, help: { out: { description: 'where' } }, examples: [] });
    expect(() => parseCli(plain, ['-undefined', '-x'])).toThrow(/^pnpm plain: unknown option "-u"; expected: /);
  });

  test('in a word of short options, the string option last in it takes the next word; one before the end takes the rest', () => {
    const group = commandSpec({
      program: 'pnpm group',
      summary: 'Short options.',
      options: { json: { type: 'boolean', short: 'j' }, service: { type: 'string', short: 's' } },
      help: { json: { description: 'print JSON' }, service: { description: 'the service' } },
      examples: [],
    });
    expect(() => parseCli(group, ['-js', '-x'])).toThrow(/^pnpm group: the value of -s, "-x", starts with "-"; write it as --service=-x if it is meant; expected: /);
    expect(parseCli(group, ['-sj', '-j'])).toEqual({ help: false, values: { service: 'j', json: true }, positionals: [] });
    expect(parseCli(group, ['-js', 'api'])).toEqual({ help: false, values: { json: true, service: 'api' }, positionals: [] });
    expect(() => parseCli(group, ['-jq', '-x'])).toThrow(/^pnpm group: unknown option "-q"; expected: /);
    // An unknown letter ends the word's reading, whatever follows it.
    expect(() => parseCli(group, ['-qs', '-x'])).toThrow(/^pnpm group: unknown option "-q"; expected: /);
    // Switches only: the next word is no value.
    expect(() => parseCli(group, ['-j', '-x'])).toThrow(/^pnpm group: unknown option "-x"; expected: /);
    // A positional word is no group, even one whose second letter is a short option's.
    expect(() => parseCli(group, ['xs', '-x'])).toThrow(/^pnpm group: unknown option "-x"; expected: /);
  });

  test('a short alias takes its value from the next word as the long form does', () => {
    expect(parseCli(spec, ['a.txt', '-s', 'api'])).toMatchObject({ help: false, values: { service: 'api' } });
  });

  describe('a spec that takes exactly one positional', () => {
    const one = commandSpec({ ...bare, program: 'pnpm one', positionals: { usage: '<service>', description: 'the service', one: true } });
    test.each([
      [[], 'got 0'],
      [['a', 'b'], 'got 2: "a" "b"'],
      [['--dry', 'a', 'b', 'c d'], 'got 3: "a" "b" "c d"'],
      [['a', 'x\ny'], 'got 2: "a" "x\\ny"'],
    ])('%j: refused with the count, the values and the usage line', (argv, got) => {
      expect(() => parseCli(one, argv)).toThrow(new InputError(`pnpm one: expected one <service> (the service), ${got}; expected: pnpm one <service> [--dry] (see --help)`));
    });
    test.each([[['a']], [['--dry', 'a']], [['a', '--dry']]])('%j: accepted', (argv) => {
      expect(parseCli(one, argv)).toMatchObject({ help: false, positionals: ['a'] });
    });
    test('without `one`, the count is the command its own (none or several pass)', () => {
      const many = commandSpec({ ...bare, program: 'pnpm many', positionals: { usage: '[<service>...]', description: 'services' } });
      expect(parseCli(many, [])).toMatchObject({ positionals: [] });
      expect(parseCli(many, ['a', 'b'])).toMatchObject({ positionals: ['a', 'b'] });
    });
  });

  test('several positionals are not one option given twice', () => {
    const parsed = parseCli(spec, ['a.txt', 'b.txt', '--', 'c.txt']);
    expect(parsed.help ? undefined : parsed.positionals).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  test('only a --flag takes the next word as its value: a bare word that ends like an option does not', () => {
    expect(refused(['xxservice', '-x'])).toBe(`pnpm tool: unknown option "-x"${expected}`);
    expect(refused(['--service=a', '-x'])).toBe(`pnpm tool: unknown option "-x"${expected}`);
  });

  test('a bare word is no flag even where an option is called "undefined"', () => {
    const odd = commandSpec({
      program: 'pnpm odd',
      summary: 'Odd names.',
      options: { undefined: { type: 'string' } },
      help: { undefined: { description: 'a value' } },
      positionals: { usage: '<word>', description: 'a word' },
      examples: [],
    });
    expect(() => parseCli(odd, ['word', '-x'])).toThrow(new InputError('pnpm odd: unknown option "-x"; expected: pnpm odd <word> [--undefined VALUE] (see --help)'));
  });

  test('a value that starts with a dash is fine after an unknown word or with =', () => {
    const parsed = parseCli(spec, ['--service=-x', 'file']);
    expect(parsed.help ? undefined : parsed.values.service).toBe('-x');
  });

  test('a command without positionals refuses one, naming it', () => {
    expect(() => parseCli(bare, ['--dry', 'extra', 'more'])).toThrow(new InputError('pnpm bare: unexpected argument "extra"; expected: pnpm bare [--dry] (see --help)'));
    expect(parseCli(bare, [])).toEqual({ help: false, values: {}, positionals: [] });
  });
});

describe('runEntry', () => {
  const capture = () => {
    const seen = { stdout: '', stderr: '' };
    const out: EntryOutput = {
      stdout: (text) => {
        seen.stdout += text;
      },
      stderr: (text) => {
        seen.stderr += text;
      },
    };
    return { seen, out };
  };

  test('--help prints the help on stdout, exit 0, without running the command', async () => {
    const { seen, out } = capture();
    let ran = false;
    const code = await runEntry(bare, ['--help'], out, () => {
      ran = true;
      return 1;
    });
    expect({ code, ran, ...seen }).toEqual({ code: 0, ran: false, stdout: helpText(bare), stderr: '' });
  });

  test('the command gets the parsed values and its code is the exit code, sync or async', async () => {
    const { seen, out } = capture();
    expect(await runEntry(bare, ['--dry'], out, (parsed) => (parsed.values.dry ? 7 : 0))).toBe(7);
    expect(await runEntry(bare, [], out, async () => 1)).toBe(1);
    expect(seen).toEqual({ stdout: '', stderr: '' });
  });

  test.each([
    ['bad flags', ['--wet'], () => 0, 2, 'error: pnpm bare: unknown option "--wet"; expected: pnpm bare [--dry] (see --help)\n'],
    ['bad input from the command', [], () => Promise.reject(new InputError('no such file\nx')), 2, 'error: no such file\\nx\n'],
    [
      'an outside failure',
      [],
      () => {
        throw new OutsideError('registry said 500');
      },
      3,
      'error: registry said 500\n',
    ],
    [
      'a bug',
      [],
      () => {
        throw new TypeError('x is undefined');
      },
      70,
      'internal error: x is undefined\n',
    ],
  ])('%s: one line on stderr and the exit code of the table', async (_name, argv, main, code, line) => {
    const { seen, out } = capture();
    expect(await runEntry(bare, argv, out, main)).toBe(code);
    expect(seen).toEqual({ stdout: '', stderr: line });
  });
});

describe('how a thrown error ends a command', () => {
  test.each([
    ['bad input', new InputError('bad\tvalue'), 2, 'error: bad\\tvalue\n'],
    ['an outside failure', new OutsideError('git fetch failed'), 3, 'error: git fetch failed\n'],
    ['an outside system past its bound', new OutsideError('no answer within 30 s', { timedOut: true }), 4, 'error: no answer within 30 s\n'],
    ['an outside system that answered', new OutsideError('HTTP 500', { timedOut: false }), 3, 'error: HTTP 500\n'],
    ['a bug', new RangeError('boom'), 70, 'internal error: boom\n'],
    ['something thrown that is not an Error', 'text', 70, 'internal error: text\n'],
  ])('%s', (_name, err, code, line) => {
    expect(endingOf(err, false)).toEqual({ code, line });
  });

  test('with debug, a bug adds its stack; a thrown non-Error has none', () => {
    const err = new Error('boom');
    err.stack = 'Error: boom\n    at here';
    expect(endingOf(err, true)).toEqual({ code: 70, line: 'internal error: boom\nError: boom\n    at here\n' });
    expect(endingOf(err, false)).toEqual({ code: 70, line: 'internal error: boom\n' });
    expect(endingOf(42, true)).toEqual({ code: 70, line: 'internal error: 42\n' });
  });

  test('with debug, bad input still has no stack', () => {
    expect(endingOf(new InputError('x'), true)).toEqual({ code: 2, line: 'error: x\n' });
  });

  test('an OutsideError is not timed out unless told', () => {
    expect(new OutsideError('x').timedOut).toBe(false);
    expect(new OutsideError('x', {}).timedOut).toBe(false);
    expect(describeError(new OutsideError('down'))).toBe('down');
  });
});

describe('oneLine, at its edges', () => {
  test.each([
    ['NUL and unit separator', '\u0000\u001f', '\\u0000\\u001f'],
    ['space and tilde are printable', ' ~', ' ~'],
    ['the C1 controls, first and last', '\u0080\u009f', '\\u0080\\u009f'],
    ['no-break space and letters past C1 stay', '\u00a0é', '\u00a0é'],
    ['characters beside the line separators stay', '\u2027\u202a', '\u2027\u202a'],
    ['CR LF', '\r\n', '\\r\\n'],
  ])('%s', (_name, input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });

  test('exactly 1,000 characters are kept whole; 1,001 are cut, counting the escapes', () => {
    expect(oneLine('a'.repeat(1000))).toBe('a'.repeat(1000));
    expect(oneLine(`${'a'.repeat(999)}\n`)).toBe(`${'a'.repeat(999)}\\… (1 more characters)`);
  });
});

describe('quote', () => {
  test.each([
    ['plain', 80, '"plain"'],
    ['a"b\n', 80, '"a\\"b\\n"'],
    ['x'.repeat(80), 80, `"${'x'.repeat(80)}"`],
    ['x'.repeat(81), 80, `"${'x'.repeat(80)}…"`],
    ['abcdef', 3, '"abc…"'],
    ['abc', 3, '"abc"'],
  ])('%j shortened at %i is %s', (value, max, quoted) => {
    expect(quote(value, max)).toBe(quoted);
  });

  test('the default bound is 80 characters', () => {
    expect(quote('y'.repeat(81))).toBe(`"${'y'.repeat(80)}…"`);
    expect(quote('y'.repeat(80))).toBe(`"${'y'.repeat(80)}"`);
  });
});

describe('dict', () => {
  test('a table without a prototype: __proto__ and constructor are ordinary keys', () => {
    const d = dict([
      ['__proto__', 1],
      ['constructor', 2],
    ]);
    expect(Object.getPrototypeOf(d)).toBeNull();
    expect(Object.keys(d)).toEqual(['__proto__', 'constructor']);
    expect(Object.entries(d)).toEqual([
      ['__proto__', 1],
      ['constructor', 2],
    ]);
    expect('toString' in d).toBe(false);
  });

  test('empty by default; a later entry of the same key wins', () => {
    expect(Object.keys(dict())).toEqual([]);
    expect(Object.getPrototypeOf(dict())).toBeNull();
    expect({
      ...dict([
        ['a', 1],
        ['a', 2],
      ]),
    }).toEqual({ a: 2 });
  });
});
