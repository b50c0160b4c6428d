/**
 * Which `run:` steps the plan executes for real: exactly those whose whole script is one call of the
 * project's own `pipeline` entry with a command and flags that only COMPUTE step outputs (change
 * detection, tag computation). Such a step is never run by a shell and never by the planned commit's
 * bundle: the plan runs its own trusted CLI with the words parsed here (a double-quoted word's
 * `$NAME`/`${NAME}` expanded by expandWord, no shell). Everything else is only reported, so a plan never acts on the world:
 * verify-image, builds, pushes, any other shell, and an output command given a flag that writes
 * (`tags --record FILE --digest ...` writes the image record). Flags are allow-listed, so a flag added
 * to a command later is reported until it is listed here. Pure.
 */

/** Per command, the flags a computing call may carry: `value` flags take the next word, `boolean` ones none. */
const COMPUTING_FLAGS = {
  affected: { '--base': 'value', '--head': 'value', '--event': 'value', '--cwd': 'value', '--json': 'boolean' },
  tags: { '--service': 'value', '--commit': 'value', '--cwd': 'value', '--json': 'boolean' },
  // Which services a release run releases (git only; `--images` asks the registry and is only shown).
  'release select': { '--service': 'value', '--tag': 'value', '--ref': 'value', '--version': 'value', '--cwd': 'value', '--json': 'boolean' },
} as const satisfies Record<string, Record<string, 'value' | 'boolean'>>;

export type OutputCommand = keyof typeof COMPUTING_FLAGS;

/**
 * `execute`: run it for its outputs. `report`: not the plan's to run (any other step). `refuse`: an
 * output command called in a way that may act (a writing flag, an argument the plan cannot read), so
 * it is reported too, with the reason shown.
 */
export type RunStepKind =
  | { readonly kind: 'execute'; readonly command: OutputCommand; readonly words: readonly string[] }
  | { readonly kind: 'report' }
  | { readonly kind: 'refuse'; readonly command: OutputCommand; readonly reason: string };

// `node [./]scripts/dist/pipeline.cjs CMD`, `pnpm [-s|--silent] [run] pipeline CMD`.
const ENTRY = /^(?:node\s+(?:\.\/)?scripts\/dist\/pipeline\.cjs|pnpm\s+(?:(?:-s|--silent)\s+)?(?:run\s+)?pipeline)\s+([a-z][a-z-]*)(?:\s+|$)/;
// Anything that would make the script more than one plain command.
const SHELL_CONTROL = /[;&|<>`]|\$\(/;
/** A word the shell passes as it is: no quote, expansion, glob or escape (`~` only inside: `HEAD~1`). */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+,=-][A-Za-z0-9_./:@%+,=~^-]*$/;
/** One double-quoted word: `$NAME` / `${NAME}` expand inside it (nothing else: no `${NAME%...}`), and it stays one argument. */
const QUOTED_WORD = /^"[^"`\\${}]*(?:\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})[^"`\\${}]*)*"$/;
const FLAG = /^(--[a-z][a-z-]*)(=.*)?$/;

// Stryker disable next-line ConditionalExpression: Object.hasOwn(COMPUTING_FLAGS, undefined) is false as well
const isOutputCommand = (name: string | undefined): name is OutputCommand => name !== undefined && Object.hasOwn(COMPUTING_FLAGS, name);

/** Why the arguments are not a computing call, or undefined when they are. */
function checkArguments(command: OutputCommand, words: readonly string[]): string | undefined {
  const allowed: Readonly<Record<string, 'value' | 'boolean'>> = COMPUTING_FLAGS[command];
  for (let i = 0; i < words.length; i++) {
    // Stryker disable next-line StringLiteral: unreachable fallback, words[i] exists for every i < words.length
    const word = words[i] ?? '';
    // A flag is written plainly; a quoted or expanded word where a flag belongs could be any flag.
    const flag = PLAIN_WORD.test(word) ? FLAG.exec(word) : null;
    if (!flag?.[1]) return `argument ${word} is not a plain flag`;
    const kind = allowed[flag[1]];
    if (kind === undefined) return `${command} ${flag[1]} is not a computing flag (it may write files or act)`;
    if (kind === 'boolean' || flag[2] !== undefined) continue;
    const value = words[++i];
    if (value === undefined || value.startsWith('-') || value.startsWith('"-') || !(PLAIN_WORD.test(value) || QUOTED_WORD.test(value))) {
      return `${flag[1]} has no single plain or double-quoted value`;
    }
  }
  return undefined;
}

export function classifyRun(script: string): RunStepKind {
  const lines = script
    // bash removes a backslash-newline altogether (a line continuation): the words on either side join.
    .replace(/\\\r?\n/g, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const [only, ...rest] = lines;
  // Stryker disable next-line ConditionalExpression: with no line, SHELL_CONTROL and ENTRY see "undefined", which is reported all the same
  if (only === undefined || rest.length > 0 || SHELL_CONTROL.test(only)) return { kind: 'report' };
  const entry = ENTRY.exec(only);
  if (!entry) return { kind: 'report' };
  // Stryker disable next-line MethodExpression,Regex: filter(Boolean) drops the empty words that no trim() or a single-space split would leave
  const all = only.slice(entry[0].length).trim().split(/\s+/).filter(Boolean);
  // A command with subcommands (`release select`) is named by both words; its words keep the subcommand.
  // Stryker disable next-line StringLiteral: with no word after the command, any text names no subcommand
  const withSub = `${entry[1]} ${all[0] ?? ''}`;
  const [command, args] = isOutputCommand(withSub) ? [withSub, all.slice(1)] : [entry[1], all];
  if (!isOutputCommand(command)) return { kind: 'report' };
  const problem = checkArguments(command, args);
  // Stryker disable next-line ConditionalExpression: without a subcommand, args is all
  return problem === undefined ? { kind: 'execute', command, words: command === withSub ? all : args } : { kind: 'refuse', command, reason: problem };
}

/**
 * One word of an executed call as the shell would pass it, without a shell: a plain word as it is, a
 * double-quoted one without its quotes and with `$NAME` / `${NAME}` replaced by the step's
 * environment ('' when unset). The words are those classifyRun accepted, so nothing else can occur.
 */
export function expandWord(word: string, env: Readonly<Record<string, string>>): string {
  // Stryker disable next-line MethodExpression: a word classifyRun accepts is plain (no quote at all) or quoted at both ends
  if (!word.startsWith('"')) return word;
  return word.slice(1, -1).replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced: string | undefined, bare: string | undefined) => {
    // Stryker disable next-line StringLiteral: unreachable fallback, one of the two groups always matched
    const name = braced ?? bare ?? '';
    // Stryker disable next-line StringLiteral: unreachable fallback, env has its own property name
    return Object.hasOwn(env, name) ? (env[name] ?? '') : '';
  });
}
