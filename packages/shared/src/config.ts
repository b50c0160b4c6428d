/**
 * Configuration from environment variables, validated once at start-up.
 * A bad value stops the service with one line naming the variable, the value and the expected form,
 * instead of surfacing later as a confusing runtime failure.
 */

export type ConfigSpec =
  | { readonly kind: 'port'; readonly default?: number }
  | { readonly kind: 'int'; readonly default?: number; readonly min?: number; readonly max?: number }
  | { readonly kind: 'string'; readonly default?: string; readonly secret?: boolean; readonly minLength?: number }
  | { readonly kind: 'url'; readonly default?: string }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly default?: string };

type ValueOf<S extends ConfigSpec> = S extends { kind: 'port' | 'int' } ? number : string;

export type ConfigOf<T extends Record<string, ConfigSpec>> = { readonly [K in keyof T]: ValueOf<T[K]> };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

function describe(spec: ConfigSpec): string {
  switch (spec.kind) {
    case 'port':
      return 'a TCP port number from 1 to 65535 (0 picks a free port)';
    case 'int':
      return `an integer${spec.min !== undefined ? ` >= ${spec.min}` : ''}${spec.max !== undefined ? ` <= ${spec.max}` : ''}`;
    case 'string':
      return spec.minLength === undefined ? 'a non-empty string' : `a string of at least ${spec.minLength} characters`;
    case 'url':
      return 'an absolute http(s) URL, e.g. http://host:3000';
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
  }
}

function parseOne(spec: ConfigSpec, raw: string): number | string | undefined {
  switch (spec.kind) {
    case 'port': {
      const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
      return n >= 0 && n <= 65535 ? n : undefined;
    }
    case 'int': {
      const n = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(n)) return undefined;
      if (spec.min !== undefined && n < spec.min) return undefined;
      if (spec.max !== undefined && n > spec.max) return undefined;
      return n;
    }
    case 'string':
      return raw.length > 0 && raw.length >= (spec.minLength ?? 0) ? raw : undefined;
    case 'url': {
      try {
        const u = new URL(raw);
        return u.protocol === 'http:' || u.protocol === 'https:' ? raw.replace(/\/+$/, '') : undefined;
      } catch {
        return undefined;
      }
    }
    case 'enum':
      return spec.values.includes(raw) ? raw : undefined;
  }
}

/** Reads every variable of `specs` from `env`; throws one ConfigError for the first problem. */
export function loadConfig<T extends Record<string, ConfigSpec>>(specs: T, env: Readonly<Record<string, string | undefined>>): ConfigOf<T> {
  const out: Record<string, number | string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (spec.default === undefined) {
        throw new ConfigError(name, `missing environment variable ${name}: set it to ${describe(spec)}`);
      }
      out[name] = spec.default;
      continue;
    }
    const value = parseOne(spec, raw.trim());
    if (value === undefined) {
      const shown = spec.kind === 'string' && spec.secret ? '<redacted>' : JSON.stringify(raw);
      throw new ConfigError(name, `invalid environment variable ${name}=${shown}: expected ${describe(spec)}`);
    }
    out[name] = value;
  }
  return out as ConfigOf<T>;
}
