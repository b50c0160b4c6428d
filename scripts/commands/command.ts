/**
 * A command under the CLI contract (core/args.ts): argv parsed once under its spec, `--help` printed with
 * exit 0 before anything else runs, and the body given the parsed values. One place for what every command
 * did in its first lines.
 */
import { type CommandSpec, helpText, type Options, type Parsed, parseCli } from '../core/args.js';
import { EXIT } from '../core/exit-codes.js';
import type { Command, CommandContext } from './types.js';

/** What a command's body gets: argv parsed under its spec (never a request for help). */
export type ParsedArgs<O extends Options> = Exclude<Parsed<O>, { readonly help: true }>;

export function command<O extends Options>(spec: CommandSpec<O>, body: (parsed: ParsedArgs<O>, ctx: CommandContext) => Promise<number>): Command {
  return async (argv, ctx) => {
    const parsed = parseCli(spec, argv);
    if (parsed.help) {
      ctx.stdout(helpText(spec));
      return EXIT.ok;
    }
    return body(parsed, ctx);
  };
}
