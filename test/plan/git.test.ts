// The plan's git side in real temporary repositories: hashFiles as the runner computes it, and the
// defaults of a push on a repository with a single commit (no HEAD~1: `before` is all zeros).
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { PlanGit } from '../../scripts/plan/git.js';
import { planJson, TempRepo } from './repo.js';

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
    const git = new PlanGit(repo.dir);
    const expected = createHash('sha256')
      .update(Buffer.concat([sha256('{"a":1}'), sha256('{"b":1}')]))
      .digest('hex');
    expect(git.hashFiles(repo.dir, ['*/package.json'])).toBe(expected);
    expect(git.hashFiles(repo.dir, ['**/package.json', '!b/**'])).not.toBe(expected);
    expect(git.hashFiles(repo.dir, ['**/*.lock'])).toBe('');
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
