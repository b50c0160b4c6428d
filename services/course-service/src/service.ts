import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const COURSE = {
  title: { kind: 'string', max: 200 },
  level: { kind: 'enum', values: ['beginner', 'intermediate', 'advanced'] },
  trainerId: { kind: 'string' },
  capacity: { kind: 'int', min: 1, max: 500 },
} as const;
const ENROLMENT = { studentId: { kind: 'string' } } as const;

interface Course {
  title: string;
  level: string;
  trainerId: string;
  capacity: number;
  students: readonly string[];
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const courses = new Collection<Course>('course');
    return [
      { method: 'GET', path: '/courses', handler: (req) => ({ status: 200, body: courses.list((c) => !req.query.has('level') || c.level === req.query.get('level')) }) },
      { method: 'GET', path: '/courses/:id', handler: (req) => ({ status: 200, body: courses.get(req.params['id'] ?? '') }) },
      { method: 'POST', path: '/courses', handler: (req) => ({ status: 201, body: courses.add({ ...parseBody(COURSE, req.body), students: [] }) }) },
      {
        method: 'POST',
        path: '/courses/:id/enrolments',
        handler: (req) => {
          const course = courses.get(req.params['id'] ?? '');
          const { studentId } = parseBody(ENROLMENT, req.body);
          if (course.students.includes(studentId)) throw new HttpError(409, `student ${studentId} is already enrolled`);
          if (course.students.length >= course.capacity) throw new HttpError(409, `course ${course.id} is full (${course.capacity} places)`);
          return { status: 201, body: courses.update(course.id, { students: [...course.students, studentId] }) };
        },
      },
    ];
  },
};
