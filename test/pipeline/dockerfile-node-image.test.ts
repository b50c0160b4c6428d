/** The base a Dockerfile declares (scripts/core/dockerfiles/node-image.ts), which verify-image leaves out by default. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { declaredNodeImage } from '../../scripts/core/dockerfiles/node-image.js';
import { parseDockerfile } from '../../scripts/core/dockerfiles/parse.js';
import { REPO_ROOT } from '../support/repo-copy.js';

test('the committed api-gateway Dockerfile declares node:24-alpine', () => {
  expect(declaredNodeImage(parseDockerfile(readFileSync(join(REPO_ROOT, 'services/api-gateway/Dockerfile'), 'utf8')))).toBe('node:24-alpine');
});

test.each<[string, string, string | undefined]>([
  ['a default', 'ARG NODE_IMAGE=node:22-alpine\nFROM ${NODE_IMAGE}', 'node:22-alpine'],
  ['a quoted default', 'ARG NODE_IMAGE="node:22-alpine"\nFROM ${NODE_IMAGE}', 'node:22-alpine'],
  ['among other arguments', 'ARG A=1 NODE_IMAGE=ghcr.io/x/node:24@sha256:' + 'a'.repeat(64) + '\nFROM ${NODE_IMAGE}', `ghcr.io/x/node:24@sha256:${'a'.repeat(64)}`],
  ['no default', 'ARG NODE_IMAGE\nFROM ${NODE_IMAGE}', undefined],
  ['an empty default', 'ARG NODE_IMAGE=\nFROM ${NODE_IMAGE}', undefined],
  ['a longer name is another argument', 'ARG NODE_IMAGES=node:24-alpine\nFROM node:24-alpine', undefined],
  ['declared only inside a stage (no global default)', 'FROM node:24-alpine\nARG NODE_IMAGE=node:22-alpine', undefined],
  ['no NODE_IMAGE at all', 'FROM node:24-alpine', undefined],
])('%s', (_name, text, expected) => {
  expect(declaredNodeImage(parseDockerfile(text))).toBe(expected);
});
