/** Building service images the way CI does: `docker buildx build` from the repository root with the service's Dockerfile. */
import { join } from 'node:path';
import { type BuildStep, parseBuildProgress } from '../../../scripts/core/verify/build-steps.js';
import { type Lab, ROOT, SOURCE } from './lab.js';

export interface BuildOptions {
  readonly tags: readonly string[];
  /** The build context (default: the repository root). */
  readonly context?: string;
  /** Default: `<context>/services/<service>/Dockerfile`. */
  readonly dockerfile?: string;
  /** Pass SOURCE and REVISION (the OCI labels); default true. */
  readonly labels?: boolean;
  /** Write the BuildKit local cache too (reads it always when the lab has one). */
  readonly exportCache?: boolean;
  /** The base (`--build-arg NODE_IMAGE`), default the lab's. */
  readonly nodeImage?: string;
}

export interface ServiceBuild {
  readonly imageId: string;
  readonly steps: readonly BuildStep[];
}

export async function buildService(lab: Lab, service: string, options: BuildOptions): Promise<ServiceBuild> {
  const context = options.context ?? ROOT;
  const buildArgs: Record<string, string> = {};
  const nodeImage = options.nodeImage ?? lab.nodeImage;
  if (nodeImage !== undefined) buildArgs['NODE_IMAGE'] = nodeImage;
  if (options.labels ?? true) {
    buildArgs['SOURCE'] = SOURCE;
    buildArgs['REVISION'] = lab.revision;
  }
  const result = await lab.engine.build({
    context,
    dockerfile: options.dockerfile ?? join(context, 'services', service, 'Dockerfile'),
    tags: options.tags,
    buildArgs,
    ...(lab.cacheDir === undefined ? {} : { cacheDir: lab.cacheDir, exportCache: options.exportCache ?? false }),
  });
  return { imageId: result.imageId, steps: parseBuildProgress(result.progress) };
}
