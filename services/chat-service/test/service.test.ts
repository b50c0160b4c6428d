import { signIdentity } from '@kodingcaravan/shared';
import { startForTest, TEST_SECRET, USERS } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, trainer, admin } = USERS;

test('messages are kept per room and can be read after a sequence number', async () => {
  const svc = await startForTest(definition);
  try {
    await svc.callAs(student, 'POST', '/rooms/r1/messages', { text: 'one' });
    await svc.callAs(trainer, 'POST', '/rooms/r2/messages', { text: 'elsewhere' });
    await svc.callAs(student, 'POST', '/rooms/r1/messages', { text: 'two' });
    const all = (await svc.callAs(trainer, 'GET', '/rooms/r1/messages')).body as { text: string; seq: number }[];
    expect(all.map((m) => m.text)).toEqual(['one', 'two']);
    const after = (await svc.callAs(trainer, 'GET', `/rooms/r1/messages?after=${all[0]?.seq}`)).body as { text: string }[];
    expect(after.map((m) => m.text)).toEqual(['two']);
    expect((await svc.callAs(trainer, 'GET', '/rooms/r1/messages?after=x')).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

test('a message that is refused uses up no sequence number: the next one follows the last kept', async () => {
  const svc = await startForTest(definition);
  try {
    const first = await svc.callAs(student, 'POST', '/rooms/r2/messages', { text: 'one' });
    expect((await svc.callAs(student, 'POST', '/rooms/r2/messages', {})).status).toBe(400);
    const second = await svc.callAs(student, 'POST', '/rooms/r2/messages', { text: 'two' });
    expect([(first.body as { seq: number }).seq, (second.body as { seq: number }).seq]).toEqual([1, 2]);
  } finally {
    await svc.stop();
  }
});

test.each([
  ['nobody (no identity headers) posts', undefined, { text: 'hi' }, 401, undefined],
  ['a student posts: the author is the student', student, { text: 'hi' }, 201, student.id],
  ['a trainer posts: the author is the trainer', trainer, { text: 'hi' }, 201, trainer.id],
  ['an admin posts: the author is the admin', admin, { text: 'hi' }, 201, admin.id],
  ['a student posts as someone else (author in the body)', student, { author: admin.id, text: 'hi' }, 400, undefined],
] as const)('who may post: %s', async (_label, who, payload, status, author) => {
  const svc = await startForTest(definition);
  try {
    const answer = who === undefined ? await svc.call('POST', '/rooms/r/messages', payload) : await svc.callAs(who, 'POST', '/rooms/r/messages', payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    if (author !== undefined) expect(answer.body).toMatchObject({ author });
    expect((await svc.call('GET', '/rooms/r/messages')).status).toBe(401);
  } finally {
    await svc.stop();
  }
});

test('identity headers signed for one request are refused on another (401), and accepted on their own', async () => {
  const svc = await startForTest(definition);
  try {
    // What the gateway signed for a student's GET of room a, as seen on the internal network.
    const seen = signIdentity(student, { audience: 'chat-service', method: 'GET', target: '/rooms/a/messages?after=0' }, TEST_SECRET);
    expect((await svc.call('GET', '/rooms/a/messages?after=0', undefined, seen)).status).toBe(200);
    const replays = [
      ['POST', '/rooms/b/messages'],
      ['POST', '/rooms/a/messages?after=0'],
      ['GET', '/rooms/b/messages?after=0'],
      ['GET', '/rooms/a/messages?after=5'],
    ] as const;
    for (const [method, path] of replays) {
      const answer = await svc.call(method, path, method === 'POST' ? { text: 'posted as student-1' } : undefined, seen);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(401);
    }
    expect((await svc.callAs(trainer, 'GET', '/rooms/b/messages')).body).toEqual([]);
  } finally {
    await svc.stop();
  }
});
