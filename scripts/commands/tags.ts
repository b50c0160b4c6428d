/**
 * `pipeline tags --service S [--cwd DIR] [--json]`: the image tags, OCI labels and build arguments of
 * one service build, from the GitHub Actions environment (GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_SHA,
 * GITHUB_REPOSITORY[_OWNER], GITHUB_SERVER_URL), written as step outputs for docker/build-push-action:
 * `tags`, `labels`, `build-args` (one per line), `image` (the `sha-<7 hex>` reference, for
 * verify-image) and `repository`. Without GITHUB_OUTPUT, or with --json, they are printed as JSON.
 *
 * `pipeline tags --service S --digest sha256:... --verified-image-id sha256:... --record FILE`: after a
 * push, reads the pushed image back from the registry (with the job's login): the index's platform
 * manifest and its config. It must be the verified build's config (build-push-action's `imageid` of the
 * loaded build; an attested push's own `imageid` is the index digest, never comparable) and carry this
 * commit's revision label. Then the record (service, repository, digest, image id, tags, revision) goes
 * to FILE, the job summary and the step output `digest`. A re-run of a commit already published keeps
 * the digest its commit tag names: the record names it, and the new push stays untagged.
 * A pushed image that is not the verified one is exit 1, and no record is written.
 *
 * `--commit SHA` (all three): the commit built when it is not GITHUB_SHA, in release.yml's build of a
 * manual run's `ref` (the checkout step's `commit` output); refused for a branch, pull request or
 * merge-queue build, whose branch or pull request tag names GITHUB_SHA, and when it is not the commit
 * checked out in `--cwd` (`git rev-parse HEAD`).
 *
 * `pipeline tags --service S --promote sha256:...`: after the record, tags that digest through the one
 * registry tag operation (the digest never changes; read back and checked): the commit tag
 * (`sha-<7>`, never moved once set) and the branch tag (`main`), which only moves forward: when it
 * names the image of a newer commit (GitHub's compare API: this commit is `behind`), it stays.
 */
import { resolve } from 'node:path';
import { commandSpec, helpText, parseCli } from '../core/args.js';
import { buildContextFromEnv, imageBuildArgs, imageLabels, imageRecord, recordSummary } from '../core/build-metadata.js';
import { InputError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { imageRepository, imageTags, parseImageRef } from '../core/images/index.js';
import { SHA256_DIGEST } from '../core/images/oci.js';
import { branchTagMove, checkPushedImage, type ExistingImage, type OnBranch, onBranchOf, type PushedImage, recordDigest } from '../core/images/publish.js';
import { checkWritable, writeFileAtomic } from '../io/atomic-file.js';
import { type RegistryClient, RegistryError, TagConflict } from '../io/registry.js';
import { readImage } from '../io/registry-images.js';
import { appendStepSummary, writeStepOutputs } from '../io/step-outputs.js';
import { loadWorkspace } from '../io/workspace-fs.js';
import type { Command, CommandContext } from './types.js';
import { checkActionsFiles } from '../io/github-event.js';

interface Build {
  readonly service: string;
  readonly cwd: string;
  /** The commit built when it is not GITHUB_SHA (release.yml's build of a manual run's ref). */
  readonly commit: string | undefined;
}

type Request =
  | (Build & { readonly kind: 'compute'; readonly json: boolean })
  | (Build & { readonly kind: 'record'; readonly file: string; readonly digest: string; readonly verifiedImageId: string })
  | (Build & { readonly kind: 'promote'; readonly digest: string });

const PROMOTE_USAGE = 'pipeline tags --service S --promote sha256:<hex>';
const RECORD_USAGE = 'pipeline tags --service S --digest sha256:<hex> --verified-image-id sha256:<hex> --record FILE';

function sha256(flag: string, value: string, what: string): string {
  if (!SHA256_DIGEST.test(value)) throw new InputError(`${flag} ${JSON.stringify(value)}: expected sha256:<64 hex>, ${what}`);
  return value;
}

const SPEC = commandSpec({
  program: 'pnpm pipeline tags',
  summary:
    'The image tags, labels and build arguments of one service build, from the GitHub Actions environment (step outputs inside Actions, JSON otherwise). After a push: --record proves the pushed image is the verified one and records its digest; --promote tags that digest (the commit tag once, the branch tag only forward).',
  options: {
    service: { type: 'string' },
    digest: { type: 'string' },
    'verified-image-id': { type: 'string' },
    record: { type: 'string' },
    promote: { type: 'string' },
    commit: { type: 'string' },
    cwd: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: {
    service: { value: 'SERVICE', description: 'the service folder, e.g. api-gateway', required: true },
    digest: { value: 'sha256:HEX', description: "with --record: the push step's digest output" },
    'verified-image-id': { value: 'sha256:HEX', description: 'with --record: the imageid output of the build that was verified (its config digest)' },
    record: { value: 'FILE', description: 'write the image record there (and to the job summary, and the step output digest)' },
    promote: { value: 'sha256:HEX', description: "tag this digest (the record step's digest output)" },
    commit: {
      value: 'SHA',
      description:
        "the commit built, when it is not GITHUB_SHA: release.yml's build of a manual run's ref (the checkout step's commit output); a manual run or a pushed release tag only; it must be the commit checked out in --cwd",
    },
    cwd: { value: 'DIR', description: 'the workspace root (default: the current folder)' },
    json: { description: 'print the outputs as one JSON object even inside Actions' },
  },
  examples: [
    'GITHUB_EVENT_NAME=push GITHUB_REF=refs/heads/main GITHUB_SHA=$(git rev-parse HEAD) GITHUB_REPOSITORY=acme/shop pnpm -s pipeline tags --service api-gateway --json',
    `${RECORD_USAGE.replace('pipeline', 'pnpm pipeline')}`,
    `${PROMOTE_USAGE.replace('pipeline', 'pnpm pipeline')}`,
  ],
  notes: ['exit codes: 0 done, 1 the pushed image is not the verified one or a tag would move back, 2 bad input, 3 the registry or GitHub failed, 4 no answer in time'],
});

function parseRequest(argv: readonly string[]): Request | 'help' {
  const parsed = parseCli(SPEC, argv);
  if (parsed.help) return 'help';
  const { values } = parsed;
  const service = values.service;
  if (service === undefined) throw new InputError('pipeline tags: --service is required; expected: pipeline tags --service <service folder, e.g. api-gateway>');
  const cwd = values.cwd ?? '.';
  const { commit } = values;
  const { digest, record: file } = values;
  const verifiedImageId = values['verified-image-id'];
  const recordFlags = [digest, verifiedImageId, file];
  if (values.promote !== undefined) {
    if (recordFlags.some((v) => v !== undefined) || values.json) throw new InputError(`pipeline tags: --promote goes alone; expected: ${PROMOTE_USAGE}`);
    return { kind: 'promote', service, cwd, commit, digest: sha256('--promote', values.promote, 'the digest output of the record step') };
  }
  if (recordFlags.every((v) => v === undefined)) return { kind: 'compute', service, cwd, commit, json: values.json ?? false };
  if (digest === undefined || verifiedImageId === undefined || file === undefined) {
    throw new InputError(`pipeline tags: --digest, --verified-image-id and --record go together; expected: ${RECORD_USAGE}`);
  }
  return {
    kind: 'record',
    service,
    cwd,
    commit,
    file,
    digest: sha256('--digest', digest, 'the digest docker/build-push-action reports for the pushed image'),
    verifiedImageId: sha256('--verified-image-id', verifiedImageId, 'the imageid output of the build step that was verified'),
  };
}

const lines = (record: Readonly<Record<string, string>>): string =>
  Object.entries(record)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

const existing = (image: PushedImage | undefined): ExistingImage | undefined => (image === undefined ? undefined : { digest: image.digest, revision: image.revision });

export const run: Command = async (argv, ctx) => {
  const request = parseRequest(argv);
  if (request === 'help') {
    ctx.stdout(helpText(SPEC));
    return EXIT.ok;
  }
  // The step files are checked before a record is written or a tag moves.
  checkActionsFiles(ctx.env);
  const { service } = request;
  const root = resolve(ctx.cwd, request.cwd);
  const { marker, dockerfileTargets } = ctx.config.services;
  const known = (await loadWorkspace(root, { serviceMarker: marker, serviceGlobs: dockerfileTargets })).services.map((s) => s.folder);
  if (!known.includes(service)) throw new InputError(`--service ${JSON.stringify(service)}: not a service of this workspace; known: ${known.join(', ')}`);

  const context = buildContextFromEnv(ctx.env, ctx.config.defaultBranch, request.commit);
  if (request.commit !== undefined) await checkCheckout(ctx, root, request.commit);
  const repository = imageRepository(ctx.config.registry, context.owner, service);
  const tags = imageTags(repository, context.sha, context.trigger);
  if (request.kind === 'compute') return compute(ctx, service, context, tags, repository, request.json);
  const ref = parseImageRef(repository);
  const registry = await ctx.effects.registry(ref.registry ?? 'docker.io');
  if (request.kind === 'record') {
    const file = resolve(root, request.file);
    checkWritable(file, '--record');
    const pushed = await readImage(registry, ref.path, request.digest);
    if (pushed === undefined) throw new RegistryError(`${repository}@${request.digest}: the registry has no such manifest; was the push step's digest passed?`);
    const check = checkPushedImage(request.verifiedImageId, pushed, context.sha);
    if (check.kind === 'not-verified') {
      ctx.stderr(`error: ${service}: ${check.message}\n`);
      return EXIT.failed;
    }
    const [commitTag = ''] = tags;
    const tagged = await readImage(registry, ref.path, parseImageRef(commitTag).tag ?? '');
    const chosen = recordDigest(pushed.digest, commitTag, existing(tagged), context.sha);
    if (chosen.kind === 'conflict') {
      ctx.stderr(`error: ${service}: ${chosen.message}\n`);
      return EXIT.failed;
    }
    // The record pairs its digest with that image's own config: a re-run keeps the earlier digest, whose
    // build may differ from this run's (the base image moved in between).
    let imageId = request.verifiedImageId;
    if (chosen.kind === 'published-before') {
      imageId = tagged?.config ?? imageId;
      const differs = imageId === request.verifiedImageId ? '' : `; its image is ${imageId}, not this run's verified build ${request.verifiedImageId}`;
      ctx.stderr(
        `${service}: this commit was published before as ${chosen.digest}; the record and its tags keep that digest, and this run's push ${chosen.untagged} stays untagged${differs}\n`,
      );
    }
    const record = imageRecord(context, service, repository, tags, chosen.digest, imageId);
    writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, '--record');
    if (ctx.env['GITHUB_OUTPUT']) await writeStepOutputs({ digest: record.digest });
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(recordSummary(record));
    ctx.stdout(`${service}: ${repository}@${record.digest} (the verified image ${record.imageId}) recorded in ${request.file}\n`);
    return EXIT.ok;
  }
  return promote(ctx, registry, ref.path, service, tags, request.digest, context.sha, context.trigger.kind === 'branch' ? context.trigger.branch : undefined);
};

/**
 * `--commit` names the commit the build labels and tags (its commit tag never moves again), so it must be
 * the one checked out where the command runs, not taken on trust: a typo or a stale step output would
 * name the build of one commit after another. Checked before a tag is computed, a record written or a tag moved.
 */
async function checkCheckout(ctx: CommandContext, root: string, commit: string): Promise<void> {
  const git = await ctx.effects.git(root);
  try {
    const head = await git.resolveCommit('HEAD');
    if (head !== commit) {
      throw new InputError(
        `--commit ${commit}: the checkout in ${git.root} is at ${head ?? '(no commit)'}, not that commit; pass the commit checked out there (git rev-parse HEAD), or run in that commit's checkout (--cwd)`,
      );
    }
  } finally {
    git.close();
  }
}

async function promote(
  ctx: CommandContext,
  registry: RegistryClient,
  name: string,
  service: string,
  tags: readonly string[],
  recorded: string,
  sha: string,
  branch: string | undefined,
): Promise<number> {
  const [commitTag, ...branchTags] = tags.map((t) => parseImageRef(t).tag ?? '');
  let digest = recorded;
  // The digest must be an image of this commit (its revision label): a record of another commit, or another
  // GITHUB_SHA, would put this commit's tag, which never moves, on another commit's image.
  const promoted = await readImage(registry, name, recorded);
  if (promoted?.revision !== sha) {
    const what = promoted === undefined ? 'is no image in the registry' : `is an image of revision ${JSON.stringify(promoted.revision ?? '')}`;
    ctx.stderr(`error: ${service}: --promote ${recorded} ${what}, not of this commit ${sha}; promote the digest of this commit's record (image-${service})\n`);
    return EXIT.failed;
  }
  try {
    if (commitTag !== undefined) {
      // CI promotes once every leg and the checks are done: a release of this commit may have built and
      // tagged its own image meanwhile. One commit keeps one digest: the branch tags follow that image.
      const chosen = recordDigest(digest, commitTag, existing(await readImage(registry, name, commitTag)), sha);
      if (chosen.kind === 'conflict') {
        ctx.stderr(`error: ${service}: ${chosen.message}\n`);
        return EXIT.failed;
      }
      if (chosen.kind === 'published-before') {
        ctx.stdout(
          `${service}: ${commitTag} names ${chosen.digest}, an image of this commit published before (a release build); it stays, and the branch tags follow it, not ${digest}\n`,
        );
        digest = chosen.digest;
      } else {
        const outcome = await registry.tagDigest(name, digest, commitTag, 'immutable');
        ctx.stdout(`${service}: ${commitTag} ${outcome.kind === 'unchanged' ? 'names' : 'now names'} ${digest}\n`);
      }
    }
    // A build without a branch tag (a release build of a commit) asks GitHub nothing.
    if (branchTags.length === 0) return EXIT.ok;
    const github = await ctx.effects.github();
    // Whether the branch contains a commit now, as GitHub sees the branch (a force push may have moved it since this run started).
    const onBranch = async (commit: string | undefined): Promise<OnBranch> =>
      branch === undefined || commit === undefined ? 'unknown' : onBranchOf(await github.compare(commit, branch));
    const run = await onBranch(sha);
    for (const tag of branchTags) {
      const current = existing(await readImage(registry, name, tag));
      const unchanged = current === undefined || current.digest === digest;
      const ancestry = unchanged || run === 'no' || current.revision === undefined ? 'unknown' : await github.compare(current.revision, sha);
      const move = branchTagMove(tag, current, digest, sha, ancestry, { run, current: unchanged || run === 'no' ? 'unknown' : await onBranch(current.revision) });
      if (move.kind === 'keep') {
        ctx.stdout(`${service}: ${tag} stays: ${move.reason}\n`);
        continue;
      }
      await registry.tagDigest(name, digest, tag, 'move');
      ctx.stdout(`${service}: ${tag} now names ${digest} (${move.reason})\n`);
    }
  } catch (err) {
    if (!(err instanceof TagConflict)) throw err;
    ctx.stderr(`error: ${service}: ${err.message}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

async function compute(
  ctx: CommandContext,
  service: string,
  context: ReturnType<typeof buildContextFromEnv>,
  tags: readonly string[],
  repository: string,
  json: boolean,
): Promise<number> {
  const outputs = {
    tags: tags.join('\n'),
    labels: lines(imageLabels(context, service)),
    'build-args': lines(imageBuildArgs(context)),
    image: tags[0] ?? '',
    repository,
  };
  if (ctx.env['GITHUB_OUTPUT'] && !json) {
    await writeStepOutputs(outputs);
    ctx.stdout(`${service}: ${tags.join(' ')}\n`);
  } else {
    ctx.stdout(`${JSON.stringify(outputs)}\n`);
  }
  return EXIT.ok;
}
