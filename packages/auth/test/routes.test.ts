import { startForTest, type TestService } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAuthRoutes } from '../src/routes.js';
import { signToken, verifyToken } from '../src/token.js';

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
  const verified = verifyToken(token, SECRET);
  if (!verified.ok) throw new Error(`the login token does not verify: ${verified.reason}`);
  // The gateway checks the token and forwards the caller it names (signed identity headers).
  const me = { id: verified.claims.sub, role: verified.claims.role };
  expect(await svc.callAs(me, 'GET', '/me')).toMatchObject({ status: 200, body: { email: 't@x.io', name: 'T' } });
});

test("/me answers only a caller the gateway signed for, of this service's role: a bearer token alone is not enough", async () => {
  expect((await svc.call('GET', '/me')).status).toBe(401);
  const token = signToken('someone', 'trainer', SECRET);
  expect((await svc.call('GET', '/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
  expect(await svc.callAs({ id: 'someone', role: 'student' }, 'GET', '/me')).toEqual({ status: 403, body: { error: 'role student may not call GET /me; allowed: trainer' } });
  expect(await svc.callAs({ id: 'no-such-account', role: 'trainer' }, 'GET', '/me')).toEqual({ status: 404, body: { error: 'trainer account no-such-account not found' } });
});

test('registration validates its input', async () => {
  expect(await svc.call('POST', '/register', { email: 'x@y.z', name: 'n', password: 'short' })).toMatchObject({ status: 400 });
});
