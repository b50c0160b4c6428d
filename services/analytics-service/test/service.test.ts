import { startForTest, USERS } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, trainer, admin } = USERS;

test('counts events and unique subjects per type', async () => {
  const svc = await startForTest(definition);
  try {
    for (const subject of ['c1', 'c1', 'c2']) await svc.callAs(student, 'POST', '/events', { type: 'course.viewed', subject });
    await svc.callAs(trainer, 'POST', '/events', { type: 'login' });
    expect((await svc.callAs(admin, 'GET', '/stats')).body).toEqual({ 'course.viewed': { count: 3, uniqueSubjects: 2 }, login: { count: 1, uniqueSubjects: 0 } });
    expect((await svc.callAs(student, 'POST', '/events', { kind: 'x' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

test.each([
  ['nobody (no identity headers) sends an event', undefined, 'POST', '/events', { type: 'x' }, 401],
  ['a student sends an event', student, 'POST', '/events', { type: 'x' }, 202],
  ['a trainer sends an event', trainer, 'POST', '/events', { type: 'x' }, 202],
  ['nobody reads the stats', undefined, 'GET', '/stats', undefined, 401],
  ['a student reads the stats', student, 'GET', '/stats', undefined, 403],
  ['a trainer reads the stats', trainer, 'GET', '/stats', undefined, 403],
  ['an admin reads the stats', admin, 'GET', '/stats', undefined, 200],
] as const)('who may do what: %s', async (_label, who, method, path, payload, status) => {
  const svc = await startForTest(definition);
  try {
    const answer = who === undefined ? await svc.call(method, path, payload) : await svc.callAs(who, method, path, payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  } finally {
    await svc.stop();
  }
});
