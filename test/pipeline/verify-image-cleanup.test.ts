/**
 * The one failure of the engine that the e2e suite cannot provoke on purpose in a bounded time: a container
 * created but not started. A scripted ContainerRunner (the interface the real docker CLI adapter implements)
 * stands in for the engine here; everything else about collectEvidence runs against the real engine in test/e2e.
 */
import { expect, test } from 'vitest';
import type { ImageConfig } from '../../scripts/core/verify/evidence.js';
import { type ContainerRunner, collectEvidence } from '../../scripts/io/container-engine.js';

const config: ImageConfig = { id: 'sha256:1', user: 'node', labels: {}, healthcheck: undefined, env: [], entrypoint: [], cmd: ['node'], workingDir: '/app', layers: [], size: 1 };

test('a container that was created but failed to start is removed by its name', async () => {
  const removed: string[] = [];
  let created = '';
  const engine: ContainerRunner = {
    inspectImage: async () => config,
    run: async (_image, request) => {
      created = request.name;
      throw new Error('docker run: exec: "nodee": executable file not found in $PATH');
    },
    inspectContainer: async () => {
      throw new Error('not reached');
    },
    processes: async () => [],
    stop: async () => undefined,
    imageLayers: async () => [],
    pullImage: async () => undefined,
    readFile: async () => undefined,
    logs: async () => '',
    containersLabelled: async () => [],
    removeContainer: async (idOrName) => {
      removed.push(idOrName);
    },
  };
  await expect(
    collectEvidence(engine, 'img', { env: {}, timeoutSeconds: 1, namePrefix: 'verify-x', base: { image: 'node:24-alpine', layers: 0 }, stopGraceSeconds: 15 }),
  ).rejects.toThrow('executable file not found');
  expect(created).toMatch(/^verify-x-[0-9a-f]{8}$/);
  expect(removed).toEqual([created]);
});
