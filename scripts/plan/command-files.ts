/**
 * The runner's file commands (GITHUB_OUTPUT, GITHUB_ENV): lines `name=value`, or a multiline value
 * `name<<DELIMITER` ... `DELIMITER`. Later writes of a name win, as on the runner. Pure.
 */
import { dict } from '../core/dict.js';
import { InputError } from '../core/errors.js';

export function parseCommandFile(file: string, text: string): Record<string, string> {
  const out: Record<string, string> = dict();
  const lines = text.split(/\r?\n/);
  // Stryker disable next-line EqualityOperator: one more pass reads lines[length] as '', which is skipped
  for (let i = 0; i < lines.length; i++) {
    // Stryker disable next-line StringLiteral: unreachable fallback, lines[i] exists inside the loop
    const line = lines[i] ?? '';
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    // Stryker disable next-line EqualityOperator: `<<` and `=` cannot start at the same index, so < and <= agree
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const body: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        // Stryker disable next-line StringLiteral: unreachable fallback, lines[i] exists inside the loop
        const next = lines[i] ?? '';
        if (next === delimiter) {
          closed = true;
          break;
        }
        body.push(next);
      }
      if (!closed) throw new InputError(`${file}: ${name}<<${delimiter} is never closed by a line ${delimiter}`);
      out[name] = body.join('\n');
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new InputError(`${file}: line ${JSON.stringify(line)} is neither name=value nor name<<DELIMITER`);
    }
  }
  return out;
}
