/** The message of the error a promise rejects with, after checking the error's class; fails the test if it resolves. */
import { expect } from 'vitest';

export async function rejectionMessage(promise: Promise<unknown>, type: abstract new (...args: never[]) => Error): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error(`expected a rejection with ${type.name}`);
}
