import { expect, test } from 'vitest';
import { createLogger } from '../src/logger.js';

test('writes one JSON object per line, filtered by level, with bound fields and errors serialised', () => {
  const lines: string[] = [];
  const log = createLogger('svc', { level: 'info', write: (l) => lines.push(l), now: () => new Date('2026-01-01T00:00:00Z') });
  log.debug('hidden');
  log.child({ requestId: 'r1' }).warn('careful', { err: new Error('boom'), n: 1 });
  expect(lines).toHaveLength(1);
  expect(lines[0]?.endsWith('\n')).toBe(true);
  const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  expect(record).toMatchObject({ time: '2026-01-01T00:00:00.000Z', level: 'warn', service: 'svc', msg: 'careful', requestId: 'r1', n: 1 });
  expect(record['err']).toMatchObject({ name: 'Error', message: 'boom' });
});

test("a field named like the record's own (time, level, service, msg) cannot replace it: it is kept under field.<name>", () => {
  const lines: string[] = [];
  const log = createLogger('gateway', { write: (l) => lines.push(l), now: () => new Date('2026-01-01T00:00:00Z') }, { level: 'bound' });
  log.warn('upstream unreachable', { service: 'student-service', msg: 'x', time: 't', n: 1 });
  expect(JSON.parse(lines[0] ?? '')).toEqual({
    time: '2026-01-01T00:00:00.000Z',
    level: 'warn',
    service: 'gateway',
    msg: 'upstream unreachable',
    'field.level': 'bound',
    'field.service': 'student-service',
    'field.msg': 'x',
    'field.time': 't',
    n: 1,
  });
});
