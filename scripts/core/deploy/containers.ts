/**
 * Whether the containers of a service that compose just started keep running, from `docker inspect`
 * (its format below gives one JSON object a line): a container that exited, is restarting, is unhealthy,
 * or restarted since before the deploy is crash-looping. `up --wait` alone may miss it: without a health
 * check, compose counts a container as ready the moment it is running, even one that exits at start and
 * is restarted by its policy (seen with compose 2.26: `Healthy`, restart count 3).
 */
import { isRecord } from '../json.js';

/**
 * `docker inspect --format`: the container's id, name, restart count and state (not `{{json .}}`: its
 * configuration holds the environment, secrets included). `{{if .State.Health}}` is no way to read the
 * health: the engine's template fails on a container without a health check ("map has no entry").
 * `oneoff` is compose's label of a `docker compose run` container (`True`), which `ps --all` lists too.
 */
export const INSPECT_FORMAT =
  '{"id":{{json .Id}},"name":{{json .Name}},"restarts":{{.RestartCount}},"oneoff":{{json (index .Config.Labels "com.docker.compose.oneoff")}},"state":{{json .State}}}';

export interface ContainerState {
  readonly id: string;
  /** `/shop-staging-alpha-1` as the engine names it; shown without the slash. */
  readonly name: string;
  readonly restarts: number;
  /** created, running, restarting, exited, dead, paused, removing. */
  readonly status: string;
  readonly exitCode: number;
  /** starting, healthy, unhealthy; null without a health check. */
  readonly health: string | null;
  /** A `docker compose run` container (a migration, a shell): not one `up` starts, so never one it must keep running. */
  readonly oneOff: boolean;
}

/** The states `docker inspect --format INSPECT_FORMAT` printed, or a line saying what is not one. */
export function parseContainerStates(text: string): ContainerState[] | string {
  const states: ContainerState[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return `docker inspect printed ${JSON.stringify(line.slice(0, 200))}, not a container's state`;
    }
    if (!isRecord(json)) return `docker inspect printed ${JSON.stringify(line.slice(0, 200))}, not a container's state`;
    const { id, name, restarts, state, oneoff } = json;
    const bad = `docker inspect printed ${JSON.stringify(line.slice(0, 200))}, not a container's state`;
    if (typeof id !== 'string' || typeof name !== 'string' || typeof restarts !== 'number' || typeof oneoff !== 'string' || !isRecord(state)) return bad;
    const { Status: status, ExitCode: exitCode, Health: healthState } = state;
    if (typeof status !== 'string' || typeof exitCode !== 'number') return bad;
    // No Health key (or null) without a health check.
    const health = isRecord(healthState) ? healthState['Status'] : null;
    if (health !== null && typeof health !== 'string') return bad;
    states.push({ id, name: name.replace(/^\//, ''), restarts, status, exitCode, health, oneOff: oneoff === 'True' });
  }
  return states;
}

/**
 * How a container stands now, in words: `is restarting (exit code 1, restarted 3 times)`. The exit code
 * only while it is stopped: the engine sets it back to 0 when the policy starts it again.
 */
export function describeContainer(c: ContainerState): string {
  const times = `restarted ${c.restarts} ${c.restarts === 1 ? 'time' : 'times'}`;
  if (c.status !== 'running') return `container ${c.name} is ${c.status} (exit code ${c.exitCode}, ${times})`;
  return `container ${c.name} ${c.health === 'unhealthy' ? 'is unhealthy' : 'keeps restarting'} (${times})`;
}

/**
 * Which container of the service does not keep running after `up`, in words; undefined when every one
 * runs. `before` is what ran before `up` (a container `up` left as it was keeps its earlier restarts).
 */
export function notRunning(before: readonly ContainerState[], after: readonly ContainerState[]): string | undefined {
  const started = after.filter((c) => !c.oneOff);
  if (started.length === 0) return 'no container of the service exists after `up`';
  const earlier = new Map(before.map((c) => [c.id, c.restarts]));
  for (const c of started) {
    const restarted = c.restarts > (earlier.get(c.id) ?? 0);
    if (c.status !== 'running' || c.health === 'unhealthy' || restarted) return describeContainer(c);
  }
  return undefined;
}
