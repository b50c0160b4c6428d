/**
 * Registry authentication as the distribution spec and Docker's clients do it, over plain values:
 * the `WWW-Authenticate` challenge of a 401, and the credentials `docker login` leaves in the Docker
 * config file (`~/.docker/config.json`, or `$DOCKER_CONFIG/config.json`; docker/login-action writes it).
 */
import { isRecord } from '../json.js';

export type Challenge = { readonly scheme: 'bearer'; readonly realm: string; readonly service?: string; readonly scope?: string } | { readonly scheme: 'basic' };

/** `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`; undefined for anything else. */
export function parseChallenge(header: string | null): Challenge | undefined {
  // Stryker disable next-line ConditionalExpression: -> false is equivalent: exec(null) reads "null", a scheme that is neither basic nor bearer; -> true is killed
  if (header === null) return undefined;
  // The scheme, then the end or at least one space (RFC 7235: `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`):
  // `Bearer,realm=…` is no challenge, as Docker's own parser finds no realm in it.
  // Stryker disable next-line Regex: no $ is equivalent with the s flag (.* reaches the end); the other variants are killed
  const match = /^\s*(\w+)(?:\s+(.*))?$/s.exec(header);
  if (!match) return undefined;
  // Stryker disable next-line StringLiteral: equivalent: group 1 (\w+) always takes part in a match
  const scheme = (match[1] ?? '').toLowerCase();
  if (scheme === 'basic') return { scheme: 'basic' };
  if (scheme !== 'bearer') return undefined;
  const params = new Map<string, string>();
  // Stryker disable next-line StringLiteral: equivalent: without group 2 (a scheme alone) any text without a realm parameter gives no challenge
  for (const p of (match[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/g)) {
    // Stryker disable next-line StringLiteral: the two '' after ?? are equivalent (group 1 always matches, and group 2 or 3 does); the '$1' variant is killed by the escaped-quote test
    params.set((p[1] ?? '').toLowerCase(), (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  const realm = params.get('realm');
  // Stryker disable next-line ConditionalExpression: realm === undefined -> false is equivalent (test(undefined) reads "undefined", no URL); the other variants are killed
  if (realm === undefined || !/^https?:\/\//.test(realm) || !URL.canParse(realm)) return undefined;
  const service = params.get('service');
  const scope = params.get('scope');
  return { scheme: 'bearer', realm, ...(service !== undefined ? { service } : {}), ...(scope !== undefined ? { scope } : {}) };
}

export type Credentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** An OAuth refresh token (`identitytoken`): exchanged at the token realm. */
  | { readonly kind: 'identity-token'; readonly token: string }
  /** Kept by a credential helper (`docker-credential-<helper> get`). */
  | { readonly kind: 'helper'; readonly helper: string };

/** The keys `docker login` may have used for `host` (Docker Hub's legacy key aside). */
function keysFor(host: string): string[] {
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}

/**
 * The credentials for `host` in a Docker config file's JSON: a credential helper for that host, an
 * `auths` entry (base64 `user:password`, or an identity token), the default store, or none.
 */
export function credentialsFor(config: unknown, host: string): Credentials | string {
  if (!isRecord(config)) return 'the Docker config file is not a JSON object';
  const helpers = config['credHelpers'];
  if (isRecord(helpers)) {
    const helper = helpers[host];
    if (typeof helper === 'string' && /^[A-Za-z0-9_.-]+$/.test(helper)) return { kind: 'helper', helper };
  }
  const auths = config['auths'];
  if (isRecord(auths)) {
    for (const key of keysFor(host)) {
      const entry = auths[key];
      if (!isRecord(entry)) continue;
      const identity = entry['identitytoken'];
      if (typeof identity === 'string' && identity !== '') return { kind: 'identity-token', token: identity };
      const auth = entry['auth'];
      if (typeof auth === 'string' && auth !== '') {
        const decoded = Buffer.from(auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon <= 0) return `the auths entry for ${host} is not base64 of <user>:<password>`;
        return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
    }
  }
  const store = config['credsStore'];
  if (typeof store === 'string' && /^[A-Za-z0-9_.-]+$/.test(store)) return { kind: 'helper', helper: store };
  return { kind: 'none' };
}

/**
 * The token endpoint's answer: `token` (Docker), else `access_token` (OAuth 2). The token spec accepts
 * either and leaves the choice open when both are given; an empty or non-text `token` does not hide a
 * usable `access_token`.
 */
export function tokenOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  for (const key of ['token', 'access_token']) {
    const token = json[key];
    if (typeof token === 'string' && token !== '') return token;
  }
  return undefined;
}

/** A credential helper's `get` answer: `{"Username": "...", "Secret": "..."}`; `<token>` as user means an identity token. */
export function helperCredentials(json: unknown): Credentials | undefined {
  if (!isRecord(json)) return undefined;
  const { Username, Secret } = json;
  if (typeof Username !== 'string' || typeof Secret !== 'string' || Secret === '') return undefined;
  return Username === '<token>' ? { kind: 'identity-token', token: Secret } : { kind: 'basic', username: Username, password: Secret };
}
