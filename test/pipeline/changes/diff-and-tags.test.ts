import { describe, expect, test } from 'vitest';
import { parseNameOnlyZ } from '../../../scripts/core/changes/diff.js';
import { formatReleaseTag, parseReleaseTag } from '../../../scripts/core/changes/release-tag.js';

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

describe('release tags', () => {
  test.each([
    ['api-gateway@1.4.0', { service: 'api-gateway', version: '1.4.0' }],
    ['refs/tags/chat-service@2.0.0-rc.1', { service: 'chat-service', version: '2.0.0-rc.1' }],
    ['payment-service@v3.1.2', { service: 'payment-service', version: 'v3.1.2' }],
  ])('%s parses', (ref, tag) => {
    expect(parseReleaseTag(ref)).toEqual(tag);
    expect(formatReleaseTag(tag)).toBe(ref.replace('refs/tags/', ''));
  });

  test.each(['v1.0.0', 'main', '@1.0.0', 'api@latest', 'Api@1.0.0', 'api@1.0'])('%s is not a release tag', (ref) => {
    expect(parseReleaseTag(ref)).toBeUndefined();
  });
});
