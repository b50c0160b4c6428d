/** The pipeline CLI as CI runs it, from source (tsx), in a child process: real argv, exit code, stdout and stderr. */
import { join } from 'node:path';
import { type ExecResult, exec } from '../../../scripts/io/container-engine.js';
import { ROOT } from './lab.js';

export function pipeline(args: readonly string[]): Promise<ExecResult> {
  return exec(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/pipeline.ts'), ...args]);
}

/** The rule lines of verify-image's report: `  FAIL  non-root  <evidence>` → { rule, ok }. */
export function ruleLines(stdout: string): { rule: string; ok: boolean }[] {
  return [...stdout.matchAll(/^ {2}(ok {2}|FAIL) {2}(\S+)/gm)].map((m) => ({ rule: m[2] ?? '', ok: m[1] !== 'FAIL' }));
}
