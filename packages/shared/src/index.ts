export { ConfigError, type ConfigOf, type ConfigSpec, loadConfig } from './config.js';
export { createApp, dispatch, type GuardedHandler, type Handler, HttpError, type Method, matchPath, type Reply, type Request, type Route } from './http.js';
export {
  AUTH_SECRET_CONFIG,
  IDENTITY_CLOCK_SKEW_SECONDS,
  IDENTITY_HEADERS,
  IDENTITY_TTL_SECONDS,
  type Identity,
  type IdentityDestination,
  type IdentityResult,
  isRole,
  MIN_SECRET_LENGTH,
  ROLES,
  type Role,
  signIdentity,
  verifyIdentity,
} from './identity.js';
export { drain, installShutdown, stopServing } from './lifecycle.js';
export { isRecord } from './json.js';
export { createLogger, isLogLevel, type Logger, type LogLevel } from './logger.js';
export { admit, type Caller, type Guard } from './policy.js';
export { type BaseConfig, type RunningService, runService, type ServiceDefinition, startService } from './service.js';
export { Collection, type Entity } from './store.js';
export { type Field, parseBody, type Parsed, type Shape } from './validate.js';
