import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const TRAINER = { name: { kind: 'string', max: 200 }, email: { kind: 'email' }, specialty: { kind: 'string', max: 100 } } as const;
const EVERYONE = ['student', 'trainer', 'admin'] as const;

interface Trainer {
  /** The trainer account the profile belongs to: the caller who made it, never a field of the body. */
  account: string;
  name: string;
  email: string;
  specialty: string;
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const trainers = new Collection<Trainer>('trainer');
    return [
      {
        // The trainer directory: every signed-in user browses it.
        method: 'GET',
        path: '/trainers',
        roles: EVERYONE,
        handler: (req) => {
          const specialty = req.query.get('specialty')?.toLowerCase();
          return { status: 200, body: trainers.list((t) => specialty === undefined || t.specialty.toLowerCase() === specialty) };
        },
      },
      { method: 'GET', path: '/trainers/:id', roles: EVERYONE, handler: (req) => ({ status: 200, body: trainers.get(req.params['id'] ?? '') }) },
      {
        method: 'POST',
        path: '/trainers',
        roles: ['trainer'],
        handler: (req, caller) => {
          const input = parseBody(TRAINER, req.body);
          if (trainers.list((t) => t.account === caller.id).length > 0) throw new HttpError(409, `account ${caller.id} has a trainer profile already`);
          return { status: 201, body: trainers.add({ ...input, account: caller.id }) };
        },
      },
    ];
  },
};
