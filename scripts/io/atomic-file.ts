/**
 * The project's one file writer for outputs a person or a later step reads (records, generated files):
 * the text goes to a temporary file beside the target, then is renamed over it, so a reader never sees
 * half a file and a failure leaves the old file as it was. A target that cannot be a file (a folder, a
 * path through a file, a read-only place) is bad input, named with the fix.
 */
import { mkdirSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errnoCode, InputError } from '../core/errors.js';
import { quote } from '../core/quote.js';

const code = (err: unknown): string => errnoCode(err) ?? '';

/** Throws an InputError unless `path` can be written as a file (checked before anything is written). */
export function checkWritable(path: string, what: string): void {
  let isDir = false;
  try {
    const stat = statSync(path);
    isDir = stat.isDirectory();
    // A pipe, a device or a socket: the rename would replace it with a regular file (as root, /dev/null too).
    if (!isDir && !stat.isFile()) throw new InputError(`${what} ${quote(path, 240)}: is not a regular file (a pipe, a device or a socket); expected a file path`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR')
      throw new InputError(`${what} ${quote(path, 240)}: cannot be written (${code(err) || String(err)}); expected a file path`);
    if (code(err) === 'ENOTDIR') throw new InputError(`${what} ${quote(path, 240)}: a part of the path is a file, not a folder; expected a file path`);
  }
  if (isDir) throw new InputError(`${what} ${quote(path, 240)}: is a folder; expected a file path, e.g. ${join(path, 'out.json')}`);
  missingFolders(dirname(path), what, path);
}

/**
 * Kernel file systems where a write or a recursive mkdir can mean anything (or, for a folder that
 * cannot exist under /proc, loop forever in Node's recursive mkdir): statfs magic numbers of proc,
 * sysfs, cgroup, cgroup2, debugfs, tracefs, securityfs, devpts, configfs, bpf, pstore, efivarfs.
 */
const PSEUDO_FILE_SYSTEMS = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x64626720, 0x74726163, 0x73636673, 0x1cd1, 0x62656570, 0xcafe4a11, 0x6165676c, 0xde5e81e4]);

/**
 * The folders `dir` lacks, outermost first, after checking that the nearest existing one is a folder
 * on a normal file system (a walk up bounded by the path's depth).
 */
function missingFolders(dir: string, what: string, target: string): string[] {
  const missing: string[] = [];
  let existing = resolve(dir);
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) throw new InputError(`${what} ${quote(target, 240)}: ${quote(existing, 240)} is not a folder; expected a file path in a folder`);
      break;
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (dirname(existing) === existing) throw new InputError(`${what} ${quote(target, 240)}: no folder of it exists; expected a writable file path`);
      missing.unshift(existing);
      existing = dirname(existing);
    }
  }
  if (PSEUDO_FILE_SYSTEMS.has(statfsSync(existing).type)) {
    throw new InputError(`${what} ${quote(target, 240)}: ${quote(existing, 240)} is on a kernel file system (/proc, /sys, ...); expected a file path on a normal file system`);
  }
  return missing;
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
      // One level at a time: Node's recursive mkdir loops forever on a folder /proc cannot hold.
      for (const folder of missingFolders(dirname(path), what, path)) mkdirSync(folder);
      const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      temps.push([temp, path]);
      writeFileSync(temp, text);
    }
  } catch (err) {
    for (const [temp] of temps) rmSync(temp, { force: true });
    if (err instanceof InputError) throw err;
    const path = temps.at(-1)?.[1] ?? '';
    throw new InputError(`${what} ${quote(path, 240)}: cannot be written (${code(err) || (err instanceof Error ? err.message : String(err))}); expected a writable file path`);
  }
  for (const [temp, path] of temps) renameSync(temp, path);
}
