/**
 * A registry stand-in for the unit suite: a local HTTP server on 127.0.0.1 that speaks the parts of the
 * OCI distribution API the pipeline uses (manifests by digest and tag, blobs, tag lists), keeps them in
 * memory, and can demand a Bearer token as GHCR does (401 + `WWW-Authenticate`, a token realm that
 * checks Basic credentials). It stands in for GHCR, which cannot be reached from here; the e2e suite
 * runs the same commands against the lab's real registry (distribution) on 127.0.0.1:5000.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RegistryStandIn {
  readonly url: string;
  readonly host: string;
  /** Stores a JSON document (manifest or blob) and returns its digest. */
  putManifest(name: string, json: unknown, tag?: string): string;
  putBlob(name: string, json: unknown): string;
  /** The digest a tag names, or undefined. */
  tagged(name: string, tag: string): string | undefined;
  /** Every request, `METHOD path`. */
  readonly requests: string[];
  /** The next `count` requests answer this way. */
  fail(count: number, mode: 'status-500' | 'html' | 'hang'): void;
  /** The next `count` PUT requests (writes) answer 500; reads go on working. */
  failWrites(count: number): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  /** Demand a Bearer token from this realm, issued for these Basic credentials. */
  readonly auth?: { readonly username: string; readonly password: string };
}

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function startRegistry(options: StandInOptions = {}): Promise<RegistryStandIn> {
  const manifests = new Map<string, { bytes: Buffer; type: string }>();
  const blobs = new Map<string, Buffer>();
  const tags = new Map<string, string>();
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  let failures: { count: number; mode: 'status-500' | 'html' | 'hang' } = { count: 0, mode: 'status-500' };
  let failingWrites = 0;
  const TOKEN = 'stand-in-token';
  let base = '';

  const body = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      req.on('data', (b: Buffer) => parts.push(b));
      req.on('end', () => resolve(Buffer.concat(parts)));
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method === 'PUT' && failingWrites > 0) {
      failingWrites -= 1;
      res.writeHead(500).end('write refused');
      return;
    }
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      if (failures.mode === 'hang') {
        hanging.add(res);
        return;
      }
      if (failures.mode === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
        return;
      }
      res.writeHead(500).end('internal');
      return;
    }
    if (url.pathname === '/token') {
      const expected = `Basic ${Buffer.from(`${options.auth?.username}:${options.auth?.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return void res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
    }
    if (options.auth && req.headers.authorization !== `Bearer ${TOKEN}`) {
      const scope = /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? '';
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${base}/token",service="stand-in",scope="repository:${scope}:pull"` }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    const t = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (t) {
      const name = t[1] ?? '';
      const list = [...tags.keys()].filter((k) => k.startsWith(`${name}:`)).map((k) => k.slice(name.length + 1));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, tags: list }));
    }
    if (!m) return void res.writeHead(404).end();
    const [, name = '', kind, ref = ''] = m;
    if (kind === 'blobs') {
      const blob = blobs.get(`${name}@${ref}`);
      return void (blob ? res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(blob) : res.writeHead(404).end());
    }
    if (req.method === 'PUT') {
      const bytes = await body(req);
      const digest = digestOf(bytes);
      manifests.set(`${name}@${digest}`, { bytes, type: req.headers['content-type'] ?? '' });
      if (!ref.startsWith('sha256:')) tags.set(`${name}:${ref}`, digest);
      return void res.writeHead(201, { 'docker-content-digest': digest }).end();
    }
    const digest = ref.startsWith('sha256:') ? ref : tags.get(`${name}:${ref}`);
    const found = digest === undefined ? undefined : manifests.get(`${name}@${digest}`);
    if (!found || digest === undefined) return void res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    res.writeHead(200, { 'content-type': found.type, 'docker-content-digest': digest });
    res.end(req.method === 'HEAD' ? undefined : found.bytes);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    host: `127.0.0.1:${port}`,
    requests,
    putManifest(name, json, tag) {
      const bytes = Buffer.from(JSON.stringify(json));
      const digest = digestOf(bytes);
      const type = typeof json === 'object' && json !== null && 'mediaType' in json && typeof json.mediaType === 'string' ? json.mediaType : 'application/json';
      manifests.set(`${name}@${digest}`, { bytes, type });
      if (tag !== undefined) tags.set(`${name}:${tag}`, digest);
      return digest;
    },
    putBlob(name, json) {
      const bytes = Buffer.from(JSON.stringify(json));
      const digest = digestOf(bytes);
      blobs.set(`${name}@${digest}`, bytes);
      return digest;
    },
    tagged: (name, tag) => tags.get(`${name}:${tag}`),
    fail(count, mode) {
      failures = { count, mode };
    },
    failWrites(count) {
      failingWrites = count;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Pushes an image the way BuildKit does with attestations: config blob, platform manifest, attestation
 * manifest, index. The provenance differs per run (as BuildKit's does: times, invocation), so two
 * pushes of the same build have one config and two index digests.
 */
export function pushAttestedImage(
  registry: RegistryStandIn,
  name: string,
  labels: Readonly<Record<string, string>>,
  tag?: string,
  options: { readonly source?: string } = {},
): { index: string; manifest: string; config: string } {
  const config = registry.putBlob(name, { architecture: 'amd64', os: 'linux', config: { Labels: labels }, rootfs: { type: 'layers', diff_ids: [] } });
  const manifest = registry.putManifest(name, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 1 },
    layers: [],
  });
  // BuildKit's SLSA provenance (v0.2), as an in-toto statement about the platform manifest.
  const statement = registry.putBlob(name, {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: `pkg:docker/${name}`, digest: { sha256: manifest.replace('sha256:', '') } }],
    predicate: {
      builder: { id: '' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      metadata: {
        buildInvocationID: Math.random().toString(36),
        'https://mobyproject.org/buildkit@v1#metadata': {
          vcs: { revision: labels['org.opencontainers.image.revision'] ?? '', ...(options.source ? { source: options.source } : {}) },
        },
      },
    },
  });
  const attestation = registry.putManifest(name, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 1 },
    layers: [{ mediaType: 'application/vnd.in-toto+json', digest: statement, size: 1, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
  });
  const index = registry.putManifest(
    name,
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifest, size: 1, platform: { architecture: 'amd64', os: 'linux' } },
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: attestation,
          size: 1,
          annotations: { 'vnd.docker.reference.digest': manifest, 'vnd.docker.reference.type': 'attestation-manifest' },
          platform: { architecture: 'unknown', os: 'unknown' },
        },
      ],
    },
    tag,
  );
  return { index, manifest, config };
}
