import { startForTest, type TestService, USERS } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition, overlaps } from '../src/service.js';

const { student, otherStudent, trainer, otherTrainer, admin } = USERS;
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
    const first = { trainerId: trainer.id, start: '2026-02-01T10:00:00Z', durationMinutes: 60 };
    expect(await svc.callAs(student, 'POST', '/bookings', first)).toMatchObject({ status: 201, body: { studentId: student.id } });
    expect(await svc.callAs(otherStudent, 'POST', '/bookings', { ...first, start: '2026-02-01T10:30:00Z' })).toEqual({
      status: 409,
      body: { error: 'overlaps a booking of this trainer (2026-02-01T10:00:00.000Z, 60 min)' },
    });
    expect(await svc.callAs(student, 'POST', '/bookings', { ...first, trainerId: otherTrainer.id, start: '2026-02-01T10:59:00Z' })).toEqual({
      status: 409,
      body: { error: 'overlaps a booking of yours (2026-02-01T10:00:00.000Z, 60 min)' },
    });
    expect((await svc.callAs(student, 'POST', '/bookings', { ...first, start: '2026-02-01T11:00:00Z' })).status).toBe(201);
    expect((await svc.callAs(admin, 'GET', `/bookings?trainerId=${trainer.id}`)).body).toHaveLength(2);
  } finally {
    await svc.stop();
  }
});

describe('who may do what: role × owner → status, over real HTTP', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startForTest(definition);
    await svc.callAs(student, 'POST', '/bookings', { trainerId: trainer.id, start: '2026-03-01T10:00:00Z', durationMinutes: 60 });
    await svc.callAs(otherStudent, 'POST', '/bookings', { trainerId: otherTrainer.id, start: '2026-03-01T10:00:00Z', durationMinutes: 60 });
  });
  afterAll(() => svc.stop());
  const booking = { trainerId: trainer.id, start: '2026-04-01T10:00:00Z', durationMinutes: 30 };
  test.each([
    ['nobody (no identity headers) books', undefined, 'POST', '/bookings', booking, 401],
    ['a trainer books', trainer, 'POST', '/bookings', booking, 403],
    ['a student books for another student (studentId in the body)', student, 'POST', '/bookings', { ...booking, studentId: otherStudent.id }, 400],
    ['a student books', student, 'POST', '/bookings', booking, 201],
  ] as const)('%s', async (_label, who, method, path, payload, status) => {
    const answer = who === undefined ? await svc.call(method, path, payload) : await svc.callAs(who, method, path, payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  });

  test.each([
    ['a student: their own', student, '', [student.id]],
    ['another student: their own', otherStudent, '', [otherStudent.id]],
    ["a student asking for a trainer's: still only their own", otherStudent, `?trainerId=${trainer.id}`, []],
    ['a trainer: those with them', trainer, '', [student.id]],
    ['an admin: all', admin, '', [student.id, otherStudent.id]],
  ] as const)('GET /bookings as %s', async (_label, who, query, students) => {
    const answer = await svc.callAs(who, 'GET', `/bookings${query}`);
    expect(answer.status).toBe(200);
    expect([...new Set((answer.body as { studentId: string }[]).map((b) => b.studentId))].sort()).toEqual(students);
  });
});
