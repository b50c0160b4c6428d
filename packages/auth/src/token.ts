/**
 * Compact HS256 tokens (the JWT format) on node:crypto: no dependency, constant-time comparison,
 * and a closed set of failure reasons instead of exceptions.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord, isRole, MIN_SECRET_LENGTH, type Role } from '@kodingcaravan/shared';

// The roles and the secret's setting are the service kit's (one list for tokens and the per-route policy).
export { AUTH_SECRET_CONFIG, MIN_SECRET_LENGTH, ROLES, type Role } from '@kodingcaravan/shared';

export interface Claims {
  readonly sub: string;
  readonly role: Role;
  readonly iat: number;
  readonly exp: number;
}

export type VerifyResult = { readonly ok: true; readonly claims: Claims } | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

export function signToken(subject: string, role: Role, secret: string, options: { ttlSeconds?: number; now?: number } = {}): string {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`token secret must be at least ${MIN_SECRET_LENGTH} characters`);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: Claims = { sub: subject, role, iat, exp: iat + (options.ttlSeconds ?? 3600) };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${sign(body, secret)}`;
}

function isClaims(value: unknown): value is Claims {
  return isRecord(value) && typeof value['sub'] === 'string' && typeof value['iat'] === 'number' && typeof value['exp'] === 'number' && isRole(value['role']);
}

export function verifyToken(token: string, secret: string, now: number = Date.now()): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${header}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (claims.exp <= Math.floor(now / 1000)) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or of another scheme. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
