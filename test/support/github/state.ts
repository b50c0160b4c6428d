/**
 * The GitHub stand-in's memory: one repository with its commits, git refs, releases, deployments,
 * deployment statuses and workflow dispatches, answered in GitHub's JSON shapes (ids, node_id, URLs
 * built from the stand-in's base URL, timestamps, the `github-actions[bot]` creator).
 *
 * Behaviours of the real API that releases and deploys trip over are kept:
 * - a draft release has no tag yet: `get release by tag` answers 404 for it, publishing creates the
 *   tag at `target_commitish` when it does not exist; with immutable releases on, a published
 *   release can no longer be edited and its tag not moved;
 * - `make_latest` (`"true"` by default, `"false"`, `"legacy"`) decides which release is "Latest";
 * - creating a deployment with `auto_merge` left on (the default) for a ref other than the default
 *   branch answers 202 "Auto-merged ..." and creates no deployment; with `required_contexts` left out,
 *   the contexts seeded as failing answer 409;
 * - a `success` status marks the earlier deployments of the same environment `inactive`
 *   (`auto_inactive`, default on) unless it is a production environment.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: readonly Record<string, string>[] = [],
  ) {
    super(message);
  }
}

export interface Seed {
  readonly owner?: string;
  readonly repo?: string;
  readonly defaultBranch?: string;
  /** Known commits, oldest first; the default branch points at the last. Refs may only point at these (when given). */
  readonly commits?: readonly string[];
  /** Immutable releases (GitHub, GA October 2025): a published release cannot change, its tag cannot move. */
  readonly immutableReleases?: boolean;
  /** Commit status contexts that fail: a deployment without `required_contexts` is refused with 409. */
  readonly failingContexts?: readonly string[];
  /** A fixed clock for timestamps; default the real one. */
  readonly now?: () => Date;
}

export interface Release {
  readonly id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
}

export interface DeploymentStatus {
  readonly id: number;
  readonly state: string;
  readonly description: string;
  readonly environment: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly targetUrl: string;
  readonly createdAt: string;
}

export interface Deployment {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly payload: Readonly<Record<string, unknown>> | string;
  environment: string;
  readonly originalEnvironment: string;
  readonly description: string | null;
  readonly transient: boolean;
  readonly production: boolean;
  readonly createdAt: string;
  updatedAt: string;
  /** Oldest first. */
  readonly statuses: DeploymentStatus[];
}

export interface Dispatch {
  readonly workflowId: string;
  readonly ref: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

const SHA = /^[0-9a-f]{40}$/;
const BOT = 'github-actions[bot]';

export class GitHubState {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly immutableReleases: boolean;
  /** `refs/heads/main` → sha. */
  readonly refs = new Map<string, string>();
  readonly releases = new Map<number, Release>();
  readonly deployments = new Map<number, Deployment>();
  readonly dispatches: Dispatch[] = [];
  private readonly commits: ReadonlySet<string> | undefined;
  private readonly failingContexts: readonly string[];
  private readonly now: () => Date;
  private nextId = 1000;
  private latestReleaseId: number | undefined;

  constructor(
    private readonly baseUrl: string,
    seed: Seed = {},
  ) {
    this.owner = seed.owner ?? 'kodingcaravan';
    this.repo = seed.repo ?? 'platform';
    this.defaultBranch = seed.defaultBranch ?? 'main';
    this.immutableReleases = seed.immutableReleases ?? false;
    this.failingContexts = seed.failingContexts ?? [];
    this.now = seed.now ?? (() => new Date());
    this.commits = seed.commits && new Set(seed.commits);
    const head = seed.commits?.at(-1) ?? 'f'.repeat(40);
    this.refs.set(`refs/heads/${this.defaultBranch}`, head);
  }

  /** 404 unless `owner/repo` is the seeded repository (GitHub compares names case-insensitively). */
  checkRepository(owner: string | undefined, repo: string | undefined): void {
    if (owner?.toLowerCase() !== this.owner.toLowerCase() || repo?.toLowerCase() !== this.repo.toLowerCase()) throw new ApiError(404, 'Not Found');
  }

  // --- git refs -------------------------------------------------------------------------------

  createRef(ref: string, sha: string): Record<string, unknown> {
    if (!/^refs\/[^/]+\/.+/.test(ref)) throw new ApiError(422, `Reference name is invalid: ${ref}`);
    if (!this.isCommit(sha)) throw new ApiError(422, 'Object does not exist');
    if (this.refs.has(ref)) throw new ApiError(422, 'Reference already exists');
    this.refs.set(ref, sha);
    return this.refBody(ref, sha);
  }

  /** `ref` as in the API: `heads/main`, `tags/api-gateway@1.0.0`. */
  getRef(ref: string): Record<string, unknown> {
    const sha = this.refs.get(`refs/${ref}`);
    if (sha === undefined) throw new ApiError(404, 'Not Found');
    return this.refBody(`refs/${ref}`, sha);
  }

  matchingRefs(prefix: string): Record<string, unknown>[] {
    return [...this.refs]
      .filter(([ref]) => ref.startsWith(`refs/${prefix}`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([ref, sha]) => this.refBody(ref, sha));
  }

  /** A branch, a tag or a commit SHA to a commit; undefined when none. */
  resolve(ref: string): string | undefined {
    if (SHA.test(ref) && this.isCommit(ref)) return ref;
    return this.refs.get(ref) ?? this.refs.get(`refs/heads/${ref}`) ?? this.refs.get(`refs/tags/${ref}`);
  }

  private isCommit(sha: string): boolean {
    return SHA.test(sha) && (this.commits === undefined || this.commits.has(sha));
  }

  private refBody(ref: string, sha: string): Record<string, unknown> {
    return {
      ref,
      node_id: nodeId('REF', ref),
      url: `${this.repoUrl()}/git/${encodePath(ref)}`,
      object: { type: 'commit', sha, url: `${this.repoUrl()}/git/commits/${sha}` },
    };
  }

  // --- releases -------------------------------------------------------------------------------

  createRelease(input: { tagName: string; targetCommitish?: string; name?: string; body?: string; draft?: boolean; prerelease?: boolean; makeLatest?: string }): Release {
    if ([...this.releases.values()].some((r) => r.tagName === input.tagName)) {
      throw new ApiError(422, 'Validation Failed', [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
    }
    const at = this.timestamp();
    const release: Release = {
      id: this.id(),
      tagName: input.tagName,
      targetCommitish: input.targetCommitish ?? this.defaultBranch,
      name: input.name ?? null,
      body: input.body ?? null,
      draft: input.draft ?? false,
      prerelease: input.prerelease ?? false,
      createdAt: at,
      publishedAt: null,
      updatedAt: at,
    };
    if (!release.draft) this.publish(release, input.makeLatest);
    this.releases.set(release.id, release);
    return release;
  }

  updateRelease(
    id: number,
    input: { tagName?: string; targetCommitish?: string; name?: string; body?: string; draft?: boolean; prerelease?: boolean; makeLatest?: string },
  ): Release {
    const release = this.release(id);
    if (this.immutableReleases && !release.draft) throw new ApiError(422, 'Cannot modify an immutable release');
    if (input.tagName !== undefined) release.tagName = input.tagName;
    if (input.targetCommitish !== undefined) release.targetCommitish = input.targetCommitish;
    if (input.name !== undefined) release.name = input.name;
    if (input.body !== undefined) release.body = input.body;
    if (input.prerelease !== undefined) release.prerelease = input.prerelease;
    release.updatedAt = this.timestamp();
    if (input.draft === false && release.draft) this.publish(release, input.makeLatest);
    else if (input.draft === true && !release.draft) release.draft = true;
    return release;
  }

  release(id: number): Release {
    const release = this.releases.get(id);
    if (release === undefined) throw new ApiError(404, 'Not Found');
    return release;
  }

  /** Published releases only: a draft has no tag yet. */
  releaseByTag(tag: string): Release {
    const release = [...this.releases.values()].find((r) => r.tagName === tag && !r.draft);
    if (release === undefined) throw new ApiError(404, 'Not Found');
    return release;
  }

  latestRelease(): Release {
    return this.release(this.latestReleaseId ?? -1);
  }

  /** Newest first, drafts included (the token can push). */
  listReleases(): Release[] {
    return [...this.releases.values()].reverse();
  }

  private publish(release: Release, makeLatest = 'true'): void {
    const tagRef = `refs/tags/${release.tagName}`;
    if (!this.refs.has(tagRef)) {
      const sha = this.resolve(release.targetCommitish);
      if (sha === undefined) throw new ApiError(422, 'Validation Failed', [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
      this.refs.set(tagRef, sha);
    }
    release.draft = false;
    release.publishedAt = this.timestamp();
    if (makeLatest === 'true' && !release.prerelease) this.latestReleaseId = release.id;
    // "legacy": the latest by creation date among the stable published releases.
    if (makeLatest === 'legacy') this.latestReleaseId = [...this.releases.values(), release].filter((r) => !r.draft && !r.prerelease).at(-1)?.id;
  }

  releaseBody(r: Release): Record<string, unknown> {
    const tag = encodeURIComponent(r.tagName);
    return {
      url: `${this.repoUrl()}/releases/${r.id}`,
      html_url: `${this.htmlUrl()}/releases/tag/${tag}`,
      assets_url: `${this.repoUrl()}/releases/${r.id}/assets`,
      upload_url: `${this.repoUrl()}/releases/${r.id}/assets{?name,label}`,
      tarball_url: `${this.repoUrl()}/tarball/${tag}`,
      zipball_url: `${this.repoUrl()}/zipball/${tag}`,
      id: r.id,
      node_id: nodeId('RE', r.id),
      tag_name: r.tagName,
      target_commitish: r.targetCommitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: this.immutableReleases && !r.draft,
      created_at: r.createdAt,
      published_at: r.publishedAt,
      updated_at: r.updatedAt,
      author: this.user(),
      assets: [],
    };
  }

  // --- deployments ----------------------------------------------------------------------------

  /** The deployment, or the 202 message GitHub answers when it merged the default branch instead. */
  createDeployment(input: {
    ref: string;
    task?: string;
    autoMerge?: boolean;
    requiredContexts?: readonly string[];
    payload?: Readonly<Record<string, unknown>> | string;
    environment?: string;
    description?: string | null;
    transient?: boolean;
    production?: boolean;
  }): Deployment | { readonly merged: string } {
    const sha = this.resolve(input.ref);
    if (sha === undefined) throw new ApiError(422, `No ref found for: ${input.ref}`);
    if (input.autoMerge !== false && input.ref !== this.defaultBranch && sha !== this.refs.get(`refs/heads/${this.defaultBranch}`)) {
      return { merged: `Auto-merged ${this.defaultBranch} into ${input.ref} on deployment.` };
    }
    if (input.requiredContexts === undefined && this.failingContexts.length > 0) {
      throw new ApiError(409, `Conflict: Commit status checks failed for ${input.ref}.`);
    }
    const environment = input.environment ?? 'production';
    const at = this.timestamp();
    const deployment: Deployment = {
      id: this.id(),
      sha,
      ref: input.ref,
      task: input.task ?? 'deploy',
      payload: input.payload ?? '',
      environment,
      originalEnvironment: environment,
      description: input.description ?? null,
      transient: input.transient ?? false,
      production: input.production ?? environment === 'production',
      createdAt: at,
      updatedAt: at,
      statuses: [],
    };
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  deployment(id: number): Deployment {
    const deployment = this.deployments.get(id);
    if (deployment === undefined) throw new ApiError(404, 'Not Found');
    return deployment;
  }

  /** Newest first, filtered as GitHub's list endpoint filters. */
  listDeployments(filter: { sha?: string; ref?: string; task?: string; environment?: string }): Deployment[] {
    return [...this.deployments.values()]
      .filter(
        (d) =>
          (filter.sha === undefined || d.sha === filter.sha) &&
          (filter.ref === undefined || d.ref === filter.ref) &&
          (filter.task === undefined || d.task === filter.task) &&
          (filter.environment === undefined || d.environment === filter.environment),
      )
      .reverse();
  }

  createDeploymentStatus(
    id: number,
    input: { state: string; description?: string; environment?: string; logUrl?: string; environmentUrl?: string; targetUrl?: string; autoInactive?: boolean },
  ): DeploymentStatus {
    const deployment = this.deployment(id);
    if (input.environment !== undefined) deployment.environment = input.environment;
    const status = this.addStatus(deployment, input);
    if (input.state === 'success' && input.autoInactive !== false) {
      for (const other of this.deployments.values()) {
        if (other === deployment || other.environment !== deployment.environment || other.transient || other.production) continue;
        if (other.statuses.at(-1)?.state === 'success') this.addStatus(other, { state: 'inactive' });
      }
    }
    return status;
  }

  private addStatus(deployment: Deployment, input: { state: string; description?: string; logUrl?: string; environmentUrl?: string; targetUrl?: string }): DeploymentStatus {
    const status: DeploymentStatus = {
      id: this.id(),
      state: input.state,
      description: input.description ?? '',
      environment: deployment.environment,
      logUrl: input.logUrl ?? input.targetUrl ?? '',
      environmentUrl: input.environmentUrl ?? '',
      targetUrl: input.targetUrl ?? input.logUrl ?? '',
      createdAt: this.timestamp(),
    };
    deployment.statuses.push(status);
    deployment.updatedAt = status.createdAt;
    return status;
  }

  deploymentBody(d: Deployment): Record<string, unknown> {
    return {
      url: `${this.repoUrl()}/deployments/${d.id}`,
      id: d.id,
      node_id: nodeId('DE', d.id),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.originalEnvironment,
      environment: d.environment,
      description: d.description,
      creator: this.user(),
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      statuses_url: `${this.repoUrl()}/deployments/${d.id}/statuses`,
      repository_url: this.repoUrl(),
      transient_environment: d.transient,
      production_environment: d.production,
    };
  }

  statusBody(d: Deployment, s: DeploymentStatus): Record<string, unknown> {
    return {
      url: `${this.repoUrl()}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: nodeId('DES', s.id),
      state: s.state,
      creator: this.user(),
      description: s.description,
      environment: s.environment,
      target_url: s.targetUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: `${this.repoUrl()}/deployments/${d.id}`,
      repository_url: this.repoUrl(),
      environment_url: s.environmentUrl,
      log_url: s.logUrl,
    };
  }

  // --- workflow dispatches --------------------------------------------------------------------

  dispatch(workflowId: string, ref: string, inputs: Readonly<Record<string, unknown>>): void {
    if (this.resolve(ref) === undefined) throw new ApiError(422, `No ref found for: ${ref}`);
    for (const [name, value] of Object.entries(inputs)) {
      if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') throw new ApiError(422, `Invalid value for input ${name}`);
    }
    this.dispatches.push({ workflowId, ref, inputs });
  }

  // --- shared ---------------------------------------------------------------------------------

  repoUrl(): string {
    return `${this.baseUrl}/repos/${this.owner}/${this.repo}`;
  }

  private htmlUrl(): string {
    return `${this.baseUrl}/${this.owner}/${this.repo}`;
  }

  private id(): number {
    return this.nextId++;
  }

  /** GitHub's timestamps have no milliseconds: `2025-01-02T03:04:05Z`. */
  private timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  private user(): Record<string, unknown> {
    const login = encodeURIComponent(BOT);
    const url = `${this.baseUrl}/users/${login}`;
    return {
      login: BOT,
      id: 41898282,
      node_id: 'MDM6Qm90NDE4OTgyODI=',
      avatar_url: `${this.baseUrl}/avatars/in/15368`,
      gravatar_id: '',
      url,
      html_url: `${this.baseUrl}/apps/github-actions`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: 'Bot',
      user_view_type: 'public',
      site_admin: false,
    };
  }
}

function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`;
}

function encodePath(ref: string): string {
  return ref.split('/').map(encodeURIComponent).join('/');
}
