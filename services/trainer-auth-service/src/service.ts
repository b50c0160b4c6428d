import { AUTH_SECRET_CONFIG, createAuthRoutes } from '@kodingcaravan/auth';
import type { ServiceDefinition } from '@kodingcaravan/shared';

const config = { AUTH_SECRET: AUTH_SECRET_CONFIG, TOKEN_TTL_SECONDS: { kind: 'int', default: 3600, min: 60 } } as const;

export const definition: ServiceDefinition<typeof config> = {
  manifest: new URL('../package.json', import.meta.url),
  config,
  routes: ({ config: c }) => createAuthRoutes('trainer', c.AUTH_SECRET, c.TOKEN_TTL_SECONDS),
};
