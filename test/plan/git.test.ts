// The plan's git side in real temporary repositories: hashFiles as the runner computes it, the
// defaults of a push on a repository with a single commit (no HEAD~1: `before` is all zeros), and the
// commit a plan evaluates: its workflow files and its tree, whatever the working tree holds.
import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Plan } from '../../scripts/plan/plan-types.js';
import { hashFiles } from '../../scripts/io/plan/hash-files.js';
import { git, planJson, runPlan, TempRepo } from './repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

describe('hashFiles', () => {
  test('SHA-256 over the SHA-256 of each matching tracked file, in path order; "" when none matches', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.commit('files', { 'b/package.json': '{"b":1}', 'a/package.json': '{"a":1}', 'a/readme.md': 'x', 'node_modules/x/package.json': '{}' });
    const expected = createHash('sha256')
      .update(Buffer.concat([sha256('{"a":1}'), sha256('{"b":1}')]))
      .digest('hex');
    expect(hashFiles(repo.dir, ['*/package.json'])).toBe(expected);
    expect(hashFiles(repo.dir, ['**/package.json', '!b/**'])).not.toBe(expected);
    expect(hashFiles(repo.dir, ['**/*.lock'])).toBe('');
  });
});

describe('hashFiles over a branch someone else wrote: no link is followed, memory stays bounded', () => {
  test('a tracked link to /dev/zero, to a folder, and to a file outside the repository is hashed by its target path, never read', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.commit('files', { 'a.lock': 'a' });
    symlinkSync('/dev/zero', join(repo.dir, 'zero.lock'));
    symlinkSync('/etc', join(repo.dir, 'dir.lock'));
    symlinkSync('/etc/hostname', join(repo.dir, 'outside.lock'));
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'links');
    const expected = createHash('sha256')
      .update(Buffer.concat([sha256('a'), sha256('/etc'), sha256('/etc/hostname'), sha256('/dev/zero')]))
      .digest('hex');
    // (Before: /dev/zero was read until the machine ran out of memory, the folder failed with EISDIR.)
    expect(hashFiles(repo.dir, ['*.lock'])).toBe(expected);
  });

  test('a large tracked file is read in pieces, with the same digest as a whole read', () => {
    const repo = new TempRepo();
    repos.push(repo);
    const big = 'x'.repeat(3 * 1024 * 1024 + 7);
    repo.commit('big', { 'big.lock': big });
    expect(hashFiles(repo.dir, ['big.lock'])).toBe(createHash('sha256').update(sha256(big)).digest('hex'));
  });
});

describe('defaults on a fresh clone', () => {
  test('a push of the only commit has no base: before is all zeros, path filters cannot exclude', async () => {
    const repo = TempRepo.fromFixture();
    repos.push(repo);
    const plan = await planJson(repo.dir, ['--event', 'push']);
    expect(plan.event).toMatchObject({ base: null, changedFiles: null });
    expect(plan.event.payload).toMatchObject({ before: '0000000000000000000000000000000000000000', created: true });
    const build = plan.workflows.find((w) => w.file === '.github/workflows/ci.yml')?.jobs.find((j) => j.id === 'build');
    expect(build?.legs.map((l) => l.matrix?.['service'])).toEqual(['api', 'web']);
  });
});

describe('the evaluated commit, not the working tree', () => {
  const probe = (job: string) => `name: Probe
on: push
permissions: {}
jobs:
  ${job}:
    runs-on: ubuntu-24.04
    timeout-minutes: 1
    steps:
      - id: tags
        run: node scripts/dist/pipeline.cjs tags --service api
`;
  const probeJobs = (plan: Plan) => plan.workflows.find((w) => w.file === '.github/workflows/probe.yml')?.jobs.map((j) => j.id);
  const probeTags = (plan: Plan) => plan.workflows.find((w) => w.file === '.github/workflows/probe.yml')?.jobs[0]?.legs[0]?.steps[0]?.executed?.outputs['tags'];

  test("--head names an older commit: its workflows and its event for the executed steps (run by the trusted CLI, not the commit's)", async () => {
    const repo = TempRepo.fromFixture();
    repos.push(repo);
    const older = repo.commit('probe a', { '.github/workflows/probe.yml': probe('probe-a') });
    // The newer commit changes the workflow and its own `pipeline` entry, which the plan never runs.
    repo.commit('probe b', {
      '.github/workflows/probe.yml': probe('probe-b'),
      'scripts/dist/pipeline.cjs': "const { appendFileSync } = require('node:fs');\nappendFileSync(process.env.GITHUB_OUTPUT, 'tags=from-b\\n');\n",
    });
    // And the working tree holds a third version, never committed.
    repo.write({ '.github/workflows/probe.yml': probe('probe-dirty') });

    const atOlder = await planJson(repo.dir, ['--event', 'push', '--head', older]);
    expect(atOlder.event.sha).toBe(older);
    expect(probeJobs(atOlder)).toEqual(['probe-a']);
    expect(probeTags(atOlder)).toBe(`ghcr.io/acme/api:sha-${older.slice(0, 7)}\nghcr.io/acme/api:main`);

    const atHead = await planJson(repo.dir, ['--event', 'push']);
    expect(probeJobs(atHead)).toEqual(['probe-b']);
    const headSha = git(repo.dir, 'rev-parse', 'HEAD');
    expect(probeTags(atHead)).toBe(`ghcr.io/acme/api:sha-${headSha.slice(0, 7)}\nghcr.io/acme/api:main`);

    // The temporary checkout is gone, and the working tree is as it was.
    expect(git(repo.dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(readFileSync(join(repo.dir, '.github/workflows/probe.yml'), 'utf8')).toBe(probe('probe-dirty'));
  });

  test('a commit without workflow files is one clear line, exit 2', async () => {
    const repo = TempRepo.fromFixture();
    repos.push(repo);
    git(repo.dir, 'rm', '-q', '-r', '.github');
    const bare = repo.commit('no workflows');
    const result = await runPlan(repo.dir, ['--event', 'push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: .github/workflows: no workflow files in commit ${bare.slice(0, 12)}; generate them with \`pnpm workflows\` and commit them\n`);
  });
});
