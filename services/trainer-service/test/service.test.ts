import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

test('filters trainers by specialty, case-insensitively', async () => {
  const svc = await startForTest(definition);
  try {
    await svc.call('POST', '/trainers', { name: 'A', email: 'a@k.io', specialty: 'Robotics' });
    await svc.call('POST', '/trainers', { name: 'B', email: 'b@k.io', specialty: 'Python' });
    const robotics = (await svc.call('GET', '/trainers?specialty=robotics')).body as { name: string }[];
    expect(robotics.map((t) => t.name)).toEqual(['A']);
    expect((await svc.call('GET', '/trainers')).body).toHaveLength(2);
    expect((await svc.call('POST', '/trainers', { name: 'C', email: 'c@k.io' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});
