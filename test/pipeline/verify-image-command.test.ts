/**
 * `pipeline verify-image` on bad input: one InputError line naming the value and the expected form
 * (exit 2 at the top level), thrown before any engine is contacted. The checks against a real engine
 * are in test/e2e/ (images.test.ts, broken-images.test.ts).
 */
import { context } from '../support/cli.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { run } from '../../scripts/commands/verify-image.js';
import { InputError } from '../../scripts/core/errors.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ctx = context({ cwd: ROOT }, { stdout: '', stderr: '' });
const IMAGE = ['--image', '127.0.0.1:5000/kodingcaravan/api-gateway:sha-1234567'];

test.each([
  [
    'no service',
    [...IMAGE],
    /^pnpm pipeline verify-image: expected one <service> \(the service folder, e\.g\. api-gateway\), got 0; expected: pnpm pipeline verify-image <service> --image REF/,
  ],
  [
    'two services',
    ['api-gateway', 'chat-service', ...IMAGE],
    /expected one <service> \(the service folder, e\.g\. api-gateway\), got 2: "api-gateway" "chat-service"; expected: pnpm pipeline verify-image <service>/,
  ],
  ['no --image', ['api-gateway'], /--image is required/],
  ['an invalid image reference', ['api-gateway', '--image', 'Not/A:Ref:'], /invalid image reference "Not\/A:Ref:"/],
  ['a bad timeout', ['api-gateway', ...IMAGE, '--timeout', 'soon'], /invalid --timeout "soon"; expected whole seconds/],
  ['a bad --env', ['api-gateway', ...IMAGE, '--env', 'NO_EQUALS'], /invalid --env "NO_EQUALS"; expected KEY=VALUE/],
  ['a revision that is not a SHA', ['api-gateway', ...IMAGE, '--revision', 'main'], /invalid --revision "main"; expected a commit SHA/],
  ['an unknown flag', ['api-gateway', ...IMAGE, '--fast'], /pnpm pipeline verify-image: unknown option "--fast"; expected: pnpm pipeline verify-image <service> --image REF/],
  ['an unknown service', ['billing-service', ...IMAGE], /unknown service "billing-service"; expected one of: admin-service, analytics-service, api-gateway/],
  ['a folder that is not a workspace', ['api-gateway', ...IMAGE, '--cwd', '/'], /no pnpm-workspace.yaml there/],
  ['a base image that is no image reference', ['api-gateway', ...IMAGE, '--base-image', 'Node 24'], /^pipeline verify-image: --base-image: invalid image reference "Node 24"/],
])('%s', async (_name, argv, message) => {
  const error = await run(argv, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect(error instanceof Error ? error.message : '').toMatch(message);
  expect(error instanceof Error ? error.message : '').not.toContain('\n');
});
