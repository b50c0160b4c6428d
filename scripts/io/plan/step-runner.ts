/**
 * Runs an output-computing step for real, the way the runner would, but with nothing of the planned
 * commit's code: the plan's own trusted CLI (`cli`, the bundle that is running, never the checked-out
 * tree's scripts/dist) is started with plain node and the step's parsed words (pipeline-steps.ts), no
 * shell, in the workspace (the evaluated commit's tree, see checkout.ts). The step's environment comes
 * from the planned workflow, so only an allow-list of its names reaches the process (stepProcessEnv):
 * BASH_ENV, NODE_OPTIONS, LD_PRELOAD, GIT_CONFIG_* and every other name that makes a program load code
 * are dropped. Fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH files live in
 * a folder under the plan's temporary root, removed afterwards. The host's own GITHUB_* variables are
 * not passed on, so a plan run inside Actions does not leak the real run's files into the planned step.
 * Steps run at most `parallel` at a time (matrix legs are planned concurrently), and a request made
 * twice (same words, environment, folder, shell and event) runs once: the steps it runs only compute
 * outputs from the commit, so the second gets the first's result.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseCommandFile } from '../../plan/command-files.js';
import type { StepRunner, StepRunRequest, StepRunResult } from '../../plan/engine.js';

/** The shells whose semantics the plan's word parsing follows (pipeline-steps.ts); any other is not run. */
const SHELLS = new Set(['bash', 'sh']);

const HOST_ONLY = /^(GITHUB_|RUNNER_|ACTIONS_|INPUT_|STATE_)|^CI$/;

/**
 * The names a planned workflow may hand to the CLI: the runner's context variables (which the CLI
 * reads) and the pipeline's own. Nothing a shell, Node, git, the dynamic loader or OpenSSL reads.
 */
const FROM_WORKFLOW = /^(?:GITHUB_[A-Z0-9_]+|RUNNER_[A-Z0-9_]+|PIPELINE_[A-Z0-9_]+|CI)$/;

export const passesFromWorkflow = (name: string): boolean => FROM_WORKFLOW.test(name);

/** The step process's environment: the host's (the person running the plan, trusted) without its run's variables, then the allowed workflow names. */
export function stepProcessEnv(host: Readonly<Record<string, string | undefined>>, workflow: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(host)) if (v !== undefined && !HOST_ONLY.test(k)) out[k] = v;
  for (const [k, v] of Object.entries(workflow)) if (passesFromWorkflow(k)) out[k] = v;
  return out;
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface StepRunnerOptions {
  /** The trusted CLI entry (the running bundle, scripts/dist/pipeline.cjs of this checkout). */
  readonly cli: string;
  /** The folder the steps run in (called on the first step, so a plan that runs none checks out nothing). */
  readonly workspace: () => string;
  /** The plan's temporary root: step folders are made in it. */
  readonly temp: string;
  readonly host: Readonly<Record<string, string | undefined>>;
  /** Aborted when the plan is interrupted: the running step is killed. */
  readonly signal?: AbortSignal;
  /** How many steps run at once (default: the cores, at least 2). */
  readonly parallel?: number;
  /** Told each run's milliseconds (PIPELINE_TIMING). */
  readonly ran?: (ms: number) => void;
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

const failed = (exitCode: number, stderr: string): StepRunResult => ({ exitCode, outputs: {}, env: {}, stderr });

async function runStep(options: StepRunnerOptions, request: StepRunRequest): Promise<StepRunResult> {
  if (request.shell !== undefined && !SHELLS.has(request.shell)) return failed(127, `shell ${request.shell} is not supported by the plan (bash, sh)`);
  const workspace = options.workspace();
  const cwd = resolve(workspace, request.workingDirectory);
  const inside = relative(workspace, cwd);
  if (inside.startsWith('..') || resolve(workspace, inside) !== cwd) return failed(2, `working-directory ${JSON.stringify(request.workingDirectory)} is outside the workspace`);
  const dir = mkdtempSync(join(options.temp, 'step-'));
  try {
    const files = { output: join(dir, 'output'), env: join(dir, 'env'), summary: join(dir, 'summary'), path: join(dir, 'path'), event: join(dir, 'event.json') };
    for (const f of [files.output, files.env, files.summary, files.path]) writeFileSync(f, '');
    writeFileSync(files.event, JSON.stringify(request.payload));
    const env = {
      ...stepProcessEnv(options.host, request.env),
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_PATH: files.path,
      GITHUB_EVENT_PATH: files.event,
      RUNNER_TEMP: dir,
    };
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((done) => {
      const child = spawn(process.execPath, [options.cli, ...request.argv], {
        cwd,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
        ...(options.signal ? { signal: options.signal } : {}),
      });
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
      return failed(code === 0 ? 1 : code, `${stderr}${e instanceof Error ? e.message : String(e)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function createStepRunner(options: StepRunnerOptions): StepRunner {
  const once = new Map<string, Promise<StepRunResult>>();
  const run = limited(options.parallel ?? Math.max(2, availableParallelism()), async (request: StepRunRequest) => {
    const start = performance.now();
    const result = await runStep(options, request);
    options.ran?.(performance.now() - start);
    return result;
  });
  return {
    run(request: StepRunRequest): Promise<StepRunResult> {
      const key = JSON.stringify([request.argv, Object.entries(request.env).sort(), request.workingDirectory, request.shell ?? null, request.payload]);
      const known = once.get(key);
      if (known !== undefined) return known;
      const result = run(request);
      once.set(key, result);
      return result;
    },
  };
}
