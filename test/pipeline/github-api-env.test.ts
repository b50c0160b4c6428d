/**
 * The GitHub API settings a step's environment gives (io/github-api.ts githubApiOptionsFromEnv): a wrong
 * one is bad input, one line and exit 2, and the token is never echoed (a token holding a line break
 * used to reach Octokit, whose "HTTP 500: Headers.append" error printed its first line, exit 3).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { githubApiOptionsFromEnv } from '../../scripts/io/github-api.js';
import { ROOT } from '../support/cli.js';

const GOOD = { GITHUB_TOKEN: 'ghs_abc123', GITHUB_REPOSITORY: 'acme/shop' };

test.each<[string, Record<string, string>, RegExp]>([
  ['no token', { GITHUB_TOKEN: '' }, /^GITHUB_TOKEN is not set: /],
  ['a token with a line break', { GITHUB_TOKEN: 'ghp_SECRETPART1\nghp_X' }, /^GITHUB_TOKEN holds a space, a line break or another character no token has .*; set the token alone$/],
  ['a token with a space', { GITHUB_TOKEN: 'token ghp_SECRET' }, /^GITHUB_TOKEN holds a space/],
  ['a repository without an owner', { GITHUB_REPOSITORY: 'shop' }, /^GITHUB_REPOSITORY "shop": expected <owner>\/<repo>$/],
  ['an API URL that is no URL', { GITHUB_API_URL: 'notaurl' }, /^GITHUB_API_URL "notaurl": expected an http\(s\) URL without credentials, e\.g\. https:\/\/api\.github\.com$/],
  ['an API URL of another scheme', { GITHUB_API_URL: 'ftp://api.example' }, /^GITHUB_API_URL "ftp:\/\/api\.example": expected an http\(s\) URL/],
  ['an API URL with credentials', { GITHUB_API_URL: 'https://u:p@api.example' }, /^GITHUB_API_URL "https:\/\/u:p@api\.example": expected an http\(s\) URL without credentials/],
])('%s: an InputError naming the variable, never the token', (_, env, message) => {
  const read = () => githubApiOptionsFromEnv({ ...GOOD, ...env }, 1000);
  expect(read).toThrow(InputError);
  expect(read).toThrow(message);
  try {
    read();
  } catch (err) {
    expect(String(err)).not.toContain('SECRET');
  }
});

test.each<[string, Record<string, string>, string]>([
  ['GitHub', {}, 'https://api.github.com'],
  ['an Enterprise Server, its trailing slashes dropped', { GITHUB_API_URL: 'https://ghe.example/api/v3//' }, 'https://ghe.example/api/v3'],
  ['a local stand-in', { GITHUB_API_URL: 'http://127.0.0.1:8080' }, 'http://127.0.0.1:8080'],
])('%s', (_, env, baseUrl) => {
  expect(githubApiOptionsFromEnv({ ...GOOD, ...env }, 1000)).toEqual({ baseUrl, token: 'ghs_abc123', repository: 'acme/shop', timeoutMs: 1000 });
});

test('through the bundle: exit 2, one line, the token not in it', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/dist/pipeline.cjs'), 'deploy', 'status'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_REPOSITORY: 'a/b', GITHUB_TOKEN: 'ghp_SECRETPART1\nghp_X' },
    timeout: 60_000,
  });
  expect({ code: r.status, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr.split('\n').slice(0, -1)).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: GITHUB_TOKEN holds a space/);
  expect(r.stderr).not.toContain('SECRET');
});
