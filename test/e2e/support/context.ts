/** A private copy of the build context, for tests and benches that change sources without touching the working tree. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './lab.js';

/**
 * What the service Dockerfiles can see (root files, packages/ and services/) as git would commit it
 * (tracked and new files, not ignored ones), copied from the working tree into a new temporary folder.
 */
export function copyBuildContext(prefix: string): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files) {
    const inContext = !file.includes('/') || file.startsWith('packages/') || file.startsWith('services/');
    if (!inContext || !existsSync(join(ROOT, file)) || !lstatSync(join(ROOT, file)).isFile()) continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  return copy;
}
