import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const BOOKING = {
  trainerId: { kind: 'string', max: 200 },
  start: { kind: 'iso-date' },
  durationMinutes: { kind: 'int', min: 15, max: 480 },
} as const;

interface Booking {
  trainerId: string;
  /** The student who booked: the caller, never a field of the body. */
  studentId: string;
  start: string;
  durationMinutes: number;
}

const end = (b: Booking) => Date.parse(b.start) + b.durationMinutes * 60_000;

/** Two sessions overlap when each starts before the other ends (back-to-back sessions do not). */
export function overlaps(a: Booking, b: Booking): boolean {
  return Date.parse(a.start) < end(b) && Date.parse(b.start) < end(a);
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const bookings = new Collection<Booking>('booking');
    return [
      {
        method: 'POST',
        path: '/bookings',
        roles: ['student'],
        handler: (req, caller) => {
          const input = { ...parseBody(BOOKING, req.body), studentId: caller.id };
          const clash = bookings.list((b) => (b.trainerId === input.trainerId || b.studentId === input.studentId) && overlaps(b, input))[0];
          // Another student's booking is named by its time only: its id and student are theirs.
          if (clash) throw new HttpError(409, `overlaps a booking of ${clash.studentId === caller.id ? 'yours' : 'this trainer'} (${clash.start}, ${clash.durationMinutes} min)`);
          return { status: 201, body: bookings.add(input) };
        },
      },
      {
        // A student sees their bookings, a trainer the bookings with them, an admin all (`?trainerId=` narrows).
        method: 'GET',
        path: '/bookings',
        roles: ['student', 'trainer', 'admin'],
        anyRecord: ['admin'],
        handler: (req, caller) => {
          const trainerId = req.query.get('trainerId');
          const mine = (b: Booking) => caller.anyRecord || (caller.role === 'trainer' ? b.trainerId === caller.id : b.studentId === caller.id);
          return { status: 200, body: bookings.list((b) => mine(b) && (trainerId === null || b.trainerId === trainerId)) };
        },
      },
    ];
  },
};
