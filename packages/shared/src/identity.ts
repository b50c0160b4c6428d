/**
 * Who is calling: the gateway verifies the caller's token, then tells the service it forwards to in four
 * headers (`x-user-id`, `x-user-role`, `x-user-expires`, `x-user-signature`). The signature is an HMAC
 * over the identity, the request it is meant for (the service's name, the method and the request target:
 * path and query as the service receives them) and a short expiry, with a key derived from AUTH_SECRET:
 * anything else that can reach a service directly (another container on the compose network, the Docker
 * host through the bridge) cannot name itself someone else, and a header set seen on the network is no
 * good at another service, for another method, path or query, or a minute later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConfigSpec } from './config.js';
import { isRecord } from './json.js';

export type Role = 'student' | 'trainer' | 'admin';
export const ROLES: readonly Role[] = ['student', 'trainer', 'admin'];

export function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value);
}

/** HS256 with a shorter key is guessable; every service refuses one at start-up. */
export const MIN_SECRET_LENGTH = 16;

/** AUTH_SECRET: the gateway and the auth services sign tokens with it, every service checks the gateway's identity headers with a key derived from it. */
export const AUTH_SECRET_CONFIG = { kind: 'string', secret: true, minLength: MIN_SECRET_LENGTH } as const satisfies ConfigSpec;

export interface Identity {
  readonly id: string;
  readonly role: Role;
}

export const IDENTITY_HEADERS = { id: 'x-user-id', role: 'x-user-role', expires: 'x-user-expires', signature: 'x-user-signature' } as const;

/** How long a signed identity is good for: one forwarded request, with room for a slow upstream. */
export const IDENTITY_TTL_SECONDS = 60;

/**
 * How far the gateway's clock may run ahead of a service's: an expiry further ahead than the TTL and this
 * was not signed for one request now (a key holder minting long-lived headers, or clocks that disagree).
 */
export const IDENTITY_CLOCK_SKEW_SECONDS = 5;

/** The one request a header set is signed for: the service (audience), the method and the request target (`/path?query`). */
export interface IdentityDestination {
  readonly audience: string;
  readonly method: string;
  readonly target: string;
}

/** A key of its own (derived, not AUTH_SECRET itself), so that an identity signature can never pass as a token signature or the reverse. */
function identityKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('kodingcaravan identity headers v1').digest();
}

function mac(secret: string, to: IdentityDestination, id: string, role: Role, expires: number): string {
  // JSON keeps the fields apart: no value can shift a boundary between two others.
  return createHmac('sha256', identityKey(secret))
    .update(JSON.stringify([to.audience, to.method, to.target, id, role, expires]))
    .digest('base64url');
}

/**
 * The headers the gateway adds to the one request it forwards `to` a service for `identity`: `to.target`
 * must be the request target exactly as it goes out (the forwarded URL's pathname and search).
 */
export function signIdentity(identity: Identity, to: IdentityDestination, secret: string, now: number = Date.now()): Record<string, string> {
  const expires = Math.floor(now / 1000) + IDENTITY_TTL_SECONDS;
  return {
    [IDENTITY_HEADERS.id]: identity.id,
    [IDENTITY_HEADERS.role]: identity.role,
    [IDENTITY_HEADERS.expires]: String(expires),
    [IDENTITY_HEADERS.signature]: mac(secret, to, identity.id, identity.role, expires),
  };
}

export type IdentityResult =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'too-far-ahead' };

const one = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** Checks the identity headers of a request that reached the service `at.audience` with `at.method` and the request target `at.target`. */
export function verifyIdentity(headers: unknown, at: IdentityDestination, secret: string, now: number = Date.now()): IdentityResult {
  if (!isRecord(headers)) return { ok: false, reason: 'missing' };
  const id = one(headers[IDENTITY_HEADERS.id]);
  const role = one(headers[IDENTITY_HEADERS.role]);
  const expires = one(headers[IDENTITY_HEADERS.expires]);
  const signature = one(headers[IDENTITY_HEADERS.signature]);
  if (id === undefined && role === undefined && expires === undefined && signature === undefined) return { ok: false, reason: 'missing' };
  if (id === undefined || signature === undefined || !isRole(role) || expires === undefined || !/^\d{1,12}$/.test(expires)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, at, id, role, Number(expires)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  const seconds = Math.floor(now / 1000);
  if (Number(expires) <= seconds) return { ok: false, reason: 'expired' };
  if (Number(expires) > seconds + IDENTITY_TTL_SECONDS + IDENTITY_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'too-far-ahead' };
  return { ok: true, identity: { id, role } };
}
