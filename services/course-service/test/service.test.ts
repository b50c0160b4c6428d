import { startForTest, type TestService, USERS } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, otherStudent, trainer, otherTrainer, admin } = USERS;
const COURSE = { title: 'Scratch', level: 'beginner', capacity: 1 };

test('enrolment respects capacity and refuses duplicates', async () => {
  const svc = await startForTest(definition);
  try {
    const course = await svc.callAs(trainer, 'POST', '/courses', COURSE);
    expect(course).toMatchObject({ status: 201, body: { trainerId: trainer.id } });
    const id = (course.body as { id: string }).id;
    expect((await svc.callAs(student, 'POST', `/courses/${id}/enrolments`)).status).toBe(201);
    expect(await svc.callAs(student, 'POST', `/courses/${id}/enrolments`)).toMatchObject({ status: 409, body: { error: `student ${student.id} is already enrolled` } });
    expect(await svc.callAs(otherStudent, 'POST', `/courses/${id}/enrolments`)).toMatchObject({ status: 409, body: { error: `course ${id} is full (1 places)` } });
    expect((await svc.callAs(trainer, 'GET', `/courses/${id}`)).body).toMatchObject({ students: [student.id] });
    expect((await svc.callAs(student, 'GET', '/courses?level=advanced')).body).toEqual([]);
    expect((await svc.callAs(trainer, 'POST', '/courses', { ...COURSE, level: 'expert' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

describe('who may do what: role × owner → status, over real HTTP', () => {
  let svc: TestService;
  let course = '';
  beforeAll(async () => {
    svc = await startForTest(definition);
    course = ((await svc.callAs(trainer, 'POST', '/courses', { ...COURSE, capacity: 5 })).body as { id: string }).id;
  });
  afterAll(() => svc.stop());
  test.each([
    ['nobody (no identity headers) lists courses', undefined, 'GET', (): string => '/courses', undefined, 401],
    ['a student lists courses', student, 'GET', (): string => '/courses', undefined, 200],
    ['a student creates a course', student, 'POST', (): string => '/courses', COURSE, 403],
    ['an admin creates a course (it would have no trainer)', admin, 'POST', (): string => '/courses', COURSE, 403],
    ['a trainer creates a course', otherTrainer, 'POST', (): string => '/courses', COURSE, 201],
    ['a trainer creates a course for another trainer (trainerId in the body)', trainer, 'POST', (): string => '/courses', { ...COURSE, trainerId: otherTrainer.id }, 400],
    ['a trainer enrols in a course', trainer, 'POST', (): string => `/courses/${course}/enrolments`, undefined, 403],
    ['a student enrols another student (studentId in the body)', student, 'POST', (): string => `/courses/${course}/enrolments`, { studentId: otherStudent.id }, 400],
    ['a student enrols', student, 'POST', (): string => `/courses/${course}/enrolments`, undefined, 201],
  ] as const)('%s', async (_label, who, method, path, payload, status) => {
    const answer = who === undefined ? await svc.call(method, path(), payload) : await svc.callAs(who, method, path(), payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  });

  test.each([
    ['the course trainer', trainer, true],
    ['an admin', admin, true],
    ['another trainer', otherTrainer, false],
    ['an enrolled student', student, false],
  ] as const)('who is enrolled: %s', async (_label, who, sees) => {
    const answer = await svc.callAs(who, 'GET', `/courses/${course}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject(sees ? { students: [student.id] } : { enrolled: 1 });
    expect(Object.hasOwn(answer.body as object, 'students')).toBe(sees);
  });
});
