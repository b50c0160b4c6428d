/**
 * A small JSON HTTP layer on node:http: routes with path parameters, typed errors, bounded bodies,
 * and the two probes every service serves (`/health` liveness, `/ready` readiness).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';
import { verifyIdentity } from './identity.js';
import type { Logger } from './logger.js';
import { admit, type Caller, type Guard } from './policy.js';

export { HttpError };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Request {
  readonly method: Method;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (req: Request) => Reply | Promise<Reply>;
/** The handler of a guarded route: the kit has checked the caller's identity and role before it runs. */
export type GuardedHandler = (req: Request, caller: Caller) => Reply | Promise<Reply>;

interface RouteBase {
  readonly method: Method;
  /** `/courses/:id` style; a trailing `/*` matches any rest of the path into `params['*']`. */
  readonly path: string;
}

/**
 * Every route declares who may call it (policy.ts): `access: 'public'`, or the `roles` (and `anyRecord`)
 * of a guarded route, whose handler gets the checked caller. A route without either does not compile.
 */
export type Route = (RouteBase & { readonly access: 'public'; readonly handler: Handler }) | (RouteBase & Guard & { readonly access?: never; readonly handler: GuardedHandler });

export const MAX_BODY_BYTES = 1024 * 1024;

/** A path segment decoded; malformed percent-encoding is the client's error (400), not the service's. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in the path: ${JSON.stringify(segment.slice(0, 200))}`);
  }
}

export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    if (w === '*' && i === want.length - 1) {
      params['*'] = got.slice(i).join('/');
      return params;
    }
    const g = got[i];
    if (g === undefined) return undefined;
    if (w.startsWith(':')) params[w.slice(1)] = decodeSegment(g);
    else if (w !== g) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface AppOptions {
  readonly service: string;
  readonly routes: readonly Route[];
  readonly logger: Logger;
  /** Readiness: false while starting and while draining, so that load balancers stop sending traffic. */
  readonly isReady: () => boolean;
  /** Checks the gateway's signed identity headers (identity.ts): this service's name and AUTH_SECRET. */
  readonly identity: { readonly audience: string; readonly secret: string };
}

/** Dispatches one request; exported so that handlers can be tested without sockets too. */
export async function dispatch(options: AppOptions, method: string, url: string, headers: IncomingMessage['headers'], body: () => Promise<unknown>): Promise<Reply> {
  if (!URL.canParse(url, 'http://localhost')) return { status: 400, body: { error: `malformed request target: ${JSON.stringify(url.slice(0, 200))}` } };
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  if (method === 'GET' && pathname === '/health') return { status: 200, body: { status: 'ok', service: options.service } };
  if (method === 'GET' && pathname === '/ready') {
    return options.isReady() ? { status: 200, body: { status: 'ready' } } : { status: 503, body: { status: 'not-ready' } };
  }
  if (!METHODS.includes(method)) return { status: 405, body: { error: `method ${method} not allowed` } };
  let pathMatched = false;
  for (const route of options.routes) {
    let params: Record<string, string> | undefined;
    try {
      params = matchPath(route.path, pathname);
    } catch (err) {
      if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
      throw err;
    }
    if (!params) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    try {
      // Who may call is settled before the body is read: a refused caller costs no upload.
      if (route.access === 'public') return await route.handler({ method: route.method, path: pathname, params, query: searchParams, headers, body: await body() });
      // Signed for this very request: a header set seen for another method, path or query is refused here.
      const { audience, secret } = options.identity;
      const caller = admit(route, verifyIdentity(headers, { audience, method, target: url }, secret), `${route.method} ${route.path}`, audience);
      return await route.handler({ method: route.method, path: pathname, params, query: searchParams, headers, body: await body() }, caller);
    } catch (err) {
      if (err instanceof HttpError) return { status: err.status, body: { error: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
      options.logger.error('unhandled error', { err, method, path: pathname });
      return { status: 500, body: { error: 'internal error' } };
    }
  }
  return pathMatched ? { status: 405, body: { error: `method ${method} not allowed on ${pathname}` } } : { status: 404, body: { error: `no route for ${method} ${pathname}` } };
}

export function createApp(options: AppOptions): Server {
  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    let cached: Promise<unknown> | undefined;
    const body = () => {
      cached ??= readBody(req);
      return cached;
    };
    void dispatch(options, req.method ?? 'GET', req.url ?? '/', req.headers, body)
      .catch((err: unknown): Reply => (err instanceof HttpError ? { status: err.status, body: { error: err.message } } : { status: 500, body: { error: 'internal error' } }))
      .then((reply) => {
        // While draining, a keep-alive client is told to reconnect (to another instance) after this answer.
        send(res, options.isReady() ? reply : { ...reply, headers: { ...reply.headers, connection: 'close' } });
        if (req.url !== '/health' && req.url !== '/ready') {
          options.logger.info('request', {
            method: req.method,
            path: req.url,
            status: reply.status,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          });
        }
      });
  });
}
