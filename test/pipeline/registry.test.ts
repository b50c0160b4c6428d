// The registry client (scripts/io/registry.ts) against a real HTTP server on 127.0.0.1: what each
// answer of a registry becomes, the malformed ones included. No container engine, no registry image.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { MANIFEST_TYPES, RegistryError, registryClient } from '../../scripts/io/registry.js';
import { rejectionMessage } from '../support/rejection.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const CHILD_1 = `sha256:${'b'.repeat(64)}`;
const CHILD_2 = `sha256:${'c'.repeat(64)}`;

interface Answer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}
/** `METHOD path` -> the answer; a path with no answer gets 404, `hang` never gets one. */
let answers: Record<string, Answer | 'hang'> = {};
let seen: { method: string; url: string; accept: string | undefined }[] = [];

let server: Server;
let base: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', accept: req.headers.accept });
  const answer = answers[`${req.method} ${req.url}`];
  if (answer === 'hang') return;
  if (answer === undefined) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    return;
  }
  res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  answers = {};
  seen = [];
});

const json = (value: unknown, headers: Record<string, string> = {}): Answer => ({
  status: 200,
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/json', ...headers },
});

const failure = (promise: Promise<unknown>) => rejectionMessage(promise, RegistryError);

describe('ping', () => {
  test.each<[string, Answer | undefined, boolean]>([
    ['200', { status: 200, body: '{}' }, true],
    ['401 (a registry that wants a login)', { status: 401 }, false],
    ['500', { status: 500, body: 'down' }, false],
    ['no /v2/ at all (404)', undefined, false],
  ])('%s -> %s', async (_, answer, up) => {
    if (answer) answers['GET /v2/'] = answer;
    expect(await registryClient(base).ping()).toBe(up);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v2/']);
  });

  test('nothing listening: false, not an error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address: AddressInfo | string | null = closed.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await registryClient(`http://127.0.0.1:${address.port}`).ping()).toBe(false);
  });
});

describe('tags', () => {
  test.each<[string, Answer | undefined, string[]]>([
    ['sorted', json({ name: 'acme/api', tags: ['sha-1', 'main', 'b'] }), ['b', 'main', 'sha-1']],
    ['null tags (every tag deleted)', json({ name: 'acme/api', tags: null }), []],
    ['no such repository (404)', undefined, []],
  ])('%s', async (_, answer, tags) => {
    if (answer) answers['GET /v2/acme/api/tags/list'] = answer;
    expect(await registryClient(base).tags('acme/api')).toEqual(tags);
  });

  test.each<[string, Answer, string]>([
    // Bodies are quoted (a hostile body cannot add a line) and cut at 200 characters.
    ['HTTP 500', { status: 500, body: 'internal error' }, 'GET {url}: HTTP 500 "internal error"'],
    ['an HTML page', { status: 200, body: '<html><body>proxy login</body></html>' }, 'GET {url}: not JSON: "<html><body>proxy login</body></html>"'],
    [
      'JSON of another shape',
      json({ name: 'acme/api', tags: [1, 2] }),
      `GET {url}: expected {"name":..., "tags":[...]}, got ${JSON.stringify('{"name":"acme/api","tags":[1,2]}')}`,
    ],
    ['JSON without tags', json({ name: 'acme/api' }), `GET {url}: expected {"name":..., "tags":[...]}, got ${JSON.stringify('{"name":"acme/api"}')}`],
    ['a long error body, cut at 200 characters', { status: 502, body: 'x'.repeat(500) }, `GET {url}: HTTP 502 "${'x'.repeat(200)}…"`],
  ])('%s is a RegistryError naming the URL', async (_, answer, message) => {
    answers['GET /v2/acme/api/tags/list'] = answer;
    expect(await failure(registryClient(base).tags('acme/api'))).toBe(message.replace('{url}', `${base}/v2/acme/api/tags/list`));
  });

  test('a registry that does not answer in time: a RegistryError, after the bound', async () => {
    answers['GET /v2/acme/api/tags/list'] = 'hang';
    const started = Date.now();
    const message = await failure(registryClient(base, { timeoutMs: 150 }).tags('acme/api'));
    expect(message).toBe(`GET ${base}/v2/acme/api/tags/list: no answer within 0.15 s`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('trailing slashes of the base URL are dropped', async () => {
    answers['GET /v2/acme/api/tags/list'] = json({ name: 'acme/api', tags: ['a'] });
    expect(await registryClient(`${base}//`).tags('acme/api')).toEqual(['a']);
    expect(seen.map((r) => r.url)).toEqual(['/v2/acme/api/tags/list']);
  });
});

const digestOf = (body: string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

describe('manifestDigest: computed from the body (the distribution spec makes the header optional)', () => {
  const path = '/v2/acme/api/manifests/main';
  const body = JSON.stringify({ mediaType: MANIFEST_TYPES[1], config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: CHILD_1 }, layers: [] });

  test('GET accepting every manifest kind; the header is not trusted', async () => {
    answers[`GET ${path}`] = { status: 200, body, headers: { 'content-type': MANIFEST_TYPES[1], 'docker-content-digest': DIGEST } };
    expect(await registryClient(base).manifestDigest('acme/api', 'main')).toBe(digestOf(body));
    expect(seen).toEqual([{ method: 'GET', url: path, accept: MANIFEST_TYPES.join(', ') }]);
  });

  test('no such manifest (404): undefined', async () => {
    expect(await registryClient(base).manifestDigest('acme/api', 'main')).toBeUndefined();
  });

  test('asked by digest, a body of another digest is a RegistryError', async () => {
    answers[`GET /v2/acme/api/manifests/${DIGEST}`] = { status: 200, body, headers: { 'content-type': MANIFEST_TYPES[1] } };
    expect(await failure(registryClient(base).manifestDigest('acme/api', DIGEST))).toBe(
      `GET ${base}/v2/acme/api/manifests/${DIGEST}: the body's digest is ${digestOf(body)}, not the one asked for`,
    );
  });

  test('HTTP 500 is a RegistryError', async () => {
    answers[`GET ${path}`] = { status: 500 };
    expect(await failure(registryClient(base).manifestDigest('acme/api', 'main'))).toBe(`GET ${base}${path}: HTTP 500 ""`);
  });
});

describe('manifest', () => {
  const path = '/v2/acme/api/manifests/sha-1';
  const entry = (digest: string) => ({ mediaType: MANIFEST_TYPES[1], digest });
  const index = { mediaType: MANIFEST_TYPES[0], manifests: [entry(CHILD_1), entry(CHILD_2)] };
  const image = { mediaType: MANIFEST_TYPES[1], config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: CHILD_1 }, layers: [] };

  test.each<[string, unknown, Record<string, string>, { mediaType: string; children: string[] }]>([
    ['an index: the digests it lists', index, {}, { mediaType: MANIFEST_TYPES[0], children: [CHILD_1, CHILD_2] }],
    ['an image manifest: no children', image, {}, { mediaType: MANIFEST_TYPES[1], children: [] }],
    ['no mediaType in the body: the Content-Type', { manifests: [entry(CHILD_1)] }, { 'content-type': MANIFEST_TYPES[2] }, { mediaType: MANIFEST_TYPES[2], children: [CHILD_1] }],
  ])('%s', async (_, value, headers, summary) => {
    answers[`GET ${path}`] = json(value, headers);
    expect(await registryClient(base).manifest('acme/api', 'sha-1')).toEqual({ digest: digestOf(JSON.stringify(value)), ...summary });
  });

  test('no such manifest (404): undefined', async () => {
    expect(await registryClient(base).manifest('acme/api', 'sha-1')).toBeUndefined();
  });

  test.each<[string, Answer, string]>([
    ['a JSON array', json([1]), 'GET {url}: not a JSON object'],
    ['JSON null', json(null), 'GET {url}: not a JSON object'],
    ['an HTML page', { status: 200, body: '<html>' }, 'GET {url}: not JSON: "<html>"'],
    ['HTTP 500', { status: 500, body: 'no' }, 'GET {url}: HTTP 500 "no"'],
    [
      'an index entry without a digest',
      json({ mediaType: MANIFEST_TYPES[0], manifests: [{ mediaType: MANIFEST_TYPES[1] }] }),
      `GET {url}: an index entry without a mediaType and a sha256 digest: {"mediaType":"${MANIFEST_TYPES[1]}"}`,
    ],
  ])('%s is a RegistryError', async (_, answer, message) => {
    answers[`GET ${path}`] = answer;
    expect(await failure(registryClient(base).manifest('acme/api', 'sha-1'))).toBe(message.replace('{url}', `${base}${path}`));
  });
});
