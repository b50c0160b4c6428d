/**
 * Every service image, end to end on a real engine and registry: build with buildx from the repository
 * root and the service's own Dockerfile, `pipeline verify-image` (healthy, non-root, node as PID 1 stopping on SIGTERM, only this service,
 * no devDependencies, no pnpm, OCI labels), push under the project's tag scheme to 127.0.0.1:5000, and
 * read the tags and the manifest digest back through the registry's HTTP API.
 */
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { imageTags, parseImageRef } from '../../scripts/core/images/index.js';
import { RULE_IDS } from '../../scripts/core/verify/rules.js';
import { exec } from '../../scripts/io/container-engine.js';
import { RegistryError } from '../../scripts/io/registry.js';
import { buildService } from './support/build.js';
import { pipeline } from './support/cli.js';
import { baseImageFlag, lab, labRepository, registryName, ROOT, SOURCE, services } from './support/lab.js';

// Every test asks for the lab itself: with no engine or registry each one fails (never skips) with the cause.
test('the lab is reachable: engine, buildx, compose, registry', async () => {
  const ready = await lab();
  expect(ready.engineVersion).toMatch(/^\d+\.\d+/);
  expect(await ready.registry.ping()).toBe(true);
});

test('the workspace has the 12 services of the brief', () => {
  expect(services).toHaveLength(12);
});

describe.each(services.map((s) => [s.folder] as const))('%s', (service) => {
  const repository = labRepository(service);
  let tags: string[];
  let imageId: string;

  test('builds with buildx from the repository root and its own Dockerfile', async () => {
    const l = await lab();
    tags = imageTags(repository, l.revision, { kind: 'branch', branch: 'main', defaultBranch: 'main' });
    expect(tags.map((t) => parseImageRef(t).tag)).toEqual([`sha-${l.revision.slice(0, 7)}`, 'main']);
    const build = await buildService(l, service, { tags, exportCache: true });
    imageId = build.imageId;
    expect(imageId).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(build.steps.length).toBeGreaterThan(0);
    expect(build.steps.filter((s) => s.status === 'error')).toEqual([]);
  });

  test('passes pipeline verify-image', async () => {
    const l = await lab();
    const r = await pipeline(['verify-image', service, '--image', tags[0] ?? '', '--revision', l.revision, '--source', SOURCE, '--cwd', ROOT, '--json', ...baseImageFlag(l)]);
    expect(JSON.parse(r.stdout), r.stderr).toEqual({
      service,
      image: tags[0],
      imageId,
      ok: true,
      results: RULE_IDS.map((rule) => ({ rule, ok: true, evidence: expect.any(String) })),
    });
    expect(r.code).toBe(0);
    // The processes as the container sees them (its own PID and user namespaces: under userns-remap the
    // host sees other IDs): node is PID 1 (no shell between the engine's signal and it), as uid 1000.
    const report: unknown = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      results: expect.arrayContaining([{ rule: 'non-root', ok: true, evidence: expect.stringContaining('pid 1 uid 1000 "node dist/index.js"') }]),
    });
    // node itself gets the engine's SIGTERM and stops by its own handler (exit 0), not by SIGKILL at the end of the grace period.
    expect(report).toMatchObject({
      results: expect.arrayContaining([
        {
          rule: 'signals',
          ok: true,
          evidence: expect.stringMatching(/^PID 1 is the CMD \["node","dist\/index\.js"\]; on SIGTERM it exited 0 after \d+\.\d s \(stop_grace_period 15 s\)$/),
        },
      ]),
    });
  });

  test('is pushed under the tag scheme; the registry returns the tags and the digest of this image', async () => {
    const l = await lab();
    for (const tag of tags) await l.engine.push(tag);
    const name = registryName(repository);
    const listed = await l.registry.tags(name);
    for (const tag of tags) expect(listed).toContain(parseImageRef(tag).tag);
    // With the containerd image store and --provenance=false the image ID is the manifest digest: the
    // registry must serve exactly the manifest that was built, under both tags.
    for (const tag of tags) expect(await l.registry.manifestDigest(name, parseImageRef(tag).tag ?? '')).toBe(imageId);
  });
});

describe('the one registry tag operation, against the real registry', () => {
  test('a single-manifest image keeps its digest under a new tag (imagetools create would wrap it in a new index)', async () => {
    const l = await lab();
    const name = registryName(labRepository(services[0]?.folder ?? ''));
    const pushedTag = imageTags(labRepository(services[0]?.folder ?? ''), l.revision, { kind: 'merge_group' })[0] ?? '';
    const digest = (await l.registry.manifestDigest(name, parseImageRef(pushedTag).tag ?? '')) ?? '';
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const tag = `promoted-${l.revision.slice(0, 7)}`;
    expect((await l.registry.tagDigest(name, digest, tag, 'move')).kind).toMatch(/^(created|moved|unchanged)$/);
    expect(await l.registry.manifestDigest(name, tag)).toBe(digest);
    expect(await l.registry.manifest(name, tag)).toMatchObject({ digest, children: [] });
  });

  test('a digest the registry does not hold: a RegistryError naming it, and no tag', async () => {
    const l = await lab();
    const name = registryName(labRepository(services[0]?.folder ?? ''));
    const missing = `sha256:${'0'.repeat(64)}`;
    await expect(l.registry.tagDigest(name, missing, `never-${l.revision.slice(0, 7)}`, 'move')).rejects.toThrow(RegistryError);
    await expect(l.registry.tagDigest(name, missing, `never-${l.revision.slice(0, 7)}`, 'move')).rejects.toThrow(`${name}@${missing}: no such manifest; nothing to tag`);
    expect(await l.registry.tags(name)).not.toContain(`never-${l.revision.slice(0, 7)}`);
  });
});

describe('verify-image and the base image', () => {
  test('a base the image is not built on (another image named by --base-image) is refused, exit 2, before any container starts', async () => {
    const l = await lab();
    const [first, second] = services.map((s) => `${labRepository(s.folder)}:sha-${l.revision.slice(0, 7)}`);
    const r = await pipeline(['verify-image', services[0]?.folder ?? '', '--image', first ?? '', '--base-image', second ?? '', '--cwd', ROOT]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `is not built on ${second?.replace(/[.:]/g, '\\$&')} \\(--base-image\\): the 3 layers of .* are not its first ones, even after pulling it again; pass --base-image`,
      ),
    );
    expect(r.stdout).toBe('');
  });
});

describe("verify-image's probe containers", () => {
  const OWNER = 'io.kodingcaravan.verify-image.owner';
  const probesOf = async (owner: string) =>
    (await exec('docker', ['container', 'ls', '--all', '--quiet', '--filter', `label=${OWNER}=${owner}`])).stdout.split('\n').filter((id) => id !== '');
  const imageOf = async () => `${labRepository(services[0]?.folder ?? '')}:sha-${(await lab()).revision.slice(0, 7)}`;

  test('a SIGTERM while the container runs removes it, and the run exits 143 saying so', async () => {
    const image = await imageOf();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/pipeline.ts'), 'verify-image', services[0]?.folder ?? '', '--image', image, '--cwd', ROOT, ...baseImageFlag(await lab())],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stderr: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const owner = `${child.pid}@${hostname()}`;
    try {
      let probes: string[] = [];
      for (let i = 0; i < 300 && probes.length === 0; i++) {
        probes = await probesOf(owner);
        if (probes.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(probes, `no container labelled ${OWNER}=${owner} appeared`).toHaveLength(1);
      process.kill(child.pid ?? 0, 'SIGTERM');
      expect(await exited, Buffer.concat(stderr).toString()).toBe(143);
      expect(Buffer.concat(stderr).toString()).toMatch(/interrupted by SIGTERM; its probe container was removed/);
      expect(await probesOf(owner)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const id of await probesOf(owner)) await exec('docker', ['container', 'rm', '--force', id]);
    }
  });

  test("the next run removes a probe container whose run is gone, and leaves a running run's alone", async () => {
    const l = await lab();
    const image = await imageOf();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const leftOwner = `${gone}@${hostname()}`;
    // This test's own process is alive: a container labelled with it stands for a run still going.
    const liveOwner = `${process.pid}@${hostname()}`;
    const left = (await exec('docker', ['container', 'create', '--label', `${OWNER}=${leftOwner}`, image])).stdout.trim();
    const live = (await exec('docker', ['container', 'create', '--label', `${OWNER}=${liveOwner}`, image])).stdout.trim();
    try {
      const r = await pipeline(['verify-image', services[0]?.folder ?? '', '--image', image, '--revision', l.revision, '--source', SOURCE, '--cwd', ROOT, ...baseImageFlag(l)]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(await probesOf(leftOwner)).toEqual([]);
      expect(await probesOf(liveOwner)).toEqual([live.slice(0, 12)]);
    } finally {
      await exec('docker', ['container', 'rm', '--force', left, live]);
    }
  });
});
