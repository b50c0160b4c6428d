import { AUTH_SECRET_CONFIG, authenticate } from '@kodingcaravan/auth';
import { Collection, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const config = { AUTH_SECRET: AUTH_SECRET_CONFIG } as const;
const ANNOUNCEMENT = { title: { kind: 'string', max: 200 }, body: { kind: 'string', max: 5000 } } as const;

export const definition: ServiceDefinition<typeof config> = {
  manifest: new URL('../package.json', import.meta.url),
  config,
  routes: ({ config: c }) => {
    const announcements = new Collection<{ title: string; body: string; author: string }>('announcement');
    const started = Date.now();
    return [
      {
        method: 'GET',
        path: '/admin/overview',
        handler: (req) => {
          authenticate(req, c.AUTH_SECRET, ['admin']);
          return { status: 200, body: { uptimeSeconds: Math.floor((Date.now() - started) / 1000), announcements: announcements.size } };
        },
      },
      {
        method: 'POST',
        path: '/admin/announcements',
        handler: (req) => {
          const claims = authenticate(req, c.AUTH_SECRET, ['admin']);
          return { status: 201, body: announcements.add({ ...parseBody(ANNOUNCEMENT, req.body), author: claims.sub }) };
        },
      },
      { method: 'GET', path: '/announcements', handler: () => ({ status: 200, body: announcements.list() }) },
    ];
  },
};
