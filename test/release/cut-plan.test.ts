import { describe, expect, it } from 'vitest';
import { type CutAction, type CutState, planCut } from '../../scripts/core/release/cut-plan.js';

const COMMIT = '1'.repeat(40);
const OTHER = '2'.repeat(40);
const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

/** Nothing released yet: no tag here or on GitHub, no image tag, no GitHub Release. */
const fresh: CutState = {
  tag: 'api-gateway@1.4.0',
  commit: COMMIT,
  digest: DIGEST,
  localTag: undefined,
  remoteTag: undefined,
  versionImage: undefined,
  release: undefined,
};

describe('what a release cut still has to do', () => {
  it.each<[string, Partial<CutState>, CutAction[]]>([
    ['nothing done yet: every step, in order', {}, [{ kind: 'create-tag' }, { kind: 'tag-image' }, { kind: 'create-draft' }, { kind: 'publish' }]],
    [
      'the tag only in this clone (a failed push): pushed again',
      { localTag: COMMIT },
      [{ kind: 'create-tag' }, { kind: 'tag-image' }, { kind: 'create-draft' }, { kind: 'publish' }],
    ],
    ['the tag on GitHub already: not created again', { localTag: COMMIT, remoteTag: COMMIT }, [{ kind: 'tag-image' }, { kind: 'create-draft' }, { kind: 'publish' }]],
    [
      'the image tagged already: the floating tags are still asked for',
      { remoteTag: COMMIT, versionImage: DIGEST },
      [{ kind: 'tag-image' }, { kind: 'create-draft' }, { kind: 'publish' }],
    ],
    [
      'a draft left by a failed run: filled again (by its id) and published',
      { remoteTag: COMMIT, versionImage: DIGEST, release: { id: 77, draft: true } },
      [{ kind: 'tag-image' }, { kind: 'fill-draft', id: 77 }, { kind: 'publish' }],
    ],
    ['a published release: nothing but the image tags', { remoteTag: COMMIT, versionImage: DIGEST, release: { id: 77, draft: false } }, [{ kind: 'tag-image' }]],
  ])('%s', (_name, state, actions) => {
    expect(planCut({ ...fresh, ...state })).toEqual({ kind: 'go', actions });
  });

  it.each<[string, Partial<CutState>, string]>([
    [
      'the tag in this clone names another commit',
      { localTag: OTHER },
      `tag api-gateway@1.4.0 exists in this clone on ${'2'.repeat(12)}, not on ${'1'.repeat(12)}; a released version never moves: release the next version`,
    ],
    [
      'the tag on GitHub names another commit',
      { localTag: COMMIT, remoteTag: OTHER },
      `tag api-gateway@1.4.0 exists on GitHub on ${'2'.repeat(12)}, not on ${'1'.repeat(12)}; a released version never moves: release the next version`,
    ],
    [
      'the version image tag names another digest',
      { remoteTag: COMMIT, versionImage: OTHER_DIGEST },
      `the image tag of api-gateway@1.4.0 names ${OTHER_DIGEST}, not ${DIGEST}; a released version never moves: release the next version`,
    ],
  ])('refused: %s', (_name, state, reason) => {
    expect(planCut({ ...fresh, ...state })).toEqual({ kind: 'refused', reason });
  });

  it('the clone is checked before GitHub: a tag moved in both is reported as the local one', () => {
    expect(planCut({ ...fresh, localTag: OTHER, remoteTag: '3'.repeat(40) })).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('exists in this clone on 222222222222'),
    });
  });
});
