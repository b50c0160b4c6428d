/**
 * What ends a command, besides success, and how the one top-level catch in scripts/pipeline.ts tells
 * them apart (core/exit-codes.ts has the codes):
 * - `InputError`: bad input (a flag, a file, a revision, an event) is the caller's to fix: one line
 *   naming the value and the expected form.
 * - `OutsideError`: a system outside the pipeline (a registry, the GitHub API, a container engine, git)
 *   failed or did not answer within its bound: one line naming the system, what was asked and what
 *   came back.
 * Anything else is our bug.
 */
const INPUT = Symbol.for('@kodingcaravan/pipeline/InputError');
const OUTSIDE = Symbol.for('@kodingcaravan/pipeline/OutsideError');

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly [INPUT] = true;

  /**
   * Whether `err` is an InputError. Not `instanceof`: the bundle gives each command and each module
   * loaded on demand a copy of this class, and an error thrown in one is caught in another.
   */
  static is(err: unknown): err is InputError {
    return err instanceof Error && INPUT in err;
  }
}

export class OutsideError extends Error {
  readonly [OUTSIDE] = true;
  /** True when the system did not answer within the timeout policy's bound. */
  readonly timedOut: boolean;

  constructor(message: string, options: { readonly timedOut?: boolean } = {}) {
    super(message);
    this.timedOut = options.timedOut ?? false;
  }

  /** Whether `err` is an OutsideError (a brand, for the reason InputError.is gives). */
  static is(err: unknown): err is OutsideError {
    return err instanceof Error && OUTSIDE in err;
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
