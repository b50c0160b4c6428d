import { startForTest, type TestService, USERS } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, otherStudent, trainer, admin } = USERS;

test('an idempotency key makes a retried payment return the first result', async () => {
  const svc = await startForTest(definition);
  try {
    const body = { bookingId: 'b1', amountCents: 2500, currency: 'EUR' };
    const first = await svc.callAs(student, 'POST', '/payments', body, { 'idempotency-key': 'k1' });
    const retry = await svc.callAs(student, 'POST', '/payments', body, { 'idempotency-key': 'k1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ payer: student.id });
    expect(retry).toEqual({ status: 200, body: first.body });
    expect((await svc.callAs(student, 'POST', '/payments', { ...body, amountCents: 1 }, { 'idempotency-key': 'k1' })).status).toBe(422);
    const other = await svc.callAs(student, 'POST', '/payments', body);
    expect((other.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
  } finally {
    await svc.stop();
  }
});

test('refunds once; invalid amounts are rejected', async () => {
  const svc = await startForTest(definition);
  try {
    const paid = await svc.callAs(student, 'POST', '/payments', { bookingId: 'b2', amountCents: 100, currency: 'INR' });
    const id = (paid.body as { id: string }).id;
    expect((await svc.callAs(admin, 'POST', `/payments/${id}/refund`)).body).toMatchObject({ status: 'refunded' });
    expect((await svc.callAs(admin, 'POST', `/payments/${id}/refund`)).status).toBe(409);
    expect((await svc.callAs(student, 'POST', '/payments', { bookingId: 'b', amountCents: 0, currency: 'EUR' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

test('an idempotency key belongs to one caller and one payment: another currency is refused, another caller gets a payment of its own', async () => {
  const svc = await startForTest(definition);
  try {
    const body = { bookingId: 'b3', amountCents: 10_000, currency: 'USD' };
    const first = await svc.callAs(student, 'POST', '/payments', body, { 'idempotency-key': 'k9' });
    expect(first.status).toBe(201);
    expect(await svc.callAs(student, 'POST', '/payments', { ...body, currency: 'INR' }, { 'idempotency-key': 'k9' })).toEqual({
      status: 422,
      body: { error: 'idempotency key k9 was used for a different payment' },
    });
    // The same key from another caller is not the first caller's payment.
    const other = await svc.callAs(otherStudent, 'POST', '/payments', body, { 'idempotency-key': 'k9' });
    expect(other.status).toBe(201);
    expect((other.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
  } finally {
    await svc.stop();
  }
});

describe('who may do what: role × owner → status, over real HTTP', () => {
  let svc: TestService;
  let paid = '';
  beforeAll(async () => {
    svc = await startForTest(definition);
    const created = await svc.callAs(student, 'POST', '/payments', { bookingId: 'b', amountCents: 500, currency: 'EUR' });
    paid = (created.body as { id: string }).id;
  });
  afterAll(() => svc.stop());
  const body = { bookingId: 'b', amountCents: 500, currency: 'EUR' };
  // In order: the refusals run before the one refund that succeeds.
  test.each([
    ['nobody (no identity headers) pays', undefined, 'POST', (): string => '/payments', body, 401],
    ['a trainer pays', trainer, 'POST', (): string => '/payments', body, 403],
    ['a student pays', student, 'POST', (): string => '/payments', body, 201],
    ['the payer reads their payment', student, 'GET', (): string => `/payments/${paid}`, undefined, 200],
    ["another student reads someone's payment", otherStudent, 'GET', () => `/payments/${paid}`, undefined, 403],
    ["a trainer reads someone's payment", trainer, 'GET', () => `/payments/${paid}`, undefined, 403],
    ['an admin reads any payment', admin, 'GET', (): string => `/payments/${paid}`, undefined, 200],
    ['the payer refunds their own payment', student, 'POST', (): string => `/payments/${paid}/refund`, undefined, 403],
    ["another student refunds someone's payment", otherStudent, 'POST', () => `/payments/${paid}/refund`, undefined, 403],
    ['a trainer refunds a payment', trainer, 'POST', (): string => `/payments/${paid}/refund`, undefined, 403],
    ['an admin refunds a payment', admin, 'POST', (): string => `/payments/${paid}/refund`, undefined, 200],
  ] as const)('%s', async (_label, who, method, path, payload, status) => {
    const answer = who === undefined ? await svc.call(method, path(), payload) : await svc.callAs(who, method, path(), payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  });

  test('the payer is the caller, never a field of the body', async () => {
    const answer = await svc.callAs(student, 'POST', '/payments', { ...body, payer: otherStudent.id });
    expect(answer).toMatchObject({ status: 400, body: { error: expect.stringContaining('unknown field "payer"') } });
  });

  test('plain x-user-id / x-user-role headers (not signed by the gateway) are no identity', async () => {
    const answer = await svc.call('POST', '/payments', body, { 'x-user-id': admin.id, 'x-user-role': 'admin' });
    expect(answer.status).toBe(401);
  });
});
