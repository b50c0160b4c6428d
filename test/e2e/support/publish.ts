/**
 * The publish leg's builds as build-push-action runs them for its inputs: `docker buildx build` with
 * `--iidfile` (its `imageid` output) and `--metadata-file` (its `digest` output), the OCI labels and
 * build arguments of `pipeline tags`, the lab's local cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../../../scripts/io/container-engine.js';
import { type Lab, ROOT, SOURCE } from './lab.js';

export interface BuildOutput {
  /** What `--iidfile` holds: build-push-action's `imageid`. */
  readonly iid: string;
  /** The metadata file's `containerimage.digest`: build-push-action's `digest`. */
  readonly digest: string | undefined;
}

/** `docker buildx build` with the flags build-push-action passes for the leg's inputs. */
export async function buildx(work: string, service: string, tag: string, extra: readonly string[], lab: Pick<Lab, 'revision' | 'nodeImage' | 'cacheDir'>): Promise<BuildOutput> {
  const { revision, nodeImage, cacheDir } = lab;
  const iidfile = join(work, `iid-${Math.random().toString(36).slice(2)}`);
  const metadata = `${iidfile}.json`;
  const args = ['buildx', 'build', '--iidfile', iidfile, '--metadata-file', metadata, '--file', join(ROOT, 'services', service, 'Dockerfile')];
  for (const [k, v] of Object.entries({ SOURCE, REVISION: revision, ...(nodeImage ? { NODE_IMAGE: nodeImage } : {}) })) args.push('--build-arg', `${k}=${v}`);
  args.push(
    '--label',
    `org.opencontainers.image.source=${SOURCE}`,
    '--label',
    `org.opencontainers.image.revision=${revision}`,
    '--label',
    `org.opencontainers.image.title=${service}`,
  );
  if (cacheDir !== undefined) args.push('--cache-from', `type=local,src=${cacheDir}`);
  args.push('--tag', tag, ...extra, ROOT);
  const r = await exec('docker', args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const meta: unknown = JSON.parse(readFileSync(metadata, 'utf8'));
  const digest =
    typeof meta === 'object' && meta !== null && 'containerimage.digest' in meta && typeof meta['containerimage.digest'] === 'string' ? meta['containerimage.digest'] : undefined;
  return { iid: readFileSync(iidfile, 'utf8').trim(), digest };
}
