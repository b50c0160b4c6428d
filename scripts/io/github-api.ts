/**
 * The GitHub REST API behind a small interface, on Octokit: `@octokit/core` with the REST-endpoint and
 * pagination plugins, composed exactly as `@actions/github` composes its `GitHub` class, with the base
 * URL from `GITHUB_API_URL` as on a runner.
 *
 * Why not `@actions/github` itself: its root and its `lib/utils` both build `context` when they load,
 * which parses the event file (a malformed one is an exception before any command runs) and prints
 * "GITHUB_EVENT_PATH … does not exist" on stdout (breaking `--json`). test/pipeline/github-api.test.ts
 * shows both. The event is read by io/github-event.ts, with type guards.
 */
import { OutsideError } from '../core/errors.js';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { RequestError } from '@octokit/request-error';
import type { Ancestry } from '../core/images/publish.js';

const GitHub = Octokit.plugin(restEndpointMethods, paginateRest);
export type OctokitClient = InstanceType<typeof GitHub>;

/** The GitHub API failed, answered something unexpected, or did not answer in time. */
export class GitHubApiError extends OutsideError {
  override readonly name = 'GitHubApiError';
}

export interface GitHubApi {
  /** How `head` stands to `base` (`GET /repos/{owner}/{repo}/compare/{base}...{head}`); `unknown` when GitHub knows no such commit. */
  compare(base: string, head: string): Promise<Ancestry>;
}

export interface GitHubApiOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** `owner/repo`. */
  readonly repository: string;
  /** Each request's bound. */
  readonly timeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The options a runner's environment gives: GITHUB_API_URL, GITHUB_TOKEN, GITHUB_REPOSITORY. */
export function githubApiOptionsFromEnv(env: Env, timeoutMs: number): GitHubApiOptions {
  const token = env['GITHUB_TOKEN'] ?? '';
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  if (token === '') throw new GitHubApiError('GITHUB_TOKEN is not set: the step needs the job token in its env (GITHUB_TOKEN: ${{ github.token }})');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new GitHubApiError(`GITHUB_REPOSITORY ${JSON.stringify(repository.slice(0, 100))}: expected <owner>/<repo>`);
  return { baseUrl: (env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, ''), token, repository, timeoutMs };
}

/** What went wrong, in one line, for an error Octokit threw (a request aborted by its bound is a time-out). */
export function describeApiError(what: string, err: unknown, timeoutMs: number): GitHubApiError {
  const message = err instanceof Error ? err.message : String(err);
  const timedOut = (err instanceof Error && err.name === 'TimeoutError') || /aborted|timeout/i.test(message);
  if (timedOut) return new GitHubApiError(`GitHub API ${what}: no answer within ${timeoutMs / 1000} s`, { timedOut });
  const status = err instanceof RequestError ? `HTTP ${err.status}: ` : '';
  return new GitHubApiError(`GitHub API ${what}: ${status}${(message.split('\n')[0] ?? '').slice(0, 200)}`);
}

export function octokit(options: GitHubApiOptions): OctokitClient {
  return new GitHub({
    baseUrl: options.baseUrl,
    auth: `token ${options.token}`,
    userAgent: 'kodingcaravan-pipeline',
    request: { retries: 0 },
  });
}

const ANCESTRY: ReadonlyMap<string, Ancestry> = new Map([
  ['ahead', 'ahead'],
  ['behind', 'behind'],
  ['identical', 'identical'],
  ['diverged', 'diverged'],
]);

export function githubApi(options: GitHubApiOptions): GitHubApi {
  const client = octokit(options);
  const [owner = '', repo = ''] = options.repository.split('/');
  const signal = () => AbortSignal.timeout(options.timeoutMs);
  return {
    async compare(base, head) {
      const what = `compare ${base.slice(0, 12)}...${head.slice(0, 12)}`;
      try {
        const { data } = await client.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1, request: { signal: signal() } });
        const status = ANCESTRY.get(data.status);
        if (status === undefined) throw new GitHubApiError(`GitHub API ${what}: unexpected status ${JSON.stringify(data.status)}`);
        return status;
      } catch (err) {
        if (err instanceof GitHubApiError) throw err;
        if (err instanceof RequestError && err.status === 404) return 'unknown';
        throw describeApiError(what, err, options.timeoutMs);
      }
    },
  };
}
