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
  test('answers /health and /ready, then drains and exits 0 on SIGTERM', async () => {
    expect(existsSync(join(REPO_ROOT, dir, 'dist/index.js')), 'run `pnpm build` first').toBe(true);
    const svc = await start(dir, { AUTH_SECRET: 'dist-test-secret-0123456789', UPSTREAMS: 'student-service=http://127.0.0.1:9', SHUTDOWN_TIMEOUT_MS: '3000' });
    const base = `http://127.0.0.1:${svc.port}`;
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', service: folder });
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const exit = exited(svc.child);
    svc.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const messages = svc.logs().map((r) => r['msg']);
    expect(messages).toEqual(expect.arrayContaining(['listening', 'shutting down', 'stopped']));
    expect(svc.logs().find((r) => r['msg'] === 'stopped')).toMatchObject({ forced: false, service: folder });
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
