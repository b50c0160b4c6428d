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

const firstLine = (err: unknown): string => (err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err));

/**
 * The manifest `text` of `kind` as JSON text; `file` names it in errors. Throws InputError when it does
 * not parse or is not an object of fields (a YAML key given twice is refused, as pnpm's YAML reader does).
 */
export function manifestAsJson(file: string, kind: OtherManifestFile, text: string): string {
  // A byte order mark, as package.json may have one (json.ts).
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  if (kind === 'package.yaml') {
    // As pnpm reads it (js-yaml): merge keys (`<<: *common`) merged, a key given twice and an unknown
    // tag refused (the yaml library would only warn, on stderr, and keep the tag's text).
    const doc = parseDocument(body, { merge: true, uniqueKeys: true });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem !== undefined) throw new InputError(`${file}: not valid YAML (${firstLine(problem)}); fix the file`);
    try {
      value = doc.toJS();
    } catch (err) {
      throw new InputError(`${file}: not valid YAML (${firstLine(err)}); fix the file`);
    }
    if (!isRecord(value)) throw new InputError(`${file}: expected a mapping of fields`);
  } else {
    try {
      value = JSON5.parse(body);
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
