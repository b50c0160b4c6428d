/** pnpm-workspace.yaml: the package globs (and nothing else we need to trust). */
import { parse } from 'yaml';
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';

export interface WorkspaceYaml {
  readonly packages: readonly string[];
}

function parseDocument(file: string, text: string): unknown {
  try {
    // Merge keys merged, as pnpm's reader (js-yaml) merges them (`overrides:\n  <<: *links`).
    return parse(text, { merge: true });
  } catch (err) {
    throw new InputError(`${file}: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

/** The file's `overrides` as parsed (of any type: overrides.ts reads it), undefined when it has none. */
export function parseWorkspaceOverrides(file: string, text: string): unknown {
  const doc = parseDocument(file, text);
  return isRecord(doc) ? doc['overrides'] : undefined;
}

export function parseWorkspaceYaml(file: string, text: string): WorkspaceYaml {
  const doc = parseDocument(file, text);
  const packages = isRecord(doc) ? doc['packages'] : undefined;
  if (!Array.isArray(packages) || packages.length === 0 || !packages.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new InputError(`${file}: expected "packages:" with a list of folder globs, e.g. - services/*`);
  }
  return { packages };
}
