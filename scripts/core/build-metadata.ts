/**
 * What an image build needs to know about the run that builds it, read from the GitHub Actions
 * environment (`GITHUB_*` variables, as a plain record: this module does no process access): the
 * commit, the trigger that decides the tags, and the OCI labels and build arguments of the image.
 */
import { InputError } from './errors.js';
import { repositoryOwner } from './github-repository.js';
import { COMMIT_SHA_FORM, isCommitSha } from './git/commit-sha.js';
import { quote } from './quote.js';
import type { BuildTrigger } from './images/index.js';

export interface BuildContext {
  readonly sha: string;
  readonly trigger: BuildTrigger;
  /** The repository owner, the first path segment of a GHCR image. */
  readonly owner: string;
  /** `https://github.com/<owner>/<repo>`: the image's `org.opencontainers.image.source`. */
  readonly sourceUrl: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/*
 * Every value read here ends up in a multi-line step output (`labels`, `build-args`, `tags`: one
 * `key=value` per line), so none may hold a newline or another control character: each is checked
 * against its exact form (the ref by the trigger, the SHA as hex, the rest below).
 */
const OWNER = /^[A-Za-z0-9_.-]+$/;
const SERVER_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/;

function required(env: Env, name: string, expected: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new InputError(`${name} is not set: expected ${expected} (GitHub Actions sets it; set it yourself to run this outside Actions)`);
  return value;
}

function triggerOf(eventName: string, ref: string, defaultBranch: string): BuildTrigger {
  switch (eventName) {
    case 'push': {
      // A pushed release tag whose image CI did not build: release.yml builds that commit (its commit tag only).
      if (ref.startsWith('refs/tags/')) return { kind: 'commit' };
      if (!ref.startsWith('refs/heads/')) throw new InputError(`GITHUB_REF ${JSON.stringify(ref)}: a push build expects a branch, refs/heads/<name>, or a tag`);
      return { kind: 'branch', branch: ref.slice('refs/heads/'.length), defaultBranch };
    }
    case 'workflow_dispatch':
      return { kind: 'commit' };
    case 'pull_request': {
      const match = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(ref);
      if (!match) throw new InputError(`GITHUB_REF ${JSON.stringify(ref)}: a pull_request build expects refs/pull/<number>/merge`);
      return { kind: 'pull_request', number: Number(match[1]) };
    }
    case 'merge_group':
      return { kind: 'merge_group' };
    default:
      throw new InputError(`GITHUB_EVENT_NAME ${JSON.stringify(eventName)}: image builds run for push, pull_request, merge_group or workflow_dispatch`);
  }
}

/**
 * `commit`: the commit being built when it is not GITHUB_SHA (`pipeline tags --commit`): release.yml's
 * build of a manual run's `ref`, whose checkout is another commit than the run's. Only for a build that
 * gets its commit tag alone (a manual run, a pushed release tag): a branch, pull request or merge-queue
 * build is of GITHUB_SHA, and its branch or pull request tag must name that commit.
 */
export function buildContextFromEnv(env: Env, defaultBranch: string, commit?: string): BuildContext {
  const eventName = required(env, 'GITHUB_EVENT_NAME', 'push, pull_request or merge_group');
  const ref = required(env, 'GITHUB_REF', 'refs/heads/<branch> or refs/pull/<number>/merge');
  const sha = commit ?? required(env, 'GITHUB_SHA', 'the full SHA of the commit being built');
  if (!isCommitSha(sha)) throw new InputError(`${commit === undefined ? 'GITHUB_SHA' : '--commit'} ${JSON.stringify(sha)}: expected ${COMMIT_SHA_FORM}`);
  const repository = required(env, 'GITHUB_REPOSITORY', '<owner>/<repo>');
  // Checked even when GITHUB_REPOSITORY_OWNER is set: the repository goes into the labels.
  const fromRepository = repositoryOwner(repository);
  const owner = env['GITHUB_REPOSITORY_OWNER'] || fromRepository;
  if (!OWNER.test(owner)) throw new InputError(`GITHUB_REPOSITORY_OWNER ${quote(owner)}: expected a GitHub account name (letters, digits, -, _, .)`);
  const server = (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '');
  if (!SERVER_URL.test(server)) throw new InputError(`GITHUB_SERVER_URL ${quote(server)}: expected an http(s) URL without spaces or control characters, e.g. https://github.com`);
  const trigger = triggerOf(eventName, ref, defaultBranch);
  if (commit !== undefined && trigger.kind !== 'commit') {
    throw new InputError(`--commit ${commit}: a ${eventName} build of ${ref} labels GITHUB_SHA; --commit is for a release build (workflow_dispatch, or a pushed release tag)`);
  }
  return { sha, trigger, owner, sourceUrl: `${server}/${repository}` };
}

/** The OCI labels every service image carries (verify-image checks them). */
export function imageLabels(context: BuildContext, service: string): Record<string, string> {
  return {
    'org.opencontainers.image.source': context.sourceUrl,
    'org.opencontainers.image.revision': context.sha,
    'org.opencontainers.image.title': service,
  };
}

/** The Dockerfile's build arguments for the same values (its LABEL instruction reads them). */
export function imageBuildArgs(context: BuildContext): Record<string, string> {
  return { SOURCE: context.sourceUrl, REVISION: context.sha };
}

/** What a pushed build leaves behind for later jobs (the release record): one per service. */
export interface ImageRecord {
  readonly service: string;
  readonly repository: string;
  /** The pushed manifest (or index, with its attestations): what a deploy pulls. */
  readonly digest: string;
  /** The image config digest of the verified build, which the pushed platform manifest names. */
  readonly imageId: string;
  readonly tags: readonly string[];
  readonly revision: string;
  readonly source: string;
}

export function imageRecord(context: BuildContext, service: string, repository: string, tags: readonly string[], digest: string, imageId: string): ImageRecord {
  return { service, repository, digest, imageId, tags, revision: context.sha, source: context.sourceUrl };
}

export function recordSummary(record: ImageRecord): string {
  const lines = [
    `### ${record.service}`,
    '',
    `Pushed \`${record.repository}@${record.digest}\` (image \`${record.imageId}\`, the verified build)`,
    '',
    '| tag |',
    '| --- |',
    ...record.tags.map((t) => `| \`${t}\` |`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
