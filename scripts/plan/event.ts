/**
 * The event payload and the `github` context GitHub would build for an event, from resolved facts
 * (SHAs, refs, the repository). Pure: git is asked by the command, not here. Field names follow
 * GitHub's webhook payloads and "Contexts reference".
 */
import { ZERO_SHA } from '../core/git/commit-sha.js';
import type { Json, JsonObject } from './expressions.js';

export const EVENT_NAMES = ['push', 'pull_request', 'merge_group', 'workflow_dispatch'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export interface Repository {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
}

export type PlanEvent =
  | { readonly name: 'push'; readonly ref: string; readonly before: string | undefined; readonly after: string }
  | {
      readonly name: 'pull_request';
      readonly number: number;
      /** The target branch (a name, not a ref) and its tip. */
      readonly base: { readonly ref: string; readonly sha: string };
      readonly head: { readonly ref: string; readonly sha: string };
      /** The merge commit GitHub tests (refs/pull/N/merge). */
      readonly mergeSha: string;
      readonly fork: boolean;
    }
  | { readonly name: 'merge_group'; readonly number: number; readonly baseRef: string; readonly baseSha: string; readonly headSha: string }
  | { readonly name: 'workflow_dispatch'; readonly ref: string; readonly sha: string };

export interface EventEnvelope {
  readonly event: PlanEvent;
  readonly repository: Repository;
  readonly actor: string;
}

/** The facts every consumer needs: what ref and commit the run is for. */
export interface RunRef {
  readonly ref: string;
  readonly sha: string;
  readonly baseRef: string;
  readonly headRef: string;
}

export function runRef(e: PlanEvent): RunRef {
  switch (e.name) {
    case 'push':
      return { ref: e.ref, sha: e.after, baseRef: '', headRef: '' };
    case 'pull_request':
      return { ref: `refs/pull/${e.number}/merge`, sha: e.mergeSha, baseRef: e.base.ref, headRef: e.head.ref };
    case 'merge_group':
      return { ref: mergeGroupRef(e.baseRef, e.number, e.baseSha), sha: e.headSha, baseRef: '', headRef: '' };
    case 'workflow_dispatch':
      return { ref: e.ref, sha: e.sha, baseRef: '', headRef: '' };
  }
}

function mergeGroupRef(baseBranch: string, number: number, baseSha: string): string {
  return `refs/heads/gh-readonly-queue/${baseBranch}/pr-${number}-${baseSha}`;
}

function repositoryPayload(r: Repository, fork = false): JsonObject {
  const fullName = `${r.owner}/${r.name}`;
  return {
    name: r.name,
    full_name: fullName,
    owner: { login: r.owner },
    default_branch: r.defaultBranch,
    fork,
    private: false,
    html_url: `https://github.com/${fullName}`,
    clone_url: `https://github.com/${fullName}.git`,
  };
}

/** The webhook payload (`github.event`). workflow_dispatch inputs are added per workflow. */
export function eventPayload({ event: e, repository, actor }: EventEnvelope): JsonObject {
  const repo = repositoryPayload(repository);
  const sender = { login: actor };
  switch (e.name) {
    case 'push': {
      const before = e.before ?? ZERO_SHA;
      return {
        ref: e.ref,
        before,
        after: e.after,
        created: before === ZERO_SHA,
        deleted: false,
        forced: false,
        base_ref: null,
        compare: `https://github.com/${repository.owner}/${repository.name}/compare/${before.slice(0, 12)}...${e.after.slice(0, 12)}`,
        head_commit: { id: e.after },
        pusher: { name: actor },
        repository: repo,
        sender,
      };
    }
    case 'pull_request': {
      const headRepo = e.fork ? repositoryPayload({ ...repository, owner: actor }, true) : repo;
      return {
        action: 'synchronize',
        number: e.number,
        pull_request: {
          number: e.number,
          state: 'open',
          draft: false,
          merged: false,
          user: { login: actor },
          head: { ref: e.head.ref, sha: e.head.sha, label: `${e.fork ? actor : repository.owner}:${e.head.ref}`, repo: headRepo },
          base: { ref: e.base.ref, sha: e.base.sha, label: `${repository.owner}:${e.base.ref}`, repo },
        },
        repository: repo,
        sender,
      };
    }
    case 'merge_group':
      return {
        action: 'checks_requested',
        merge_group: {
          head_sha: e.headSha,
          head_ref: mergeGroupRef(e.baseRef, e.number, e.baseSha),
          base_sha: e.baseSha,
          base_ref: `refs/heads/${e.baseRef}`,
          head_commit: { id: e.headSha },
        },
        repository: repo,
        sender,
      };
    case 'workflow_dispatch':
      return { ref: e.ref, inputs: {}, repository: repo, sender };
  }
}

export function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\//, '');
}

/** The `github` context for one workflow run (the job id is added per job). */
export function githubContext(envelope: EventEnvelope, payload: JsonObject, workflow: { readonly name: string; readonly file: string }, workspace: string): JsonObject {
  const { event: e, repository, actor } = envelope;
  const run = runRef(e);
  const fullName = `${repository.owner}/${repository.name}`;
  // Stryker disable next-line ConditionalExpression: only a pull_request event has a fork field
  const fork = e.name === 'pull_request' && e.fork;
  return {
    event_name: e.name,
    event: payload,
    sha: run.sha,
    ref: run.ref,
    ref_name: refName(run.ref),
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: run.ref === `refs/heads/${repository.defaultBranch}`,
    base_ref: run.baseRef,
    head_ref: run.headRef,
    repository: fullName,
    repository_owner: repository.owner,
    repositoryUrl: `git://github.com/${fullName}.git`,
    actor,
    triggering_actor: actor,
    workflow: workflow.name,
    workflow_ref: `${fullName}/${workflow.file}@${run.ref}`,
    workflow_sha: run.sha,
    run_id: '1',
    run_number: '1',
    run_attempt: '1',
    retention_days: '90',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    graphql_url: 'https://api.github.com/graphql',
    workspace,
    action: '',
    job: '',
    token: '***',
    secret_source: fork ? 'None' : 'Actions',
  };
}

/** The runner's default environment variables (GITHUB_*, RUNNER_*, CI), from the `github` context. */
export function defaultEnv(github: JsonObject): Record<string, string> {
  const s = (key: string): string => {
    const v: Json | undefined = github[key];
    // Stryker disable next-line ConditionalExpression,StringLiteral: String() of a string is the string itself
    return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  };
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: s('event_name'),
    GITHUB_SHA: s('sha'),
    GITHUB_REF: s('ref'),
    GITHUB_REF_NAME: s('ref_name'),
    GITHUB_REF_TYPE: s('ref_type'),
    GITHUB_BASE_REF: s('base_ref'),
    GITHUB_HEAD_REF: s('head_ref'),
    GITHUB_REPOSITORY: s('repository'),
    GITHUB_REPOSITORY_OWNER: s('repository_owner'),
    GITHUB_ACTOR: s('actor'),
    GITHUB_TRIGGERING_ACTOR: s('triggering_actor'),
    GITHUB_WORKFLOW: s('workflow'),
    GITHUB_WORKFLOW_REF: s('workflow_ref'),
    GITHUB_WORKFLOW_SHA: s('workflow_sha'),
    GITHUB_JOB: s('job'),
    GITHUB_RUN_ID: s('run_id'),
    GITHUB_RUN_NUMBER: s('run_number'),
    GITHUB_RUN_ATTEMPT: s('run_attempt'),
    GITHUB_SERVER_URL: s('server_url'),
    GITHUB_API_URL: s('api_url'),
    GITHUB_GRAPHQL_URL: s('graphql_url'),
    GITHUB_WORKSPACE: s('workspace'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
  };
}
