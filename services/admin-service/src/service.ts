import { Collection, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const ANNOUNCEMENT = { title: { kind: 'string', max: 200 }, body: { kind: 'string', max: 5000 } } as const;

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const announcements = new Collection<{ title: string; body: string; author: string }>('announcement');
    const started = Date.now();
    return [
      {
        method: 'GET',
        path: '/admin/overview',
        roles: ['admin'],
        handler: () => ({ status: 200, body: { uptimeSeconds: Math.floor((Date.now() - started) / 1000), announcements: announcements.size } }),
      },
      {
        // The author is the caller, never a field of the body.
        method: 'POST',
        path: '/admin/announcements',
        roles: ['admin'],
        handler: (req, caller) => ({ status: 201, body: announcements.add({ ...parseBody(ANNOUNCEMENT, req.body), author: caller.id }) }),
      },
      {
        // Everyone reads them; which admin wrote one (an admin's account id) is the admins' business.
        method: 'GET',
        path: '/announcements',
        roles: ['student', 'trainer', 'admin'],
        anyRecord: ['admin'],
        handler: (_req, caller) => ({
          status: 200,
          body: announcements.list().map(({ author, ...announcement }) => (caller.mayAccess(author) ? { author, ...announcement } : announcement)),
        }),
      },
    ];
  },
};
