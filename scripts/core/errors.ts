/**
 * Bad input (a flag, a file, a revision, an event) is the caller's to fix: it ends the command with
 * one line naming the value and the expected form, and exit code 2. Anything else is our bug.
 */
const BRAND = Symbol.for('@kodingcaravan/pipeline/InputError');

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly [BRAND] = true;

  /**
   * Whether `err` is an InputError. Not `instanceof`: the bundle gives each command and each module
   * loaded on demand a copy of this class, and an error thrown in one is caught in another.
   */
  static is(err: unknown): err is InputError {
    return err instanceof Error && BRAND in err;
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
