import { createAuthRoutes, signToken } from '@kodingcaravan/auth';
import { startForTest, type TestService } from '@kodingcaravan/shared/testing';
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition } from '../src/service.js';
import { parseUpstreams } from '../src/upstreams.js';

const SECRET = 'gateway-test-secret-0123456789';
// Each upstream under the name the gateway knows it by: the gateway signs the caller's identity for that name.
const fixture = (name: string) => new URL(`./fixtures/${name}/package.json`, import.meta.url);

// Real upstreams over HTTP, built from the same kit and auth library the real services use
// (a service never imports another service's code, not even in tests).
let auth: TestService;
let echo: TestService;
let gateway: TestService;
beforeAll(async () => {
  auth = await startForTest({ manifest: fixture('student-auth-service'), routes: () => createAuthRoutes('student', SECRET) }, { AUTH_SECRET: SECRET });
  echo = await startForTest(
    {
      manifest: fixture('echo-service'),
      routes: () => [
        {
          method: 'POST',
          path: '/things/:id',
          roles: ['student', 'trainer', 'admin'],
          handler: (req, caller) => ({
            status: 200,
            body: { id: req.params['id'], q: req.query.get('q'), body: req.body, user: caller.id, role: caller.role, authorization: req.headers.authorization ?? null },
          }),
        },
      ],
    },
    { AUTH_SECRET: SECRET },
  );
  gateway = await startForTest(definition, {
    AUTH_SECRET: SECRET,
    UPSTREAMS: `student-auth-service=${auth.url},echo-service=${echo.url},down-service=http://127.0.0.1:9`,
  });
});
afterAll(async () => {
  await Promise.all([gateway.stop(), auth.stop(), echo.stop()]);
});

test('login through the gateway needs no token, and its token opens the other routes', async () => {
  expect((await gateway.call('POST', '/api/student-auth-service/register', { email: 'g@k.io', name: 'G', password: 'password-1' })).status).toBe(201);
  const login = await gateway.call('POST', '/api/student-auth-service/login', { email: 'g@k.io', password: 'password-1' });
  const { token } = login.body as { token: string };
  const res = await gateway.call('POST', '/api/echo-service/things/7?q=a%20b', { x: 1 }, { authorization: `Bearer ${token}` });
  expect(res).toMatchObject({ status: 200, body: { id: '7', q: 'a b', body: { x: 1 }, role: 'student' } });
  expect((res.body as { user: string }).user).toMatch(/^[0-9a-f-]{36}$/);
  // The account behind the token, through the gateway's signed identity (the token itself stays at the gateway).
  expect(await gateway.call('GET', '/api/student-auth-service/me', undefined, { authorization: `Bearer ${token}` })).toMatchObject({ status: 200, body: { email: 'g@k.io' } });
});

test("a caller's own identity headers are dropped: the upstream sees the token's user and role, and never the token", async () => {
  const token = signToken('student-7', 'student', SECRET);
  const forged = { 'x-user-id': 'admin-1', 'x-user-role': 'admin', 'x-user-expires': '99999999999', 'x-user-signature': 'forged' };
  const res = await gateway.call('POST', '/api/echo-service/things/1', undefined, { authorization: `Bearer ${token}`, ...forged });
  expect(res).toEqual({ status: 200, body: { id: '1', q: null, user: 'student-7', role: 'student', authorization: null } });
});

test('the identity the gateway signs is good only at the service it was signed for', async () => {
  // The upstream named echo-service in the gateway's table but answering as student-auth-service: its /me refuses.
  const crossed = await startForTest(definition, { AUTH_SECRET: SECRET, UPSTREAMS: `echo-service=${auth.url}` });
  try {
    const answer = await crossed.call('GET', '/api/echo-service/me', undefined, { authorization: `Bearer ${signToken('student-7', 'student', SECRET)}` });
    // It did come through the gateway: the refusal names the audience and the fix, not "call it through the api-gateway".
    expect(answer).toEqual({
      status: 401,
      body: {
        error:
          'caller identity headers not signed for student-auth-service and this request (GET /me) with this AUTH_SECRET: the api-gateway must forward the request to this service under the name student-auth-service in its UPSTREAMS, and both need the same AUTH_SECRET',
      },
    });
  } finally {
    await crossed.stop();
  }
});

test('protected routes refuse missing and forged tokens', async () => {
  expect(await gateway.call('POST', '/api/echo-service/things/1')).toEqual({ status: 401, body: { error: 'missing bearer token' } });
  const forged = signToken('x', 'admin', 'some-other-secret-0123456789');
  expect((await gateway.call('POST', '/api/echo-service/things/1', undefined, { authorization: `Bearer ${forged}` })).status).toBe(401);
});

test('unknown and unreachable services', async () => {
  const token = signToken('u', 'student', SECRET);
  const headers = { authorization: `Bearer ${token}` };
  expect((await gateway.call('GET', '/api/nope/x', undefined, headers)).status).toBe(404);
  expect(await gateway.call('GET', '/api/down-service/x', undefined, headers)).toEqual({ status: 502, body: { error: 'down-service is unreachable' } });
  // The routing table names the public path of each service, never its internal address.
  const routes = (await gateway.call('GET', '/routes')).body;
  expect(routes).toEqual({ 'student-auth-service': '/api/student-auth-service/', 'echo-service': '/api/echo-service/', 'down-service': '/api/down-service/' });
});

describe('upstreams that fail in the middle, and a request fetch cannot send', () => {
  // Raw sockets: one upstream accepts and never answers, one sends its headers and never its body.
  let silent: Server;
  let stalling: Server;
  let slowGateway: TestService;
  const sockets = new Set<Socket>();
  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      }),
    );
  beforeAll(async () => {
    silent = createServer((socket) => sockets.add(socket));
    stalling = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":'));
    });
    const [a, b] = await Promise.all([listen(silent), listen(stalling)]);
    slowGateway = await startForTest(definition, {
      AUTH_SECRET: SECRET,
      UPSTREAMS: `silent-service=http://127.0.0.1:${a},stalling-service=http://127.0.0.1:${b},echo-service=${echo.url}`,
      UPSTREAM_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    await slowGateway.stop();
    for (const socket of sockets) socket.destroy();
    for (const s of [silent, stalling]) s.close();
  });
  const headers = () => ({ authorization: `Bearer ${signToken('u', 'student', SECRET)}` });

  test('an upstream that does not answer within the bound: 504 naming it (502 is for one that cannot be reached)', async () => {
    expect(await slowGateway.call('GET', '/api/silent-service/x', undefined, headers())).toEqual({ status: 504, body: { error: 'silent-service did not answer within 300 ms' } });
  });

  test('an upstream that stops in the middle of its answer: 504 too (it was a 500 "internal error")', async () => {
    expect(await slowGateway.call('GET', '/api/stalling-service/x', undefined, headers())).toEqual({
      status: 504,
      body: { error: 'stalling-service did not finish its answer within 300 ms' },
    });
  });

  test("a GET with a body is the caller's mistake: 400 (it was 502 'unreachable')", async () => {
    // Sent with node:http: fetch itself refuses a GET with a body.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${slowGateway.url}/api/echo-service/things/1`,
        { method: 'GET', headers: { ...headers(), 'content-type': 'application/json', 'content-length': '7' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{"x":1}');
    });
    expect(answer.status, answer.body).toBe(400);
    expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual({ status: 400, body: { error: 'a GET request carries no body' } });
  });
});

describe('parseUpstreams', () => {
  test('parses name=url pairs', () => {
    expect([...parseUpstreams(' a=http://a:1/ , b-2=https://b.example:443')]).toEqual([
      ['a', 'http://a:1'],
      ['b-2', 'https://b.example:443'],
    ]);
  });
  test.each([
    'a',
    '=http://a:1',
    'A=http://a:1',
    'a=ftp://a',
    'a=http://a:1/path',
    // A query, a fragment, user info or a port that is no number: every request would go elsewhere than meant.
    'a=http://host#',
    'a=http://host?q=',
    'a=http://host:port',
    'a=http://user:pw@host:1',
    'a=http://host:99999',
  ])('rejects %j naming UPSTREAMS', (raw) => {
    expect(() => parseUpstreams(raw)).toThrow(/^invalid UPSTREAMS entry/);
  });
});
