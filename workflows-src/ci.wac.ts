/**
 * ci.yml: on every push to the default branch, pull request and merge-queue run. `changes` asks the
 * bundled CLI what the change affects (the service catalog comes from the workspace at run time, so
 * this file names no service). Each affected service gets one leg of either `build` (pull requests,
 * merge-queue candidates, forks: built, tested and verified, never pushed, no login, no secret, a
 * read-only token) or `publish` (a push to the default branch of the publishing repository: the same
 * steps, then the verified image is pushed by digest with its attestations and recorded), made from one
 * step list. `libraries` tests each affected shared package; `checks` runs the pipeline's own checks (and
 * the generated files' for any affected service); `promote` tags each recorded digest once those passed;
 * `ci-ok` is the one required check.
 */
import { Workflow } from '@github-actions-workflow-ts/lib';
import type { PipelineConfig, Registry } from '../scripts/core/config.js';
import {
  allNeedsResults,
  and,
  contains,
  eq,
  type Expr,
  fn,
  format,
  fromJSON,
  github,
  hashFiles,
  lit,
  matrix,
  ne,
  needsContext,
  not,
  or,
  runner,
  secret,
  stepOutput,
  toJSON,
} from './dsl/expr.js';
import { type Job, job, type Permissions } from './dsl/job.js';
import { type BuiltStep, buildPush, checkout, dockerLogin, downloadArtifact, restoreCache, run, saveCache, setupBuildx, setupNode, uploadArtifact } from './dsl/steps.js';
import { pnpmVersion } from './package-manager.js';
import { pipelineConfig } from './config.js';

/** The CLI is committed as a bundle: jobs run it with plain node, the changes job before any install. */
export const PIPELINE = 'node scripts/dist/pipeline.cjs';

/**
 * Images are pushed only for pushes to the default branch of the publishing repository named in the
 * pipeline config (explicit: a canonical repository that is a GitHub fork still publishes, and a fork
 * of it never does). Merge-queue candidates build and verify only: a candidate that never lands gets
 * no image and no tag, and each landed commit has one digest per service, pushed once by its push to
 * the default branch. This is the only place the push decision is made.
 */
export function pushCondition(config: PipelineConfig): Expr {
  return and(eq(github.eventName, lit('push')), eq(github.ref, lit(`refs/heads/${config.defaultBranch}`)), eq(github.repository, lit(config.publishRepository)));
}

/** The job-summary line that says why a run publishes nothing (shown by `changes` when pushCondition is false). */
const NOT_PUBLISHED_SCRIPT = [
  'if [ "$EVENT" = push ] && [ "$REF" = "refs/heads/$DEFAULT_BRANCH" ]; then',
  '  why="this repository is $REPOSITORY, and images are published only from $PUBLISH_REPOSITORY (publishRepository in pipeline.config.ts)"',
  'elif [ "$EVENT" = merge_group ]; then',
  '  why="merge-queue candidates are built and verified only; the push to $DEFAULT_BRANCH publishes the commit that lands"',
  'else',
  '  why="only pushes to $DEFAULT_BRANCH of $PUBLISH_REPOSITORY publish images (this run: $EVENT on $REF)"',
  'fi',
  'printf \'### No images published\\n\\n%s.\\n\' "$why" >> "$GITHUB_STEP_SUMMARY"',
  'echo "no images are published: $why"',
].join('\n');

/** The one gate: a needed job that failed or was cancelled fails it; skipped jobs (nothing affected) pass. */
export const gateFails: Expr = or(contains(allNeedsResults, lit('failure')), contains(allNeedsResults, lit('cancelled')));

const isPullRequest = eq(github.eventName, lit('pull_request'));

/** Each PR has one group and a new push cancels its running CI; every other run has a group of its own. */
export const concurrency = {
  group: format('ci-{0}', or(and(isPullRequest, github.ref), github.runId)),
  cancelInProgress: isPullRequest,
};

/**
 * Only `publish` holds a write scope, and only for GHCR (its login is the job's GITHUB_TOKEN); another
 * registry logs in with its own secrets, so the token stays read-only there too. BuildKit stores
 * provenance and SBOM in the registry with the image: no id-token or attestations scope.
 */
export function publishPermissions(registry: Registry): Permissions {
  return registry.kind === 'ghcr' ? { contents: 'read', packages: 'write' } : { contents: 'read' };
}

export const repoCheckout = (fetchDepth: number) =>
  checkout({
    name: 'Check out',
    with: { 'fetch-depth': fetchDepth, 'persist-credentials': false },
  });

/** Where pnpm keeps its store on a Linux runner (`pnpm store path`'s parent), cached between runs. */
const PNPM_STORE = '~/.local/share/pnpm/store';
const pnpmStoreKey = format('pnpm-store-{0}-{1}', runner.os, hashFiles('pnpm-lock.yaml'));

/**
 * Node, then pnpm at package.json's `packageManager` version through npm (integrity-checked by npm;
 * no third-party action: pnpm/action-setup's verified release runs on node20, which runners removed),
 * then the pnpm store restored. The store is saved only by a full install on the default branch
 * (`checks`): a leg's filtered install holds a part of it, and saving that under the lockfile's key
 * would serve every later run an incomplete store.
 */
const toolchain = (config: PipelineConfig) =>
  [
    setupNode({ name: `Set up Node ${config.versions.node}`, with: { 'node-version': config.versions.node, 'package-manager-cache': false } }),
    run({ name: `Install pnpm ${pnpmVersion()} (package.json packageManager)`, run: `npm install --global --no-audit --no-fund pnpm@${pnpmVersion()}` }),
    restoreCache({ name: 'Restore the pnpm store', id: 'pnpm-store', with: { path: PNPM_STORE, key: pnpmStoreKey, 'restore-keys': 'pnpm-store-' } }),
  ] as const;

export function registryLogin(registry: Registry) {
  const login =
    registry.kind === 'ghcr'
      ? { registry: 'ghcr.io', username: github.actor, password: secret('GITHUB_TOKEN') }
      : { registry: registry.host, username: secret(registry.usernameSecret), password: secret(registry.passwordSecret) };
  return dockerLogin({ name: `Log in to ${login.registry}`, with: login });
}

const AFFECTED_OUTPUTS = ['matrix', 'services', 'count', 'any', 'libraries', 'tooling', 'global', 'base', 'head'] as const;
type AffectedOutput = (typeof AFFECTED_OUTPUTS)[number];

type ImageJobKind = 'build' | 'publish';

/** The leg's image tags, labels and build arguments (`pipeline tags`), for the commit built when it is not GITHUB_SHA. */
const tagsStep = (commitEnv: Record<string, Expr>, commitFlag: string) =>
  run({
    name: 'Image tags, labels and build arguments',
    id: 'meta',
    env: { SERVICE: matrix('service'), ...commitEnv },
    run: `${PIPELINE} tags --service "$SERVICE"${commitFlag}`,
    outputs: ['tags', 'labels', 'build-args', 'image', 'repository'],
  });

/**
 * The steps of one service leg. `build` and `publish` run the same list up to verification, so what a
 * pull request proves is what the default branch pushes; `publish` adds the login, the push, the
 * record and the tags. The push is a second build served from the builder's cache of the verified one
 * (the engine cannot hold attestations, so the verified image itself cannot be pushed with them), and
 * it pushes by digest only: no tag names it yet. The record step reads the pushed index back from
 * the registry and fails the leg, and so `ci-ok`, unless its platform manifest names the verified
 * build's config (an attested push's own `imageid` is the index digest, never comparable); only then
 * does the tag step tag that digest, through the one registry tag operation: `sha-<7>` never moves
 * once set (a re-run keeps the digest its commit was published as), `main` only moves forward.
 * So a tag never names an image nobody verified. BuildKit's cache is written only here (the default
 * branch), with `ignore-error=true`: pull requests read it and never evict it.
 */
/**
 * The steps of one image leg. `ref`, for release.yml's build: the commit being released. It is checked
 * out instead of the run's commit, and the image is labelled, tagged and recorded as the commit the
 * checkout reports (`pipeline tags --commit`), not GITHUB_SHA. Such a build reads BuildKit's cache but
 * never writes it: the ref may be any commit a maintainer chose, and CI's builds on the default branch
 * read that cache scope.
 */
export function imageSteps(kind: ImageJobKind, config: PipelineConfig, ref?: Expr): [BuiltStep<string>, ...BuiltStep<string>[]] {
  const service = matrix('service');
  const gha = (mode: string) => format(`type=gha,scope={0}${mode}`, service);
  const checkedOut = ref === undefined ? repoCheckout(1) : checkout({ name: 'Check out', id: 'checkout', with: { ref, 'fetch-depth': 1, 'persist-credentials': false } });
  // The commit built, for `pipeline tags`: none when it is GITHUB_SHA.
  const commitEnv: Record<string, Expr> = ref === undefined ? {} : { COMMIT: checkedOut.output('commit') };
  const commitFlag = ref === undefined ? '' : ' --commit "$COMMIT"';
  const tags = tagsStep(commitEnv, commitFlag);
  const image = {
    context: '.',
    file: matrix('dockerfile'),
    tags: tags.output('tags'),
    labels: tags.output('labels'),
    'build-args': tags.output('build-args'),
    'cache-from': gha(''),
  } as const;
  // Loaded into the runner's engine for verification; the engine's image store keeps no attestations.
  const built = buildPush({
    name: 'Build the image',
    id: 'build',
    with: { ...image, ...(kind === 'publish' && ref === undefined ? { 'cache-to': gha(',mode=max,ignore-error=true') } : {}), load: true, push: false, provenance: false },
  });
  // The ref's own bundle runs these steps: one made before `tags --commit` would fail only after the tests.
  const compatible = run({
    name: "Check that the ref's pipeline can build it here",
    run: [
      `if ! ${PIPELINE} tags --help | grep -q -e '--commit SHA'; then`,
      `  echo "::error::this ref's pipeline predates release builds of another ref (pipeline tags --commit); start Release on that ref instead (Use workflow from: the ref, with ref left empty)"`,
      '  exit 1',
      'fi',
    ].join('\n'),
  });
  const verified = [
    checkedOut,
    ...(ref === undefined ? [] : [compatible]),
    ...toolchain(config),
    run({ name: 'Install the service and its workspace dependencies', run: 'pnpm install --frozen-lockfile --filter "$PACKAGE..."' }),
    run({ name: 'Build its workspace dependencies', run: 'pnpm --filter "$PACKAGE^..." run build' }),
    run({ name: 'Typecheck', run: 'pnpm --filter "$PACKAGE" run typecheck' }),
    run({ name: 'Lint (when the service has a lint script)', run: 'pnpm --filter "$PACKAGE" run --if-present lint' }),
    run({ name: 'Unit tests', run: 'pnpm --filter "$PACKAGE" run test' }),
    setupBuildx({ name: 'Set up Docker Buildx' }),
    tags,
    built,
    run({
      name: 'Verify the image',
      // The revision label must name the commit built: GITHUB_SHA (a pull request's merge commit too), or
      // the released commit in release.yml's build.
      env: { SERVICE: service, IMAGE: tags.output('image'), ...(ref === undefined ? { REVISION: github.sha } : commitEnv) },
      run: `${PIPELINE} verify-image "$SERVICE" --image "$IMAGE" --revision ${ref === undefined ? '"$REVISION"' : '"$COMMIT"'}`,
    }),
  ] as const;
  if (kind === 'build') return [...verified];
  const { tags: _tagsMoveLater, ...untagged } = image;
  const pushed = buildPush({
    name: 'Push the image by digest, with provenance and SBOM attestations',
    id: 'push',
    with: {
      ...untagged,
      outputs: format('type=image,name={0},push-by-digest=true,name-canonical=true,push=true', tags.output('repository')),
      provenance: 'mode=max',
      sbom: true,
    },
  });
  const record = run({
    name: 'Record the pushed digest (fails unless it is the verified image)',
    id: 'record',
    env: { SERVICE: service, ...commitEnv, DIGEST: pushed.output('digest'), VERIFIED_IMAGE_ID: built.output('imageid') },
    run: `${PIPELINE} tags --service "$SERVICE"${commitFlag} --digest "$DIGEST" --verified-image-id "$VERIFIED_IMAGE_ID" --record "$RUNNER_TEMP/image-$SERVICE.json"`,
    outputs: ['digest'],
  });
  // CI's tags move in its own `promote` job, once the checks and libraries passed too; a release build
  // (release.yml, a ref) tags its commit here: release's own jobs gate what it promotes.
  const promoteHere =
    ref === undefined
      ? []
      : [
          run({
            name: 'Tag the verified image (commit tag once, main only forward)',
            env: { SERVICE: service, ...commitEnv, DIGEST: record.output('digest'), GITHUB_TOKEN: github.token },
            run: `${PIPELINE} tags --service "$SERVICE"${commitFlag} --promote "$DIGEST"`,
          }),
        ];
  return [
    ...verified,
    registryLogin(config.registry),
    pushed,
    record,
    ...promoteHere,
    // Job outputs of matrix legs overwrite each other: each leg leaves its record as its own artifact.
    uploadArtifact({
      name: 'Upload the image record',
      // overwrite: "Re-run all jobs" uploads the record again under the same name.
      with: { name: format('image-{0}', service), path: format('{0}/image-{1}.json', runner.temp, service), 'if-no-files-found': 'error', overwrite: true },
    }),
  ];
}

/** A matrix job over the affected services: `build` when not pushing, `publish` when pushing. */
function imageJob(kind: ImageJobKind, config: PipelineConfig, changes: Job<AffectedOutput>, shouldPush: Expr): Job<never> {
  return job(kind, {
    name: format(`${kind} ({0})`, matrix('service')),
    needs: [changes],
    if: and(eq(changes.output('any'), lit('true')), kind === 'publish' ? shouldPush : not(shouldPush)),
    runsOn: config.runners.build ?? config.runners.default,
    timeoutMinutes: 30,
    permissions: kind === 'publish' ? publishPermissions(config.registry) : { contents: 'read' },
    strategy: { failFast: false, matrix: fromJSON(changes.output('matrix')) },
    env: { PACKAGE: matrix('package') },
    steps: imageSteps(kind, config),
  });
}

/** ci.yml for a pipeline config (a parameter, so that tests can render it for another registry). */
export function buildCiWorkflow(config: PipelineConfig): Workflow {
  const RUNS_ON = config.runners.default;
  const shouldPush = pushCondition(config);

  // 1. What the change affects: the committed bundle, no install.
  const affected = run({ name: 'Affected services and libraries', id: 'affected', run: `${PIPELINE} affected`, outputs: AFFECTED_OUTPUTS });
  const changes = job<AffectedOutput>('changes', {
    runsOn: RUNS_ON,
    timeoutMinutes: 5,
    permissions: { contents: 'read' },
    steps: [
      // Two commits cover a push's previous commit and a PR merge commit's first parent; `affected` fetches
      // any other commit it needs from origin, so this checkout keeps its credentials (nothing is uploaded).
      checkout({ name: 'Check out', with: { 'fetch-depth': 2 } }),
      affected,
      run({
        name: 'Say why no image is published',
        if: not(shouldPush),
        env: { EVENT: github.eventName, REF: github.ref, REPOSITORY: github.repository, DEFAULT_BRANCH: config.defaultBranch, PUBLISH_REPOSITORY: config.publishRepository },
        run: NOT_PUBLISHED_SCRIPT,
      }),
    ],
    outputs: AFFECTED_OUTPUTS.map((name) => [name, affected.output(name)] as const),
  });

  // 2. One leg per affected service: build, test, verify; publish also pushes the verified image.
  const build = imageJob('build', config, changes, shouldPush);
  const publish = imageJob('publish', config, changes, shouldPush);

  // 3. Each affected shared library: its own typecheck and tests (services are tested in their leg).
  const library = matrix('library');
  const libraries = job('libraries', {
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
      ...toolchain(config),
      run({ name: 'Install the library and its workspace dependencies', run: 'pnpm install --frozen-lockfile --filter "$LIBRARY..."' }),
      run({ name: 'Build its workspace dependencies', run: 'pnpm --filter "$LIBRARY^..." run build' }),
      run({ name: 'Typecheck (when the library has a typecheck script)', run: 'pnpm --filter "$LIBRARY" run --if-present typecheck' }),
      run({ name: 'Unit tests', run: 'pnpm --filter "$LIBRARY" run test' }),
    ],
  });

  // 4. The pipeline's own checks, when the tooling, a global input or a library changed, and for any
  // affected service: a change inside one service can make the generated files stale (a hand-edited
  // Dockerfile, a package.json the compose file follows), and only this job checks them.
  const checks = job('checks', {
    needs: [changes],
    if: or(
      eq(changes.output('tooling'), lit('true')),
      eq(changes.output('global'), lit('true')),
      ne(changes.output('libraries'), lit('[]')),
      eq(changes.output('any'), lit('true')),
    ),
    runsOn: RUNS_ON,
    timeoutMinutes: 20,
    permissions: { contents: 'read' },
    steps: [
      repoCheckout(1),
      ...toolchain(config),
      run({ name: 'Install', run: 'pnpm install --frozen-lockfile' }),
      saveCache({
        name: 'Save the pnpm store (a full install, on the default branch, when the lockfile changed)',
        if: and(eq(github.eventName, lit('push')), eq(github.ref, lit(`refs/heads/${config.defaultBranch}`)), ne(stepOutput('pnpm-store', 'cache-hit'), lit('true'))),
        with: { path: PNPM_STORE, key: pnpmStoreKey },
      }),
      run({ name: 'Build the workspace packages', run: 'pnpm run build' }),
      run({ name: 'Typecheck', run: 'pnpm run typecheck' }),
      run({ name: 'Lint', run: 'pnpm run lint' }),
      run({ name: 'Pipeline unit tests', run: 'pnpm exec vitest run --project pipeline' }),
      // test/platform belongs to the `services` project, which no package's own `test` script runs.
      run({ name: 'Platform tests (import walls, services started from dist, generated files)', run: 'pnpm exec vitest run --project services test/platform' }),
      run({ name: 'Workflows are generated from workflows-src', run: 'pnpm run workflows:check' }),
      run({ name: 'The committed CLI bundle is in sync', run: 'pnpm exec tsx scripts/bundle.ts --check' }),
      run({ name: 'Dockerfiles and compose are generated', run: 'pnpm run generate:check' }),
      run({ name: 'Dockerfiles follow the policy', run: `${PIPELINE} check-dockerfiles` }),
      run({ name: 'The workflows pass the security audit (actionlint and the pipeline rules)', run: `${PIPELINE} audit` }),
    ],
  });

  // 5. The tags, once the whole run passed: `main` is what an empty-version deploy ships, so it never moves
  // onto an image of a commit whose library tests, generated-file checks or pipeline tests failed (or were
  // cancelled). Each
  // leg promotes the record its publish leg uploaded (a failed leg left none; the others still go).
  const promote = job('promote', {
    name: format('promote ({0})', matrix('service')),
    needs: [changes, publish, libraries, checks],
    if: and(
      not(fn('cancelled')),
      shouldPush,
      or(eq(publish.result, lit('success')), eq(publish.result, lit('failure'))),
      // Passed or not needed: a job cancelled on its own (a lost runner) did not pass.
      or(eq(libraries.result, lit('success')), eq(libraries.result, lit('skipped'))),
      or(eq(checks.result, lit('success')), eq(checks.result, lit('skipped'))),
    ),
    runsOn: RUNS_ON,
    timeoutMinutes: 10,
    permissions: publishPermissions(config.registry),
    strategy: { failFast: false, matrix: fromJSON(changes.output('matrix')) },
    steps: [
      repoCheckout(1),
      registryLogin(config.registry),
      tagsStep({}, ''),
      downloadArtifact({ name: 'Download the image record', with: { name: format('image-{0}', matrix('service')), path: runner.temp } }),
      run({
        name: 'Tag the verified image (commit tag once, main only forward)',
        env: { SERVICE: matrix('service'), RECORD: format('{0}/image-{1}.json', runner.temp, matrix('service')), GITHUB_TOKEN: github.token },
        run: `DIGEST="$(jq -r .digest "$RECORD")"\n${PIPELINE} tags --service "$SERVICE" --promote "$DIGEST"`,
      }),
    ],
  });

  // 6. The single required status check.
  const gate = job('ci-ok', {
    needs: [changes, build, publish, libraries, checks, promote],
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

  return new Workflow('ci', {
    name: 'CI',
    on: {
      push: { branches: [config.defaultBranch] },
      pull_request: null,
      merge_group: { types: ['checks_requested'] },
    },
    permissions: { contents: 'read' },
    concurrency: { group: concurrency.group.wrap(), 'cancel-in-progress': concurrency.cancelInProgress.wrap() },
  }).addJobs([changes.job, build.job, publish.job, libraries.job, checks.job, promote.job, gate.job]);
}

export const ciWorkflow = buildCiWorkflow(pipelineConfig);
