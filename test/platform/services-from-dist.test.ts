/**
 * Each of the 12 services started as it runs in its image: `node dist/index.js` in its folder, real
 * HTTP, real SIGTERM. Needs `pnpm build` first (the test command builds before it runs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadWorkspace } from '../../scripts/io/workspace-fs.js';
import { REPO_ROOT } from '../support/repo-copy.js';

const services = (await loadWorkspace(REPO_ROOT, { serviceGlobs: ['services/*'] })).services;

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly logs: () => Record<string, unknown>[];
}

function start(dir: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['dist/index.js'], { cwd: join(REPO_ROOT, dir), env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: '0', ...env } });
  const records: Record<string, unknown>[] = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${dir} did not log "listening" within 10 s: ${buffer}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const record = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
        buffer = buffer.slice(nl + 1);
        records.push(record);
        if (record['msg'] === 'listening') {
          clearTimeout(timer);
          resolve({ child, port: Number(record['port']), logs: () => records });
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`${dir} exited with ${code} before listening`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe.each(services.map((s) => [s.folder, s.dir] as const))('%s from dist/', (folder, dir) => {
  test('answers /health and /ready; on SIGTERM keeps serving with /ready = 503 for SHUTDOWN_DELAY_MS, then drains and exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    expect(existsSync(join(REPO_ROOT, dir, 'dist/index.js')), 'run `pnpm build` first').toBe(true);
    const svc = await start(dir, {
      AUTH_SECRET: 'dist-test-secret-0123456789',
      UPSTREAMS: 'student-service=http://127.0.0.1:9',
      SHUTDOWN_TIMEOUT_MS: '3000',
      SHUTDOWN_DELAY_MS: '600',
    });
    const base = `http://127.0.0.1:${svc.port}`;
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', service: folder });
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const exit = exited(svc.child);
    const signalled = Date.now();
    // The child this test spawned, by its own pid.
    process.kill(svc.child.pid ?? 0, 'SIGTERM');
    // The not-ready window: still accepting connections, /ready says 503 so a load balancer drains it.
    await new Promise((r) => setTimeout(r, 150));
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('connection')).toBe('close');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await exit).toBe(0);
    const took = Date.now() - signalled;
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(3000);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    const messages = svc.logs().map((r) => r['msg']);
    expect(messages).toEqual(expect.arrayContaining(['listening', 'shutting down', 'stopped']));
    expect(svc.logs().find((r) => r['msg'] === 'shutting down')).toMatchObject({ timeoutMs: 3000, notReadyMs: 600 });
    expect(svc.logs().find((r) => r['msg'] === 'stopped')).toMatchObject({ forced: false, service: folder });
  });
});

test('the not-ready window is part of the shutdown bound: SHUTDOWN_DELAY_MS above SHUTDOWN_TIMEOUT_MS stops the service at start-up', async () => {
  const child = spawn(process.execPath, ['dist/index.js'], {
    cwd: join(REPO_ROOT, 'services/student-service'),
    env: { PORT: '0', AUTH_SECRET: 'dist-test-secret-0123456789', SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DELAY_MS: '6000' },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  // A service that starts anyway would run on: this test ends its own child after 10 s.
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited(child);
  clearTimeout(guard);
  expect(code).toBe(1);
  expect(JSON.parse(stderr)).toMatchObject({
    msg: 'failed to start: invalid environment variable SHUTDOWN_DELAY_MS=6000: expected at most SHUTDOWN_TIMEOUT_MS (5000), the bound of the whole shutdown it is part of',
  });
});

test('a service with a bad variable exits 1 with one line naming it', async () => {
  const child = spawn(process.execPath, ['dist/index.js'], { cwd: join(REPO_ROOT, 'services/student-service'), env: { PORT: 'http' } });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  expect(await exited(child)).toBe(1);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(stderr)).toMatchObject({
    level: 'error',
    service: 'student-service',
    msg: 'failed to start: invalid environment variable PORT="http": expected a TCP port number from 1 to 65535 (0 picks a free port)',
  });
});
