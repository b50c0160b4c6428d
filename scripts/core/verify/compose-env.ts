/**
 * The environment a service runs with, taken from the generated docker-compose.yml (the platform's own
 * definition of how to run it), so that `verify-image` starts the container with the environment compose
 * gives it. Not its networks: the probe runs on the engine's default bridge, which has a route out, where
 * compose puts a service without `egress` on an internal network (a service that needs the network to start
 * passes here and fails its health check under compose).
 */
import { dict } from '../dict.js';
import { parse } from 'yaml';
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';

/** What to do with a required variable (`${VAR:?message}`) that is unset: by default, bad input naming it. */
export type OnRequired = (name: string, message: string) => string;

const refuse: OnRequired = (name, message) => {
  throw new InputError(`compose variable ${name} is required: ${message}`);
};

/**
 * Compose interpolation: `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR}`,
 * `$VAR`, `$$`, with `vars` as the environment.
 */
export function interpolate(text: string, vars: Readonly<Record<string, string | undefined>>, onRequired: OnRequired = refuse): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, op, arg, bare) => {
    if (whole === '$$') return '$';
    const name = String(braced ?? bare);
    const value = vars[name];
    const unset = value === undefined || (String(op).startsWith(':') && value === '');
    // Stryker disable next-line StringLiteral: not unset means value is defined: the fallback '' is never used
    if (op === ':-' || op === '-') return unset ? String(arg) : (value ?? '');
    // Stryker disable next-line StringLiteral: not unset means value is defined: the fallback '' is never used
    if (op === ':?' || op === '?') return unset ? onRequired(name, String(arg)) : (value ?? '');
    return value ?? '';
  });
}

/** `services.<service>.environment` of a compose file (mapping or list form), interpolated; {} when the service has none. */
export function composeEnvironment(
  file: string,
  text: string,
  service: string,
  vars: Readonly<Record<string, string | undefined>> = {},
  onRequired: OnRequired = refuse,
): Record<string, string> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); run \`pnpm generate\``);
  }
  const services = isRecord(doc) ? doc['services'] : undefined;
  const entry = isRecord(services) ? services[service] : undefined;
  const env = isRecord(entry) ? entry['environment'] : undefined;
  const out: Record<string, string> = dict();
  if (env === undefined || env === null) return out;
  if (Array.isArray(env)) {
    for (const item of env) {
      if (typeof item !== 'string') throw new InputError(`${file}: services.${service}.environment items must be strings KEY=VALUE`);
      const eq = item.indexOf('=');
      if (eq > 0) out[item.slice(0, eq)] = interpolate(item.slice(eq + 1), vars, onRequired);
    }
    return out;
  }
  if (!isRecord(env)) throw new InputError(`${file}: services.${service}.environment must be a mapping or a list`);
  for (const [key, value] of Object.entries(env)) {
    if (value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new InputError(`${file}: services.${service}.environment.${key} must be a scalar`);
    out[key] = interpolate(String(value), vars, onRequired);
  }
  return out;
}
