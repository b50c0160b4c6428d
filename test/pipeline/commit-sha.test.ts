/** The commit SHA value object (scripts/core/git/commit-sha.ts): one rule for every place a commit is named. */
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { abbreviate, COMMIT_SHA_FORM, isAbbreviatedSha, isCommitSha, parseCommitSha, ZERO_SHA } from '../../scripts/core/git/commit-sha.js';

const SHA1 = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'; // sha1("test")
const SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'; // sha256("test")

describe('a full commit SHA', () => {
  test.each([
    ['SHA-1, 40 hex', SHA1, true],
    ['SHA-256, 64 hex', SHA256, true],
    ["GitHub's zero SHA (a new branch's before)", '0'.repeat(40), true],
    ['39 hex', SHA1.slice(1), false],
    ['41 hex', `${SHA1}0`, false],
    ['63 hex', SHA256.slice(1), false],
    ['65 hex', `${SHA256}0`, false],
    ['between the two lengths (52 hex)', SHA256.slice(0, 52), false],
    ['upper case', SHA1.toUpperCase(), false],
    ['a leading space (a parent parsed one column off)', ` ${SHA1.slice(1)}`, false],
    ['a trailing newline', `${SHA1}\n`, false],
    ['a non-hex letter', `g${SHA1.slice(1)}`, false],
    ['abbreviated', SHA1.slice(0, 7), false],
    ['a ref', 'main', false],
    ['empty', '', false],
  ])('%s: %j -> %s', (_, value, ok) => {
    expect(isCommitSha(value)).toBe(ok);
    if (ok) expect(parseCommitSha(value, '--head')).toBe(value);
    else expect(() => parseCommitSha(value, '--head')).toThrow(new InputError(`--head ${JSON.stringify(value)}: expected ${COMMIT_SHA_FORM}`));
  });

  test.each([undefined, null, 40, [SHA1], { sha: SHA1 }])('not a string (%j) is no SHA', (value) => {
    expect(isCommitSha(value)).toBe(false);
  });

  test('round trip: a parsed SHA is the text it was made from, and its abbreviations are typed forms of it', () => {
    for (const text of [SHA1, SHA256]) {
      const sha = parseCommitSha(text, 'sha');
      expect(String(sha)).toBe(text);
      expect(parseCommitSha(`${sha}`, 'sha')).toBe(sha);
      expect(abbreviate(sha)).toBe(text.slice(0, 12));
      expect(abbreviate(sha, 7)).toBe(text.slice(0, 7));
      expect(isAbbreviatedSha(abbreviate(sha, 7))).toBe(true);
      expect(text.startsWith(abbreviate(sha, 40))).toBe(true);
    }
  });

  test('a hostile value is quoted on one line in the error', () => {
    expect(() => parseCommitSha('x\n::error::pwned', 'GITHUB_SHA')).toThrow('GITHUB_SHA "x\\n::error::pwned": expected a full commit SHA');
  });
});

describe('an abbreviated SHA (what a person types)', () => {
  test.each([
    ['7 hex, the shortest git prints', SHA1.slice(0, 7), true],
    ['6 hex', SHA1.slice(0, 6), false],
    ['40 hex', SHA1, true],
    ['64 hex', SHA256, true],
    ['65 hex', `${SHA256}a`, false],
    ['upper case', SHA1.slice(0, 7).toUpperCase(), false],
    ['a name', 'deadbeef-x', false],
  ])('%s: %j -> %s', (_, value, ok) => {
    expect(isAbbreviatedSha(value)).toBe(ok);
  });
});

test('the zero SHA of a push that creates a branch is 40 zeros, a commit SHA by the one rule', () => {
  expect(ZERO_SHA).toBe('0'.repeat(40));
  expect(isCommitSha(ZERO_SHA)).toBe(true);
});
