/** fromCallback: a Node-style callback API as a promise. */
import { readdir } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { fromCallback } from '../../scripts/core/from-callback.js';

describe('fromCallback', () => {
  test('resolves with the value the callback gets', async () => {
    await expect(fromCallback<number>((done) => done(null, 42))).resolves.toBe(42);
  });

  test('rejects with the error the callback gets, even when a value comes with it', async () => {
    const err = new Error('EACCES: permission denied');
    await expect(fromCallback<number>((done) => done(err, 1))).rejects.toBe(err);
  });

  test('wraps a real node:fs call both ways', async () => {
    await expect(fromCallback<string[]>((done) => readdir('/nonexistent-folder-of-this-test', done))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fromCallback<string[]>((done) => readdir('scripts/core', done))).toContain('from-callback.ts');
  });
});
