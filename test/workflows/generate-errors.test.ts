/**
 * `pnpm workflows` on a repository it cannot read: the workflows list the workspace's services and read
 * pnpm's version from package.json when they load, and that happens inside the command, so a missing
 * pnpm-workspace.yaml or a bad `packageManager` is one line and exit 2, like any other bad input (it was a
 * stack trace of the import). Run in copies of this repository's sources, with its node_modules linked.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

test('a workflow source that breaks a generation rule: exit 2, one line naming each problem', () => {
  const dir = copy();
  const file = join(dir, 'workflows-src/ci.wac.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain('timeoutMinutes: 30,');
  writeFileSync(file, source.replace('timeoutMinutes: 30,', ''));
  expectOneLine(
    workflows(dir, '--check'),
    /^error: 2 workflow rule violation\(s\): ci\.yml: job "build": no timeout-minutes: .*; ci\.yml: job "publish": no timeout-minutes: .*; fix the workflow in workflows-src\/$/m,
  );
}, 180_000);

test('a workspace without services: deploy.yml has none to offer: exit 2, one line', () => {
  const dir = copy();
  for (const entry of readdirSync(join(dir, 'services'))) rmSync(join(dir, 'services', entry), { recursive: true, force: true });
  expectOneLine(workflows(dir, '--check'), /^error: deploy\.yml: no services to choose from; add a service to the workspace$/m);
}, 180_000);

function run(dir: string, script: string, ...argv: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, script), ...argv], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a pipeline.config.ts that does not compile: generate, workflows and bundle name its line, exit 2 (was a stack trace or exit 70)', () => {
  const dir = copy();
  const file = join(dir, 'pipeline.config.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain("defaultBranch: 'main',");
  writeFileSync(file, source.replace("defaultBranch: 'main',", "defaultBranch: 'main'"));
  const line = /^error: pipeline\.config\.ts:\d+:\d+: .+; fix the file and run again$/m;
  expectOneLine(run(dir, 'scripts/generate-dockerfiles.ts', '--check'), line);
  expectOneLine(workflows(dir, '--check'), line);
  expectOneLine(run(dir, 'scripts/bundle.ts', '--check'), line);
}, 300_000);

test('a pipeline.config.ts that throws when it runs (an unset variable read, a getter): every entry names the file and the error, exit 2 (it was exit 70)', () => {
  const dir = copy();
  const file = join(dir, 'pipeline.config.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain("defaultBranch: 'main',");
  writeFileSync(file, source.replace("defaultBranch: 'main',", "defaultBranch: (process.env['PIPELINE_TEST_UNSET'] as unknown as string).trim(),"));
  const line = /^error: pipeline\.config\.ts: running it threw TypeError: Cannot read properties of undefined \(reading 'trim'\); fix the file and run again$/m;
  expectOneLine(run(dir, 'scripts/generate-dockerfiles.ts', '--check'), line);
  expectOneLine(workflows(dir, '--check'), line);
  expectOneLine(run(dir, 'scripts/bundle.ts', '--check'), line);
}, 300_000);

test('a folder named like a workflow: exit 2, one line, and no workflow written (ci.yml stays stale)', () => {
  const dir = copy();
  mkdirSync(join(dir, '.github/workflows/extra.yml'), { recursive: true });
  writeFileSync(join(dir, '.github/workflows/ci.yml'), 'stale\n');
  expectOneLine(workflows(dir), /^error: \.github\/workflows\/extra\.yml: not a file; a workflow is a file, remove or rename it$/m);
  expect(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')).toBe('stale\n');
});

test('a link named like a workflow is an extra file, not refused: --check names it (exit 1)', () => {
  const dir = copy();
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  symlinkSync(join(dir, 'package.json'), join(dir, '.github/workflows/extra.yml'));
  const r = workflows(dir, '--check');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/\.github\/workflows\/extra\.yml extra/);
});

test('.github/workflows that is a file: exit 2, one line', () => {
  const dir = copy();
  mkdirSync(join(dir, '.github'), { recursive: true });
  writeFileSync(join(dir, '.github/workflows'), 'x\n');
  expectOneLine(workflows(dir, '--check'), /^error: \.github\/workflows: not a folder; move the file away and run again$/m);
});

test('the help needs no workspace: it is printed before the workflows load', () => {
  const dir = copy();
  rmSync(join(dir, 'pnpm-workspace.yaml'));
  const r = workflows(dir, '--help');
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/^usage: pnpm workflows/);
});

test('a pipeline.config.ts with a setting of the wrong form: every entry that reads it names the setting, exit 2 (an empty marker was read as a folder)', () => {
  const dir = copy();
  const file = join(dir, 'pipeline.config.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain("marker: 'Dockerfile',");
  writeFileSync(file, source.replace("marker: 'Dockerfile',", "marker: '',"));
  const line = /^error: pipeline\.config\.ts: services\.marker is ""; expected a file name, e\.g\. "Dockerfile" \(no "\/" or "\\", no space at either end\)$/m;
  expectOneLine(run(dir, 'scripts/generate-dockerfiles.ts', '--check'), line);
  expectOneLine(workflows(dir, '--check'), line);
  expectOneLine(run(dir, 'scripts/bundle.ts', '--check'), line);
  expectOneLine(run(dir, 'scripts/pipeline.ts', 'check-dockerfiles'), line);
}, 300_000);

test('a negated ignore glob ignored every other file (a service change affected nothing): refused before any command runs', () => {
  const dir = copy();
  const file = join(dir, 'pipeline.config.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain("ignore: ['**/*.md', 'docs/**'],");
  writeFileSync(file, source.replace("ignore: ['**/*.md', 'docs/**'],", "ignore: ['**/*.md', '!docs/**'],"));
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const service = readdirSync(join(dir, 'services')).find((s) => !s.includes('.')) ?? '';
  writeFileSync(join(dir, 'services', service, 'changed.ts'), 'export const changed = 1;\n');
  git('add', '-A');
  expect(git('commit', '-q', '-m', 'change a service').status).toBe(0);
  expectOneLine(
    run(dir, 'scripts/pipeline.ts', 'affected', '--base', 'HEAD~1', '--head', 'HEAD', '--json'),
    /^error: pipeline\.config\.ts: affected\.ignore\[1\] is "!docs\/\*\*"; expected a glob from the repository root/m,
  );
}, 120_000);
