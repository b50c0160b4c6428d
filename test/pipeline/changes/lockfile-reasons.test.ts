import { describe, expect, test } from 'vitest';
import { packageOfLockReason } from '../../../scripts/core/changes/lockfile-reasons.js';

describe('packageOfLockReason: a package whose name holds a field name', () => {
  test.each([
    ['pnpm-lock.yaml: check-dependencies (check-dependencies@1.0.0) re-resolved', 'check-dependencies'],
    ['pnpm-lock.yaml: my-devDependencies depends on x@1.0.0, which changed', 'my-devDependencies'],
  ])('%s → %s', (reason, expected) => {
    expect(packageOfLockReason(reason)).toBe(expected);
  });
});
