/**
 * A service's history from git: its release tags (`<service>@<semver>`) with their commits, and the
 * commits between two revisions that touched its inputs, each with its reasons (core/release/
 * commit-reasons.ts: the rules of `pipeline affected`, applied to each commit's own change against
 * the workspace graph at the later revision). Shared by `pipeline release` and `pipeline deploy`.
 */
import { classifyFiles } from '../core/affected/classify.js';
import { inWorkspace } from '../core/affected/report.js';
import type { LockfileDiff } from '../core/changes/lockfile.js';
import { diffLockfilesAnyLayout } from '../core/changes/lockfile-yaml.js';
import { diffRootManifest, type RootManifestDiff } from '../core/changes/root-manifest.js';
import type { PipelineConfig } from '../core/config.js';
import { InputError } from '../core/errors.js';
import { quote } from '../core/quote.js';
import { commitReasons } from '../core/release/commit-reasons.js';
import type { NotesCommit } from '../core/release/notes.js';
import { type ReleaseTag, tryParseReleaseTag } from '../core/release/release-tag.js';
import { globEngineFor } from '../core/workspace/glob.js';
import type { GraphPackage, WorkspaceGraph } from '../core/workspace/graph.js';
import type { Git } from './git.js';
import { loadWorkspaceFromGit } from './workspace-git.js';

/** git's empty tree: the "parent" of a root commit. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface ReleasedVersion {
  readonly tag: ReleaseTag;
  readonly name: string;
  readonly commit: string;
}

/**
 * The service's release tags in the clone (tags that do not parse as release tags are left out); with
 * `containedIn`, only those whose commit that commit contains.
 */
export async function releasedVersions(git: Git, service: string, containedIn?: string): Promise<ReleasedVersion[]> {
  const out: ReleasedVersion[] = [];
  for (const { name, commit } of await git.tags(`${service}@*`, containedIn === undefined ? {} : { mergedInto: containedIn })) {
    const tag = tryParseReleaseTag(name);
    if (tag !== undefined && tag.service === service) out.push({ tag, name, commit });
  }
  return out;
}

/** A revision as a commit of this clone, or bad input naming it. */
export async function commitOf(git: Git, rev: string, flag: string): Promise<string> {
  const sha = rev.startsWith('-') ? undefined : await git.resolveCommit(rev);
  if (sha === undefined) throw new InputError(`${flag} ${quote(rev)}: not a commit in this clone; expected a branch, tag or SHA that exists (git fetch it first)`);
  return sha;
}

export interface ServiceGraph {
  readonly graph: WorkspaceGraph;
  readonly service: GraphPackage;
}

/** The workspace graph at `commit`. */
export async function workspaceAt(git: Git, config: PipelineConfig, commit: string): Promise<WorkspaceGraph> {
  return (await loadWorkspaceFromGit(git, commit, { dir: git.prefix, marker: config.services.marker, serviceGlobs: config.services.dockerfileTargets })).workspace;
}

/** The workspace graph at `commit` and the service in it (by folder name), or bad input naming the services. */
export async function serviceAt(git: Git, config: PipelineConfig, commit: string, service: string): Promise<ServiceGraph> {
  const workspace = await workspaceAt(git, config, commit);
  const pkg = workspace.services.find((s) => s.folder === service);
  if (pkg === undefined) {
    throw new InputError(`service ${quote(service)}: not a service at ${commit.slice(0, 12)}; expected one of: ${workspace.services.map((s) => s.folder).join(', ')}`);
  }
  return { graph: workspace, service: pkg };
}

async function text(git: Git, spec: string): Promise<string | undefined> {
  const [obj] = await git.readObjects([spec]);
  return obj?.type === 'blob' ? obj.content.toString('utf8') : undefined;
}

/**
 * The commits in `base..head` (all of `head`'s history when base is undefined) that touched the
 * service's inputs, newest first, each with its reasons. A merge counts only when it changed the inputs
 * against every parent, as git's own history simplification reads it: a merge that took one side's inputs
 * as they were (a catch-up merge of main into a branch, a pull request's merge) brought changes counted as
 * that side's commits, or released before; its reasons are those of its first-parent change.
 */
export async function serviceCommits(git: Git, config: PipelineConfig, at: ServiceGraph, base: string | undefined, head: string): Promise<NotesCommit[]> {
  const engine = await globEngineFor([...config.affected.ignore, ...config.affected.globalInputs]);
  // The root files, in the workspace (which may be a subfolder of the repository).
  const lockfilePath = inWorkspace(git.prefix, 'pnpm-lock.yaml');
  const manifestPath = inWorkspace(git.prefix, 'package.json');
  const reasonsOf = async (parent: string, commit: string) => {
    const paths = (await git.diffNames(parent, commit)).split('\0').filter((p) => p !== '');
    const classified = classifyFiles(paths, at.graph, config.affected, git.prefix, engine);
    let lockfile: LockfileDiff | undefined;
    let rootManifest: RootManifestDiff | undefined;
    if (classified.lockfile) lockfile = diffLockfilesAnyLayout(await text(git, `${parent}:${lockfilePath}`), await text(git, `${commit}:${lockfilePath}`));
    if (classified.rootManifest) {
      rootManifest = diffRootManifest(
        'package.json',
        await text(git, `${parent}:${manifestPath}`),
        await text(git, `${commit}:${manifestPath}`),
        config.affected.rootManifestFields,
      );
    }
    return commitReasons(at.graph, at.service, { classified, ...(lockfile ? { lockfile } : {}), ...(rootManifest ? { rootManifest } : {}) });
  };
  const out: NotesCommit[] = [];
  for (const entry of await git.log(base, head)) {
    const [first = EMPTY_TREE, ...others] = entry.parents;
    const reasons = await reasonsOf(first, entry.sha);
    if (reasons.length === 0) continue;
    let sameAsASide = false;
    for (const parent of others) {
      if ((await reasonsOf(parent, entry.sha)).length === 0) {
        sameAsASide = true;
        break;
      }
    }
    if (!sameAsASide) out.push({ sha: entry.sha, subject: entry.subject, body: entry.body, reasons });
  }
  return out;
}
