import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { isGitBranchName, isGitRefName } from '../../scripts/core/git/ref-name.js';

// The oracle is git itself: each name is checked by `git check-ref-format`, and the function must agree.
function gitAccepts(args: string[]): boolean {
  const r = spawnSync('git', ['check-ref-format', ...args], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r.status === 0;
}

const NAMES = [
  'main',
  'feature/x',
  'x-',
  'release/1.4',
  'api-gateway@1.4.0',
  'v1.0.0+build.5',
  'ünïcode',
  'a@b',
  'a.b',
  'a_b',
  '1',
  'a..b',
  'x.lock',
  'a/x.lock',
  'x.lock/a',
  'a.lock.b',
  '.a',
  'a/.b',
  'a/',
  '/a',
  'a//b',
  'a.',
  'a/b.',
  '@',
  'a@{1}',
  '@{u}',
  'a b',
  'a~1',
  'a^',
  'a:b',
  'a?',
  'a*',
  'a[',
  'a\\b',
  'a\tb',
  'a\u007fb',
  'a\u0001b',
  '-x',
  'HEAD',
  'x/HEAD',
  '',
  '.',
  '..',
];

describe('git ref names, against git check-ref-format', () => {
  test.each(NAMES.map((n) => [n]))('refs/heads/%j', (name) => {
    expect(isGitRefName(`refs/heads/${name}`)).toBe(gitAccepts([`refs/heads/${name}`]));
  });
  test.each(NAMES.map((n) => [n]))('--branch %j', (name) => {
    expect(isGitBranchName(name)).toBe(name !== '' && gitAccepts(['--branch', name]));
  });
  test.each([['main'], ['@'], ['refs'], ['refs/heads/x'], ['a/b']])('a full ref %j as git reads it (one level is refused)', (ref) => {
    expect(isGitRefName(ref)).toBe(gitAccepts([ref]));
  });

  test('the table holds names git accepts and names it refuses', () => {
    const accepted = NAMES.filter((n) => gitAccepts([`refs/heads/${n}`]));
    expect(accepted.length).toBeGreaterThan(8);
    expect(NAMES.length - accepted.length).toBeGreaterThan(20);
  });
});
