/** pnpm-workspace.yaml: the package globs (and nothing else we need to trust). */
import { parse } from 'yaml';
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';

export interface WorkspaceYaml {
  readonly packages: readonly string[];
}

export function parseWorkspaceYaml(file: string, text: string): WorkspaceYaml {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const packages = isRecord(doc) ? doc['packages'] : undefined;
  if (!Array.isArray(packages) || packages.length === 0 || !packages.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new InputError(`${file}: expected "packages:" with a list of folder globs, e.g. - services/*`);
  }
  return { packages };
}
