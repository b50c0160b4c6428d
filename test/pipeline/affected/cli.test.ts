/**
 * The committed bundle (`node scripts/dist/pipeline.cjs affected`), as CI runs it: shallow clones,
 * GitHub step outputs and job summary, exit code 2 with one line on bad input.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { bundled, cleanup, commit, eventFile, git, lockfile, makeRepo, parseJson, pathWithOldGit, tempDir, WORKSPACE } from './fixture.js';

afterAll(cleanup);

const services = (json: { services: Array<{ name: string }> }) => json.services.map((s) => s.name);

describe('shallow clones', () => {
  function shallowPair() {
    const { root, first } = makeRepo();
    const before = commit(root, 'one', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    const after = commit(root, 'two', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    const clone = tempDir('clone-');
    git(clone, 'clone', '-q', '--depth', '1', '--branch', 'main', `file://${root}`, 'repo');
    return { origin: root, first, before, after, clone: join(clone, 'repo') };
  }

  test('a push: the missing before commit is fetched alone (depth 1), and the diff is exact', () => {
    const { first, before, after, clone } = shallowPair();
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    expect(() => git(clone, 'cat-file', '-e', `${before}^{commit}`)).toThrow();
    const r = bundled(clone, ['--json'], { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventFile({ ref: 'refs/heads/main', before, after, forced: false }), GITHUB_SHA: after });
    const json = parseJson(r);
    expect(json).toMatchObject({ base: before, head: after, strategy: 'push' });
    expect(services(json)).toEqual(['beta']);
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    // Only the one commit was fetched: its parent is still not here.
    expect(git(clone, 'cat-file', '-t', before)).toBe('commit');
    expect(() => git(clone, 'cat-file', '-e', `${first}^{commit}`)).toThrow();
  });

  test('a merge group on a shallow clone', () => {
    const { first, after, clone } = shallowPair();
    const json = parseJson(bundled(clone, ['--json', '--event', eventFile({ merge_group: { base_sha: first, head_sha: after } })]));
    expect(services(json)).toEqual(['beta', 'gamma']);
  });

  test('a revision that cannot be had: every service, loudly (annotation and reason)', () => {
    const { after, clone } = shallowPair();
    const gone = 'f'.repeat(40);
    const r = bundled(clone, ['--json'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: eventFile({ ref: 'refs/heads/main', before: gone, after }),
      GITHUB_SHA: after,
    });
    const json = parseJson(r);
    expect(json).toMatchObject({ base: null, head: after, strategy: 'fallback-all', global: true });
    expect(services(json)).toEqual(['alpha', 'beta', 'gamma']);
    expect(json.services[0]?.reasons[0]).toMatch(
      new RegExp(`push before ${gone} is not in this clone and .git fetch --depth=1 origin ${gone}. could not get it: every service is affected`),
    );
    expect(r.stderr).toMatch(/^::warning title=pipeline affected::push: push before f{40} is not in this clone/m);
  });

  test('a pull request merge commit on a depth-1 clone: its first parent is read from the commit and fetched alone', () => {
    const { root: origin } = makeRepo();
    git(origin, 'checkout', '-q', '-b', 'feature');
    const prHead = commit(origin, 'pr', { 'services/alpha/src/main.ts': 'export const a = 2;\n' });
    git(origin, 'checkout', '-q', 'main');
    const baseTip = commit(origin, 'main moves on', { 'services/gamma/src/main.ts': 'export const g = 2;\n' });
    git(origin, 'checkout', '-q', '-b', 'pull/1/merge');
    git(origin, 'merge', '-q', '--no-ff', '-m', 'merge', prHead);
    const merge = git(origin, 'rev-parse', 'HEAD');
    const dir = tempDir('clone-');
    git(dir, 'clone', '-q', '--depth', '1', '--branch', 'pull/1/merge', `file://${origin}`, 'repo');
    const clone = join(dir, 'repo');
    const payload = { number: 1, pull_request: { number: 1, base: { sha: baseTip }, head: { sha: prHead }, merge_commit_sha: null } };
    const json = parseJson(bundled(clone, ['--json'], { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile(payload), GITHUB_SHA: merge }));
    expect(json).toMatchObject({ base: baseTip, head: merge, strategy: 'pull-request' });
    expect(services(json)).toEqual(['alpha']);
  });

  test('a new branch on a shallow clone finds the merge base by fetching history of both', () => {
    const { root: origin, first } = makeRepo();
    git(origin, 'checkout', '-q', '-b', 'feature');
    const after = commit(origin, 'f', { 'packages/core/src/index.ts': 'export const c = 5;\n' });
    git(origin, 'checkout', '-q', 'main');
    commit(origin, 'main', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    const dir = tempDir('clone-');
    git(dir, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, 'repo');
    const clone = join(dir, 'repo');
    const json = parseJson(bundled(clone, ['--json', '--event', eventFile({ ref: 'refs/heads/feature', before: '0'.repeat(40), after })]));
    expect(json).toMatchObject({ base: first, strategy: 'new-branch' });
    expect(services(json)).toEqual(['alpha', 'beta']);
  });
});

describe("full clones stay full (a fetch with --depth would make a developer's clone shallow and cut its history)", () => {
  test('a head only origin has: fetched with its history, and the clone is still complete', () => {
    const { root: origin, first } = makeRepo();
    const dir = tempDir('clone-');
    git(dir, 'clone', '-q', `file://${origin}`, 'repo');
    const clone = join(dir, 'repo');
    const middle = commit(origin, 'one', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    const head = commit(origin, 'two', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    const json = parseJson(bundled(clone, ['--json', '--base', first, '--head', head]));
    expect(services(json)).toEqual(['beta', 'gamma']);
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('false');
    expect(git(clone, 'rev-list', '--count', head)).toBe(git(origin, 'rev-list', '--count', head));
    expect(git(clone, 'cat-file', '-t', middle)).toBe('commit');
    // A later pull still fast-forwards: the history is whole.
    git(clone, 'pull', '-q', '--ff-only');
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(head);
  });

  test('a new branch in a single-branch clone: the default branch is fetched whole, not 200 commits deep', () => {
    const { root: origin, first } = makeRepo();
    // More commits on main than the 200 a shallow clone's merge-base search fetches: one fast-import.
    const tip = git(origin, 'rev-parse', 'main');
    const stream = Array.from({ length: 210 }, (_, i) =>
      ['commit refs/heads/main', `mark :${i + 1}`, 'committer T <t@example.com> 1700000000 +0000', 'data 1', 'm', i === 0 ? `from ${tip}` : `from :${i}`, ''].join('\n'),
    ).join('\n');
    execFileSync('git', ['fast-import', '--quiet'], { cwd: origin, input: `${stream}\n` });
    git(origin, 'reset', '-q', '--hard', 'main');
    git(origin, 'checkout', '-q', '-b', 'feature');
    const after = commit(origin, 'f', { 'packages/core/src/index.ts': 'export const c = 5;\n' });
    git(origin, 'checkout', '-q', 'main');
    const dir = tempDir('clone-');
    git(dir, 'clone', '-q', '--single-branch', '--branch', 'feature', `file://${origin}`, 'repo');
    const clone = join(dir, 'repo');
    git(clone, 'config', 'remote.origin.fetch', '+refs/heads/feature:refs/remotes/origin/feature');
    const json = parseJson(bundled(clone, ['--json', '--event', eventFile({ ref: 'refs/heads/feature', before: '0'.repeat(40), after })]));
    expect(json).toMatchObject({ strategy: 'new-branch' });
    expect(json.base).not.toBe(first);
    expect(services(json)).toEqual(['alpha', 'beta']);
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('false');
    expect(git(clone, 'rev-list', '--count', 'refs/remotes/origin/main')).toBe(git(origin, 'rev-list', '--count', 'main'));
  });
});

describe('inside GitHub Actions', () => {
  test('step outputs, the job summary, and exactly one JSON object on stdout', () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'core', { 'packages/core/src/index.ts': 'export const core = 2;\n', 'scripts/tool.ts': 'export const t = 2;\n' });
    const out = tempDir('gh-');
    const output = join(out, 'output');
    const summary = join(out, 'summary');
    writeFileSync(output, '');
    writeFileSync(summary, '');
    const r = bundled(root, ['--json', '--base', first, '--head', head], {
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY_OWNER: 'Acme',
    });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const json = parseJson(r);
    const outputs = Object.fromEntries([...readFileSync(output, 'utf8').matchAll(/^(\w+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]));
    expect(outputs).toEqual({
      matrix: JSON.stringify(json.matrix),
      services: '["alpha","beta"]',
      count: '2',
      any: 'true',
      libraries: '["@kc/auth","@kc/core"]',
      tooling: 'true',
      global: 'false',
      base: first,
      head,
    });
    expect(json.matrix.include.map((e) => e.image)).toEqual(['ghcr.io/acme/alpha', 'ghcr.io/acme/beta']);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('| beta | `ghcr.io/acme/beta` | depends on @kc/core, which changed |');
    expect(md).toContain('```mermaid');
  });

  test('nothing affected: an empty matrix and any=false', () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'docs', { 'README.md': 'x\n' });
    const output = join(tempDir('gh-'), 'output');
    writeFileSync(output, '');
    expect(bundled(root, ['--base', first, '--head', head], { GITHUB_OUTPUT: output }).code).toBe(0);
    const text = readFileSync(output, 'utf8');
    expect(text).toMatch(/^matrix<<(ghadelimiter_[\w-]+)\n\{"include":\[\]\}\n\1$/m);
    expect(text).toMatch(/^any<<(ghadelimiter_[\w-]+)\nfalse\n\1$/m);
  });

  test('human output is a table of services with reasons', () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'x\n' });
    const r = bundled(root, ['--base', first, '--head', head]);
    expect(r.stdout).toContain('service  reason\ngamma    1 file changed in services/gamma: "src/main.ts"\n');
  });
});

describe('step files that cannot take the write', () => {
  test.each(['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY'])('%s=/dev/full: one line naming the file, exit 3 (it was an internal error, exit 70)', (name) => {
    const { root, first } = makeRepo();
    const head = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'x\n' });
    const other = name === 'GITHUB_OUTPUT' ? 'GITHUB_STEP_SUMMARY' : 'GITHUB_OUTPUT';
    const otherFile = join(tempDir(), 'file');
    writeFileSync(otherFile, '');
    const r = bundled(root, ['--base', first, '--head', head], { [name]: '/dev/full', [other]: otherFile });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^error: could not write ${name}="/dev/full": ENOSPC[^\n]*\n$`));
  });
});

describe('git versions and the cache', () => {
  test('git older than 2.36 (no cat-file --batch-command): the same answer, through plain --batch', () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'beta and the lockfile', { 'services/beta/src/main.ts': 'x\n', 'pnpm-lock.yaml': lockfile('1.3.1'), 'README.md': '# x\n' });
    const args = ['--base', first, '--head', head, '--json'];
    const usual = parseJson(bundled(root, args));
    rmSync(join(root, '.git/pipeline-affected'), { recursive: true, force: true });
    const old = bundled(root, args, { PATH: pathWithOldGit() });
    expect(parseJson(old)).toEqual(usual);
    expect(services(usual)).toEqual(['beta']);
    expect(old.stderr).toBe('');
  });

  test('a FIFO where the cached graph should be is no cache: the same answer, read from the objects (the read waited forever)', () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'core', { 'packages/core/src/index.ts': 'x\n' });
    const args = ['--base', first, '--head', head, '--json'];
    const cold = bundled(root, args);
    const cacheDir = join(root, '.git/pipeline-affected');
    const cached = readdirSync(cacheDir).filter((f) => f.startsWith('graph-'));
    expect(cached.length).toBeGreaterThan(0);
    for (const f of cached) {
      rmSync(join(cacheDir, f));
      execFileSync('mkfifo', [join(cacheDir, f)]);
    }
    const again = bundled(root, args, { PIPELINE_TIMING: '1' });
    expect(again.code).toBe(0);
    expect(parseJson(again)).toEqual(parseJson(cold));
    expect(again.stderr).toMatch(/not cached: reading the package folders/);
  });

  test('a second run reads the graph from the cache and answers the same', () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'core', { 'packages/core/src/index.ts': 'x\n' });
    const args = ['--base', first, '--head', head, '--json'];
    const cold = bundled(root, args, { PIPELINE_TIMING: '1' });
    const warm = bundled(root, args, { PIPELINE_TIMING: '1' });
    expect(cold.stderr).toMatch(/not cached: reading the package folders/);
    expect(warm.stderr).toMatch(/workspace graph from the cache/);
    expect(parseJson({ ...warm, stderr: '' })).toEqual(parseJson({ ...cold, stderr: '' }));
    expect(services(parseJson({ ...warm, stderr: '' }))).toEqual(['alpha', 'beta']);
  });
});

test('PIPELINE_TIMING: the first mark is made before the options are read (where the step table of bench/README starts)', () => {
  const { root } = makeRepo();
  const help = bundled(root, ['--help'], { PIPELINE_TIMING: '1' });
  expect(help.stdout).toMatch(/^usage: pnpm pipeline affected/);
  expect(help.stderr).toMatch(/^timing [\d.]+ ms: command loaded\n$/);
  const bad = bundled(root, ['--nope'], { PIPELINE_TIMING: '1' });
  expect(bad.stderr.split('\n')[0]).toMatch(/^timing [\d.]+ ms: command loaded$/);
});

describe('git that cannot answer: one line, exit 3 (outside this command)', () => {
  test('a partial clone whose remote is gone: the trees it needs cannot be fetched', () => {
    const { root, first } = makeRepo();
    git(root, 'config', 'uploadpack.allowFilter', 'true');
    const head = commit(root, 'beta', { 'services/beta/src/main.ts': 'export const b = 2;\n' });
    const dir = tempDir('partial-');
    git(dir, 'clone', '-q', '--filter=tree:0', '--no-checkout', `file://${root}`, 'repo');
    rmSync(root, { recursive: true, force: true });
    const r = bundled(join(dir, 'repo'), ['--base', first, '--head', head]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 3, stdout: '' });
    expect(r.stderr.split('\n').slice(0, -1)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: git .* from promisor remote/);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

test('a new branch whose event names a default branch holding a NUL: no internal error (a NUL never reaches git as an argument; it was exit 70)', () => {
  const { root } = makeRepo();
  const head = git(root, 'rev-parse', 'HEAD');
  const r = bundled(root, [
    '--json',
    '--event',
    eventFile({ ref: 'refs/heads/feature', before: '0'.repeat(40), after: head, forced: false, repository: { default_branch: 'ma\u0000in' } }),
  ]);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  expect(parseJson(r).head).toBe(head);
});

describe('bad input: one line, exit 2', () => {
  const cases: Array<[string, (root: string, first: string) => { args: string[]; env?: Record<string, string> }, RegExp]> = [
    ['an unknown revision', () => ({ args: ['--base', 'no-such-branch'] }), /^error: --base "no-such-branch": unknown revision in .*; expected a commit SHA, branch or tag/],
    // git cat-file dies on a reflog entry past the reflog's end (it was exit 70): asked of rev-parse instead.
    [
      'a reflog entry past the end of the reflog',
      () => ({ args: ['--base', 'HEAD@{99}', '--head', 'HEAD'] }),
      /^error: --base "HEAD@\{99\}": unknown revision in .*; expected a commit SHA, branch or tag/,
    ],
    ['--cwd outside any repository', () => ({ args: ['--cwd', tempDir('plain-'), '--base', 'HEAD'] }), /^error: .* is not inside a git repository/],
    // @actions/core appends to these and never creates them (it was exit 70: EISDIR, "Missing file at path").
    [
      'GITHUB_OUTPUT naming a folder',
      (_, first) => ({ args: ['--base', first, '--head', 'HEAD'], env: { GITHUB_OUTPUT: tempDir('gh-') } }),
      /^error: GITHUB_OUTPUT=".*": not a file; inside GitHub Actions the runner sets it; elsewhere unset GITHUB_OUTPUT or point it at an existing file\n$/,
    ],
    [
      'GITHUB_STEP_SUMMARY naming no file',
      (_, first) => ({ args: ['--base', first, '--head', 'HEAD'], env: { GITHUB_STEP_SUMMARY: join(tempDir('gh-'), 'missing', 'summary.md') } }),
      /^error: GITHUB_STEP_SUMMARY=".*": no such file \(ENOENT\); inside GitHub Actions/,
    ],
    ['--cwd that does not exist', () => ({ args: ['--cwd', '/nonexistent/dir', '--base', 'HEAD'] }), /^error: --cwd \/nonexistent\/dir: no such directory/],
    ['an unknown flag', () => ({ args: ['--bogus'] }), /^error: pnpm pipeline affected: unknown option "--bogus"; expected: pnpm pipeline affected \[--base REV\]/],
    [
      'an event file that is not JSON',
      () => ({ args: [], env: { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: writeTemp('{"before":') } }),
      /^error: .*event\.json: the event file is not valid JSON/,
    ],
    [
      'an event that lacks fields',
      () => ({ args: ['--event', eventFile({ merge_group: { base_sha: 'x' } })] }),
      /^error: .*merge_group event: merge_group\.base_sha must be a full commit SHA \(40 or 64 lowercase hex characters\)/,
    ],
    ['a missing event file', () => ({ args: ['--event', '/nonexistent/event.json'] }), /^error: event file \/nonexistent\/event\.json: cannot read it \(ENOENT\)/],
    [
      'a malformed package.json',
      (root, first) => broken(root, first, { 'services/beta/package.json': '{"name": ' }),
      /^error: services\/beta\/package\.json \(at [0-9a-f]{12}\): not valid JSON/,
    ],
    [
      'a package.json whose name is no string',
      (root, first) => broken(root, first, { 'services/beta/package.json': '{"name":7}' }),
      /^error: services\/beta\/package\.json \(at [0-9a-f]{12}\): "name" must be a string, got a number\n$/,
    ],
    [
      'a malformed pnpm-workspace.yaml',
      (root, first) => broken(root, first, { 'pnpm-workspace.yaml': 'packages: [\n' }),
      /^error: pnpm-workspace\.yaml \(at [0-9a-f]{12}\): not valid YAML/,
    ],
    [
      'a missing pnpm-workspace.yaml',
      (root, first) => broken(root, first, { 'pnpm-workspace.yaml': null }),
      /^error: pnpm-workspace\.yaml not found in the repository root at [0-9a-f]{12}/,
    ],
    [
      'a lockfile with conflict markers',
      (root, first) => broken(root, first, { 'pnpm-lock.yaml': "<<<<<<< HEAD\nlockfileVersion: '9.0'\n=======\n>>>>>>> x\n" }),
      /^error: pnpm-lock\.yaml at [0-9a-f]{12}: not valid YAML/,
    ],
    [
      // A partial or damaged clone: git lists the manifest but cannot read it. Not "no package here".
      'a package.json whose object git cannot read',
      (root, first) => {
        const head = commit(root, 'new manifest', { 'services/beta/package.json': JSON.stringify({ name: '@kc/beta', version: '9.9.9' }) });
        const blob = git(root, 'rev-parse', `${head}:services/beta/package.json`);
        rmSync(join(root, '.git/objects', blob.slice(0, 2), blob.slice(2)));
        return { args: ['--base', first, '--head', head] };
      },
      /^error: services\/beta\/package\.json \(at [0-9a-f]{12}\): git cannot read its object; the clone is incomplete/,
    ],
    [
      // The revision fails while the graph at the named head is still being read (a deep glob: several
      // rounds): the command must still end at once, not wait on a git process started after its end.
      'an unknown base with a deep workspace being read at the head',
      (root) => {
        const deep: Record<string, string> = { 'pnpm-workspace.yaml': "packages:\n  - 'packages/**'\n" };
        for (let i = 0; i < 20; i++) deep[`packages/p${i}/${'n/'.repeat(i % 5)}x${i}/package.json`] = JSON.stringify({ name: `@deep/x${i}` });
        return { args: ['--base', 'no-such-branch', '--head', commit(root, 'deep', deep)] };
      },
      /^error: --base "no-such-branch": unknown revision/,
    ],
  ];

  function writeTemp(text: string): string {
    const file = join(tempDir('event-'), 'event.json');
    writeFileSync(file, text);
    return file;
  }

  function broken(root: string, first: string, files: Record<string, string | null>) {
    return { args: ['--base', first, '--head', commit(root, 'break', files)] };
  }

  test.each(cases)('%s', (_, setup, message) => {
    const { root, first } = makeRepo();
    const { args, env = {} } = setup(root, first);
    const r = bundled(root, ['--json', ...args], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

test('the fixture workspace is what the tests assume', () => {
  expect(Object.keys(WORKSPACE).filter((p) => p.endsWith('Dockerfile'))).toHaveLength(3);
});
