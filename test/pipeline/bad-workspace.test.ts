/**
 * Workspace files a person can break by hand: each is one line naming the file and the fix, exit 2,
 * in every command that reads it (never "internal error", a stack trace or a silent "0 Dockerfiles").
 * A copy of this repository in a real temporary git repository; the commands run as CI runs them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunResult, ROOT, runBundle } from '../support/cli.js';
import { copyRepo } from '../support/repo-copy.js';

let repo: { dir: string; cleanup: () => void };
let base = '';
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim();

beforeAll(() => {
  repo = copyRepo((p) => p === 'package.json' || p === 'pnpm-workspace.yaml' || p === 'pnpm-lock.yaml' || p.startsWith('services/') || p.startsWith('packages/'));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'base');
  base = git('rev-parse', 'HEAD');
});
afterAll(() => repo.cleanup());

function commitFile(path: string, text: string): void {
  writeFileSync(join(repo.dir, path), text);
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', `break ${path}`);
}

function restore(): void {
  rmSync(join(repo.dir, 'services/chat-service/Dockerfile'), { recursive: true, force: true });
  git('reset', '-q', '--hard', base);
}

const generate = (): RunResult => {
  // tsx by URL: resolved from this repository, not from the broken copy's package.json.
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts/generate-dockerfiles.ts'), '--check'], { cwd: repo.dir, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

function expectOneLine(r: RunResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
  expect(r.stderr).toMatch(pattern);
}

describe.each([
  ['a root package.json that is not JSON', 'package.json', '{not json', /package\.json.*not valid JSON/],
  ['an absolute workspace glob', 'pnpm-workspace.yaml', 'packages:\n  - "/services/*"\n  - packages/*\n', /the package glob "\/services\/\*" is not usable: it is absolute/],
  ['a workspace glob through ..', 'pnpm-workspace.yaml', 'packages:\n  - ../elsewhere/*\n', /the package glob "\.\.\/elsewhere\/\*" is not usable: it leaves the workspace/],
  ['a workspace file that is not YAML', 'pnpm-workspace.yaml', 'packages: [\n', /pnpm-workspace\.yaml.*not valid YAML/],
])('%s', (_, file, text, message) => {
  beforeAll(() => commitFile(file, text));
  afterAll(restore);
  test('affected', () => expectOneLine(runBundle(['affected', '--base', 'HEAD~1', '--head', 'HEAD'], { cwd: repo.dir }), message));
  test('check-dockerfiles', () => expectOneLine(runBundle(['check-dockerfiles'], { cwd: repo.dir }), message));
  test('generate', () => expectOneLine(generate(), message));
});

test('pnpm generate with a Dockerfile path that is a folder: exit 2 naming it, and no file written (all or none)', () => {
  // Every generated file made stale, so that a write of any of them would show.
  writeFileSync(join(repo.dir, 'services/Dockerfile.template'), `${readFileSync(join(repo.dir, 'services/Dockerfile.template'), 'utf8')}\n# changed\n`);
  const dockerfile = join(repo.dir, 'services/chat-service/Dockerfile');
  rmSync(dockerfile);
  mkdirSync(dockerfile);
  const before = snapshot();
  for (const argv of [['--check'], []]) {
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts/generate-dockerfiles.ts'), ...argv], { cwd: repo.dir, encoding: 'utf8' });
    expect({ argv, code: r.status, lines: r.stderr.trimEnd().split('\n').length }).toEqual({ argv, code: 2, lines: 1 });
    expect(r.stderr).toContain(`generated file ${JSON.stringify(dockerfile)}: is a folder`);
  }
  expect(snapshot()).toEqual(before);
  restore();
});

/** Every file's text under services/ and the compose file (the generator's outputs). */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of git('ls-files', 'services', 'docker-compose.yml').split('\n')) {
    const abs = join(repo.dir, file);
    out[file] = existsSync(abs) && !statSync(abs).isDirectory() ? readFileSync(abs, 'utf8') : '<folder or gone>';
  }
  return out;
}
