/**
 * A manifest's text as the JSON the workspace code checks: package.json's as it is; pnpm's package.json5
 * and package.yaml through their parsers (core/workspace/manifest-formats.ts), loaded only for such a file
 * (a chunk of its own in the bundle: the hot path of `affected` never loads them). Both loaders, for a
 * workspace package's manifest and a vendored one's.
 */
import type { ManifestFile } from '../core/workspace/discover.js';

/** `name` names the file in an error (bad input: one line, exit 2). */
export async function manifestJson(name: string, file: ManifestFile, text: string): Promise<string> {
  if (file === 'package.json') return text;
  const { manifestAsJson } = await import('../core/workspace/manifest-formats.js');
  return manifestAsJson(name, file, text);
}
