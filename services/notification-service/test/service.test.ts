import { startForTest, type TestService, USERS } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, otherStudent, trainer, admin } = USERS;

test('queues notifications per recipient and tracks read state', async () => {
  const svc = await startForTest(definition);
  try {
    const n = await svc.callAs(trainer, 'POST', '/notifications', { recipient: student.id, channel: 'email', message: 'Welcome' });
    expect(n).toMatchObject({ status: 202, body: { read: false, sender: trainer.id } });
    await svc.callAs(trainer, 'POST', '/notifications', { recipient: otherStudent.id, channel: 'sms', message: 'Hi' });
    const id = (n.body as { id: string }).id;
    expect((await svc.callAs(student, 'GET', '/notifications?unread=true')).body).toHaveLength(1);
    expect((await svc.callAs(student, 'POST', `/notifications/${id}/read`)).body).toMatchObject({ read: true });
    expect((await svc.callAs(student, 'GET', '/notifications?unread=true')).body).toEqual([]);
    expect((await svc.callAs(admin, 'GET', '/notifications')).body).toHaveLength(2);
    expect((await svc.callAs(trainer, 'POST', '/notifications', { recipient: student.id, channel: 'pigeon', message: 'x' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

describe('who may do what: role × owner → status, over real HTTP', () => {
  let svc: TestService;
  let mine = '';
  beforeAll(async () => {
    svc = await startForTest(definition);
    mine = ((await svc.callAs(admin, 'POST', '/notifications', { recipient: student.id, channel: 'push', message: 'for student-1' })).body as { id: string }).id;
  });
  afterAll(() => svc.stop());
  const note = { recipient: otherStudent.id, channel: 'email', message: 'hello' };
  test.each([
    ['nobody (no identity headers) reads notifications', undefined, 'GET', (): string => '/notifications', undefined, 401],
    ['a student sends a notification', student, 'POST', (): string => '/notifications', note, 403],
    ['a trainer sends a notification', trainer, 'POST', (): string => '/notifications', note, 202],
    ['a trainer names the sender in the body', trainer, 'POST', (): string => '/notifications', { ...note, sender: admin.id }, 400],
    ["a student reads another's inbox", otherStudent, 'GET', () => `/notifications?recipient=${student.id}`, undefined, 403],
    ['a student reads their own inbox by name', student, 'GET', (): string => `/notifications?recipient=${student.id}`, undefined, 200],
    ["an admin reads anyone's inbox", admin, 'GET', () => `/notifications?recipient=${student.id}`, undefined, 200],
    ["another student marks someone's notification read", otherStudent, 'POST', () => `/notifications/${mine}/read`, undefined, 403],
    ["an admin marks someone's notification read", admin, 'POST', () => `/notifications/${mine}/read`, undefined, 403],
    ['the recipient marks it read', student, 'POST', (): string => `/notifications/${mine}/read`, undefined, 200],
    // No trainer–student relation lives here (a user id does not tell a student from a trainer): any user.
    ['a trainer notifies another trainer', trainer, 'POST', (): string => '/notifications', { ...note, recipient: USERS.otherTrainer.id }, 202],
  ] as const)('%s', async (_label, who, method, path, payload, status) => {
    const answer = who === undefined ? await svc.call(method, path(), payload) : await svc.callAs(who, method, path(), payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  });

  test("without ?recipient= a user's list holds only their own notifications", async () => {
    const seen = (await svc.callAs(otherStudent, 'GET', '/notifications')).body as { recipient: string }[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n.recipient === otherStudent.id)).toBe(true);
    expect((await svc.callAs(trainer, 'GET', '/notifications')).body).toEqual([]);
  });

  test.each([
    ['a student', student],
    ['an admin', admin],
  ] as const)('an empty ?recipient= is the caller\'s mistake: 400 naming the expected form (%s; it was 403 "the notifications of  belongs…")', async (_label, who) => {
    expect(await svc.callAs(who, 'GET', '/notifications?recipient=')).toEqual({
      status: 400,
      body: { error: 'query "recipient" must be a user id (?recipient=<user id>, or leave it out for your own inbox), got ""' },
    });
  });
});
