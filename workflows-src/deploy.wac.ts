/**
 * deploy.yml: a person starts a deploy from the Actions tab (or release.yml's `deploy_to` hands one
 * off). It deploys exactly the image CI built and verified, by digest.
 *
 * `plan` (read-only token, no environment) resolves the version to a digest, checks the evidence and
 * the promotion order, reads what runs there now and writes the deploy plan to the job summary before
 * anyone approves. `deploy` runs in the GitHub environment (its protection rules and reviewers apply),
 * takes the plan's digest and never resolves the version again: what was approved is what runs.
 *
 * One deployment record per deploy: GitHub creates a deployment of its own for a job with
 * `environment:` (task `deploy`, the run's ref, no payload). `environment: {deployment: false}` would
 * prevent it, but actionlint 1.7.7 rejects the key; so the pipeline keeps GitHub's (it drives the
 * environment page) and writes its record as a deployment of task `deploy:<service>` (the commit of the
 * image, the payload), and every read filters on that task: GitHub's own never pollutes "what runs".
 */
import { Workflow } from '@github-actions-workflow-ts/lib';
import type { PipelineConfig } from '../scripts/core/config.js';
import { loadWorkspace } from '../scripts/io/workspace-fs.js';
import { pipelineConfig } from './config.js';
import { InputError } from '../scripts/core/errors.js';
import { TIMEOUTS } from '../scripts/core/timeouts.js';
import { PIPELINE, registryLogin } from './ci.wac.js';
import { and, Expr, eq, fn, format, github, input, lit, ne, secret } from './dsl/expr.js';
import { job } from './dsl/job.js';
import { checkout, run } from './dsl/steps.js';

/** A choice input's options: GitHub requires at least one. */
function nonEmpty(list: readonly string[], what: string, fix: string): [string, ...string[]] {
  const [first, ...rest] = list;
  if (first === undefined) throw new InputError(`deploy.yml: no ${what} to choose from; ${fix}`);
  return [first, ...rest];
}

export function buildDeployWorkflow(config: PipelineConfig, services: readonly string[]): Workflow {
  const RUNS_ON = config.runners.default;
  const inputs = { service: input('service'), environment: input('environment'), version: input('version'), dryRun: input('dry_run') };
  const packages = (access: 'read' | 'write') => (config.registry.kind === 'ghcr' ? { packages: access } : {});
  const withUrl = config.environments.filter((e) => e.url !== undefined);
  const urls = withUrl.length === 0 ? undefined : new Expr(`fromJSON(${lit(JSON.stringify(Object.fromEntries(withUrl.map((e) => [e.name, e.url])))).source})[inputs.environment]`);
  const history = checkout({ name: 'Check out (all history: the commits between what runs and what comes)', with: { 'fetch-depth': 0, 'persist-credentials': false } });

  const planStep = run({
    name: 'Deploy plan (version → digest, evidence, promotion order, what runs now, commits between)',
    id: 'plan',
    env: { SERVICE: inputs.service, ENVIRONMENT: inputs.environment, VERSION: inputs.version, GITHUB_TOKEN: github.token },
    run: `${PIPELINE} deploy --service "$SERVICE" --environment "$ENVIRONMENT" --version "$VERSION" --dry-run`,
    outputs: ['digest', 'version', 'ok'],
  });
  const plan = job<'digest' | 'version' | 'ok'>('plan', {
    runsOn: RUNS_ON,
    timeoutMinutes: 10,
    permissions: { contents: 'read', deployments: 'read', ...packages('read') },
    steps: [history, registryLogin(config.registry), planStep],
    outputs: [
      ['digest', planStep.output('digest')],
      ['version', planStep.output('version')],
      ['ok', planStep.output('ok')],
    ],
  });

  // The target's credentials, from environment secrets, for the deploy step only: an SSH key for a
  // Docker host reached as DOCKER_HOST=ssh://… goes into an ssh-agent (never to disk) with the host's
  // public key in known_hosts (ssh checks it); a kubeconfig goes to a 0600 file in the job's temporary
  // folder (the runner empties it after the job). The deploy step gets the agent's socket and the file's
  // path, never the secrets. None set: nothing is done (a local engine, a runner with its own kubeconfig).
  const credentials = run({
    name: 'Target credentials (environment secrets DEPLOY_SSH_KEY and DEPLOY_SSH_KNOWN_HOSTS, KUBECONFIG_DATA)',
    env: { DEPLOY_SSH_KEY: secret('DEPLOY_SSH_KEY'), DEPLOY_SSH_KNOWN_HOSTS: secret('DEPLOY_SSH_KNOWN_HOSTS'), KUBECONFIG_DATA: secret('KUBECONFIG_DATA') },
    run: [
      'umask 077',
      'if [ -n "$DEPLOY_SSH_KEY" ]; then',
      '  if [ -z "$DEPLOY_SSH_KNOWN_HOSTS" ]; then',
      '    echo "::error::DEPLOY_SSH_KEY is set but DEPLOY_SSH_KNOWN_HOSTS is not: add the Docker host\'s public key as an environment secret (ssh-keyscan -t ed25519 HOST)"',
      '    exit 1',
      '  fi',
      '  eval "$(ssh-agent -s)" > /dev/null',
      '  printf \'%s\\n\' "$DEPLOY_SSH_KEY" | ssh-add -q -',
      '  mkdir -p "$HOME/.ssh"',
      '  printf \'%s\\n\' "$DEPLOY_SSH_KNOWN_HOSTS" >> "$HOME/.ssh/known_hosts"',
      '  { echo "SSH_AUTH_SOCK=$SSH_AUTH_SOCK"; echo "SSH_AGENT_PID=$SSH_AGENT_PID"; echo "PIPELINE_SSH_AGENT_PID=$SSH_AGENT_PID"; } >> "$GITHUB_ENV"',
      'fi',
      'if [ -n "$KUBECONFIG_DATA" ]; then',
      '  printf \'%s\' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig"',
      '  { echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig"; echo "PIPELINE_KUBECONFIG=$RUNNER_TEMP/kubeconfig"; } >> "$GITHUB_ENV"',
      'fi',
    ].join('\n'),
  });
  // Whatever happened (a failed or cancelled deploy too): the agent this job started stops, the kubeconfig
  // it wrote goes; a self-hosted runner's own agent and kubeconfig (SSH_AGENT_PID, KUBECONFIG) are left alone.
  const forget = run({
    name: 'Forget the target credentials',
    if: fn('always'),
    run: [
      'if [ -n "${PIPELINE_SSH_AGENT_PID:-}" ]; then SSH_AGENT_PID="$PIPELINE_SSH_AGENT_PID" ssh-agent -k > /dev/null; fi',
      'if [ -n "${PIPELINE_KUBECONFIG:-}" ]; then rm -f "$PIPELINE_KUBECONFIG"; fi',
    ].join('\n'),
  });

  const deploy = job('deploy', {
    name: format('deploy {0} to {1}', inputs.service, inputs.environment),
    needs: [plan],
    if: and(ne(inputs.dryRun, lit(true)), eq(plan.output('ok'), lit('true'))),
    runsOn: RUNS_ON,
    // The bound after which `pipeline deploy` takes a record still in progress for one whose job died.
    timeoutMinutes: TIMEOUTS.deployJobMs / 60_000,
    // Deployment records (deployments), the environment's registry tag (packages), the compose file (contents).
    permissions: { contents: 'read', deployments: 'write', ...packages('write') },
    // Its URL, from pipeline.config.ts (shown on the environment page and the deployment).
    environment: { name: inputs.environment, ...(urls === undefined ? {} : { url: urls }) },
    concurrency: { group: format('deploy-{0}-{1}', inputs.service, inputs.environment), cancelInProgress: false },
    steps: [
      history,
      registryLogin(config.registry),
      credentials,
      run({
        name: 'Deploy the approved digest (rolled back when it is not healthy)',
        env: {
          SERVICE: inputs.service,
          ENVIRONMENT: inputs.environment,
          DIGEST: plan.output('digest'),
          VERSION: plan.output('version'),
          GITHUB_TOKEN: github.token,
          // The target's host and the services' secrets: environment secrets, passed in the environment only.
          DOCKER_HOST: secret('DOCKER_HOST'),
          AUTH_SECRET: secret('AUTH_SECRET'),
        },
        // exec: the runner signals the step's own process when the job is cancelled (SIGINT, then SIGTERM);
        // as bash's child the deploy would never hear it, and could not roll back and record it.
        run: `exec ${PIPELINE} deploy --service "$SERVICE" --environment "$ENVIRONMENT" --digest "$DIGEST" --version "$VERSION"`,
      }),
      forget,
    ],
  });

  return new Workflow('deploy', {
    name: 'Deploy',
    on: {
      workflow_dispatch: {
        inputs: {
          service: {
            description: 'The service to deploy',
            type: 'choice',
            required: true,
            default: services[0] ?? '',
            options: nonEmpty(services, 'services', 'add a service to the workspace'),
          },
          environment: {
            description: 'Where to deploy it',
            type: 'choice',
            required: true,
            default: config.environments[0]?.name ?? '',
            options: nonEmpty(
              config.environments.map((e) => e.name),
              'environments',
              'list them in pipeline.config.ts',
            ),
          },
          version: { description: 'A release version (1.4.0), sha-<7 hex>, or empty: the newest image of the default branch', type: 'string', required: false, default: '' },
          dry_run: { description: 'Only the plan', type: 'boolean', required: false, default: false },
        },
      },
    },
    permissions: {},
  }).addJobs([plan.job, deploy.job]);
}

const workspace = await loadWorkspace(new URL('..', import.meta.url).pathname, {
  serviceMarker: pipelineConfig.services.marker,
  serviceGlobs: pipelineConfig.services.dockerfileTargets,
});
export const deployWorkflow = buildDeployWorkflow(
  pipelineConfig,
  workspace.services.map((s) => s.folder),
);
