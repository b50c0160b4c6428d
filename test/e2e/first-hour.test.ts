/**
 * A newcomer's dev container: a fresh Node container with the clone bind-mounted, where the clone is on
 * another filesystem than the home folder, so pnpm keeps its store inside the clone (`.pnpm-store/`,
 * forced here with npm_config_store_dir). The second Quick start command's install and its lint (what
 * once failed with 93 errors from the store's files) run in the lab's real engine, on the lab's Node
 * base image, reaching the npm registry as this machine does (its CA bundle).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { exec } from '../../scripts/io/container-engine.js';
import { repoFiles } from '../support/repo-copy.js';
import { lab, ROOT } from './support/lab.js';

const copy = mkdtempSync(join(tmpdir(), 'first-hour-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

test('install and lint pass in a container with the clone bind-mounted and pnpm’s store inside the clone', async () => {
  const l = await lab();
  for (const file of repoFiles()) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(join(copy, dirname(file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  const ca = '/etc/ssl/certs/ca-certificates.crt';
  const r = await exec('docker', [
    'run',
    '--rm',
    '--network',
    'host',
    '--volume',
    `${copy}:/src`,
    '--workdir',
    '/src',
    ...(existsSync(ca) ? ['--volume', `${ca}:${ca}:ro`, '--env', `NODE_EXTRA_CA_CERTS=${ca}`] : []),
    '--env',
    'npm_config_store_dir=/src/.pnpm-store',
    '--env',
    'CI=true',
    l.nodeImage ?? 'node:24',
    'sh',
    '-c',
    'npx -y pnpm@10.34.9 install --frozen-lockfile && npx -y pnpm@10.34.9 lint',
  ]);
  expect(r.code, `${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`).toBe(0);
  // The store really is inside the clone, where the linter walks.
  expect(readdirSync(join(copy, '.pnpm-store')).length).toBeGreaterThan(0);
  expect(`${r.stdout}${r.stderr}`).toMatch(/Checked \d+ files/);
});
