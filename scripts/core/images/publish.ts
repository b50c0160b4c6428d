/**
 * The decisions of the publish leg, over plain values the registry and the GitHub API gave:
 * - is the pushed image the verified one (the config of the pushed index's platform manifest is the
 *   config the verified build loaded),
 * - which digest the commit's record names (a re-run keeps the digest its commit was published as),
 * - whether a branch tag (`:main`) may move onto this commit's image (only forward).
 */

/** The pushed image as read back from the registry. */
export interface PushedImage {
  /** What the push reported: the index (with attestations) or the image manifest. */
  readonly digest: string;
  /** The platform image manifest (the digest itself when the push was no index). */
  readonly manifest: string;
  /** Its config digest: what `--iidfile` holds for a single-manifest build, e.g. the verified (loaded) one. */
  readonly config: string;
  /** The `org.opencontainers.image.revision` label of its config. */
  readonly revision: string | undefined;
}

export type PushCheck = { readonly kind: 'verified' } | { readonly kind: 'not-verified'; readonly message: string };

/**
 * The pushed image must be the verified one. The push is a second build served from the builder's
 * cache of the verified build; a cache miss rebuilds a step, and the result (a new timestamp, a newer
 * base layer, a changed download) is an image nobody verified.
 */
export function checkPushedImage(verifiedConfig: string, pushed: PushedImage, revision: string): PushCheck {
  if (pushed.config !== verifiedConfig) {
    return {
      kind: 'not-verified',
      message:
        `the pushed image ${pushed.digest} (platform manifest ${pushed.manifest}) has config ${pushed.config}, but the verified image has config ${verifiedConfig}: ` +
        'a BuildKit cache miss rebuilt the image in the push step, or another image was pushed, so what was pushed was never verified; re-run the job, and make the Dockerfile build reproducible if it happens again',
    };
  }
  if (pushed.revision !== revision) {
    return { kind: 'not-verified', message: `the pushed image ${pushed.digest} is labelled revision ${JSON.stringify(pushed.revision ?? '')}, not this commit ${revision}` };
  }
  return { kind: 'verified' };
}

/** What the commit tag (`sha-<7>`) names in the registry before the record is written. */
export interface ExistingImage {
  readonly digest: string;
  readonly revision: string | undefined;
}

export type RecordDigest =
  | { readonly kind: 'new'; readonly digest: string }
  /** A re-run: the commit was published before; its record and tags keep that digest, the new push stays untagged. */
  | { readonly kind: 'published-before'; readonly digest: string; readonly untagged: string }
  | { readonly kind: 'conflict'; readonly message: string };

export function recordDigest(pushedDigest: string, commitTag: string, existing: ExistingImage | undefined, revision: string): RecordDigest {
  if (existing === undefined || existing.digest === pushedDigest) return { kind: 'new', digest: pushedDigest };
  if (existing.revision === revision) return { kind: 'published-before', digest: existing.digest, untagged: pushedDigest };
  // `sha-<7>` is the commit's short SHA (docker/metadata-action's form); two commits can share it.
  if (existing.revision !== undefined && existing.revision.slice(0, 7) === revision.slice(0, 7)) {
    return {
      kind: 'conflict',
      message: `${commitTag} already names ${existing.digest}, an image of ${existing.revision}, another commit whose SHA starts as this one's (${revision}): the short commit tag is ambiguous, so this commit cannot be published under it; nothing is wrong with that tag (leave it), and this commit's changes publish with the next commit that touches the service`,
    };
  }
  return {
    kind: 'conflict',
    message: `${commitTag} already names ${existing.digest}, an image of revision ${JSON.stringify(existing.revision ?? '')}, not of this commit ${revision}; a commit tag never moves: delete the wrong tag by hand if it is one`,
  };
}

/**
 * How this commit stands to the commit whose image a branch tag names now, as GitHub's compare API
 * says it for `<current>...<this>`: `ahead` (this commit descends from it), `behind`, `identical`,
 * `diverged` (a force push dropped the other), or `unknown` (no such commit, or the image has no label).
 */
export type Ancestry = 'ahead' | 'behind' | 'identical' | 'diverged' | 'unknown';

export type BranchTagMove = { readonly kind: 'move'; readonly reason: string } | { readonly kind: 'keep'; readonly reason: string };

/** Whether the branch contains a commit now (GitHub's compare of the commit with the branch): unknown to GitHub, or no label. */
export type OnBranch = 'yes' | 'no' | 'unknown';

/** How GitHub's compare of `<commit>...<branch>` says whether the branch contains the commit now. */
export function onBranchOf(ancestry: Ancestry): OnBranch {
  return ancestry === 'ahead' || ancestry === 'identical' ? 'yes' : ancestry === 'unknown' ? 'unknown' : 'no';
}

/**
 * A branch tag only moves forward, and only onto a commit the branch contains now. Publish runs of
 * consecutive commits overlap (each push has its own concurrency group), so the run of an older commit may
 * finish last; it must not move the tag back. A force push changes which commits the branch contains: the
 * run of a commit it replaced moves nothing (however it compares with the commit the tag names), and a tag
 * that names a commit it dropped moves to this one (a reset to an older commit undoes a bad one).
 */
export function branchTagMove(
  tag: string,
  current: ExistingImage | undefined,
  digest: string,
  revision: string,
  ancestry: Ancestry,
  onBranch: { readonly run: OnBranch; readonly current: OnBranch },
): BranchTagMove {
  if (onBranch.run === 'no') return { kind: 'keep', reason: `${revision.slice(0, 12)} is no longer on ${tag} (a force push replaced it)` };
  if (current === undefined) return { kind: 'move', reason: `${tag} does not exist yet` };
  if (current.digest === digest) return { kind: 'keep', reason: `${tag} names ${digest} already` };
  const then = current.revision?.slice(0, 12) ?? 'an unlabelled image';
  if (onBranch.current === 'no') return { kind: 'move', reason: `${then}, which ${tag} names now, is no longer on ${tag} (a force push dropped it)` };
  switch (ancestry) {
    case 'ahead':
      return { kind: 'move', reason: `${revision.slice(0, 12)} descends from ${then}, which ${tag} names now` };
    case 'diverged':
      // Both on the branch (a merge's two sides): neither is newer, so the tag stays where it is.
      if (onBranch.current === 'yes')
        return { kind: 'keep', reason: `${tag} names the image of ${then}, on the branch beside this commit (neither descends from the other): it stays` };
      return { kind: 'move', reason: `${then}, which ${tag} names now, is no longer in this branch's history (a force push)` };
    case 'unknown':
      return { kind: 'move', reason: `the commit of the image ${tag} names now (${then}) is unknown to GitHub` };
    case 'behind':
      return { kind: 'keep', reason: `${tag} names the image of ${then}, a newer commit: a branch tag never moves back` };
    case 'identical':
      return { kind: 'keep', reason: `${tag} names another image of this very commit (published before): it stays` };
  }
}
