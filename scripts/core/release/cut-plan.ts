/**
 * What a release of one service still has to do, over the state the clone, the GitHub API and the
 * registry report: immutable (a version whose tag or image tag names something else is refused),
 * idempotent (a release that happened changes nothing) and resumable (a re-run after a failure at any
 * step finishes it). The order, written down once: 1. the git tag, 2. the image tags, 3. the draft
 * GitHub Release (filled with the notes), 4. publish it. A tag is never moved and nothing is
 * overwritten; a draft left by a failed run is filled again and published.
 */
export interface CutState {
  /** `api-gateway@1.4.0`. */
  readonly tag: string;
  /** The commit being released. */
  readonly commit: string;
  /** The digest being promoted. */
  readonly digest: string;
  /** The commit the tag names in this clone, if it exists here. */
  readonly localTag: string | undefined;
  /** The commit the tag names on GitHub, if it exists there (undefined in a dry run that did not ask). */
  readonly remoteTag: string | undefined;
  /** The digest the version's image tag names in the registry, if any. */
  readonly versionImage: string | undefined;
  /** The GitHub Release of the tag, if any. */
  readonly release: { readonly id: number; readonly draft: boolean } | undefined;
}

export type CutAction =
  | { readonly kind: 'create-tag' }
  | { readonly kind: 'tag-image' }
  | { readonly kind: 'create-draft' }
  | { readonly kind: 'fill-draft'; readonly id: number }
  /** Publish the draft: the one made or filled just before. */
  | { readonly kind: 'publish' };

export type CutPlan = { readonly kind: 'refused'; readonly reason: string } | { readonly kind: 'go'; readonly actions: readonly CutAction[] };

export function planCut(state: CutState): CutPlan {
  for (const [where, commit] of [
    ['in this clone', state.localTag],
    ['on GitHub', state.remoteTag],
  ] as const) {
    if (commit !== undefined && commit !== state.commit) {
      return {
        kind: 'refused',
        reason: `tag ${state.tag} exists ${where} on ${commit.slice(0, 12)}, not on ${state.commit.slice(0, 12)}; a released version never moves: release the next version`,
      };
    }
  }
  if (state.versionImage !== undefined && state.versionImage !== state.digest) {
    return { kind: 'refused', reason: `the image tag of ${state.tag} names ${state.versionImage}, not ${state.digest}; a released version never moves: release the next version` };
  }
  const actions: CutAction[] = [];
  if (state.remoteTag === undefined) actions.push({ kind: 'create-tag' });
  // The floating tags (1.4, 1, latest) may have to move even when the version tag is set: always asked for.
  actions.push({ kind: 'tag-image' });
  if (state.release === undefined) {
    actions.push({ kind: 'create-draft' }, { kind: 'publish' });
  } else if (state.release.draft) {
    actions.push({ kind: 'fill-draft', id: state.release.id }, { kind: 'publish' });
  }
  return { kind: 'go', actions };
}
