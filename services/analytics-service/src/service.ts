import { parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const EVENT = { type: { kind: 'string', max: 100 }, subject: { kind: 'string', max: 200, optional: true } } as const;

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const counts = new Map<string, number>();
    const subjects = new Map<string, Set<string>>();
    return [
      {
        method: 'POST',
        path: '/events',
        roles: ['student', 'trainer', 'admin'],
        handler: (req) => {
          const event = parseBody(EVENT, req.body);
          counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
          if (event.subject !== undefined) subjects.set(event.type, (subjects.get(event.type) ?? new Set()).add(event.subject));
          return { status: 202, body: { accepted: true } };
        },
      },
      {
        // Usage across all users is the operators' view.
        method: 'GET',
        path: '/stats',
        roles: ['admin'],
        handler: () => ({
          status: 200,
          body: Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => [type, { count, uniqueSubjects: subjects.get(type)?.size ?? 0 }])),
        }),
      },
    ];
  },
};
