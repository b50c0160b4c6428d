/**
 * The image tag scheme, shared by CI and the end-to-end tests:
 * - `sha-<7 hex>` for every build;
 * - the branch name, sanitised to the tag grammar, for builds of the default branch;
 * - `pr-<number>` for pull requests (built, never pushed);
 * - `<version>` for a release tag `<service>@<version>`.
 */
import type { Registry } from '../config.js';
import { InputError } from '../errors.js';
import { COMMIT_SHA_FORM, isCommitSha } from '../git/commit-sha.js';
import { COMPONENT, formatImageRef, parseImageRef, TAG } from './image-ref.js';

export type BuildTrigger =
  | { readonly kind: 'branch'; readonly branch: string; readonly defaultBranch: string }
  | { readonly kind: 'pull_request'; readonly number: number }
  | { readonly kind: 'merge_group' }
  | { readonly kind: 'release'; readonly version: string }
  /** A build of one commit outside a branch push (a release run that finds no CI image): its commit tag only. */
  | { readonly kind: 'commit' };

/** `ghcr.io/<owner>/<service>` (GHCR wants lowercase) or `<host>/<namespace>/<service>`. */
export function imageRepository(registry: Registry, owner: string, service: string): string {
  return imageRepositories(registry, owner)(service);
}

/**
 * imageRepository for the services of one registry and owner: the registry part is checked once,
 * then each service's name as one more path component (a matrix can hold 1,000 services).
 */
export function imageRepositories(registry: Registry, owner: string): (service: string) => string {
  const prefix = registry.kind === 'ghcr' ? `ghcr.io/${owner.toLowerCase()}` : `${registry.host}/${registry.namespace}`;
  const checked = formatImageRef(parseImageRef(`${prefix}/service`));
  const base = checked.slice(0, -'/service'.length);
  return (service) => {
    if (!COMPONENT.test(service)) {
      throw new InputError(
        `invalid image name ${JSON.stringify(`${base}/${service}`)}: the service folder name ${JSON.stringify(service)} must be lowercase letters, digits and separators (. _ __ -); rename the folder`,
      );
    }
    return `${base}/${service}`;
  };
}

/** A git branch name as a tag: characters outside the tag grammar become `-`; at most 128 characters. */
export function sanitizeTag(name: string): string {
  const tag = name
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
    .replace(/[.-]+$/, '');
  if (!TAG.test(tag)) throw new InputError(`cannot make an image tag from ${JSON.stringify(name)}: it has no letter, digit or underscore`);
  return tag;
}

export function shortSha(sha: string): string {
  if (!isCommitSha(sha)) throw new InputError(`invalid commit SHA ${JSON.stringify(sha)}: expected ${COMMIT_SHA_FORM}`);
  return sha.slice(0, 7);
}

/** The tags (not full references) of one build. */
export function tagsFor(sha: string, trigger: BuildTrigger): string[] {
  const tags = [`sha-${shortSha(sha)}`];
  switch (trigger.kind) {
    case 'branch':
      if (trigger.branch === trigger.defaultBranch) tags.push(sanitizeTag(trigger.branch));
      break;
    case 'pull_request':
      if (!Number.isSafeInteger(trigger.number) || trigger.number < 1) throw new InputError(`invalid pull request number ${trigger.number}: expected a positive integer`);
      tags.push(`pr-${trigger.number}`);
      break;
    case 'release':
      tags.push(sanitizeTag(trigger.version));
      break;
    // Stryker disable next-line all: equivalent: merge_group adds no tag, and a trigger that matches no case adds none either (the switch has no default)
    case 'merge_group':
    // Stryker disable next-line all: equivalent: commit adds no tag, and a trigger that matches no case adds none either (the switch has no default)
    case 'commit':
      break;
  }
  return tags;
}

/** Full references: `<repository>:<tag>` for each tag of the build. */
export function imageTags(repository: string, sha: string, trigger: BuildTrigger): string[] {
  const repo = parseImageRef(repository);
  if (repo.tag || repo.digest) throw new InputError(`image repository ${JSON.stringify(repository)} must not carry a tag or digest`);
  return tagsFor(sha, trigger).map((tag) => formatImageRef({ ...repo, tag }));
}
