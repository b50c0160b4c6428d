/**
 * Real temporary git repositories holding a small pnpm workspace, and two ways to run
 * `pipeline affected` on them: in-process through the command module (the sources), or as a
 * subprocess through the committed bundle (`node scripts/dist/pipeline.cjs`), as CI runs it.
 */
import { type RunResult, runCommand } from '../../support/cli.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from '../../../scripts/commands/affected.js';

export const BUNDLE = resolve('scripts/dist/pipeline.cjs');

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

export function git(cwd: string, ...args: string[]): string {
  // git's stderr is captured, not let through: a failure throws with it in the message (a test that
  // expects git to fail, like `cat-file -e` of a missing commit, prints nothing).
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...GIT_ENV } }).trim();
}

export function write(root: string, files: Record<string, string | null>): void {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path);
    if (text === null) rmSync(file, { force: true, recursive: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
}

/** Writes the files, commits everything, returns the new commit's SHA. */
export function commit(root: string, message: string, files: Record<string, string | null> = {}): string {
  write(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

const manifest = (name: string, deps: Record<string, string> = {}) => `${JSON.stringify({ name, version: '1.0.0', dependencies: deps }, null, 2)}\n`;

export function importer(deps: Record<string, string>): string {
  const lines = Object.entries(deps).map(
    ([name, version]) => `      '${name}':\n        specifier: ${version.startsWith('link:') ? 'workspace:*' : `^${version}`}\n        version: ${version}`,
  );
  return lines.length === 0 ? '{}' : `\n    dependencies:\n${lines.join('\n')}`;
}

export function lockfile(betaLeftPad = '1.3.0'): string {
  return `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .: {}

  packages/auth:${importer({ '@kc/core': 'link:../core' })}

  packages/core:${importer({ 'is-odd': '3.0.1' })}

  services/alpha:${importer({ '@kc/auth': 'link:../../packages/auth' })}

  services/beta:${importer({ '@kc/core': 'link:../../packages/core', 'left-pad': betaLeftPad })}

  services/gamma:${importer({ 'is-odd': '3.0.1' })}

packages:

  is-odd@3.0.1:
    resolution: {integrity: sha512-odd}

  left-pad@${betaLeftPad}:
    resolution: {integrity: sha512-pad${betaLeftPad}}

snapshots:

  is-odd@3.0.1: {}

  left-pad@${betaLeftPad}: {}
`;
}

/** core <- auth <- alpha; core <- beta; gamma alone. alpha, beta and gamma are services (they hold a Dockerfile). */
export const WORKSPACE: Record<string, string> = {
  'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'services/*'\n",
  'package.json': `${JSON.stringify({ name: 'root', private: true, packageManager: 'pnpm@10.0.0', scripts: { test: 'vitest' } }, null, 2)}\n`,
  'pnpm-lock.yaml': lockfile(),
  'README.md': '# fixture\n',
  'scripts/tool.ts': 'export {};\n',
  'packages/core/package.json': manifest('@kc/core'),
  'packages/core/src/index.ts': 'export const core = 1;\n',
  'packages/auth/package.json': manifest('@kc/auth', { '@kc/core': 'workspace:*' }),
  'packages/auth/src/index.ts': 'export const auth = 1;\n',
  'services/alpha/package.json': manifest('@kc/alpha', { '@kc/auth': 'workspace:*' }),
  'services/alpha/Dockerfile': 'FROM node:24\n',
  'services/alpha/src/main.ts': 'export {};\n',
  'services/beta/package.json': manifest('@kc/beta', { '@kc/core': 'workspace:*' }),
  'services/beta/Dockerfile': 'FROM node:24\n',
  'services/beta/src/main.ts': 'export {};\n',
  'services/gamma/package.json': manifest('@kc/gamma'),
  'services/gamma/Dockerfile': 'FROM node:24\n',
  'services/gamma/src/main.ts': 'export {};\n',
};

const made: string[] = [];

export function tempDir(prefix = 'affected-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A repository on `main` with the workspace committed; returns its folder and the first commit. */
export function makeRepo(files: Record<string, string> = WORKSPACE): { root: string; first: string } {
  const root = tempDir();
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.name', 'Test');
  git(root, 'config', 'user.email', 'test@example.com');
  const first = commit(root, 'workspace', files);
  return { root, first };
}

export type { RunResult };

/** In-process, through the command module, with the contract of scripts/pipeline.ts (test/support/cli.ts). */
export function affected(cwd: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runCommand(run, args, { cwd, env });
}

/** The names of the packages `affected` lists between two commits (in-process); a run that exits non-zero or writes to stderr fails. */
export async function affectedNames(root: string, base: string, head: string): Promise<string[]> {
  const r = await affected(root, ['--json', '--base', base, '--head', head]);
  if (r.code !== 0 || r.stderr !== '') throw new Error(`affected exited ${r.code}: ${r.stderr}`);
  return parseJson(r).packages.map((p) => p.name);
}

/** Through the committed bundle, with a clean environment plus `env`. */
export function bundled(cwd: string, args: string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(process.execPath, [BUNDLE, 'affected', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), ...env },
    // A command that does not end (a git process left waiting) fails the test instead of hanging it.
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.error ? `${r.stderr}\n${r.error.message}` : r.stderr };
}

export interface Json {
  base: string | null;
  head: string;
  strategy: string;
  changedFiles: number;
  tooling: boolean;
  global: boolean;
  packages: Array<{ name: string; path: string; reasons: string[] }>;
  services: Array<{ name: string; path: string; reasons: string[] }>;
  matrix: { include: Array<{ service: string; package: string; path: string; dockerfile: string; image: string }> };
  reasons: { global: string[]; tooling: string[] };
  warnings: string[];
}

export function parseJson(r: RunResult): Json {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Json;
}

export function eventFile(payload: object): string {
  const file = join(tempDir('event-'), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

/**
 * A PATH whose `git` refuses `cat-file --batch-command` the way git < 2.36 does (a usage error,
 * exit 129) and is the real git otherwise. An old git cannot be installed here; this is the one
 * stand-in of these tests, and it only removes a feature.
 */
export function pathWithOldGit(): string {
  const bin = tempDir('old-git-');
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = "--batch-command" ]; then echo "error: unknown option \\\`batch-command'" >&2; exit 129; fi\ndone\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  );
  return `${bin}:${process.env['PATH'] ?? ''}`;
}
