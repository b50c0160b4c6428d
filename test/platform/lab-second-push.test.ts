/**
 * The e2e suite's one allowance for the lab (test/e2e/support/publish.ts): its builder (the docker driver on
 * the containerd image store) pushes twice, BuildKit's push and then "pushing <name> with docker", and only a
 * failure of that second push, after the first finished, is built again. Judged on progress output recorded
 * from the lab's own buildx (fixtures/lab-*.txt: a push that worked, a push to a closed port, a failing RUN).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { reachedSecondPush } from '../e2e/support/publish.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

test("the engine's push started after BuildKit pushed the manifest: a failure then is the second push's", () => {
  const progress = fixture('lab-push-progress.txt');
  expect(progress).toMatch(/pushing \S+ with docker/);
  expect(reachedSecondPush(progress)).toBe(true);
});

test('the manifest push logged without its duration (a step that ended within one refresh) counts the same', () => {
  const progress = fixture('lab-push-progress.txt').replace(/(pushing manifest for \S+) [\d.]+s done/, '$1 done');
  expect(progress).toMatch(/pushing manifest for \S+ done\n/);
  expect(reachedSecondPush(progress)).toBe(true);
});

test('BuildKit could not push (a closed port): never built again', () => {
  expect(reachedSecondPush(fixture('lab-first-push-failure.txt'))).toBe(false);
});

test('a failing build step: never built again', () => {
  expect(reachedSecondPush(fixture('lab-build-failure.txt'))).toBe(false);
});

test('the order matters: an engine push before BuildKit finished is not the second one', () => {
  const progress = fixture('lab-push-progress.txt');
  const engine = progress.split('\n').filter((l) => /with docker/.test(l));
  const rest = progress.split('\n').filter((l) => !/with docker/.test(l));
  expect(reachedSecondPush([...engine, ...rest].join('\n'))).toBe(false);
});
