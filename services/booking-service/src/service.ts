import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const BOOKING = {
  trainerId: { kind: 'string' },
  studentId: { kind: 'string' },
  start: { kind: 'iso-date' },
  durationMinutes: { kind: 'int', min: 15, max: 480 },
} as const;

interface Booking {
  trainerId: string;
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
        handler: (req) => {
          const input = parseBody(BOOKING, req.body);
          const clash = bookings.list((b) => (b.trainerId === input.trainerId || b.studentId === input.studentId) && overlaps(b, input))[0];
          if (clash) throw new HttpError(409, `overlaps booking ${clash.id} (${clash.start}, ${clash.durationMinutes} min)`);
          return { status: 201, body: bookings.add(input) };
        },
      },
      {
        method: 'GET',
        path: '/bookings',
        handler: (req) => {
          const trainerId = req.query.get('trainerId');
          return { status: 200, body: bookings.list((b) => trainerId === null || b.trainerId === trainerId) };
        },
      },
    ];
  },
};
