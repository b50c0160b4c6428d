/**
 * The register/login/me routes shared by the student and trainer auth services: one implementation,
 * configured by role, instead of two copies.
 */
import { randomBytes } from 'node:crypto';
import { Collection, HttpError, parseBody, type Request, type Route } from '@kodingcaravan/shared';
import { hashPassword, verifyPassword } from './password.js';
import { bearerToken, type Claims, type Role, signToken, verifyToken } from './token.js';

interface Account {
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}

const REGISTER = { email: { kind: 'email' }, name: { kind: 'string', max: 200 }, password: { kind: 'string', min: 8, max: 200 } } as const;
const LOGIN = { email: { kind: 'email' }, password: { kind: 'string', max: 200 } } as const;

/** Verifies the bearer token of `req` and that its role is allowed; 401/403 otherwise. */
export function authenticate(req: Request, secret: string, allowed?: readonly Role[]): Claims {
  const token = bearerToken(req.headers.authorization);
  if (!token) throw new HttpError(401, 'missing bearer token');
  const result = verifyToken(token, secret);
  if (!result.ok) throw new HttpError(401, `invalid token: ${result.reason}`);
  if (allowed && !allowed.includes(result.claims.role)) throw new HttpError(403, `role ${result.claims.role} may not do this`);
  return result.claims;
}

let noAccount: Promise<string> | undefined;
/** A real scrypt hash of a random password, made once: what a login for an unknown e-mail is checked against. */
const noAccountHash = () => {
  noAccount ??= hashPassword(randomBytes(24).toString('hex'));
  return noAccount;
};

export function createAuthRoutes(role: Role, secret: string, ttlSeconds = 3600): Route[] {
  const accounts = new Collection<Account>(`${role} account`);
  const byEmail = (email: string) => accounts.list((a) => a.email === email)[0];
  return [
    {
      method: 'POST',
      path: '/register',
      access: 'public',
      handler: async (req) => {
        const input = parseBody(REGISTER, req.body);
        if (byEmail(input.email)) throw new HttpError(409, `${input.email} is already registered`);
        const account = accounts.add({ email: input.email, name: input.name, passwordHash: await hashPassword(input.password) });
        return { status: 201, body: { id: account.id, email: account.email, name: account.name, role } };
      },
    },
    {
      method: 'POST',
      path: '/login',
      access: 'public',
      handler: async (req) => {
        const input = parseBody(LOGIN, req.body);
        const account = byEmail(input.email);
        // Same answer for unknown e-mail and wrong password, after the same scrypt work (a hash made once for
        // no account): neither the answer nor its time tells which accounts exist.
        const checked = await verifyPassword(input.password, account?.passwordHash ?? (await noAccountHash()));
        if (!account || !checked) throw new HttpError(401, 'wrong e-mail or password');
        return { status: 200, body: { token: signToken(account.id, role, secret, { ttlSeconds }), role, expiresIn: ttlSeconds } };
      },
    },
    {
      method: 'GET',
      path: '/me',
      // The caller the gateway signed for (it checked the token): the bearer token itself never leaves the gateway.
      roles: [role],
      handler: (_req, caller) => {
        const account = accounts.get(caller.id);
        return { status: 200, body: { id: account.id, email: account.email, name: account.name, role } };
      },
    },
  ];
}
