/**
 * release.yml: per-service releases, run by `pipeline release`.
 * - A person pushes `<service>@<semver>`: that service is released at the tag's commit.
 * - The Actions tab (workflow_dispatch): a service (or `changed`: every service with commits to its
 *   inputs since its release), a bump or an explicit version, a dry run. The run computes the version,
 *   creates the tag through the API and releases in the same run: a tag made with GITHUB_TOKEN
 *   triggers no workflow, and a push of more than three tags at once triggers none either (`release
 *   status` shows such tags; `release cut --tag` completes them).
 *
 * Jobs: `select` (read-only: the commit to release, which services, and which have no CI image to
 * promote; the later jobs check out the commit it resolved), `build` (only
 * for those: CI's very publish steps on the ref released, so the image is tested, verified and recorded
 * the same way, as that commit),
 * `release` (one leg per service, its own concurrency group, never cancelled: tag, image tags on
 * the tested digest, GitHub Release). The service choice comes from the workspace catalog: adding a
 * service means `pnpm workflows` (a test fails when release.yml is stale).
 */
import { Workflow } from '@github-actions-workflow-ts/lib';
import type { PipelineConfig } from '../scripts/core/config.js';
import { loadWorkspace } from '../scripts/io/workspace-fs.js';
import { pipelineConfig } from './config.js';
import { imageSteps, PIPELINE, publishPermissions, registryLogin } from './ci.wac.js';
import { and, eq, fn, format, fromJSON, github, input, lit, matrix, ne, not, or } from './dsl/expr.js';
import { job } from './dsl/job.js';
import { checkout, run } from './dsl/steps.js';

const inputs = {
  deployTo: input('deploy_to'),
  ref: input('ref'),
  service: input('service'),
  bump: input('bump'),
  version: input('version'),
  dryRun: input('dry_run'),
};

/** The cut, with the inputs as arguments (never interpolated into the script). */
const CUT_SCRIPT = [
  'if [ "$EVENT" = push ]; then',
  '  set -- --tag "$TAG"',
  'else',
  '  set -- "$SERVICE" --ref HEAD',
  '  if [ -n "$VERSION" ]; then set -- "$@" --version "$VERSION"; else set -- "$@" --bump "$BUMP"; fi',
  '  if [ "$DRY_RUN" = true ]; then set -- "$@" --dry-run; fi',
  'fi',
  `${PIPELINE} release cut "$@"`,
].join('\n');

export function buildReleaseWorkflow(config: PipelineConfig, services: readonly string[]): Workflow {
  const RUNS_ON = config.runners.default;
  // The pushed release tag; empty for a manual run, even one started on a tag (its service is the input's).
  const eventEnv = { EVENT: github.eventName, TAG: or(and(eq(github.eventName, lit('push')), github.ref), lit('')) };
  // The ref to release (a manual run's input; empty: the run's own commit, e.g. a pushed tag), resolved
  // once, by select: the later jobs check out the commit it saw, so a branch pushed meanwhile (or a
  // pull request's merge ref, which GitHub recomputes) cannot put another commit into them.
  const refCheckout = checkout({ name: 'Check out (all history and tags)', id: 'checkout', with: { ref: inputs.ref, 'fetch-depth': 0, 'persist-credentials': false } });

  // One plain call each (what `pipeline plan` runs for real): a release tag in TAG wins, a branch leaves SERVICE.
  const selectStep = run({
    name: 'Services to release',
    id: 'select',
    env: { ...eventEnv, SERVICE: inputs.service, VERSION: inputs.version },
    run: `${PIPELINE} release select --tag "$TAG" --service "$SERVICE" --version "$VERSION" --ref HEAD`,
    outputs: ['services', 'any'],
  });
  const imagesStep = run({
    name: 'Which of them have no CI image to promote',
    id: 'images',
    env: { ...eventEnv, SERVICE: inputs.service, VERSION: inputs.version },
    run: `${PIPELINE} release select --tag "$TAG" --service "$SERVICE" --version "$VERSION" --ref HEAD --images`,
    outputs: ['build', 'any-build'],
  });
  const select = job<'services' | 'any' | 'build' | 'any-build' | 'commit'>('select', {
    runsOn: RUNS_ON,
    timeoutMinutes: 10,
    // Reads the registry (a private GHCR package needs a token even to pull).
    permissions: config.registry.kind === 'ghcr' ? { contents: 'read', packages: 'read' } : { contents: 'read' },
    steps: [refCheckout, registryLogin(config.registry), selectStep, imagesStep],
    outputs: [
      ['commit', refCheckout.output('commit')],
      ['services', selectStep.output('services')],
      ['any', selectStep.output('any')],
      ['build', imagesStep.output('build')],
      ['any-build', imagesStep.output('any-build')],
    ],
  });

  const released = select.output('commit');
  const fullHistory = checkout({ name: 'Check out (all history and tags)', with: { ref: released, 'fetch-depth': 0, 'persist-credentials': false } });

  // Only for a service with no CI image to promote: CI's publish steps, the same tests and checks, on the
  // commit being released (select's, checked out and labelled as that commit: `tags --commit`).
  const build = job('build', {
    name: format('build ({0})', matrix('service')),
    needs: [select],
    if: and(eq(select.output('any-build'), lit('true')), ne(inputs.dryRun, lit(true))),
    runsOn: config.runners.build ?? RUNS_ON,
    timeoutMinutes: 30,
    permissions: publishPermissions(config.registry),
    strategy: { failFast: false, matrix: fromJSON(select.output('build')) },
    env: { PACKAGE: matrix('package') },
    steps: imageSteps('publish', config, released),
  });

  const release = job('release', {
    name: format('release ({0})', matrix('service')),
    needs: [select, build],
    // After the builds (or with none to do); never for a failed build.
    if: and(not(fn('cancelled')), eq(select.output('any'), lit('true')), or(eq(build.result, lit('success')), eq(build.result, lit('skipped')))),
    runsOn: RUNS_ON,
    timeoutMinutes: 15,
    // Tags and Releases (contents), image tags (packages, GHCR).
    permissions: config.registry.kind === 'ghcr' ? { contents: 'write', packages: 'write' } : { contents: 'write' },
    strategy: { failFast: false, matrix: { service: fromJSON(select.output('services')) } },
    concurrency: { group: format('release-{0}', matrix('service')), cancelInProgress: false },
    steps: [
      fullHistory,
      registryLogin(config.registry),
      run({
        name: 'Release',
        env: { ...eventEnv, SERVICE: matrix('service'), BUMP: inputs.bump, VERSION: inputs.version, DRY_RUN: inputs.dryRun, GITHUB_TOKEN: github.token },
        run: CUT_SCRIPT,
      }),
    ],
  });

  // Hand off to deploy.yml (a workflow_dispatch made with GITHUB_TOKEN does run): the only job that may dispatch.
  const handoff = job('handoff', {
    name: format('deploy {0} to {1}', matrix('service'), inputs.deployTo),
    needs: [select, release],
    // !cancelled(): without a status function GitHub adds success(), which is false when any job before it
    // was skipped, and the build is skipped whenever CI's image exists (actions/runner#2205).
    if: and(
      not(fn('cancelled')),
      eq(release.result, lit('success')),
      eq(github.eventName, lit('workflow_dispatch')),
      ne(inputs.deployTo, lit('none')),
      ne(inputs.dryRun, lit(true)),
    ),
    runsOn: RUNS_ON,
    timeoutMinutes: 5,
    permissions: { contents: 'read', actions: 'write' },
    strategy: { failFast: false, matrix: { service: fromJSON(select.output('services')) } },
    steps: [
      fullHistory,
      run({
        name: 'Start deploy.yml for the new release',
        env: { SERVICE: matrix('service'), DEPLOY_TO: inputs.deployTo, GITHUB_TOKEN: github.token },
        run: `${PIPELINE} release handoff "$SERVICE" --environment "$DEPLOY_TO"`,
      }),
    ],
  });

  return new Workflow('release', {
    name: 'Release',
    on: {
      push: { tags: ['*@[0-9]*.[0-9]*.[0-9]*'] },
      workflow_dispatch: {
        inputs: {
          ref: {
            description: 'The branch, tag or full commit SHA to release (empty: the branch this run is started on)',
            type: 'string',
            required: false,
            default: '',
          },
          service: {
            description: 'The service to release, or `changed`: every service with commits to its inputs since its release',
            type: 'choice',
            required: true,
            default: 'changed',
            options: ['changed', ...services],
          },
          bump: {
            description: 'auto: from Conventional Commits (breaking → major, feat → minor, else patch)',
            type: 'choice',
            required: true,
            default: 'auto',
            options: ['auto', 'patch', 'minor', 'major'],
          },
          version: { description: 'An explicit version instead of the bump (one service only), e.g. 1.4.0 or 2.0.0-rc.1', type: 'string', required: false, default: '' },
          dry_run: { description: 'Print the plan (version, tag, commit, digest, image tags, notes); change nothing', type: 'boolean', required: false, default: false },
          deploy_to: {
            description: 'Then deploy the new release to this environment (deploy.yml)',
            type: 'choice',
            required: false,
            default: 'none',
            options: ['none', ...config.environments.map((e) => e.name)],
          },
        },
      },
    },
    permissions: {},
  }).addJobs([select.job, build.job, release.job, handoff.job]);
}

const workspace = await loadWorkspace(new URL('..', import.meta.url).pathname, {
  serviceMarker: pipelineConfig.services.marker,
  serviceGlobs: pipelineConfig.services.dockerfileTargets,
});
export const releaseWorkflow = buildReleaseWorkflow(
  pipelineConfig,
  workspace.services.map((s) => s.folder),
);
