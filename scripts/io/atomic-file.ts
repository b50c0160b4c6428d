/**
 * The project's one file writer for outputs a person or a later step reads (records, generated files):
 * the text goes to a temporary file beside the target, then is renamed over it, so a reader never sees
 * half a file and a failure leaves the old file as it was. A target that cannot be a file (a folder, a
 * path through a file, a read-only place) is bad input, named with the fix.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { quote } from '../core/quote.js';

const code = (err: unknown): string => (err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : '');

/** Throws an InputError unless `path` can be written as a file (checked before anything is written). */
export function checkWritable(path: string, what: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR')
      throw new InputError(`${what} ${quote(path, 240)}: cannot be written (${code(err) || String(err)}); expected a file path`);
    if (code(err) === 'ENOTDIR') throw new InputError(`${what} ${quote(path, 240)}: a part of the path is a file, not a folder; expected a file path`);
  }
  if (isDir) throw new InputError(`${what} ${quote(path, 240)}: is a folder; expected a file path, e.g. ${join(path, 'out.json')}`);
}

export function writeFileAtomic(path: string, text: string, what = 'file'): void {
  writeFilesAtomic(new Map([[path, text]]), what);
}

/**
 * Several files, all or none as far as a file system allows: every target checked, every text written
 * to a temporary file beside its target, and only then each renamed over its target. A failure before
 * the renames leaves every old file as it was.
 */
export function writeFilesAtomic(files: ReadonlyMap<string, string>, what = 'file'): void {
  for (const path of files.keys()) checkWritable(path, what);
  const temps: [string, string][] = [];
  try {
    for (const [path, text] of files) {
      mkdirSync(dirname(path), { recursive: true });
      const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      temps.push([temp, path]);
      writeFileSync(temp, text);
    }
  } catch (err) {
    for (const [temp] of temps) rmSync(temp, { force: true });
    const path = temps.at(-1)?.[1] ?? '';
    throw new InputError(`${what} ${quote(path, 240)}: cannot be written (${code(err) || (err instanceof Error ? err.message : String(err))}); expected a writable file path`);
  }
  for (const [temp, path] of temps) renameSync(temp, path);
}
