/**
 * A manifest's text as the JSON the workspace code checks: package.json's as it is; pnpm's package.json5
 * and package.yaml through their parsers (core/workspace/manifest-formats.ts), loaded only for such a file
 * (a chunk of its own in the bundle: the hot path of `affected` never loads them). Both loaders, for a
 * workspace package's manifest and a vendored one's.
 */
import { InputError } from '../core/errors.js';
import type { ManifestFile } from '../core/workspace/discover.js';
import { type RootManifest, rootManifest } from '../core/workspace/manifest.js';

/** `name` names the file in an error (bad input: one line, exit 2). */
export async function manifestJson(name: string, file: ManifestFile, text: string): Promise<string> {
  if (file === 'package.json') return text;
  const { manifestAsJson } = await import('../core/workspace/manifest-formats.js');
  return manifestAsJson(name, file, text);
}

/**
 * The workspace's root manifest (the first of package.json, package.json5 and package.yaml it holds, as pnpm
 * picks it; `texts` in that order, undefined for a file it does not hold): its name, or why it cannot be read.
 */
export async function readRootManifest(texts: ReadonlyArray<readonly [name: string, file: ManifestFile, text: string | undefined]>): Promise<RootManifest> {
  for (const [name, file, text] of texts) {
    if (text === undefined) continue;
    try {
      return rootManifest(name, await manifestJson(name, file, text));
    } catch (err) {
      if (err instanceof InputError) return { unreadable: err.message };
      throw err;
    }
  }
  return {};
}
