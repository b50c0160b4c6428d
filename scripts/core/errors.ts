/**
 * What ends a command, besides success, and how the one top-level catch in scripts/pipeline.ts tells
 * them apart (core/exit-codes.ts has the codes):
 * - `InputError`: bad input (a flag, a file, a revision, an event) is the caller's to fix: one line
 *   naming the value and the expected form.
 * - `OutsideError`: a system outside the pipeline (a registry, the GitHub API, a container engine, git)
 *   failed or did not answer within its bound: one line naming the system, what was asked and what
 *   came back.
 * Anything else is our bug. Plain `instanceof` works everywhere: the bundle keeps this module in one
 * shared file (scripts/bundle.ts), so there is one copy of each class.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export class OutsideError extends Error {
  /** True when the system did not answer within the timeout policy's bound. */
  readonly timedOut: boolean;

  constructor(message: string, options: { readonly timedOut?: boolean } = {}) {
    super(message);
    this.timedOut = options.timedOut ?? false;
  }
}

/** The `code` of a Node system error (`ENOENT`, `EISDIR`, ...), or undefined for any other error. */
export function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
