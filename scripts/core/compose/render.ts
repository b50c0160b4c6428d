/**
 * Renders docker-compose.yml from the service catalog: each service built from its own Dockerfile
 * with the repository root as context, its port and health check, `depends_on: service_healthy`
 * for the services it calls (the gateway's upstreams), and its networks (see EDGE and BACKEND). Pure:
 * graph in, YAML text out.
 */
import { dict } from '../dict.js';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import { healthcheckCommand } from '../dockerfiles/healthcheck.js';
import type { Workspace, WorkspacePackage } from '../workspace/graph.js';

export interface ComposeContext {
  readonly header: string;
  readonly defaultNodeImage: string;
  /** The name of each service's Dockerfile in its folder (the config's `services.marker`). */
  readonly dockerfile: string;
}

/**
 * Every service's shutdown, and the time the engine gives it before SIGKILL, from one place: the service
 * answers /ready = 503 for `delayMs` while still serving, then drains; all of it within `timeoutMs`
 * (the service kit enforces that), and `stop_grace_period` leaves `marginSeconds` more for the process
 * to exit. Written into the file as values, not variables, so the two cannot drift apart on a host.
 */
export const SHUTDOWN = { timeoutMs: 10_000, delayMs: 3_000, marginSeconds: 5 } as const;
/** Seconds between SIGTERM and SIGKILL; verify-image's `signals` rule stops its probe container with the same bound. */
export const STOP_GRACE_SECONDS = Math.ceil(SHUTDOWN.timeoutMs / 1000) + SHUTDOWN.marginSeconds;
export const STOP_GRACE_PERIOD = `${STOP_GRACE_SECONDS}s`;

/**
 * Two networks. `backend` is internal (no route out of the host, and nothing published from it): every
 * service is on it, and one that no one outside calls is on it alone (DOCKER.md says what it can still
 * reach: the other services, the gateway, the Docker host's listeners on the bridge's address). `edge` is the services called from outside (those with
 * upstreams: the gateway), whose port is published on loopback, and those that call something outside
 * (`"kodingcaravan": { "egress": true }` in their package.json): these have a route out.
 */
const EDGE = 'edge';
const BACKEND = 'backend';

const healthcheck = (port: number) => ({
  test: ['CMD', ...healthcheckCommand(port)],
  interval: '5s',
  timeout: '3s',
  start_period: '10s',
  retries: 5,
});

export function renderCompose(workspace: Workspace, ctx: ComposeContext): string {
  const byFolder = new Map(workspace.services.map((s) => [s.folder, s]));
  const portOf = (s: WorkspacePackage): number => {
    const port = s.manifest.service.port;
    if (port === undefined) throw new InputError(`${s.dir}/package.json: a service needs "kodingcaravan": { "port": <number> }`);
    return port;
  };
  const services: Record<string, unknown> = dict();
  for (const svc of workspace.services) {
    const port = portOf(svc);
    const upstreams = (svc.manifest.service.upstreams ?? []).map((name) => {
      const target = byFolder.get(name);
      if (!target) throw new InputError(`${svc.dir}/package.json: upstream ${JSON.stringify(name)} is not a service; known: ${[...byFolder.keys()].join(', ')}`);
      return target;
    });
    const environment: Record<string, string> = {
      PORT: String(port),
      LOG_LEVEL: '${LOG_LEVEL:-info}',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN.timeoutMs),
      SHUTDOWN_DELAY_MS: String(SHUTDOWN.delayMs),
      // Every service: the gateway and the auth services sign tokens with it, and each service checks the
      // gateway's signed identity headers with a key derived from it (packages/shared/src/identity.ts).
      AUTH_SECRET: '${AUTH_SECRET:?set AUTH_SECRET to a random secret of 16 or more characters}',
    };
    if (upstreams.length > 0) environment['UPSTREAMS'] = upstreams.map((u) => `${u.folder}=http://${u.folder}:${portOf(u)}`).join(',');
    services[svc.folder] = {
      build: { context: '.', dockerfile: `${svc.dir}/${ctx.dockerfile}`, args: { NODE_IMAGE: `\${NODE_IMAGE:-${ctx.defaultNodeImage}}` } },
      image: `\${IMAGE_PREFIX:-kodingcaravan}/${svc.folder}:\${IMAGE_TAG:-local}`,
      environment,
      // Only services called from outside are published, and only on loopback.
      ...(upstreams.length > 0 ? { ports: [`127.0.0.1:\${GATEWAY_PORT:-${port}}:${port}`] } : {}),
      healthcheck: healthcheck(port),
      stop_grace_period: STOP_GRACE_PERIOD,
      restart: 'unless-stopped',
      ...(upstreams.length > 0 ? { depends_on: Object.fromEntries(upstreams.map((u) => [u.folder, { condition: 'service_healthy' }])) } : {}),
      networks: upstreams.length > 0 || svc.manifest.service.egress === true ? [EDGE, BACKEND] : [BACKEND],
    };
  }
  return `${ctx.header}\n${stringify({ name: 'kodingcaravan', services, networks: { [EDGE]: {}, [BACKEND]: { internal: true } } }, { lineWidth: 0 })}`;
}
