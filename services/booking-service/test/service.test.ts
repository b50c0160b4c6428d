import { startForTest } from '@kodingcaravan/shared/testing';
import { describe, expect, test } from 'vitest';
import { definition, overlaps } from '../src/service.js';

const at = (start: string, durationMinutes: number) => ({ trainerId: 't', studentId: 's', start, durationMinutes });

describe('overlaps', () => {
  test.each([
    [at('2026-01-01T10:00:00.000Z', 60), at('2026-01-01T10:30:00.000Z', 60), true],
    [at('2026-01-01T10:00:00.000Z', 60), at('2026-01-01T11:00:00.000Z', 60), false],
    [at('2026-01-01T10:00:00.000Z', 120), at('2026-01-01T10:30:00.000Z', 15), true],
    [at('2026-01-01T12:00:00.000Z', 30), at('2026-01-01T10:00:00.000Z', 60), false],
  ])('%j and %j -> %s', (a, b, want) => {
    expect(overlaps(a, b)).toBe(want);
    expect(overlaps(b, a)).toBe(want);
  });
});

test('refuses double booking of a trainer or a student', async () => {
  const svc = await startForTest(definition);
  try {
    const first = { trainerId: 't1', studentId: 's1', start: '2026-02-01T10:00:00Z', durationMinutes: 60 };
    expect((await svc.call('POST', '/bookings', first)).status).toBe(201);
    expect((await svc.call('POST', '/bookings', { ...first, studentId: 's2', start: '2026-02-01T10:30:00Z' })).status).toBe(409);
    expect((await svc.call('POST', '/bookings', { ...first, trainerId: 't2', start: '2026-02-01T10:59:00Z' })).status).toBe(409);
    expect((await svc.call('POST', '/bookings', { ...first, start: '2026-02-01T11:00:00Z' })).status).toBe(201);
    expect((await svc.call('GET', '/bookings?trainerId=t1')).body).toHaveLength(2);
  } finally {
    await svc.stop();
  }
});
