export { ConfigError, type ConfigOf, type ConfigSpec, loadConfig } from './config.js';
export { createApp, dispatch, HttpError, type Handler, type Method, matchPath, type Reply, type Request, type Route } from './http.js';
export { drain, installShutdown } from './lifecycle.js';
export { isRecord } from './json.js';
export { createLogger, isLogLevel, type Logger, type LogLevel } from './logger.js';
export { type BaseConfig, type RunningService, runService, type ServiceDefinition, startService } from './service.js';
export { Collection, type Entity } from './store.js';
export { type Field, parseBody, type Parsed, type Shape } from './validate.js';
