/**
 * `pipeline release` end to end over real parts where they can run here: real temporary git
 * repositories (tag histories for several services, prereleases, a release whose only change is in a
 * shared package, a lockfile-only change), Octokit over real HTTP. Two stand-ins, because the real
 * services cannot be reached from here: a local server that stands in for GitHub (every request and
 * response checked against GitHub's OpenAPI description, test/support/github/) and one that stands in
 * for GHCR (test/support/oci-registry.ts, demanding a token as GHCR does). The lab's real registry
 * runs the same release in test/e2e/release.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { run } from '../../scripts/commands/release/index.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { cleanup, commit, git, lockfile, makeRepo, WORKSPACE } from '../pipeline/affected/fixture.js';
import { type RunResult, runCommand } from '../support/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github/server.js';
import { pushAttestedImage, type RegistryStandIn, startRegistry } from '../support/oci-registry.js';

const OWNER = 'acme';
const REPO = 'shop';
let registry: RegistryStandIn;
let github: GitHubStandIn;
let config: PipelineConfig;
let root = '';
let dockerConfig = '';
const marker = join(tmpdir(), `release-marker-${process.pid}`);

beforeAll(async () => {
  registry = await startRegistry({ auth: { username: 'bot', password: 'pw' } });
  config = {
    ...pipelineConfig,
    publishRepository: `${OWNER}/${REPO}`,
    registry: { kind: 'custom', host: registry.host, namespace: OWNER, usernameSecret: 'U', passwordSecret: 'P' },
  };
  dockerConfig = mkdtempSync(join(tmpdir(), 'release-docker-'));
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('bot:pw').toString('base64') } } }));
});
afterAll(async () => {
  await registry.close();
  rmSync(dockerConfig, { recursive: true, force: true });
  cleanup();
});

/** Commits of the repository, oldest first: what the GitHub stand-in knows. */
const commits = () => git(root, 'rev-list', '--reverse', 'HEAD').split('\n');

/** A new stand-in that knows the commits made since (the one of this test is closed first). */
async function restartGitHub(): Promise<void> {
  github.assertNoViolations();
  await github.close();
  github = await startGitHubStandIn({ owner: OWNER, repo: REPO, commits: commits() });
}

beforeEach(async () => {
  ({ root } = makeRepo());
  github = await startGitHubStandIn({ owner: OWNER, repo: REPO, commits: commits() });
});
afterEach(async () => {
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
  }
  expect(existsSync(marker)).toBe(false);
});

const env = () => ({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghs_standin', GITHUB_REPOSITORY: `${OWNER}/${REPO}`, DOCKER_CONFIG: dockerConfig });
const release = (...argv: string[]): Promise<RunResult> => runCommand(run, argv, { cwd: root, env: env(), config });

/** What CI's publish leg leaves for a service at a commit: an attested image under `sha-<7>`. */
function publishCi(service: string, sha: string): string {
  return pushAttestedImage(registry, `${OWNER}/${service}`, { 'org.opencontainers.image.revision': sha, run: Math.random().toString(36) }, `sha-${sha.slice(0, 7)}`).index;
}

const tagsOf = () => [...github.state.refs.keys()].filter((r) => r.startsWith('refs/tags/')).sort();
const releases = () => [...github.state.releases.values()].map((r) => ({ tag: r.tagName, draft: r.draft }));

describe('release cut', () => {
  test('a first release: the version from package.json, the git tag, the image tags on the tested digest, a published Release with notes', async () => {
    const head = commit(root, 'feat(alpha): a greeting route', { 'services/alpha/src/main.ts': 'export const hi = 1;\n' });
    await restartGitHub();
    const digest = publishCi('alpha', head);
    const r = await release('cut', 'alpha', '--bump', 'auto', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out: unknown = JSON.parse(r.stdout);
    expect(out).toMatchObject({ service: 'alpha', version: '1.0.0', tag: 'alpha@1.0.0', commit: head, digest, imageTags: ['1.0.0', '1.0', '1', 'latest'] });
    expect(tagsOf()).toEqual(['refs/tags/alpha@1.0.0']);
    expect(github.state.refs.get('refs/tags/alpha@1.0.0')).toBe(head);
    for (const t of ['1.0.0', '1.0', '1', 'latest']) expect(registry.tagged(`${OWNER}/alpha`, t)).toBe(digest);
    expect(releases()).toEqual([{ tag: 'alpha@1.0.0', draft: false }]);
    const published = [...github.state.releases.values()][0];
    expect(published?.body).toContain('a greeting route');
    expect(published?.body).toContain(digest);
    // The repository's "Latest" badge is left alone: make_latest "false" was sent, as a string.
    const publish = github.requests().find((q) => q.operation === 'repos/update-release' && typeof q.body === 'object' && q.body !== null && 'draft' in q.body);
    expect(publish?.body).toMatchObject({ draft: false, make_latest: 'false' });
  });

  test('a re-run of a release that happened changes nothing', async () => {
    const head = commit(root, 'fix(alpha): a bug', { 'services/alpha/src/main.ts': 'export const fixed = 1;\n' });
    await restartGitHub();
    publishCi('alpha', head);
    expect((await release('cut', 'alpha', '--version', '1.2.0')).code).toBe(0);
    git(root, 'tag', 'alpha@1.2.0', head);
    const before = github.requests().filter((q) => q.method !== 'GET').length;
    const again = await release('cut', 'alpha', '--version', '1.2.0');
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^alpha@1\.2\.0: released already/);
    expect(github.requests().filter((q) => q.method !== 'GET').length).toBe(before);
  });

  test('a release whose only change is in a shared package: the notes say which, and the image is the one CI built for that commit', async () => {
    const first = commit(root, 'feat(alpha): start', { 'services/alpha/src/main.ts': 'export const a = 1;\n' });
    git(root, 'tag', 'alpha@1.0.0', first);
    const head = commit(root, 'fix(core): a rounding bug (#42)', { 'packages/core/src/index.ts': 'export const core = 2;\n' });
    await restartGitHub();
    const digest = publishCi('alpha', head);
    const r = await release('cut', 'alpha', '--bump', 'auto', '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const plan: unknown = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ version: '1.0.1', digest, imageCommit: head });
    expect(JSON.stringify(plan)).toContain('via @kc/core');
    expect(JSON.stringify(plan)).toContain(`https://github.com/${OWNER}/${REPO}/pull/42`);
    // A dry run changes nothing.
    expect(tagsOf()).toEqual([]);
    expect(registry.tagged(`${OWNER}/alpha`, '1.0.1')).toBeUndefined();
  });

  test('a lockfile-only change to the service importer counts, naming the package; one to another importer does not', async () => {
    const first = commit(root, 'feat(beta): start', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    git(root, 'tag', 'beta@1.0.0', first);
    git(root, 'tag', 'gamma@1.0.0', first);
    const head = commit(root, 'chore(deps): left-pad 1.3.1', { 'pnpm-lock.yaml': lockfile('1.3.1') });
    const r = await release('notes', 'beta', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('lockfile: left-pad');
    expect(r.stdout).toContain(head);
    const gamma = await release('notes', 'gamma', '--json');
    expect(JSON.parse(gamma.stdout)).toMatchObject({ sections: [] });
  });

  test('CI did not build the service at the commit: the image of the newest ancestor with no input change in between', async () => {
    const built = commit(root, 'feat(gamma): x', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    commit(root, 'feat(alpha): unrelated to gamma', { 'services/alpha/src/main.ts': 'export const a = 2;\n' });
    await restartGitHub();
    const digest = publishCi('gamma', built);
    const r = await release('cut', 'gamma', '--bump', 'auto', '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ digest, imageCommit: built });
  });

  test('no image holds the latest change to the inputs: exit 1, and nothing is tagged or released', async () => {
    const old = commit(root, 'feat(gamma): x', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    publishCi('gamma', old);
    commit(root, 'fix(core): shared change reaching nothing of gamma', { 'packages/core/src/index.ts': 'export const core = 3;\n' });
    commit(root, 'fix(gamma): changed, never built', { 'services/gamma/src/main.ts': 'export const g = 2;\n' });
    await restartGitHub();
    const r = await release('cut', 'gamma', '--bump', 'patch');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: gamma: cannot release gamma@1\.0\.0: no image of acme\/gamma was published for [0-9a-f]{12} \(fix\(gamma\): changed, never built\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(tagsOf()).toEqual([]);
    expect(releases()).toEqual([]);
  });

  test("a dry run of a service with no CI image yet says a real run builds it first (release.yml's build is skipped on a dry run): exit 0, nothing done", async () => {
    const built = commit(root, 'feat(gamma): x', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    publishCi('gamma', built);
    const head = commit(root, 'fix(gamma): changed, never built', { 'services/gamma/src/main.ts': 'export const g = 2;\n' });
    await restartGitHub();
    const text = await release('cut', 'gamma', '--bump', 'patch', '--dry-run');
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(
      new RegExp(
        `^gamma@1\\.0\\.0 at ${head.slice(0, 12)} \\(dry run\\): no image of acme/gamma was published for ${head.slice(0, 12)} \\(fix\\(gamma\\): changed, never built\\).*; a real run builds it first \\(release\\.yml's build job: CI's publish steps\\), then releases it\n$`,
      ),
    );
    const json = await release('cut', 'gamma', '--bump', 'patch', '--dry-run', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, service: 'gamma', version: '1.0.0', tag: 'gamma@1.0.0', commit: head, digest: null, needsBuild: true });
    expect(tagsOf()).toEqual([]);
    expect(releases()).toEqual([]);
  });

  test('an image quarantined by a deploy (pipeline deploy --quarantine) is never released: exit 1, before anything is done', async () => {
    const head = commit(root, 'feat(beta): q', { 'services/beta/src/main.ts': 'export const q = 1;\n' });
    await restartGitHub();
    const digest = publishCi('beta', head);
    // What `pipeline deploy --quarantine` leaves: a registry tag on the digest.
    registry.putManifest(`${OWNER}/beta`, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }, `quarantined-${digest.replace(':', '-')}`);
    const version = `61.${Math.floor(Math.random() * 1e6)}.0`;
    for (const dry of [['--dry-run'], []]) {
      const r = await release('cut', 'beta', '--version', version, ...dry);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: beta: cannot release beta@${version}: its image ${registry.host}/${OWNER}/beta@${digest} is quarantined (the registry tag quarantined-${digest.replace(':', '-')} names it: pipeline deploy --quarantine); fix the service and release a new commit\n`,
      );
    }
    expect(tagsOf()).toEqual([]);
    expect(releases()).toEqual([]);
    expect(registry.tagged(`${OWNER}/beta`, version)).toBeUndefined();
  });

  test('an image whose platform manifest is quarantined (the same image pushed again under a new index) is never released either', async () => {
    const head = commit(root, 'feat(beta): q2', { 'services/beta/src/main.ts': 'export const q = 2;\n' });
    await restartGitHub();
    const pushed = pushAttestedImage(registry, `${OWNER}/beta`, { 'org.opencontainers.image.revision': head, run: Math.random().toString(36) }, `sha-${head.slice(0, 7)}`);
    // What `pipeline deploy --quarantine` of another index of the same image leaves: a tag on its platform manifest.
    const tag = `quarantined-${pushed.manifest.replace(':', '-')}`;
    registry.putManifest(`${OWNER}/beta`, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }, tag);
    const version = `62.${Math.floor(Math.random() * 1e6)}.0`;
    const r = await release('cut', 'beta', '--version', version);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: beta: cannot release beta@${version}: its image ${registry.host}/${OWNER}/beta@${pushed.index} is quarantined (the registry tag ${tag} names its platform manifest ${pushed.manifest}, the same image as a quarantined index: pipeline deploy --quarantine); fix the service and release a new commit\n`,
    );
    expect(tagsOf()).toEqual([]);
    expect(releases()).toEqual([]);
  });

  test('a version whose tag in this clone names another commit is refused (exit 1, as README says), before anything is done', async () => {
    const first = commit(root, 'feat(alpha): one', { 'services/alpha/src/main.ts': 'export const a = 1;\n' });
    const head = commit(root, 'feat(alpha): two', { 'services/alpha/src/main.ts': 'export const a = 2;\n' });
    git(root, 'tag', 'alpha@2.0.0', first);
    await restartGitHub();
    publishCi('alpha', head);
    const r = await release('cut', 'alpha', '--version', '2.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: alpha: tag alpha@2.0.0 names ${first.slice(0, 12)}, not ${head.slice(0, 12)}; a released version never moves: release the next version\n`);
    expect(tagsOf()).toEqual([]);
    expect(releases()).toEqual([]);
  });

  test('a version whose tag names another commit is refused before anything is done', async () => {
    const first = commit(root, 'feat(alpha): one', { 'services/alpha/src/main.ts': 'export const a = 1;\n' });
    const head = commit(root, 'feat(alpha): two', { 'services/alpha/src/main.ts': 'export const a = 2;\n' });
    await restartGitHub();
    github.state.createRef('refs/tags/alpha@2.0.0', first);
    publishCi('alpha', head);
    const r = await release('cut', 'alpha', '--version', '2.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: alpha: tag alpha@2.0.0 exists on GitHub on ${first.slice(0, 12)}, not on ${head.slice(0, 12)}; a released version never moves: release the next version\n`,
    );
    expect(registry.tagged(`${OWNER}/alpha`, '2.0.0')).toBeUndefined();
    expect(releases()).toEqual([]);
  });

  test('a version whose image tag names another digest is refused before anything is done', async () => {
    const head = commit(root, 'feat(beta): x', { 'services/beta/src/main.ts': 'export const b = 9;\n' });
    await restartGitHub();
    const digest = publishCi('beta', head);
    const other = pushAttestedImage(registry, `${OWNER}/beta`, { other: 'image' }, '3.0.0').index;
    const r = await release('cut', 'beta', '--version', '3.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: beta: the image tag of beta@3.0.0 names ${other}, not ${digest}; a released version never moves: release the next version\n`);
    expect(tagsOf()).toEqual([]);
  });

  test('releasing 1.3.5 after 1.4.0 moves 1.3 and nothing else', async () => {
    const a = commit(root, 'feat(gamma): a', { 'services/gamma/src/main.ts': 'export const g = 13;\n' });
    git(root, 'tag', 'gamma@1.3.4', a);
    const b = commit(root, 'feat(gamma): b', { 'services/gamma/src/main.ts': 'export const g = 14;\n' });
    git(root, 'tag', 'gamma@1.4.0', b);
    const newer = pushAttestedImage(registry, `${OWNER}/gamma`, { run: 'newer' }, 'latest').index;
    registry.putManifest(`${OWNER}/gamma`, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }, '1');
    const oneBefore = registry.tagged(`${OWNER}/gamma`, '1');
    git(root, 'checkout', '-q', '-b', 'maint-1.3', a);
    const fix = commit(root, 'fix(gamma): backport', { 'services/gamma/src/main.ts': 'export const g = 135;\n' });
    await restartGitHub();
    const digest = publishCi('gamma', fix);
    const r = await release('cut', 'gamma', '--version', '1.3.5', '--ref', 'maint-1.3', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imageTags: ['1.3.5', '1.3'] });
    expect(registry.tagged(`${OWNER}/gamma`, '1.3')).toBe(digest);
    expect(registry.tagged(`${OWNER}/gamma`, 'latest')).toBe(newer);
    expect(registry.tagged(`${OWNER}/gamma`, '1')).toBe(oneBefore);
  });

  test('a pushed release tag (the tag-push flow) releases that tag, its commit and version', async () => {
    const head = commit(root, 'feat(beta): y', { 'services/beta/src/main.ts': 'export const b = 2;\n' });
    git(root, 'tag', 'beta@2.0.0-rc.1', head);
    await restartGitHub();
    github.state.createRef('refs/tags/beta@2.0.0-rc.1', head);
    const digest = publishCi('beta', head);
    const r = await release('cut', '--tag', 'refs/tags/beta@2.0.0-rc.1', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: '2.0.0-rc.1', imageTags: ['2.0.0-rc.1'], digest });
    expect(registry.tagged(`${OWNER}/beta`, 'latest')).toBeUndefined();
    expect(releases()).toEqual([{ tag: 'beta@2.0.0-rc.1', draft: false }]);
  });
});

describe("release handoff: deploy.yml for the release just cut (release.yml's deploy_to)", () => {
  // A run started on a maintenance branch: deploy.yml is still started on the default branch (its
  // environments may accept deployments from main only, and an older branch holds an older deploy.yml).
  const handoff = (...argv: string[]) => runCommand(run, ['handoff', ...argv], { cwd: root, env: { ...env(), GITHUB_REF_NAME: 'maint-1.3' }, config });
  test('a maintenance release (1.3.5 after 1.4.0) at HEAD hands off 1.3.5, not the highest version', async () => {
    const a = commit(root, 'feat(gamma): a', { 'services/gamma/src/main.ts': 'export const g = 13;\n' });
    git(root, 'tag', 'gamma@1.3.4', a);
    const b = commit(root, 'feat(gamma): b', { 'services/gamma/src/main.ts': 'export const g = 14;\n' });
    git(root, 'tag', 'gamma@1.4.0', b);
    git(root, 'checkout', '-q', '-b', 'maint-1.3', a);
    const fix = commit(root, 'fix(gamma): backport', { 'services/gamma/src/main.ts': 'export const g = 135;\n' });
    git(root, 'tag', 'gamma@1.3.5', fix);
    const r = await handoff('gamma', '--environment', 'staging');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(github.state.dispatches).toEqual([{ workflowId: 'deploy.yml', ref: 'main', inputs: { service: 'gamma', environment: 'staging', version: '1.3.5', dry_run: 'false' } }]);
    expect(r.stdout).toBe('deploy.yml: deploying gamma 1.3.5 to staging (dispatched on main)\n');
  });

  test('a commit that carries a prerelease and then its release hands off the higher of the two', async () => {
    const c = commit(root, 'feat(beta): c', { 'services/beta/src/main.ts': 'export const b = 3;\n' });
    git(root, 'tag', 'beta@2.0.0-rc.1', c);
    git(root, 'tag', 'beta@2.0.0', c);
    git(root, 'tag', 'beta@1.9.0', git(root, 'rev-parse', 'HEAD~1'));
    expect((await handoff('beta', '--environment', 'production')).code).toBe(0);
    expect(github.state.dispatches.map((d) => d.inputs['version'])).toEqual(['2.0.0']);
  });

  test.each(['', 'deploy', '../deploy.yml', 'deploy.yml\n'])(
    '--workflow %j is no workflow file: one line, exit 2, nothing dispatched (an empty one was an HTTP 404, exit 3)',
    async (workflow) => {
      const c = commit(root, 'feat(alpha): w', { 'services/alpha/src/main.ts': 'export const a = 4;\n' });
      git(root, 'tag', 'alpha@1.2.0', c);
      const r = await handoff('alpha', '--environment', 'staging', `--workflow=${workflow}`);
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: `error: --workflow ${JSON.stringify(workflow)}: expected a workflow file name of .github/workflows, e.g. deploy.yml\n`,
      });
      expect(github.state.dispatches).toEqual([]);
    },
  );

  test('no release at HEAD (a person at another commit): the newest release, as before', async () => {
    const c = commit(root, 'feat(alpha): c', { 'services/alpha/src/main.ts': 'export const a = 3;\n' });
    git(root, 'tag', 'alpha@1.1.0', c);
    commit(root, 'docs: later', { 'README.md': 'later\n' });
    expect((await handoff('alpha', '--environment', 'staging')).code).toBe(0);
    expect(github.state.dispatches.map((d) => d.inputs['version'])).toEqual(['1.1.0']);
  });
});

describe('a release that fails at any step is finished by a re-run', () => {
  test.each([
    ['creating the tag', 'git/create-ref', 'status-500', 3, '4.0.0'],
    ['creating the draft', 'repos/create-release', 'html-502', 3, '4.1.0'],
    ['publishing', 'repos/update-release', 'status-500', 3, '4.2.0'],
  ] as const)('GitHub fails while %s (%s answers %s): one line, exit %i, then a re-run finishes', async (_, operation, mode, code, version) => {
    const head = commit(root, 'feat(alpha): z', { 'services/alpha/src/main.ts': 'export const z = 1;\n' });
    await restartGitHub();
    const digest = publishCi('alpha', head);
    github.fail({ mode, operation });
    const failed = await release('cut', 'alpha', '--version', version);
    expect(failed.code).toBe(code);
    expect(failed.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/^error: GitHub API /);
    github.takeViolations();
    const again = await release('cut', 'alpha', '--version', version);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(github.state.refs.get(`refs/tags/alpha@${version}`)).toBe(head);
    expect(registry.tagged(`${OWNER}/alpha`, version)).toBe(digest);
    expect(releases()).toEqual([{ tag: `alpha@${version}`, draft: false }]);
  });

  test.each(['auto', 'minor'])("a re-run with --bump %s (release.yml's inputs, re-run as they were) finishes the release its tag names, not a second version", async (bump) => {
    // A release line of its own (the stand-in registry, and its version tags, outlive each test).
    const line = 100 + Math.floor(Math.random() * 1e6);
    const base = `refs/tags/alpha@7.${line}.0`;
    git(root, 'tag', base.replace('refs/tags/', ''), git(root, 'rev-list', '--max-parents=0', 'HEAD'));
    const head = commit(root, 'feat(alpha): y', { 'services/alpha/src/main.ts': 'export const y = 1;\n' });
    await restartGitHub();
    publishCi('alpha', head);
    github.fail({ mode: 'status-500', operation: 'repos/update-release' });
    const failed = await release('cut', 'alpha', '--bump', bump);
    expect(failed.code).toBe(3);
    github.takeViolations();
    const made = tagsOf().filter((t) => t !== base);
    expect(made).toEqual([`refs/tags/alpha@7.${line + 1}.0`]);
    const name = (made[0] ?? '').replace('refs/tags/', '');
    // The re-run's checkout (all history and tags) has the tag the failed run created through the API.
    git(root, 'tag', name, head);
    const again = await release('cut', 'alpha', '--bump', bump);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(tagsOf().filter((t) => t !== base)).toEqual([`refs/tags/${name}`]);
    expect(releases()).toEqual([{ tag: name, draft: false }]);
  });

  test('the registry fails while tagging the image: exit 3, then a re-run finishes', async () => {
    const head = commit(root, 'feat(alpha): w', { 'services/alpha/src/main.ts': 'export const w = 1;\n' });
    await restartGitHub();
    const digest = publishCi('alpha', head);
    // Every read succeeds; the first write (the version's image tag) is answered 500.
    registry.failWrites(1);
    const failing = await release('cut', 'alpha', '--version', '5.0.0');
    expect(failing.code).toBe(3);
    expect(failing.stderr).toMatch(/^error: PUT http:\/\/127\.0\.0\.1:\d+\/v2\/acme\/alpha\/manifests\/5\.0\.0: HTTP 500/);
    expect(github.state.refs.get('refs/tags/alpha@5.0.0')).toBe(head);
    expect(releases()).toEqual([]);
    const again = await release('cut', 'alpha', '--version', '5.0.0');
    expect(again.code, again.stderr).toBe(0);
    expect(registry.tagged(`${OWNER}/alpha`, '5.0.0')).toBe(digest);
    expect(releases()).toEqual([{ tag: 'alpha@5.0.0', draft: false }]);
  });
});

test('an API that never answers stops the release within its bound: one line, exit 4; a re-run finishes', async () => {
  const head = commit(root, 'feat(alpha): h', { 'services/alpha/src/main.ts': 'export const h = 1;\n' });
  await restartGitHub();
  publishCi('alpha', head);
  const { githubApi } = await import('../../scripts/io/github-api.js');
  const quick = { github: async () => githubApi({ baseUrl: github.url, token: 't', repository: `${OWNER}/${REPO}`, timeoutMs: 400 }) };
  github.fail({ mode: 'hang', operation: 'git/create-ref' });
  const hung = await runCommand(run, ['cut', 'alpha', '--version', '6.0.0'], { cwd: root, env: env(), config, effects: quick });
  expect(hung.code).toBe(4);
  expect(hung.stderr).toBe('error: GitHub API POST git/refs refs/tags/alpha@6.0.0: no answer within 0.4 s\n');
  expect(releases()).toEqual([]);
  const again = await release('cut', 'alpha', '--version', '6.0.0');
  expect(again.code, again.stderr).toBe(0);
  expect(releases()).toEqual([{ tag: 'alpha@6.0.0', draft: false }]);
});

describe('bad input: one line, exit 2, nothing tagged, pushed or published', () => {
  const TOUCH = `$(touch ${marker})`;
  test.each([
    ['an unknown service', ['cut', 'billing', '--bump', 'patch'], /service "billing": not a service at [0-9a-f]{12}; expected one of: alpha, beta, gamma/],
    ['__proto__', ['cut', '__proto__', '--bump', 'patch'], /service "__proto__": not a service/],
    ['constructor', ['cut', 'constructor', '--bump', 'patch'], /service "constructor": not a service/],
    ['a path', ['cut', '../alpha', '--bump', 'patch'], /service "\.\.\/alpha": not a service/],
    ['an empty service', ['cut', '', '--bump', 'patch'], /a service is required/],
    ['a 300-character service', ['cut', 'a'.repeat(300), '--bump', 'patch'], /service "a{80}…": not a service/],
    ['a shell command as the service', ['cut', TOUCH, '--bump', 'patch'], /service "\$\(touch .*\)": not a service/],
    ['version 1.2', ['cut', 'alpha', '--version', '1.2'], /invalid version "1\.2"|"1\.2" is not/],
    ['version 1.2.3.4', ['cut', 'alpha', '--version', '1.2.3.4'], /"1\.2\.3\.4"/],
    ['version v1.2.3', ['cut', 'alpha', '--version', 'v1.2.3'], /"v1\.2\.3"/],
    ['version 01.2.3', ['cut', 'alpha', '--version', '01.2.3'], /"01\.2\.3"/],
    ['build metadata', ['cut', 'alpha', '--version', '1.2.3+build'], /"1\.2\.3\+build"/],
    ['a shell command as the version', ['cut', 'alpha', '--version', `1.0.0;${TOUCH}`], /"1\.0\.0;\$\(touch/],
    ['both --bump and --version', ['cut', 'alpha', '--bump', 'patch', '--version', '1.0.0'], /give exactly one of --bump/],
    ['an unknown bump', ['cut', 'alpha', '--bump', 'huge'], /--bump "huge": expected one of auto, patch, minor, major/],
    ['a ref that does not exist', ['cut', 'alpha', '--bump', 'patch', '--ref', 'no-such-branch'], /--ref "no-such-branch": not a commit in this clone/],
    ['a ref that is a flag', ['cut', 'alpha', '--bump', 'patch', '--ref=--upload-pack=x'], /--ref "--upload-pack=x": not a commit/],
    ['a tag for an unknown service', ['cut', '--tag', 'refs/tags/billing@1.0.0'], /not a service|unknown service/],
    ['a tag with uppercase', ['cut', '--tag', 'Alpha@1.0.0'], /invalid release tag "Alpha@1\.0\.0"/],
    ['a tag with a look-alike hyphen', ['cut', '--tag', 'alpha\u20101@1.0.0'], /invalid release tag/],
    ['a tag with whitespace', ['cut', '--tag', 'alpha @1.0.0'], /invalid release tag "alpha @1\.0\.0"/],
    ['a tag with an empty version', ['cut', '--tag', 'alpha@'], /invalid release tag "alpha@"/],
    ['a tag with a newline', ['cut', '--tag', 'alpha@1.0.0\n::error::x'], /invalid release tag "alpha@1\.0\.0\\n::error::x"/],
    ['an over-long tag', ['cut', '--tag', `alpha@1.0.0-${'a'.repeat(200)}`], /invalid release tag .*it is 212 characters long/],
    ['parse: not a tag', ['parse', 'v1.2.3'], /invalid release tag "v1\.2\.3"/],
    ['an unknown subcommand', ['publish-everything'], /unknown subcommand "publish-everything"/],
  ])('%s', async (_, argv, message) => {
    const head = commit(root, 'feat(alpha): x', { 'services/alpha/src/main.ts': 'export const x = 1;\n' });
    await restartGitHub();
    publishCi('alpha', head);
    const before = registry.requests.filter((q) => q.startsWith('PUT')).length;
    const r = await release(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(tagsOf()).toEqual([]);
    expect(releases()).toEqual([]);
    expect(registry.requests.filter((q) => q.startsWith('PUT')).length).toBe(before);
  });
});

describe('status, next, parse, select', () => {
  test('status lists the release tags that have no GitHub Release yet (a push of more than three tags triggers nothing), and cut --tag completes one', async () => {
    const head = commit(root, 'feat(beta): q', { 'services/beta/src/main.ts': 'export const q = 1;\n' });
    for (const t of ['beta@1.0.0', 'gamma@1.0.0']) git(root, 'tag', t, head);
    await restartGitHub();
    for (const t of ['beta@1.0.0', 'gamma@1.0.0']) github.state.createRef(`refs/tags/${t}`, head);
    const before = await release('status', '--json');
    expect(JSON.parse(before.stdout)).toMatchObject({ unreleasedTags: ['beta@1.0.0', 'gamma@1.0.0'] });
    publishCi('beta', head);
    expect((await release('cut', '--tag', 'refs/tags/beta@1.0.0')).code).toBe(0);
    const after = await release('status', '--json');
    expect(JSON.parse(after.stdout)).toMatchObject({ unreleasedTags: ['gamma@1.0.0'] });
  });

  test('status: each service, its latest version, commits to its inputs since, the bump auto would choose', async () => {
    const first = commit(root, 'feat(alpha): one', { 'services/alpha/src/main.ts': 'export const a = 1;\n' });
    git(root, 'tag', 'alpha@1.0.0', first);
    git(root, 'tag', 'gamma@0.3.0', first);
    commit(root, 'feat(core)!: a breaking change in core', { 'packages/core/src/index.ts': 'export const core = 5;\n' });
    const r = await release('status', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      services: [
        { service: 'alpha', version: '1.0.0', commits: 1, bump: 'major' },
        { service: 'beta', version: null, bump: 'first release' },
        { service: 'gamma', version: '0.3.0', commits: 0, bump: 'none' },
      ],
    });
  });

  test.each([
    ['auto after a feat', 'feat(beta): new', 'auto', '1.1.0'],
    ['auto after a fix', 'fix(beta): bug', 'auto', '1.0.1'],
    ['auto after a breaking change', 'refactor(beta)!: drop v1', 'auto', '2.0.0'],
    ['minor', 'fix(beta): bug', 'minor', '1.1.0'],
  ])('next: %s', async (_, subject, bump, expected) => {
    const first = commit(root, 'feat(beta): start', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    git(root, 'tag', 'beta@1.0.0', first);
    commit(root, subject, { 'services/beta/src/main.ts': 'export const b = 2;\n' });
    const r = await release('next', 'beta', '--bump', bump);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: `${expected}\n` });
  });

  test("next: a workspace in a subfolder of the repository reads a first release's version from its package.json", async () => {
    const { root: top } = makeRepo(Object.fromEntries(Object.entries(WORKSPACE).map(([path, text]) => [`shop/${path}`, text])));
    const atRoot = await release('next', 'alpha', '--bump', 'auto');
    const inSub = await runCommand(run, ['next', 'alpha', '--bump', 'auto'], { cwd: join(top, 'shop'), env: env(), config });
    expect({ code: inSub.code, stderr: inSub.stderr }).toEqual({ code: 0, stderr: '' });
    // The same workspace, one folder down: the same first version.
    expect(inSub.stdout).toBe(atRoot.stdout);
    expect(inSub.stdout).toBe('1.0.0\n');
  });

  test('parse: the image tags are computed against the release tags in the clone', async () => {
    const first = commit(root, 'feat(alpha): a', {});
    git(root, 'tag', 'alpha@1.5.0', first);
    const r = await release('parse', 'alpha@1.4.2', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ service: 'alpha', version: '1.4.2', prerelease: false, imageTags: ['1.4.2', '1.4'] });
  });

  test('select changed: every service with commits to its inputs since its latest release', async () => {
    const first = commit(root, 'feat: all', {});
    for (const s of ['alpha', 'beta', 'gamma']) git(root, 'tag', `${s}@1.0.0`, first);
    commit(root, 'fix(core): reaches alpha and beta', { 'packages/core/src/index.ts': 'export const core = 7;\n' });
    const r = await release('select', '--service', 'changed', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ services: ['alpha', 'beta'] });
  });
});

// Found by a hunt of the release flow: a release of a ref that does not contain the highest release (a
// maintenance branch, an older commit), a pushed tag on a commit CI did not build, `changed` with one
// version, merges that bring already-released changes back, a service only on the tag's branch, and a
// workspace in a subfolder.
describe('release lines, merges and pushed tags', () => {
  const edit = (n: number) => ({ 'services/alpha/src/main.ts': `export const a = ${n};\n` });

  test('a bump on a maintenance branch starts from the newest release the branch contains, and moves no tag of a newer line', async () => {
    const c130 = commit(root, 'feat(alpha): 1.3', edit(1));
    git(root, 'tag', 'alpha@1.3.0', c130);
    const c200 = commit(root, 'feat(alpha)!: 2.0', edit(2));
    git(root, 'tag', 'alpha@2.0.0', c200);
    git(root, 'checkout', '-q', '-b', 'release-1.3', c130);
    const backport = commit(root, 'fix(alpha): a backport', edit(3));
    git(root, 'checkout', '-q', 'main');
    await restartGitHub();
    const digest = publishCi('alpha', backport);
    const next = await release('next', 'alpha', '--bump', 'patch', '--ref', 'release-1.3');
    expect({ code: next.code, stdout: next.stdout, stderr: next.stderr }).toEqual({ code: 0, stdout: '1.3.1\n', stderr: '' });
    const r = await release('cut', 'alpha', '--bump', 'patch', '--ref', 'release-1.3', '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: '1.3.1', tag: 'alpha@1.3.1', commit: backport, digest });
    expect(out.imageTags).toEqual(['1.3.1', '1.3', '1']);
  });

  test('a bump whose version the line released already elsewhere is refused (exit 2), naming it and the way out', async () => {
    const c130 = commit(root, 'feat(alpha): 1.3', edit(1));
    git(root, 'tag', 'alpha@1.3.0', c130);
    const c131 = commit(root, 'fix(alpha): 1.3.1 on main', edit(2));
    git(root, 'tag', 'alpha@1.3.1', c131);
    git(root, 'checkout', '-q', '-b', 'release-1.3', c130);
    commit(root, 'fix(alpha): another fix', edit(3));
    git(root, 'checkout', '-q', 'main');
    const r = await release('cut', 'alpha', '--bump', 'patch', '--ref', 'release-1.3', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: alpha: a patch bump from 1.3.0 (the newest release that --ref contains) gives 1.3.1, which is not greater than 1.3.1, released already in 1.3; release a ref that contains alpha@1.3.1, or give --version\n',
    );
  });

  test("an older commit than the latest release: its own line's bump, and no image older than its change is promoted", async () => {
    const w = commit(root, 'feat(alpha): w', edit(1));
    git(root, 'tag', 'alpha@1.0.0', w);
    publishCi('alpha', w);
    const x = commit(root, 'fix(alpha): x, never built', edit(2));
    const y = commit(root, 'feat(alpha): y', edit(3));
    git(root, 'tag', 'alpha@1.1.0', y);
    await restartGitHub();
    const r = await release('cut', 'alpha', '--bump', 'patch', '--ref', x, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: '1.0.1', commit: x, digest: null, needsBuild: true });
  });

  test('a pushed tag on a commit CI has not built: select --images asks for the build (counted from the release before the tag)', async () => {
    const c1 = commit(root, 'feat(alpha): one', edit(1));
    git(root, 'tag', 'alpha@1.0.0', c1);
    publishCi('alpha', c1);
    const c2 = commit(root, 'fix(alpha): two', edit(2));
    git(root, 'tag', 'alpha@1.0.1', c2);
    const r = await release('select', '--tag', 'refs/tags/alpha@1.0.1', '--ref', c2, '--images', '--json');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ services: ['alpha'], build: ['alpha'] });
  });

  test('select: `changed` with one explicit version is refused (it would give every changed service that version)', async () => {
    const r = await release('select', '--service', 'changed', '--version', '2.0.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --version "2.0.0" with --service changed: one version for every changed service; release one service with a version, or use a bump for changed\n',
    );
    const one = await release('select', '--service', 'alpha', '--version', '2.0.0', '--json');
    expect({ code: one.code, stdout: one.stdout }).toEqual({ code: 0, stdout: '{"services":["alpha"]}\n' });
  });

  test("merges: a catch-up merge of main into a branch does not count main's released changes again, and a merge is no commit of the notes", async () => {
    const base = commit(root, 'chore: base', {});
    git(root, 'checkout', '-q', '-b', 'feature');
    commit(root, 'feat(gamma): a gamma feature', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    git(root, 'checkout', '-q', 'main');
    const a = commit(root, 'fix(alpha): released', edit(1));
    git(root, 'tag', 'alpha@1.0.0', a);
    git(root, 'tag', 'gamma@1.0.0', base);
    git(root, 'tag', 'beta@1.0.0', base);
    git(root, 'checkout', '-q', 'feature');
    git(root, 'merge', '-q', '--no-ff', '-m', "Merge branch 'main' into feature", 'main');
    git(root, 'checkout', '-q', 'main');
    git(root, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #7 from acme/feature', 'feature');
    expect(git(root, 'diff', 'alpha@1.0.0', 'HEAD', '--', 'services/alpha', 'packages')).toBe('');
    const changed = await release('select', '--service', 'changed', '--json');
    expect(JSON.parse(changed.stdout)).toEqual({ services: ['gamma'] });
    const notes = await release('notes', 'gamma', '--json');
    expect(notes.code, notes.stderr).toBe(0);
    const text = JSON.stringify(JSON.parse(notes.stdout));
    expect(text).toContain('a gamma feature');
    expect(text).not.toContain('Merge');
  });

  test('a pushed tag of a service that is only on its own branch (not on the default branch) is released from that commit', async () => {
    git(root, 'checkout', '-q', '-b', 'new-service');
    const d = commit(root, 'feat(delta): a new service', {
      'services/delta/package.json': `${JSON.stringify({ name: '@kc/delta', version: '0.1.0', dependencies: {} }, null, 2)}\n`,
      'services/delta/Dockerfile': 'FROM scratch\n',
    });
    git(root, 'tag', 'delta@0.1.0-rc.1', d);
    git(root, 'checkout', '-q', 'main');
    await restartGitHub();
    const digest = pushAttestedImage(registry, `${OWNER}/delta`, { 'org.opencontainers.image.revision': d, run: Math.random().toString(36) }, `sha-${d.slice(0, 7)}`).index;
    const r = await release('cut', '--tag', 'refs/tags/delta@0.1.0-rc.1', '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ service: 'delta', version: '0.1.0-rc.1', commit: d, digest });
  });

  test('a shallow clone cannot tell which releases a commit contains: one line naming the fix, exit 2 (the service read as never released)', async () => {
    const c1 = commit(root, 'feat(alpha): one', edit(1));
    git(root, 'tag', 'alpha@1.0.0', c1);
    commit(root, 'fix(alpha): two', edit(2));
    commit(root, 'fix(alpha): three', edit(3));
    const shallow = join(mkdtempSync(join(tmpdir(), 'release-shallow-')), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', `file://${root}`, shallow]);
    execFileSync('git', ['fetch', '-q', '--tags', '--depth', '1', 'origin'], { cwd: shallow });
    for (const argv of [['next', 'alpha', '--bump', 'patch'], ['status'], ['notes', 'alpha']]) {
      const r = await runCommand(run, argv, { cwd: shallow, env: env(), config });
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr:
          'error: this clone is shallow: which releases a commit contains cannot be told without its history; run git fetch --unshallow --tags (release.yml checks out with fetch-depth: 0)\n',
      });
    }
  });

  test('a workspace in a subfolder: a lockfile change to one importer counts for that service only', async () => {
    const { root: top } = makeRepo(Object.fromEntries(Object.entries(WORKSPACE).map(([path, text]) => [`shop/${path}`, text])));
    const first = git(top, 'rev-parse', 'HEAD');
    for (const s of ['alpha', 'beta', 'gamma']) git(top, 'tag', `${s}@1.0.0`, first);
    commit(top, 'chore(deps): left-pad 1.3.1', { 'shop/pnpm-lock.yaml': lockfile('1.3.1') });
    const r = await runCommand(run, ['select', '--service', 'changed', '--json'], { cwd: join(top, 'shop'), env: env(), config });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ services: ['beta'] });
  });
});
