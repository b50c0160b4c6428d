/**
 * `pipeline tags --service S [--cwd DIR] [--json]`: the image tags, OCI labels and build arguments of
 * one service build, from the GitHub Actions environment (GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_SHA,
 * GITHUB_REPOSITORY[_OWNER], GITHUB_SERVER_URL), written as step outputs for docker/build-push-action:
 * `tags`, `labels`, `build-args` (one per line), `image` (the `sha-<7 hex>` reference, for
 * verify-image) and `repository`. Without GITHUB_OUTPUT, or with --json, they are printed as JSON.
 *
 * `pipeline tags --service S --digest sha256:... --record FILE`: after a push, writes the image record
 * (service, repository, digest, tags, revision) to FILE and to the job summary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pipelineConfig } from '../../workflows-src/pipeline.config.js';
import { parseCommandArgs } from '../core/args.js';
import { buildContextFromEnv, imageBuildArgs, imageLabels, imageRecord, recordSummary } from '../core/build-metadata.js';
import { InputError } from '../core/errors.js';
import { imageRepository, imageTags } from '../core/images/index.js';
import { appendStepSummary, writeStepOutputs } from '../io/step-outputs.js';
import { loadWorkspace } from '../io/workspace-fs.js';
import type { Command } from './types.js';

const lines = (record: Readonly<Record<string, string>>): string =>
  Object.entries(record)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

export const run: Command = async (argv, ctx) => {
  const { values } = parseCommandArgs('tags', argv, {
    service: { type: 'string' },
    digest: { type: 'string' },
    record: { type: 'string' },
    cwd: { type: 'string' },
    json: { type: 'boolean' },
  });
  const service = values.service;
  if (service === undefined) throw new InputError('pipeline tags: --service is required; expected: pipeline tags --service <service folder, e.g. api-gateway>');
  if ((values.digest === undefined) !== (values.record === undefined)) {
    throw new InputError('pipeline tags: --digest and --record go together; expected: pipeline tags --service S --digest sha256:<hex> --record FILE');
  }
  const root = resolve(ctx.cwd, values.cwd ?? '.');
  const { marker, dockerfileTargets } = pipelineConfig.services;
  const known = loadWorkspace(root, { serviceMarker: marker, serviceGlobs: dockerfileTargets }).services.map((s) => s.folder);
  if (!known.includes(service)) throw new InputError(`--service ${JSON.stringify(service)}: not a service of this workspace; known: ${known.join(', ')}`);

  const context = buildContextFromEnv(ctx.env, pipelineConfig.defaultBranch);
  const repository = imageRepository(pipelineConfig.registry, context.owner, service);
  const tags = imageTags(repository, context.sha, context.trigger);

  if (values.digest !== undefined && values.record !== undefined) {
    const record = imageRecord(context, service, repository, tags, values.digest);
    const file = resolve(root, values.record);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    const summary = ctx.env['GITHUB_STEP_SUMMARY'];
    if (summary) appendStepSummary(summary, recordSummary(record));
    ctx.stdout(`${service}: ${repository}@${record.digest} recorded in ${values.record}\n`);
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
  if (outputFile && !values.json) {
    writeStepOutputs(outputFile, outputs);
    ctx.stdout(`${service}: ${tags.join(' ')}\n`);
  } else {
    ctx.stdout(`${JSON.stringify(outputs)}\n`);
  }
  return 0;
};
