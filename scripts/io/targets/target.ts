/**
 * Deploy targets behind one interface, one file each (compose.ts, kubernetes.ts), chosen by the
 * environment's `target` in pipeline.config.ts. A target deploys one service pinned by digest, waits
 * until it is healthy within a bound, and when it is not, rolls back to the digest that ran before and
 * waits for that one. `commands` lists exactly what it will run, for the deploy plan reviewers read.
 */
import { commandName } from '../../core/command-name.js';
import { OutsideError } from '../../core/errors.js';

export interface DeployRequest {
  readonly service: string;
  /** `<repository>@sha256:…`: what is deployed. */
  readonly image: string;
  /** `<repository>@sha256:…` that ran before, for a rollback; undefined for a first deploy. */
  readonly previous: string | undefined;
  readonly timeoutSeconds: number;
  /** How long the containers must keep running once ready (Environment.minReadySeconds; 0: not waited for). */
  readonly minReadySeconds: number;
}

/** Waits `ms`; false when `stop` ended the wait first (or had already). */
export function pause(ms: number, stop?: AbortSignal): Promise<boolean> {
  if (stop?.aborted) return Promise.resolve(false);
  return new Promise((done) => {
    const finish = (completed: boolean) => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onAbort);
      done(completed);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(true), ms);
    stop?.addEventListener('abort', onAbort, { once: true });
  });
}

export type DeployOutcome =
  | { readonly kind: 'healthy' }
  /** It did not become healthy; the previous digest runs (and is healthy) again. */
  | { readonly kind: 'rolled-back'; readonly reason: string }
  /** It did not become healthy, and there was nothing to roll back to, or the rollback failed too. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** The target refused it before changing anything (a variable missing, a pull failed, an admission webhook): what ran before still runs. */
  | { readonly kind: 'not-applied'; readonly reason: string };

/**
 * One attempt at running an image: healthy; started but not healthy (what ran before was replaced, so
 * it must come back); or refused before anything changed (nothing to undo).
 */
export type Attempt =
  | { readonly kind: 'healthy' }
  /**
   * `stopped`: an interrupt ended it (a command killed, or the next one never run), not the target's own answer.
   * `late`: it became healthy, then did not keep running for the request's minReadySeconds.
   */
  | { readonly kind: 'unhealthy'; readonly detail: string; readonly stopped?: true; readonly late?: true }
  | { readonly kind: 'not-applied'; readonly detail: string; readonly stopped?: true };

/**
 * How an interrupted deploy (SIGINT/SIGTERM: a cancelled job) stops. `interrupt` stops the commands that
 * deploy the new image; a rollback runs under `rollback`, which is aborted later (a bound after the
 * interrupt, or a second signal): what ran before comes back when it can, and the deploy still ends in time.
 */
export interface Stop {
  readonly interrupt: AbortSignal;
  readonly rollback: AbortSignal;
}

export interface Target {
  readonly kind: 'compose' | 'kubernetes';
  /** Whether the target answers at all (the Docker host, the cluster); throws a TargetError before anything is recorded or changed. */
  preflight(): Promise<void>;
  /** The commands `deploy` runs (argv each), with the image in place: for the plan. */
  commands(request: DeployRequest): string[][];
  deploy(request: DeployRequest, stop?: Stop): Promise<DeployOutcome>;
}

/** The target could not be reached: an outside failure (exit 3), before anything was changed. */
export class TargetError extends OutsideError {
  override readonly name = 'TargetError';
}

/** Runs `argv` and throws a TargetError naming `what` when it fails. */
export async function mustAnswer(run: CommandRunner, argv: readonly string[], what: string): Promise<void> {
  const r = await run(argv);
  if (r.code !== 0) throw new TargetError(`${what} does not answer (\`${argv.join(' ')}\` exited ${r.code}: ${tail(`${r.stderr}${r.stdout}`)})`);
}

/**
 * Runs a command of a target (docker compose, kubectl): exit code and output, never throwing on a non-zero
 * exit. It throws an outside failure when the command does not answer within its bound, or when `stop` is
 * aborted (it kills the command).
 */
export type CommandRunner = (argv: readonly string[], stop?: AbortSignal) => Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }>;

const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);

/**
 * The one deploy-and-roll-back sequence both targets share: apply the image, wait; when it started but
 * is not healthy, apply the previous one (the digest that ran before), wait again. A target that refused
 * the image before changing anything has nothing to roll back.
 */
export async function deployWithRollback(
  request: DeployRequest,
  steps: { readonly apply: (image: string, stop?: AbortSignal) => Promise<Attempt>; readonly undo: (previous: string, stop?: AbortSignal) => Promise<Attempt> },
  stop?: Stop,
): Promise<DeployOutcome> {
  const first = await steps.apply(request.image, stop?.interrupt);
  if (first.kind === 'healthy') return first;
  // An interrupt stopped it: the same outcomes (nothing changed, or rolled back), worded as what happened.
  // One that came after the target answered (an unhealthy image) stopped nothing: the reason is the target's.
  const interrupted = first.stopped === true;
  if (first.kind === 'not-applied') {
    if (interrupted) {
      const still = request.previous === undefined ? '' : `; ${request.previous} still runs`;
      return { kind: 'not-applied', reason: `the deploy of ${request.image} was interrupted before anything changed (${tail(first.detail)})${still}` };
    }
    const still = request.previous === undefined ? '' : `: ${request.previous} still runs`;
    return { kind: 'not-applied', reason: `the target did not take ${request.image} (${tail(first.detail)}); nothing changed${still}` };
  }
  const why = interrupted
    ? `the deploy of ${request.image} was interrupted after it began (${tail(first.detail)})`
    : first.late === true
      ? `${request.image} became healthy but did not keep running for ${request.minReadySeconds} s (minReadySeconds: ${tail(first.detail)})`
      : `${request.image} did not become healthy within ${request.timeoutSeconds} s (${tail(first.detail)})`;
  if (request.previous === undefined) return { kind: 'failed', reason: `${why}; there is no earlier digest to roll back to` };
  const back = await steps.undo(request.previous, stop?.rollback);
  return back.kind === 'healthy'
    ? { kind: 'rolled-back', reason: `${why}; rolled back to ${request.previous}, which is healthy again` }
    : { kind: 'failed', reason: `${why}; the rollback to ${request.previous} failed too (${tail(back.detail)})` };
}

/**
 * Runs a target's commands in order and says how far it got: `changing` is the index of the first
 * command that changes what runs (the ones before it only check); a failure before it changed nothing.
 * `refused` (when given) says whether the changing command's own failure is a refusal, which changed
 * nothing too (an admission webhook); any other failure of it (a lost answer) may have changed it.
 * A command the runner could not finish (it threw an outside failure: no answer within its bound) is a
 * failure like a non-zero exit: before `changing` nothing changed; at or after it, it may have, so it
 * is unhealthy and the caller rolls back (it never escapes as "the target failed, nothing changed").
 * `stop` aborted (an interrupted deploy) stops the running command (the runner kills it) and runs no other.
 */
export async function attempt(
  run: CommandRunner,
  argvs: readonly (readonly string[])[],
  changing: number,
  refused?: (detail: string) => boolean,
  stop?: AbortSignal,
): Promise<Attempt> {
  let detail = '';
  for (const [i, argv] of argvs.entries()) {
    // Stopped between two commands: the next one never ran, so up to the changing one nothing changed.
    if (stop?.aborted) return { kind: i <= changing ? 'not-applied' : 'unhealthy', detail: `${detail}stopped before \`${commandName(argv)}\``, stopped: true };
    let r: Awaited<ReturnType<CommandRunner>>;
    try {
      r = await run(argv, stop);
    } catch (err) {
      // A bug (not an outside failure) still ends the command: the deploy records that it stopped midway.
      if (!(err instanceof OutsideError)) throw err;
      detail += err.message;
      const kind = i < changing ? 'not-applied' : 'unhealthy';
      return stop?.aborted ? { kind, detail, stopped: true } : { kind, detail };
    }
    detail += `${r.stderr}${r.stdout}`;
    if (r.code !== 0) return { kind: i < changing || (i === changing && refused?.(`${r.stderr}${r.stdout}`) === true) ? 'not-applied' : 'unhealthy', detail };
  }
  return { kind: 'healthy' };
}
