import { Collection, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const TRAINER = { name: { kind: 'string', max: 200 }, email: { kind: 'email' }, specialty: { kind: 'string', max: 100 } } as const;

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const trainers = new Collection<{ name: string; email: string; specialty: string }>('trainer');
    return [
      {
        method: 'GET',
        path: '/trainers',
        handler: (req) => {
          const specialty = req.query.get('specialty')?.toLowerCase();
          return { status: 200, body: trainers.list((t) => specialty === undefined || t.specialty.toLowerCase() === specialty) };
        },
      },
      { method: 'GET', path: '/trainers/:id', handler: (req) => ({ status: 200, body: trainers.get(req.params['id'] ?? '') }) },
      { method: 'POST', path: '/trainers', handler: (req) => ({ status: 201, body: trainers.add(parseBody(TRAINER, req.body)) }) },
    ];
  },
};
