import { startForTest, type TestService } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAuthRoutes } from '../src/routes.js';
import { signToken } from '../src/token.js';

const SECRET = 'routes-test-secret-0123456789';
let svc: TestService;
beforeAll(async () => {
  svc = await startForTest({ manifest: new URL('./fixtures/auth-test/package.json', import.meta.url), routes: () => createAuthRoutes('trainer', SECRET) });
});
afterAll(() => svc.stop());

test('register, log in, and read your own account with the token', async () => {
  const reg = await svc.call('POST', '/register', { email: 'T@x.io', name: 'T', password: 'long-enough' });
  expect(reg).toMatchObject({ status: 201, body: { email: 't@x.io', role: 'trainer' } });
  expect((await svc.call('POST', '/register', { email: 't@x.io', name: 'T2', password: 'long-enough' })).status).toBe(409);

  const bad = await svc.call('POST', '/login', { email: 't@x.io', password: 'wrong-password' });
  const unknown = await svc.call('POST', '/login', { email: 'nobody@x.io', password: 'whatever1' });
  expect(bad).toEqual({ status: 401, body: { error: 'wrong e-mail or password' } });
  expect(unknown).toEqual(bad);

  const login = await svc.call('POST', '/login', { email: 't@x.io', password: 'long-enough' });
  expect(login.status).toBe(200);
  const { token } = login.body as { token: string };
  expect(await svc.call('GET', '/me', undefined, { authorization: `Bearer ${token}` })).toMatchObject({ status: 200, body: { email: 't@x.io', name: 'T' } });
});

test('/me refuses missing tokens, tokens of another role and invalid tokens', async () => {
  expect((await svc.call('GET', '/me')).status).toBe(401);
  const student = signToken('someone', 'student', SECRET);
  expect(await svc.call('GET', '/me', undefined, { authorization: `Bearer ${student}` })).toEqual({ status: 403, body: { error: 'role student may not do this' } });
  expect(await svc.call('GET', '/me', undefined, { authorization: 'Bearer a.b.c' })).toEqual({ status: 401, body: { error: 'invalid token: malformed' } });
});

test('registration validates its input', async () => {
  expect(await svc.call('POST', '/register', { email: 'x@y.z', name: 'n', password: 'short' })).toMatchObject({ status: 400 });
});
