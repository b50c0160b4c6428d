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
import { InputError, OutsideError } from '../core/errors.js';
import { repositoryOwner } from '../core/github-repository.js';
import { quote } from '../core/quote.js';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { RequestError } from '@octokit/request-error';
import type { ListedDeployment } from '../core/deploy/history.js';
import type { DeployPayload } from '../core/deploy/promotion.js';
import { parsePayload } from '../core/deploy/promotion.js';
import type { Ancestry } from '../core/images/publish.js';

const GitHub = Octokit.plugin(restEndpointMethods, paginateRest);
export type OctokitClient = InstanceType<typeof GitHub>;

/** The GitHub API failed, answered something unexpected, or did not answer in time. */
export class GitHubApiError extends OutsideError {
  override readonly name = 'GitHubApiError';
}

export interface GitHubRelease {
  readonly id: number;
  readonly tagName: string;
  readonly draft: boolean;
  readonly body: string;
  readonly url: string;
}

export interface NewRelease {
  readonly tag: string;
  readonly commit: string;
  readonly name: string;
  readonly body: string;
}

export interface NewDeployment {
  readonly ref: string;
  readonly task: string;
  readonly environment: string;
  readonly payload: DeployPayload;
  readonly description: string;
  readonly production: boolean;
}

export interface NewDeploymentStatus {
  readonly state: 'in_progress' | 'success' | 'failure' | 'error';
  readonly description: string;
  readonly logUrl?: string;
  readonly environmentUrl?: string;
}

/** The API takes the strings, not booleans: `"legacy"` lets GitHub pick by date and semver. */
export type MakeLatest = 'true' | 'false' | 'legacy';

export interface GitHubApi {
  /** How `head` stands to `base` (`GET /repos/{owner}/{repo}/compare/{base}...{head}`); `unknown` when GitHub knows no such commit. */
  compare(base: string, head: string): Promise<Ancestry>;
  /** The commit a tag names (`GET /repos/{owner}/{repo}/git/ref/tags/{tag}`, annotated tags peeled); undefined when there is none. */
  tagCommit(tag: string): Promise<string | undefined>;
  /** `POST /repos/{owner}/{repo}/git/refs`: a lightweight tag on `commit`. */
  createTag(tag: string, commit: string): Promise<void>;
  /** The release (draft or published) whose tag is `tag`, from the list (a draft is not found by tag). */
  findRelease(tag: string): Promise<GitHubRelease | undefined>;
  /** Every release of the repository, drafts included. */
  listReleases(): Promise<GitHubRelease[]>;
  /** A draft release (so immutable releases work: it is published only when complete). */
  createDraftRelease(release: NewRelease): Promise<GitHubRelease>;
  updateReleaseBody(id: number, body: string): Promise<void>;
  /**
   * One page (`page` from 1, 100 records) of a task's (`deploy:<service>`) deployments to an environment,
   * newest first as GitHub lists them, without their states (a request each: deploymentState); `more`
   * when the page was full. io/deployment-history.ts reads them only as far as a question needs.
   */
  deploymentPage(task: string, environment: string, page: number): Promise<{ readonly deployments: ListedDeployment[]; readonly more: boolean }>;
  /** The state of a deployment's latest status ('' when it has none): `GET deployments/{id}/statuses?per_page=1`. */
  deploymentState(id: number): Promise<string>;
  /** A deployment record: never auto-merged, no required status checks (the image was tested by CI). */
  createDeployment(deployment: NewDeployment): Promise<number>;
  createDeploymentStatus(id: number, status: NewDeploymentStatus): Promise<void>;
  /** `POST /repos/{owner}/{repo}/actions/workflows/{file}/dispatches`. */
  dispatchWorkflow(file: string, ref: string, inputs: Readonly<Record<string, string>>): Promise<void>;
  publishRelease(id: number, makeLatest: MakeLatest): Promise<GitHubRelease>;
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
  // The step's environment is this command's input: a wrong value is one line, exit 2 (never an HTTP error
  // that quotes it). The token is never echoed, not even a part of it.
  if (token === '') throw new InputError('GITHUB_TOKEN is not set: the step needs the job token in its env (GITHUB_TOKEN: ${{ github.token }})');
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new InputError('GITHUB_TOKEN holds a space, a line break or another character no token has (a secret pasted with its newline?); set the token alone');
  repositoryOwner(repository);
  const baseUrl = (env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '')
    throw new InputError(`GITHUB_API_URL ${quote(baseUrl, 200)}: expected an http(s) URL without credentials, e.g. https://api.github.com`);
  return { baseUrl, token, repository, timeoutMs };
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

/** The largest page GitHub serves for a list. */
const PER_PAGE = 100;

const ANCESTRY: ReadonlyMap<string, Ancestry> = new Map([
  ['ahead', 'ahead'],
  ['behind', 'behind'],
  ['identical', 'identical'],
  ['diverged', 'diverged'],
]);

interface ReleaseData {
  readonly id: number;
  readonly tag_name: string;
  readonly draft: boolean;
  readonly body?: string | null;
  readonly html_url: string;
}

const toRelease = (r: ReleaseData): GitHubRelease => ({ id: r.id, tagName: r.tag_name, draft: r.draft, body: r.body ?? '', url: r.html_url });

/** An answer that is not the JSON object GitHub documents (an HTML page from a proxy comes back as a string). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function githubApi(options: GitHubApiOptions): GitHubApi {
  const client = octokit(options);
  const [owner = '', repo = ''] = options.repository.split('/');
  const signal = () => AbortSignal.timeout(options.timeoutMs);
  /** Runs one API call; any failure becomes one GitHubApiError naming `what` (404 handled by the caller first). */
  const call = async <T>(what: string, fn: () => Promise<T>, onNotFound?: () => T): Promise<T> => {
    try {
      const result = await fn();
      return result;
    } catch (err) {
      if (err instanceof GitHubApiError) throw err;
      if (onNotFound !== undefined && err instanceof RequestError && err.status === 404) return onNotFound();
      throw describeApiError(what, err, options.timeoutMs);
    }
  };
  /**
   * A list endpoint page by page (`page=1, 2, …` until a page has fewer than PER_PAGE items), each page a
   * request of its own with its own bound: Octokit's paginate does not pass the abort signal on, so a
   * server that never answered held the command past every bound.
   */
  async function* pages(what: string, fetchPage: (page: number) => Promise<{ readonly data: unknown }>): AsyncGenerator<unknown[]> {
    for (let page = 1; ; page++) {
      const { data } = await fetchPage(page);
      if (!Array.isArray(data)) throw new GitHubApiError(`GitHub API ${what}: the answer is not a list`);
      yield data;
      if (data.length < PER_PAGE) return;
    }
  }
  const shape = <T>(what: string, data: unknown, guard: (v: unknown) => v is T): T => {
    if (!guard(data)) throw new GitHubApiError(`GitHub API ${what}: the answer is not the JSON GitHub documents: ${JSON.stringify(data).slice(0, 120)}`);
    return data;
  };
  const isRelease = (v: unknown): v is ReleaseData =>
    isObject(v) && typeof v['id'] === 'number' && typeof v['tag_name'] === 'string' && typeof v['draft'] === 'boolean' && typeof v['html_url'] === 'string';
  const listReleases = async (): Promise<GitHubRelease[]> => {
    const what = 'GET releases';
    return call(what, async () => {
      const out: GitHubRelease[] = [];
      for await (const list of pages(what, (page) => client.rest.repos.listReleases({ owner, repo, per_page: PER_PAGE, page, request: { signal: signal() } }))) {
        for (const item of list) out.push(toRelease(shape(what, item, isRelease)));
      }
      return out;
    });
  };
  return {
    async tagCommit(tag) {
      const what = `GET git/ref/tags/${tag}`;
      return call(
        what,
        async () => {
          const { data } = await client.rest.git.getRef({ owner, repo, ref: `tags/${tag}`, request: { signal: signal() } });
          const object = shape(what, data, isObject)['object'];
          if (!isObject(object) || typeof object['sha'] !== 'string') throw new GitHubApiError(`GitHub API ${what}: no object in the answer`);
          if (object['type'] !== 'tag') return object['sha'];
          const { data: annotated } = await client.rest.git.getTag({ owner, repo, tag_sha: object['sha'], request: { signal: signal() } });
          return annotated.object.sha;
        },
        () => undefined,
      );
    },
    async createTag(tag, commit) {
      await call(`POST git/refs refs/tags/${tag}`, () => client.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha: commit, request: { signal: signal() } }));
    },
    async findRelease(tag) {
      return (await listReleases()).find((r) => r.tagName === tag);
    },
    listReleases: () => listReleases(),
    async createDraftRelease(release) {
      const what = `POST releases (${release.tag})`;
      return call(what, async () => {
        const { data } = await client.rest.repos.createRelease({
          owner,
          repo,
          tag_name: release.tag,
          target_commitish: release.commit,
          name: release.name,
          body: release.body,
          draft: true,
          make_latest: 'false',
          request: { signal: signal() },
        });
        return toRelease(shape(what, data, isRelease));
      });
    },
    async deploymentPage(task, environment, page) {
      const what = `GET deployments?task=${task}`;
      return call(what, async () => {
        const { data } = await client.rest.repos.listDeployments({ owner, repo, task, environment, per_page: PER_PAGE, page, request: { signal: signal() } });
        if (!Array.isArray(data)) throw new GitHubApiError(`GitHub API ${what}: the answer is not a list`);
        const deployments = data.map((item: unknown): ListedDeployment => {
          if (
            !isObject(item) ||
            typeof item['id'] !== 'number' ||
            typeof item['sha'] !== 'string' ||
            typeof item['environment'] !== 'string' ||
            typeof item['created_at'] !== 'string'
          ) {
            throw new GitHubApiError(`GitHub API ${what}: a deployment without id, sha, environment or created_at`);
          }
          return { id: item['id'], sha: item['sha'], environment: item['environment'], createdAt: item['created_at'], payload: parsePayload(item['payload']) };
        });
        return { deployments, more: data.length === PER_PAGE };
      });
    },
    async deploymentState(id) {
      const what = `GET deployments/${id}/statuses`;
      return call(what, async () => {
        // GitHub lists a deployment's statuses newest first: the first is the latest.
        const { data } = await client.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: id, per_page: 1, request: { signal: signal() } });
        if (!Array.isArray(data)) throw new GitHubApiError(`GitHub API ${what}: the answer is not a list`);
        const latest: unknown = data[0];
        return isObject(latest) && typeof latest['state'] === 'string' ? latest['state'] : '';
      });
    },
    async createDeployment(d) {
      const what = `POST deployments (${d.task} to ${d.environment})`;
      return call(what, async () => {
        const { data, status } = await client.rest.repos.createDeployment({
          owner,
          repo,
          ref: d.ref,
          task: d.task,
          environment: d.environment,
          payload: { ...d.payload },
          description: d.description,
          auto_merge: false,
          required_contexts: [],
          production_environment: d.production,
          transient_environment: false,
          request: { signal: signal() },
        });
        if (status !== 201 || !isObject(data) || typeof data['id'] !== 'number') throw new GitHubApiError(`GitHub API ${what}: no deployment was created (HTTP ${status})`);
        return data['id'];
      });
    },
    async createDeploymentStatus(id, st) {
      await call(`POST deployments/${id}/statuses (${st.state})`, () =>
        client.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: id,
          state: st.state,
          description: st.description.slice(0, 140),
          ...(st.logUrl === undefined ? {} : { log_url: st.logUrl }),
          ...(st.environmentUrl === undefined ? {} : { environment_url: st.environmentUrl }),
          auto_inactive: true,
          request: { signal: signal() },
        }),
      );
    },
    async dispatchWorkflow(file, ref, inputs) {
      await call(`POST actions/workflows/${file}/dispatches`, () =>
        client.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: file, ref, inputs: { ...inputs }, request: { signal: signal() } }),
      );
    },
    async updateReleaseBody(id, body) {
      await call(`PATCH releases/${id}`, () => client.rest.repos.updateRelease({ owner, repo, release_id: id, body, request: { signal: signal() } }));
    },
    async publishRelease(id, makeLatest) {
      const what = `PATCH releases/${id} (publish)`;
      return call(what, async () => {
        const { data } = await client.rest.repos.updateRelease({ owner, repo, release_id: id, draft: false, make_latest: makeLatest, request: { signal: signal() } });
        return toRelease(shape(what, data, isRelease));
      });
    },
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
