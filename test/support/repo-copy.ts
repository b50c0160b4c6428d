/** A throw-away copy of this repository's source files (tracked and new, not ignored) in a temp folder. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function repoFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
}

export function copyRepo(filter: (path: string) => boolean = () => true): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kc-repo-'));
  for (const file of repoFiles().filter(filter)) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    try {
      cpSync(join(REPO_ROOT, file), join(dir, file));
    } catch {
      // A file deleted in the working tree but still in the index: skip it.
    }
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
