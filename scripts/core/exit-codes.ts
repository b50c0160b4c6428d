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

/**
 * A command stopped by a signal it handled (a cancelled job: SIGINT then SIGTERM; Ctrl-C) exits as a shell
 * reports a process the signal ended: 128 + its number. `plan` and `deploy` do, after cleaning up.
 */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT;

/** Longest error line: a hostile value cannot flood the terminal or a CI log. */
export const MAX_LINE = 1000;

/**
 * One character as safe text: a control character (C0 with the newline, CR and tab, DEL, C1) or a line or
 * paragraph separator as its escape (`\n`, `\r`, `\t`, `\uXXXX`), any other as it is. The one escaper of
 * `oneLine` and of the output guard (core/output-guard.ts).
 */
export function escapeControl(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const code = c.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 ? `\\u${code.toString(16).padStart(4, '0')}` : c;
}

/**
 * A message as one safe line: control characters (newline, CR, ESC, …) written as escapes, so that a
 * value echoed in it can neither start a line (a `::error::` workflow command) nor drive the terminal,
 * and cut at MAX_LINE characters. Every command's ending goes through here: values are made safe in
 * this one place.
 */
export function oneLine(message: string): string {
  let escaped = '';
  for (const c of message) escaped += escapeControl(c);
  return escaped.length > MAX_LINE ? `${escaped.slice(0, MAX_LINE)}… (${escaped.length - MAX_LINE} more characters)` : escaped;
}

/** How a command that threw ends: the exit code and the one line on stderr (the stack only with PIPELINE_DEBUG). */
export function endingOf(err: unknown, debug: boolean): { readonly code: number; readonly line: string } {
  if (err instanceof InputError) return { code: EXIT.input, line: `error: ${oneLine(err.message)}\n` };
  if (err instanceof OutsideError) return { code: err.timedOut ? EXIT.timeout : EXIT.outside, line: `error: ${oneLine(err.message)}\n` };
  const stack = debug && err instanceof Error ? `${err.stack}\n` : '';
  return { code: EXIT.internal, line: `internal error: ${oneLine(describeError(err))}\n${stack}` };
}
