/**
 * The operations the GitHub stand-in serves, by GitHub's operationId: each reads its (already
 * validated) parameters and body and answers from the in-memory state. An operation not listed here
 * answers 404 and is recorded as a violation: a test that needs it adds it here.
 */
import { isRecord } from '../../../scripts/core/json.js';
import { ApiError, type GitHubState } from './state.js';

export interface RouteInput {
  readonly params: ReadonlyMap<string, string>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly state: GitHubState;
  /** The request URL without the query, for Link headers. */
  readonly url: string;
}

export interface RouteAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Handler = (input: RouteInput) => RouteAnswer;

export const ROUTES: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['git/create-ref', ({ state, body }) => ({ status: 201, body: state.createRef(text(body, 'ref') ?? '', text(body, 'sha') ?? '') })],
  ['git/get-ref', ({ state, params }) => ({ status: 200, body: state.getRef(param(params, 'ref')) })],
  ['git/list-matching-refs', ({ state, params }) => ({ status: 200, body: state.matchingRefs(param(params, 'ref')) })],
  ['repos/create-release', ({ state, body }) => ({ status: 201, body: state.releaseBody(state.createRelease({ tagName: text(body, 'tag_name') ?? '', ...releaseInput(body) })) })],
  [
    'repos/update-release',
    ({ state, params, body }) => ({
      status: 200,
      body: state.releaseBody(state.updateRelease(id(params, 'release_id'), { ...strings(body, { tagName: 'tag_name' }), ...releaseInput(body) })),
    }),
  ],
  ['repos/get-release', ({ state, params }) => ({ status: 200, body: state.releaseBody(state.release(id(params, 'release_id'))) })],
  ['repos/get-release-by-tag', ({ state, params }) => ({ status: 200, body: state.releaseBody(state.releaseByTag(param(params, 'tag'))) })],
  ['repos/get-latest-release', ({ state }) => ({ status: 200, body: state.releaseBody(state.latestRelease()) })],
  [
    'repos/list-releases',
    (input) =>
      page(
        input,
        input.state.listReleases().map((r) => input.state.releaseBody(r)),
      ),
  ],
  [
    'repos/create-deployment',
    ({ state, body }) => {
      const created = state.createDeployment({
        ref: text(body, 'ref') ?? '',
        ...strings(body, { task: 'task', environment: 'environment', description: 'description' }),
        ...flags(body, { autoMerge: 'auto_merge', transient: 'transient_environment', production: 'production_environment' }),
        ...pick({ requiredContexts: 'required_contexts' }, (name) => texts(body, name)),
        ...pick({ payload: 'payload' }, () => payload(body)),
      });
      return 'merged' in created ? { status: 202, body: { message: created.merged } } : { status: 201, body: state.deploymentBody(created) };
    },
  ],
  ['repos/get-deployment', ({ state, params }) => ({ status: 200, body: state.deploymentBody(state.deployment(id(params, 'deployment_id'))) })],
  [
    'repos/list-deployments',
    (input) => {
      const filter = pick({ sha: 'sha', ref: 'ref', task: 'task', environment: 'environment' }, (name) => input.query.get(name) ?? undefined);
      return page(
        input,
        input.state.listDeployments(filter).map((d) => input.state.deploymentBody(d)),
      );
    },
  ],
  [
    'repos/create-deployment-status',
    ({ state, params, body }) => {
      const deployment = state.deployment(id(params, 'deployment_id'));
      const status = state.createDeploymentStatus(deployment.id, {
        state: text(body, 'state') ?? '',
        ...strings(body, { description: 'description', environment: 'environment', logUrl: 'log_url', environmentUrl: 'environment_url', targetUrl: 'target_url' }),
        ...flags(body, { autoInactive: 'auto_inactive' }),
      });
      return { status: 201, body: state.statusBody(deployment, status) };
    },
  ],
  [
    'repos/list-deployment-statuses',
    (input) => {
      const deployment = input.state.deployment(id(input.params, 'deployment_id'));
      return page(
        input,
        [...deployment.statuses].reverse().map((s) => input.state.statusBody(deployment, s)),
      );
    },
  ],
  [
    'actions/create-workflow-dispatch',
    ({ state, params, body }) => {
      const inputs = isRecord(body) && isRecord(body['inputs']) ? body['inputs'] : {};
      state.dispatch(param(params, 'workflow_id'), text(body, 'ref') ?? '', inputs);
      if (flag(body, 'return_run_details') !== true) return { status: 204 };
      const run = state.dispatches.length;
      return { status: 200, body: { workflow_run_id: run, run_url: `${state.repoUrl()}/actions/runs/${run}`, html_url: `${state.repoUrl()}/actions/runs/${run}` } };
    },
  ],
]);

function param(params: ReadonlyMap<string, string>, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw new ApiError(404, 'Not Found');
  return value;
}

function id(params: ReadonlyMap<string, string>, name: string): number {
  const value = Number(param(params, name));
  if (!Number.isSafeInteger(value)) throw new ApiError(404, 'Not Found');
  return value;
}

function text(body: unknown, key: string): string | undefined {
  const value = isRecord(body) ? body[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function flag(body: unknown, key: string): boolean | undefined {
  const value = isRecord(body) ? body[key] : undefined;
  return typeof value === 'boolean' ? value : undefined;
}

/** The string fields of the body present, renamed: `{ logUrl: 'log_url' }` → `{ logUrl: body.log_url }`. */
function strings<K extends string>(body: unknown, names: Readonly<Record<K, string>>): { [P in K]?: string } {
  return pick(names, (name) => text(body, name));
}

function flags<K extends string>(body: unknown, names: Readonly<Record<K, string>>): { [P in K]?: boolean } {
  return pick(names, (name) => flag(body, name));
}

function pick<K extends string, V>(names: Readonly<Record<K, string>>, read: (name: string) => V | undefined): { [P in K]?: V } {
  const out: { [P in K]?: V } = {};
  for (const key in names) {
    const value = read(names[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function texts(body: unknown, key: string): string[] | undefined {
  const value = isRecord(body) ? body[key] : undefined;
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : undefined;
}

function payload(body: unknown): Record<string, unknown> | string | undefined {
  const value = isRecord(body) ? body['payload'] : undefined;
  return isRecord(value) || typeof value === 'string' ? value : undefined;
}

/** The fields of a release create or update, but the tag. */
function releaseInput(body: unknown) {
  return {
    ...strings(body, { targetCommitish: 'target_commitish', name: 'name', body: 'body', makeLatest: 'make_latest' }),
    ...flags(body, { draft: 'draft', prerelease: 'prerelease' }),
  };
}

/** GitHub's pagination: `per_page` (default 30, at most 100), `page` from 1, a Link header. */
function page(input: RouteInput, items: readonly unknown[]): RouteAnswer {
  const perPage = Math.min(100, Math.max(1, Number(input.query.get('per_page') ?? 30) || 30));
  const current = Math.max(1, Number(input.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(input.query);
    query.set('per_page', String(perPage));
    query.set('page', String(n));
    return `<${input.url}?${query}>; rel="${rel}"`;
  };
  const links = [...(current < last ? [link(current + 1, 'next'), link(last, 'last')] : []), ...(current > 1 ? [link(1, 'first'), link(current - 1, 'prev')] : [])];
  return { status: 200, body: items.slice((current - 1) * perPage, current * perPage), ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}) };
}
