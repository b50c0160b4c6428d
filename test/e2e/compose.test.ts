/**
 * The whole platform from the generated docker-compose.yml on the lab engine: build every service with
 * compose, bring all 12 up, wait until each is healthy, talk to the gateway on 127.0.0.1 (its routing
 * table, a register + login + me through /api/student-auth-service/..., and the per-route policy), then take it all down.
 * The compose project has a name of its own; only it is started and only it is removed.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { type Lab, lab, ROOT, services } from './support/lab.js';

const PROJECT = `kc-e2e-${randomBytes(3).toString('hex')}`;
let started = false;
let gateway = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Platform {
  readonly lab: Lab;
  readonly env: Readonly<Record<string, string>>;
}
let platform: Promise<Platform> | undefined;

/** The lab, and the compose variables of this project (a free loopback port for the gateway); once per file. */
function setup(): Promise<Platform> {
  platform ??= (async () => {
    const l = await lab();
    const port = await freePort();
    gateway = `http://127.0.0.1:${port}`;
    return {
      lab: l,
      env: {
        AUTH_SECRET: randomBytes(24).toString('hex'),
        IMAGE_PREFIX: 'kc-e2e-compose',
        IMAGE_TAG: PROJECT,
        GATEWAY_PORT: String(port),
        ...(l.nodeImage === undefined ? {} : { NODE_IMAGE: l.nodeImage }),
      },
    };
  })();
  return platform;
}

async function compose(...args: string[]) {
  const { lab: l, env } = await setup();
  return l.engine.compose(['--project-directory', ROOT, '-f', join(ROOT, 'docker-compose.yml'), '-p', PROJECT, ...args], env);
}

interface PsEntry {
  readonly Service: string;
  readonly State: string;
  readonly Health: string;
}
const isPsEntry = (v: unknown): v is PsEntry =>
  typeof v === 'object' &&
  v !== null &&
  'Service' in v &&
  typeof v.Service === 'string' &&
  'State' in v &&
  typeof v.State === 'string' &&
  'Health' in v &&
  typeof v.Health === 'string';

/** `docker compose ps --format json`: one object per line (compose ≥ 2.21) or one array (older). */
function parsePs(text: string): PsEntry[] {
  const trimmed = text.trim();
  const items: unknown[] = trimmed.startsWith('[')
    ? JSON.parse(trimmed)
    : trimmed
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
  return items.map((item) => {
    if (!isPsEntry(item)) throw new Error(`docker compose ps: unexpected entry ${JSON.stringify(item)}`);
    return item;
  });
}

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(`${gateway}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

afterAll(async () => {
  if (!started) return;
  const r = await compose('down', '--volumes', '--remove-orphans', '--rmi', 'all', '--timeout', '10');
  if (r.code !== 0) throw new Error(`docker compose down failed: ${r.stderr}`);
});

test('compose builds all 12 images from the generated file', async () => {
  const r = await compose('build');
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
});

test('compose brings all 12 services up, each healthy', async () => {
  started = true;
  const up = await compose('up', '--detach', '--wait', '--wait-timeout', '300');
  expect(up.code, up.stderr.slice(-3000)).toBe(0);
  const ps = parsePs((await compose('ps', '--all', '--format', 'json')).stdout);
  expect(ps.map((p) => [p.Service, p.State, p.Health]).sort()).toEqual(services.map((s) => [s.folder, 'running', 'healthy']).sort());
});

test('the gateway answers: its routing table lists the 11 other services', async () => {
  await setup();
  const routes = await call('GET', '/routes');
  expect(routes.status).toBe(200);
  expect(Object.keys(typeof routes.json === 'object' && routes.json !== null ? routes.json : {}).sort()).toEqual(
    services
      .map((s) => s.folder)
      .filter((f) => f !== 'api-gateway')
      .sort(),
  );
});

test('only the gateway has a route out of its network: the other 11 are on the internal network alone', async () => {
  await setup();
  // /proc/net/route inside the container (read, nothing sent): a line whose destination is 00000000 is a default route.
  const hasDefaultRoute = async (service: string) => {
    const r = await compose('exec', '-T', service, 'cat', '/proc/net/route');
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .split('\n')
      .slice(1)
      .some((line) => line.trim().split(/\s+/)[1] === '00000000');
  };
  const routes: Array<[string, boolean]> = [];
  for (const s of services) routes.push([s.folder, await hasDefaultRoute(s.folder)]);
  expect(routes).toEqual(services.map((s) => [s.folder, s.folder === 'api-gateway']));
});

test('register, log in and read the account through the gateway', async () => {
  await setup();
  const email = `e2e-${PROJECT}@example.com`;
  const registered = await call('POST', '/api/student-auth-service/register', { email, name: 'E2E Student', password: 'correct horse battery' });
  expect(registered).toMatchObject({ status: 201, json: { email, role: 'student' } });

  const wrong = await call('POST', '/api/student-auth-service/login', { email, password: 'not the password' });
  expect(wrong.status).toBe(401);

  const login = await call('POST', '/api/student-auth-service/login', { email, password: 'correct horse battery' });
  expect(login.status).toBe(200);
  const token = typeof login.json === 'object' && login.json !== null && 'token' in login.json && typeof login.json.token === 'string' ? login.json.token : '';
  expect(token).not.toBe('');

  expect(await call('GET', '/api/student-auth-service/me', undefined, token)).toMatchObject({ status: 200, json: { email, name: 'E2E Student' } });
  expect((await call('GET', '/api/student-auth-service/me')).status).toBe(401);

  // The policy through the deployed topology: a student may pay, but not read the stats or refund, and
  // identity headers of the caller's own do not make it an admin.
  const paid = await call('POST', '/api/payment-service/payments', { bookingId: 'b-e2e', amountCents: 100, currency: 'EUR' }, token);
  expect(paid.status).toBe(201);
  const id = typeof paid.json === 'object' && paid.json !== null && 'id' in paid.json && typeof paid.json.id === 'string' ? paid.json.id : '';
  expect((await call('POST', `/api/payment-service/payments/${id}/refund`, undefined, token)).status).toBe(403);
  const forged = await fetch(`${gateway}/api/analytics-service/stats`, {
    headers: { authorization: `Bearer ${token}`, 'x-user-role': 'admin', 'x-user-id': 'admin-1' },
    signal: AbortSignal.timeout(10_000),
  });
  expect(forged.status).toBe(403);
});

test('one service scales on its own: two course-service containers, both healthy and reached through the gateway, the other 11 untouched', async () => {
  await setup();
  // Each other service's container, by its ID: not recreated, still healthy.
  const others = (entries: readonly PsEntry[]) =>
    entries.filter((p) => p.Service !== 'course-service').map((p) => [p.Service, 'ID' in p && typeof p.ID === 'string' ? p.ID : '', p.State, p.Health]);
  const before = others(parsePs((await compose('ps', '--format', 'json')).stdout));
  expect(before).toHaveLength(11);
  const up = await compose('up', '--detach', '--no-deps', '--no-build', '--scale', 'course-service=2', '--wait', '--wait-timeout', '120', 'course-service');
  expect(up.code, up.stderr.slice(-3000)).toBe(0);
  const ps = parsePs((await compose('ps', '--format', 'json')).stdout);
  expect(ps.filter((p) => p.Service === 'course-service').map((p) => [p.State, p.Health])).toEqual([
    ['running', 'healthy'],
    ['running', 'healthy'],
  ]);
  expect(others(ps)).toEqual(before);
  // Docker's DNS answers the service name with both containers; the gateway reaches the service either way.
  const email = `scale-${PROJECT}@example.com`;
  expect((await call('POST', '/api/student-auth-service/register', { email, name: 'Scale', password: 'correct horse battery' })).status).toBe(201);
  const login = await call('POST', '/api/student-auth-service/login', { email, password: 'correct horse battery' });
  const token = typeof login.json === 'object' && login.json !== null && 'token' in login.json && typeof login.json.token === 'string' ? login.json.token : '';
  for (let i = 0; i < 4; i++) expect(await call('GET', '/api/course-service/courses', undefined, token)).toEqual({ status: 200, json: [] });
});
