/** The graph cache's key (scripts/core/workspace/cache-key.ts): two 32-bit FNV-1a hashes side by side. */
import { describe, expect, test } from 'vitest';
import { KeyHash } from '../../scripts/core/workspace/cache-key.js';

describe('KeyHash', () => {
  // The first half is FNV-1a 32 as published (offset basis 0x811c9dc5, prime 0x01000193), for ASCII text.
  test.each([
    ['', '811c9dc5'],
    ['a', 'e40c292c'],
    ['foobar', 'bf9cf968'],
  ])('FNV-1a 32 of %j is %s', (text, fnv1a) => {
    const digest = new KeyHash().update(text).digest();
    expect(digest).toMatch(/^[0-9a-f]{16}$/);
    expect(digest.slice(0, 8)).toBe(fnv1a);
  });

  // The second half: the same steps from offset basis 0x01000193 ^ 0x5bd1e995 with the prime plus 2
  // (values computed apart from this code, with Python integers modulo 2^32).
  test.each([
    ['', '5ad1e806'],
    ['a', '1514aaf3'],
    ['foobar', 'be1caced'],
  ])('the second half of the key of %j is %s', (text, half) => {
    expect(new KeyHash().update(text).digest().slice(8)).toBe(half);
  });

  test.each([
    ['tree-251', '0f1af29058b5f2a3'],
    ['tree-0', '6f46d088030c5f51'],
  ])('each half keeps its leading zeros: the key of %j is %s', (text, key) => {
    expect(new KeyHash().update(text).digest()).toBe(key);
  });

  test('updates chain: the key of a then b is the key of ab', () => {
    expect(new KeyHash().update('services').update('/tree').digest()).toBe(new KeyHash().update('services/tree').digest());
  });

  test('the second half is a different hash: keys that collide in one half still differ', () => {
    const keys = new Set<string>();
    const halves = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const d = new KeyHash().update(`tree-${i}`).digest();
      keys.add(d);
      halves.add(d.slice(8));
      expect(d.slice(8)).not.toBe(d.slice(0, 8));
    }
    expect(keys.size).toBe(2000);
    expect(halves.size).toBe(2000);
  });

  test('each character counts, and so does their order', () => {
    const key = (t: string) => new KeyHash().update(t).digest();
    expect(key('ab')).not.toBe(key('ba'));
    expect(key('a')).not.toBe(key('a\0'));
  });
});
