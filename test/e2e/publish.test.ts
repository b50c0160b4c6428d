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
import { pipelineConfig } from '../../pipeline.config.js';
import { runCommand } from '../support/cli.js';
import { compareFrom } from '../support/github-compare.js';
import { pipeline } from './support/cli.js';
import { baseImageFlag, lab, REGISTRY_HOST, ROOT, SOURCE } from './support/lab.js';
import { type BuildOutput, buildx } from './support/publish.js';

const SERVICE = 'notification-service';
// A namespace of its own per run: the commit tags of earlier runs (and of images.test.ts) stay apart.
const NAMESPACE = `publish-e2e-${Date.now().toString(36)}`;
const config: PipelineConfig = { ...pipelineConfig, registry: { kind: 'custom', host: REGISTRY_HOST, namespace: NAMESPACE, usernameSecret: 'U', passwordSecret: 'P' } };
const repository = imageRepository(config.registry, 'unused', SERVICE);
const name = `${NAMESPACE}/${SERVICE}`;
const work = mkdtempSync(join(tmpdir(), 'publish-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function githubEnv(sha: string): Record<string, string> {
  return { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha, GITHUB_REPOSITORY: 'kodingcaravan/kodingcaravan', GITHUB_SERVER_URL: 'https://github.com' };
}

/** The record step never asks GitHub; asking fails the test. */
const noGitHub = { github: async () => Promise.reject(new Error('the GitHub API was asked for by a step that needs none')) };

describe('the publish leg against the real builder and registry, with provenance', () => {
  let verified: BuildOutput;
  let pushed: BuildOutput;

  test('build and load (provenance off), then pipeline verify-image', async () => {
    const l = await lab();
    verified = await buildx(work, SERVICE, `${repository}:sha-${l.revision.slice(0, 7)}`, ['--provenance', 'false', '--load'], l);
    expect(verified.iid).toMatch(/^sha256:[a-f0-9]{64}$/);
    const r = await pipeline([
      'verify-image',
      SERVICE,
      '--image',
      `${repository}:sha-${l.revision.slice(0, 7)}`,
      '--revision',
      l.revision,
      '--source',
      SOURCE,
      '--cwd',
      ROOT,
      ...baseImageFlag(l),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  test("the attested push: its iidfile is the index digest, not the loaded build's config digest (the check must not compare them)", async () => {
    const l = await lab();
    pushed = await buildx(
      work,
      SERVICE,
      `${repository}:throwaway-${Date.now().toString(36)}`,
      ['--provenance', 'mode=max', '--output', `type=image,name=${repository}:throwaway-${Date.now().toString(36)},push=true`],
      l,
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
    // GitHub is asked only whether main holds this commit (main does not exist in the registry yet), answered
    // by git in this checkout, which stands for main.
    const asked: string[] = [];
    const github = compareFrom(ROOT, { main: 'HEAD' });
    const compare = github.compare;
    const r = await runCommand(tags, ['--service', SERVICE, '--promote', pushed.digest ?? ''], {
      env: githubEnv(l.revision),
      config,
      effects: {
        github: async () => ({
          ...github,
          compare: (base, head) => {
            asked.push(`${base}...${head}`);
            return compare(base, head);
          },
        }),
      },
    });
    expect(asked).toEqual([`${l.revision}...main`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await l.registry.manifestDigest(name, `sha-${l.revision.slice(0, 7)}`)).toBe(pushed.digest);
    expect(await l.registry.manifestDigest(name, 'main')).toBe(pushed.digest);
  });

  test('a push of a different image is refused by the record step, and writes no record', async () => {
    const l = await lab();
    // Another build (a different label: another config) pushed with attestations.
    const other = await buildx(
      work,
      SERVICE,
      `${repository}:other-${Date.now().toString(36)}`,
      ['--label', 'e2e.other=yes', '--provenance', 'mode=max', '--output', `type=image,name=${repository}:other-${Date.now().toString(36)},push=true`],
      l,
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
