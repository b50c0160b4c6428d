import { describe, expect, test } from 'vitest';
import { HttpError } from '../src/http.js';
import { Collection } from '../src/store.js';
import { parseBody } from '../src/validate.js';

const SHAPE = {
  name: { kind: 'string', max: 5 },
  email: { kind: 'email' },
  age: { kind: 'int', min: 0, max: 150, optional: true },
  level: { kind: 'enum', values: ['a', 'b'] },
  at: { kind: 'iso-date', optional: true },
} as const;
const ok = { name: 'Ann', email: 'Ann@Example.org', level: 'a' };

describe('parseBody', () => {
  test('accepts a valid body and normalises values', () => {
    expect(parseBody(SHAPE, { ...ok, age: 3, at: '2026-01-31T09:00:00+01:00' })).toEqual({
      name: 'Ann',
      email: 'ann@example.org',
      level: 'a',
      age: 3,
      at: '2026-01-31T08:00:00.000Z',
    });
  });
  test.each([
    [null, 'request body must be a JSON object'],
    [[1], 'request body must be a JSON object'],
    [{ ...ok, extra: 1 }, 'unknown field "extra"'],
    // Names every object has through its prototype are fields like any other: unknown.
    [{ ...ok, constructor: 1 }, 'unknown field "constructor"'],
    [{ ...ok, toString: 'x' }, 'unknown field "toString"'],
    [JSON.parse(`{"name":"ab","email":"a@b.io","level":"a","__proto__":{"x":1}}`), 'unknown field "__proto__"'],
    [{ ...ok, name: '' }, 'field "name" must be a string of 1 to 5 characters'],
    [{ ...ok, name: 'toolong' }, 'field "name"'],
    [{ ...ok, email: 'nope' }, 'field "email" must be an e-mail address'],
    [{ ...ok, age: 1.5 }, 'field "age" must be an integer'],
    [{ ...ok, age: 151 }, 'field "age" must be an integer from 0 to 150'],
    [{ ...ok, level: 'c' }, 'field "level" must be one of a, b'],
    [{ ...ok, at: 'tomorrow' }, 'field "at" must be an ISO 8601 date-time'],
    [{ name: 'x', level: 'a' }, 'field "email"'],
  ])('rejects %j', (body, message) => {
    expect(() => parseBody(SHAPE, body)).toThrow(message);
    expect(() => parseBody(SHAPE, body)).toThrow(HttpError);
  });
});

describe('Collection', () => {
  test('adds, gets, updates, filters; unknown ids are 404', () => {
    const c = new Collection<{ n: number }>('thing', () => new Date('2026-01-01T00:00:00Z'));
    const a = c.add({ n: 1 });
    c.add({ n: 2 });
    expect(a.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(c.get(a.id).n).toBe(1);
    expect(c.update(a.id, { n: 5 }).n).toBe(5);
    expect(c.list((x) => x.n > 1).map((x) => x.n)).toEqual([5, 2]);
    expect(c.size).toBe(2);
    expect(() => c.get('missing')).toThrow(expect.objectContaining({ status: 404, message: 'thing missing not found' }));
  });
});
