import { describe, expect, test } from 'vitest';
import { hashPassword, verifyPassword } from '../src/password.js';
import { bearerToken, signToken, verifyToken } from '../src/token.js';

const SECRET = 'a-test-secret-of-32-characters!!';
const NOW = Date.UTC(2026, 0, 1);

describe('tokens', () => {
  test('round-trip: a signed token verifies to its claims', () => {
    const token = signToken('user-1', 'trainer', SECRET, { now: NOW, ttlSeconds: 60 });
    expect(verifyToken(token, SECRET, NOW + 1000)).toEqual({ ok: true, claims: { sub: 'user-1', role: 'trainer', iat: NOW / 1000, exp: NOW / 1000 + 60 } });
  });

  test('is a standard HS256 JWT (header and payload readable as base64url JSON)', () => {
    const [header, payload] = signToken('u', 'admin', SECRET, { now: NOW }).split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toMatchObject({ sub: 'u', role: 'admin' });
  });

  const good = signToken('user-1', 'student', SECRET, { now: NOW, ttlSeconds: 60 });
  const [h, p, s] = good.split('.') as [string, string, string];
  const forged = Buffer.from(JSON.stringify({ sub: 'user-1', role: 'admin', iat: NOW / 1000, exp: NOW / 1000 + 60 })).toString('base64url');
  test.each([
    ['expired', good, NOW + 61_000, 'expired'],
    ['wrong secret', signToken('user-1', 'student', 'another-secret-of-enough-length', { now: NOW }), NOW, 'bad-signature'],
    ['payload swapped (role escalation)', `${h}.${forged}.${s}`, NOW, 'bad-signature'],
    ['two parts', `${h}.${p}`, NOW, 'malformed'],
    ['garbage', 'not-a-token', NOW, 'malformed'],
    ['alg none header', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`, NOW, 'malformed'],
  ])('rejects a token: %s', (_, token, now, reason) => {
    expect(verifyToken(token, SECRET, now)).toEqual({ ok: false, reason });
  });

  test('refuses short secrets', () => {
    expect(() => signToken('u', 'student', 'short')).toThrow('at least 16 characters');
  });

  test.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer xyz', 'xyz'],
    ['Basic dXNlcjpw', undefined],
    [undefined, undefined],
    [['Bearer first', 'Bearer second'], 'first'],
  ])('bearerToken(%j)', (header, want) => {
    expect(bearerToken(header)).toBe(want);
  });
});

describe('passwords', () => {
  test('hash then verify; wrong password and tampered hashes fail', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$[\w-]+\$[\w-]+$/);
    expect(await hashPassword('correct horse')).not.toBe(stored);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
    expect(await verifyPassword('correct horse', 'md5$x$y')).toBe(false);
  });
});

describe('the AUTH_SECRET every service that signs or checks tokens reads', () => {
  test('a secret shorter than tokens need stops the service at start-up (it started, and every login failed with 500)', async () => {
    const { AUTH_SECRET_CONFIG, MIN_SECRET_LENGTH } = await import('../src/token.js');
    const { loadConfig } = await import('@kodingcaravan/shared');
    expect(MIN_SECRET_LENGTH).toBe(16);
    expect(() => loadConfig({ AUTH_SECRET: AUTH_SECRET_CONFIG }, { AUTH_SECRET: 'abc' })).toThrow(
      'invalid environment variable AUTH_SECRET=<redacted>: expected a string of at least 16 characters',
    );
    const secret = 's'.repeat(MIN_SECRET_LENGTH);
    expect(loadConfig({ AUTH_SECRET: AUTH_SECRET_CONFIG }, { AUTH_SECRET: secret })).toEqual({ AUTH_SECRET: secret });
    expect(verifyToken(signToken('u1', 'student', secret), secret).ok).toBe(true);
  });
});
