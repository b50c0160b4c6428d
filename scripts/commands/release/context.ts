/** What every `pipeline release` subcommand shares: the clone, the repository's identity, a service's released versions. */
import { resolve } from 'node:path';
import { imageRepository } from '../../core/images/index.js';
import { InputError } from '../../core/errors.js';
import { repositoryOwner } from '../../core/github-repository.js';
import { formatReleaseTag, type ReleaseTag } from '../../core/release/release-tag.js';
import { compareVersions, type Version } from '../../core/release/version.js';
import type { Git } from '../../io/git.js';
import { commitOf, type ReleasedVersion, releasedVersions, type ServiceGraph, serviceAt } from '../../io/service-history.js';
import type { CommandContext } from '../types.js';

export interface ReleaseContext {
  readonly git: Git;
  /** `owner/name` on GitHub: GITHUB_REPOSITORY, else the publishing repository of the config. */
  readonly repository: string;
  readonly serverUrl: string;
  /** The default branch's commit: the default `--ref` and `--to`. */
  defaultRef(): Promise<string>;
  /** `--ref` (or `--to`) as a commit: the default branch when not given. */
  refCommit(value: string | undefined, flag: string): Promise<string>;
  /** The commit a release tag names in this clone, or undefined when the clone has no such tag. */
  tagCommit(tag: ReleaseTag): Promise<string | undefined>;
  imageRepositoryOf(service: string): string;
}

export async function openRelease(ctx: CommandContext, cwd = '.'): Promise<ReleaseContext> {
  const git = await ctx.effects.git(resolve(ctx.cwd, cwd));
  const repository = ctx.env['GITHUB_REPOSITORY'] || ctx.config.publishRepository;
  const owner = repositoryOwner(repository);
  const branch = ctx.config.defaultBranch;
  const defaultRef = async () => {
    for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
      const sha = await git.resolveCommit(ref);
      if (sha !== undefined) return sha;
    }
    return commitOf(git, 'HEAD', 'HEAD');
  };
  return {
    git,
    repository,
    serverUrl: (ctx.env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, ''),
    defaultRef,
    refCommit: (value, flag) => (value === undefined ? defaultRef() : commitOf(git, value, flag)),
    tagCommit: (tag) => git.resolveCommit(`refs/tags/${formatReleaseTag(tag)}`),
    imageRepositoryOf: (service) => imageRepository(ctx.config.registry, owner, service),
  };
}

/** A service of the workspace at `commit`, checked against its folder names (`__proto__`, `../x` and the like are unknown). */
export async function knownService(git: Git, ctx: CommandContext, commit: string, service: string | undefined): Promise<ServiceGraph> {
  if (service === undefined || service === '') throw new InputError('a service is required; expected a service folder name, e.g. api-gateway');
  return serviceAt(git, ctx.config, commit, service);
}

export interface Released {
  readonly all: readonly ReleasedVersion[];
  readonly versions: readonly Version[];
  /** The highest version, if any. */
  readonly latest: ReleasedVersion | undefined;
  /** The releases whose commit the revision asked about contains, sorted by version. */
  readonly contained: readonly ReleasedVersion[];
  /**
   * The highest of them: where a bump of that revision starts and what changed is counted from. On the
   * default branch it is `latest`; on a maintenance branch or an older commit, the newest release of its line.
   */
  readonly base: ReleasedVersion | undefined;
}

const byVersion = (a: ReleasedVersion, b: ReleasedVersion) => compareVersions(a.tag.version, b.tag.version);

/** The service's releases, and those that `at` contains. */
export async function released(git: Git, service: string, at: string): Promise<Released> {
  // `git tag --merged` walks the history: past a shallow clone's edge a release looks not contained, and
  // the service would read as never released (a first version, notes from the start).
  if (git.shallow) {
    throw new InputError(
      'this clone is shallow: which releases a commit contains cannot be told without its history; run git fetch --unshallow --tags (release.yml checks out with fetch-depth: 0)',
    );
  }
  const [all, contained] = await Promise.all([releasedVersions(git, service), releasedVersions(git, service, at)]);
  const sorted = all.toSorted(byVersion);
  const inAt = contained.toSorted(byVersion);
  return { all: sorted, versions: sorted.map((r) => r.tag.version), latest: sorted.at(-1), contained: inAt, base: inAt.at(-1) };
}

/** The `version` of the service's package.json at `commit` (the first release's version); `dir` is in the workspace, which may be a subfolder. */
export async function packageVersionAt(git: Git, commit: string, dir: string): Promise<string | undefined> {
  const [obj] = await git.readObjects([`${commit}:${git.prefix === '' ? '' : `${git.prefix}/`}${dir}/package.json`]);
  if (obj?.type !== 'blob') return undefined;
  try {
    const json: unknown = JSON.parse(obj.content.toString('utf8'));
    return typeof json === 'object' && json !== null && 'version' in json && typeof json.version === 'string' ? json.version : undefined;
  } catch {
    return undefined;
  }
}
