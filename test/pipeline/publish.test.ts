/**
 * The publish leg's record and promote steps (`pipeline tags --record`, `--promote`) over a registry
 * that speaks HTTP: a local stand-in for GHCR (test/support/oci-registry.ts, which demands a token as
 * GHCR does), reached through the real wiring (the registry client, the Docker config's credentials).
 * GitHub's compare API is answered from a real temporary git repository by a stand-in GitHubApi (the
 * API cannot be reached from here). The same steps run against the lab's real registry in
 * test/e2e/publish.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { run } from '../../scripts/commands/tags.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import type { GitHubApi } from '../../scripts/io/github-api.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { runCommand } from '../support/cli.js';
import { compareFrom } from '../support/github-compare.js';
import { pushAttestedImage, type RegistryStandIn, startRegistry } from '../support/oci-registry.js';

const NAME = 'acme/api-gateway';
let registry: RegistryStandIn;
let dir = '';
let config: PipelineConfig;
// @actions/core keeps the job summary's path once it has written to it: one pair of files for the whole file.
const actionsFiles = mkdtempSync(join(tmpdir(), 'publish-actions-'));
const OUTPUT = join(actionsFiles, 'output');
const SUMMARY = join(actionsFiles, 'summary');

beforeAll(async () => {
  registry = await startRegistry({ auth: { username: 'bot', password: 's3cret' } });
  config = { ...pipelineConfig, registry: { kind: 'custom', host: registry.host, namespace: 'acme', usernameSecret: 'U', passwordSecret: 'P' } };
});
afterAll(async () => {
  await registry.close();
  rmSync(actionsFiles, { recursive: true, force: true });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'publish-'));
  // What docker/login-action leaves: the Docker config with base64 user:password for the host.
  mkdirSync(join(dir, 'docker'));
  writeFileSync(join(dir, 'docker/config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('bot:s3cret').toString('base64') } } }));
  for (const f of [OUTPUT, SUMMARY]) writeFileSync(f, '');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

/** A real repository: main with commits c1 → c2, and c3 on another line (a force push dropped it). */
const git = (repo: string, ...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
function history(): { repo: string; c1: string; c2: string; dropped: string } {
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  // Unique commits per test: the stand-in registry (and its commit tags) lives across the file's tests.
  const salt = Math.random().toString(36).slice(2);
  const commit = (msg: string) => {
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', `${msg} ${salt}`);
    return git(repo, 'rev-parse', 'HEAD');
  };
  const c1 = commit('one');
  git(repo, 'checkout', '-q', '-b', 'other');
  const dropped = commit('dropped');
  git(repo, 'checkout', '-q', 'main');
  const c2 = commit('two');
  return { repo, c1, c2, dropped };
}

function env(sha: string): Record<string, string> {
  return {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: 'acme/kodingcaravan',
    GITHUB_SERVER_URL: 'https://github.com',
    DOCKER_CONFIG: join(dir, 'docker'),
    GITHUB_OUTPUT: OUTPUT,
    GITHUB_STEP_SUMMARY: SUMMARY,
  };
}

/** @actions/core reads GITHUB_OUTPUT and GITHUB_STEP_SUMMARY from the process environment. */
function tags(argv: string[], sha: string, github?: GitHubApi) {
  const e = env(sha);
  vi.stubEnv('GITHUB_OUTPUT', e['GITHUB_OUTPUT']);
  vi.stubEnv('GITHUB_STEP_SUMMARY', e['GITHUB_STEP_SUMMARY']);
  return runCommand(run, ['--service', 'api-gateway', ...argv], { env: e, config, ...(github ? { effects: { github: async () => github } } : {}) });
}

const record = (sha: string, digest: string, verified: string, file = join(dir, 'image-api-gateway.json')) =>
  tags(['--digest', digest, '--verified-image-id', verified, '--record', file], sha);

const labels = (sha: string) => ({ 'org.opencontainers.image.revision': sha, 'org.opencontainers.image.source': 'https://github.com/acme/kodingcaravan' });

describe('--record reads the pushed image back and compares configs', () => {
  const SHA = 'a'.repeat(40);
  test('an attested push (an index): the platform manifest names the verified config → the record names the pushed index', async () => {
    const pushed = pushAttestedImage(registry, NAME, labels(SHA));
    const r = await record(SHA, pushed.index, pushed.config);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const written: unknown = JSON.parse(readFileSync(join(dir, 'image-api-gateway.json'), 'utf8'));
    expect(written).toMatchObject({ service: 'api-gateway', digest: pushed.index, imageId: pushed.config, revision: SHA });
    expect(readFileSync(OUTPUT, 'utf8')).toContain(pushed.index);
    // The stand-in demanded a token: the client answered the challenge with the Docker config's credentials.
    expect(registry.requests).toContain('GET /token?service=stand-in&scope=repository%3Aacme%2Fapi-gateway%3Apull');
  });

  test("the push's own iidfile (the index digest) is not the verified config: comparing it would refuse every publish", async () => {
    const pushed = pushAttestedImage(registry, NAME, labels(SHA));
    const r = await record(SHA, pushed.index, pushed.index);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`has config ${pushed.config}, but the verified image has config ${pushed.index}`);
  });

  test('another image pushed (a different config): exit 1, one line naming both configs, no record', async () => {
    const pushed = pushAttestedImage(registry, NAME, { ...labels(SHA), other: 'yes' });
    const verified = pushAttestedImage(registry, NAME, labels(SHA)).config;
    const r = await record(SHA, pushed.index, verified);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`has config ${pushed.config}, but the verified image has config ${verified}`);
    expect(existsSync(join(dir, 'image-api-gateway.json'))).toBe(false);
    expect(readFileSync(SUMMARY, 'utf8')).toBe('');
  });

  test('an image labelled with another commit is refused', async () => {
    const pushed = pushAttestedImage(registry, NAME, labels('b'.repeat(40)));
    const r = await record(SHA, pushed.index, pushed.config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`is labelled revision "${'b'.repeat(40)}", not this commit ${SHA}`);
  });

  test('a digest the registry does not have: exit 3 (an outside failure), naming it', async () => {
    const r = await record(SHA, `sha256:${'0'.repeat(64)}`, `sha256:${'1'.repeat(64)}`);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/api-gateway@sha256:0{64}: the registry has no such manifest/);
  });

  test('--record onto a folder: exit 2 before the registry is asked, naming the path', async () => {
    const before = registry.requests.length;
    const r = await record(SHA, `sha256:${'0'.repeat(64)}`, `sha256:${'1'.repeat(64)}`, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --record ${JSON.stringify(dir)}: is a folder; expected a file path, e.g. ${join(dir, 'out.json')}\n`);
    expect(registry.requests.length).toBe(before);
  });

  test('--record onto a pipe: exit 2, and the pipe stays (the rename replaced it with a regular file)', async () => {
    const fifo = join(dir, `record-fifo-${randomBytes(3).toString('hex')}`);
    execFileSync('mkfifo', [fifo]);
    const r = await record(SHA, `sha256:${'0'.repeat(64)}`, `sha256:${'1'.repeat(64)}`, fifo);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --record ${JSON.stringify(fifo)}: is not a regular file (a pipe, a device or a socket); expected a file path\n`);
    expect(statSync(fifo).isFIFO()).toBe(true);
    rmSync(fifo);
  });

  test.each([
    ['a 500', 'status-500', 3, /HTTP 500/],
    ['an HTML page', 'html', 3, /not JSON: "<html>|the body's digest is sha256:[a-f0-9]{64}, not the one asked for/],
  ] as const)('a registry answering %s: one line, exit %i, no record', async (_, mode, code, message) => {
    const pushed = pushAttestedImage(registry, NAME, labels(SHA));
    registry.fail(1, mode);
    const r = await record(SHA, pushed.index, pushed.config);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'image-api-gateway.json'))).toBe(false);
  });

  test('a re-run: the commit tag names an earlier verified push of this commit → the record keeps it, the new push stays untagged', async () => {
    const sha = 'c'.repeat(40);
    const first = pushAttestedImage(registry, NAME, labels(sha), `sha-${sha.slice(0, 7)}`);
    // A second push of the same build: same config, a new index (provenance differs per run).
    const second = pushAttestedImage(registry, NAME, labels(sha));
    registry.putManifest(NAME, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }, 'unrelated');
    expect(first.config).toBe(second.config);
    const r = await record(sha, second.index, second.config);
    expect(r.stderr.split('\n')[0]).toContain('published before');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`published before as ${first.index}`);
    expect(JSON.parse(readFileSync(join(dir, 'image-api-gateway.json'), 'utf8'))).toMatchObject({ digest: first.index });
    expect(registry.tagged(NAME, `sha-${sha.slice(0, 7)}`)).toBe(first.index);
  });

  test("a re-run whose build differs (the base image moved between the runs): the record pairs the kept digest with that image's own config, and says the new build is not it", async () => {
    const sha = 'e'.repeat(40);
    const first = pushAttestedImage(registry, NAME, { ...labels(sha), base: 'before' }, `sha-${sha.slice(0, 7)}`);
    const second = pushAttestedImage(registry, NAME, { ...labels(sha), base: 'moved' });
    expect(first.config).not.toBe(second.config);
    const r = await record(sha, second.index, second.config);
    expect(r.code).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'image-api-gateway.json'), 'utf8'));
    expect(written).toMatchObject({ digest: first.index, imageId: first.config });
    expect(r.stderr).toContain(`published before as ${first.index}`);
    expect(r.stderr).toContain(`its image is ${first.config}, not this run's verified build ${second.config}`);
    expect(readFileSync(SUMMARY, 'utf8')).toContain(first.config);
    expect(readFileSync(SUMMARY, 'utf8')).not.toContain(second.config);
  });
});

describe("--commit: release.yml's build of a manual run's ref records and tags the checked-out commit", () => {
  // GITHUB_SHA of a manual run is the head of the branch it was started on; the build checked out another ref.
  const RUN = 'd'.repeat(40);
  const dispatch = (argv: string[], github?: GitHubApi) => {
    const e: Record<string, string> = { ...env(RUN), GITHUB_EVENT_NAME: 'workflow_dispatch' };
    vi.stubEnv('GITHUB_OUTPUT', e['GITHUB_OUTPUT']);
    vi.stubEnv('GITHUB_STEP_SUMMARY', e['GITHUB_STEP_SUMMARY']);
    return runCommand(run, ['--service', 'api-gateway', ...argv], { env: e, config, ...(github ? { effects: { github: async () => github } } : {}) });
  };
  const file = () => join(dir, 'image-api-gateway.json');

  test('the image labelled with the checked-out commit is recorded under it, then gets its commit tag and no branch tag', async () => {
    // The commit checked out where the command runs (this repository): `--commit` must name it.
    const built = git(join(import.meta.dirname, '../..'), 'rev-parse', 'HEAD');
    const pushed = pushAttestedImage(registry, NAME, labels(built));
    const mainBefore = registry.tagged(NAME, 'main');
    const recorded = await dispatch(['--commit', built, '--digest', pushed.index, '--verified-image-id', pushed.config, '--record', file()]);
    expect(recorded.stderr).toBe('');
    expect(recorded.code).toBe(0);
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toMatchObject({ digest: pushed.index, revision: built, tags: [`${registry.host}/${NAME}:sha-${built.slice(0, 7)}`] });
    // No compare API for a build without a branch tag: a GitHub that is asked fails the promotion.
    const asked: string[] = [];
    const refuses: GitHubApi = {
      ...compareFrom(dir),
      compare: (base, head) => {
        asked.push(`${base}...${head}`);
        return Promise.reject(new Error('a release build has no branch tag to compare'));
      },
    };
    const promoted = await dispatch(['--commit', built, '--promote', pushed.index], refuses);
    expect(asked).toEqual([]);
    expect(promoted.stderr).toBe('');
    expect(promoted.code).toBe(0);
    expect(registry.tagged(NAME, `sha-${built.slice(0, 7)}`)).toBe(pushed.index);
    expect(registry.tagged(NAME, `sha-${RUN.slice(0, 7)}`)).toBeUndefined();
    expect(registry.tagged(NAME, 'main')).toBe(mainBefore);
  });

  test('without --commit the same image is refused: it is not labelled with the run its own commit', async () => {
    const built = randomBytes(20).toString('hex');
    const pushed = pushAttestedImage(registry, NAME, labels(built));
    const r = await dispatch(['--digest', pushed.index, '--verified-image-id', pushed.config, '--record', file()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`is labelled revision "${built}", not this commit ${RUN}`);
    expect(existsSync(file())).toBe(false);
  });
});

describe('--promote: the one tag operation, and a branch tag that only moves forward', () => {
  test('tags the digest unchanged: the commit tag and main name exactly the pushed index', async () => {
    const { repo, c1 } = history();
    const pushed = pushAttestedImage(registry, 'acme/api-gateway', labels(c1));
    const r = await tags(['--promote', pushed.index], c1, compareFrom(repo));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(registry.tagged(NAME, `sha-${c1.slice(0, 7)}`)).toBe(pushed.index);
    expect(registry.tagged(NAME, 'main')).toBe(pushed.index);
  });

  test('two publishes finishing in the wrong order: the older commit does not move main back', async () => {
    const { repo, c1, c2 } = history();
    const older = pushAttestedImage(registry, NAME, labels(c1));
    const newer = pushAttestedImage(registry, NAME, labels(c2));
    expect((await tags(['--promote', newer.index], c2, compareFrom(repo))).code).toBe(0);
    const late = await tags(['--promote', older.index], c1, compareFrom(repo));
    expect(late.code).toBe(0);
    expect(late.stdout).toContain('main stays: main names the image of');
    expect(registry.tagged(NAME, 'main')).toBe(newer.index);
    // Its own commit tag is set all the same.
    expect(registry.tagged(NAME, `sha-${c1.slice(0, 7)}`)).toBe(older.index);
  });

  test('in the right order, main moves forward', async () => {
    const { repo, c1, c2 } = history();
    const older = pushAttestedImage(registry, NAME, { ...labels(c1), order: 'right' });
    const newer = pushAttestedImage(registry, NAME, { ...labels(c2), order: 'right' });
    await tags(['--promote', older.index], c1, compareFrom(repo));
    const r = await tags(['--promote', newer.index], c2, compareFrom(repo));
    expect(r.stdout).toContain(`main now names ${newer.index}`);
    expect(registry.tagged(NAME, 'main')).toBe(newer.index);
  });

  test('after a force push dropped the commit main names, main moves to the new history', async () => {
    const { repo, c2, dropped } = history();
    // main names the image of a commit the branch held before the force push.
    pushAttestedImage(registry, NAME, { ...labels(dropped), order: 'force' }, 'main');
    const now = pushAttestedImage(registry, NAME, { ...labels(c2), order: 'force' });
    const r = await tags(['--promote', now.index], c2, compareFrom(repo));
    expect(r.stdout).toContain(`main now names ${now.index} (${dropped.slice(0, 12)}, which main names now, is no longer on main (a force push dropped it))`);
    expect(registry.tagged(NAME, 'main')).toBe(now.index);
  });

  test("a digest that is not an image of this commit is not promoted: exit 1, no tag moves (a hand-run promote with another commit's record)", async () => {
    const { repo, c1, c2 } = history();
    const other = pushAttestedImage(registry, NAME, { ...labels(c1), order: 'wrong-record' });
    const mainBefore = registry.tagged(NAME, 'main');
    const r = await tags(['--promote', other.index], c2, compareFrom(repo));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: api-gateway: --promote ${other.index} is an image of revision "${c1}", not of this commit ${c2}; promote the digest of this commit's record (image-api-gateway)\n`,
    );
    expect(registry.tagged(NAME, `sha-${c2.slice(0, 7)}`)).toBeUndefined();
    expect(registry.tagged(NAME, 'main')).toBe(mainBefore);
  });

  test("a run of a commit a force push replaced, finishing last, leaves main on the branch's new commit", async () => {
    const { repo, c1 } = history();
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', `a ${randomBytes(4).toString('hex')}`);
    const a = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'reset', '-q', '--hard', c1);
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', `a amended ${randomBytes(4).toString('hex')}`);
    const amended = git(repo, 'rev-parse', 'HEAD');
    const replaced = pushAttestedImage(registry, NAME, { ...labels(a), order: 'amend' });
    const now = pushAttestedImage(registry, NAME, { ...labels(amended), order: 'amend' });
    expect((await tags(['--promote', now.index], amended, compareFrom(repo))).code).toBe(0);
    const late = await tags(['--promote', replaced.index], a, compareFrom(repo));
    expect({ code: late.code, stderr: late.stderr }).toEqual({ code: 0, stderr: '' });
    expect(late.stdout).toContain(`api-gateway: main stays: ${a.slice(0, 12)} is no longer on main (a force push replaced it)`);
    expect(registry.tagged(NAME, 'main')).toBe(now.index);
    expect(registry.tagged(NAME, `sha-${a.slice(0, 7)}`)).toBe(replaced.index);
  });

  test('main reset to an older commit (a bad commit undone by a force push): its next publish moves main back onto the branch', async () => {
    const { repo, c1, c2 } = history();
    const good = pushAttestedImage(registry, NAME, { ...labels(c1), order: 'reset' });
    const bad = pushAttestedImage(registry, NAME, { ...labels(c2), order: 'reset' });
    await tags(['--promote', good.index], c1, compareFrom(repo));
    await tags(['--promote', bad.index], c2, compareFrom(repo));
    expect(registry.tagged(NAME, 'main')).toBe(bad.index);
    git(repo, 'reset', '-q', '--hard', c1);
    const again = pushAttestedImage(registry, NAME, { ...labels(c1), order: 'reset-again' });
    const r = await tags(['--promote', again.index], c1, compareFrom(repo));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`main now names ${good.index} (${c2.slice(0, 12)}, which main names now, is no longer on main (a force push dropped it))`);
    expect(registry.tagged(NAME, 'main')).toBe(good.index);
  });

  test("a commit tag set meanwhile to another image of this commit (release.yml's own build) is kept, and main follows it", async () => {
    const { repo, c1 } = history();
    const released = pushAttestedImage(registry, NAME, { ...labels(c1), run: 'release' });
    const ci = pushAttestedImage(registry, NAME, { ...labels(c1), run: 'ci' });
    // The release tagged the commit first (CI's promote waits for every leg and the checks).
    expect((await tags(['--promote', released.index], c1, compareFrom(repo))).code).toBe(0);
    const r = await tags(['--promote', ci.index], c1, compareFrom(repo));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `api-gateway: sha-${c1.slice(0, 7)} names ${released.index}, an image of this commit published before (a release build); it stays, and the branch tags follow it, not ${ci.index}`,
    );
    expect(registry.tagged(NAME, `sha-${c1.slice(0, 7)}`)).toBe(released.index);
    expect(registry.tagged(NAME, 'main')).toBe(released.index);
  });

  test('a commit tag that names an image of another commit is never moved: exit 1, one line', async () => {
    const { repo, c1, c2 } = history();
    // An image of another commit under this commit's tag (a short SHA shared, or a tag set by hand).
    const other = pushAttestedImage(registry, NAME, { ...labels(c2), run: 'x' }, `sha-${c1.slice(0, 7)}`);
    const b = pushAttestedImage(registry, NAME, { ...labels(c1), run: '2' });
    const r = await tags(['--promote', b.index], c1, compareFrom(repo));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: api-gateway: sha-${c1.slice(0, 7)} already names ${other.index}, an image of revision ${JSON.stringify(c2)}, not of this commit ${c1}; a commit tag never moves: delete the wrong tag by hand if it is one\n`,
    );
    expect(registry.tagged(NAME, `sha-${c1.slice(0, 7)}`)).toBe(other.index);
  });
});
