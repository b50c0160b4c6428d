import { describe, expect, test } from 'vitest';
import { parseNameOnlyZ } from '../../../scripts/core/changes/diff.js';

describe('parseNameOnlyZ', () => {
  test.each([
    ['', []],
    ['a.ts\0', ['a.ts']],
    ['services/x/a b.ts\0services/x/"q".ts\0', ['services/x/a b.ts', 'services/x/"q".ts']],
    ['line\nbreak.ts\0ünï/cødé.ts\0', ['line\nbreak.ts', 'ünï/cødé.ts']],
    // --no-renames lists a rename as the old and the new path; a path never repeats.
    ['old/a.ts\0new/a.ts\0old/a.ts\0', ['old/a.ts', 'new/a.ts']],
  ])('%j', (output, expected) => {
    expect(parseNameOnlyZ(output)).toEqual(expected);
  });
});

describe('parseNameOnlyZ without the final NUL', () => {
  test('the last path is kept whole', () => {
    expect(parseNameOnlyZ('a.ts\0b.ts')).toEqual(['a.ts', 'b.ts']);
  });
});
