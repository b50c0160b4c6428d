/**
 * The `kubernetes` target: `kubectl set image` by digest on the service's Deployment (its container is
 * named after the service), `kubectl rollout status` with the bound, and, when the rollout does not
 * become healthy, `kubectl set image` back to the digest that ran before (then its status). Not `kubectl
 * rollout undo`: that returns to the Deployment's previous revision, which is another image when `set
 * image` was refused (an admission webhook) or an earlier deploy was interrupted.
 *
 * No cluster can run on the development machine: this target is tested on the exact commands it runs,
 * through a stand-in kubectl that records its arguments and answers as kubectl does
 * (test/pipeline/deploy-targets.test.ts). It has not been run against a real cluster.
 */
import { type CommandRunner, type DeployRequest, deployWithRollback, mustAnswer, type Target } from './target.js';

export function kubernetesTarget(options: { readonly namespace: string; readonly context?: string }, run: CommandRunner): Target {
  const kubectl = (...args: string[]) => ['kubectl', ...(options.context === undefined ? [] : ['--context', options.context]), '--namespace', options.namespace, ...args];
  const setImage = (request: DeployRequest, image: string) => kubectl('set', 'image', `deployment/${request.service}`, `${request.service}=${image}`);
  const status = (request: DeployRequest) => kubectl('rollout', 'status', `deployment/${request.service}`, `--timeout=${request.timeoutSeconds}s`);
  const step = async (argvs: string[][]) => {
    let detail = '';
    for (const argv of argvs) {
      const r = await run(argv);
      detail += `${r.stderr}${r.stdout}`;
      if (r.code !== 0) return { ok: false, detail };
    }
    return { ok: true, detail };
  };
  return {
    kind: 'kubernetes',
    preflight: () => mustAnswer(run, kubectl('get', 'deployment', '--request-timeout=20s', '--output=name'), `the cluster (namespace ${options.namespace})`),
    commands: (request) => [setImage(request, request.image), status(request)],
    deploy: (request) =>
      deployWithRollback(request, {
        apply: (image) => step([setImage(request, image), status(request)]),
        undo: (previous) => step([setImage(request, previous), status(request)]),
      }),
  };
}
