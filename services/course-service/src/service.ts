import { type Caller, Collection, type Entity, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const COURSE = {
  title: { kind: 'string', max: 200 },
  level: { kind: 'enum', values: ['beginner', 'intermediate', 'advanced'] },
  capacity: { kind: 'int', min: 1, max: 500 },
} as const;

interface Course {
  title: string;
  level: string;
  /** The trainer who created it: the caller, never a field of the body. */
  trainerId: string;
  capacity: number;
  students: readonly string[];
}

const EVERYONE = ['student', 'trainer', 'admin'] as const;

/** Who is enrolled is the course's trainer's and an admin's business; everyone else sees how many places are taken. */
function view(course: Course & Entity, caller: Caller) {
  if (caller.mayAccess(course.trainerId)) return course;
  const { students, ...rest } = course;
  return { ...rest, enrolled: students.length };
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: () => {
    const courses = new Collection<Course>('course');
    return [
      {
        method: 'GET',
        path: '/courses',
        roles: EVERYONE,
        anyRecord: ['admin'],
        handler: (req, caller) => ({
          status: 200,
          body: courses.list((c) => !req.query.has('level') || c.level === req.query.get('level')).map((c) => view(c, caller)),
        }),
      },
      {
        method: 'GET',
        path: '/courses/:id',
        roles: EVERYONE,
        anyRecord: ['admin'],
        handler: (req, caller) => ({ status: 200, body: view(courses.get(req.params['id'] ?? ''), caller) }),
      },
      {
        method: 'POST',
        path: '/courses',
        roles: ['trainer'],
        handler: (req, caller) => ({ status: 201, body: courses.add({ ...parseBody(COURSE, req.body), trainerId: caller.id, students: [] }) }),
      },
      {
        // A student enrols themselves: the student is the caller, and the body carries nothing.
        method: 'POST',
        path: '/courses/:id/enrolments',
        roles: ['student'],
        handler: (req, caller) => {
          const course = courses.get(req.params['id'] ?? '');
          if (req.body !== undefined) parseBody({}, req.body);
          if (course.students.includes(caller.id)) throw new HttpError(409, `student ${caller.id} is already enrolled`);
          if (course.students.length >= course.capacity) throw new HttpError(409, `course ${course.id} is full (${course.capacity} places)`);
          const updated = courses.update(course.id, { students: [...course.students, caller.id] });
          return { status: 201, body: view(updated, caller) };
        },
      },
    ];
  },
};
