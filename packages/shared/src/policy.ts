/**
 * The access policy every route declares, checked by the kit before its handler runs:
 * - `access: 'public'`: anyone (login and register, the gateway's own proxy);
 * - `roles` (and `anyRecord`): only a caller whose gateway-signed identity (identity.ts) carries one of
 *   `roles`; the handler gets that caller. A record that has an owner takes it from the caller
 *   (never from the body), and a read or change of another's record is refused (403) unless the caller's
 *   role is in `anyRecord` (e.g. admin).
 */
import { HttpError } from './http-error.js';
import { IDENTITY_CLOCK_SKEW_SECONDS, IDENTITY_TTL_SECONDS, type Identity, type IdentityResult, type Role } from './identity.js';

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

type Refusal = Exclude<IdentityResult, { ok: true }>['reason'];

/**
 * Why a request's identity was refused, and the fix. A signature that does not match is most often a
 * request that did come through the gateway, under another name in its UPSTREAMS or with another
 * AUTH_SECRET: "call it through the api-gateway" would send the reader the wrong way.
 */
const REASONS: Readonly<Record<Refusal, (route: string, audience: string) => string>> = {
  missing: (route) => `no caller identity: call ${route} through the api-gateway with a bearer token`,
  malformed: (route) => `malformed caller identity headers: call ${route} through the api-gateway with a bearer token`,
  'bad-signature': (route, audience) =>
    `caller identity headers not signed for ${audience} and this request (${route}) with this AUTH_SECRET: the api-gateway must forward the request to this service under the name ${audience} in its UPSTREAMS, and both need the same AUTH_SECRET`,
  expired: (route) => `caller identity headers expired: call ${route} through the api-gateway with a bearer token`,
  'too-far-ahead': (_route, audience) =>
    `caller identity headers expire more than ${IDENTITY_TTL_SECONDS + IDENTITY_CLOCK_SKEW_SECONDS} s ahead of this service's clock: synchronise the clocks of the api-gateway and ${audience}`,
};

/** The caller of a guarded route, or the 401/403 that refuses it; `route` names the route and `audience` this service in the message. */
export function admit(guard: Guard, result: IdentityResult, route: string, audience: string): Caller {
  if (!result.ok) throw new HttpError(401, REASONS[result.reason](route, audience));
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
