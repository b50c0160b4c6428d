/**
 * The access policy every route declares, checked by the kit before its handler runs:
 * - `access: 'public'`: anyone (login and register, the gateway's own proxy);
 * - `roles` (and `anyRecord`): only a caller whose gateway-signed identity (identity.ts) carries one of
 *   `roles`; the handler gets that caller. A record that has an owner takes it from the caller
 *   (never from the body), and a read or change of another's record is refused (403) unless the caller's
 *   role is in `anyRecord` (e.g. admin).
 */
import { HttpError } from './http-error.js';
import type { Identity, IdentityResult, Role } from './identity.js';

export interface Guard {
  /** The roles that may call the route at all. */
  readonly roles: readonly Role[];
  /** The roles that may read or change records of others through it; everyone else only their own. */
  readonly anyRecord?: readonly Role[];
}

export interface Caller extends Identity {
  /** Whether the route lets this caller's role read or change any record (its `anyRecord`): lists are not cut to its own. */
  readonly anyRecord: boolean;
  /** Whether this caller may read or change a record owned by `owner`: its own, or any when the route allows its role. */
  mayAccess(owner: string): boolean;
  /** Throws 403 naming `record` unless `mayAccess(owner)`. */
  assertAccess(owner: string, record: string): void;
}

const REASONS: Readonly<Record<Exclude<IdentityResult, { ok: true }>['reason'], string>> = {
  missing: 'no caller identity',
  malformed: 'malformed caller identity headers',
  'bad-signature': 'caller identity headers not signed by the api-gateway',
  expired: 'caller identity headers expired',
};

/** The caller of a guarded route, or the 401/403 that refuses it; `route` names the route in the message. */
export function admit(guard: Guard, result: IdentityResult, route: string): Caller {
  if (!result.ok) throw new HttpError(401, `${REASONS[result.reason]}: call ${route} through the api-gateway with a bearer token`);
  const { id, role } = result.identity;
  if (!guard.roles.includes(role)) throw new HttpError(403, `role ${role} may not call ${route}; allowed: ${guard.roles.join(', ')}`);
  const anyRecord = guard.anyRecord ?? [];
  const mayAccessAny = anyRecord.includes(role);
  const mayAccess = (owner: string) => owner === id || mayAccessAny;
  return {
    id,
    role,
    anyRecord: mayAccessAny,
    mayAccess,
    assertAccess: (owner, record) => {
      if (!mayAccess(owner)) {
        const who = anyRecord.length > 0 ? `its owner or ${anyRecord.join(', ')}` : 'its owner';
        throw new HttpError(403, `${record} belongs to another user; only ${who} may use it`);
      }
    },
  };
}
