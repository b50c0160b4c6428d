/**
 * workflow_dispatch / workflow_call inputs: `--input key=value` pairs checked against a workflow's
 * input definitions (required, choice options, boolean/number forms) and completed with defaults,
 * as the `inputs` context (typed) and `github.event.inputs` (strings) see them. Pure.
 */
import { dict } from '../core/dict.js';
import { InputError } from '../core/errors.js';
import type { Json } from './expressions.js';

export interface InputDefinition {
  readonly type: string;
  readonly required: boolean;
  readonly default: Json | undefined;
  readonly options: readonly string[] | undefined;
}

export function parseInputFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = dict();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new InputError(`--input ${JSON.stringify(flag)}: expected key=value (e.g. --input service=auth-service)`);
    const key = flag.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) throw new InputError(`--input ${JSON.stringify(flag)}: ${JSON.stringify(key)} is not an input name (letters, digits, _ and -)`);
    out[key] = flag.slice(eq + 1);
  }
  return out;
}

function coerce(where: string, name: string, def: InputDefinition, raw: string): Json {
  switch (def.type) {
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new InputError(`${where}: input ${name}=${JSON.stringify(raw)} must be true or false`);
      return raw === 'true';
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n)) throw new InputError(`${where}: input ${name}=${JSON.stringify(raw)} must be a number`);
      return n;
    }
    case 'choice':
      if (def.options && !def.options.includes(raw)) throw new InputError(`${where}: input ${name}=${JSON.stringify(raw)} must be one of ${def.options.join(', ')}`);
      return raw;
    default:
      return raw;
  }
}

export interface ResolvedInputs {
  /** The `inputs` context: booleans and numbers typed. */
  readonly inputs: Record<string, Json>;
  /** `github.event.inputs`: every value a string, as in the dispatch payload. */
  readonly eventInputs: Record<string, string>;
}

/** `given` holds only the flags meant for this workflow (the caller drops names it does not define). */
export function resolveInputs(where: string, definitions: Readonly<Record<string, InputDefinition>>, given: Readonly<Record<string, string>>): ResolvedInputs {
  const inputs: Record<string, Json> = dict();
  const eventInputs: Record<string, string> = dict();
  for (const [name, def] of Object.entries(definitions)) {
    const raw = given[name];
    if (raw !== undefined) {
      inputs[name] = coerce(where, name, def, raw);
      eventInputs[name] = raw;
    } else if (def.default !== undefined && def.default !== null) {
      inputs[name] = def.default;
      eventInputs[name] = typeof def.default === 'string' ? def.default : JSON.stringify(def.default);
    } else if (def.required) {
      throw new InputError(`${where}: input ${name} is required; pass --input ${name}=VALUE`);
    } else {
      inputs[name] = def.type === 'boolean' ? false : def.type === 'number' ? 0 : '';
      eventInputs[name] = '';
    }
  }
  return { inputs, eventInputs };
}
