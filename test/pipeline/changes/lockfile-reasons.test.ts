import { describe, expect, test } from 'vitest';
import { packageOfLockReason } from '../../../scripts/core/changes/lockfile-reasons.js';

describe('packageOfLockReason: a package whose name holds a field name', () => {
  test.each([
    ['pnpm-lock.yaml: check-dependencies (check-dependencies@1.0.0) re-resolved', 'check-dependencies'],
    ['pnpm-lock.yaml: my-devDependencies depends on x@1.0.0, which changed', 'my-devDependencies'],
    // A package named after a field: the field forms are read whole, so the other forms still name it.
    ['pnpm-lock.yaml: dependencies (dependencies@1.0.0) re-resolved', 'dependencies'],
    ['pnpm-lock.yaml: devDependencies depends on x@1.0.0, which changed', 'devDependencies'],
    ['pnpm-lock.yaml: dependencies dependencies 1.0.0 -> 1.0.1', 'dependencies'],
    ['pnpm-lock.yaml: peerDependencies optionalDependencies 2.0.0 added', 'optionalDependencies'],
  ])('%s → %s', (reason, expected) => {
    expect(packageOfLockReason(reason)).toBe(expected);
  });
});

describe('packageOfLockReason: every form core/changes/lockfile.ts writes', () => {
  test.each<[string, string | undefined]>([
    ['pnpm-lock.yaml: dependencies zod 3.23.0 added', 'zod'],
    ['pnpm-lock.yaml: devDependencies @types/node 20.1.0 removed', '@types/node'],
    ['pnpm-lock.yaml: optionalDependencies fsevents 2.3.2 -> 2.3.3', 'fsevents'],
    ['pnpm-lock.yaml: dependencies react specifier ^17.0.0 || ^18.0.0 -> ^18.0.0', 'react'],
    ['pnpm-lock.yaml: dependencies local link:../a b added', 'local'],
    ['pnpm-lock.yaml: catalog entry default/zod changed', 'zod'],
    ['pnpm-lock.yaml: catalog entry react17/@types/react changed', '@types/react'],
    ['pnpm-lock.yaml: zod (zod@3.23.0) re-resolved', 'zod'],
    ['pnpm-lock.yaml: @acme/ui (@acme/ui@1.0.0(react@18.2.0)) re-resolved', '@acme/ui'],
    ['pnpm-lock.yaml: jest depends on @jest/core@29.7.0, which changed', 'jest'],
    ['pnpm-lock.yaml: my-pkg (my-pkg@file:../my pkg) re-resolved', 'my-pkg'],
    ['pnpm-lock.yaml: app depends on my-pkg@file:../my pkg, which changed', 'app'],
    ['pnpm-lock.yaml: new importer', undefined],
    ['pnpm-lock.yaml: importer entry changed', undefined],
    ['pnpm-lock.yaml: dependencies zod', undefined],
    ['pnpm-lock.yaml: zod depends on x@1.0.0', undefined],
    // Only whole reasons are read: text before or after a form is none of them.
    ['pnpm-lock.yaml: my catalog entry default/zod changed', undefined],
    ['pnpm-lock.yaml: catalog entry default/zod changed twice', undefined],
    ['pnpm-lock.yaml: x zod (zod@3.23.0) re-resolved', undefined],
    ['pnpm-lock.yaml: zod (zod@3.23.0) re-resolved twice', undefined],
    ['pnpm-lock.yaml: x jest depends on y@1.0.0, which changed', undefined],
    ['pnpm-lock.yaml: jest depends on y@1.0.0, which changed twice', undefined],
  ])('%s → %s', (reason, expected) => {
    expect(packageOfLockReason(reason)).toBe(expected);
  });
});
