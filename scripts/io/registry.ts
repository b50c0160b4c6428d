/**
 * An OCI distribution registry over its HTTP API (v2): the tags of a repository and the digest of a
 * manifest, read back after a push to prove what the registry holds. Anonymous access only (the lab's
 * registry on 127.0.0.1:5000); talks to the one base URL it is given and nowhere else.
 */

export interface RegistryClient {
  /** `GET /v2/` answers: the registry is up. */
  ping(): Promise<boolean>;
  /** `GET /v2/<name>/tags/list`, sorted; [] when the repository does not exist. */
  tags(name: string): Promise<string[]>;
  /** `HEAD /v2/<name>/manifests/<reference>` → `Docker-Content-Digest`; undefined when there is no such manifest. */
  manifestDigest(name: string, reference: string): Promise<string | undefined>;
  /** `GET /v2/<name>/manifests/<reference>`: its digest, media type and, for an index, the digests it lists. */
  manifest(name: string, reference: string): Promise<ManifestSummary | undefined>;
}

export interface ManifestSummary {
  readonly digest: string;
  readonly mediaType: string;
  /** The manifests an index (manifest list) lists; [] for an image manifest. */
  readonly children: readonly string[];
}

function isManifestBody(value: unknown): value is { mediaType?: unknown; manifests?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childDigests(manifests: unknown): string[] {
  if (!Array.isArray(manifests)) return [];
  const out: string[] = [];
  for (const m of manifests) if (typeof m === 'object' && m !== null && 'digest' in m && typeof m.digest === 'string') out.push(m.digest);
  return out;
}

/** A registry answered in a way the client does not understand (names the URL and what came back). */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
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

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The `Docker-Content-Digest` of an answer to `what` (`GET <url>`), checked. */
function contentDigest(res: Response, what: string): string {
  const digest = res.headers.get('docker-content-digest');
  if (digest === null || !DIGEST.test(digest)) throw new RegistryError(`${what}: no valid Docker-Content-Digest header (got ${JSON.stringify(digest)})`);
  return digest;
}

/** `base` is the registry's root URL, e.g. `http://127.0.0.1:5000`. */
export function registryClient(base: string, timeoutMs = 10_000): RegistryClient {
  const root = base.replace(/\/+$/, '');
  const url = (path: string) => `${root}${path}`;
  const request = async (path: string, init: RequestInit = {}) => {
    try {
      return await fetch(url(path), { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new RegistryError(`registry ${root} did not answer ${init.method ?? 'GET'} ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  /** `GET path` as JSON of the shape `guard` checks; undefined on 404, a RegistryError naming the URL otherwise. */
  const getJson = async <T>(path: string, init: RequestInit, guard: (value: unknown) => value is T, expected: string): Promise<{ res: Response; json: T } | undefined> => {
    const res = await request(path, init);
    if (res.status === 404) return undefined;
    const body = await res.text();
    if (!res.ok) throw new RegistryError(`GET ${url(path)}: HTTP ${res.status} ${body.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new RegistryError(`GET ${url(path)}: not JSON: ${body.slice(0, 200)}`);
    }
    if (!guard(json)) throw new RegistryError(`GET ${url(path)}: expected ${expected}, got ${body.slice(0, 200)}`);
    return { res, json };
  };
  return {
    async ping() {
      try {
        return (await request('/v2/')).ok;
      } catch {
        return false;
      }
    },
    async tags(name) {
      const got = await getJson(`/v2/${name}/tags/list`, {}, isTagList, '{"name":..., "tags":[...]}');
      return got === undefined ? [] : [...(got.json.tags ?? [])].sort();
    },
    async manifestDigest(name, reference) {
      const path = `/v2/${name}/manifests/${reference}`;
      const res = await request(path, { method: 'HEAD', headers: { accept: MANIFEST_TYPES.join(', ') } });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new RegistryError(`HEAD ${url(path)}: HTTP ${res.status}`);
      return contentDigest(res, `HEAD ${url(path)}`);
    },
    async manifest(name, reference) {
      const path = `/v2/${name}/manifests/${reference}`;
      const got = await getJson(path, { headers: { accept: MANIFEST_TYPES.join(', ') } }, isManifestBody, 'a manifest object');
      if (got === undefined) return undefined;
      const { res, json } = got;
      const mediaType = typeof json.mediaType === 'string' ? json.mediaType : (res.headers.get('content-type') ?? '');
      return { digest: contentDigest(res, `GET ${url(path)}`), mediaType, children: childDigests(json.manifests) };
    },
  };
}
