/**
 * The `kubernetes` target: `kubectl set image` by digest on the service's Deployment (its container is
 * named after the service), `kubectl rollout status` with the bound, and, when the rollout does not
 * become healthy, `kubectl set image` back to the digest that ran before (then its status). Not `kubectl
 * rollout undo`: that returns to the Deployment's previous revision, which is another image when `set
 * image` was refused (an admission webhook) or an earlier deploy was interrupted. A refused `set image`
 * changed nothing: it is not rolled back, and the deploy ends in error (exit 3) with what ran before.
 *
 * No cluster can run on the development machine: this target is tested on the exact commands it runs,
 * through a stand-in kubectl that records its arguments and answers as kubectl does
 * (test/pipeline/deploy-targets.test.ts). It has not been run against a real cluster.
 */
import { attempt, type CommandRunner, type DeployRequest, deployWithRollback, mustAnswer, type Target } from './target.js';

export function kubernetesTarget(options: { readonly namespace: string; readonly context?: string }, run: CommandRunner): Target {
  const kubectl = (...args: string[]) => ['kubectl', ...(options.context === undefined ? [] : ['--context', options.context]), '--namespace', options.namespace, ...args];
  const setImage = (request: DeployRequest, image: string) => kubectl('set', 'image', `deployment/${request.service}`, `${request.service}=${image}`);
  const status = (request: DeployRequest) => kubectl('rollout', 'status', `deployment/${request.service}`, `--timeout=${request.timeoutSeconds}s`);
  // A `set image` that fails (an admission webhook, RBAC) changed nothing; a rollout that fails did.
  const step = (request: DeployRequest, image: string) => attempt(run, [setImage(request, image), status(request)], 1);
  return {
    kind: 'kubernetes',
    preflight: () => mustAnswer(run, kubectl('get', 'deployment', '--request-timeout=20s', '--output=name'), `the cluster (namespace ${options.namespace})`),
    commands: (request) => [setImage(request, request.image), status(request)],
    deploy: (request) =>
      deployWithRollback(request, {
        apply: (image) => step(request, image),
        undo: (previous) => step(request, previous),
      }),
  };
}
