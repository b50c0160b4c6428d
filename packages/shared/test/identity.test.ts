import { describe, expect, test } from 'vitest';
import { IDENTITY_HEADERS, IDENTITY_TTL_SECONDS, type IdentityResult, signIdentity, verifyIdentity } from '../src/identity.js';
import { admit, type Guard } from '../src/policy.js';

const SECRET = 'identity-test-secret-0123456789';
const NOW = Date.parse('2026-05-01T12:00:00Z');
const signed = signIdentity({ id: 'student-1', role: 'student' }, 'payment-service', SECRET, NOW);

describe('the identity headers the gateway signs', () => {
  test.each([
    ['as signed', signed, 'payment-service', SECRET, NOW, { ok: true, identity: { id: 'student-1', role: 'student' } }],
    ['just before they expire', signed, 'payment-service', SECRET, NOW + (IDENTITY_TTL_SECONDS - 1) * 1000, { ok: true, identity: { id: 'student-1', role: 'student' } }],
    ['when they expire', signed, 'payment-service', SECRET, NOW + IDENTITY_TTL_SECONDS * 1000, { ok: false, reason: 'expired' }],
    ['at another service (audience)', signed, 'course-service', SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['checked with another secret', signed, 'payment-service', 'another-secret-0123456789', NOW, { ok: false, reason: 'bad-signature' }],
    ['with the role changed', { ...signed, [IDENTITY_HEADERS.role]: 'admin' }, 'payment-service', SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['with the user changed', { ...signed, [IDENTITY_HEADERS.id]: 'student-2' }, 'payment-service', SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['with the expiry pushed back', { ...signed, [IDENTITY_HEADERS.expires]: '99999999999' }, 'payment-service', SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['with an unknown role', { ...signed, [IDENTITY_HEADERS.role]: 'root' }, 'payment-service', SECRET, NOW, { ok: false, reason: 'malformed' }],
    ['without a signature (plain x-user-id / x-user-role)', { 'x-user-id': 'admin-1', 'x-user-role': 'admin' }, 'payment-service', SECRET, NOW, { ok: false, reason: 'malformed' }],
    ['with no identity header at all', { accept: 'application/json' }, 'payment-service', SECRET, NOW, { ok: false, reason: 'missing' }],
    ['with an expiry that is no number', { ...signed, [IDENTITY_HEADERS.expires]: '1e9' }, 'payment-service', SECRET, NOW, { ok: false, reason: 'malformed' }],
    ['with a header given twice (an array)', { ...signed, [IDENTITY_HEADERS.id]: ['student-1', 'admin-1'] }, 'payment-service', SECRET, NOW, { ok: false, reason: 'malformed' }],
  ] as const)('%s', (_label, headers, audience, secret, now, want) => {
    expect(verifyIdentity(headers, audience, secret, now)).toEqual(want);
  });
});

describe('admit: the per-route policy, role × owner', () => {
  const ok = (id: string, role: 'student' | 'trainer' | 'admin'): IdentityResult => ({ ok: true, identity: { id, role } });
  const studentsAndAdmins: Guard = { roles: ['student', 'admin'], anyRecord: ['admin'] };
  test.each([
    ['no identity', studentsAndAdmins, { ok: false, reason: 'missing' } as const, 'owner', 401],
    ['forged identity', studentsAndAdmins, { ok: false, reason: 'bad-signature' } as const, 'owner', 401],
    ['a role the route does not allow', studentsAndAdmins, ok('t', 'trainer'), 't', 403],
    ['the owner', studentsAndAdmins, ok('owner', 'student'), 'owner', 200],
    ['another student', studentsAndAdmins, ok('other', 'student'), 'owner', 403],
    ['an admin (anyRecord)', studentsAndAdmins, ok('boss', 'admin'), 'owner', 200],
    ['an admin where the route lets nobody use others’ records', { roles: ['student', 'admin'] }, ok('boss', 'admin'), 'owner', 403],
  ] as const)('%s', (_label, guard, result, owner, status) => {
    const outcome = (() => {
      try {
        admit(guard, result, 'GET /things/:id').assertAccess(owner, 'thing 1');
        return 200;
      } catch (err) {
        return err instanceof Error && 'status' in err ? err.status : 500;
      }
    })();
    expect(outcome).toBe(status);
  });

  test('the refusals say who may, and how to call', () => {
    expect(() => admit(studentsAndAdmins, ok('t', 'trainer'), 'GET /things/:id')).toThrow('role trainer may not call GET /things/:id; allowed: student, admin');
    expect(() => admit(studentsAndAdmins, { ok: false, reason: 'missing' }, 'GET /things/:id')).toThrow(
      'no caller identity: call GET /things/:id through the api-gateway with a bearer token',
    );
    expect(() => admit(studentsAndAdmins, ok('other', 'student'), 'GET /things/:id').assertAccess('owner', 'thing 1')).toThrow(
      'thing 1 belongs to another user; only its owner or admin may use it',
    );
  });
});
