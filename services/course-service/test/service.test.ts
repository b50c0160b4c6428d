import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

test('enrolment respects capacity and refuses duplicates', async () => {
  const svc = await startForTest(definition);
  try {
    const course = await svc.call('POST', '/courses', { title: 'Scratch', level: 'beginner', trainerId: 't1', capacity: 1 });
    const id = (course.body as { id: string }).id;
    expect((await svc.call('POST', `/courses/${id}/enrolments`, { studentId: 's1' })).status).toBe(201);
    expect(await svc.call('POST', `/courses/${id}/enrolments`, { studentId: 's1' })).toMatchObject({ status: 409, body: { error: 'student s1 is already enrolled' } });
    expect(await svc.call('POST', `/courses/${id}/enrolments`, { studentId: 's2' })).toMatchObject({ status: 409, body: { error: `course ${id} is full (1 places)` } });
    expect((await svc.call('GET', `/courses/${id}`)).body).toMatchObject({ students: ['s1'] });
    expect((await svc.call('GET', '/courses?level=advanced')).body).toEqual([]);
    expect((await svc.call('POST', '/courses', { title: 'X', level: 'expert', trainerId: 't', capacity: 1 })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});
