import { startForTest, type TestService, USERS } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, trainer, admin } = USERS;

let svc: TestService;
beforeAll(async () => {
  svc = await startForTest(definition);
});
afterAll(() => svc.stop());

test('only admins see the overview and post announcements; everyone reads them', async () => {
  expect((await svc.callAs(admin, 'POST', '/admin/announcements', { title: 'Hi', body: 'All' })).body).toMatchObject({ author: admin.id });
  expect((await svc.callAs(admin, 'GET', '/admin/overview')).body).toMatchObject({ announcements: 1 });
  expect((await svc.callAs(student, 'GET', '/announcements')).body).toHaveLength(1);
});

test.each([
  ['nobody (no identity headers) reads the overview', undefined, 'GET', '/admin/overview', undefined, 401],
  ['a trainer reads the overview', trainer, 'GET', '/admin/overview', undefined, 403],
  ['a student reads the overview', student, 'GET', '/admin/overview', undefined, 403],
  ['an admin reads the overview', admin, 'GET', '/admin/overview', undefined, 200],
  ['a trainer posts an announcement', trainer, 'POST', '/admin/announcements', { title: 'T', body: 'B' }, 403],
  ['an admin posts as someone else (author in the body)', admin, 'POST', '/admin/announcements', { title: 'T', body: 'B', author: trainer.id }, 400],
  ['nobody reads the announcements', undefined, 'GET', '/announcements', undefined, 401],
  ['a trainer reads the announcements', trainer, 'GET', '/announcements', undefined, 200],
] as const)('who may do what: %s', async (_label, who, method, path, payload, status) => {
  const answer = who === undefined ? await svc.call(method, path, payload) : await svc.callAs(who, method, path, payload);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
});

test.each([
  ['a student', student, ['body', 'createdAt', 'id', 'title']],
  ['a trainer', trainer, ['body', 'createdAt', 'id', 'title']],
  ['an admin', admin, ['author', 'body', 'createdAt', 'id', 'title']],
] as const)("the announcements name their author (an admin's account id) only to admins: %s", async (_label, who, fields) => {
  const answer = await svc.callAs(who, 'GET', '/announcements');
  expect(answer.status).toBe(200);
  const all = answer.body as object[];
  expect(all.length).toBeGreaterThan(0);
  for (const announcement of all) expect(Object.keys(announcement).sort()).toEqual(fields);
});
