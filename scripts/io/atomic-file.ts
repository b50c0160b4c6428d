/**
 * The project's one file writer for outputs a person or a later step reads (records, generated files):
 * the text goes to a temporary file beside the target, then is renamed over it, so a reader never sees
 * half a file and a failure leaves the old file as it was. A target that cannot be a file (a folder, a
 * path through a file, a read-only place) is bad input, named with the fix.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';

const code = (err: unknown): string => (err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : '');

/** Throws an InputError unless `path` can be written as a file (checked before anything is written). */
export function checkWritable(path: string, what: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR')
      throw new InputError(`${what} ${JSON.stringify(path)}: cannot be written (${code(err) || String(err)}); expected a file path`);
    if (code(err) === 'ENOTDIR') throw new InputError(`${what} ${JSON.stringify(path)}: a part of the path is a file, not a folder; expected a file path`);
  }
  if (isDir) throw new InputError(`${what} ${JSON.stringify(path)}: is a folder; expected a file path, e.g. ${join(path, 'out.json')}`);
}

export function writeFileAtomic(path: string, text: string, what = 'file'): void {
  checkWritable(path, what);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new InputError(`${what} ${JSON.stringify(path)}: cannot be written (${code(err) || (err instanceof Error ? err.message : String(err))}); expected a writable file path`);
  }
}
