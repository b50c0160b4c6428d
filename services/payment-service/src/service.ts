import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const PAYMENT = {
  bookingId: { kind: 'string' },
  amountCents: { kind: 'int', min: 1, max: 100_000_000 },
  currency: { kind: 'enum', values: ['EUR', 'USD', 'INR', 'GBP'] },
} as const;

interface Payment {
  bookingId: string;
  amountCents: number;
  currency: string;
  status: 'captured' | 'refunded';
  idempotencyKey?: string;
  /** Who paid: the caller the gateway signed for, never a field of the body; an idempotency key is one payer's. */
  payer: string;
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const payments = new Collection<Payment>('payment');
    return [
      {
        method: 'POST',
        path: '/payments',
        roles: ['student'],
        handler: (req, caller) => {
          const input = parseBody(PAYMENT, req.body);
          const key = req.headers['idempotency-key'];
          const idempotencyKey = typeof key === 'string' && key.length > 0 ? key : undefined;
          // A retried request with the same key, from the same caller, returns the first result instead of
          // charging twice; a key is never another caller's (their payment is not given back).
          const previous = idempotencyKey ? payments.list((p) => p.idempotencyKey === idempotencyKey && p.payer === caller.id)[0] : undefined;
          if (previous) {
            if (previous.amountCents !== input.amountCents || previous.bookingId !== input.bookingId || previous.currency !== input.currency) {
              throw new HttpError(422, `idempotency key ${idempotencyKey} was used for a different payment`);
            }
            return { status: 200, body: previous };
          }
          return { status: 201, body: payments.add({ ...input, status: 'captured', ...(idempotencyKey ? { idempotencyKey } : {}), payer: caller.id }) };
        },
      },
      {
        method: 'GET',
        path: '/payments/:id',
        roles: ['student', 'admin'],
        anyRecord: ['admin'],
        handler: (req, caller) => {
          const payment = payments.get(req.params['id'] ?? '');
          caller.assertAccess(payment.payer, `payment ${payment.id}`);
          return { status: 200, body: payment };
        },
      },
      {
        // Money goes back only by an admin's decision: a payer cannot undo a captured payment on its own.
        method: 'POST',
        path: '/payments/:id/refund',
        // No anyRecord: only admins call it, and it refunds whatever payment it names (no owner check to widen).
        roles: ['admin'],
        handler: (req) => {
          const payment = payments.get(req.params['id'] ?? '');
          if (payment.status === 'refunded') throw new HttpError(409, `payment ${payment.id} is already refunded`);
          return { status: 200, body: payments.update(payment.id, { status: 'refunded' }) };
        },
      },
    ];
  },
};
