import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

test('counts events and unique subjects per type', async () => {
  const svc = await startForTest(definition);
  try {
    for (const subject of ['c1', 'c1', 'c2']) await svc.call('POST', '/events', { type: 'course.viewed', subject });
    await svc.call('POST', '/events', { type: 'login' });
    expect((await svc.call('GET', '/stats')).body).toEqual({ 'course.viewed': { count: 3, uniqueSubjects: 2 }, login: { count: 1, uniqueSubjects: 0 } });
    expect((await svc.call('POST', '/events', { kind: 'x' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});
