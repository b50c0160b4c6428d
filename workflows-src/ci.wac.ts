/**
 * ci.yml: on every push to the default branch, pull request and merge-queue run. `changes` asks the
 * bundled CLI what the change affects (the service catalog comes from the workspace at run time, so
 * this file names no service); one `build` leg per affected service builds, tests, verifies and, for
 * the default branch and the merge queue only, pushes its image; `libraries` tests each affected
 * shared package; `checks` runs the pipeline's own checks; `ci-ok` is the one required status check.
 */
import { Workflow } from '@github-actions-workflow-ts/lib';
import type { Registry } from '../scripts/core/config.js';
import { allNeedsResults, and, contains, eq, type Expr, fn, format, fromJSON, github, lit, matrix, ne, not, or, runner, secret, toJSON, needsContext } from './dsl/expr.js';
import { job, type Permissions } from './dsl/job.js';
import { buildPush, checkout, dockerLogin, run, setupBuildx, setupNode, setupPnpm, uploadArtifact } from './dsl/steps.js';
import { pipelineConfig as config } from './pipeline.config.js';

/** The CLI is committed as a bundle: jobs run it with plain node, the changes job before any install. */
const PIPELINE = 'node scripts/dist/pipeline.mjs';
const RUNS_ON = config.runners.default;

/**
 * Images are pushed for pushes to the default branch and for merge-queue runs, and only in this
 * repository (a fork's own runs carry `repository.fork`); pull requests build and verify, never push,
 * so they never log in and never read a secret.
 */
export const shouldPush: Expr = and(
  or(and(eq(github.eventName, lit('push')), eq(github.ref, lit(`refs/heads/${config.defaultBranch}`))), eq(github.eventName, lit('merge_group'))),
  not(github.event('repository.fork')),
);

/** The one gate: a needed job that failed or was cancelled fails it; skipped jobs (nothing affected) pass. */
export const gateFails: Expr = or(contains(allNeedsResults, lit('failure')), contains(allNeedsResults, lit('cancelled')));

const isPullRequest = eq(github.eventName, lit('pull_request'));

/** Each PR has one group and a new push cancels its running CI; every other run has a group of its own. */
export const concurrency = {
  group: format('ci-{0}', or(and(isPullRequest, github.ref), github.runId)),
  cancelInProgress: isPullRequest,
};

const repoCheckout = (fetchDepth: number) =>
  checkout({
    name: 'Check out',
    with: { 'fetch-depth': fetchDepth, 'persist-credentials': false },
  });

/** pnpm from package.json's packageManager (no version input: the action refuses two sources), Node with the pnpm store cached. */
const toolchain = [
  setupPnpm({ name: 'Set up pnpm' }),
  setupNode({ name: `Set up Node ${config.versions.node}`, with: { 'node-version': config.versions.node, cache: 'pnpm' } }),
] as const;

function registryLogin(registry: Registry) {
  const login =
    registry.kind === 'ghcr'
      ? { registry: 'ghcr.io', username: github.actor, password: secret('GITHUB_TOKEN') }
      : { registry: registry.host, username: secret(registry.usernameSecret), password: secret(registry.passwordSecret) };
  return dockerLogin({ name: `Log in to ${login.registry}`, if: shouldPush, with: login });
}

// 1. What the change affects: the committed bundle, no install.
const AFFECTED_OUTPUTS = ['matrix', 'services', 'count', 'any', 'libraries', 'tooling', 'global', 'base', 'head'] as const;
const affected = run({ name: 'Affected services and libraries', id: 'affected', run: `${PIPELINE} affected`, outputs: AFFECTED_OUTPUTS });
export const changes = job<(typeof AFFECTED_OUTPUTS)[number]>('changes', {
  runsOn: RUNS_ON,
  timeoutMinutes: 5,
  permissions: { contents: 'read' },
  steps: [
    // Two commits cover a push's previous commit and a PR merge commit's first parent; `affected` fetches
    // any other commit it needs from origin, so this checkout keeps its credentials (nothing is uploaded).
    checkout({ name: 'Check out', with: { 'fetch-depth': 2 } }),
    affected,
  ],
  outputs: AFFECTED_OUTPUTS.map((name) => [name, affected.output(name)] as const),
});

// 2. One leg per affected service: test, build, verify; push only when shouldPush.
const service = matrix('service');
const pkg = matrix('package');
const gha = (mode: string) => format(`type=gha,scope={0}${mode}`, service);
const tags = run({
  name: 'Image tags, labels and build arguments',
  id: 'meta',
  env: { SERVICE: service },
  run: `${PIPELINE} tags --service "$SERVICE"`,
  outputs: ['tags', 'labels', 'build-args', 'image'],
});
const image = {
  context: '.',
  file: matrix('dockerfile'),
  tags: tags.output('tags'),
  labels: tags.output('labels'),
  'build-args': tags.output('build-args'),
  'cache-from': gha(''),
} as const;
const pushed = buildPush({
  name: 'Push the image with provenance and SBOM attestations',
  id: 'push',
  if: shouldPush,
  with: { ...image, push: true, provenance: 'mode=max', sbom: true },
});

export const buildPermissions: Permissions = { contents: 'read', packages: 'write' };
export const build = job('build', {
  name: format('build ({0})', service),
  needs: [changes],
  if: eq(changes.output('any'), lit('true')),
  runsOn: RUNS_ON,
  timeoutMinutes: 30,
  // packages: write is used only by the push steps (shouldPush); BuildKit's provenance and SBOM are
  // stored in the registry with the image, so no id-token or attestations scope is needed.
  permissions: buildPermissions,
  strategy: { failFast: false, matrix: fromJSON(changes.output('matrix')) },
  env: { PACKAGE: pkg },
  steps: [
    repoCheckout(1),
    ...toolchain,
    run({ name: 'Install the service and its workspace dependencies', run: 'pnpm install --frozen-lockfile --filter "$PACKAGE..."' }),
    run({ name: 'Build its workspace dependencies', run: 'pnpm --filter "$PACKAGE^..." run build' }),
    run({ name: 'Typecheck', run: 'pnpm --filter "$PACKAGE" run typecheck' }),
    run({ name: 'Lint (when the service has a lint script)', run: 'pnpm --filter "$PACKAGE" run --if-present lint' }),
    run({ name: 'Unit tests', run: 'pnpm --filter "$PACKAGE" run test' }),
    setupBuildx({ name: 'Set up Docker Buildx' }),
    registryLogin(config.registry),
    tags,
    // Loaded into the runner's engine for verification; the engine's image store keeps no attestations.
    buildPush({ name: 'Build the image', id: 'build', with: { ...image, 'cache-to': gha(',mode=max'), load: true, push: false, provenance: false } }),
    run({
      name: 'Verify the image',
      env: { SERVICE: service, IMAGE: tags.output('image') },
      run: `${PIPELINE} verify-image "$SERVICE" --image "$IMAGE"`,
    }),
    pushed,
    run({
      name: 'Record the pushed digest',
      if: shouldPush,
      env: { SERVICE: service, DIGEST: pushed.output('digest') },
      run: `${PIPELINE} tags --service "$SERVICE" --digest "$DIGEST" --record "$RUNNER_TEMP/image-$SERVICE.json"`,
    }),
    // Job outputs of matrix legs overwrite each other: each leg leaves its record as its own artifact.
    uploadArtifact({
      name: 'Upload the image record',
      if: shouldPush,
      with: { name: format('image-{0}', service), path: format('{0}/image-{1}.json', runner.temp, service), 'if-no-files-found': 'error' },
    }),
  ],
});

// 3. Each affected shared library: its own typecheck and tests (services are tested in their build leg).
const library = matrix('library');
export const libraries = job('libraries', {
  name: format('library ({0})', library),
  needs: [changes],
  if: ne(changes.output('libraries'), lit('[]')),
  runsOn: RUNS_ON,
  timeoutMinutes: 15,
  permissions: { contents: 'read' },
  strategy: { failFast: false, matrix: { library: fromJSON(changes.output('libraries')) } },
  env: { LIBRARY: library },
  steps: [
    repoCheckout(1),
    ...toolchain,
    run({ name: 'Install the library and its workspace dependencies', run: 'pnpm install --frozen-lockfile --filter "$LIBRARY..."' }),
    run({ name: 'Build its workspace dependencies', run: 'pnpm --filter "$LIBRARY^..." run build' }),
    run({ name: 'Typecheck (when the library has a typecheck script)', run: 'pnpm --filter "$LIBRARY" run --if-present typecheck' }),
    run({ name: 'Unit tests', run: 'pnpm --filter "$LIBRARY" run test' }),
  ],
});

// 4. The pipeline's own checks, when the tooling, a global input or a library changed.
export const checks = job('checks', {
  needs: [changes],
  if: or(eq(changes.output('tooling'), lit('true')), eq(changes.output('global'), lit('true')), ne(changes.output('libraries'), lit('[]'))),
  runsOn: RUNS_ON,
  timeoutMinutes: 20,
  permissions: { contents: 'read' },
  steps: [
    repoCheckout(1),
    ...toolchain,
    run({ name: 'Install', run: 'pnpm install --frozen-lockfile' }),
    run({ name: 'Build the workspace packages', run: 'pnpm run build' }),
    run({ name: 'Typecheck', run: 'pnpm run typecheck' }),
    run({ name: 'Lint', run: 'pnpm run lint' }),
    run({ name: 'Pipeline unit tests', run: 'pnpm exec vitest run --project pipeline' }),
    run({ name: 'Workflows are generated from workflows-src', run: 'pnpm run workflows:check' }),
    run({ name: 'The committed CLI bundle is in sync', run: 'pnpm exec tsx scripts/bundle.ts --check' }),
    run({ name: 'Dockerfiles and compose are generated', run: 'pnpm run generate:check' }),
    run({ name: 'Dockerfiles follow the policy', run: `${PIPELINE} check-dockerfiles` }),
  ],
});

// 5. The single required status check.
export const gate = job('ci-ok', {
  needs: [changes, build, libraries, checks],
  if: fn('always'),
  runsOn: RUNS_ON,
  timeoutMinutes: 5,
  permissions: {},
  env: { RESULTS: toJSON(needsContext) },
  steps: [
    run({ name: 'Results of the needed jobs', run: 'echo "$RESULTS"' }),
    run({ name: 'Fail when a needed job failed or was cancelled', if: gateFails, run: 'echo "::error::a required job failed or was cancelled (see the results above)"\nexit 1' }),
  ],
});

export const ciWorkflow = new Workflow('ci', {
  name: 'CI',
  on: {
    push: { branches: [config.defaultBranch] },
    pull_request: null,
    merge_group: { types: ['checks_requested'] },
  },
  permissions: { contents: 'read' },
  concurrency: { group: concurrency.group.wrap(), 'cancel-in-progress': concurrency.cancelInProgress.wrap() },
}).addJobs([changes.job, build.job, libraries.job, checks.job, gate.job]);
