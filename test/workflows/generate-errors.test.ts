/**
 * `pnpm workflows` on a repository it cannot read: the workflows list the workspace's services and read
 * pnpm's version from package.json when they load, and that happens inside the command, so a missing
 * pnpm-workspace.yaml or a bad `packageManager` is one line and exit 2, like any other bad input (it was a
 * stack trace of the import). Run in copies of this repository's sources, with its node_modules linked.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { copyRepo, REPO_ROOT } from '../support/repo-copy.js';

const NEEDED = /^(?:workflows-src|scripts|services|packages)\/|^(?:package\.json|pipeline\.config\.ts|pnpm-workspace\.yaml|tsconfig\.json)$/;

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function copy(): string {
  const { dir, cleanup } = copyRepo((p) => NEEDED.test(p) && !p.startsWith('scripts/dist/'));
  cleanups.push(cleanup);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function workflows(dir: string, ...argv: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'workflows-src/generate.ts'), ...argv], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(r: ReturnType<typeof workflows>, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr.split('\n').slice(0, -1), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).toMatch(pattern);
}

test('without pnpm-workspace.yaml: exit 2, one line naming the file, no stack trace', () => {
  const dir = copy();
  rmSync(join(dir, 'pnpm-workspace.yaml'));
  expectOneLine(workflows(dir, '--check'), /^error: .*pnpm-workspace\.yaml/);
}, 180_000);

test('with a packageManager that names no pnpm version: exit 2, one line naming the field and the form', () => {
  const dir = copy();
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ ...manifest, packageManager: 'pnpm@latest' }, null, 2)}\n`);
  expectOneLine(workflows(dir, '--check'), /^error: package\.json: "packageManager" is "pnpm@latest"; expected "pnpm@<major\.minor\.patch>"$/m);
}, 180_000);

test('the help needs no workspace: it is printed before the workflows load', () => {
  const dir = copy();
  rmSync(join(dir, 'pnpm-workspace.yaml'));
  const r = workflows(dir, '--help');
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/^usage: pnpm workflows/);
});
