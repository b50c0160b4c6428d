/** The human reasons of `pipeline affected` (text and job summary); --json keeps every reason whole. */
import { describe, expect, test } from 'vitest';
import { humanReasons } from '../../../scripts/core/affected/report.js';
import { packageOfLockReason } from '../../../scripts/core/changes/lockfile-reasons.js';

const long = `pnpm-lock.yaml: @mantine/core (@mantine/core@7.1.0(${'@emotion/react@11.11.1(@types/react@18.2.0)(react@18.2.0)'.repeat(20)})) re-resolved`;

// 'pnpm-lock.yaml: dependencies zod ' is 33 characters; the version text pads it to 120.
const at120 = `pnpm-lock.yaml: dependencies zod 1.0.0 -> ${'1'.repeat(120 - 42)}`;

describe('humanReasons', () => {
  test.each([
    ['no lockfile reason: unchanged', ['1 file changed in services/a: "x.ts"'], ['1 file changed in services/a: "x.ts"']],
    ['one short lockfile reason: unchanged', ['pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0'], ['pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0']],
    ['one very long lockfile reason: one short line', [long], ['pnpm-lock.yaml: 1 resolved dependency changed (@mantine/core)']],
    [
      'many: counted, the first three named, in place of the first one',
      [
        'depends on @kc/core, which changed',
        'pnpm-lock.yaml: dependencies webpack 5.1.0 -> 5.2.0',
        'pnpm-lock.yaml: devDependencies jest 29.0.0 -> 29.1.0',
        'pnpm-lock.yaml: zod depends on x@1.0.0, which changed',
        'pnpm-lock.yaml: catalog entry default/react changed',
        'pnpm-lock.yaml: dependencies webpack 5.1.0 -> 5.2.0',
      ],
      ['depends on @kc/core, which changed', 'pnpm-lock.yaml: 4 resolved dependencies changed (webpack, jest, zod and 1 more)'],
    ],
    [
      'three named: no "more"',
      ['pnpm-lock.yaml: dependencies a 1 -> 2', 'pnpm-lock.yaml: dependencies b 1 -> 2', 'pnpm-lock.yaml: dependencies c 1 -> 2'],
      ['pnpm-lock.yaml: 3 resolved dependencies changed (a, b, c)'],
    ],
    [
      'lockfile reasons that name no package: counted as none, no list',
      ['pnpm-lock.yaml: importer entry changed', 'pnpm-lock.yaml: settings changed', 'other'],
      ['pnpm-lock.yaml: 0 resolved dependencies changed', 'other'],
    ],
    ['one lockfile reason of 120 characters: unchanged', [at120], [at120]],
    ['one lockfile reason of 121 characters: one short line', [`${at120}x`], ['pnpm-lock.yaml: 1 resolved dependency changed (zod)']],
    ['a reason that only mentions the lockfile later: not a lockfile reason', ['see pnpm-lock.yaml: x', 'pnpm-lock.yaml:x'], ['see pnpm-lock.yaml: x', 'pnpm-lock.yaml:x']],
  ])('%s', (_, reasons, expected) => {
    expect(humanReasons(reasons)).toEqual(expected);
  });
});

describe('packageOfLockReason', () => {
  test.each([
    ['pnpm-lock.yaml: dependencies zod 3.22.0 -> 3.23.0', 'zod'],
    ['pnpm-lock.yaml: peerDependencies @types/node 20.0.0 added', '@types/node'],
    ['pnpm-lock.yaml: zod depends on x@1.0.0, which changed', 'zod'],
    ['pnpm-lock.yaml: @mantine/core (@mantine/core@7.1.0) re-resolved', '@mantine/core'],
    ['pnpm-lock.yaml: catalog entry default/react changed', 'react'],
    ['pnpm-lock.yaml: importer entry changed', undefined],
  ])('%s → %s', (reason, expected) => {
    expect(packageOfLockReason(reason)).toBe(expected);
  });
});
