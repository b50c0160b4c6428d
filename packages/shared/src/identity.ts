/**
 * Who is calling: the gateway verifies the caller's token, then tells the service it forwards to in four
 * headers (`x-user-id`, `x-user-role`, `x-user-expires`, `x-user-signature`). The signature is an HMAC
 * over the identity, the service it is meant for (its audience) and a short expiry, with a key derived
 * from AUTH_SECRET: anything else that can reach a service directly (another container on the compose
 * network, the Docker host through the bridge) cannot name itself someone else, and a header set seen
 * by one service is no good at another or a minute later.
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

/** A key of its own (derived, not AUTH_SECRET itself), so that an identity signature can never pass as a token signature or the reverse. */
function identityKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('kodingcaravan identity headers v1').digest();
}

function mac(secret: string, audience: string, id: string, role: Role, expires: number): string {
  // JSON keeps the fields apart: no value can shift a boundary between two others.
  return createHmac('sha256', identityKey(secret))
    .update(JSON.stringify([audience, id, role, expires]))
    .digest('base64url');
}

/** The headers the gateway adds to a request it forwards to `audience` (a service name) for `identity`. */
export function signIdentity(identity: Identity, audience: string, secret: string, now: number = Date.now()): Record<string, string> {
  const expires = Math.floor(now / 1000) + IDENTITY_TTL_SECONDS;
  return {
    [IDENTITY_HEADERS.id]: identity.id,
    [IDENTITY_HEADERS.role]: identity.role,
    [IDENTITY_HEADERS.expires]: String(expires),
    [IDENTITY_HEADERS.signature]: mac(secret, audience, identity.id, identity.role, expires),
  };
}

export type IdentityResult = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'bad-signature' | 'expired' };

const one = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** Checks the identity headers of a request that reached the service `audience`. */
export function verifyIdentity(headers: unknown, audience: string, secret: string, now: number = Date.now()): IdentityResult {
  if (!isRecord(headers)) return { ok: false, reason: 'missing' };
  const id = one(headers[IDENTITY_HEADERS.id]);
  const role = one(headers[IDENTITY_HEADERS.role]);
  const expires = one(headers[IDENTITY_HEADERS.expires]);
  const signature = one(headers[IDENTITY_HEADERS.signature]);
  if (id === undefined && role === undefined && expires === undefined && signature === undefined) return { ok: false, reason: 'missing' };
  if (id === undefined || signature === undefined || !isRole(role) || expires === undefined || !/^\d{1,12}$/.test(expires)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, audience, id, role, Number(expires)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  if (Number(expires) <= Math.floor(now / 1000)) return { ok: false, reason: 'expired' };
  return { ok: true, identity: { id, role } };
}
