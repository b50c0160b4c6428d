/**
 * The publish leg's decisions over plain values (scripts/core/images/publish.ts): is the pushed image
 * the verified one, which digest a commit's record names, and whether a branch tag moves.
 */
import { describe, expect, test } from 'vitest';
import { type Ancestry, type BranchTagMove, branchTagMove, checkPushedImage, onBranchOf, type RecordDigest, recordDigest } from '../../scripts/core/images/publish.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const REV = '1111111111111111111111111111111111111111';
const OTHER = '2222222222222222222222222222222222222222';

describe('checkPushedImage', () => {
  const pushed = { digest: d('a'), manifest: d('b'), config: d('c'), revision: REV };

  test('the same config and this revision: verified', () => {
    expect(checkPushedImage(d('c'), pushed, REV)).toEqual({ kind: 'verified' });
  });

  test('another config: not verified, naming all four digests and what to do', () => {
    expect(checkPushedImage(d('e'), pushed, REV)).toEqual({
      kind: 'not-verified',
      message: `the pushed image ${d('a')} (platform manifest ${d('b')}) has config ${d('c')}, but the verified image has config ${d('e')}: a BuildKit cache miss rebuilt the image in the push step, or another image was pushed, so what was pushed was never verified; re-run the job, and make the Dockerfile build reproducible if it happens again`,
    });
  });

  test.each<[string | undefined, string]>([
    [OTHER, `the pushed image ${d('a')} is labelled revision "${OTHER}", not this commit ${REV}`],
    [undefined, `the pushed image ${d('a')} is labelled revision "", not this commit ${REV}`],
  ])('the same config labelled revision %j: not verified', (revision, message) => {
    expect(checkPushedImage(d('c'), { ...pushed, revision }, REV)).toEqual({ kind: 'not-verified', message });
  });

  test('a config mismatch is reported before a revision mismatch', () => {
    const out = checkPushedImage(d('e'), { ...pushed, revision: OTHER }, REV);
    expect(out.kind === 'not-verified' && out.message.startsWith(`the pushed image ${d('a')} (platform manifest`)).toBe(true);
  });
});

describe('recordDigest', () => {
  test.each<[string, { digest: string; revision: string | undefined } | undefined, RecordDigest]>([
    ['no image under the commit tag yet', undefined, { kind: 'new', digest: d('a') }],
    ['the tag names the pushed image already', { digest: d('a'), revision: OTHER }, { kind: 'new', digest: d('a') }],
    ['a re-run: the tag names an earlier image of this commit', { digest: d('b'), revision: REV }, { kind: 'published-before', digest: d('b'), untagged: d('a') }],
    [
      'the tag names an image of another commit',
      { digest: d('b'), revision: OTHER },
      {
        kind: 'conflict',
        message: `sha-1111111 already names ${d('b')}, an image of revision "${OTHER}", not of this commit ${REV}; a commit tag never moves: delete the wrong tag by hand if it is one`,
      },
    ],
    [
      // Two commits whose SHAs share the first 7 characters: `sha-<7>` cannot name both.
      'the tag names an image of another commit with the same short SHA',
      { digest: d('b'), revision: `${REV.slice(0, 7)}${'9'.repeat(33)}` },
      {
        kind: 'conflict',
        message: `sha-1111111 already names ${d('b')}, an image of ${REV.slice(0, 7)}${'9'.repeat(33)}, another commit whose SHA starts as this one's (${REV}): the short commit tag is ambiguous, so this commit cannot be published under it; nothing is wrong with that tag (leave it), and this commit's changes publish with the next commit that touches the service`,
      },
    ],
    [
      'the tag names an unlabelled image',
      { digest: d('b'), revision: undefined },
      {
        kind: 'conflict',
        message: `sha-1111111 already names ${d('b')}, an image of revision "", not of this commit ${REV}; a commit tag never moves: delete the wrong tag by hand if it is one`,
      },
    ],
  ])('%s', (_, existing, expected) => {
    expect(recordDigest(d('a'), 'sha-1111111', existing, REV)).toEqual(expected);
  });
});

describe('branchTagMove: a branch tag only moves forward', () => {
  const current = { digest: d('b'), revision: OTHER };
  const ALL: Ancestry[] = ['ahead', 'behind', 'identical', 'diverged', 'unknown'];
  // This commit on the branch; the one the tag names not known to be (the rules of ancestry alone).
  const ON = { run: 'yes', current: 'unknown' } as const;

  test.each(ALL)('a tag that does not exist yet is created whatever the ancestry (%s)', (ancestry) => {
    expect(branchTagMove('main', undefined, d('a'), REV, ancestry, ON)).toEqual({ kind: 'move', reason: 'main does not exist yet' });
  });

  test.each(ALL)('a tag on this very image stays (%s)', (ancestry) => {
    expect(branchTagMove('main', { digest: d('a'), revision: OTHER }, d('a'), REV, ancestry, ON)).toEqual({ kind: 'keep', reason: `main names ${d('a')} already` });
  });

  test.each<[Ancestry, BranchTagMove]>([
    ['ahead', { kind: 'move', reason: '111111111111 descends from 222222222222, which main names now' }],
    ['diverged', { kind: 'move', reason: "222222222222, which main names now, is no longer in this branch's history (a force push)" }],
    ['unknown', { kind: 'move', reason: 'the commit of the image main names now (222222222222) is unknown to GitHub' }],
    ['behind', { kind: 'keep', reason: 'main names the image of 222222222222, a newer commit: a branch tag never moves back' }],
    ['identical', { kind: 'keep', reason: 'main names another image of this very commit (published before): it stays' }],
  ])('another image, this commit %s: %j', (ancestry, expected) => {
    expect(branchTagMove('main', current, d('a'), REV, ancestry, ON)).toEqual(expected);
  });

  test.each(ALL)('the run of a commit a force push replaced moves nothing, whatever the ancestry (%s)', (ancestry) => {
    const reason = '111111111111 is no longer on main (a force push replaced it)';
    expect(branchTagMove('main', current, d('a'), REV, ancestry, { run: 'no', current: 'yes' })).toEqual({ kind: 'keep', reason });
    expect(branchTagMove('main', undefined, d('a'), REV, ancestry, { run: 'no', current: 'unknown' })).toEqual({ kind: 'keep', reason });
  });

  test.each(ALL)('a tag on a commit the branch no longer contains moves to this one, whatever the ancestry (%s)', (ancestry) => {
    expect(branchTagMove('main', current, d('a'), REV, ancestry, { run: 'yes', current: 'no' })).toEqual({
      kind: 'move',
      reason: '222222222222, which main names now, is no longer on main (a force push dropped it)',
    });
  });

  test('both on the branch and neither descends from the other (the two sides of a merge): the tag stays', () => {
    expect(branchTagMove('main', current, d('a'), REV, 'diverged', { run: 'yes', current: 'yes' })).toEqual({
      kind: 'keep',
      reason: 'main names the image of 222222222222, on the branch beside this commit (neither descends from the other): it stays',
    });
    expect(branchTagMove('main', current, d('a'), REV, 'ahead', { run: 'unknown', current: 'yes' }).kind).toBe('move');
  });

  test.each<[Ancestry, string]>([
    ['ahead', 'yes'],
    ['identical', 'yes'],
    ['behind', 'no'],
    ['diverged', 'no'],
    ['unknown', 'unknown'],
  ])('GitHub compares a commit with the branch as %s: on the branch %s', (ancestry, expected) => {
    expect(onBranchOf(ancestry)).toBe(expected);
  });

  test('an unlabelled image under the tag is named as such', () => {
    expect(branchTagMove('main', { digest: d('b'), revision: undefined }, d('a'), REV, 'unknown', ON)).toEqual({
      kind: 'move',
      reason: 'the commit of the image main names now (an unlabelled image) is unknown to GitHub',
    });
  });
});
