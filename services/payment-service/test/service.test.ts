import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

test('an idempotency key makes a retried payment return the first result', async () => {
  const svc = await startForTest(definition);
  try {
    const body = { bookingId: 'b1', amountCents: 2500, currency: 'EUR' };
    const first = await svc.call('POST', '/payments', body, { 'idempotency-key': 'k1' });
    const retry = await svc.call('POST', '/payments', body, { 'idempotency-key': 'k1' });
    expect(first.status).toBe(201);
    expect(retry).toEqual({ status: 200, body: first.body });
    expect((await svc.call('POST', '/payments', { ...body, amountCents: 1 }, { 'idempotency-key': 'k1' })).status).toBe(422);
    const other = await svc.call('POST', '/payments', body);
    expect((other.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
  } finally {
    await svc.stop();
  }
});

test('refunds once; invalid amounts are rejected', async () => {
  const svc = await startForTest(definition);
  try {
    const paid = await svc.call('POST', '/payments', { bookingId: 'b2', amountCents: 100, currency: 'INR' });
    const id = (paid.body as { id: string }).id;
    expect((await svc.call('POST', `/payments/${id}/refund`)).body).toMatchObject({ status: 'refunded' });
    expect((await svc.call('POST', `/payments/${id}/refund`)).status).toBe(409);
    expect((await svc.call('POST', '/payments', { bookingId: 'b', amountCents: 0, currency: 'EUR' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

test('an idempotency key belongs to one caller and one payment: another currency is refused, another caller gets a payment of its own', async () => {
  const svc = await startForTest(definition);
  try {
    const body = { bookingId: 'b3', amountCents: 10_000, currency: 'USD' };
    const first = await svc.call('POST', '/payments', body, { 'idempotency-key': 'k9', 'x-user-id': 'u1' });
    expect(first.status).toBe(201);
    expect(await svc.call('POST', '/payments', { ...body, currency: 'INR' }, { 'idempotency-key': 'k9', 'x-user-id': 'u1' })).toEqual({
      status: 422,
      body: { error: 'idempotency key k9 was used for a different payment' },
    });
    // The same key from another caller (the gateway's x-user-id) is not the first caller's payment.
    const other = await svc.call('POST', '/payments', body, { 'idempotency-key': 'k9', 'x-user-id': 'u2' });
    expect(other.status).toBe(201);
    expect((other.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
  } finally {
    await svc.stop();
  }
});
