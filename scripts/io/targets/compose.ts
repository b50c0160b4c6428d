/**
 * The `compose` target: a Docker host (DOCKER_HOST, e.g. ssh://deploy@host, as the runner sees it)
 * running the generated docker-compose.yml, one compose project per environment. Only the one service
 * is updated (`up --no-deps`), pinned by digest through an override file that names nothing but its
 * image (`<repository>@sha256:…`: the generated file's `${IMAGE_TAG}` cannot hold a digest), and
 * `--wait` waits for its health check within the bound. The file and the pull are checked first, so a
 * missing secret or an image the host cannot pull ends the deploy with nothing changed (exit 3). After
 * `up`, the service's containers are read (`docker inspect`): one that exited, is restarting, is
 * unhealthy or restarted since the deploy began is not healthy, even when `up --wait` said it was (a
 * service without a health check is ready for compose once it runs), and is rolled back. With the
 * environment's `minReadySeconds`, they are read once more after that long, as Kubernetes waits before
 * it counts a pod available: a crash in that time is a failed deploy, rolled back.
 *
 * Secrets (AUTH_SECRET, …) reach the remote host the way compose interpolates them: from the
 * environment of this process (GitHub environment secrets in the step's env), sent with the API call
 * that creates the container. This process writes them to no file (the override file holds the image
 * reference only, and is removed when the deploy ends); the Docker host keeps a container's environment
 * in its configuration, as for any container (README says so).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandName } from '../../core/command-name.js';
import { type ContainerState, INSPECT_FORMAT, notRunning, parseContainerStates } from '../../core/deploy/containers.js';
import { OutsideError } from '../../core/errors.js';
import { type Attempt, attempt, type CommandRunner, type DeployRequest, deployWithRollback, mustAnswer, pause, type Target } from './target.js';

/** A container id as `docker compose ps --quiet` prints it. */
const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

export function composeTarget(options: { readonly file: string; readonly project: string; readonly cwd: string }, run: CommandRunner): Target {
  const compose = (overrideFile: string) => [
    'docker',
    'compose',
    '--project-name',
    options.project,
    '--project-directory',
    options.cwd,
    '--file',
    join(options.cwd, options.file),
    '--file',
    overrideFile,
  ];
  /**
   * What one deploy runs, in order: the file checked with its variables (a secret the environment lacks
   * fails here), the image pulled by digest (a registry or credential failure fails here), the service's
   * containers listed (`ps`, then `inspect`: their restart counts so far), then `up`, then the containers
   * read again. Only `up` changes what runs: a failure before it is not rolled back (nothing changed).
   */
  const sequence = (overrideFile: string, service: string, timeoutSeconds: number) => {
    const c = compose(overrideFile);
    return {
      config: [...c, 'config', '--quiet', service],
      pull: [...c, 'pull', '--quiet', service],
      ps: [...c, 'ps', '--all', '--quiet', service],
      up: [...c, 'up', '--detach', '--no-deps', '--no-build', '--pull', 'never', '--wait', '--wait-timeout', String(timeoutSeconds), service],
    };
  };
  const inspect = (ids: readonly string[]) => ['docker', 'inspect', '--format', INSPECT_FORMAT, ...ids];
  /** The states of the service's containers, or a line saying why they could not be read. */
  const states = async (ps: readonly string[], stop?: AbortSignal): Promise<ContainerState[] | string> => {
    try {
      const listed = await run(ps, stop);
      if (listed.code !== 0) return `\`${commandName(ps)}\` exited ${listed.code}: ${`${listed.stderr}${listed.stdout}`.trim().slice(-300)}`;
      const ids = listed.stdout
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      const odd = ids.find((id) => !CONTAINER_ID.test(id));
      if (odd !== undefined) return `\`${commandName(ps)}\` printed ${JSON.stringify(odd.slice(0, 100))}, not a container id`;
      if (ids.length === 0) return [];
      const read = await run(inspect(ids), stop);
      if (read.code !== 0) return `\`docker inspect\` exited ${read.code}: ${`${read.stderr}${read.stdout}`.trim().slice(-300)}`;
      return parseContainerStates(read.stdout);
    } catch (err) {
      if (!(err instanceof OutsideError)) throw err;
      return err.message;
    }
  };
  /** `minReady`: the seconds the containers must keep running once ready (0 for a rollback: see deploy below). */
  const apply = async (request: DeployRequest, image: string, minReady: number, stop?: AbortSignal): Promise<Attempt> => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-deploy-'));
    try {
      const override = join(dir, 'image.override.yml');
      writeFileSync(override, `services:\n  ${request.service}:\n    image: ${JSON.stringify(image)}\n`, { mode: 0o600 });
      const steps = sequence(override, request.service, request.timeoutSeconds);
      const checked = await attempt(run, [steps.config, steps.pull], 2, undefined, stop);
      if (checked.kind !== 'healthy') return checked;
      const stoppedBeforeUp = { kind: 'not-applied', detail: `stopped before \`${commandName(steps.up)}\``, stopped: true } as const;
      if (stop?.aborted) return stoppedBeforeUp;
      // What ran before `up`: a container `up` leaves as it is (the same image again) keeps its earlier restarts.
      const before = await states(steps.ps, stop);
      if (stop?.aborted) return stoppedBeforeUp;
      if (typeof before === 'string') return { kind: 'not-applied', detail: before };
      const started = await attempt(run, [steps.up], 0, undefined, stop);
      // Stopped during `up`: what runs is unknown, the caller rolls back (reading it would be stopped too).
      if (stop?.aborted) return started.kind === 'healthy' ? { kind: 'unhealthy', detail: 'stopped before what runs was read', stopped: true } : started;
      // `up --wait` counts a container without a health check as ready once it runs, even one that exits
      // and is restarted by its policy: what runs is read again, and a container that is not running, is
      // unhealthy or restarted since is not healthy. When `up` failed, the same read says why.
      const after = await states(steps.ps, stop);
      const verdict = typeof after === 'string' ? `what runs could not be read: ${after}` : notRunning(before, after);
      if (started.kind !== 'healthy') return { kind: 'unhealthy', detail: verdict === undefined ? started.detail : `${started.detail.trimEnd()}\n${verdict}` };
      if (verdict !== undefined) return { kind: 'unhealthy', detail: verdict };
      if (minReady === 0) return started;
      // Kubernetes' minReadySeconds: ready once is not enough; the containers must keep running that long
      // (a service that loses its database a few seconds after its first good health check, say).
      const stoppedWhileSettling = { kind: 'unhealthy', detail: `stopped within the ${minReady} s its containers must keep running`, stopped: true } as const;
      if (!(await pause(minReady * 1000, stop))) return stoppedWhileSettling;
      const settled = await states(steps.ps, stop);
      // Stopped during that read: its failure is the interrupt's, not the target's answer.
      if (stop?.aborted) return stoppedWhileSettling;
      const late = typeof settled === 'string' ? `what runs could not be read: ${settled}` : notRunning(before, settled);
      return late === undefined ? started : { kind: 'unhealthy', detail: late, late: true };
    } finally {
      // An interrupted deploy gets here too (its command is killed, not the process): no override file is left.
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    kind: 'compose',
    preflight: () => mustAnswer(run, ['docker', 'version', '--format', '{{.Server.Version}}'], `the Docker host ${process.env['DOCKER_HOST'] || '(the local engine)'}`),
    commands: (request) => {
      const steps = sequence(`<a temporary override file: services.${request.service}.image = ${request.image}>`, request.service, request.timeoutSeconds);
      const read = inspect(['<the containers ps lists>']);
      const settle = request.minReadySeconds === 0 ? [] : [[`<wait ${request.minReadySeconds} s (minReadySeconds)>`], steps.ps, read];
      return [steps.config, steps.pull, steps.ps, read, steps.up, steps.ps, read, ...settle];
    },
    deploy: (request, stop) =>
      deployWithRollback(
        request,
        {
          apply: (image, signal) => apply(request, image, request.minReadySeconds, signal),
          // The rollback restores what ran, as fast as it can (an interrupted deploy too): not held for minReadySeconds.
          undo: (previous, signal) => apply(request, previous, 0, signal),
        },
        stop,
      ),
  };
}
