/** Writes a set of generated files, or compares them with the disk (`--check`): shared by the generators. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type FileDiff = { readonly kind: 'missing' | 'stale' | 'extra'; readonly path: string };

/** Compares rendered files with the disk; `extra` lists generated files on disk that the render no longer produces. */
export function diffGenerated(root: string, files: ReadonlyMap<string, string>, existingGenerated: readonly string[] = []): FileDiff[] {
  const diffs: FileDiff[] = [];
  for (const [path, text] of files) {
    const abs = join(root, path);
    if (!existsSync(abs)) diffs.push({ kind: 'missing', path });
    else if (readFileSync(abs, 'utf8') !== text) diffs.push({ kind: 'stale', path });
  }
  for (const path of existingGenerated) if (!files.has(path)) diffs.push({ kind: 'extra', path });
  return diffs;
}

export function writeGenerated(root: string, files: ReadonlyMap<string, string>): number {
  let written = 0;
  for (const [path, text] of files) {
    const abs = join(root, path);
    if (existsSync(abs) && readFileSync(abs, 'utf8') === text) continue;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    written += 1;
  }
  return written;
}
