/**
 * renderCompose over small workspaces built in memory: what each service of docker-compose.yml gets
 * (build, image, environment, ports, health check, depends_on), read back with a YAML parser and
 * compared with values written out by hand from the Compose specification.
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { renderCompose } from '../../scripts/core/compose/render.js';
import { healthcheckCommand } from '../../scripts/core/dockerfiles/healthcheck.js';
import { InputError } from '../../scripts/core/errors.js';
import { buildWorkspace, type PackageInput } from '../../scripts/core/workspace/graph.js';
import { parseManifest } from '../../scripts/core/workspace/manifest.js';

const pkg = (dir: string, name: string, deps: string[] = [], service?: { port?: number; upstreams?: string[]; egress?: boolean }): PackageInput => ({
  dir,
  isService: service !== undefined,
  manifest: parseManifest(
    `${dir}/package.json`,
    JSON.stringify({ name, dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:*'])), ...(service ? { kodingcaravan: service } : {}) }),
  ),
});

const CTX = { header: '# generated, do not edit', defaultNodeImage: 'node:22-alpine', dockerfile: 'Dockerfile' };

// gateway -> auth -> shared; users -> session -> auth (auth only transitively); billing -> shared.
const WS = buildWorkspace([
  pkg('packages/shared', '@k/shared'),
  pkg('packages/auth', '@k/auth', ['@k/shared']),
  pkg('packages/session', '@k/session', ['@k/auth']),
  pkg('services/gateway', '@k/gateway', ['@k/auth'], { port: 3000, upstreams: ['users', 'billing'] }),
  pkg('services/users', '@k/users', ['@k/session'], { port: 3001 }),
  pkg('services/billing', '@k/billing', ['@k/shared'], { port: 3002 }),
]);

const SECRET = '${AUTH_SECRET:?set AUTH_SECRET to a random secret of 16 or more characters}';

interface ComposeFile {
  name: string;
  services: Record<string, Record<string, unknown>>;
}
const render = () => renderCompose(WS, CTX);
const compose = (): ComposeFile => parse(render());

describe('renderCompose', () => {
  test('the header is the first line, then the project named kodingcaravan with one entry per service folder', () => {
    const text = render();
    expect(text.split('\n')[0]).toBe('# generated, do not edit');
    expect(text.split('\n')[1]).toBe('name: kodingcaravan');
    const file = compose();
    expect(Object.keys(file)).toEqual(['name', 'services', 'networks']);
    expect(file.name).toBe('kodingcaravan');
    expect(Object.keys(file.services).sort()).toEqual(['billing', 'gateway', 'users']);
  });

  test('a service without upstreams: built from its own Dockerfile at the root, not published, no depends_on', () => {
    expect(compose().services['billing']).toEqual({
      build: { context: '.', dockerfile: 'services/billing/Dockerfile', args: { NODE_IMAGE: '${NODE_IMAGE:-node:22-alpine}' } },
      image: '${IMAGE_PREFIX:-kodingcaravan}/billing:${IMAGE_TAG:-local}',
      environment: { PORT: '3002', LOG_LEVEL: '${LOG_LEVEL:-info}', SHUTDOWN_TIMEOUT_MS: '10000', SHUTDOWN_DELAY_MS: '3000', AUTH_SECRET: SECRET },
      healthcheck: { test: ['CMD', ...healthcheckCommand(3002)], interval: '5s', timeout: '3s', start_period: '10s', retries: 5 },
      stop_grace_period: '15s',
      restart: 'unless-stopped',
      networks: ['backend'],
    });
  });

  test('a service with upstreams: published on loopback only, UPSTREAMS in the order given, waits for each upstream to be healthy', () => {
    const gateway = compose().services['gateway'];
    expect(gateway).toEqual({
      build: { context: '.', dockerfile: 'services/gateway/Dockerfile', args: { NODE_IMAGE: '${NODE_IMAGE:-node:22-alpine}' } },
      image: '${IMAGE_PREFIX:-kodingcaravan}/gateway:${IMAGE_TAG:-local}',
      environment: {
        PORT: '3000',
        LOG_LEVEL: '${LOG_LEVEL:-info}',
        SHUTDOWN_TIMEOUT_MS: '10000',
        SHUTDOWN_DELAY_MS: '3000',
        AUTH_SECRET: SECRET,
        UPSTREAMS: 'users=http://users:3001,billing=http://billing:3002',
      },
      ports: ['127.0.0.1:${GATEWAY_PORT:-3000}:3000'],
      healthcheck: { test: ['CMD', ...healthcheckCommand(3000)], interval: '5s', timeout: '3s', start_period: '10s', retries: 5 },
      stop_grace_period: '15s',
      restart: 'unless-stopped',
      depends_on: { users: { condition: 'service_healthy' }, billing: { condition: 'service_healthy' } },
      networks: ['edge', 'backend'],
    });
  });

  // A service no one outside calls is on the internal network only: no route out of the host, and nothing
  // published (DOCKER.md says what it can still reach: the other services, the gateway, the Docker host).
  test('two networks: the services called from outside on edge and backend, the others on backend only, which is internal', () => {
    const file = parse(render()) as ComposeFile & { networks: unknown };
    expect(file.networks).toEqual({ edge: {}, backend: { internal: true } });
    expect(Object.entries(file.services).map(([name, s]) => [name, s['networks']])).toEqual([
      ['billing', ['backend']],
      ['gateway', ['edge', 'backend']],
      ['users', ['backend']],
    ]);
  });

  test('AUTH_SECRET goes to every service, whatever it depends on: each checks the identity headers the gateway signs', () => {
    const env = (name: string) => Object.keys((compose().services[name]?.['environment'] as Record<string, string> | undefined) ?? {});
    for (const name of ['gateway', 'users', 'billing']) expect(env(name)).toContain('AUTH_SECRET');
  });

  test("the shutdown bounds agree: each service's whole shutdown (not-ready window + drain) ends before the engine's SIGKILL", () => {
    for (const [name, svc] of Object.entries(compose().services)) {
      const env = (svc['environment'] ?? {}) as Record<string, string>;
      const timeoutMs = Number(env['SHUTDOWN_TIMEOUT_MS']);
      const delayMs = Number(env['SHUTDOWN_DELAY_MS']);
      const grace = /^(\d+)s$/.exec(String(svc['stop_grace_period']));
      expect(Number.isInteger(timeoutMs) && Number.isInteger(delayMs), `${name}: ${JSON.stringify(env)}`).toBe(true);
      expect(delayMs, name).toBeGreaterThan(0);
      expect(delayMs, name).toBeLessThanOrEqual(timeoutMs);
      expect(Number(grace?.[1]) * 1000 - timeoutMs, `${name}: stop_grace_period ${String(svc['stop_grace_period'])}`).toBeGreaterThanOrEqual(5000);
    }
  });

  test('a service that calls something outside (`egress: true`) is on edge too, and still publishes no port', () => {
    const ws = buildWorkspace([pkg('services/pay', '@k/pay', [], { port: 4000, egress: true }), pkg('services/solo', '@k/solo', [], { port: 4001 })]);
    const file = parse(renderCompose(ws, CTX)) as ComposeFile;
    expect(file.services['pay']?.['networks']).toEqual(['edge', 'backend']);
    expect(file.services['pay']?.['ports']).toBeUndefined();
    expect(file.services['solo']?.['networks']).toEqual(['backend']);
  });

  test('an empty upstream list is the same as none', () => {
    const ws = buildWorkspace([pkg('services/solo', '@k/solo', [], { port: 4000, upstreams: [] })]);
    const solo = (parse(renderCompose(ws, CTX)) as ComposeFile).services['solo'] ?? {};
    expect(Object.keys(solo)).toEqual(['build', 'image', 'environment', 'healthcheck', 'stop_grace_period', 'restart', 'networks']);
    expect(solo['networks']).toEqual(['backend']);
    expect(solo['environment']).toEqual({ PORT: '4000', LOG_LEVEL: '${LOG_LEVEL:-info}', SHUTDOWN_TIMEOUT_MS: '10000', SHUTDOWN_DELAY_MS: '3000', AUTH_SECRET: SECRET });
  });

  test('long values stay on one line (no folding), so the file reads as the health command is written', () => {
    const command = healthcheckCommand(3002)[2] ?? '';
    expect(command.length).toBeGreaterThan(80);
    expect(render().split('\n')).toContain(`        - ${command}`);
  });

  test('a service without a port is refused, naming its package.json', () => {
    const ws = buildWorkspace([pkg('services/noport', '@k/noport', [], {})]);
    expect(() => renderCompose(ws, CTX)).toThrow(new InputError('services/noport/package.json: a service needs "kodingcaravan": { "port": <number> }'));
  });

  test('an upstream without a port is refused too, naming the upstream', () => {
    const ws = buildWorkspace([pkg('services/a', '@k/a', [], { port: 1, upstreams: ['b'] }), pkg('services/b', '@k/b', [], {})]);
    expect(() => renderCompose(ws, CTX)).toThrow('services/b/package.json: a service needs "kodingcaravan": { "port": <number> }');
  });

  test('an upstream that names no service folder is refused, listing the services', () => {
    const ws = buildWorkspace([pkg('services/a', '@k/a', [], { port: 1, upstreams: ['nope'] }), pkg('services/b', '@k/b', [], { port: 2 })]);
    expect(() => renderCompose(ws, CTX)).toThrow(new InputError('services/a/package.json: upstream "nope" is not a service; known: a, b'));
  });
});
