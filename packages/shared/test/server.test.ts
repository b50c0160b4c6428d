import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { drain } from '../src/lifecycle.js';
import { type RunningService, startService } from '../src/service.js';
import { startForTest, TEST_SECRET } from '../src/testing.js';

const manifest = new URL('./fixtures/demo-service/package.json', import.meta.url);
let slowStarted: () => void = () => {};
const slowGate = new Promise<void>((r) => {
  slowStarted = r;
});
const definition = {
  manifest,
  config: { GREETING: { kind: 'string', default: 'hello' } } as const,
  routes: ({ config }: { config: { GREETING: string } }) => [
    { method: 'GET' as const, path: '/hello', access: 'public' as const, handler: () => ({ status: 200, body: { greeting: config.GREETING } }) },
    { method: 'POST' as const, path: '/echo', access: 'public' as const, handler: (req: { body: unknown }) => ({ status: 200, body: req.body }) },
    {
      method: 'GET' as const,
      path: '/slow',
      access: 'public' as const,
      handler: async () => {
        slowStarted();
        await new Promise((r) => setTimeout(r, 300));
        return { status: 200, body: { done: true } };
      },
    },
  ],
};

let running: RunningService | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('the service kit over real HTTP', () => {
  test('serves health, readiness and its routes, with config from the environment', async () => {
    const svc = await startForTest(definition, { GREETING: 'hi' });
    try {
      expect(await svc.call('GET', '/health')).toEqual({ status: 200, body: { status: 'ok', service: 'demo-service' } });
      expect(await svc.call('GET', '/ready')).toEqual({ status: 200, body: { status: 'ready' } });
      expect(await svc.call('GET', '/hello')).toEqual({ status: 200, body: { greeting: 'hi' } });
      expect(await svc.call('POST', '/echo', { a: [1] })).toEqual({ status: 200, body: { a: [1] } });
    } finally {
      await svc.stop();
    }
  });

  test('rejects bodies that are not JSON or too large', async () => {
    const svc = await startForTest(definition);
    try {
      const bad = await fetch(`${svc.url}/echo`, { method: 'POST', body: '{nope' });
      expect(bad.status).toBe(400);
      const big = await fetch(`${svc.url}/echo`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
      expect(big.status).toBe(413);
    } finally {
      await svc.stop();
    }
  });

  test('uses the default port from package.json when PORT is unset', async () => {
    running = await startService(definition, { env: { HOST: '127.0.0.1', AUTH_SECRET: TEST_SECRET, SHUTDOWN_DELAY_MS: '0' }, handleSignals: false, write: () => {} });
    expect(running.port).toBe(39917);
  });

  test('a SHUTDOWN_TIMEOUT_MS below the default delay alone starts: the default not-ready window is half of it (it was refused: SHUTDOWN_DELAY_MS=3000)', async () => {
    const svc = await startService(definition, {
      env: { PORT: '0', HOST: '127.0.0.1', AUTH_SECRET: TEST_SECRET, SHUTDOWN_TIMEOUT_MS: '2000' },
      handleSignals: false,
      write: () => {},
    });
    const started = Date.now();
    const stopping = svc.stop();
    // Inside the not-ready window the listener still answers, with /ready = 503.
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`http://127.0.0.1:${svc.port}/ready`)).status).toBe(503);
    await stopping;
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a bad variable fails start-up with a message naming it', async () => {
    await expect(startService(definition, { env: { PORT: 'eighty' }, handleSignals: false, write: () => {} })).rejects.toThrow('invalid environment variable PORT="eighty"');
  });

  test('draining lets an in-flight request finish and refuses new connections', async () => {
    running = await startService(definition, { env: { PORT: '0', HOST: '127.0.0.1', AUTH_SECRET: TEST_SECRET, SHUTDOWN_DELAY_MS: '0' }, handleSignals: false, write: () => {} });
    const port = running.port;
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/slow' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
    await slowGate;
    const result = await drain(running.server, 5000);
    expect(result.forced).toBe(false);
    expect(await inFlight).toEqual({ status: 200, body: '{"done":true}' });
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    running = undefined;
  });

  test('draining is bounded: a request that never ends is cut after the timeout', async () => {
    const hang = { manifest, routes: () => [{ method: 'GET' as const, path: '/hang', access: 'public' as const, handler: () => new Promise<never>(() => {}) }] };
    const svc = await startService(hang, { env: { PORT: '0', HOST: '127.0.0.1', AUTH_SECRET: TEST_SECRET, SHUTDOWN_DELAY_MS: '0' }, handleSignals: false, write: () => {} });
    const pending = fetch(`http://127.0.0.1:${svc.port}/hang`).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 100));
    const result = await drain(svc.server, 200);
    expect(result.forced).toBe(true);
    expect(result.ms).toBeGreaterThanOrEqual(150);
    expect(await pending).toBeInstanceOf(Error);
  });
});
