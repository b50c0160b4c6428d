/** Test helpers: start a service on a free loopback port, quietly, and talk to it over real HTTP. */
import type { ConfigSpec } from './config.js';
import { type RunningService, type ServiceDefinition, startService } from './service.js';

export interface TestService {
  readonly url: string;
  readonly service: RunningService;
  /** fetch + JSON: returns the status and the parsed body (undefined when empty). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export async function startForTest<C extends Record<string, ConfigSpec>>(def: ServiceDefinition<C>, env: Record<string, string> = {}): Promise<TestService> {
  const service = await startService(def, {
    env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', SHUTDOWN_TIMEOUT_MS: '1000', ...env },
    handleSignals: false,
    write: () => {},
  });
  const url = `http://127.0.0.1:${service.port}`;
  return {
    url,
    service,
    call: async (method, path, body, headers = {}) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    stop: () => service.stop(),
  };
}
