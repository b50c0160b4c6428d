/**
 * The `kubernetes` target: `kubectl set image` by digest on the service's Deployment (its container is
 * named after the service), `kubectl rollout status` with the bound, and, when the rollout does not
 * become healthy, `kubectl set image` back to the digest that ran before (then its status). Not `kubectl
 * rollout undo`: that returns to the Deployment's previous revision, which is another image when `set
 * image` was refused (an admission webhook) or an earlier deploy was interrupted. A `set image` the API
 * server refused changed nothing: it is not rolled back, and the deploy ends in error (exit 3) with what
 * ran before; one whose answer was lost may have changed the Deployment, so the previous digest is set back.
 * A Deployment without a container named after the service is refused the same way (kubectl sends nothing).
 *
 * No cluster can run on the development machine: this target is tested on the exact commands it runs,
 * through a stand-in kubectl that records its arguments and answers as kubectl does
 * (test/deploy/kubernetes-target.test.ts: a rollout that times out, as an image pull back-off does, or
 * passes its progress deadline; test/deploy/deploy.test.ts: the whole command). It has not been run
 * against a real cluster.
 */
import { attempt, type CommandRunner, type DeployRequest, deployWithRollback, mustAnswer, type Target } from './target.js';

/** kubectl's bound on one API request (`get`, `set image`); `rollout status` has the environment's own. */
const REQUEST_TIMEOUT = '20s';

/**
 * kubectl's words for a `set image` that changed nothing: a request the API server answered with a
 * refusal (HTTP 400/403/404/422, an admission denial), or one kubectl never sent because the Deployment
 * has no container named after the service (`error: unable to find container named "alpha"`).
 */
const API_REFUSAL = /denied the request|\bis forbidden\b|\bForbidden\b|\bis invalid\b|\bNotFound\b|\bnot found\b|unable to find container named/;

export function kubernetesTarget(options: { readonly namespace: string; readonly context?: string }, run: CommandRunner): Target {
  const kubectl = (...args: string[]) => ['kubectl', ...(options.context === undefined ? [] : ['--context', options.context]), '--namespace', options.namespace, ...args];
  // `set image` is one API request: bounded like `get` (kubectl's default is to wait forever), so a
  // server that never answers ends it here instead of at the runner's much longer bound.
  const setImage = (request: DeployRequest, image: string) =>
    kubectl('set', 'image', `deployment/${request.service}`, `${request.service}=${image}`, `--request-timeout=${REQUEST_TIMEOUT}`);
  const status = (request: DeployRequest) => kubectl('rollout', 'status', `deployment/${request.service}`, `--timeout=${request.timeoutSeconds}s`);
  // A `set image` the API server refused (an admission webhook, RBAC, an invalid or missing object) changed
  // nothing; any other failure of it (a lost answer, a timeout) may have, and a rollout that fails did.
  const step = (request: DeployRequest, image: string, stop?: AbortSignal) =>
    attempt(run, [setImage(request, image), status(request)], 0, (detail) => API_REFUSAL.test(detail), stop);
  return {
    kind: 'kubernetes',
    preflight: () => mustAnswer(run, kubectl('get', 'deployment', `--request-timeout=${REQUEST_TIMEOUT}`, '--output=name'), `the cluster (namespace ${options.namespace})`),
    commands: (request) => [setImage(request, request.image), status(request)],
    deploy: (request, stop) =>
      deployWithRollback(
        request,
        {
          apply: (image, signal) => step(request, image, signal),
          undo: (previous, signal) => step(request, previous, signal),
        },
        stop,
      ),
  };
}
