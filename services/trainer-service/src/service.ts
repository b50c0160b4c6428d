import { type Caller, Collection, type Entity, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const TRAINER = { name: { kind: 'string', max: 200 }, email: { kind: 'email' }, specialty: { kind: 'string', max: 100 } } as const;
const EVERYONE = ['student', 'trainer', 'admin'] as const;

interface Trainer {
  /** The trainer account the profile belongs to: the caller who made it, never a field of the body. */
  account: string;
  name: string;
  email: string;
  specialty: string;
}

/**
 * A trainer's e-mail is theirs and an admin's: everyone else sees the directory entry. The account stays in
 * it: it is the name bookings (`trainerId`) and courses give the trainer, so a student who finds a trainer
 * here books them by it, and every course shows it anyway; an account id opens nothing of the trainer's.
 */
function view(trainer: Trainer & Entity, caller: Caller) {
  if (caller.mayAccess(trainer.account)) return trainer;
  const { email: _email, ...entry } = trainer;
  return entry;
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
        anyRecord: ['admin'],
        handler: (req, caller) => {
          const specialty = req.query.get('specialty')?.toLowerCase();
          const found = trainers.list((t) => specialty === undefined || t.specialty.toLowerCase() === specialty);
          return { status: 200, body: found.map((t) => view(t, caller)) };
        },
      },
      {
        method: 'GET',
        path: '/trainers/:id',
        roles: EVERYONE,
        anyRecord: ['admin'],
        handler: (req, caller) => ({ status: 200, body: view(trainers.get(req.params['id'] ?? ''), caller) }),
      },
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
