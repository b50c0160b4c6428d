/** package.json as untrusted JSON: a type guard that names the file and the field that is wrong. */
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';

export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
export type DependencyField = (typeof DEPENDENCY_FIELDS)[number];

export interface ServiceMeta {
  /** Default port; the Dockerfile, compose file and service kit all read it from here. */
  readonly port?: number;
  /** Services this one calls at run time (compose `depends_on`, the gateway's routing table). */
  readonly upstreams?: readonly string[];
}

export interface Manifest {
  readonly name: string;
  readonly version?: string;
  readonly private?: boolean;
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<DependencyField, Readonly<Record<string, string>>>>;
  readonly service: ServiceMeta;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  if (!isRecord(value)) return false;
  // for...in rather than Object.values: no array per call (this runs for every field of every package); JSON has no inherited keys.
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Parses the text of `file` (a package.json); throws InputError naming the file and field. */
export function parseManifest(file: string, text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the file`);
  }
  if (!isRecord(json)) throw new InputError(`${file}: expected a JSON object`);
  const pkg = json;
  const name = pkg['name'];
  if (typeof name !== 'string' || name.length === 0) throw new InputError(`${file}: missing "name"; every workspace package needs a unique name`);
  // One field at a time (not a loop over DEPENDENCY_FIELDS): this runs for every package of the workspace.
  const dependencies = dependencyField(file, 'dependencies', pkg['dependencies']);
  const devDependencies = dependencyField(file, 'devDependencies', pkg['devDependencies']);
  const optionalDependencies = dependencyField(file, 'optionalDependencies', pkg['optionalDependencies']);
  const peerDependencies = dependencyField(file, 'peerDependencies', pkg['peerDependencies']);
  const scripts = pkg['scripts'] ?? {};
  if (!isStringRecord(scripts)) throw new InputError(`${file}: "scripts" must be an object of name -> command`);
  const meta = pkg['kodingcaravan'];
  let service: ServiceMeta = {};
  if (meta !== undefined && meta !== null) {
    if (!isRecord(meta)) throw new InputError(`${file}: "kodingcaravan" must be an object`);
    const { port, upstreams } = meta;
    if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new InputError(`${file}: "kodingcaravan.port" must be an integer from 1 to 65535, got ${JSON.stringify(port)}`);
    }
    if (upstreams !== undefined && !isStringArray(upstreams)) throw new InputError(`${file}: "kodingcaravan.upstreams" must be an array of service names`);
    service = { ...(port === undefined ? {} : { port }), ...(upstreams === undefined ? {} : { upstreams }) };
  }
  const manifest: { -readonly [K in keyof Manifest]: Manifest[K] } = {
    name,
    scripts,
    dependencies: { dependencies, devDependencies, optionalDependencies, peerDependencies },
    service,
  };
  const version = pkg['version'];
  if (typeof version === 'string') manifest.version = version;
  if (pkg['private'] === true) manifest.private = true;
  return manifest;
}

function dependencyField(file: string, field: DependencyField, value: unknown): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return {};
  if (!isStringRecord(value)) throw new InputError(`${file}: "${field}" must be an object of name -> version specifier`);
  return value;
}
