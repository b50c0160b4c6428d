import { describe, expect, test } from 'vitest';
import { IDENTITY_CLOCK_SKEW_SECONDS, IDENTITY_HEADERS, IDENTITY_TTL_SECONDS, type IdentityResult, signIdentity, verifyIdentity } from '../src/identity.js';
import { admit, type Guard } from '../src/policy.js';

const SECRET = 'identity-test-secret-0123456789';
const NOW = Date.parse('2026-05-01T12:00:00Z');
// Signed for one request: the service, the method and the request target (path and query) the gateway forwards.
const FOR = { audience: 'payment-service', method: 'GET', target: '/payments/p1?full=1' } as const;
const signed = signIdentity({ id: 'student-1', role: 'student' }, FOR, SECRET, NOW);
const STUDENT = { ok: true, identity: { id: 'student-1', role: 'student' } } as const;
/** Headers signed (with the real key) for an expiry `seconds` ahead of NOW: what a gateway whose clock runs ahead sends. */
const expiringIn = (seconds: number) => signIdentity({ id: 'student-1', role: 'student' }, FOR, SECRET, NOW + (seconds - IDENTITY_TTL_SECONDS) * 1000);

describe('the identity headers the gateway signs', () => {
  test.each([
    ['as signed', signed, FOR, SECRET, NOW, STUDENT],
    ['just before they expire', signed, FOR, SECRET, NOW + (IDENTITY_TTL_SECONDS - 1) * 1000, STUDENT],
    ['when they expire', signed, FOR, SECRET, NOW + IDENTITY_TTL_SECONDS * 1000, { ok: false, reason: 'expired' }],
    ['at another service (audience)', signed, { ...FOR, audience: 'course-service' }, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['with another method (a GET replayed as a POST)', signed, { ...FOR, method: 'POST' }, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['at another path of the same service', signed, { ...FOR, target: '/payments/p2?full=1' }, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['with another query', signed, { ...FOR, target: '/payments/p1?full=0' }, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['without the query', signed, { ...FOR, target: '/payments/p1' }, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['checked with another secret', signed, FOR, 'another-secret-0123456789', NOW, { ok: false, reason: 'bad-signature' }],
    ['with the role changed', { ...signed, [IDENTITY_HEADERS.role]: 'admin' }, FOR, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['with the user changed', { ...signed, [IDENTITY_HEADERS.id]: 'student-2' }, FOR, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['with the expiry pushed back', { ...signed, [IDENTITY_HEADERS.expires]: '99999999999' }, FOR, SECRET, NOW, { ok: false, reason: 'bad-signature' }],
    ['signed to expire within the TTL and the clock skew', expiringIn(IDENTITY_TTL_SECONDS + IDENTITY_CLOCK_SKEW_SECONDS), FOR, SECRET, NOW, STUDENT],
    [
      'signed to expire further ahead than the TTL and the clock skew',
      expiringIn(IDENTITY_TTL_SECONDS + IDENTITY_CLOCK_SKEW_SECONDS + 1),
      FOR,
      SECRET,
      NOW,
      { ok: false, reason: 'too-far-ahead' },
    ],
    ['with an unknown role', { ...signed, [IDENTITY_HEADERS.role]: 'root' }, FOR, SECRET, NOW, { ok: false, reason: 'malformed' }],
    ['without a signature (plain x-user-id / x-user-role)', { 'x-user-id': 'admin-1', 'x-user-role': 'admin' }, FOR, SECRET, NOW, { ok: false, reason: 'malformed' }],
    ['with no identity header at all', { accept: 'application/json' }, FOR, SECRET, NOW, { ok: false, reason: 'missing' }],
    ['with an expiry that is no number', { ...signed, [IDENTITY_HEADERS.expires]: '1e9' }, FOR, SECRET, NOW, { ok: false, reason: 'malformed' }],
    ['with a header given twice (an array)', { ...signed, [IDENTITY_HEADERS.id]: ['student-1', 'admin-1'] }, FOR, SECRET, NOW, { ok: false, reason: 'malformed' }],
  ] as const)('%s', (_label, headers, destination, secret, now, want) => {
    expect(verifyIdentity(headers, destination, secret, now)).toEqual(want);
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
        admit(guard, result, 'GET /things/:id', 'thing-service').assertAccess(owner, 'thing 1');
        return 200;
      } catch (err) {
        return err instanceof Error && 'status' in err ? err.status : 500;
      }
    })();
    expect(outcome).toBe(status);
  });

  test('the refusals say who may, and how to call', () => {
    expect(() => admit(studentsAndAdmins, ok('t', 'trainer'), 'GET /things/:id', 'thing-service')).toThrow('role trainer may not call GET /things/:id; allowed: student, admin');
    expect(() => admit(studentsAndAdmins, { ok: false, reason: 'missing' }, 'GET /things/:id', 'thing-service')).toThrow(
      'no caller identity: call GET /things/:id through the api-gateway with a bearer token',
    );
    expect(() => admit(studentsAndAdmins, ok('other', 'student'), 'GET /things/:id', 'thing-service').assertAccess('owner', 'thing 1')).toThrow(
      'thing 1 belongs to another user; only its owner or admin may use it',
    );
    // Signed, but not for this service and request with this key: a gateway whose UPSTREAMS names the service
    // otherwise, or whose AUTH_SECRET differs, sent it; "call it through the api-gateway" would mislead.
    expect(() => admit(studentsAndAdmins, { ok: false, reason: 'bad-signature' }, 'GET /things/:id', 'thing-service')).toThrow(
      'caller identity headers not signed for thing-service and this request (GET /things/:id) with this AUTH_SECRET: the api-gateway must forward the request to this service under the name thing-service in its UPSTREAMS, and both need the same AUTH_SECRET',
    );
    expect(() => admit(studentsAndAdmins, { ok: false, reason: 'too-far-ahead' }, 'GET /things/:id', 'thing-service')).toThrow(
      `caller identity headers expire more than ${IDENTITY_TTL_SECONDS + IDENTITY_CLOCK_SKEW_SECONDS} s ahead of this service's clock: synchronise the clocks of the api-gateway and thing-service`,
    );
  });
});
