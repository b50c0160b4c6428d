import { startForTest, type TestService, USERS } from '@kodingcaravan/shared/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definition } from '../src/service.js';

const { student, otherStudent, trainer, admin } = USERS;

test('creates, lists and reads students; one profile per account', async () => {
  const svc = await startForTest(definition);
  try {
    const created = await svc.callAs(student, 'POST', '/students', { name: 'Asha', email: 'asha@k.io', grade: 9 });
    expect(created).toMatchObject({ status: 201, body: { name: 'Asha', grade: 9, account: student.id } });
    const id = (created.body as { id: string }).id;
    expect((await svc.callAs(student, 'GET', `/students/${id}`)).body).toMatchObject({ email: 'asha@k.io' });
    expect(await svc.callAs(student, 'POST', '/students', { name: 'Again', email: 'again@k.io' })).toEqual({
      status: 409,
      body: { error: `account ${student.id} has a student profile already` },
    });
    expect((await svc.callAs(admin, 'GET', '/students')).body).toHaveLength(1);
    expect((await svc.callAs(admin, 'GET', '/students/nope')).status).toBe(404);
    expect((await svc.callAs(otherStudent, 'POST', '/students', { name: 'X', email: 'x@k.io', grade: 14 })).status).toBe(400);
  } finally {
    await svc.stop();
  }
});

describe('who may do what: role × owner → status, over real HTTP', () => {
  let svc: TestService;
  let profile = '';
  beforeAll(async () => {
    svc = await startForTest(definition);
    profile = ((await svc.callAs(student, 'POST', '/students', { name: 'Asha', email: 'asha@k.io' })).body as { id: string }).id;
  });
  afterAll(() => svc.stop());
  test.each([
    ['nobody (no identity headers) lists students', undefined, 'GET', (): string => '/students', undefined, 401],
    ['a student lists students', student, 'GET', (): string => '/students', undefined, 403],
    ['a trainer lists students', trainer, 'GET', (): string => '/students', undefined, 403],
    ['an admin lists students', admin, 'GET', (): string => '/students', undefined, 200],
    ['the student reads their profile', student, 'GET', (): string => `/students/${profile}`, undefined, 200],
    ["another student reads someone's profile", otherStudent, 'GET', () => `/students/${profile}`, undefined, 403],
    ["a trainer reads someone's profile", trainer, 'GET', () => `/students/${profile}`, undefined, 403],
    ['an admin reads any profile', admin, 'GET', (): string => `/students/${profile}`, undefined, 200],
    ['a trainer makes a student profile', trainer, 'POST', (): string => '/students', { name: 'T', email: 't@k.io' }, 403],
    ['a student names the account in the body', otherStudent, 'POST', (): string => '/students', { name: 'B', email: 'b@k.io', account: student.id }, 400],
    ['a student makes their profile', otherStudent, 'POST', (): string => '/students', { name: 'B', email: 'b@k.io' }, 201],
  ] as const)('%s', async (_label, who, method, path, payload, status) => {
    const answer = who === undefined ? await svc.call(method, path(), payload) : await svc.callAs(who, method, path(), payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  });
});

describe("a profile's answer tells nothing about another account's e-mail", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startForTest(definition);
    await svc.callAs(student, 'POST', '/students', { name: 'Asha', email: 'asha@k.io' });
  });
  afterAll(() => svc.stop());
  // Each row is one caller's first profile: the e-mail of another's profile is no reason to refuse it
  // (a 409 would tell any caller which e-mails are registered, and let them squat someone else's).
  test.each([
    ["another student gives the e-mail of someone's profile", otherStudent, 'asha@k.io', 201],
    ['a third student gives it in capitals', { id: 'student-3', role: 'student' }, 'ASHA@k.io', 201],
    ['a fourth student gives an e-mail nobody has', { id: 'student-4', role: 'student' }, 'new@k.io', 201],
  ] as const)('%s', async (_label, who, email, status) => {
    const answer = await svc.callAs(who, 'POST', '/students', { name: 'B', email });
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body).toMatchObject({ account: who.id, email: email.toLowerCase() });
  });
});
