/**
 * Runs an output-computing step for real, the way the runner does: the script in a file run by the
 * step's shell (bash --noprofile --norc -eo pipefail by default) in the workspace (the evaluated
 * commit's tree, see checkout.ts), with the evaluated environment and fresh GITHUB_OUTPUT / GITHUB_ENV
 * / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH files in a temporary folder that is removed afterwards. The host's own GITHUB_* variables are not passed on,
 * so a plan run inside Actions does not leak the real run's files into the planned step.
 * Steps run at most `parallel` at a time (matrix legs are planned concurrently), and a request made
 * twice (same script, environment, folder, shell and event) runs once: the steps it runs only compute
 * outputs from the commit, so the second gets the first's result.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommandFile } from '../../plan/command-files.js';
import type { StepRunner, StepRunRequest, StepRunResult } from '../../plan/engine.js';

/** The runner's shell templates (`{0}` = the script file). */
const SHELLS: Readonly<Record<string, readonly string[]>> = {
  bash: ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
  sh: ['sh', '-e', '{0}'],
};

const HOST_ONLY = /^(GITHUB_|RUNNER_|ACTIONS_|INPUT_|STATE_)|^CI$/;

function hostEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !HOST_ONLY.test(k)) out[k] = v;
  return out;
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** At most `limit` calls of `task` at a time. */
function limited<A, R>(limit: number, task: (arg: A) => Promise<R>): (arg: A) => Promise<R> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (arg) => {
    if (active >= limit) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await task(arg);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** `workspace` gives the folder the steps run in (called on the first step, so a plan that runs none checks out nothing); `ran` is told each run's milliseconds. */
export function createStepRunner(
  workspace: () => string,
  host: Readonly<Record<string, string | undefined>>,
  parallel: number = Math.max(2, availableParallelism()),
  ran: (ms: number) => void = () => {},
): StepRunner {
  const once = new Map<string, Promise<StepRunResult>>();
  const run = limited(parallel, async (request: StepRunRequest) => {
    const start = performance.now();
    const result = await runStep(workspace, host, request);
    ran(performance.now() - start);
    return result;
  });
  return {
    run(request: StepRunRequest): Promise<StepRunResult> {
      const key = JSON.stringify([request.script, Object.entries(request.env).sort(), request.workingDirectory, request.shell ?? null, request.payload]);
      const known = once.get(key);
      if (known !== undefined) return known;
      const result = run(request);
      once.set(key, result);
      return result;
    },
  };
}

async function runStep(workspace: () => string, host: Readonly<Record<string, string | undefined>>, request: StepRunRequest): Promise<StepRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-plan-step-'));
  try {
    const files = { output: join(dir, 'output'), env: join(dir, 'env'), summary: join(dir, 'summary'), path: join(dir, 'path'), event: join(dir, 'event.json') };
    for (const f of [files.output, files.env, files.summary, files.path]) writeFileSync(f, '');
    writeFileSync(files.event, JSON.stringify(request.payload));
    const script = join(dir, 'step.sh');
    writeFileSync(script, request.script);
    const template = SHELLS[request.shell ?? 'bash'];
    if (!template) return { exitCode: 127, outputs: {}, env: {}, stderr: `shell ${request.shell} is not supported by the plan (bash, sh)` };
    const [cmd = 'bash', ...args] = template.map((a) => (a === '{0}' ? script : a));
    const env = {
      ...hostEnv(host),
      ...request.env,
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_PATH: files.path,
      GITHUB_EVENT_PATH: files.event,
      RUNNER_TEMP: dir,
    };
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((done) => {
      const child = spawn(cmd, args, { cwd: resolve(workspace(), request.workingDirectory), env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        err += chunk;
      });
      child.on('error', (e) => done({ code: 127, stderr: `${err}${e.message}` }));
      child.on('close', (c) => done({ code: c ?? 1, stderr: err }));
    });
    try {
      return { exitCode: code, outputs: parseCommandFile('GITHUB_OUTPUT', readFile(files.output)), env: parseCommandFile('GITHUB_ENV', readFile(files.env)), stderr };
    } catch (e) {
      return { exitCode: code === 0 ? 1 : code, outputs: {}, env: {}, stderr: `${stderr}${e instanceof Error ? e.message : String(e)}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
