import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

test('messages are kept per room and can be read after a sequence number', async () => {
  const svc = await startForTest(definition);
  try {
    await svc.call('POST', '/rooms/r1/messages', { author: 'a', text: 'one' });
    await svc.call('POST', '/rooms/r2/messages', { author: 'b', text: 'elsewhere' });
    await svc.call('POST', '/rooms/r1/messages', { author: 'a', text: 'two' });
    const all = (await svc.call('GET', '/rooms/r1/messages')).body as { text: string; seq: number }[];
    expect(all.map((m) => m.text)).toEqual(['one', 'two']);
    const after = (await svc.call('GET', `/rooms/r1/messages?after=${all[0]?.seq}`)).body as { text: string }[];
    expect(after.map((m) => m.text)).toEqual(['two']);
    expect((await svc.call('GET', '/rooms/r1/messages?after=x')).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

test('a message that is refused uses up no sequence number: the next one follows the last kept', async () => {
  const svc = await startForTest(definition);
  try {
    const first = await svc.call('POST', '/rooms/r2/messages', { author: 'a', text: 'one' });
    expect((await svc.call('POST', '/rooms/r2/messages', { author: 'a' })).status).toBe(400);
    const second = await svc.call('POST', '/rooms/r2/messages', { author: 'a', text: 'two' });
    expect([(first.body as { seq: number }).seq, (second.body as { seq: number }).seq]).toEqual([1, 2]);
  } finally {
    await svc.stop();
  }
});
