/**
 * The `compose` target: a Docker host (DOCKER_HOST, e.g. ssh://deploy@host, as the runner sees it)
 * running the generated docker-compose.yml, one compose project per environment. Only the one service
 * is updated (`up --no-deps`), pinned by digest through an override file that names nothing but its
 * image (`<repository>@sha256:…`: the generated file's `${IMAGE_TAG}` cannot hold a digest), and
 * `--wait` waits for its health check within the bound. The file and the pull are checked first, so a
 * missing secret or an image the host cannot pull ends the deploy with nothing changed (exit 3).
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
import { attempt, type CommandRunner, type DeployRequest, deployWithRollback, mustAnswer, type Target } from './target.js';

export function composeTarget(options: { readonly file: string; readonly project: string; readonly cwd: string }, run: CommandRunner): Target {
  /**
   * What one deploy runs, in order: the file checked with its variables (a secret the environment lacks
   * fails here), the image pulled by digest (a registry or credential failure fails here), then `up`.
   * Only `up` changes what runs: a failure before it is not rolled back (nothing changed).
   */
  const sequence = (overrideFile: string, service: string, timeoutSeconds: number) => {
    const compose = ['docker', 'compose', '--project-name', options.project, '--project-directory', options.cwd, '--file', join(options.cwd, options.file), '--file', overrideFile];
    return [
      [...compose, 'config', '--quiet', service],
      [...compose, 'pull', '--quiet', service],
      [...compose, 'up', '--detach', '--no-deps', '--no-build', '--pull', 'never', '--wait', '--wait-timeout', String(timeoutSeconds), service],
    ];
  };
  const apply = async (request: DeployRequest, image: string, stop?: AbortSignal) => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-deploy-'));
    try {
      const override = join(dir, 'image.override.yml');
      writeFileSync(override, `services:\n  ${request.service}:\n    image: ${JSON.stringify(image)}\n`, { mode: 0o600 });
      return await attempt(run, sequence(override, request.service, request.timeoutSeconds), 2, undefined, stop);
    } finally {
      // An interrupted deploy gets here too (its command is killed, not the process): no override file is left.
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    kind: 'compose',
    preflight: () => mustAnswer(run, ['docker', 'version', '--format', '{{.Server.Version}}'], `the Docker host ${process.env['DOCKER_HOST'] || '(the local engine)'}`),
    commands: (request) => sequence(`<a temporary override file: services.${request.service}.image = ${request.image}>`, request.service, request.timeoutSeconds),
    deploy: (request, stop) =>
      deployWithRollback(
        request,
        {
          apply: (image, signal) => apply(request, image, signal),
          undo: (previous, signal) => apply(request, previous, signal),
        },
        stop,
      ),
  };
}
