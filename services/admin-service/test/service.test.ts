import { signToken } from '@kodingcaravan/auth';
import { startForTest } from '@kodingcaravan/shared/testing';
import { expect, test } from 'vitest';
import { definition } from '../src/service.js';

const SECRET = 'admin-test-secret-0123456789';

test('only admins see the overview and post announcements; everyone reads them', async () => {
  const svc = await startForTest(definition, { AUTH_SECRET: SECRET });
  try {
    const admin = { authorization: `Bearer ${signToken('boss', 'admin', SECRET)}` };
    const trainer = { authorization: `Bearer ${signToken('t', 'trainer', SECRET)}` };
    expect((await svc.call('GET', '/admin/overview')).status).toBe(401);
    expect((await svc.call('GET', '/admin/overview', undefined, trainer)).status).toBe(403);
    expect((await svc.call('POST', '/admin/announcements', { title: 'Hi', body: 'All' }, admin)).body).toMatchObject({ author: 'boss' });
    expect((await svc.call('GET', '/admin/overview', undefined, admin)).body).toMatchObject({ announcements: 1 });
    expect((await svc.call('GET', '/announcements')).body).toHaveLength(1);
  } finally {
    await svc.stop();
  }
});
