import { AUTH_SECRET_CONFIG, authenticate } from '@kodingcaravan/auth';
import { HttpError, type Method, type Request, type Route, type ServiceDefinition, signIdentity } from '@kodingcaravan/shared';
import { parseUpstreams } from './upstreams.js';

const config = {
  AUTH_SECRET: AUTH_SECRET_CONFIG,
  UPSTREAMS: { kind: 'string' },
  UPSTREAM_TIMEOUT_MS: { kind: 'int', default: 5000, min: 100, max: 60_000 },
} as const;

/** The upstream call's bound ran out (AbortSignal.timeout's reason), as opposed to a refused or broken connection. */
const isTimeout = (err: unknown) => err instanceof DOMException && err.name === 'TimeoutError';

/** Paths a caller may reach without a token: how one gets a token in the first place. */
const PUBLIC = /^(student|trainer)-auth-service\/(login|register)$/;
const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export const definition: ServiceDefinition<typeof config> = {
  manifest: new URL('../package.json', import.meta.url),
  config,
  routes: ({ config: c, logger }) => {
    const upstreams = parseUpstreams(c.UPSTREAMS);
    const proxy = async (req: Request) => {
      const service = req.params['service'] ?? '';
      const rest = req.params['*'] ?? '';
      const base = upstreams.get(service);
      if (!base) throw new HttpError(404, `unknown service ${service}; known: ${[...upstreams.keys()].join(', ')}`);
      // Built from nothing: no header of the caller's passes but the idempotency key, so identity headers a
      // caller sends are dropped, and the bearer token stays here (the service gets the signed identity instead).
      const headers: Record<string, string> = { accept: 'application/json' };
      // Parsed once: the request target signed below is byte for byte the one fetch sends (the same URL object).
      const target = new URL(`${base}/${rest}${req.query.size > 0 ? `?${req.query}` : ''}`);
      if (!PUBLIC.test(`${service}/${rest}`)) {
        const claims = authenticate(req, c.AUTH_SECRET);
        const to = { audience: service, method: req.method, target: `${target.pathname}${target.search}` };
        Object.assign(headers, signIdentity({ id: claims.sub, role: claims.role }, to, c.AUTH_SECRET));
      }
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string') headers['idempotency-key'] = key;
      if (req.body !== undefined && req.method === 'GET') throw new HttpError(400, 'a GET request carries no body');
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await fetch(target, {
          method: req.method,
          headers,
          ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(c.UPSTREAM_TIMEOUT_MS),
        });
      } catch (err) {
        if (isTimeout(err)) throw new HttpError(504, `${service} did not answer within ${c.UPSTREAM_TIMEOUT_MS} ms`);
        logger.warn('upstream unreachable', { upstream: service, err });
        throw new HttpError(502, `${service} is unreachable`);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        // The answer began and broke off: within the same bound as its start (the signal covers the body).
        if (isTimeout(err)) throw new HttpError(504, `${service} did not finish its answer within ${c.UPSTREAM_TIMEOUT_MS} ms`);
        logger.warn('upstream answer broke off', { upstream: service, err });
        throw new HttpError(502, `${service}'s answer broke off`);
      }
      let body: unknown;
      try {
        body = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        throw new HttpError(502, `${service} answered with a body that is not JSON`);
      }
      return { status: res.status, body };
    };
    // The services reachable through the gateway, by their public path: the internal addresses stay inside.
    const table = Object.fromEntries([...upstreams.keys()].map((name) => [name, `/api/${name}/`]));
    // Public at the gateway's own door: the proxy checks the token itself (login and register need none).
    const routes: Route[] = [{ method: 'GET', path: '/routes', access: 'public', handler: () => ({ status: 200, body: table }) }];
    for (const method of METHODS) routes.push({ method, path: '/api/:service/*', access: 'public', handler: proxy });
    return routes;
  },
};
