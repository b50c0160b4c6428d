/**
 * The origin URL behind a local run's image names, read from the repository's config file
 * (core/git/config.ts) as git reads it: a config edited by hand, with a comment, in capitals, or with
 * the URL quoted, names the same owner.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { affected, cleanup, commit, git, makeRepo, parseJson } from './affected/fixture.js';

afterAll(cleanup);

test.each([
  ['a trailing comment', '[remote "origin"]\n\turl = https://github.com/Acme/shop.git # the main remote\n'],
  ['a quoted URL', '[remote "origin"]\n\turl = "https://github.com/Acme/shop.git"\n'],
  ['section and key in capitals', '[Remote "origin"]\n\tURL = https://github.com/Acme/shop.git\n'],
  ['an older URL given first', '[remote "origin"]\n\turl = https://github.com/old-owner/shop.git\n\turl = https://github.com/Acme/shop.git\n'],
])('an origin written with %s names the owner acme', async (_, section) => {
  const { root, first } = makeRepo();
  appendFileSync(join(root, '.git', 'config'), section);
  expect(git(root, 'config', '--get', 'remote.origin.url')).toBe('https://github.com/Acme/shop.git');
  const head = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const g = 7;\n' });
  const r = await affected(root, ['--json', '--base', first, '--head', head]);
  expect(r.stderr).toBe('');
  expect(parseJson(r).matrix.include[0]).toMatchObject({ service: 'gamma', image: 'ghcr.io/acme/gamma' });
});
