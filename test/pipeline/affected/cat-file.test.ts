/**
 * io/cat-file.ts on real repositories: the interactive reader and the bulk reader, each with git as
 * it is and with a git that refuses `--batch-command` (git < 2.36; the one stand-in, which only removes
 * a feature: see pathWithOldGit). Expected answers come from `git cat-file -t` / `git show` run here.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { InputError } from '../../../scripts/core/errors.js';
import { type BulkAnswers, bulkRead, CatFile } from '../../../scripts/io/cat-file.js';
import { cleanup, commit, git, makeRepo, pathWithOldGit } from './fixture.js';

afterAll(cleanup);

const PATH = process.env['PATH'];
afterEach(() => {
  process.env['PATH'] = PATH;
});

const GITS: ReadonlyArray<readonly [string, () => string | undefined]> = [
  ['git as it is', () => PATH],
  ['git < 2.36 (no --batch-command)', pathWithOldGit],
];

/** The git cat-file processes this test process has started and not yet reaped. */
function catFiles(): string[] {
  const r = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'cat-file'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l !== '');
}

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 10_000) throw new Error('git cat-file still running after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function answers(a: BulkAnswers, n: number): Array<[string | undefined, string]> {
  return Array.from({ length: n }, (_, i) => [a.type(i), a.text(i)]);
}

describe.each(GITS)('with %s', (_, path) => {
  test('the interactive reader answers blobs, trees, commits and missing objects in order, headers only when asked', async () => {
    const { root, first } = makeRepo();
    process.env['PATH'] = path();
    const objects = new CatFile(root);
    try {
      const [blob, tree, missing, commitObject] = await objects.read([`${first}:services/gamma/Dockerfile`, `${first}:services`, `${first}:nope`, first]);
      expect(blob?.type).toBe('blob');
      expect(blob?.content.toString('utf8')).toBe('FROM node:24\n');
      expect(blob?.sha).toBe(git(root, 'rev-parse', `${first}:services/gamma/Dockerfile`));
      expect(tree?.type).toBe('tree');
      expect(missing).toBeUndefined();
      expect(commitObject?.content.toString('utf8')).toBe(`${git(root, 'cat-file', 'commit', first)}\n`);
      const [header] = await objects.read([`${first}:services/gamma/Dockerfile`], true);
      expect(header?.type).toBe('blob');
      expect(header?.content.length).toBe(0);
    } finally {
      objects.end();
    }
    await expect(objects.read([first])).rejects.toThrow('git object reader used after the command ended');
  });

  test('a bulk read answers by tree hash: contents, then types only, in the order asked', async () => {
    const { root } = makeRepo();
    const head = commit(root, 'a non-ASCII manifest', { 'services/gamma/package.json': '{"name":"@kc/gamma","description":"café"}\n' });
    process.env['PATH'] = path();
    const trees = ['alpha', 'beta', 'gamma'].map((s) => git(root, 'rev-parse', `${head}:services/${s}`));
    const objects = new CatFile(root);
    const reader = bulkRead(root, objects);
    try {
      reader.add(trees, 'package.json');
      reader.add([...trees, git(root, 'rev-parse', `${head}:packages/core`)], 'Dockerfile', true);
      const got = await reader.finish();
      const manifest = (s: string) => `${git(root, 'show', `${head}:services/${s}/package.json`)}\n`;
      expect(answers(got, 7)).toEqual([
        ['blob', manifest('alpha')],
        ['blob', manifest('beta')],
        ['blob', '{"name":"@kc/gamma","description":"café"}\n'],
        ['blob', ''],
        ['blob', ''],
        ['blob', ''],
        // packages/core holds no Dockerfile.
        [undefined, ''],
      ]);
      await expect(reader.finish()).rejects.toThrow('bulk read finished twice, or after close()');
    } finally {
      reader.close();
      objects.end();
    }
  });

  test('a bulk read let go before its end ends git, whose exit leaves the closed file alone', async () => {
    const { root, first } = makeRepo();
    process.env['PATH'] = path();
    const objects = new CatFile(root);
    const before = catFiles();
    const reader = bulkRead(root, objects);
    reader.add([git(root, 'rev-parse', `${first}:services/alpha`)], 'package.json');
    reader.close();
    reader.close();
    await expect(reader.finish()).rejects.toThrow('bulk read finished twice, or after close()');
    // git exits with its input; its exit (a usage error with the old git) must not touch the closed file
    // (an fstat of it would be an unhandled error here, failing the test file).
    await until(() => catFiles().length === before.length);
    // The shared reader still works: git's version was found out by the first process that asked.
    const [obj] = await objects.read([first]);
    expect(obj?.type).toBe('commit');
    objects.end();
  });
});

test('a path with a newline is refused before git sees it', async () => {
  const { root, first } = makeRepo();
  const objects = new CatFile(root);
  try {
    expect(() => objects.read([`${first}:a\nb`])).toThrow(`cannot read "${first}:a\\nb" from git: it contains a newline`);
    const reader = bulkRead(root, objects);
    expect(() => reader.add([first], 'a\nb')).toThrow('cannot read "a\\nb" from git: it contains a newline');
    reader.close();
  } finally {
    objects.end();
  }
});

test('git missing from PATH is bad input naming the fix, for the interactive and the bulk reader', async () => {
  const { root, first } = makeRepo();
  process.env['PATH'] = '/nonexistent-bin';
  const objects = new CatFile(root);
  const reader = bulkRead(root, objects);
  try {
    await expect(objects.read([first])).rejects.toThrow(new InputError('git is not installed or not on PATH; install git'));
    reader.add([first], 'package.json');
    await expect(reader.finish()).rejects.toThrow(new InputError('git is not installed or not on PATH; install git'));
  } finally {
    reader.close();
    objects.end();
  }
});
