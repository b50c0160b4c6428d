import { startForTest, type TestService, USERS } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, trainer, otherTrainer, admin } = USERS;

test('filters trainers by specialty, case-insensitively', async () => {
  const svc = await startForTest(definition);
  try {
    await svc.callAs(trainer, 'POST', '/trainers', { name: 'A', email: 'a@k.io', specialty: 'Robotics' });
    await svc.callAs(otherTrainer, 'POST', '/trainers', { name: 'B', email: 'b@k.io', specialty: 'Python' });
    const robotics = (await svc.callAs(student, 'GET', '/trainers?specialty=robotics')).body as { name: string }[];
    expect(robotics.map((t) => t.name)).toEqual(['A']);
    expect((await svc.callAs(student, 'GET', '/trainers')).body).toHaveLength(2);
    expect((await svc.callAs(trainer, 'POST', '/trainers', { name: 'C', email: 'c@k.io' })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

test.each([
  ['nobody (no identity headers) lists trainers', undefined, 'GET', '/trainers', undefined, 401, undefined],
  ['a student lists trainers', student, 'GET', '/trainers', undefined, 200, undefined],
  ['a student makes a trainer profile', student, 'POST', '/trainers', { name: 'S', email: 's@k.io', specialty: 'x' }, 403, undefined],
  ['an admin makes a trainer profile (it would belong to no trainer)', admin, 'POST', '/trainers', { name: 'S', email: 's@k.io', specialty: 'x' }, 403, undefined],
  ['a trainer names the account in the body', trainer, 'POST', '/trainers', { name: 'S', email: 's@k.io', specialty: 'x', account: otherTrainer.id }, 400, undefined],
  ['a trainer makes their profile: it is theirs', trainer, 'POST', '/trainers', { name: 'S', email: 's@k.io', specialty: 'x' }, 201, trainer.id],
] as const)('who may do what: %s', async (_label, who, method, path, payload, status, account) => {
  const svc = await startForTest(definition);
  try {
    const answer = who === undefined ? await svc.call(method, path, payload) : await svc.callAs(who, method, path, payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    if (account !== undefined) expect(answer.body).toMatchObject({ account });
  } finally {
    await svc.stop();
  }
});

describe('what each caller sees of a trainer: the e-mail only for the trainer themself and admins', () => {
  let svc: TestService;
  let profile = '';
  beforeAll(async () => {
    svc = await startForTest(definition);
    profile = ((await svc.callAs(trainer, 'POST', '/trainers', { name: 'A', email: 'a@k.io', specialty: 'Robotics' })).body as { id: string }).id;
  });
  afterAll(() => svc.stop());
  // The account stays in every view: bookings and courses name a trainer by it (a student books `trainerId` = account).
  const full = ['account', 'createdAt', 'email', 'id', 'name', 'specialty'];
  const open = ['account', 'createdAt', 'id', 'name', 'specialty'];
  test.each([
    ['a student lists trainers', student, (): string => '/trainers', open],
    ['a student reads a trainer', student, (): string => `/trainers/${profile}`, open],
    ['another trainer lists trainers', otherTrainer, (): string => '/trainers', open],
    ['another trainer reads a trainer', otherTrainer, (): string => `/trainers/${profile}`, open],
    ['the trainer lists trainers', trainer, (): string => '/trainers', full],
    ['the trainer reads their profile', trainer, (): string => `/trainers/${profile}`, full],
    ['an admin lists trainers', admin, (): string => '/trainers', full],
    ['an admin reads a trainer', admin, (): string => `/trainers/${profile}`, full],
  ] as const)('%s', async (_label, who, path, fields) => {
    const answer = await svc.callAs(who, 'GET', path());
    expect(answer.status).toBe(200);
    const record = Array.isArray(answer.body) ? answer.body[0] : answer.body;
    expect(Object.keys(record as object).sort()).toEqual(fields);
  });
});

test("a trainer's profile answer tells nothing about another account's e-mail: the same e-mail is no refusal", async () => {
  const svc = await startForTest(definition);
  try {
    expect((await svc.callAs(trainer, 'POST', '/trainers', { name: 'A', email: 'a@k.io', specialty: 'x' })).status).toBe(201);
    const second = await svc.callAs(otherTrainer, 'POST', '/trainers', { name: 'B', email: 'A@k.io', specialty: 'y' });
    expect(second).toMatchObject({ status: 201, body: { account: otherTrainer.id, email: 'a@k.io' } });
  } finally {
    await svc.stop();
  }
});
