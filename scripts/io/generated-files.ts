/** Writes a set of generated files, or compares them with the disk (`--check`): shared by the generators. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkWritable, writeFilesAtomic } from './atomic-file.js';

export type FileDiff = { readonly kind: 'missing' | 'stale' | 'extra'; readonly path: string };

/** Compares rendered files with the disk; `extra` lists generated files on disk that the render no longer produces. */
export function diffGenerated(root: string, files: ReadonlyMap<string, string>, existingGenerated: readonly string[] = []): FileDiff[] {
  const diffs: FileDiff[] = [];
  for (const [path, text] of files) {
    const abs = join(root, path);
    checkWritable(abs, 'generated file');
    if (!existsSync(abs)) diffs.push({ kind: 'missing', path });
    else if (readFileSync(abs, 'utf8') !== text) diffs.push({ kind: 'stale', path });
  }
  for (const path of existingGenerated) if (!files.has(path)) diffs.push({ kind: 'extra', path });
  return diffs;
}

/**
 * Writes the files that differ, all or none: every target is checked first (a folder where a file
 * should be is bad input, named), then each is written to a temporary file and renamed into place.
 */
export function writeGenerated(root: string, files: ReadonlyMap<string, string>): number {
  const changed = new Map<string, string>();
  for (const [path, text] of files) {
    const abs = join(root, path);
    checkWritable(abs, 'generated file');
    if (existsSync(abs) && readFileSync(abs, 'utf8') === text) continue;
    changed.set(abs, text);
  }
  writeFilesAtomic(changed, 'generated file');
  return changed.size;
}
