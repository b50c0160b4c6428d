/**
 * `pipeline tags --service S [--cwd DIR] [--json]`: the image tags, OCI labels and build arguments of
 * one service build, from the GitHub Actions environment (GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_SHA,
 * GITHUB_REPOSITORY[_OWNER], GITHUB_SERVER_URL), written as step outputs for docker/build-push-action:
 * `tags`, `labels`, `build-args` (one per line), `image` (the `sha-<7 hex>` reference, for
 * verify-image) and `repository`. Without GITHUB_OUTPUT, or with --json, they are printed as JSON.
 *
 * `pipeline tags --service S --digest sha256:... --verified-image-id sha256:... --pushed-image-id
 * sha256:... --record FILE`: after a push, checks that the pushed image is the verified one (same
 * config digest) and writes the image record (service, repository, digest, image id, tags, revision)
 * to FILE and to the job summary. A pushed image that is not the verified one is exit 1, no record.
 *
 * `pipeline tags --service S --promote sha256:...`: after the record, moves the build's tags onto the
 * image pushed by that digest (`docker buildx imagetools create`, with the registry login of the job).
 * The push names no tag, so a tag only ever names an image that was verified.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pipelineConfig } from '../../workflows-src/pipeline.config.js';
import { parseCommandArgs } from '../core/args.js';
import {
  buildContextFromEnv,
  checkPushedImage,
  imageBuildArgs,
  imageLabels,
  imageRecord,
  type PushReport,
  parsePushReport,
  promotion,
  recordSummary,
} from '../core/build-metadata.js';
import { InputError } from '../core/errors.js';
import { imageRepository, imageTags } from '../core/images/index.js';
import { EngineError, registryTagger } from '../io/container-engine.js';
import { appendStepSummary, writeStepOutputs } from '../io/step-outputs.js';
import { loadWorkspace } from '../io/workspace-fs.js';
import type { Command } from './types.js';

type Request =
  | { readonly kind: 'compute'; readonly service: string; readonly cwd: string; readonly json: boolean }
  | { readonly kind: 'record'; readonly service: string; readonly cwd: string; readonly file: string; readonly push: PushReport }
  | { readonly kind: 'promote'; readonly service: string; readonly cwd: string; readonly digest: string };

const PROMOTE_USAGE = 'pipeline tags --service S --promote sha256:<hex>';
const RECORD_USAGE = 'pipeline tags --service S --digest sha256:<hex> --verified-image-id sha256:<hex> --pushed-image-id sha256:<hex> --record FILE';

function parseRequest(argv: readonly string[]): Request {
  const { values } = parseCommandArgs('tags', argv, {
    service: { type: 'string' },
    digest: { type: 'string' },
    'verified-image-id': { type: 'string' },
    'pushed-image-id': { type: 'string' },
    record: { type: 'string' },
    promote: { type: 'string' },
    cwd: { type: 'string' },
    json: { type: 'boolean' },
  });
  const service = values.service;
  if (service === undefined) throw new InputError('pipeline tags: --service is required; expected: pipeline tags --service <service folder, e.g. api-gateway>');
  const cwd = values.cwd ?? '.';
  const { digest, record: file } = values;
  const verifiedImageId = values['verified-image-id'];
  const pushedImageId = values['pushed-image-id'];
  const recordFlags = [digest, verifiedImageId, pushedImageId, file];
  if (values.promote !== undefined) {
    if (recordFlags.some((v) => v !== undefined) || values.json) throw new InputError(`pipeline tags: --promote goes alone; expected: ${PROMOTE_USAGE}`);
    return { kind: 'promote', service, cwd, digest: values.promote };
  }
  if (recordFlags.every((v) => v === undefined)) return { kind: 'compute', service, cwd, json: values.json ?? false };
  if (digest === undefined || verifiedImageId === undefined || pushedImageId === undefined || file === undefined) {
    throw new InputError(`pipeline tags: --digest, --verified-image-id, --pushed-image-id and --record go together; expected: ${RECORD_USAGE}`);
  }
  return { kind: 'record', service, cwd, file, push: parsePushReport({ digest, verifiedImageId, pushedImageId }) };
}

const lines = (record: Readonly<Record<string, string>>): string =>
  Object.entries(record)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

export const run: Command = async (argv, ctx) => {
  const request = parseRequest(argv);
  const { service } = request;
  const root = resolve(ctx.cwd, request.cwd);
  const { marker, dockerfileTargets } = pipelineConfig.services;
  const known = loadWorkspace(root, { serviceMarker: marker, serviceGlobs: dockerfileTargets }).services.map((s) => s.folder);
  if (!known.includes(service)) throw new InputError(`--service ${JSON.stringify(service)}: not a service of this workspace; known: ${known.join(', ')}`);

  const context = buildContextFromEnv(ctx.env, pipelineConfig.defaultBranch);
  const repository = imageRepository(pipelineConfig.registry, context.owner, service);
  const tags = imageTags(repository, context.sha, context.trigger);

  if (request.kind === 'promote') {
    const { source, tags: names } = promotion(repository, request.digest, tags);
    try {
      await registryTagger().tag(source, names);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      ctx.stderr(`error: ${service}: cannot tag ${source}: ${err.message}\n`);
      return 1;
    }
    ctx.stdout(`${service}: ${names.join(' ')} now name ${source}\n`);
    return 0;
  }

  if (request.kind === 'record') {
    const check = checkPushedImage(request.push);
    if (check.kind === 'not-verified') {
      ctx.stderr(`error: ${service}: ${check.message}\n`);
      return 1;
    }
    const record = imageRecord(context, service, repository, tags, request.push.digest, check.imageId);
    const file = resolve(root, request.file);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(recordSummary(record));
    ctx.stdout(`${service}: ${repository}@${record.digest} (the verified image ${record.imageId}) recorded in ${request.file}\n`);
    return 0;
  }

  const outputs = {
    tags: tags.join('\n'),
    labels: lines(imageLabels(context, service)),
    'build-args': lines(imageBuildArgs(context)),
    image: tags[0] ?? '',
    repository,
  };
  const outputFile = ctx.env['GITHUB_OUTPUT'];
  if (outputFile && !request.json) {
    await writeStepOutputs(outputs);
    ctx.stdout(`${service}: ${tags.join(' ')}\n`);
  } else {
    ctx.stdout(`${JSON.stringify(outputs)}\n`);
  }
  return 0;
};
