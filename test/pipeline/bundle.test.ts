import { describe, expect, test } from 'vitest';
import { checkBundle } from '../../scripts/bundle.js';

describe('the committed CLI bundle', () => {
  test('is what the sources bundle to (run `pnpm bundle` and commit scripts/dist when this fails)', async () => {
    expect(await checkBundle()).toEqual([]);
  });
});
