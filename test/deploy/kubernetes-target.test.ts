/**
 * The kubernetes target's sequence (scripts/io/targets/kubernetes.ts) with a stand-in kubectl that
 * records each argv and answers with kubectl's own words for each case: no cluster can run here, so
 * these are the exact commands and the outcomes the target draws from kubectl's exit codes and
 * messages (test/deploy/deploy.test.ts runs the whole command with it). It has not run against a real
 * cluster (README says so).
 */
import { describe, expect, test } from 'vitest';
import { kubernetesTarget } from '../../scripts/io/targets/kubernetes.js';
import type { DeployRequest } from '../../scripts/io/targets/target.js';

const NEW = `ghcr.io/acme/alpha@sha256:${'b'.repeat(64)}`;
const OLD = `ghcr.io/acme/alpha@sha256:${'a'.repeat(64)}`;
const request = (previous: string | undefined): DeployRequest => ({ service: 'alpha', image: NEW, previous, timeoutSeconds: 60, minReadySeconds: 0 });

/** What kubectl prints for each way a rollout does not finish (its exit code is 1 in each). */
const ROLLOUT = {
  // The new pods cannot pull their image: the rollout never progresses, and `rollout status` reaches its --timeout.
  pullBackOff: {
    stdout: 'Waiting for deployment "alpha" rollout to finish: 1 old replicas are pending termination...\n',
    stderr: 'error: timed out waiting for the condition\n',
  },
  // The Deployment's progressDeadlineSeconds passed first: `rollout status` fails before its own timeout.
  deadline: {
    stdout: 'Waiting for deployment "alpha" rollout to finish: 0 of 1 updated replicas are available...\n',
    stderr: 'error: deployment "alpha" exceeded its progress deadline\n',
  },
} as const;

/**
 * `set image` answers from `setImage` (image → kubectl's failure), `rollout status` from `rollout`
 * (the image the Deployment runs → how its rollout ends); anything else answers as a healthy cluster.
 */
function standIn(setImage: Readonly<Record<string, string>>, rollout: Readonly<Record<string, { stdout: string; stderr: string }>>) {
  const ran: string[] = [];
  let running = OLD;
  const run = async (argv: readonly string[]) => {
    const verb = argv.slice(argv.indexOf('--namespace') + 2);
    if (verb[0] === 'set' && verb[1] === 'image') {
      const image = (verb[3] ?? '').split('=')[1] ?? '';
      ran.push(`set ${image === NEW ? 'new' : 'old'}`);
      const refusal = setImage[image];
      if (refusal !== undefined) return { code: 1, stdout: '', stderr: refusal };
      running = image;
      return { code: 0, stdout: 'deployment.apps/alpha image updated\n', stderr: '' };
    }
    if (verb[0] === 'rollout' && verb[1] === 'status') {
      ran.push(`status ${running === NEW ? 'new' : 'old'}`);
      const failure = rollout[running];
      return failure === undefined ? { code: 0, stdout: 'deployment "alpha" successfully rolled out\n', stderr: '' } : { code: 1, ...failure };
    }
    return { code: 1, stdout: '', stderr: `error: unknown command "${verb.join(' ')}"\n` };
  };
  return { ran, target: kubernetesTarget({ namespace: 'shop' }, run) };
}

describe('the kubernetes target rolls back a rollout that does not finish, and nothing that the cluster refused', () => {
  test.each<[string, Record<string, string>, Record<string, { stdout: string; stderr: string }>, string | undefined, string[], object]>([
    ['healthy', {}, {}, OLD, ['set new', 'status new'], { kind: 'healthy' }],
    [
      'an image pull back-off: the rollout never progresses and `rollout status` times out; set back to the digest that ran',
      {},
      { [NEW]: ROLLOUT.pullBackOff },
      OLD,
      ['set new', 'status new', 'set old', 'status old'],
      {
        kind: 'rolled-back',
        reason: `${NEW} did not become healthy within 60 s (deployment.apps/alpha image updated | error: timed out waiting for the condition | Waiting for deployment "alpha" rollout to finish: 1 old replicas are pending termination...); rolled back to ${OLD}, which is healthy again`,
      },
    ],
    [
      'the progress deadline passed (`rollout status` fails before its timeout)',
      {},
      { [NEW]: ROLLOUT.deadline },
      OLD,
      ['set new', 'status new', 'set old', 'status old'],
      {
        kind: 'rolled-back',
        reason: `${NEW} did not become healthy within 60 s (deployment.apps/alpha image updated | error: deployment "alpha" exceeded its progress deadline | Waiting for deployment "alpha" rollout to finish: 0 of 1 updated replicas are available...); rolled back to ${OLD}, which is healthy again`,
      },
    ],
    [
      'the rollout of the digest set back does not finish either: failed, naming both',
      {},
      { [NEW]: ROLLOUT.pullBackOff, [OLD]: ROLLOUT.deadline },
      OLD,
      ['set new', 'status new', 'set old', 'status old'],
      {
        kind: 'failed',
        reason: `${NEW} did not become healthy within 60 s (deployment.apps/alpha image updated | error: timed out waiting for the condition | Waiting for deployment "alpha" rollout to finish: 1 old replicas are pending termination...); the rollback to ${OLD} failed too (deployment.apps/alpha image updated | error: deployment "alpha" exceeded its progress deadline | Waiting for deployment "alpha" rollout to finish: 0 of 1 updated replicas are available...)`,
      },
    ],
    [
      'a first deploy whose rollout does not finish: nothing to set back',
      {},
      { [NEW]: ROLLOUT.pullBackOff },
      undefined,
      ['set new', 'status new'],
      {
        kind: 'failed',
        reason: `${NEW} did not become healthy within 60 s (deployment.apps/alpha image updated | error: timed out waiting for the condition | Waiting for deployment "alpha" rollout to finish: 1 old replicas are pending termination...); there is no earlier digest to roll back to`,
      },
    ],
    [
      'an admission webhook denies the image: nothing changed, nothing set back',
      { [NEW]: 'Error from server (Forbidden): admission webhook "policy.example.com" denied the request: unsigned image\n' },
      {},
      OLD,
      ['set new'],
      {
        kind: 'not-applied',
        reason: `the target did not take ${NEW} (Error from server (Forbidden): admission webhook "policy.example.com" denied the request: unsigned image); nothing changed: ${OLD} still runs`,
      },
    ],
    [
      'the Deployment does not exist: nothing changed',
      { [NEW]: 'Error from server (NotFound): deployments.apps "alpha" not found\n' },
      {},
      OLD,
      ['set new'],
      { kind: 'not-applied', reason: `the target did not take ${NEW} (Error from server (NotFound): deployments.apps "alpha" not found); nothing changed: ${OLD} still runs` },
    ],
    [
      'the Deployment has no container named after the service (kubectl finds none to set): nothing changed, nothing set back',
      { [NEW]: 'error: unable to find container named "alpha"\n', [OLD]: 'error: unable to find container named "alpha"\n' },
      {},
      OLD,
      ['set new'],
      { kind: 'not-applied', reason: `the target did not take ${NEW} (error: unable to find container named "alpha"); nothing changed: ${OLD} still runs` },
    ],
  ])('%s', async (_, setImage, rollout, previous, ran, outcome) => {
    const s = standIn(setImage, rollout);
    expect(await s.target.deploy(request(previous))).toEqual(outcome);
    expect(s.ran).toEqual(ran);
  });
});
