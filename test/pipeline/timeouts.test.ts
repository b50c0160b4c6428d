/**
 * The one timeout policy: a call that waits past its bound ends as exit 4, naming what was waited for
 * (core/exit-codes.ts), for each kind of outside system. The bounds are shortened here; the waits are
 * real (a process that sleeps, a local HTTP server on 127.0.0.1 that never answers).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EXIT, endingOf } from '../../scripts/core/exit-codes.js';
import { exec } from '../../scripts/io/container-engine.js';
import { registryClient } from '../../scripts/io/registry.js';
import { type RegistryStandIn, startRegistry } from '../support/oci-registry.js';

let registry: RegistryStandIn;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

const ending = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 0, line: '' }),
    (err: unknown) => endingOf(err, false),
  );

test('an engine command past its bound: exit 4, naming the command and the bound', async () => {
  const e = await ending(exec('sleep', ['5'], undefined, 200));
  expect(e).toEqual({ code: EXIT.timeout, line: '`sleep 5`: no answer within 0.2 s\n'.replace(/^/, 'error: ') });
});

test('a registry that never answers: exit 4, naming the request and the bound', async () => {
  registry.fail(1, 'hang');
  const e = await ending(registryClient(registry.url, { timeoutMs: 300 }).tags('acme/x'));
  expect(e.code).toBe(EXIT.timeout);
  expect(e.line).toBe(`error: GET ${registry.url}/v2/acme/x/tags/list: no answer within 0.3 s\n`);
});

test('a registry that answers 500 is an outside failure (exit 3), not a timeout', async () => {
  registry.fail(1, 'status-500');
  const e = await ending(registryClient(registry.url, { timeoutMs: 300 }).tags('acme/x'));
  expect(e).toEqual({ code: EXIT.outside, line: `error: GET ${registry.url}/v2/acme/x/tags/list: HTTP 500 "internal"\n` });
});
