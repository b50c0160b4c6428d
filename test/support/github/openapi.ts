/**
 * GitHub's official REST API description (`@octokit/openapi`, api.github.com) as a request matcher
 * and validator for the GitHub stand-in: method + path to the operation, then its path and query
 * parameters, its JSON request body and each response body checked with ajv.
 *
 * The description is OpenAPI 3.0.3 (`nullable: true`, `$ref` into `#/components/...`); a schema is
 * converted to JSON Schema draft-07 (nullable → a `null` type, component references → local
 * `definitions` holding only what it reaches) and compiled the first time an operation needs it,
 * then cached. Two choices are stricter than GitHub and say so in their messages:
 * - an unknown query parameter or top-level request body field is a violation (GitHub ignores it,
 *   so a typo such as `make_lastest` would silently do nothing);
 * - a response status the operation does not document is a violation, except 401/403/404 with
 *   GitHub's basic error body and 422 with its validation error body, which GitHub answers on any
 *   route (404 for a repository it does not show you, 422 for a write it refuses).
 * One choice is more lenient than ajv-formats: a `uri` may be the empty string, because GitHub
 * documents `""` as the default of URI fields (`target_url`, `log_url`, `environment_url` of a
 * deployment status) and answers it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isRecord } from '../../../scripts/core/json.js';

export interface Operation {
  /** `repos/create-release`. */
  readonly id: string;
  readonly method: string;
  /** `/repos/{owner}/{repo}/releases`. */
  readonly template: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface Match {
  readonly operation: Operation;
  /** Path parameters, percent-decoded. */
  readonly params: ReadonlyMap<string, string>;
}

type Segment = { readonly literal: string } | { readonly param: string; readonly multi: boolean };
interface Route {
  readonly operation: Operation;
  readonly segments: readonly Segment[];
  readonly literals: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** GitHub's bodies for the statuses it answers on any route. */
const ANY_ROUTE: ReadonlyMap<number, string> = new Map([
  [401, '#/components/schemas/basic-error'],
  [403, '#/components/schemas/basic-error'],
  [404, '#/components/schemas/basic-error'],
  [422, '#/components/schemas/validation-error'],
]);

export class OpenApiDescription {
  private readonly routes: readonly Route[];
  private readonly components: Readonly<Record<string, unknown>>;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly bodies = new Ajv({ strict: false, allErrors: true });
  /** Path and query values arrive as strings: `coerceTypes` reads `"30"` as the integer 30. */
  private readonly strings = new Ajv({ strict: false, allErrors: true, coerceTypes: true });

  private constructor(spec: Record<string, unknown>) {
    const paths = isRecord(spec['paths']) ? spec['paths'] : {};
    this.components = isRecord(spec['components']) ? spec['components'] : {};
    const routes: Route[] = [];
    for (const [template, item] of Object.entries(paths)) {
      if (!isRecord(item)) continue;
      for (const method of METHODS) {
        const op = item[method];
        if (!isRecord(op) || typeof op['operationId'] !== 'string') continue;
        const operation: Operation = { id: op['operationId'], method: method.toUpperCase(), template, spec: op };
        const segments = template
          .split('/')
          .slice(1)
          .map((s): Segment => {
            const m = /^\{([^}]+)\}$/.exec(s);
            return m?.[1] === undefined ? { literal: s } : { param: m[1], multi: this.isMultiSegment(operation, m[1]) };
          });
        routes.push({ operation, segments, literals: segments.filter((s) => 'literal' in s).length });
      }
    }
    // More literal segments first: `/releases/latest` before `/releases/{release_id}`.
    this.routes = routes.sort((a, b) => b.literals - a.literals);
    for (const ajv of [this.bodies, this.strings]) {
      addFormats.default(ajv);
      const uri = ajv.formats['uri'];
      ajv.addFormat('uri', (value: string) => value === '' || (typeof uri === 'function' ? uri(value) : true));
      for (const format of ['int32', 'int64', 'repo.nwo', 'ssh-key', 'ssh-key fingerprint', 'binary', 'uint32', 'uint64']) ajv.addFormat(format, true);
    }
  }

  private static loaded: OpenApiDescription | undefined;

  /** The api.github.com description, read once per process (13 MB of JSON, ~0.3 s). */
  static load(): OpenApiDescription {
    if (OpenApiDescription.loaded === undefined) {
      const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
      const spec: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!isRecord(spec)) throw new Error(`${file}: not an OpenAPI description`);
      OpenApiDescription.loaded = new OpenApiDescription(spec);
    }
    return OpenApiDescription.loaded;
  }

  /** The operation for a request, or undefined when GitHub has no such route. */
  match(method: string, pathname: string): Match | undefined {
    const parts = pathname.split('/').slice(1);
    for (const route of this.routes) {
      if (route.operation.method !== method) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { operation: route.operation, params };
    }
    return undefined;
  }

  /** What GitHub would reject in a request to `match`'s operation (empty when nothing). */
  checkRequest(match: Match, query: URLSearchParams, body: unknown): string[] {
    const problems: string[] = [];
    const { operation } = match;
    const parameters = this.parameters(operation);
    for (const where of ['path', 'query'] as const) {
      // Keys come from the request: a null-prototype table, so `__proto__` is a parameter like any other.
      const values: Record<string, unknown> = Object.create(null);
      if (where === 'path') for (const [k, v] of match.params) values[k] = v;
      else for (const [k, v] of query) values[k] = v;
      const check = this.compiled(`${operation.id} ${where}`, () => parameterSchema(parameters.filter((p) => p['in'] === where)), this.strings);
      problems.push(...describe(check, values, `${where} parameter`));
    }
    const bodySchema = this.bodySchema(operation);
    if (bodySchema === undefined) {
      if (body !== undefined) problems.push(`${operation.id} takes no request body`);
    } else if (body === undefined) {
      if (isRecord(operation.spec['requestBody']) && operation.spec['requestBody']['required'] === true) problems.push('the request body is required');
    } else {
      const check = this.compiled(`${operation.id} body`, () => closeTopLevel(bodySchema), this.bodies);
      problems.push(...describe(check, body, 'body'));
    }
    return problems;
  }

  /** What is wrong with a response GitHub's description does not allow (empty when nothing). */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const responses = isRecord(operation.spec['responses']) ? operation.spec['responses'] : {};
    const documented = this.resolve(responses[String(status)]);
    const anyRoute = ANY_ROUTE.get(status);
    let schema: unknown;
    if (documented !== undefined) schema = jsonSchemaOf(documented);
    else if (anyRoute !== undefined) schema = { $ref: anyRoute };
    else return [`status ${status} is not a documented response of ${operation.id} (documented: ${Object.keys(responses).join(', ')})`];
    if (schema === undefined) return body === undefined ? [] : [`status ${status} of ${operation.id} has no body, but one was sent`];
    const check = this.compiled(`${operation.id} ${status}`, () => schema, this.bodies);
    return describe(check, body, `response ${status}`);
  }

  private isMultiSegment(operation: Operation, name: string): boolean {
    return this.parameters(operation).some((p) => p['name'] === name && p['x-multi-segment'] === true);
  }

  private parameters(operation: Operation): Record<string, unknown>[] {
    const list = Array.isArray(operation.spec['parameters']) ? operation.spec['parameters'] : [];
    return list.map((p) => this.resolve(p)).filter((p) => p !== undefined);
  }

  private bodySchema(operation: Operation): unknown {
    const body = this.resolve(operation.spec['requestBody']);
    return body === undefined ? undefined : jsonSchemaOf(body);
  }

  /** A `$ref` into `#/components/<kind>/<name>` followed, or the object itself. */
  private resolve(value: unknown): Record<string, unknown> | undefined {
    if (!isRecord(value)) return undefined;
    const ref = value['$ref'];
    if (typeof ref !== 'string') return value;
    const [, kind, name] = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) ?? [];
    const table = kind === undefined ? undefined : this.components[kind];
    return isRecord(table) && name !== undefined ? this.resolve(table[name]) : undefined;
  }

  private compiled(key: string, schema: () => unknown, ajv: Ajv): ValidateFunction {
    let check = this.cache.get(key);
    if (check === undefined) {
      const root = convert(schema());
      const definitions: Record<string, unknown> = Object.create(null);
      const schemas = isRecord(this.components['schemas']) ? this.components['schemas'] : {};
      for (let pending = referencedSchemas(root); pending.length > 0; ) {
        const name = pending.pop();
        if (name === undefined || name in definitions) continue;
        const converted = convert(schemas[name]);
        definitions[name] = converted;
        pending.push(...referencedSchemas(converted));
      }
      check = ajv.compile(isRecord(root) ? { ...root, definitions } : {});
      this.cache.set(key, check);
    }
    return check;
  }
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Map<string, string> | undefined {
  const params = new Map<string, string>();
  let i = 0;
  for (const [k, segment] of segments.entries()) {
    if (i >= parts.length) return undefined;
    if ('literal' in segment) {
      if (parts[i] !== segment.literal) return undefined;
      i++;
      continue;
    }
    // A multi-segment parameter (`git/ref/{ref}`: `heads/main`) takes what the segments after it leave.
    const take = segment.multi ? parts.length - i - (segments.length - k - 1) : 1;
    if (take < 1) return undefined;
    const raw = parts.slice(i, i + take).join('/');
    if (raw === '') return undefined;
    try {
      params.set(segment.param, decodeURIComponent(raw));
    } catch {
      return undefined;
    }
    i += take;
  }
  return i === parts.length ? params : undefined;
}

function jsonSchemaOf(container: Record<string, unknown>): unknown {
  const content = container['content'];
  const json = isRecord(content) ? content['application/json'] : undefined;
  return isRecord(json) ? json['schema'] : undefined;
}

function parameterSchema(parameters: readonly Record<string, unknown>[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of parameters) {
    if (typeof p['name'] !== 'string') continue;
    properties[p['name']] = p['schema'] ?? {};
    if (p['required'] === true) required.push(p['name']);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** A top-level object body without `additionalProperties` refuses unknown fields (see the header). */
function closeTopLevel(schema: unknown): unknown {
  if (!isRecord(schema) || schema['type'] !== 'object' || !isRecord(schema['properties']) || 'additionalProperties' in schema) return schema;
  return { ...schema, additionalProperties: false };
}

/** OpenAPI 3.0 schema → JSON Schema draft-07: `nullable`, and component references made local. */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace(/^#\/components\/schemas\//, '#/definitions/');
    // `properties` maps names to schemas: a property may be named like a keyword.
    else if (key === 'properties' && isRecord(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    else out[key] = convert(value);
  }
  if (node['nullable'] !== true) return out;
  if (typeof out['type'] === 'string') {
    const nullable = { ...out, type: [out['type'], 'null'] };
    return Array.isArray(out['enum']) ? { ...nullable, enum: [...out['enum'], null] } : nullable;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function referencedSchemas(node: unknown): string[] {
  const found: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (isRecord(n)) {
      for (const [key, value] of Object.entries(n)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) found.push(value.slice('#/definitions/'.length));
        else walk(value);
      }
    }
  };
  walk(node);
  return found;
}

function describe(check: ValidateFunction, value: unknown, what: string): string[] {
  if (check(value)) return [];
  return (check.errors ?? []).map((e) => `${what}${e.instancePath || ''}: ${explain(e)}`);
}

function explain(e: ErrorObject): string {
  const params: Record<string, unknown> = e.params;
  if (e.keyword === 'additionalProperty' || e.keyword === 'additionalProperties') {
    return `unknown field ${JSON.stringify(params['additionalProperty'])} (GitHub ignores it; the stand-in refuses it as a likely mistake)`;
  }
  if (e.keyword === 'enum') return `${e.message ?? 'not allowed'} ${JSON.stringify(params['allowedValues'])}`;
  return e.message ?? e.keyword;
}
