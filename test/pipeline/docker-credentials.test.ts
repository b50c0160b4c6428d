/**
 * The Docker credential helper as docker runs it (io/docker-credentials.ts), with real helper programs
 * on PATH: a helper that exits without reading the host on its stdin made the write fail with EPIPE,
 * an unhandled 'error' event (a stack trace) in most runs; its exit is the answer.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dockerCredentials } from '../../scripts/io/docker-credentials.js';
import { RegistryError } from '../../scripts/io/registry.js';

let dir = '';
let path = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cred-helper-'));
  const helper = (name: string, body: string) => {
    writeFileSync(join(dir, `docker-credential-${name}`), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, `docker-credential-${name}`), 0o755);
  };
  // Closes its input at once and answers "not found" later: the host cannot be written to it.
  helper('closed', 'exec 0<&-\nsleep 0.2\nexit 1');
  helper('ok', 'read host\nprintf \'{"Username":"u","Secret":"s-%s"}\' "$host"');
  path = process.env['PATH'] ?? '';
  process.env['PATH'] = `${dir}${delimiter}${path}`;
});
afterAll(() => {
  process.env['PATH'] = path;
  rmSync(dir, { recursive: true, force: true });
});

const config = (helper: string) => {
  const home = mkdtempSync(join(dir, 'home-'));
  writeFileSync(join(home, 'config.json'), JSON.stringify({ credsStore: helper }));
  return { DOCKER_CONFIG: home };
};

test('a helper that exits without reading its input: no credentials, and no unhandled error (10 runs)', async () => {
  for (let i = 0; i < 10; i++) expect(await dockerCredentials(config('closed'), 'registry.example')).toEqual({ kind: 'none' });
});

test('a helper that answers: its user and secret, for the host it was given', async () => {
  expect(await dockerCredentials(config('ok'), 'registry.example')).toEqual({ kind: 'basic', username: 'u', password: 's-registry.example' });
});

test('a FIFO or a folder where config.json should be: one registry error naming it, at once (a FIFO held the read past the bound)', async () => {
  for (const make of [(p: string) => execFileSync('mkfifo', [p]), (p: string) => mkdirSync(p)]) {
    const home = mkdtempSync(join(dir, 'home-'));
    make(join(home, 'config.json'));
    const asked = dockerCredentials({ DOCKER_CONFIG: home }, 'ghcr.io', 60_000);
    await expect(asked).rejects.toThrow(RegistryError);
    await expect(asked).rejects.toThrow(
      `the Docker config file ${join(home, 'config.json')} is not a file (a folder, a pipe or a device); run \`docker login ghcr.io\` or point DOCKER_CONFIG at a folder holding config.json`,
    );
  }
});
