// Placeholder until this command lands; registered so the bundle builds.
import { InputError } from '../core/errors.js';
import type { Command } from './types.js';

export const run: Command = async () => {
  throw new InputError('pipeline plan is not available yet');
};
