/**
 * The one CLI harness: a command module run in-process with the contract of scripts/pipeline.ts (the
 * same exit-code table and one-line endings, core/exit-codes.ts), and the committed bundle run as a
 * child process. Effects are the real ones of the wiring point unless a test hands in local real
 * ones (the lab registry, a local HTTP server).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pipelineConfig } from '../../pipeline.config.js';
import type { Command, CommandContext, Effects } from '../../scripts/commands/types.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { endingOf } from '../../scripts/core/exit-codes.js';
import { guardedWriters } from '../../scripts/core/output-guard.js';
import { realEffects } from '../../scripts/wiring.js';

export const ROOT = join(import.meta.dirname, '../..');
export const BUNDLE = join(ROOT, 'scripts/dist/pipeline.cjs');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly effects?: Partial<Effects>;
  readonly config?: PipelineConfig;
  /** The trusted CLI plan runs for its executed steps (default: this checkout's bundle). */
  readonly cli?: string;
  /** Run as if stderr were a terminal (progress lines); default: not a terminal. */
  readonly stderrIsTTY?: boolean;
}

export function context(options: RunOptions, out: { stdout: string; stderr: string }): CommandContext {
  const env = options.env ?? {};
  // As scripts/pipeline.ts writes: through the output guard.
  const guarded = guardedWriters(
    {
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
    },
    options.stderrIsTTY === true,
  );
  return {
    cwd: options.cwd ?? ROOT,
    cli: options.cli ?? BUNDLE,
    env,
    config: options.config ?? pipelineConfig,
    ...(options.stderrIsTTY ? { stderrIsTTY: true } : {}),
    effects: { ...realEffects(env), ...options.effects },
    ...guarded,
    annotate: (command) => {
      out.stderr += command;
    },
  };
}

/** In-process, through the command module, ending as scripts/pipeline.ts ends it. */
export async function runCommand(command: Command, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const out = { stdout: '', stderr: '' };
  try {
    const code = await command(argv, context(options, out));
    return { code, ...out };
  } catch (err) {
    return { code: endingOf(err, false).code, stdout: out.stdout, stderr: `${out.stderr}${endingOf(err, false).line}` };
  }
}

/** Through the committed bundle with plain node, in a clean environment plus `env`. */
export function runBundle(
  argv: readonly string[],
  options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>>; readonly timeoutMs?: number } = {},
): RunResult {
  const r = spawnSync(process.execPath, [BUNDLE, ...argv], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
