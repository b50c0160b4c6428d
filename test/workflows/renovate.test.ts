/**
 * renovate.json's custom managers find what they keep current: every pin of workflows-src/actions.pins.ts
 * (the repository, version and SHA of each), the base image of the template and the Node major of the
 * config. A pin added in another shape would be missed silently; this fails instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { isRecord } from '../../scripts/core/json.js';
import { PINS } from '../../workflows-src/actions.pins.js';
import { ROOT } from '../support/cli.js';

interface Manager {
  readonly managerFilePatterns: readonly string[];
  readonly matchStrings: readonly string[];
}
const isManager = (v: unknown): v is Manager =>
  isRecord(v) &&
  Array.isArray(v['managerFilePatterns']) &&
  v['managerFilePatterns'].every((p) => typeof p === 'string') &&
  Array.isArray(v['matchStrings']) &&
  v['matchStrings'].every((p) => typeof p === 'string');

const config: unknown = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8'));
const managers = isRecord(config) && Array.isArray(config['customManagers']) ? config['customManagers'].filter(isManager) : [];

function matches(file: string): RegExpMatchArray[] {
  const manager = managers.find((m) => m.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(file)));
  if (!manager) return [];
  const text = readFileSync(join(ROOT, file), 'utf8');
  return manager.matchStrings.flatMap((s) => [...text.matchAll(new RegExp(s, 'g'))]);
}

test('every action pin is found, with its repository, version and SHA', () => {
  const found = matches('workflows-src/actions.pins.ts').map((m) => [m.groups?.['depName'], m.groups?.['currentValue'], m.groups?.['currentDigest']]);
  const expected = Object.entries(PINS).map(([action, pin]) => [action.split('/').slice(0, 2).join('/'), pin.version, pin.sha]);
  expect(found).toEqual(expected);
});

test('the base image and the Node major are found', () => {
  expect(matches('services/Dockerfile.template').map((m) => [m.groups?.['depName'], m.groups?.['currentValue']])).toEqual([['node', '24-alpine']]);
  expect(matches('pipeline.config.ts').map((m) => m.groups?.['currentValue'])).toEqual(['24']);
});
