/**
 * One discovery (core/workspace/discover.ts), two listings: the working tree (io/workspace-fs.ts)
 * and a commit's trees (io/workspace-git.ts). Each fixture is committed to a real repository, so the
 * same files are on disk and in git; both loaders must give the packages written here by hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { InputError } from '../../../scripts/core/errors.js';
import { openGit } from '../../../scripts/io/git.js';
import { loadWorkspace } from '../../../scripts/io/workspace-fs.js';
import { loadWorkspaceFromGit } from '../../../scripts/io/workspace-git.js';
import { cleanup, commit, git as runGit, makeRepo } from './fixture.js';

afterAll(cleanup);

const pkg = (dir: string, name: string): Record<string, string> => ({ [`${dir}/package.json`]: `${JSON.stringify({ name, version: '1.0.0' })}\n` });
const file = (path: string): Record<string, string> => ({ [path]: 'x\n' });
const workspace = (...globs: string[]): Record<string, string> => ({ 'pnpm-workspace.yaml': `packages:\n${globs.map((g) => `  - '${g}'\n`).join('')}` });

interface Case {
  readonly files: Record<string, string>;
  readonly marker: string;
  /** The service folder globs (the config's `services.dockerfileTargets`). */
  readonly serviceGlobs?: readonly string[];
  /** `[dir, name, isService]`, by folder. */
  readonly expected: ReadonlyArray<readonly [string, string, boolean]>;
}

const CASES: ReadonlyArray<readonly [string, Case]> = [
  [
    "a deep glob with an exclusion; node_modules, bower_components and dot-folders skipped, dist not (pnpm's own list)",
    {
      files: {
        ...workspace('apps/**', '!apps/legacy'),
        ...pkg('apps/web', 'web'),
        ...file('apps/web/Dockerfile'),
        ...pkg('apps/web/admin', 'admin'),
        ...pkg('apps/legacy', 'legacy'),
        ...file('apps/legacy/Dockerfile'),
        ...pkg('apps/tools/cli', 'cli'),
        ...pkg('apps/node_modules/dep', 'dep'),
        ...pkg('apps/dist/built', 'built'),
        ...pkg('apps/bower_components/old', 'old'),
        ...pkg('apps/.cache/tmp', 'tmp'),
        ...file('apps/empty/Dockerfile'),
      },
      marker: 'Dockerfile',
      expected: [
        ['apps/dist/built', 'built', false],
        ['apps/tools/cli', 'cli', false],
        ['apps/web', 'web', true],
        ['apps/web/admin', 'admin', false],
      ],
    },
  ],
  [
    'one level per glob: a folder named package.json or Dockerfile is no file',
    {
      files: {
        ...workspace('services/*', 'libs/*'),
        ...pkg('services/a', 'a'),
        ...file('services/a/Dockerfile'),
        ...pkg('services/a/nested', 'nested'),
        ...pkg('services/b', 'b'),
        ...file('services/b/Dockerfile/readme'),
        ...file('services/c/package.json/index.js'),
        ...file('services/c/Dockerfile'),
        ...pkg('libs/x', '@scope/x'),
        ...pkg('other/y', 'y'),
      },
      marker: 'Dockerfile',
      expected: [
        ['libs/x', '@scope/x', false],
        ['services/a', 'a', true],
        ['services/b', 'b', false],
      ],
    },
  ],
  [
    'a marker below the package folder',
    {
      files: {
        ...workspace('packages/*'),
        ...pkg('packages/api', 'api'),
        ...file('packages/api/docker/Dockerfile'),
        ...pkg('packages/lib', 'lib'),
        ...file('packages/lib/Dockerfile'),
      },
      marker: 'docker/Dockerfile',
      expected: [
        ['packages/api', 'api', true],
        ['packages/lib', 'lib', false],
      ],
    },
  ],
  [
    'a brace group holding a slash reaches a folder two levels down',
    {
      files: { ...workspace('packages/{a,b/c}'), ...pkg('packages/a', 'a'), ...pkg('packages/b/c', 'c'), ...pkg('packages/b', 'b') },
      marker: 'Dockerfile',
      expected: [
        ['packages/a', 'a', false],
        ['packages/b/c', 'c', false],
      ],
    },
  ],
  [
    'a service folder glob: a new service before its Dockerfile is generated',
    {
      files: {
        ...workspace('services/*', 'libs/*'),
        ...pkg('services/new', 'new'),
        ...pkg('services/old', 'old'),
        ...file('services/old/Dockerfile'),
        ...pkg('libs/util', 'util'),
        ...file('libs/tool/Dockerfile'),
        ...pkg('libs/tool', 'tool'),
      },
      marker: 'Dockerfile',
      serviceGlobs: ['services/*'],
      expected: [
        ['libs/tool', 'tool', true],
        ['libs/util', 'util', false],
        ['services/new', 'new', true],
        ['services/old', 'old', true],
      ],
    },
  ],
  [
    "pnpm's other manifests: package.json5 and package.yaml, package.json first when a folder holds more than one (pnpm's order)",
    {
      files: {
        ...workspace('packages/*', 'services/*'),
        'packages/yaml/package.yaml': 'name: "@x/yaml"\nversion: 1.0.0\n',
        'packages/json5/package.json5': "{\n  // a comment\n  name: '@x/json5',\n  version: '1.0.0',\n}\n",
        'packages/both/package.json': `${JSON.stringify({ name: '@x/both-json' })}\n`,
        'packages/both/package.yaml': 'name: "@x/both-yaml"\n',
        'packages/two/package.json5': "{ name: '@x/two-json5' }\n",
        'packages/two/package.yaml': 'name: "@x/two-yaml"\n',
        'packages/none/package.yml': 'name: "@x/none"\n',
        'services/api/package.yaml': 'name: api\n',
        ...file('services/api/Dockerfile'),
      },
      marker: 'Dockerfile',
      expected: [
        ['packages/both', '@x/both-json', false],
        ['packages/json5', '@x/json5', false],
        ['packages/two', '@x/two-json5', false],
        ['packages/yaml', '@x/yaml', false],
        ['services/api', 'api', true],
      ],
    },
  ],
];

describe('workspace discovery: the working tree and the commit give the same packages', () => {
  test.each(CASES)('%s', async (_, { files, marker, serviceGlobs = [], expected }) => {
    const { root, first } = makeRepo(files);
    const onDisk = await loadWorkspace(root, { serviceMarker: marker, serviceGlobs });
    const git = await openGit(root);
    try {
      const fromGit = (await loadWorkspaceFromGit(git, first, { dir: '', marker, serviceGlobs })).workspace;
      expect([...onDisk.packages.values()].map((p) => [p.dir, p.name, p.isService])).toEqual(expected);
      expect([...fromGit.packages.values()].map((p) => [p.dir, p.name, p.isService])).toEqual(expected);
    } finally {
      git.close();
    }
  });
});

describe('what a commit cannot hold as the disk does', () => {
  test.each([
    ['to another manifest', '../b/package.json'],
    ['that leads nowhere', '../nowhere/package.json'],
  ])('a package.json that is a symbolic link %s is refused by both, naming the file', async (_, target) => {
    const { root } = makeRepo({ ...workspace('services/*'), ...pkg('services/b', 'b'), ...file('services/a/index.js') });
    symlinkSync(target, join(root, 'services/a/package.json'));
    const head = commit(root, 'a link');
    expect(runGit(root, 'ls-tree', head, 'services/a/package.json')).toMatch(/^120000 blob /);
    const fix = "is a symbolic link; the pipeline reads manifests from git's objects, where a link is not followed: commit the file itself";
    await expect(loadWorkspace(root)).rejects.toThrow(`services/a/package.json ${fix}`);
    const git = await openGit(root);
    try {
      await expect(loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile' })).rejects.toThrow(`services/a/package.json (at ${head.slice(0, 12)}) ${fix}`);
    } finally {
      git.close();
    }
  });

  test.each([
    ['package.yaml', '../b/package.yaml'],
    ['package.json5', '../b/package.json5'],
  ])('a %s that is a symbolic link is refused by both, naming the file', async (name, target) => {
    const { root } = makeRepo({ ...workspace('services/*'), [`services/b/${name}`]: 'name: b\n', ...file('services/a/index.js') });
    symlinkSync(target, join(root, `services/a/${name}`));
    const head = commit(root, 'a link');
    const fix = "is a symbolic link; the pipeline reads manifests from git's objects, where a link is not followed: commit the file itself";
    await expect(loadWorkspace(root)).rejects.toThrow(`services/a/${name} ${fix}`);
    const git = await openGit(root);
    try {
      await expect(loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile' })).rejects.toThrow(`services/a/${name} (at ${head.slice(0, 12)}) ${fix}`);
    } finally {
      git.close();
    }
  });

  test.each([
    ['package.yaml', 'name: [a\n', /^services\/a\/package\.yaml( \(at [0-9a-f]{12}\))?: not valid YAML \(.+\); fix the file$/],
    ['package.yaml', '- a list\n', /^services\/a\/package\.yaml( \(at [0-9a-f]{12}\))?: expected a mapping of fields$/],
    ['package.yaml', 'name: !foo a\n', /^services\/a\/package\.yaml( \(at [0-9a-f]{12}\))?: not valid YAML \(.+\); fix the file$/],
    ['package.yaml', 'name: a\nname: b\n', /^services\/a\/package\.yaml( \(at [0-9a-f]{12}\))?: not valid YAML \(.+\); fix the file$/],
    ['package.json5', "{ name: 'a', }}\n", /^services\/a\/package\.json5( \(at [0-9a-f]{12}\))?: not valid JSON5 \(.+\); fix the file$/],
    ['package.json5', '12\n', /^services\/a\/package\.json5( \(at [0-9a-f]{12}\))?: expected a JSON5 object$/],
  ])('a %s that does not parse is bad input naming the file (%j)', async (name, text, message) => {
    const { root } = makeRepo({ ...workspace('services/*'), [`services/a/${name}`]: text });
    const head = runGit(root, 'rev-parse', 'HEAD');
    const onDisk = await loadWorkspace(root).then(
      () => 'loaded',
      (err: unknown) => (err instanceof InputError ? err.message : String(err)),
    );
    expect(onDisk).toMatch(message);
    expect(onDisk).not.toContain('(at ');
    const git = await openGit(root);
    try {
      const fromGit = await loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile' }).then(
        () => 'loaded',
        (err: unknown) => (err instanceof InputError ? err.message : String(err)),
      );
      expect(fromGit).toMatch(message);
      expect(fromGit).toContain(`(at ${head.slice(0, 12)})`);
    } finally {
      git.close();
    }
  });

  test('a submodule is another repository: neither the commit nor the working tree looks inside it', async () => {
    const { root } = makeRepo({ ...workspace('services/*', 'services/*/*'), ...pkg('services/a', 'a') });
    const sub = join(root, 'services/sub');
    mkdirSync(sub);
    runGit(sub, 'init', '-q', '-b', 'main');
    writeFileSync(join(sub, 'package.json'), '{"name":"sub"}\n');
    mkdirSync(join(sub, 'inner'));
    writeFileSync(join(sub, 'inner/package.json'), '{"name":"inner"}\n');
    runGit(sub, 'add', '-A');
    runGit(sub, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'sub');
    const head = commit(root, 'a submodule');
    expect(runGit(root, 'ls-tree', head, 'services/sub')).toMatch(/^160000 commit /);
    const onDisk = await loadWorkspace(root);
    const git = await openGit(root);
    try {
      const fromGit = (await loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile' })).workspace;
      expect([...onDisk.packages.keys()]).toEqual(['a']);
      expect([...fromGit.packages.keys()]).toEqual(['a']);
    } finally {
      git.close();
    }
  });
});

describe("pnpm's package.yaml is read as pnpm reads it (js-yaml: merge keys, recursive aliases)", () => {
  // pnpm 10 (`pnpm --filter "...core" ls`) lists `a` as a dependent of core: its YAML reader merges `<<: *anchor`.
  test('a merge key (<<: *anchor) in package.yaml gives the dependencies it merges, on disk and from git', async () => {
    const { root, first } = makeRepo({
      ...workspace('packages/*'),
      ...pkg('packages/core', 'core'),
      'packages/a/package.yaml': "common: &common\n  core: 'workspace:*'\nname: a\nversion: 1.0.0\ndependencies:\n  <<: *common\n",
    });
    const onDisk = await loadWorkspace(root);
    expect(onDisk.get('a').workspaceDeps).toEqual(['core']);
    const git = await openGit(root);
    try {
      const fromGit = (await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile' })).workspace;
      expect(fromGit.get('a').workspaceDeps).toEqual(['core']);
    } finally {
      git.close();
    }
  });

  // pnpm 10 lists the package `c` of the recursive alias; a manifest that cannot become JSON is bad input
  // (InputError, exit 2) in any case, never a TypeError/RangeError (the CLI's "internal error", exit 70).
  // 200,000 levels: 10,000 overflow Node 20's stack but not every worker's (StrykerJS's did not).
  test.each([
    ['package.yaml', 'name: c\nversion: 1.0.0\nx: &a\n  self: *a\n', 'Converting circular structure to JSON'],
    ['package.json5', `{ name: 'c', x: ${'['.repeat(200_000)}${']'.repeat(200_000)} }\n`, 'Maximum call stack size exceeded'],
  ])('a %s that parses but cannot become JSON (a recursive alias, deep nesting) is bad input naming the file, never an internal error', async (name, text, why) => {
    const { root, first } = makeRepo({ ...workspace('packages/*'), [`packages/c/${name}`]: text });
    const kind = (err: unknown) => (err instanceof InputError ? `InputError: ${err.message}` : String(err));
    const onDisk = await loadWorkspace(root).then(() => 'loaded', kind);
    expect(onDisk).toBe(`InputError: packages/c/${name}: cannot be read as JSON (${why}); fix the file`);
    const git = await openGit(root);
    try {
      const fromGit = await loadWorkspaceFromGit(git, first, { dir: '', marker: 'Dockerfile' }).then(() => 'loaded', kind);
      expect(fromGit).toBe(`InputError: packages/c/${name} (at ${first.slice(0, 12)}): cannot be read as JSON (${why}); fix the file`);
    } finally {
      git.close();
    }
  });
});

// A vendored package's own manifest (core/workspace/vendored.ts) is read by both loaders: through a symbolic
// link, only the disk can follow it.
describe("a vendored package's manifest, on disk and from git", () => {
  const dependsOnX = { ...workspace('services/*'), 'services/a/package.json': `${JSON.stringify({ name: 'a', version: '1.0.0', dependencies: { x: 'file:../../vendor/x' } })}\n` };

  // pnpm 10 follows the link and resolves x's own file:../y from vendor/x (its lockfile: `y: file:vendor/y`).
  test('a vendored folder that is a symbolic link: both loaders give the same local inputs', async () => {
    const { root } = makeRepo({
      ...dependsOnX,
      'third_party/x/package.json': `${JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { y: 'file:../y' } })}\n`,
      'vendor/y/package.json': `${JSON.stringify({ name: 'y', version: '1.0.0' })}\n`,
    });
    symlinkSync('../third_party/x', join(root, 'vendor/x'));
    const head = commit(root, 'a linked vendored folder');
    const onDisk = await loadWorkspace(root);
    const git = await openGit(root);
    try {
      const fromGit = (await loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile' })).workspace;
      expect(fromGit.get('a').localInputs).toEqual(onDisk.get('a').localInputs);
    } finally {
      git.close();
    }
  });

  // Each `file:./a` and `file:./b` reaches the same manifest again under a longer path: 2^n folders on disk
  // (git does not follow the links). The generators must end (pnpm itself fails: ERR_PNPM_LINKED_PKG_DIR_NOT_FOUND).
  test('links back to a vendored folder from inside it: the disk loader ends (check-dockerfiles within 20 s)', () => {
    const { root } = makeRepo({
      ...dependsOnX,
      'services/a/Dockerfile': 'FROM node:24\n',
      'vendor/x/package.json': `${JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { a: 'file:./a', b: 'file:./b' } })}\n`,
    });
    symlinkSync('.', join(root, 'vendor/x/a'));
    symlinkSync('.', join(root, 'vendor/x/b'));
    // One process (tsx's loader, not its CLI, whose child would outlive a kill of the parent).
    const loader = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
    const r = spawnSync(process.execPath, ['--import', loader, resolve('scripts/pipeline.ts'), 'check-dockerfiles', '--cwd', root], {
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    expect({ signal: r.signal, error: r.error?.message }).toEqual({ signal: null, error: undefined });
    expect([0, 1, 2]).toContain(r.status);
  }, 30_000);

  test('a vendored package.json that is a symbolic link is refused by both with the same message', async () => {
    const { root } = makeRepo({ ...dependsOnX, 'real/package.json': `${JSON.stringify({ name: 'x', version: '1.0.0' })}\n` });
    mkdirSync(join(root, 'vendor/x'), { recursive: true });
    symlinkSync('../../real/package.json', join(root, 'vendor/x/package.json'));
    const head = commit(root, 'a linked vendored manifest');
    const fix = "is a symbolic link; the pipeline reads manifests from git's objects, where a link is not followed: commit the file itself";
    await expect(loadWorkspace(root)).rejects.toThrow(`vendor/x/package.json ${fix}`);
    const git = await openGit(root);
    try {
      await expect(loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile' })).rejects.toThrow(`vendor/x/package.json (at ${head.slice(0, 12)}) ${fix}`);
    } finally {
      git.close();
    }
  });
});

// Review s13c: the disk loader skips a folder holding `.git` (a submodule: a commit has a gitlink there, not
// a tree) when it walks the workspace, but not when it reads a vendored folder's own manifest.
describe('a vendored folder that is a submodule (review s13c)', () => {
  test('both loaders give the same local inputs', async () => {
    const { root } = makeRepo({
      ...workspace('services/*'),
      'services/a/package.json': `${JSON.stringify({ name: 'a', version: '1.0.0', dependencies: { x: 'file:../../vendor/x' } })}\n`,
      'vendor/y/package.json': `${JSON.stringify({ name: 'y', version: '1.0.0' })}\n`,
    });
    const sub = join(root, 'vendor/x');
    mkdirSync(sub, { recursive: true });
    runGit(sub, 'init', '-q', '-b', 'main');
    writeFileSync(join(sub, 'package.json'), `${JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { y: 'file:../y' } })}\n`);
    runGit(sub, 'add', '-A');
    runGit(sub, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'x');
    const head = commit(root, 'a vendored submodule');
    expect(runGit(root, 'ls-tree', head, 'vendor/x')).toMatch(/^160000 commit /);
    const onDisk = await loadWorkspace(root);
    const git = await openGit(root);
    try {
      const fromGit = (await loadWorkspaceFromGit(git, head, { dir: '', marker: 'Dockerfile' })).workspace;
      expect(fromGit.get('a').localInputs).toEqual(onDisk.get('a').localInputs);
    } finally {
      git.close();
    }
  });
});
