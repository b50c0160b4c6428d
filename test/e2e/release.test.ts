/**
 * A release on the lab's real registry: release.yml's build (CI's publish steps) pushes an attested image of
 * this commit as a manual run of another ref does, the run's own GITHUB_SHA being another commit (buildx,
 * `pipeline tags --commit --record`, `--promote`), then `pipeline release cut` promotes that very digest:
 * the version tags are read back from the registry and name the digest CI pushed. The GitHub API is a
 * local server that stands in for GitHub (checked against its OpenAPI description, test/support/github/):
 * GitHub cannot be reached from here. Also measured: the release against a rebuild of the image
 * (bench/README.md reports it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run as release } from '../../scripts/commands/release/index.js';
import { run as tags } from '../../scripts/commands/tags.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { imageRepository } from '../../scripts/core/images/index.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { runCommand } from '../support/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github/server.js';
import { lab, REGISTRY_HOST, ROOT } from './support/lab.js';
import { buildx } from './support/publish.js';

const SERVICE = 'payment-service';
const NAMESPACE = `release-e2e-${Date.now().toString(36)}`;
const config: PipelineConfig = {
  ...pipelineConfig,
  publishRepository: 'kodingcaravan/kodingcaravan',
  registry: { kind: 'custom', host: REGISTRY_HOST, namespace: NAMESPACE, usernameSecret: 'U', passwordSecret: 'P' },
};
const repository = imageRepository(config.registry, 'unused', SERVICE);
const name = `${NAMESPACE}/${SERVICE}`;
const work = mkdtempSync(join(tmpdir(), 'release-e2e-'));
let github: GitHubStandIn;

beforeAll(async () => {
  const l = await lab();
  github = await startGitHubStandIn({ owner: 'kodingcaravan', repo: 'kodingcaravan', commits: [l.revision] });
});
afterAll(async () => {
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
    rmSync(work, { recursive: true, force: true });
  }
});

// A manual run started on main, whose head (GITHUB_SHA) is another commit than the ref it releases.
const dispatchEnv = { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'f'.repeat(40), GITHUB_REPOSITORY: 'kodingcaravan/kodingcaravan' };
// A build without a branch tag asks GitHub nothing.
const noCompare = { github: async () => Promise.reject(new Error('a release build has no branch tag to compare')) };

describe('release a CI image by digest on the real registry', () => {
  let pushed = '';

  test("release.yml's build of the released ref: build and load, attested push, record and promote as that commit (--commit)", async () => {
    const l = await lab();
    const verified = await buildx(work, SERVICE, `${repository}:sha-${l.revision.slice(0, 7)}`, ['--provenance', 'false', '--load'], l);
    const push = await buildx(
      work,
      SERVICE,
      `${repository}:push`,
      ['--provenance', 'mode=max', '--output', `type=image,name=${repository}:push-${Date.now().toString(36)},push=true`],
      l,
    );
    pushed = push.digest ?? '';
    const commit = ['--service', SERVICE, '--commit', l.revision];
    const record = await runCommand(tags, [...commit, '--digest', pushed, '--verified-image-id', verified.iid, '--record', join(work, 'record.json')], {
      env: dispatchEnv,
      config,
      effects: noCompare,
    });
    expect(record.code, record.stderr).toBe(0);
    const promote = await runCommand(tags, [...commit, '--promote', pushed], { env: dispatchEnv, config, effects: noCompare });
    expect(promote.code, promote.stderr).toBe(0);
    expect(await l.registry.manifestDigest(name, `sha-${l.revision.slice(0, 7)}`)).toBe(pushed);
    expect(await l.registry.manifestDigest(name, 'main')).toBeUndefined();
  });

  test('release cut: the version tags name the very digest CI pushed, and a Release is published', async () => {
    const l = await lab();
    const started = performance.now();
    const r = await runCommand(release, ['cut', SERVICE, '--version', '7.1.0', '--ref', l.revision, '--json'], {
      cwd: ROOT,
      env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghs_standin', GITHUB_REPOSITORY: 'kodingcaravan/kodingcaravan' },
      config,
    });
    const seconds = (performance.now() - started) / 1000;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ digest: pushed, imageTags: ['7.1.0', '7.1', '7', 'latest'] });
    for (const t of ['7.1.0', '7.1', '7', 'latest']) expect(await l.registry.manifestDigest(name, t)).toBe(pushed);
    expect(github.state.refs.get('refs/tags/payment-service@7.1.0')).toBe(l.revision);
    expect([...github.state.releases.values()].map((x) => ({ tag: x.tagName, draft: x.draft }))).toEqual([{ tag: 'payment-service@7.1.0', draft: false }]);
    process.stdout.write(`bench: release cut of an already-built image took ${seconds.toFixed(2)} s\n`);
  });
});
