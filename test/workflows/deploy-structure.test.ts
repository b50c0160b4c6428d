/**
 * deploy.yml as GitHub will read it: workflow_dispatch only; the plan job read-only and outside any
 * environment (its summary is what reviewers read before they approve); the deploy job in the chosen
 * environment, with deployments: write only there, one concurrency group per service and environment
 * that never cancels, deploying exactly the plan's digest; secrets only in the deploy job's env.
 */
import { expect, test } from 'vitest';
import { pipelineConfig } from '../../pipeline.config.js';
import { buildDeployWorkflow, deployWorkflow } from '../../workflows-src/deploy.wac.js';
import { inspect, unwrap } from './inspect.js';
import { evaluate } from './validators.js';

const { wf, jobOf, stepNamed, secretReaders } = inspect(deployWorkflow);
const on = typeof wf.on === 'object' && wf.on !== null && !Array.isArray(wf.on) ? wf.on : {};

test('manual only, with the environments of the config as the choice', () => {
  expect(Object.keys(on)).toEqual(['workflow_dispatch']);
  expect(on.workflow_dispatch?.inputs?.['environment']).toMatchObject({ type: 'choice', options: pipelineConfig.environments.map((e) => e.name) });
  expect(Object.keys(on.workflow_dispatch?.inputs ?? {})).toEqual(['service', 'environment', 'version', 'dry_run']);
});

test('least privilege: plan reads (packages, deployments), deploy writes deployments and the environment tag; nothing at the top', () => {
  expect(wf.permissions).toEqual({});
  expect(jobOf('plan').permissions).toEqual({ contents: 'read', deployments: 'read', packages: 'read' });
  expect(jobOf('deploy').permissions).toEqual({ contents: 'read', deployments: 'write', packages: 'write' });
  expect(jobOf('plan').environment).toBeUndefined();
});

test('deploy runs in the chosen environment, queued per service and environment, never cancelled', () => {
  const job = jobOf('deploy');
  const environment = typeof job.environment === 'object' && job.environment !== null ? job.environment : {};
  expect(evaluate(unwrap(String('name' in environment ? environment.name : '')), { inputs: { environment: 'production' } })).toBe('production');
  const concurrency = typeof job.concurrency === 'object' && job.concurrency !== null ? job.concurrency : {};
  expect('cancel-in-progress' in concurrency ? concurrency['cancel-in-progress'] : undefined).toBe(false);
  expect(evaluate(unwrap(String('group' in concurrency ? concurrency.group : '')), { inputs: { service: 'api-gateway', environment: 'staging' } })).toBe(
    'deploy-api-gateway-staging',
  );
});

test('the deploy job deploys the digest the plan resolved (never the version again); a dry run or a refused plan deploys nothing', () => {
  const step = stepNamed('deploy', /^Deploy the approved digest/);
  expect(step.run).toBe('exec node scripts/dist/pipeline.cjs deploy --service "$SERVICE" --environment "$ENVIRONMENT" --digest "$DIGEST" --version "$VERSION"');
  expect(step.env).toMatchObject({ DIGEST: '${{ needs.plan.outputs.digest }}' });
  const runs = (ok: string, dryRun: boolean) =>
    evaluate(String(jobOf('deploy').if), { needs: { plan: { outputs: { ok } } }, inputs: { dry_run: dryRun } }, { success: true, failure: false, cancelled: false });
  expect([runs('true', false), runs('false', false), runs('true', true)]).toEqual([true, false, false]);
});

test("secrets reach only the deploy step, the target's credentials and the logins", () => {
  expect(secretReaders()).toEqual([
    expect.stringMatching(/^plan: Log in/),
    expect.stringMatching(/^deploy: Log in/),
    'deploy: Target credentials (environment secrets DEPLOY_SSH_KEY and DEPLOY_SSH_KNOWN_HOSTS, KUBECONFIG_DATA)',
    'deploy: Deploy the approved digest (rolled back when it is not healthy)',
  ]);
});

test("an environment's URL from the config reaches the job's environment", () => {
  const withUrls = buildDeployWorkflow({ ...pipelineConfig, environments: pipelineConfig.environments.map((e) => ({ ...e, url: `https://${e.name}.example.com` })) }, [
    'api-gateway',
  ]);
  const job = inspect(withUrls).jobOf('deploy');
  const environment = typeof job.environment === 'object' && job.environment !== null ? job.environment : {};
  expect(evaluate(unwrap(String('url' in environment ? environment.url : '')), { inputs: { environment: 'production' } })).toBe('https://production.example.com');
});
