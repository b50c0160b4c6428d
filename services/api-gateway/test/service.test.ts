import { createAuthRoutes, signToken } from '@kodingcaravan/auth';
import { startForTest, type TestService } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition } from '../src/service.js';
import { parseUpstreams } from '../src/upstreams.js';

const SECRET = 'gateway-test-secret-0123456789';
const fixture = new URL('./fixtures/upstream/package.json', import.meta.url);

// Real upstreams over HTTP, built from the same kit and auth library the real services use
// (a service never imports another service's code, not even in tests).
let auth: TestService;
let echo: TestService;
let gateway: TestService;
beforeAll(async () => {
  auth = await startForTest({ manifest: fixture, routes: () => createAuthRoutes('student', SECRET) });
  echo = await startForTest({
    manifest: fixture,
    routes: () => [
      {
        method: 'POST',
        path: '/things/:id',
        handler: (req) => ({
          status: 200,
          body: { id: req.params['id'], q: req.query.get('q'), body: req.body, user: req.headers['x-user-id'], role: req.headers['x-user-role'] },
        }),
      },
    ],
  });
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
  expect(((await gateway.call('GET', '/routes')).body as Record<string, string>)['echo-service']).toBe(echo.url);
});

describe('parseUpstreams', () => {
  test('parses name=url pairs', () => {
    expect([...parseUpstreams(' a=http://a:1/ , b-2=https://b.example:443')]).toEqual([
      ['a', 'http://a:1'],
      ['b-2', 'https://b.example:443'],
    ]);
  });
  test.each(['a', '=http://a:1', 'A=http://a:1', 'a=ftp://a', 'a=http://a:1/path'])('rejects %j naming UPSTREAMS', (raw) => {
    expect(() => parseUpstreams(raw)).toThrow(/^invalid UPSTREAMS entry/);
  });
});
