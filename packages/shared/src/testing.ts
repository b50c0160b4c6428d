/** Test helpers: start a service on a free loopback port, quietly, and talk to it over real HTTP. */
import type { ConfigSpec } from './config.js';
import { type Identity, signIdentity } from './identity.js';
import { type RunningService, readManifest, type ServiceDefinition, startService } from './service.js';

/** The AUTH_SECRET a service under test gets unless the test gives one (an empty one: the variable is missing). */
export const TEST_SECRET = 'service-test-secret-0123456789';

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export interface TestService {
  readonly url: string;
  readonly service: RunningService;
  /** fetch + JSON: returns the status and the parsed body (undefined when empty). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** `call` as `identity`, with the identity headers the gateway signs for this service, method and path (identity.ts). */
  callAs(identity: Identity, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  stop(): Promise<void>;
}

export async function startForTest<C extends Record<string, ConfigSpec>>(def: ServiceDefinition<C>, env: Record<string, string> = {}): Promise<TestService> {
  const merged = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', SHUTDOWN_TIMEOUT_MS: '1000', SHUTDOWN_DELAY_MS: '0', AUTH_SECRET: TEST_SECRET, ...env };
  const service = await startService(def, { env: merged, handleSignals: false, write: () => {} });
  const url = `http://127.0.0.1:${service.port}`;
  const audience = readManifest(def.manifest).name;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    url,
    service,
    call,
    callAs: (identity, method, path, body, headers = {}) => {
      // The request target as fetch sends it (and the gateway signs it): the path and query, normalised.
      const { pathname, search } = new URL(path, url);
      return call(method, path, body, { ...signIdentity(identity, { audience, method, target: `${pathname}${search}` }, merged.AUTH_SECRET), ...headers });
    },
    stop: () => service.stop(),
  };
}

/** The callers of the policy tables: two of each role that owns records, and an admin. */
export const USERS = {
  student: { id: 'student-1', role: 'student' },
  otherStudent: { id: 'student-2', role: 'student' },
  trainer: { id: 'trainer-1', role: 'trainer' },
  otherTrainer: { id: 'trainer-2', role: 'trainer' },
  admin: { id: 'admin-1', role: 'admin' },
} as const satisfies Record<string, Identity>;
