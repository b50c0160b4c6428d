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
  let r = await exec('docker', args);
  // The lab's builder (the docker driver on the containerd image store) pushes twice: BuildKit's own push,
  // then "pushing <name> with docker" (seen with `--progress plain`; GitHub's docker-container builder pushes
  // once). That second push once failed on the lab's registry (HTTP 500 "invalid checksum digest format" on a
  // HEAD of the tag just pushed) after the first had succeeded: a failure of that second push alone is the
  // lab's, and the build (cached by then) runs once more; any other failure fails the test.
  if (r.code !== 0 && reachedSecondPush(r.stderr)) {
    process.stderr.write(`lab: the docker driver's second push failed (${lastLine(r.stderr)}); building once more\n`);
    r = await exec('docker', args);
  }
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const meta: unknown = JSON.parse(readFileSync(metadata, 'utf8'));
  const digest =
    typeof meta === 'object' && meta !== null && 'containerimage.digest' in meta && typeof meta['containerimage.digest'] === 'string' ? meta['containerimage.digest'] : undefined;
  return { iid: readFileSync(iidfile, 'utf8').trim(), digest };
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

/** In a failed build's progress: BuildKit's push finished ("pushing manifest for ... done") and the engine's second push had started, so that is the push that failed. */
export function reachedSecondPush(progress: string): boolean {
  // BuildKit's plain progress leaves the duration out of a step that ended within one refresh.
  const first = progress.search(/pushing manifest for \S+(?: [\d.]+s)? done/);
  const second = progress.search(/pushing \S+ with docker/);
  return first !== -1 && second > first;
}
