/**
 * pnpmVersionOf (scripts/core/dockerfiles/generate.ts): package.json's `packageManager` as Corepack
 * writes it, `pnpm@<major.minor.patch>` with an optional `+<hash>`, and nothing else.
 */
import { describe, expect, test } from 'vitest';
import { pnpmVersionOf } from '../../scripts/core/dockerfiles/generate.js';
import { InputError } from '../../scripts/core/errors.js';

describe('pnpmVersionOf', () => {
  test.each([
    ['pnpm@10.34.9', '10.34.9'],
    ['pnpm@10.34.19', '10.34.19'],
    ['pnpm@123.45.678+sha512.0a1b', '123.45.678'],
  ])('%s -> %s', (packageManager, version) => {
    expect(pnpmVersionOf(packageManager)).toBe(version);
  });

  test.each([
    [undefined, 'null'],
    ['npm@10.0.0', '"npm@10.0.0"'],
    ['xpnpm@10.0.0', '"xpnpm@10.0.0"'],
    ['pnpm@10.0.0x', '"pnpm@10.0.0x"'],
    ['pnpm@10.0.0-rc.1', '"pnpm@10.0.0-rc.1"'],
    ['pnpm@10.0', '"pnpm@10.0"'],
    ['', '""'],
  ])('%j is refused, quoting the value', (packageManager, shown) => {
    expect(() => pnpmVersionOf(packageManager)).toThrow(new InputError(`package.json: "packageManager" is ${shown}; expected "pnpm@<major.minor.patch>"`));
  });
});
