/** package.json as untrusted JSON: a type guard that names the file and the field that is wrong. */
import { InputError } from '../errors.js';
import { isRecord, parseJsonText } from '../json.js';

export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
export type DependencyField = (typeof DEPENDENCY_FIELDS)[number];

export interface ServiceMeta {
  /** Default port; the Dockerfile, compose file and service kit all read it from here. */
  readonly port?: number;
  /** Services this one calls at run time (compose `depends_on`, the gateway's routing table). */
  readonly upstreams?: readonly string[];
  /** It calls something outside the host (a payment provider, say): compose puts it on the `edge` network too. */
  readonly egress?: true;
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

/** `file` is the file's name for errors, or a function that makes it (only on an error). */
type FileName = string | (() => string);

const nameOf = (file: FileName): string => (typeof file === 'string' ? file : file());

function parseObject(file: FileName, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new InputError(`${nameOf(file)}: not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the file`);
  }
  if (!isRecord(json)) throw new InputError(`${nameOf(file)}: expected a JSON object`);
  return json;
}

function packageName(file: FileName, pkg: Record<string, unknown>): string {
  const name = pkg['name'];
  if (typeof name !== 'string' || name.length === 0) throw new InputError(`${nameOf(file)}: missing "name"; every workspace package needs a unique name`);
  return name;
}

/** Parses the text of `file` (a package.json); throws InputError naming the file and field. */
export function parseManifest(file: string, text: string): Manifest {
  const pkg = parseObject(file, text);
  const name = packageName(file, pkg);
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
    // A key of no setting (a typo of `egress`, say) would be a setting silently not applied.
    for (const key in meta) {
      if (key !== 'port' && key !== 'upstreams' && key !== 'egress')
        throw new InputError(`${file}: ${JSON.stringify(`kodingcaravan.${key}`)} is no setting; expected port, upstreams or egress`);
    }
    const { port, upstreams, egress } = meta;
    // Stryker disable next-line ConditionalExpression: equivalent for `typeof port !== 'number'` as false: Number.isInteger rejects what is not a number
    if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new InputError(`${file}: "kodingcaravan.port" must be an integer from 1 to 65535, got ${JSON.stringify(port)}`);
    }
    if (upstreams !== undefined && !isStringArray(upstreams)) throw new InputError(`${file}: "kodingcaravan.upstreams" must be an array of service names`);
    if (egress !== undefined && typeof egress !== 'boolean') throw new InputError(`${file}: "kodingcaravan.egress" must be true or false, got ${JSON.stringify(egress)}`);
    service = { ...(port === undefined ? {} : { port }), ...(upstreams === undefined ? {} : { upstreams }), ...(egress === true ? { egress } : {}) };
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

function badDependencyField(file: FileName, field: DependencyField): InputError {
  return new InputError(`${nameOf(file)}: "${field}" must be an object of name -> version specifier`);
}

function dependencyField(file: string, field: DependencyField, value: unknown): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return {};
  if (!isStringRecord(value)) throw badDependencyField(file, field);
  return value;
}

/**
 * A dependency as a graph edge candidate, before the other packages are known: its name for an
 * ordinary specifier (an edge when it names a workspace package), `[target, name]` for a
 * `workspace:` one (`target` is the alias of `workspace:<alias>@<range>`, else the name), which
 * must name a workspace package, or `{name, path}` for a `file:`/`link:` one: pnpm links the folder
 * it points at, so that folder's package is the edge even under another key.
 */
export type DependencyRef =
  | string
  | readonly [alias: string, name: string]
  /**
   * A `file:`, `link:` or `workspace:<relative path>` specifier: the folder it points at (relative to the
   * dependent's folder) names the package, whatever the key (pnpm links a folder outside the workspace too).
   * `copy` for `file:`: pnpm installs a copy of the folder and, for one that is no workspace package, that
   * package's own dependencies (vendored.ts); a `link:` is a symbolic link only, nothing of it installed.
   */
  | { readonly name: string; readonly path: string; readonly copy?: true };

const WORKSPACE_ALIAS = /^(@?[^@]+)@/;
/** `npm:lodash`, `npm:lodash@4`, `npm:@scope/pkg@^1`: the package name after `npm:`. */
// Stryker disable next-line Regex: equivalent without ^ (dependencyRef tests it only on a spec that starts with npm:)
const NPM_ALIAS = /^npm:(@?[^@]+)/;

export function dependencyRef(name: string, spec: string): DependencyRef {
  if (spec.startsWith('file:')) return { name, path: spec.slice(5), copy: true };
  if (spec.startsWith('link:')) return { name, path: spec.slice(5) };
  // `npm:<package>[@<range>]` installs that package under the key: it is the edge when it is in the workspace.
  if (spec.startsWith('npm:')) return NPM_ALIAS.exec(spec)?.[1] ?? name;
  if (!spec.startsWith('workspace:')) return name;
  // pnpm's `workspace:./x`, `workspace:../x`, `workspace:..`: whatever starts with a dot is a folder, as `link:` (pnpm 10's
  // resolver takes every `workspace:.` spec as a path, and links it, in the workspace or not; it locks `workspace:..` as `link:..`).
  if (spec.startsWith('.', 10)) return { name, path: spec.slice(10) };
  // Stryker disable next-line StringLiteral: equivalent: includes('') is true, and then the alias pattern (which needs an '@') decides alone
  const alias = spec.includes('@', 11) ? WORKSPACE_ALIAS.exec(spec.slice(10))?.[1] : undefined;
  return [alias ?? name, name];
}

/** What the workspace graph reads of a package's manifest. */
export interface ManifestEdges {
  /** Absent when the manifest has none (or an empty one): pnpm lists and links such a package (GraphSource.name). */
  readonly name: string | undefined;
  readonly refs: DependencyRef[];
}

/** The dependencies of `fields` of `pkg`, checked as parseManifest checks them, in one pass. */
function dependencyRefsOf(pkg: Record<string, unknown>, fileName: () => string, fields: readonly DependencyField[] = DEPENDENCY_FIELDS): DependencyRef[] {
  const refs: DependencyRef[] = [];
  for (let f = 0; f < fields.length; f++) {
    // Stryker disable next-line StringLiteral: equivalent: f is an index of fields
    const field = fields[f] ?? 'dependencies';
    const deps = pkg[field];
    if (deps === undefined || deps === null) continue;
    if (!isRecord(deps)) throw badDependencyField(fileName, field);
    for (const key in deps) {
      const spec = deps[key];
      if (typeof spec !== 'string') throw badDependencyField(fileName, field);
      refs.push(dependencyRef(key, spec));
    }
  }
  return refs;
}

/** A `file:` dependency (DependencyRef's path form with `copy`): pnpm installs a copy of the folder. */
export function isCopyRef(ref: DependencyRef): ref is { readonly name: string; readonly path: string; readonly copy: true } {
  // Stryker disable next-line ConditionalExpression: equivalent for `'path' in ref` as true: an array (a workspace: ref) has no `copy` either (it is there for the types); the other two conditions' mutants are killed by isCopyRef's table
  return typeof ref === 'object' && 'path' in ref && ref.copy === true;
}

/** What pnpm installs of a dependency's own manifest: not its devDependencies, nor its peers (reported missing, never installed). */
const INSTALLED_FIELDS: readonly DependencyField[] = ['dependencies', 'optionalDependencies'];

/**
 * The `file:` dependencies of a vendored package (one a `file:` dependency reaches: pnpm installs a copy
 * and, of its own manifest, the dependencies and optional dependencies; its own `link:` paths pnpm resolves
 * from the workspace root, not from its folder, so they are not followed). Those fields are checked as a
 * workspace package's are; no name needed (pnpm installs it by the key).
 */
export function readVendoredDependencies(text: string, fileName: () => string): DependencyRef[] {
  return dependencyRefsOf(parseObject(fileName, text), fileName, INSTALLED_FIELDS).filter(isCopyRef);
}

/**
 * The name and dependencies of `file`, checked as parseManifest checks them, in one pass and without
 * the rest (scripts, service metadata): change detection reads 2,000 of these on a cold run. Unlike
 * parseManifest (the generators'), a manifest without a name is read: pnpm lists and links such a package.
 */
export function readManifestEdges(text: string, fileName: () => string): ManifestEdges {
  const pkg = parseObject(fileName, text);
  const name = pkg['name'];
  // pnpm reads an absent, null or empty name as none.
  if (name === undefined || name === null || name === '') return { name: undefined, refs: dependencyRefsOf(pkg, fileName) };
  if (typeof name !== 'string') throw new InputError(`${fileName()}: "name" must be a string, got ${Array.isArray(name) ? 'an array' : `a ${typeof name}`}`);
  return { name, refs: dependencyRefsOf(pkg, fileName) };
}

/** What the graph knows of the workspace's root manifest (GraphOptions): its name, or why it cannot be read. */
export interface RootManifest {
  readonly name?: string;
  readonly unreadable?: string;
  /** The manifest as parsed, when it is an object: its `resolutions` and `pnpm.overrides` (overrides.ts). */
  readonly json?: Readonly<Record<string, unknown>>;
}

/**
 * The name of the workspace's root manifest (pnpm's root package, which a package may depend on), from its
 * text as JSON (a package.json5 or package.yaml turned into JSON first): none without a name; `unreadable`
 * when it does not parse (named only by an error about a `workspace:` dependency it might have satisfied; the
 * rules that read the root manifest report it themselves).
 */
export function rootManifest(file: string, json: string): RootManifest {
  let value: unknown;
  try {
    value = parseJsonText(json);
  } catch (err) {
    return { unreadable: `${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!isRecord(value)) return {};
  const name = value['name'];
  return typeof name === 'string' && name !== '' ? { name, json: value } : { json: value };
}
