/** Command-line parsing on node:util's parseArgs, with errors turned into one-line InputErrors. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(command: string, argv: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const flags = Object.entries(options)
      .map(([name, o]) => `--${name}${o.type === 'string' ? ' VALUE' : ''}`)
      .join(' ');
    throw new InputError(`pipeline ${command}: ${message}; expected: pipeline ${command} ${flags}`);
  }
}
