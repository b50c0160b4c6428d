/**
 * The shape of the one pipeline config (the value lives in pipeline.config.ts and is
 * bundled into the CLI at build time: no TypeScript is loaded at run time).
 */

export type Registry =
  /** GitHub Container Registry: `ghcr.io/<owner>/<service>`, login with the workflow's GITHUB_TOKEN. */
  | { readonly kind: 'ghcr' }
  /** Any other registry: `<host>/<namespace>/<service>`, login with the named secrets. */
  | { readonly kind: 'custom'; readonly host: string; readonly namespace: string; readonly usernameSecret: string; readonly passwordSecret: string };

/** Where a deploy runs; one file per target behind one interface (scripts/io/targets/). */
export type DeployTarget =
  /** A Docker host (DOCKER_HOST, e.g. ssh://deploy@host) running the generated docker-compose.yml, one compose project per environment. */
  | { readonly kind: 'compose'; readonly file: string; readonly project: string }
  /** A Kubernetes cluster (kubectl's current context, or `context`): one Deployment per service, its container named after it. */
  | { readonly kind: 'kubernetes'; readonly namespace: string; readonly context?: string };

/** One runner label, or the labels a runner must all have. */
export type RunnerLabels = string | readonly [string, ...string[]];

export interface Environment {
  readonly name: string;
  /** Shown in the deploy workflow; protection rules (reviewers) are configured on GitHub. */
  readonly url?: string;
  /** The promotion order: this environment accepts only a digest with a successful deployment there. */
  readonly requires?: string;
  readonly target: DeployTarget;
  /** How long a deployed service may take to become healthy. */
  readonly healthTimeoutSeconds: number;
  /**
   * How long the new containers must then keep running (no exit, no restart, not unhealthy) before the
   * deploy counts as healthy, as Kubernetes' `minReadySeconds`: a service that crashes a few seconds
   * after its first good health check is rolled back, not recorded as deployed. `compose` targets only
   * (a Deployment's own `spec.minReadySeconds` does this for `kubectl rollout status`); none when absent.
   */
  readonly minReadySeconds?: number;
}

export interface PipelineConfig {
  readonly defaultBranch: string;
  readonly registry: Registry;
  /**
   * The one repository (`owner/name`) whose pushes to the default branch publish images. Explicit, so a
   * canonical repository that happens to be a GitHub fork still publishes, and a fork of it never does.
   */
  readonly publishRepository: string;
  readonly services: {
    /** A workspace package is a service when its folder holds this file ... */
    readonly marker: string;
    /**
     * ... or matches one of these globs: the folders the Dockerfile generator writes a Dockerfile into (a new
     * service needs no Dockerfile yet). The same rule on disk and at a commit (core/workspace/discover.ts).
     */
    readonly dockerfileTargets: readonly string[];
    readonly dockerfileTemplate: string;
  };
  readonly affected: {
    /** Root files whose change affects every service (globs, from the repository root). */
    readonly globalInputs: readonly string[];
    /** Changes that affect nothing. */
    readonly ignore: readonly string[];
    /** Root package.json fields whose change alters installs (any other field change is tooling). */
    readonly rootManifestFields: readonly string[];
  };
  /** Node major for CI runners and the default base image. pnpm's version is package.json's `packageManager`, nowhere else. */
  readonly versions: { readonly node: string };
  readonly runners: {
    /** `runs-on` of every job: one label (`ubuntu-24.04`), or the labels a self-hosted runner must have, e.g. ['self-hosted', 'linux', 'x64']. */
    readonly default: RunnerLabels;
    /** `runs-on` of the image legs (ci.yml's `build` and `publish`, release.yml's `build`), e.g. a larger runner for Docker builds; `default` when absent. */
    readonly build?: RunnerLabels;
  };
  readonly environments: readonly Environment[];
  readonly release: {
    /**
     * `make_latest` of a published GitHub Release: "false" by default, so one service's release does not
     * take the repository's "Latest" badge from another ("true" or "legacy" otherwise).
     */
    readonly makeLatest: 'true' | 'false' | 'legacy';
  };
}
