import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const STUDENT = { name: { kind: 'string', max: 200 }, email: { kind: 'email' }, grade: { kind: 'int', min: 1, max: 13, optional: true } } as const;

interface Student {
  /** The student account the profile belongs to: the caller who made it, never a field of the body. */
  account: string;
  name: string;
  email: string;
  grade?: number;
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const students = new Collection<Student>('student');
    return [
      // Profiles hold e-mail addresses and ages: the whole list is an admin's, one profile its owner's too.
      { method: 'GET', path: '/students', roles: ['admin'], handler: () => ({ status: 200, body: students.list() }) },
      {
        method: 'GET',
        path: '/students/:id',
        roles: ['student', 'admin'],
        anyRecord: ['admin'],
        handler: (req, caller) => {
          const student = students.get(req.params['id'] ?? '');
          caller.assertAccess(student.account, `student ${student.id}`);
          return { status: 200, body: student };
        },
      },
      {
        method: 'POST',
        path: '/students',
        roles: ['student'],
        handler: (req, caller) => {
          const input = parseBody(STUDENT, req.body);
          // One profile per account is the one rule. The e-mail is not checked against other profiles: nothing
          // here looks a student up by it, the account's own e-mail is unique at student-auth-service, and a
          // "that e-mail exists" answer would tell any caller which addresses are registered (and let the first
          // to type someone's address keep its owner from making a profile).
          if (students.list((s) => s.account === caller.id).length > 0) throw new HttpError(409, `account ${caller.id} has a student profile already`);
          return { status: 201, body: students.add({ ...input, account: caller.id }) };
        },
      },
    ];
  },
};
