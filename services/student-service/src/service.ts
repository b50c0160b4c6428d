import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const STUDENT = { name: { kind: 'string', max: 200 }, email: { kind: 'email' }, grade: { kind: 'int', min: 1, max: 13, optional: true } } as const;

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const students = new Collection<{ name: string; email: string; grade?: number }>('student');
    return [
      { method: 'GET', path: '/students', handler: () => ({ status: 200, body: students.list() }) },
      { method: 'GET', path: '/students/:id', handler: (req) => ({ status: 200, body: students.get(req.params['id'] ?? '') }) },
      {
        method: 'POST',
        path: '/students',
        handler: (req) => {
          const input = parseBody(STUDENT, req.body);
          if (students.list((s) => s.email === input.email).length > 0) throw new HttpError(409, `a student with e-mail ${input.email} exists`);
          return { status: 201, body: students.add(input) };
        },
      },
    ];
  },
};
