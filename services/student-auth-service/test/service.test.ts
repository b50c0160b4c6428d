import { verifyToken } from '@kodingcaravan/auth';
import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

const SECRET = 'student-auth-test-secret-123456';

test('issues student tokens that verify with the shared secret', async () => {
  const svc = await startForTest(definition, { AUTH_SECRET: SECRET });
  try {
    expect((await svc.call('POST', '/register', { email: 's@k.io', name: 'S', password: 'password-1' })).status).toBe(201);
    const login = await svc.call('POST', '/login', { email: 's@k.io', password: 'password-1' });
    const token = (login.body as { token: string }).token;
    const verified = verifyToken(token, SECRET);
    expect(verified.ok && verified.claims.role).toBe('student');
  } finally {
    await svc.stop();
  }
});

test('refuses to start without AUTH_SECRET', async () => {
  await expect(startForTest(definition, { AUTH_SECRET: '' })).rejects.toThrow('missing environment variable AUTH_SECRET');
});
