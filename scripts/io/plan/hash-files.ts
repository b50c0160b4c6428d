/**
 * `hashFiles(...)` as the runner computes it over its workspace: the SHA-256 of the SHA-256 of every
 * tracked file that matches (patterns relative to the workspace, `!` excludes), in path order; ''
 * when none matches.
 *
 * The workspace is a commit someone else may have written: a tracked symbolic link is hashed by the path
 * it holds and never followed (a link to /dev/zero would be read until memory runs out, one to a file
 * outside the repository would be read), anything but a regular file or a link (a submodule's folder) is
 * left out, and a file is read in pieces of 1 MB, so memory stays bounded whatever its size.
 */
import { createHash, type Hash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

export function hashFiles(workspace: string, patterns: readonly string[]): string {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: workspace, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\0')
    .filter((p) => p !== '');
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const isIncluded = picomatch(include, { dot: true });
  const isExcluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  const matched = files.filter((f) => isIncluded(f) && !isExcluded(f)).sort();
  if (matched.length === 0) return '';
  const all = createHash('sha256');
  const chunk = Buffer.alloc(1 << 20);
  for (const f of matched) {
    const path = join(workspace, f);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    const one = createHash('sha256');
    if (stat?.isSymbolicLink()) one.update(readlinkSync(path));
    else if (stat?.isFile()) hashContent(one, path, chunk);
    else continue;
    all.update(one.digest());
  }
  return all.digest('hex');
}

function hashContent(hash: Hash, path: string, chunk: Buffer): void {
  // O_NOFOLLOW: lstat saw a regular file, and a link put there since is refused rather than followed.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
