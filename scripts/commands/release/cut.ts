/**
 * `pipeline release cut <service> (--bump <kind> | --version X) [--ref R] [--dry-run] [--json]`, or
 * `pipeline release cut --tag refs/tags/<service>@<version>` for a tag a person pushed: the release.
 *
 * Everything is read and checked first (the version, the service's history, the image CI published
 * for the commit, the tag, the image tags and the GitHub Release as they stand); nothing is written
 * before the plan is known to be possible. Then, in this order (core/release/cut-plan.ts): the git tag
 * (through the API: a tag made with GITHUB_TOKEN triggers no workflow, so this run releases it
 * itself), the image tags on the tested digest (the one registry tag operation: the digest never
 * changes), a draft GitHub Release filled with the notes, published last (so immutable releases
 * work; `make_latest` from the config, "false" by default). A re-run after a failure at any step
 * finishes the release; a re-run of a finished release changes nothing.
 */
import { commandSpec } from '../../core/args.js';
import { EXIT } from '../../core/exit-codes.js';
import { InputError } from '../../core/errors.js';
import { describeQuarantine, quarantineOf } from '../../io/registry-images.js';
import { parseImageRef } from '../../core/images/index.js';
import { nextVersion, previousRelease } from '../../core/release/bump.js';
import { planCut } from '../../core/release/cut-plan.js';
import { releaseImageTags } from '../../core/release/image-tags.js';
import { type NotesCommit, releaseNotes, renderNotesMarkdown } from '../../core/release/notes.js';
import { formatReleaseTag, parseReleaseTag } from '../../core/release/release-tag.js';
import { compareVersions, formatVersion, type Version } from '../../core/release/version.js';
import { commitOf, serviceCommits } from '../../io/service-history.js';
import { appendStepSummary, writeStepOutputs } from '../../io/step-outputs.js';
import type { Command } from '../types.js';
import { findCiImage } from './ci-image.js';
import { knownService, openRelease, packageVersionAt, released } from './context.js';
import { bumpOf } from './next.js';
import { checkActionsFiles } from '../../io/github-event.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline release cut',
  summary:
    'Releases one service: computes the version, finds the image CI tested for the commit (or its newest ancestor whose image holds the same inputs), then tags the commit, tags that digest with the version (and 1.4, 1, latest when it is the highest), and publishes a GitHub Release with the notes. Idempotent and resumable.',
  options: {
    bump: { type: 'string' },
    version: { type: 'string' },
    tag: { type: 'string' },
    ref: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    cwd: { type: 'string' },
  },
  positionals: { usage: '[<service>]', description: 'the service folder, e.g. api-gateway (not with --tag)' },
  help: {
    bump: { value: 'KIND', description: 'auto (from Conventional Commits), patch, minor or major' },
    version: { value: 'X.Y.Z', description: 'an explicit version instead of --bump' },
    tag: { value: 'REF', description: 'release a tag that was pushed: refs/tags/<service>@<version> (its commit, its version)' },
    ref: { value: 'REV', description: 'the revision to release (default: the default branch)' },
    'dry-run': { description: 'print the plan (version, tag, commit, digest, image tags, notes) and change nothing' },
    json: { description: 'print one JSON object: the plan, and what was done' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: [
    'pnpm pipeline release cut api-gateway --bump auto --dry-run',
    'GITHUB_TOKEN=$(gh auth token) pnpm pipeline release cut api-gateway --version 1.4.0',
    'pnpm pipeline release cut --tag refs/tags/api-gateway@1.4.0',
  ],
  notes: [
    'exit codes: 0 released (or already released), 1 refused (a version whose tag or image tag names something else; no image CI published), 2 bad input, 3 GitHub or the registry failed, 4 no answer in time',
    'Nothing is written before every check passed; a re-run after a failure finishes the release.',
  ],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  // The step files are checked before anything is tagged or released.
  checkActionsFiles(ctx.env);
  const { values, positionals } = parsed;
  if (values.tag !== undefined && (positionals.length > 0 || values.bump !== undefined || values.version !== undefined || values.ref !== undefined)) {
    throw new InputError('pnpm pipeline release cut: --tag goes alone (its service, version and commit come from the tag)');
  }
  if (values.tag === undefined && positionals.length !== 1) throw new InputError(`pnpm pipeline release cut: expected one service (or --tag), got ${positionals.length}`);
  const pushed = values.tag === undefined ? undefined : parseReleaseTag(values.tag);
  const bump = pushed === undefined ? bumpOf(values.bump, values.version) : undefined;
  const release = await openRelease(ctx, values.cwd);
  const { git } = release;
  try {
    // A pushed tag's service is looked up at the tag's commit: it may exist only on the tag's branch. A tag
    // not in the clone names no commit: its service is checked on the default branch first, so that an
    // unknown service is said as such.
    let commit: string;
    if (pushed === undefined) commit = await release.refCommit(values.ref, '--ref');
    else {
      const tagged = await release.tagCommit(pushed);
      // A tag not in the clone: an unknown service is said as such first, then the missing tag (commitOf names it).
      if (tagged === undefined) await knownService(git, ctx, await release.defaultRef(), pushed.service);
      commit = tagged ?? (await commitOf(git, `refs/tags/${formatReleaseTag(pushed)}`, '--tag'));
    }
    const at = await knownService(git, ctx, commit, pushed?.service ?? positionals[0]);
    const service = at.service.folder;
    const history = await released(git, service, commit);
    // The service's history from a release tag's commit (or from the start): read once per base, since
    // the bump and the notes usually start at the same release.
    const since = new Map<string | undefined, Promise<NotesCommit[]>>();
    const commitsSince = (base: string | undefined): Promise<NotesCommit[]> => {
      let known = since.get(base);
      if (known === undefined) {
        known = serviceCommits(git, ctx.config, at, base, commit);
        since.set(base, known);
      }
      return known;
    };

    // The version: the tag's, or the next one. A re-run of a release of this commit is that release: the
    // same version, or, for a bump, the highest version whose tag already names this commit (a re-run of a
    // run that made its tag and failed later sees that tag, and would otherwise cut the next version).
    let version: Version;
    if (pushed !== undefined) version = pushed.version;
    else {
      const named = bump?.kind === 'version' ? history.all.find((r) => compareVersions(r.tag.version, bump.version) === 0) : undefined;
      // The explicit version's tag names another commit: refused as a moved release (exit 1), not as a low version.
      if (named !== undefined && named.commit !== commit) {
        ctx.stderr(
          `error: ${service}: tag ${named.name} names ${named.commit.slice(0, 12)}, not ${commit.slice(0, 12)}; a released version never moves: release the next version\n`,
        );
        return EXIT.failed;
      }
      const again = bump?.kind === 'version' ? named : history.all.filter((r) => r.commit === commit).at(-1);
      if (again !== undefined) version = again.tag.version;
      else {
        version = nextVersion({
          service,
          released: history.versions,
          from: history.base?.tag.version,
          bump: bump ?? { kind: 'auto' },
          commits: await commitsSince(history.base?.commit),
          packageVersion: await packageVersionAt(git, commit, at.service.dir),
        });
      }
    }
    const tag = formatReleaseTag({ service, version });
    // The release before this one on its own line: the commits since it are this release's (its notes, and
    // the changes no promoted image may lack). A release the commit does not contain is no such start.
    const previous = previousRelease(history.contained, version);
    const commits = await commitsSince(previous?.commit);

    // The image CI tested: build once, promote by digest.
    const repository = release.imageRepositoryOf(service);
    const ref = parseImageRef(repository);
    const registry = await ctx.effects.registry(ref.registry ?? 'docker.io');
    const ci = await findCiImage(git, registry, ref.path, commit, new Set(commits.map((c) => c.sha)));
    if (ci.kind === 'missing' && values['dry-run']) {
      // release.yml skips its build on a dry run: say what the real run would do instead of failing.
      const reason = `${ci.reason}; a real run builds it first (release.yml's build job: CI's publish steps), then releases it`;
      ctx.stdout(
        values.json
          ? `${JSON.stringify({ dryRun: true, service, version: formatVersion(version), tag, commit, digest: null, needsBuild: true, reason })}\n`
          : `${tag} at ${commit.slice(0, 12)} (dry run): ${reason}\n`,
      );
      return EXIT.ok;
    }
    if (ci.kind === 'missing') {
      ctx.stderr(
        `error: ${service}: cannot release ${tag}: ${ci.reason}; CI publishes it on a push to ${ctx.config.defaultBranch} (release.yml builds it first when it is missing)\n`,
      );
      if (ctx.env['GITHUB_OUTPUT']) await writeStepOutputs({ 'needs-build': 'true' });
      return EXIT.failed;
    }
    const { digest } = ci.image;
    // A digest a deploy quarantined (pipeline deploy --quarantine) is never promoted again, by a release
    // either; nor is the same image pushed again under a new index (its platform manifest is tagged too).
    const quarantined = await quarantineOf(registry, ref.path, ci.image);
    if (quarantined !== undefined) {
      ctx.stderr(
        `error: ${service}: cannot release ${tag}: its image ${repository}@${digest} is quarantined (${describeQuarantine(quarantined)}: pipeline deploy --quarantine); fix the service and release a new commit\n`,
      );
      return EXIT.failed;
    }
    const imageTags = releaseImageTags(version, [...history.versions, version]);
    const versionTag = formatVersion(version);
    const notes = releaseNotes({
      service,
      version: versionTag,
      from: previous?.name,
      to: tag,
      serverUrl: release.serverUrl,
      repository: release.repository,
      commits,
      image: {
        repository,
        digest,
        tags: imageTags.map((t) => `${repository}:${t}`),
        provenance: `${repository}@${digest} (BuildKit's SLSA provenance attestation, in the image index)`,
      },
    });
    const markdown = renderNotesMarkdown(notes);
    const localTag = history.all.find((r) => r.name === tag)?.commit;
    const versionImage = (await registry.document(ref.path, versionTag))?.digest;
    const planOut = { service, version: versionTag, tag, commit, imageCommit: ci.commit, digest, imageTags, notes };

    if (values['dry-run']) {
      const plan = planCut({ tag, commit, digest, localTag, remoteTag: undefined, versionImage, release: undefined });
      if (plan.kind === 'refused') {
        ctx.stderr(`error: ${service}: ${plan.reason}\n`);
        return EXIT.failed;
      }
      ctx.stdout(values.json ? `${JSON.stringify({ dryRun: true, ...planOut })}\n` : renderPlan(planOut, markdown));
      return EXIT.ok;
    }

    const github = await ctx.effects.github();
    const [remoteTag, existing] = await Promise.all([github.tagCommit(tag), github.findRelease(tag)]);
    const plan = planCut({ tag, commit, digest, localTag, remoteTag, versionImage, release: existing });
    if (plan.kind === 'refused') {
      ctx.stderr(`error: ${service}: ${plan.reason}\n`);
      return EXIT.failed;
    }
    const done: string[] = [];
    let releaseId = existing?.id;
    let url = existing?.url;
    for (const action of plan.actions) {
      switch (action.kind) {
        case 'create-tag':
          await github.createTag(tag, commit);
          done.push(`tagged ${commit.slice(0, 12)} ${tag}`);
          break;
        case 'tag-image':
          for (const t of imageTags) {
            const outcome = await registry.tagDigest(ref.path, digest, t, t === versionTag ? 'immutable' : 'move');
            if (outcome.kind !== 'unchanged') done.push(`${repository}:${t} → ${digest}`);
          }
          break;
        case 'create-draft': {
          const draft = await github.createDraftRelease({ tag, commit, name: tag, body: markdown });
          releaseId = draft.id;
          url = draft.url;
          done.push(`draft release ${tag}`);
          break;
        }
        case 'fill-draft':
          await github.updateReleaseBody(action.id, markdown);
          done.push(`draft release ${tag} filled`);
          break;
        case 'publish': {
          // The draft this run made, or the one a failed run left (planCut puts a draft step first).
          if (releaseId === undefined) throw new Error(`release ${tag}: publish planned without a draft`);
          const published = await github.publishRelease(releaseId, ctx.config.release.makeLatest);
          url = published.url;
          done.push(`published ${published.url}`);
          break;
        }
      }
    }
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(`## ${tag}\n\n${markdown}\n`);
    if (ctx.env['GITHUB_OUTPUT']) await writeStepOutputs({ version: versionTag, tag, digest, 'needs-build': 'false' });
    if (values.json) ctx.stdout(`${JSON.stringify({ dryRun: false, ...planOut, done, url: url ?? null })}\n`);
    else ctx.stdout(done.length === 0 ? `${tag}: released already (${url ?? 'no release URL'}); nothing to do\n` : `${tag}: ${done.join('; ')}\n`);
    return EXIT.ok;
  } finally {
    git.close();
  }
});

function renderPlan(
  plan: { service: string; version: string; tag: string; commit: string; imageCommit: string; digest: string; imageTags: readonly string[] },
  markdown: string,
): string {
  return [
    `release ${plan.tag} (dry run: nothing changed)`,
    `  commit      ${plan.commit}`,
    `  image       ${plan.digest}${plan.imageCommit === plan.commit ? '' : ` (built for ${plan.imageCommit.slice(0, 12)}, no input of ${plan.service} changed since)`}`,
    `  image tags  ${plan.imageTags.join(', ')}`,
    '',
    markdown,
  ].join('\n');
}
