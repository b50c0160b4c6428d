// The step runner (scripts/io/plan/step-runner.ts) starts the trusted CLI with a step's words: at most
// `parallel` at a time, and a request made twice runs once (the steps it runs only compute outputs from
// the commit). The CLI here is a small real program that logs its start and end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createStepRunner } from '../../scripts/io/plan/step-runner.js';
import type { StepRunRequest } from '../../scripts/plan/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'step-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const log = join(dir, 'log');
const cli = join(dir, 'cli.cjs');
// Each run writes `start NAME`, waits, writes `end NAME`: overlapping runs interleave in the log.
writeFileSync(
  cli,
  `const fs = require('fs'); const name = process.argv[2];
fs.appendFileSync(process.env.PIPELINE_LOG, 'start ' + name + '\\n');
setTimeout(() => { fs.appendFileSync(process.env.PIPELINE_LOG, 'end ' + name + '\\n'); fs.appendFileSync(process.env.GITHUB_OUTPUT, 'name=' + name + (process.env.PIPELINE_SUFFIX || '') + '\\n'); }, 200);\n`,
);

const request = (name: string, env: Record<string, string> = {}): StepRunRequest => ({
  argv: [name],
  env: { PIPELINE_LOG: log, PIPELINE_SUFFIX: '', ...env },
  workingDirectory: '',
  shell: undefined,
  payload: {},
});
const options = (parallel: number, ran?: (ms: number) => void) => ({
  cli,
  workspace: () => dir,
  temp: dir,
  host: { PATH: process.env['PATH'] },
  parallel,
  ...(ran ? { ran } : {}),
});

test('one at a time with parallel 1; a request made twice runs once and both get its outputs', async () => {
  rmSync(log, { force: true });
  const times: number[] = [];
  const runner = createStepRunner(options(1, (ms) => times.push(ms)));
  const [a, b, again] = await Promise.all([runner.run(request('a')), runner.run(request('b')), runner.run(request('a'))]);
  expect([a.outputs, b.outputs, again.outputs]).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'a' }]);
  expect(readFileSync(log, 'utf8')).toBe('start a\nend a\nstart b\nend b\n');
  expect(times).toHaveLength(2);
  // Another environment is another request.
  expect((await runner.run(request('a', { PIPELINE_SUFFIX: '-2' }))).outputs).toEqual({ name: 'a-2' });
  expect(times).toHaveLength(3);
});

// For the overlap: each run ends only once both have started (or after 20 s), so that a slow start of the
// second (a loaded machine: a Node start can take longer than a fixed wait) cannot look like running one at a time.
const barrier = join(dir, 'barrier.cjs');
writeFileSync(
  barrier,
  `const fs = require('fs'); const name = process.argv[2]; const log = process.env.PIPELINE_LOG;
fs.appendFileSync(log, 'start ' + name + '\\n');
const until = Date.now() + 20000;
const poll = () => {
  const started = fs.readFileSync(log, 'utf8').split('\\n').filter((l) => l.startsWith('start ')).length;
  if (started < 2 && Date.now() < until) return setTimeout(poll, 20);
  fs.appendFileSync(log, 'end ' + name + '\\n'); fs.appendFileSync(process.env.GITHUB_OUTPUT, 'name=' + name + '\\n');
};
poll();\n`,
);

test('with parallel 2 two steps overlap', async () => {
  rmSync(log, { force: true });
  const runner = createStepRunner({ ...options(2), cli: barrier });
  await Promise.all([runner.run(request('a')), runner.run(request('b'))]);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  expect(lines.slice(0, 2).sort()).toEqual(['start a', 'start b']);
});
