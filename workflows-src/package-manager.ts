/**
 * pnpm's version, read from the root package.json's `packageManager` when the workflows are generated
 * (the one place it is set; a change there makes `pnpm workflows:check` fail until they are regenerated).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../scripts/core/json.js';

export function pnpmVersion(root = join(import.meta.dirname, '..')): string {
  const manifest: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const field = isRecord(manifest) ? manifest['packageManager'] : undefined;
  const match = typeof field === 'string' ? /^pnpm@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+.*)?$/.exec(field) : null;
  if (!match?.[1]) throw new Error(`package.json: packageManager ${JSON.stringify(field)}: expected pnpm@<x.y.z>`);
  return match[1];
}
