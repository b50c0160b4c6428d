/** Real temporary git repositories for the plan tests, and a way to run `pipeline plan` in them. */
import { runCommand } from '../support/cli.js';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../scripts/commands/plan.js';
import type { Plan } from '../../scripts/plan/plan-types.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
/** The trusted CLI the fixture plans run (the test's own file, never the planned repository's). */
export const STUB_CLI = join(FIXTURES, 'pipeline-stub.cjs');

const IDENTITY = { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...IDENTITY } }).trim();
}

export class TempRepo {
  /** A new repository in `dir` (a fresh temporary folder by default; files already there stay, uncommitted). */
  constructor(readonly dir: string = mkdtempSync(join(tmpdir(), 'plan-repo-'))) {
    git(this.dir, 'init', '-q', '-b', 'main');
    git(this.dir, 'config', 'commit.gpgsign', 'false');
  }

  /** The fixture repository (workflows, services); plans of it run STUB_CLI as their trusted CLI. */
  static fromFixture(): TempRepo {
    const repo = new TempRepo();
    cpSync(join(FIXTURES, 'repo'), repo.dir, { recursive: true });
    repo.commit('initial');
    return repo;
  }

  write(files: Readonly<Record<string, string>>): void {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), content);
    }
  }

  commit(message: string, files: Readonly<Record<string, string>> = {}): string {
    this.write(files);
    git(this.dir, 'add', '-A');
    git(this.dir, 'commit', '-q', '--allow-empty', '-m', message);
    return git(this.dir, 'rev-parse', 'HEAD');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface PlanRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command in-process, with the contract of scripts/pipeline.ts (test/support/cli.ts); `cli` is the trusted CLI it runs steps with. */
export function runPlan(cwd: string, argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, cli = STUB_CLI): Promise<PlanRun> {
  return runCommand(run, argv, { cwd, env, cli });
}

export async function planJson(cwd: string, argv: readonly string[], cli = STUB_CLI): Promise<Plan & { code: number }> {
  const result = await runPlan(cwd, [...argv, '--json'], process.env, cli);
  if (result.code === 2) throw new Error(`plan failed: ${result.stderr}`);
  const plan: Plan = JSON.parse(result.stdout);
  return { ...plan, code: result.code };
}
