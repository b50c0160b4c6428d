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
  /** Who paid (the gateway's x-user-id): an idempotency key is one caller's. */
  payer?: string;
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const payments = new Collection<Payment>('payment');
    return [
      {
        method: 'POST',
        path: '/payments',
        handler: (req) => {
          const input = parseBody(PAYMENT, req.body);
          const key = req.headers['idempotency-key'];
          const idempotencyKey = typeof key === 'string' && key.length > 0 ? key : undefined;
          const user = req.headers['x-user-id'];
          const payer = typeof user === 'string' && user.length > 0 ? user : undefined;
          // A retried request with the same key, from the same caller, returns the first result instead of
          // charging twice; a key is never another caller's (their payment is not given back).
          const previous = idempotencyKey ? payments.list((p) => p.idempotencyKey === idempotencyKey && p.payer === payer)[0] : undefined;
          if (previous) {
            if (previous.amountCents !== input.amountCents || previous.bookingId !== input.bookingId || previous.currency !== input.currency) {
              throw new HttpError(422, `idempotency key ${idempotencyKey} was used for a different payment`);
            }
            return { status: 200, body: previous };
          }
          return { status: 201, body: payments.add({ ...input, status: 'captured', ...(idempotencyKey ? { idempotencyKey } : {}), ...(payer ? { payer } : {}) }) };
        },
      },
      { method: 'GET', path: '/payments/:id', handler: (req) => ({ status: 200, body: payments.get(req.params['id'] ?? '') }) },
      {
        method: 'POST',
        path: '/payments/:id/refund',
        handler: (req) => {
          const payment = payments.get(req.params['id'] ?? '');
          if (payment.status === 'refunded') throw new HttpError(409, `payment ${payment.id} is already refunded`);
          return { status: 200, body: payments.update(payment.id, { status: 'refunded' }) };
        },
      },
    ];
  },
};
