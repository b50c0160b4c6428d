import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const MESSAGE = { text: { kind: 'string', max: 4000 } } as const;
const EVERYONE = ['student', 'trainer', 'admin'] as const;

// Rooms have no members: a room is a name, and every signed-in user may read and post in any room (a room
// named after two users is no more private than another). A membership model (who created a room, who was
// invited) would be the place to restrict it; until there is one, DOCKER.md's policy table says rooms are open.

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const messages = new Collection<{ room: string; author: string; text: string; seq: number }>('message');
    let seq = 0;
    return [
      {
        // The author is the caller, never a field of the body: nobody posts in another's name.
        method: 'POST',
        path: '/rooms/:room/messages',
        roles: EVERYONE,
        handler: (req, caller) => {
          // Validated first: a refused message uses up no sequence number (readers page by `after`).
          const message = parseBody(MESSAGE, req.body);
          seq += 1;
          return { status: 201, body: messages.add({ room: req.params['room'] ?? '', author: caller.id, ...message, seq }) };
        },
      },
      {
        method: 'GET',
        path: '/rooms/:room/messages',
        roles: EVERYONE,
        handler: (req) => {
          const raw = req.query.get('after') ?? '0';
          if (!/^\d+$/.test(raw)) throw new HttpError(400, `query "after" must be a message sequence number, got ${JSON.stringify(raw)}`);
          const after = Number(raw);
          return { status: 200, body: messages.list((m) => m.room === req.params['room'] && m.seq > after) };
        },
      },
    ];
  },
};
