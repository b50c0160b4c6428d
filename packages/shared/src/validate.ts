/** Request-body validation: small, explicit, and with errors that name the field and the expected form. */
import { HttpError } from './http.js';
import { isRecord } from './json.js';

export type Field =
  | { readonly kind: 'string'; readonly min?: number; readonly max?: number; readonly optional?: boolean }
  | { readonly kind: 'email'; readonly optional?: boolean }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number; readonly optional?: boolean }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly optional?: boolean }
  | { readonly kind: 'iso-date'; readonly optional?: boolean };

type FieldValue<F extends Field> = F extends { kind: 'int' } ? number : string;
export type Shape = Readonly<Record<string, Field>>;
export type Parsed<S extends Shape> = {
  readonly [K in keyof S as S[K] extends { optional: true } ? never : K]: FieldValue<S[K]>;
} & {
  readonly [K in keyof S as S[K] extends { optional: true } ? K : never]?: FieldValue<S[K]>;
};

function check(name: string, field: Field, value: unknown): string | number {
  const fail = (expected: string): never => {
    throw new HttpError(400, `field "${name}" must be ${expected}`, { field: name, got: value === undefined ? null : value });
  };
  switch (field.kind) {
    case 'string': {
      if (typeof value !== 'string') return fail('a string');
      if (value.length < (field.min ?? 1) || value.length > (field.max ?? 10_000)) return fail(`a string of ${field.min ?? 1} to ${field.max ?? 10_000} characters`);
      return value;
    }
    case 'email':
      return typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? value.toLowerCase() : fail('an e-mail address');
    case 'int': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail('an integer');
      if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max))
        return fail(`an integer from ${field.min ?? '-inf'} to ${field.max ?? 'inf'}`);
      return value;
    }
    case 'enum':
      return typeof value === 'string' && field.values.includes(value) ? value : fail(`one of ${field.values.join(', ')}`);
    case 'iso-date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))
        ? new Date(value).toISOString()
        : fail('an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z');
  }
}

/** Parses an untrusted JSON body against `shape`; unknown fields are rejected so typos do not pass silently. */
export function parseBody<S extends Shape>(shape: S, body: unknown): Parsed<S> {
  if (!isRecord(body)) throw new HttpError(400, 'request body must be a JSON object');
  const input = body;
  const out: Record<string, string | number> = {};
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(shape, key)) throw new HttpError(400, `unknown field "${key}"; expected fields: ${Object.keys(shape).join(', ')}`);
  }
  for (const [name, field] of Object.entries(shape)) {
    if (input[name] === undefined && field.optional) continue;
    out[name] = check(name, field, input[name]);
  }
  return out as Parsed<S>;
}
