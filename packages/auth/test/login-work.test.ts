/**
 * A login for an e-mail that has no account does the same password work as one with a wrong password, so
 * that the answer's time does not tell which e-mails have accounts (it skipped scrypt: ~2 ms against ~40 ms
 * here). Asserted by the work done, not by timing: the password module is wrapped to count verifications.
 */
import { startForTest, type TestService } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import * as password from '../src/password.js';
import { createAuthRoutes } from '../src/routes.js';

vi.mock('../src/password.js', async (original) => {
  const real = await original<typeof import('../src/password.js')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

let svc: TestService;
beforeAll(async () => {
  svc = await startForTest({ manifest: new URL('./fixtures/auth-test/package.json', import.meta.url), routes: () => createAuthRoutes('student', 'login-work-secret-0123456789') });
  expect((await svc.call('POST', '/register', { email: 'known@x.io', name: 'K', password: 'long-enough' })).status).toBe(201);
});
afterAll(() => svc.stop());

test('an unknown e-mail and a wrong password: the same answer after the same scrypt verification', async () => {
  const verify = vi.mocked(password.verifyPassword);
  verify.mockClear();
  const wrong = await svc.call('POST', '/login', { email: 'known@x.io', password: 'wrong-password' });
  const unknown = await svc.call('POST', '/login', { email: 'nobody@x.io', password: 'wrong-password' });
  expect(wrong).toEqual({ status: 401, body: { error: 'wrong e-mail or password' } });
  expect(unknown).toEqual(wrong);
  expect(verify).toHaveBeenCalledTimes(2);
  // The unknown e-mail is checked against a real scrypt hash, not a string that fails at once.
  expect(verify.mock.calls[1]?.[1]).toMatch(/^scrypt\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
});
