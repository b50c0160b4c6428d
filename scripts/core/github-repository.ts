/**
 * A GitHub repository as `owner/name` (GITHUB_REPOSITORY, the config's publishRepository): checked once,
 * here, for every reader (the image names' owner, the API's path, the build labels).
 */
import { InputError } from './errors.js';
import { quote } from './quote.js';

/** The owner of `owner/name`, or bad input naming the value. */
export function repositoryOwner(repository: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new InputError(`GITHUB_REPOSITORY ${quote(repository, 100)}: expected <owner>/<repo>`);
  return repository.slice(0, repository.indexOf('/'));
}
