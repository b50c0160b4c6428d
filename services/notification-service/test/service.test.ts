import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

test('queues notifications per recipient and tracks read state', async () => {
  const svc = await startForTest(definition);
  try {
    const n = await svc.call('POST', '/notifications', { recipient: 'u1', channel: 'email', message: 'Welcome' });
    expect(n).toMatchObject({ status: 202, body: { read: false } });
    await svc.call('POST', '/notifications', { recipient: 'u2', channel: 'sms', message: 'Hi' });
    const id = (n.body as { id: string }).id;
    expect((await svc.call('GET', '/notifications?recipient=u1&unread=true')).body).toHaveLength(1);
    expect((await svc.call('POST', `/notifications/${id}/read`)).body).toMatchObject({ read: true });
    expect((await svc.call('GET', '/notifications?recipient=u1&unread=true')).body).toEqual([]);
    expect((await svc.call('POST', '/notifications', { recipient: 'u1', channel: 'pigeon', message: 'x' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});
