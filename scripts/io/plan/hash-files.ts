/**
 * `hashFiles(...)` as the runner computes it over its workspace: the SHA-256 of the SHA-256 of every
 * tracked file that matches (patterns relative to the workspace, `!` excludes), in path order; ''
 * when none matches.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  for (const f of matched)
    all.update(
      createHash('sha256')
        .update(readFileSync(join(workspace, f)))
        .digest(),
    );
  return all.digest('hex');
}
