/**
 * Bad input (a flag, a file, a revision, an event) is the caller's to fix: it ends the command with
 * one line naming the value and the expected form, and exit code 2. Anything else is our bug.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
