import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

test('creates, lists and reads students; e-mails are unique', async () => {
  const svc = await startForTest(definition);
  try {
    const created = await svc.call('POST', '/students', { name: 'Asha', email: 'asha@k.io', grade: 9 });
    expect(created).toMatchObject({ status: 201, body: { name: 'Asha', grade: 9 } });
    const id = (created.body as { id: string }).id;
    expect((await svc.call('GET', `/students/${id}`)).body).toMatchObject({ email: 'asha@k.io' });
    expect((await svc.call('POST', '/students', { name: 'Dup', email: 'ASHA@k.io' })).status).toBe(409);
    expect((await svc.call('GET', '/students')).body).toHaveLength(1);
    expect((await svc.call('GET', '/students/nope')).status).toBe(404);
    expect((await svc.call('POST', '/students', { name: 'X', email: 'x@k.io', grade: 14 })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});
