/**
 * A repository file a command reads (a Dockerfile, the workspace file, a workflow, the template), read
 * only when it is a regular file: a folder where the file should be, or a FIFO (whose read would wait
 * forever), is bad input naming the path, not EISDIR as an internal error or a hang.
 */
import { readFileSync, statSync } from 'node:fs';
import { errnoCode, InputError } from '../core/errors.js';
import { quote } from '../core/quote.js';

/** The text of `path`; `shown` is how an error names it (a path from the repository root). */
export function readTextFile(path: string, shown: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    throw new InputError(`${quote(shown, 240)}: cannot be read (${errnoCode(err) ?? String(err)}); expected a file`);
  }
  if (!isFile) throw new InputError(`${quote(shown, 240)}: not a file (a folder, a pipe or a device); expected a file`);
  return readFileSync(path, 'utf8');
}
