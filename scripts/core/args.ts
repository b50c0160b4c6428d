/**
 * The one command-line contract, for every `pipeline` command and every script entry (generate,
 * workflows, bundle): node:util's parseArgs under a spec that also writes the help.
 * - `--help` / `-h` anywhere: the help (what it does, every option with a sentence, an example) on stdout, exit 0;
 * - an unknown flag, a flag given twice, a value that looks like a flag, a missing value: one line
 *   naming the value (quoted and shortened: no newline, ESC or workflow command gets through) and the
 *   usage, exit 2 (an InputError).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from './errors.js';
import { endingOf } from './exit-codes.js';
import { quote } from './quote.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface OptionHelp {
  /** What the value is, in the usage line: `--base REV`. */
  readonly value?: string;
  readonly description: string;
  /** Shown as required in the usage line (not enforced here: the command checks it with its own message). */
  readonly required?: boolean;
}

export interface CommandSpec<O extends Options> {
  /** How a person runs it: `pnpm pipeline affected`, `pnpm generate`. */
  readonly program: string;
  readonly summary: string;
  readonly options: O;
  readonly help: { readonly [K in keyof O]: OptionHelp };
  /**
   * Positional arguments, e.g. `<service>`; none when absent. `one`: exactly one is required, checked
   * here with the usage line (otherwise the command checks how many it got).
   */
  readonly positionals?: { readonly usage: string; readonly description: string; readonly one?: boolean };
  readonly examples: readonly string[];
  /** More lines of help after the options (exit codes, notes). */
  readonly notes?: readonly string[];
}

export type Parsed<O extends Options> = { readonly help: true } | ({ readonly help: false } & ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>);

export function usageLine<O extends Options>(spec: CommandSpec<O>): string {
  const parts = Object.entries(spec.options).map(([name, option]) => {
    const help = spec.help[name];
    const value = option.type === 'string' ? ` ${help?.value ?? 'VALUE'}` : '';
    const flag = `--${name}${value}${option.multiple ? '...' : ''}`;
    return help?.required ? flag : `[${flag}]`;
  });
  return [spec.program, spec.positionals?.usage, ...parts].filter((p) => p !== undefined && p !== '').join(' ');
}

export function helpText<O extends Options>(spec: CommandSpec<O>): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, option]) => {
    const help = spec.help[name];
    return [
      `--${name}${option.type === 'string' ? ` ${help?.value ?? 'VALUE'}` : ''}`,
      `${help?.description ?? ''}${help?.required ? ' (required)' : ''}${option.multiple ? ' (repeatable)' : ''}`,
    ];
  });
  if (spec.positionals) rows.unshift([spec.positionals.usage, spec.positionals.description]);
  rows.push(['--help, -h', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `usage: ${usageLine(spec)}`,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes] : []),
    '',
    'examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/**
 * In a word of short options (`-s`, `-js`), the one that takes the next word as its value, as node:util
 * reads it: a string option last in the word (one before the end takes the rest of the word instead).
 * Undefined for a word that is no such group, or whose value is inside the word.
 */
function takesNextWord(arg: string, options: Options, shorts: ReadonlyMap<string, string>): { readonly flag: string; readonly name: string } | undefined {
  if (!arg.startsWith('-')) return undefined;
  const letters = [...arg.slice(1)];
  for (const [k, letter] of letters.entries()) {
    const flag = `-${letter}`;
    const name = shorts.get(flag);
    // An unknown letter: node:util refuses the word, naming it.
    if (name === undefined) return undefined;
    // Stryker disable next-line OptionalChaining: equivalent: every name in shorts is an option of the spec
    if (options[name]?.type === 'string') return k === letters.length - 1 ? { flag, name } : undefined;
  }
  return undefined;
}

/** Parses argv once under the spec; `{ help: true }` when help was asked for. */
export function parseCli<O extends Options>(spec: CommandSpec<O>, argv: readonly string[]): Parsed<O> {
  if (argv.some((a) => a === '--help' || a === '-h')) return { help: true };
  const expected = `expected: ${usageLine(spec)} (see --help)`;
  const fail = (what: string): never => {
    throw new InputError(`${spec.program}: ${what}; ${expected}`);
  };
  // A string option followed by a value that starts with a dash: Node calls it ambiguous without naming it.
  // Its short alias (`-s`) too, alone in its word.
  const shorts = new Map<string, string>();
  // Stryker disable next-line ConditionalExpression: equivalent: a key made of "-undefined" is never asked for (the words are read a letter at a time)
  for (const [name, option] of Object.entries(spec.options)) if (option.short !== undefined) shorts.set(`-${option.short}`, name);
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: more passes, over the last word or past it, read no next word (''), which never starts with a dash
  for (let i = 0; i < argv.length - 1; i += 1) {
    // Stryker disable next-line StringLiteral: i < argv.length - 1, so argv[i] is always there
    const arg = argv[i] ?? '';
    // A `--name` word is no group of short options: its second letter, `-`, is no short option's.
    const short = takesNextWord(arg, spec.options, shorts);
    const flag = short?.flag ?? arg;
    const name = arg.startsWith('--') ? (arg.includes('=') ? undefined : arg.slice(2)) : short?.name;
    // Stryker disable next-line StringLiteral: i + 1 < argv.length, so argv[i + 1] is always there
    const next = argv[i + 1] ?? '';
    if (name !== undefined && spec.options[name]?.type === 'string' && next.startsWith('-')) {
      fail(`the value of ${flag}, ${quote(next)}, starts with "-"; write it as --${name}=${next.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)} if it is meant`);
    }
  }
  let parsed: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: spec.options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    // Stryker disable next-line StringLiteral: split always gives a first part, so its fallback '' is never used (the '\n' of this line is pinned by the tests)
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    // Stryker disable next-line Regex: node:util's messages start with these words, so the ^ anchor (here and below) changes no match
    const unknown = /^Unknown option '([^']*)'/.exec(message);
    // Stryker disable next-line StringLiteral: group 1 always participates when the pattern matches, so its fallback '' is never used (the message is pinned by the tests)
    if (unknown) return fail(`unknown option ${quote(unknown[1] ?? '')}`);
    // node:util names an option with a short alias as `-s, --service`, whichever of the two was given.
    // Stryker disable next-line Regex: node:util's messages start with these words, so the ^ anchor changes no match
    const missing = /^Option '(?:-[^ ,']+, )?(--[^ ']+)[^']*' argument missing/.exec(message);
    if (missing) return fail(`${missing[1]} needs a value`);
    // Stryker disable next-line Regex: node:util's messages start with these words, so the ^ anchor changes no match
    const noValue = /^Option '(?:-[^ ,']+, )?(--[^ ']+)' does not take an argument/.exec(message);
    // Stryker disable next-line ConditionalExpression: equivalent for true: every message of node:util that gets this far is this one (see below)
    if (noValue) return fail(`${noValue[1]} takes no value`);
    // Every message node:util 20 to 24 gives for a spec of this module's kind is read above, or its case
    // refused before parseArgs runs (a value that starts with a dash); a new one is still one line, its
    // quoted values quoted the safe way.
    // Stryker disable next-line all: not reached with the node:util of this repository's Node versions (see above)
    return fail(message.replace(/'([^']*)'/g, (_, v: string) => quote(v)));
  }
  const seen = new Map<string, string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const previous = seen.get(token.name);
    // Stryker disable next-line OptionalChaining: parseArgs in strict mode refuses an unknown option, so every option token names one of spec.options
    if (previous !== undefined && !spec.options[token.name]?.multiple) {
      fail(`--${token.name} is given twice (${quote(previous)}, then ${quote(token.value ?? 'true')}); give it once`);
    }
    seen.set(token.name, token.value ?? 'true');
  }
  // Stryker disable next-line StringLiteral: there is a positional when length > 0, so the fallback '' is never used (the message is pinned by the tests)
  if (!spec.positionals && parsed.positionals.length > 0) fail(`unexpected argument ${quote(parsed.positionals[0] ?? '')}`);
  if (spec.positionals?.one === true && parsed.positionals.length !== 1) {
    const given = parsed.positionals.map((p) => quote(p)).join(' ');
    fail(`expected one ${spec.positionals.usage} (${spec.positionals.description}), got ${parsed.positionals.length}${given === '' ? '' : `: ${given}`}`);
  }
  return { help: false, values: parsed.values, positionals: parsed.positionals };
}

/** A spec with its option types inferred as written (`type: 'string'` stays a literal). */
export function commandSpec<const O extends Options>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

export interface EntryOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * A script entry (`pnpm generate`, `pnpm workflows`, `pnpm bundle`) under the same contract as the
 * `pipeline` commands: help, one-line errors, the exit-code table. Writes only through `out`.
 */
export async function runEntry<O extends Options>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  out: EntryOutput,
  main: (parsed: Exclude<Parsed<O>, { readonly help: true }>) => number | Promise<number>,
): Promise<number> {
  try {
    const parsed = parseCli(spec, argv);
    if (parsed.help) {
      out.stdout(helpText(spec));
      return 0;
    }
    return await main(parsed);
  } catch (err) {
    const ending = endingOf(err, false);
    out.stderr(ending.line);
    return ending.code;
  }
}
