import { describeError, InputError, OutsideError } from './errors.js';

/** The one exit-code table of every command and script entry (README, "The CLI contract"). */
export const EXIT = {
  /** Done: what was asked is true. */
  ok: 0,
  /** The checked thing failed: a policy violation, an unhealthy image, a plan that shows a failing job, a refused promotion. */
  failed: 1,
  /** Bad input: a flag, a file, a revision, an event, a name; one line naming the value and the expected form. */
  input: 2,
  /** A system outside the pipeline (registry, GitHub API, container engine, git, the file system) failed. */
  outside: 3,
  /** A system outside the pipeline did not answer within the timeout policy's bound. */
  timeout: 4,
  /** A bug in the pipeline: `internal error: …` (PIPELINE_DEBUG=1 adds the stack). */
  internal: 70,
} as const;

/** How a command that threw ends: the exit code and the one line on stderr (the stack only with PIPELINE_DEBUG). */
export function endingOf(err: unknown, debug: boolean): { readonly code: number; readonly line: string } {
  if (InputError.is(err)) return { code: EXIT.input, line: `error: ${err.message}\n` };
  if (OutsideError.is(err)) return { code: err.timedOut ? EXIT.timeout : EXIT.outside, line: `error: ${err.message}\n` };
  const stack = debug && err instanceof Error ? `${err.stack}\n` : '';
  return { code: EXIT.internal, line: `internal error: ${describeError(err)}\n${stack}` };
}
