/**
 * The `compose` target: a Docker host (DOCKER_HOST, e.g. ssh://deploy@host, as the runner sees it)
 * running the generated docker-compose.yml, one compose project per environment. Only the one service
 * is updated (`up --no-deps`), pinned by digest through an override file that names nothing but its
 * image (`<repository>@sha256:…`: the generated file's `${IMAGE_TAG}` cannot hold a digest), and
 * `--wait` waits for its health check within the bound.
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
import { type CommandRunner, type DeployRequest, deployWithRollback, mustAnswer, type Target } from './target.js';

export function composeTarget(options: { readonly file: string; readonly project: string; readonly cwd: string }, run: CommandRunner): Target {
  const up = (overrideFile: string, service: string, timeoutSeconds: number) => [
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
    'up',
    '--detach',
    '--no-deps',
    '--no-build',
    '--pull',
    'always',
    '--wait',
    '--wait-timeout',
    String(timeoutSeconds),
    service,
  ];
  const apply = async (request: DeployRequest, image: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-deploy-'));
    try {
      const override = join(dir, 'image.override.yml');
      writeFileSync(override, `services:\n  ${request.service}:\n    image: ${JSON.stringify(image)}\n`, { mode: 0o600 });
      const r = await run(up(override, request.service, request.timeoutSeconds));
      return { ok: r.code === 0, detail: `${r.stderr}${r.stdout}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    kind: 'compose',
    preflight: () => mustAnswer(run, ['docker', 'version', '--format', '{{.Server.Version}}'], `the Docker host ${process.env['DOCKER_HOST'] || '(the local engine)'}`),
    commands: (request) => [up(`<a temporary override file: services.${request.service}.image = ${request.image}>`, request.service, request.timeoutSeconds)],
    deploy: (request) =>
      deployWithRollback(request, {
        apply: (image) => apply(request, image),
        undo: (previous) => apply(request, previous),
      }),
  };
}
