/**
 * Build once, promote by digest: the image CI already pushed and verified for the commit being
 * released. When CI did not build this service at that commit (no change affected it), the image of
 * the newest first-parent ancestor that has one, provided no commit in between touched the service's
 * inputs (the service's history says which did). Each candidate's revision label must name its commit.
 */
import type { PushedImage } from '../../core/images/publish.js';
import { shortSha } from '../../core/images/index.js';
import type { Git } from '../../io/git.js';
import type { RegistryClient } from '../../io/registry.js';
import { readImage } from '../../io/registry-images.js';

export type CiImage = { readonly kind: 'found'; readonly commit: string; readonly image: PushedImage } | { readonly kind: 'missing'; readonly reason: string };

/** How far back to look for an image (first-parent commits). */
const SEARCH_LIMIT = 200;

export async function findCiImage(git: Git, registry: RegistryClient, name: string, commit: string, inputCommits: ReadonlySet<string>): Promise<CiImage> {
  const chain = await git.log(undefined, commit, { firstParent: true, max: SEARCH_LIMIT });
  for (const entry of chain) {
    const image = await readImage(registry, name, `sha-${shortSha(entry.sha)}`);
    if (image !== undefined && image.revision === entry.sha) return { kind: 'found', commit: entry.sha, image };
    // An older image would lack this commit's change to the service's inputs.
    if (inputCommits.has(entry.sha)) {
      return {
        kind: 'missing',
        reason: `no image of ${name} was published for ${entry.sha.slice(0, 12)} (${entry.subject.slice(0, 60)}), the newest commit that changed its inputs, nor for a later one up to ${commit.slice(0, 12)}`,
      };
    }
  }
  return { kind: 'missing', reason: `no image of ${name} was published for ${commit.slice(0, 12)} or its ${chain.length - 1} first-parent ancestors searched` };
}
