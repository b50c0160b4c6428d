/**
 * A folder, or a FIFO, where a command expects a file (io/read-text-file.ts): one line naming the path,
 * exit 2 (it was EISDIR as exit 70, and a FIFO made check-dockerfiles wait forever). In copies of this
 * repository's workspace, through the committed bundle.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { copyRepo, REPO_ROOT } from '../support/repo-copy.js';

const NEEDED = /^(?:services|packages)\/|^(?:package\.json|pnpm-workspace\.yaml|pnpm-lock\.yaml|tsconfig\.json|\.dockerignore)$/;
let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function copy(): string {
  const { dir, cleanup } = copyRepo((p) => NEEDED.test(p));
  cleanups.push(cleanup);
  return dir;
}

function checkDockerfiles(dir: string) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/dist/pipeline.cjs'), 'check-dockerfiles', '--cwd', dir], {
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(r: ReturnType<typeof checkDockerfiles>, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr.split('\n').slice(0, -1), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

test('a folder where a service Dockerfile should be', () => {
  const dir = copy();
  rmSync(join(dir, 'services/chat-service/Dockerfile'));
  mkdirSync(join(dir, 'services/chat-service/Dockerfile'));
  expectOneLine(checkDockerfiles(dir), /^error: "services\/chat-service\/Dockerfile": not a file \(a folder, a pipe or a device\); expected a file$/m);
});

test('a FIFO where a service Dockerfile should be: refused, not waited on', () => {
  const dir = copy();
  rmSync(join(dir, 'services/chat-service/Dockerfile'));
  execFileSync('mkfifo', [join(dir, 'services/chat-service/Dockerfile')]);
  expectOneLine(checkDockerfiles(dir), /^error: "services\/chat-service\/Dockerfile": not a file/m);
});

test('a folder where pnpm-workspace.yaml should be', () => {
  const dir = copy();
  rmSync(join(dir, 'pnpm-workspace.yaml'));
  mkdirSync(join(dir, 'pnpm-workspace.yaml'));
  expectOneLine(checkDockerfiles(dir), /^error: "pnpm-workspace\.yaml": not a file/m);
});

test('a folder or a FIFO where the root package.json should be (check-dockerfiles read it with a plain read: EISDIR as exit 70, or a hang)', () => {
  const dir = copy();
  rmSync(join(dir, 'package.json'));
  mkdirSync(join(dir, 'package.json'));
  expectOneLine(checkDockerfiles(dir), /^error: "package\.json": not a file/m);
  rmSync(join(dir, 'package.json'), { recursive: true });
  execFileSync('mkfifo', [join(dir, 'package.json')]);
  expectOneLine(checkDockerfiles(dir), /^error: "package\.json": not a file/m);
});

test('verify-image: a folder where package.json or docker-compose.yml should be is bad input before any engine is asked', () => {
  const dir = copy();
  mkdirSync(join(dir, 'docker-compose.yml'));
  const run = () =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/dist/pipeline.cjs'), 'verify-image', 'api-gateway', '--image', 'x', '--cwd', dir], {
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
      env: { PATH: process.env['PATH'] ?? '', DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
  const compose = run();
  expect({ code: compose.status, stderr: compose.stderr }).toEqual({
    code: 2,
    stderr: 'error: "docker-compose.yml": not a file (a folder, a pipe or a device); expected a file\n',
  });
  rmSync(join(dir, 'package.json'));
  mkdirSync(join(dir, 'package.json'));
  const manifest = run();
  expect({ code: manifest.status, stderr: manifest.stderr }).toEqual({ code: 2, stderr: 'error: "package.json": not a file (a folder, a pipe or a device); expected a file\n' });
});
