/**
 * pnpm's version, read from the root package.json's `packageManager` when the workflows are generated
 * (the one place it is set; a change there makes `pnpm workflows:check` fail until they are regenerated),
 * by the rule the generated Dockerfiles use (`pnpmVersionOf`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pnpmVersionOf } from '../scripts/core/dockerfiles/generate.js';
import { InputError } from '../scripts/core/errors.js';
import { isRecord } from '../scripts/core/json.js';

export function pnpmVersion(root = join(import.meta.dirname, '..')): string {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  } catch (err) {
    throw new InputError(`package.json: cannot be read as JSON (${err instanceof Error ? err.message : String(err)}); fix the root package.json`);
  }
  const field = isRecord(manifest) ? manifest['packageManager'] : undefined;
  return pnpmVersionOf(typeof field === 'string' ? field : undefined);
}
