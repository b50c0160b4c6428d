/**
 * What a deploy's `--version` may be, as the registry tag it resolves through: a release version
 * (`1.4.0`, `2.0.0-rc.1`), a commit tag (`sha-<7 hex>`), or nothing (or that branch tag itself, `main`):
 * the newest image published from the default branch. Anything else is bad input, before any request is made.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';
import { sanitizeTag } from '../images/tags.js';
import { tryParseVersion } from '../release/version.js';

export type DeployVersion =
  | { readonly kind: 'release'; readonly tag: string }
  | { readonly kind: 'commit'; readonly tag: string }
  | { readonly kind: 'branch'; readonly tag: string };

export function parseDeployVersion(text: string | undefined, defaultBranch: string): DeployVersion {
  const branchTag = sanitizeTag(defaultBranch);
  // The branch tag itself too: a plan of an empty version labels its digest so, and deploy.yml passes it on.
  if (text === undefined || text === '' || text === branchTag) return { kind: 'branch', tag: branchTag };
  if (/^sha-[0-9a-f]{7}$/.test(text)) return { kind: 'commit', tag: text };
  if (tryParseVersion(text) !== undefined) return { kind: 'release', tag: text };
  throw new InputError(
    `--version ${quote(text)}: expected a release version (1.4.0, 2.0.0-rc.1), sha-<7 hex> (a commit's image), or nothing or ${branchTag} (the newest image of ${defaultBranch})`,
  );
}

/** The registry tag a quarantined digest carries (a tag can name one digest: one tag per quarantined digest). */
export function quarantineTag(digest: string): string {
  return `quarantined-${digest.replace(':', '-')}`;
}
