/** `runService`: the whole life of a service process, so that each service only declares its routes. */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ConfigError, type ConfigOf, type ConfigSpec, loadConfig } from './config.js';
import { createApp, type Route } from './http.js';
import { AUTH_SECRET_CONFIG } from './identity.js';
import { isRecord } from './json.js';
import { LOG_LEVELS, type Logger, createLogger, isLogLevel } from './logger.js';
import { installShutdown, stopServing } from './lifecycle.js';

const BASE_CONFIG = {
  PORT: { kind: 'port' },
  HOST: { kind: 'string', default: '0.0.0.0' },
  LOG_LEVEL: { kind: 'enum', values: LOG_LEVELS, default: 'info' },
  // The whole shutdown, the not-ready window included: the platform's grace period (compose's
  // stop_grace_period, Kubernetes' terminationGracePeriodSeconds) must be longer (DOCKER.md).
  SHUTDOWN_TIMEOUT_MS: { kind: 'int', default: 10_000, min: 0, max: 120_000 },
  // How long the service keeps serving with /ready = 503 before it closes its listener, so that a load
  // balancer sees it leave instead of refused connections; at most SHUTDOWN_TIMEOUT_MS. Unset, it is
  // DEFAULT_SHUTDOWN_DELAY_MS or half of SHUTDOWN_TIMEOUT_MS, whichever is shorter (defaultDelay).
  SHUTDOWN_DELAY_MS: { kind: 'int', default: 3_000, min: 0, max: 120_000 },
  // Every service checks the gateway's signed identity headers with a key derived from it (identity.ts).
  AUTH_SECRET: AUTH_SECRET_CONFIG,
} as const satisfies Record<string, ConfigSpec>;

export const DEFAULT_SHUTDOWN_DELAY_MS = 3_000;

/**
 * The not-ready window when SHUTDOWN_DELAY_MS is unset: a user who only shortens SHUTDOWN_TIMEOUT_MS
 * (say to 2000) must not meet a refusal of a 3000 they never set; half leaves the other half for the drain.
 */
function defaultDelay(timeoutMs: number): number {
  return Math.min(DEFAULT_SHUTDOWN_DELAY_MS, Math.floor(timeoutMs / 2));
}

export interface ServiceManifest {
  readonly name: string;
  readonly port: number;
}

/** Reads the service name (package name without scope) and default port from its package.json. */
export function readManifest(url: URL): ServiceManifest {
  const pkg: unknown = JSON.parse(readFileSync(url, 'utf8'));
  const name = isRecord(pkg) ? pkg['name'] : undefined;
  const meta = isRecord(pkg) ? pkg['kodingcaravan'] : undefined;
  const port = isRecord(meta) ? meta['port'] : undefined;
  if (typeof name !== 'string' || typeof port !== 'number' || !Number.isInteger(port)) {
    throw new Error(`${url.pathname}: expected "name" and an integer "kodingcaravan.port"`);
  }
  return { name: name.replace(/^@[^/]+\//, ''), port };
}

export type BaseConfig = ConfigOf<typeof BASE_CONFIG>;

export interface ServiceDefinition<C extends Record<string, ConfigSpec>> {
  /** The service's package.json: its name and default port (`kodingcaravan.port`) live there, once. */
  readonly manifest: URL;
  /** Service-specific variables, validated together with the base ones. */
  readonly config?: C;
  readonly routes: (ctx: { readonly config: ConfigOf<C> & BaseConfig; readonly logger: Logger }) => readonly Route[];
}

export interface RunningService {
  readonly server: Server;
  readonly port: number;
  readonly logger: Logger;
  /** Drains and closes the server (what SIGTERM does), without exiting the process. */
  stop(): Promise<void>;
}

export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly write?: (line: string) => void;
  /** Install SIGTERM/SIGINT handlers that drain and exit (default true; tests turn it off). */
  readonly handleSignals?: boolean;
}

export async function startService<C extends Record<string, ConfigSpec> = Record<never, ConfigSpec>>(def: ServiceDefinition<C>, options: RunOptions = {}): Promise<RunningService> {
  const env = options.env ?? process.env;
  const { name, port: defaultPort } = readManifest(def.manifest);
  const specs = { ...BASE_CONFIG, PORT: { kind: 'port', default: defaultPort }, ...def.config } as const;
  const loaded = loadConfig(specs, env) as ConfigOf<C> & BaseConfig;
  const delaySet = env['SHUTDOWN_DELAY_MS'] !== undefined && env['SHUTDOWN_DELAY_MS'] !== '';
  const config = delaySet ? loaded : { ...loaded, SHUTDOWN_DELAY_MS: defaultDelay(loaded.SHUTDOWN_TIMEOUT_MS) };
  // Only a delay the user set can exceed the bound: the default never does.
  if (config.SHUTDOWN_DELAY_MS > config.SHUTDOWN_TIMEOUT_MS) {
    throw new ConfigError(
      'SHUTDOWN_DELAY_MS',
      `invalid environment variable SHUTDOWN_DELAY_MS=${config.SHUTDOWN_DELAY_MS}: expected at most SHUTDOWN_TIMEOUT_MS (${config.SHUTDOWN_TIMEOUT_MS}), the bound of the whole shutdown it is part of`,
    );
  }
  const logger = createLogger(name, { level: isLogLevel(config.LOG_LEVEL) ? config.LOG_LEVEL : 'info', ...(options.write ? { write: options.write } : {}) });
  let ready = false;
  const server = createApp({ service: name, routes: def.routes({ config, logger }), logger, isReady: () => ready, identity: { audience: name, secret: config.AUTH_SECRET } });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`expected a TCP address, got ${String(address)}`);
  const port = address.port;
  ready = true;
  logger.info('listening', { port, host: config.HOST });
  const removeHandlers =
    options.handleSignals === false
      ? () => {}
      : installShutdown({ server, logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, delayMs: config.SHUTDOWN_DELAY_MS, onDraining: () => (ready = false) });
  return {
    server,
    port,
    logger,
    stop: async () => {
      removeHandlers();
      ready = false;
      await stopServing(server, config.SHUTDOWN_DELAY_MS, config.SHUTDOWN_TIMEOUT_MS);
    },
  };
}

/** The entry point of a service's `dist/index.js`: start, or print one line and exit 1 on bad config. */
export function runService<C extends Record<string, ConfigSpec>>(def: ServiceDefinition<C>): void {
  startService(def).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const service = def.manifest.pathname.split('/').at(-2) ?? 'service';
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', service, msg: `failed to start: ${message}` })}\n`);
    process.exit(1);
  });
}
