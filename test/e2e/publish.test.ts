/**
 * The publish leg of ci.yml, end to end on the lab's real BuildKit (docker driver, containerd image
 * store) and registry, with the buildx flags docker/build-push-action passes for the leg's inputs:
 * build and load (provenance off) → `pipeline verify-image` → attested push (provenance mode=max) →
 * `pipeline tags --record` → `pipeline tags --promote`.
 *
 * Two differences from GitHub, both forced by what the lab can do:
 * - the push goes to a throwaway tag, not `push-by-digest=true,name-canonical=true`: BuildKit's docker
 *   driver does not implement push by digest (the `docker-container` driver, used on GitHub, does);
 *   the digest the record and the tags use is the same either way (the metadata file's
 *   `containerimage.digest`, build-push-action's `digest` output);
 * - no SBOM: its scanner image comes from Docker Hub, which cannot be reached here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { run as tags } from '../../scripts/commands/tags.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { imageRepository } from '../../scripts/core/images/index.js';
import { exec } from '../../scripts/io/container-engine.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { runCommand } from '../support/cli.js';
import { pipeline } from './support/cli.js';
import { lab, REGISTRY_HOST, ROOT, SOURCE } from './support/lab.js';

const SERVICE = 'notification-service';
// A namespace of its own per run: the commit tags of earlier runs (and of images.test.ts) stay apart.
const NAMESPACE = `publish-e2e-${Date.now().toString(36)}`;
const config: PipelineConfig = { ...pipelineConfig, registry: { kind: 'custom', host: REGISTRY_HOST, namespace: NAMESPACE, usernameSecret: 'U', passwordSecret: 'P' } };
const repository = imageRepository(config.registry, 'unused', SERVICE);
const name = `${NAMESPACE}/${SERVICE}`;
const work = mkdtempSync(join(tmpdir(), 'publish-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface BuildOutput {
  /** What `--iidfile` holds: build-push-action's `imageid`. */
  readonly iid: string;
  /** The metadata file's `containerimage.digest`: build-push-action's `digest`. */
  readonly digest: string | undefined;
}

/** `docker buildx build` with the flags build-push-action passes for the leg's inputs. */
async function buildx(tag: string, extra: readonly string[], revision: string, nodeImage: string | undefined, cacheDir: string | undefined): Promise<BuildOutput> {
  const iidfile = join(work, `iid-${Math.random().toString(36).slice(2)}`);
  const metadata = `${iidfile}.json`;
  const args = ['buildx', 'build', '--iidfile', iidfile, '--metadata-file', metadata, '--file', join(ROOT, 'services', SERVICE, 'Dockerfile')];
  for (const [k, v] of Object.entries({ SOURCE, REVISION: revision, ...(nodeImage ? { NODE_IMAGE: nodeImage } : {}) })) args.push('--build-arg', `${k}=${v}`);
  args.push(
    '--label',
    `org.opencontainers.image.source=${SOURCE}`,
    '--label',
    `org.opencontainers.image.revision=${revision}`,
    '--label',
    `org.opencontainers.image.title=${SERVICE}`,
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

function githubEnv(sha: string): Record<string, string> {
  return { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha, GITHUB_REPOSITORY: 'kodingcaravan/kodingcaravan', GITHUB_SERVER_URL: 'https://github.com' };
}

/** GitHub's compare API is not needed here (the repository is new: `main` does not exist yet); asking for it fails the test. */
const noGitHub = { github: async () => Promise.reject(new Error('the GitHub API was asked for, but main did not exist yet')) };

describe('the publish leg against the real builder and registry, with provenance', () => {
  let verified: BuildOutput;
  let pushed: BuildOutput;

  test('build and load (provenance off), then pipeline verify-image', async () => {
    const l = await lab();
    verified = await buildx(`${repository}:sha-${l.revision.slice(0, 7)}`, ['--provenance', 'false', '--load'], l.revision, l.nodeImage, l.cacheDir);
    expect(verified.iid).toMatch(/^sha256:[a-f0-9]{64}$/);
    const r = await pipeline(['verify-image', SERVICE, '--image', `${repository}:sha-${l.revision.slice(0, 7)}`, '--revision', l.revision, '--source', SOURCE, '--cwd', ROOT]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  test("the attested push: its iidfile is the index digest, not the loaded build's config digest (the check must not compare them)", async () => {
    const l = await lab();
    pushed = await buildx(
      `${repository}:throwaway-${Date.now().toString(36)}`,
      ['--provenance', 'mode=max', '--output', `type=image,name=${repository}:throwaway-${Date.now().toString(36)},push=true`],
      l.revision,
      l.nodeImage,
      l.cacheDir,
    );
    expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(pushed.iid).toBe(pushed.digest);
    expect(pushed.iid).not.toBe(verified.iid);
    const index = await l.registry.document(name, pushed.digest ?? '');
    expect(index?.document.kind).toBe('index');
    // The index's platform manifest names the very config the loaded (verified) build has.
    const platform = index?.document.kind === 'index' ? index.document.manifests.filter((m) => m.platform?.os === 'linux') : [];
    expect(platform).toHaveLength(1);
    const image = await l.registry.document(name, platform[0]?.digest ?? '');
    expect(image?.document.kind === 'image' ? image.document.config : undefined).toBe(verified.iid);
  });

  test('record: the pushed image is the verified one; the record names the pushed digest', async () => {
    const l = await lab();
    const file = join(work, 'image.json');
    const r = await runCommand(tags, ['--service', SERVICE, '--digest', pushed.digest ?? '', '--verified-image-id', verified.iid, '--record', file], {
      env: githubEnv(l.revision),
      config,
      effects: noGitHub,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ service: SERVICE, repository, digest: pushed.digest, imageId: verified.iid, revision: l.revision });
  });

  test('promote: the commit tag and main name exactly the pushed digest', async () => {
    const l = await lab();
    const r = await runCommand(tags, ['--service', SERVICE, '--promote', pushed.digest ?? ''], { env: githubEnv(l.revision), config, effects: noGitHub });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await l.registry.manifestDigest(name, `sha-${l.revision.slice(0, 7)}`)).toBe(pushed.digest);
    expect(await l.registry.manifestDigest(name, 'main')).toBe(pushed.digest);
  });

  test('a push of a different image is refused by the record step, and writes no record', async () => {
    const l = await lab();
    // Another build (a different label: another config) pushed with attestations.
    const other = await buildx(
      `${repository}:other-${Date.now().toString(36)}`,
      ['--label', 'e2e.other=yes', '--provenance', 'mode=max', '--output', `type=image,name=${repository}:other-${Date.now().toString(36)},push=true`],
      l.revision,
      l.nodeImage,
      l.cacheDir,
    );
    const file = join(work, 'other.json');
    const r = await runCommand(tags, ['--service', SERVICE, '--digest', other.digest ?? '', '--verified-image-id', verified.iid, '--record', file], {
      env: githubEnv(l.revision),
      config,
      effects: noGitHub,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`but the verified image has config ${verified.iid}`);
    expect(() => readFileSync(file)).toThrow();
  });
});
