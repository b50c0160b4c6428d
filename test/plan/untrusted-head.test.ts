// Planning someone else's branch runs none of its code: not its bundle (the trusted CLI runs the steps),
// not a file its workflow's env names (BASH_ENV, NODE_OPTIONS, ...). And an interrupted plan leaves no
// worktree or temporary folder behind, and the next plan removes those of a killed one.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createStepRunner, passesFromWorkflow, stepProcessEnv } from '../../scripts/io/plan/step-runner.js';
import type { Plan } from '../../scripts/plan/plan-types.js';
import { BUNDLE, runBundle } from '../support/cli.js';
import { git, runPlan, TempRepo } from './repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every name that makes bash, sh, Node, git, the dynamic loader, Perl, Python or OpenSSL load code. */
const LOADERS = [
  'BASH_ENV',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_REPL_EXTERNAL_MODULE',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'PERL5OPT',
  'PERL5LIB',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'GIT_EXEC_PATH',
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_ASKPASS',
  'GIT_EXTERNAL_DIFF',
  'GIT_PAGER',
  'GIT_EDITOR',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_GLOBAL',
  'GIT_DIR',
  'GIT_TEMPLATE_DIR',
  'OPENSSL_CONF',
  'PATH',
  'HOME',
  'IFS',
];

describe('the environment a planned workflow hands to an executed step', () => {
  test.each(LOADERS)('%s from the workflow never reaches the step process', (name) => {
    expect(passesFromWorkflow(name)).toBe(false);
    expect(stepProcessEnv({}, { [name]: './evil.sh' })[name]).toBeUndefined();
  });

  test('the runner context and the pipeline variables pass; the host keeps its own PATH', () => {
    const env = stepProcessEnv({ PATH: '/usr/bin', GITHUB_TOKEN: 'host-run-token' }, { GITHUB_SHA: 'abc', RUNNER_OS: 'Linux', CI: 'true', PIPELINE_DEBUG: '1', PATH: '/evil' });
    expect(env).toEqual({ PATH: '/usr/bin', GITHUB_SHA: 'abc', RUNNER_OS: 'Linux', CI: 'true', PIPELINE_DEBUG: '1' });
  });

  test('a real step process sees none of them, and the trusted CLI is what runs', async () => {
    const dir = tempDir('plan-env-');
    const cli = join(dir, 'trusted.cjs');
    writeFileSync(
      cli,
      "require('node:fs').appendFileSync(process.env.GITHUB_OUTPUT, 'names=' + Object.keys(process.env).sort().join(',') + '\\nargv=' + process.argv.slice(2).join(' ') + '\\n');\n",
    );
    const runner = createStepRunner({ cli, workspace: () => dir, temp: dir, host: { PATH: process.env['PATH'] ?? '' } });
    const result = await runner.run({
      argv: ['tags', '--service', '$(touch x)'],
      env: Object.fromEntries([...LOADERS, 'GITHUB_SHA'].map((n) => [n, 'x'])),
      workingDirectory: '',
      shell: undefined,
      payload: {},
    });
    expect(result.exitCode).toBe(0);
    const names = (result.outputs['names'] ?? '').split(',');
    expect(names).toContain('GITHUB_SHA');
    for (const name of LOADERS.filter((n) => n !== 'PATH')) expect(names).not.toContain(name);
    expect(result.outputs['argv']).toBe('tags --service $(touch x)');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  test('a working-directory outside the workspace is not run', async () => {
    const dir = tempDir('plan-wd-');
    const runner = createStepRunner({ cli: join(dir, 'none.cjs'), workspace: () => join(dir, 'ws'), temp: dir, host: {} });
    const result = await runner.run({ argv: ['affected'], env: {}, workingDirectory: '../..', shell: undefined, payload: {} });
    expect(result).toMatchObject({ exitCode: 2, stderr: 'working-directory "../.." is outside the workspace' });
  });
});

/** A branch whose bundle, and whose step environment, would each write a marker file. */
function hostileBranch(markers: string): TempRepo {
  const repo = TempRepo.fromFixture();
  cleanups.push(() => repo.remove());
  const ci = readFileSync(join(repo.dir, '.github/workflows/ci.yml'), 'utf8');
  const hostileEnv = [
    'BASH_ENV: ./evil.sh',
    'ENV: ./evil.sh',
    'NODE_OPTIONS: --require ./evil.cjs',
    'LD_PRELOAD: ./evil.so',
    "GIT_CONFIG_COUNT: '1'",
    'GIT_CONFIG_KEY_0: core.fsmonitor',
    'GIT_CONFIG_VALUE_0: ./evil.sh',
    'GIT_EXTERNAL_DIFF: ./evil.sh',
  ]
    .map((l) => `          ${l}`)
    .join('\n');
  git(repo.dir, 'checkout', '-q', '-b', 'contrib');
  repo.commit('hostile', {
    'scripts/dist/pipeline.cjs': `require('node:fs').writeFileSync(${JSON.stringify(join(markers, 'bundle'))}, 'ran');\n`,
    'evil.sh': `#!/bin/sh\ntouch ${JSON.stringify(join(markers, 'shell'))}\n`,
    'evil.cjs': `require('node:fs').writeFileSync(${JSON.stringify(join(markers, 'node-options'))}, 'ran');\n`,
    '.github/workflows/ci.yml': ci.replace('PIPELINE_STUB_SELECT: ${{ inputs.service }}', `PIPELINE_STUB_SELECT: \${{ inputs.service }}\n${hostileEnv}`),
    'services/api/index.js': 'changed\n',
  });
  git(repo.dir, 'checkout', '-q', 'main');
  return repo;
}

const affectedStep = (plan: Plan) => plan.workflows.find((w) => w.file === '.github/workflows/ci.yml')?.jobs.find((j) => j.id === 'changes')?.legs[0]?.steps[1];

describe('planning a hostile branch runs none of its code', () => {
  test('in-process: the trusted CLI runs the step, the branch bundle and its env run nothing', async () => {
    const markers = tempDir('plan-markers-');
    const repo = hostileBranch(markers);
    const result = await runPlan(repo.dir, ['--event', 'pull_request', '--head', 'contrib', '--fork', '--json']);
    const plan: Plan = JSON.parse(result.stdout);
    // The stub (the trusted CLI here) computed the outputs: the step was executed for real.
    expect(affectedStep(plan)?.executed).toMatchObject({ exitCode: 0, outputs: { services: '["api"]' } });
    expect(readdirSync(markers)).toEqual([]);
  });

  test('through the committed bundle: it runs itself, resolved from its own location, not the branch copy', () => {
    const markers = tempDir('plan-markers-');
    const repo = hostileBranch(markers);
    const result = runBundle(['plan', '--event', 'pull_request', '--head', 'contrib', '--fork', '--json'], { cwd: repo.dir });
    const plan: Plan = JSON.parse(result.stdout);
    // The fixture is no pnpm workspace, so this checkout's `affected` refuses it: proof that it, not the branch's bundle, ran.
    expect(affectedStep(plan)?.executed?.exitCode).toBe(2);
    expect(affectedStep(plan)?.executed?.error).toMatch(/pnpm-workspace\.yaml|package\.json/);
    expect(readdirSync(markers)).toEqual([]);
  });
});

describe('an interrupted plan cleans up', () => {
  /** A repository whose plan runs 40 different steps with the real bundle, so that a signal arrives mid-run. */
  function slowRepo(): TempRepo {
    const repo = TempRepo.fromFixture();
    cleanups.push(() => repo.remove());
    // Each step's environment differs: identical steps run once (io/plan/step-runner.ts), and 40 runs of
    // one would end the plan before the signal arrives on a busy machine.
    const steps = Array.from(
      { length: 40 },
      (_, i) => `      - continue-on-error: true\n        env:\n          STEP: '${i}'\n        run: node scripts/dist/pipeline.cjs affected --json\n`,
    ).join('');
    repo.commit('slow', {
      '.github/workflows/ci.yml': `name: slow\non: push\npermissions: {}\njobs:\n  slow:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    permissions: {}\n    steps:\n${steps}`,
    });
    git(repo.dir, 'rm', '-q', '.github/workflows/release.yml', '.github/workflows/deploy.yml');
    repo.commit('only the slow workflow');
    return repo;
  }

  const leftovers = (temp: string) => readdirSync(temp).filter((n) => n.startsWith('pipeline-plan-'));
  const worktrees = (repo: TempRepo) => git(repo.dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)?.length;
  /** While the plan is adding its worktree, git may read it half-written: a failed listing counts as not there yet. */
  const worktreesSoFar = (repo: TempRepo) => {
    try {
      return worktrees(repo);
    } catch {
      return undefined;
    }
  };

  async function startAndSignal(repo: TempRepo, temp: string, signal: NodeJS.Signals): Promise<number | null> {
    const child: ChildProcess = spawn(process.execPath, [BUNDLE, 'plan', '--event', 'push'], {
      cwd: repo.dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TMPDIR: temp },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code, sig) => done(code ?? (sig === signal ? -1 : null))));
    // Wait until the worktree is registered, then signal.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (worktreesSoFar(repo) ?? 0) < 2) await new Promise((r) => setTimeout(r, 5));
    // Settled: the worktree is fully written once a listing succeeds with it.
    await new Promise((r) => setTimeout(r, 20));
    expect(worktreesSoFar(repo)).toBe(2);
    child.kill(signal);
    return exited;
  }

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exit %i, no worktree registered, no pipeline-plan-* folder', async (signal, code) => {
    const repo = slowRepo();
    const temp = tempDir('plan-signal-');
    expect(await startAndSignal(repo, temp, signal)).toBe(code);
    expect(worktrees(repo)).toBe(1);
    expect(leftovers(temp)).toEqual([]);
  });

  test('a killed plan (SIGKILL cannot be caught) leaves things behind; the next plan removes them', async () => {
    const repo = slowRepo();
    const temp = tempDir('plan-killed-');
    expect(await startAndSignal(repo, temp, 'SIGKILL')).toBe(-1);
    expect(worktrees(repo)).toBe(2);
    expect(leftovers(temp)).toHaveLength(1);
    const next = runBundle(['plan', '--event', 'push', '--json'], { cwd: repo.dir, env: { TMPDIR: temp } });
    expect(next.stderr).toBe('');
    expect(worktrees(repo)).toBe(1);
    expect(leftovers(temp)).toEqual([]);
  });
});
