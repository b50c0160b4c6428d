/**
 * A TypeScript file of this repository that does not compile (a typo in pipeline.config.ts, in
 * workflows-src/ or in scripts/) is bad input of the script entry that loads or bundles it: one line
 * naming the file, line and column and what esbuild says, exit 2, not a stack trace or "internal error".
 * esbuild (which tsx runs on every file it loads, and `pnpm bundle` builds with) reports such a failure
 * as an error object with an `errors` list of messages and locations.
 */
import { relative } from 'node:path';
import { InputError } from '../core/errors.js';
import { isRecord } from '../core/json.js';

/** The InputError for a compile failure (esbuild's, or a SyntaxError of Node's), or undefined for any other error. */
export function sourceError(err: unknown, root: string): InputError | undefined {
  if (err instanceof SyntaxError) return new InputError(`${err.message}; fix the file and run again`);
  // tsx's loader throws esbuild's transform failure as text: "Transform failed with N error(s):\n<file>:<line>:<column>: ERROR: <text>".
  if (err instanceof Error && err.name === 'TransformError') {
    const first = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(err.message);
    if (first) return new InputError(`${relative(root, first[1] ?? '') || first[1]}:${first[2]}:${first[3]}: ${first[4]}; fix the file and run again`);
    return new InputError(`${err.message.split('\n').join(' ')}; fix the file and run again`);
  }
  if (!isRecord(err) || !Array.isArray(err['errors'])) return undefined;
  const first: unknown = err['errors'][0];
  if (!isRecord(first) || typeof first['text'] !== 'string') return undefined;
  const location = first['location'];
  const where =
    isRecord(location) && typeof location['file'] === 'string' && typeof location['line'] === 'number' && typeof location['column'] === 'number'
      ? `${relative(root, location['file']) || location['file']}:${location['line']}:${location['column']}: `
      : '';
  const more = err['errors'].length > 1 ? ` (and ${err['errors'].length - 1} more)` : '';
  return new InputError(`${where}${first['text']}${more}; fix the file and run again`);
}
