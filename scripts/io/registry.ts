/**
 * An OCI distribution registry over its HTTP API (v2), with the authentication registries require: a
 * 401 with a `Bearer` challenge is answered by fetching a token from the named realm (with the job's
 * `docker login` credentials, when there are any), a `Basic` challenge by sending them. Digests are
 * computed from the bytes received, never taken from a header the distribution spec makes optional.
 *
 * `tagDigest` is the pipeline's one registry tag operation (publish, releases, deploys): it PUTs the
 * very bytes of the manifest that the digest names under the tag, so the digest cannot change (unlike
 * `docker buildx imagetools create`, which wraps a single manifest in a new index), then reads the tag
 * back and refuses unless it names that digest.
 */
import { OutsideError } from '../core/errors.js';
import { createHash } from 'node:crypto';
import { parseRegistryDocument, type RegistryDocument, SHA256_DIGEST } from '../core/images/oci.js';
import { isRecord } from '../core/json.js';
import { type Challenge, type Credentials, parseChallenge, tokenOf } from '../core/images/registry-auth.js';

export interface RegistryClient {
  /** `GET /v2/` answers (after authentication): the registry is up. */
  ping(): Promise<boolean>;
  /** `GET /v2/<name>/tags/list`, sorted; [] when the repository does not exist. */
  tags(name: string): Promise<string[]>;
  /** The digest of the manifest `reference` names (computed from its bytes); undefined when there is none. */
  manifestDigest(name: string, reference: string): Promise<string | undefined>;
  /** `GET /v2/<name>/manifests/<reference>`: its digest, media type and, for an index, the digests it lists. */
  manifest(name: string, reference: string): Promise<ManifestSummary | undefined>;
  /** The manifest `reference` names, parsed, with its exact bytes; undefined when there is none. */
  document(name: string, reference: string): Promise<FetchedDocument | undefined>;
  /** A blob that holds JSON (an image config, an attestation), checked against its digest. */
  blobJson(name: string, digest: string): Promise<unknown>;
  /** The one tag operation: see the file's comment. */
  tagDigest(name: string, digest: string, tag: string, policy: TagPolicy): Promise<TagOutcome>;
}

export interface ManifestSummary {
  readonly digest: string;
  readonly mediaType: string;
  /** The manifests an index (manifest list) lists; [] for an image manifest. */
  readonly children: readonly string[];
}

export interface FetchedDocument {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  readonly document: RegistryDocument;
}

/**
 * `move`: the tag may name another digest before (a branch or environment tag).
 * `immutable`: a tag that already names another digest is refused (version and commit tags).
 */
export type TagPolicy = 'move' | 'immutable';

export type TagOutcome =
  | { readonly kind: 'created' }
  | { readonly kind: 'moved'; readonly from: string }
  /** The tag named the digest already: nothing was written. */
  | { readonly kind: 'unchanged' };

/** A registry failed or answered in a way the client does not understand (names the URL and what came back). */
export class RegistryError extends OutsideError {
  override readonly name = 'RegistryError';
}

/** A tag operation refused: an immutable tag names another digest (a conflict for the caller to resolve). */
export class TagConflict extends Error {
  override readonly name = 'TagConflict';
  constructor(
    readonly tag: string,
    readonly existing: string,
    readonly wanted: string,
  ) {
    super(`tag ${tag} already names ${existing}, not ${wanted}; a version or commit tag never moves`);
  }
}

/** Every manifest kind a build can push: OCI index and manifest, Docker schema 2 manifest and list. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

interface TagList {
  readonly name: string;
  readonly tags: readonly string[] | null;
}

export function isTagList(value: unknown): value is TagList {
  if (typeof value !== 'object' || value === null || !('name' in value) || !('tags' in value)) return false;
  const { name, tags } = value;
  return typeof name === 'string' && (tags === null || (Array.isArray(tags) && tags.every((t) => typeof t === 'string')));
}

export const sha256Of = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The registry's root URL for an image host: plain HTTP for the loopback (as Docker treats it), HTTPS otherwise. */
export function registryBaseUrl(host: string): string {
  const name = host.replace(/:\d+$/, '');
  const loopback = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
  return `${loopback ? 'http' : 'https'}://${host}`;
}

export interface RegistryOptions {
  /** Each request's bound, body included. */
  readonly timeoutMs?: number;
  /** Asked once, on the first 401: the credentials for this registry (none: anonymous tokens only). */
  readonly credentials?: () => Promise<Credentials>;
}

const short = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** `base` is the registry's root URL, e.g. `http://127.0.0.1:5000`. */
export function registryClient(base: string, options: RegistryOptions = {}): RegistryClient {
  const root = base.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const url = (path: string) => `${root}${path}`;
  let credentials: Promise<Credentials> | undefined;
  /** Authorization headers by scope (`pull`, `pull,push`), once a challenge was answered. */
  const authorizations = new Map<string, string>();

  const send = async (target: string, init: RequestInit): Promise<{ res: Response; body: Uint8Array }> => {
    const method = init.method ?? 'GET';
    try {
      const res = await fetch(target, { ...init, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
      const body = method === 'HEAD' ? new Uint8Array() : new Uint8Array(await res.arrayBuffer());
      return { res, body };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      const cause = timedOut ? `no answer within ${timeoutMs / 1000} s` : err instanceof Error ? err.message : String(err);
      throw new RegistryError(`${method} ${target}: ${cause}`, { timedOut });
    }
  };

  const basic = (c: Credentials) => (c.kind === 'basic' ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined);

  /** Answers a 401's challenge for `scope`: the Authorization header to retry with. */
  const answer = async (challenge: Challenge, name: string, actions: string): Promise<string> => {
    credentials ??= options.credentials?.() ?? Promise.resolve({ kind: 'none' });
    const creds = await credentials;
    if (challenge.scheme === 'basic') {
      const header = basic(creds);
      if (header === undefined)
        throw new RegistryError(`${root} asks for a user name and password and none is configured; run \`docker login ${new URL(root).host}\` (in CI: docker/login-action)`);
      return header;
    }
    const token = new URL(challenge.realm);
    if (challenge.service !== undefined) token.searchParams.set('service', challenge.service);
    token.searchParams.set('scope', `repository:${name}:${actions}`);
    const headers: Record<string, string> = {};
    const header = basic(creds);
    if (header !== undefined) headers['authorization'] = header;
    let init: RequestInit = { headers };
    if (creds.kind === 'identity-token') {
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: creds.token,
          service: challenge.service ?? '',
          scope: `repository:${name}:${actions}`,
          client_id: 'kodingcaravan-pipeline',
        }).toString(),
      };
    }
    const { res, body } = await send(token.toString(), init);
    const text = new TextDecoder().decode(body);
    if (!res.ok)
      throw new RegistryError(
        `token for repository:${name}:${actions} from ${token.origin}${token.pathname}: HTTP ${res.status} ${short(text)}${res.status === 401 || res.status === 403 ? '; check the registry login and that the token may read (and, to tag, write) packages' : ''}`,
      );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new RegistryError(`token from ${token.origin}${token.pathname}: not JSON: ${short(text)}`);
    }
    const value = tokenOf(json);
    if (value === undefined) throw new RegistryError(`token from ${token.origin}${token.pathname}: no "token" in the answer`);
    return `Bearer ${value}`;
  };

  /** One request to the registry, authenticated on demand; `actions` is the scope it needs. */
  const request = async (name: string, path: string, init: RequestInit, actions: string): Promise<{ res: Response; body: Uint8Array }> => {
    const withAuth = (auth: string | undefined): RequestInit => ({
      ...init,
      headers: { ...Object.fromEntries(new Headers(init.headers)), ...(auth ? { authorization: auth } : {}) },
    });
    let got = await send(url(path), withAuth(authorizations.get(actions)));
    if (got.res.status === 401) {
      const challenge = parseChallenge(got.res.headers.get('www-authenticate'));
      if (challenge === undefined) throw new RegistryError(`${init.method ?? 'GET'} ${url(path)}: HTTP 401 without a Bearer or Basic challenge`);
      const auth = await answer(challenge, name, actions);
      authorizations.set(actions, auth);
      got = await send(url(path), withAuth(auth));
      if (got.res.status === 401 || got.res.status === 403) {
        throw new RegistryError(
          `${init.method ?? 'GET'} ${url(path)}: HTTP ${got.res.status} after authenticating; the login may not ${actions.includes('push') ? 'write' : 'read'} ${name}`,
        );
      }
    }
    return got;
  };

  const failed = (method: string, path: string, res: Response, body: Uint8Array) =>
    new RegistryError(`${method} ${url(path)}: HTTP ${res.status} ${short(new TextDecoder().decode(body))}`);

  const parseJson = (method: string, path: string, body: Uint8Array): unknown => {
    const text = new TextDecoder().decode(body);
    try {
      return JSON.parse(text);
    } catch {
      throw new RegistryError(`${method} ${url(path)}: not JSON: ${short(text)}`);
    }
  };

  const document = async (name: string, reference: string): Promise<FetchedDocument | undefined> => {
    const path = `/v2/${name}/manifests/${reference}`;
    const { res, body } = await request(name, path, { headers: { accept: MANIFEST_TYPES.join(', ') } }, 'pull');
    if (res.status === 404) return undefined;
    if (!res.ok) throw failed('GET', path, res, body);
    const digest = sha256Of(body);
    if (SHA256_DIGEST.test(reference) && digest !== reference) throw new RegistryError(`GET ${url(path)}: the body's digest is ${digest}, not the one asked for`);
    const header = res.headers.get('content-type') ?? '';
    const json = parseJson('GET', path, body);
    const parsed = parseRegistryDocument(json, header);
    if (typeof parsed === 'string') throw new RegistryError(`GET ${url(path)}: ${parsed}`);
    return { digest, mediaType: mediaTypeOf(json, header, parsed.kind), bytes: body, document: parsed };
  };

  return {
    async ping() {
      try {
        const { res } = await request('', '/v2/', {}, 'pull');
        return res.ok;
      } catch {
        return false;
      }
    },
    async tags(name) {
      const path = `/v2/${name}/tags/list`;
      const { res, body } = await request(name, path, {}, 'pull');
      if (res.status === 404) return [];
      if (!res.ok) throw failed('GET', path, res, body);
      const json = parseJson('GET', path, body);
      if (!isTagList(json)) throw new RegistryError(`GET ${url(path)}: expected {"name":..., "tags":[...]}, got ${short(new TextDecoder().decode(body))}`);
      return [...(json.tags ?? [])].sort();
    },
    async manifestDigest(name, reference) {
      return (await document(name, reference))?.digest;
    },
    async manifest(name, reference) {
      const got = await document(name, reference);
      if (got === undefined) return undefined;
      return { digest: got.digest, mediaType: got.mediaType, children: got.document.kind === 'index' ? got.document.manifests.map((m) => m.digest) : [] };
    },
    document,
    async blobJson(name, digest) {
      const path = `/v2/${name}/blobs/${digest}`;
      const { res, body } = await request(name, path, {}, 'pull');
      if (!res.ok) throw failed('GET', path, res, body);
      if (sha256Of(body) !== digest) throw new RegistryError(`GET ${url(path)}: the blob's bytes do not have that digest`);
      return parseJson('GET', path, body);
    },
    async tagDigest(name, digest, tag, policy) {
      const source = await document(name, digest);
      if (source === undefined) throw new RegistryError(`${root}/${name}@${digest}: no such manifest; nothing to tag`);
      const before = await document(name, tag);
      if (before?.digest === digest) return { kind: 'unchanged' };
      if (before !== undefined && policy === 'immutable') throw new TagConflict(`${name}:${tag}`, before.digest, digest);
      const path = `/v2/${name}/manifests/${tag}`;
      const put = await request(name, path, { method: 'PUT', headers: { 'content-type': source.mediaType }, body: source.bytes }, 'pull,push');
      if (!put.res.ok) throw failed('PUT', path, put.res, put.body);
      const after = await document(name, tag);
      if (after?.digest !== digest) {
        throw new RegistryError(
          `${root}/${name}:${tag} names ${after?.digest ?? 'nothing'} after it was set to ${digest}; the registry changed the manifest, or another run moved the tag meanwhile`,
        );
      }
      return before === undefined ? { kind: 'created' } : { kind: 'moved', from: before.digest };
    },
  };
}

/** The media type to PUT the bytes back with: the document's own field, else the header, else the kind's OCI type. */
function mediaTypeOf(json: unknown, header: string, kind: 'index' | 'image'): string {
  const own = isRecord(json) ? json['mediaType'] : undefined;
  if (typeof own === 'string' && own !== '') return own;
  const fromHeader = header.split(';')[0]?.trim() ?? '';
  if (MANIFEST_TYPES.some((t) => t === fromHeader)) return fromHeader;
  return kind === 'index' ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json';
}
