/**
 * pnpm's two other manifest files, package.json5 and package.yaml, read as the JSON the rest of the
 * workspace code checks (manifest.ts). Loaded only when a package folder has no package.json: the
 * hot path of `affected` reads package.json alone and never loads the two parsers.
 */
import JSON5 from 'json5';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import type { OtherManifestFile } from './discover.js';

/**
 * An error's first line, without the colon the yaml library ends it with before a code frame. The parsers
 * and JSON.stringify throw Errors only: `String(err)` is there for the types.
 */
function firstLine(err: unknown): string {
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent for `instanceof Error` as true (every error here is an Error) and for the `''` after `??` (split always gives a first element); the others (`instanceof` as false, the '\n' emptied) are killed by the message rows
  return ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '').replace(/:$/, '');
}

/**
 * The manifest `text` of `kind` as JSON text; `file` names it in errors. Throws InputError when it does
 * not parse or is not an object of fields (a YAML key given twice is refused, as pnpm's YAML reader does).
 */
export function manifestAsJson(file: string, kind: OtherManifestFile, text: string): string {
  // A byte order mark needs no stripping here (json.ts strips package.json's): both parsers skip it.
  let value: unknown;
  if (kind === 'package.yaml') {
    // As pnpm reads it (js-yaml): merge keys (`<<: *common`) merged, a key given twice and an unknown
    // tag refused (the yaml library would only warn, on stderr, and keep the tag's text).
    const doc = parseDocument(text, { merge: true, uniqueKeys: true });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem !== undefined) throw new InputError(`${file}: not valid YAML (${firstLine(problem)}); fix the file`);
    try {
      // Throws for an alias bomb (the library's limit of aliases per document).
      value = doc.toJS();
    } catch (err) {
      throw new InputError(`${file}: not valid YAML (${firstLine(err)}); fix the file`);
    }
    if (!isRecord(value)) throw new InputError(`${file}: expected a mapping of fields`);
  } else {
    try {
      value = JSON5.parse(text);
    } catch (err) {
      throw new InputError(`${file}: not valid JSON5 (${firstLine(err)}); fix the file`);
    }
    if (!isRecord(value)) throw new InputError(`${file}: expected a JSON5 object`);
  }
  // What parses may still not be JSON: an alias inside itself (a circular object), nesting deeper than
  // the stack (JSON5's parser does not recurse, JSON.stringify does).
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new InputError(`${file}: cannot be read as JSON (${firstLine(err)}); fix the file`);
  }
}
