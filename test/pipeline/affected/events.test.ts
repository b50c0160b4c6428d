/** `pipeline affected` against real temporary repositories, one event shape at a time (sources, in-process). */
import { afterAll, describe, expect, test } from 'vitest';
import { ZERO_SHA } from '../../../scripts/core/git/commit-sha.js';
import { affected, bundled, cleanup, commit, eventFile, git, type Json, lockfile, makeRepo, parseJson, tempDir, WORKSPACE, write } from './fixture.js';

afterAll(cleanup);

const services = (json: { services: Array<{ name: string }> }) => json.services.map((s) => s.name);

/**
 * The same range twice through the committed bundle, cold and then from the graph cache: a process of its
 * own writes its cache before it exits (an in-process run writes it in the background, so a second one may
 * not find it yet), and each run's timing lines must say which it was.
 */
function coldThenCached(root: string, args: string[]): Array<[string, Json]> {
  const cold = bundled(root, args, { PIPELINE_TIMING: '1' });
  expect(cold.stderr).toMatch(/workspace graph not cached/);
  const warm = bundled(root, args, { PIPELINE_TIMING: '1' });
  expect(warm.stderr).toMatch(/workspace graph from the cache/);
  return [
    ['cold', parseJson(cold)],
    ['from the cache', parseJson(warm)],
  ];
}

describe('revisions from events', () => {
  test('push: before..after', async () => {
    const { root, first } = makeRepo();
    const after = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const x = 2;\n' });
    const json = parseJson(await affected(root, ['--json', '--event', eventFile({ ref: 'refs/heads/main', before: first, after, forced: false })]));
    expect(json).toMatchObject({ base: first, head: after, strategy: 'push', changedFiles: 1, tooling: false, global: false });
    expect(services(json)).toEqual(['gamma']);
    expect(json.services[0]?.reasons).toEqual(['1 file changed in services/gamma: "src/main.ts"']);
  });

  test('a library change reaches its dependents, with the chain as the reason', async () => {
    const { root, first } = makeRepo();
    const after = commit(root, 'core', { 'packages/core/src/index.ts': 'export const core = 2;\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(services(json)).toEqual(['alpha', 'beta']);
    expect(json.packages.map((p) => p.name)).toEqual(['@kc/auth', '@kc/core', '@kc/alpha', '@kc/beta']);
    expect(json.services[0]?.reasons).toEqual(['depends on @kc/core, which changed (through @kc/auth)']);
    expect(json.matrix.include[1]).toEqual({ service: 'beta', package: '@kc/beta', path: 'services/beta', dockerfile: 'services/beta/Dockerfile', image: 'ghcr.io/local/beta' });
  });

  test('a new service folder before its Dockerfile is generated is a service, as `pnpm generate` sees it (services.dockerfileTargets)', async () => {
    const { root, first } = makeRepo();
    const after = commit(root, 'delta', { 'services/delta/package.json': `${JSON.stringify({ name: '@kc/delta', version: '1.0.0' })}\n` });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(services(json)).toEqual(['delta']);
    // The matrix names the Dockerfile `pnpm generate` writes; the build fails loudly until it is committed.
    expect(json.matrix.include).toEqual([
      { service: 'delta', package: '@kc/delta', path: 'services/delta', dockerfile: 'services/delta/Dockerfile', image: 'ghcr.io/local/delta' },
    ]);
  });

  test('first push of a new branch (before is all zeros): the merge base with the default branch', async () => {
    const { root } = makeRepo();
    const fork = git(root, 'rev-parse', 'HEAD');
    git(root, 'checkout', '-q', '-b', 'feature');
    commit(root, 'f1', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    const after = commit(root, 'f2', { 'packages/auth/src/index.ts': 'export const auth = 2;\n' });
    git(root, 'checkout', '-q', 'main');
    commit(root, 'main moves on', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    const json = parseJson(await affected(root, ['--json', '--event', eventFile({ ref: 'refs/heads/feature', before: ZERO_SHA, after, repository: { default_branch: 'main' } })]));
    expect(json).toMatchObject({ base: fork, head: after, strategy: 'new-branch' });
    expect(services(json)).toEqual(['alpha', 'beta']);
  });

  test.each([true, undefined])('force push (forced: %s): before..after directly, so a service changed only in the dropped commits counts too', async (forced) => {
    const { root, first } = makeRepo();
    git(root, 'checkout', '-q', '-b', 'feature');
    const before = commit(root, 'old', { 'services/gamma/src/main.ts': 'export const old = 1;\n' });
    git(root, 'reset', '-q', '--hard', first);
    const after = commit(root, 'rewritten', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    const payload = { ref: 'refs/heads/feature', before, after, ...(forced === undefined ? {} : { forced }) };
    const r = await affected(root, ['--json', '--event', eventFile(payload)]);
    const json = parseJson(r);
    // gamma's image holds code the branch no longer has: it is rebuilt from the new history.
    expect(json).toMatchObject({ base: before, head: after, strategy: 'force-push' });
    expect(services(json)).toEqual(['beta', 'gamma']);
    expect(r.stderr).toMatch(/^warning: force push: [0-9a-f]{12} is not an ancestor of [0-9a-f]{12}; comparing the two trees directly/m);
  });

  /** A PR (alpha) branched from the first commit, main moved on (gamma), and GitHub's merge commit of the two checked out. */
  function prMergeCommit(): { root: string; first: string; prHead: string; baseTip: string; merge: string } {
    const { root, first } = makeRepo();
    git(root, 'checkout', '-q', '-b', 'feature');
    const prHead = commit(root, 'pr', { 'services/alpha/src/main.ts': 'export const a = 1;\n' });
    git(root, 'checkout', '-q', 'main');
    const baseTip = commit(root, 'main moves on', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    git(root, 'checkout', '-q', '--detach', baseTip);
    git(root, 'merge', '-q', '--no-ff', '-m', 'merge', prHead);
    return { root, first, prHead, baseTip, merge: git(root, 'rev-parse', 'HEAD') };
  }

  test('pull request: the merge commit against its first parent, exactly the PR', async () => {
    const { root, prHead, baseTip, merge } = prMergeCommit();
    const payload = { number: 5, pull_request: { number: 5, base: { sha: baseTip }, head: { sha: prHead }, merge_commit_sha: merge } };
    const json = parseJson(await affected(root, ['--json', '--event', eventFile(payload)]));
    expect(json).toMatchObject({ base: baseTip, head: merge, strategy: 'pull-request' });
    expect(services(json)).toEqual(['alpha']);
    // The PR head checked out directly: the merge base with the PR base.
    const direct = parseJson(
      await affected(root, ['--json', '--event', eventFile({ ...payload, pull_request: { ...payload.pull_request, merge_commit_sha: null } }), '--head', prHead]),
    );
    expect(services(direct)).toEqual(['alpha']);
    // GITHUB_SHA (the merge commit GitHub checked out) is used with the run's own event.
    const fromEnv = parseJson(
      await affected(root, ['--json'], {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventFile({ ...payload, pull_request: { ...payload.pull_request, merge_commit_sha: null } }),
        GITHUB_SHA: merge,
      }),
    );
    expect(fromEnv).toMatchObject({ base: baseTip, head: merge });
  });

  test("pull request whose merge commit is on a newer base than the event's: the first parent, not the merge base", async () => {
    // The merge commit's parents, read from the commit object, must be exact SHAs: one read with a
    // stray space matches no PR head and sends this to the merge base with the event's older base,
    // which also counts main's own change (gamma) as the PR's.
    const { root, first, prHead, baseTip, merge } = prMergeCommit();
    const payload = { number: 7, pull_request: { number: 7, base: { sha: first }, head: { sha: prHead }, merge_commit_sha: merge } };
    const json = parseJson(await affected(root, ['--json', '--event', eventFile(payload)]));
    expect(json).toMatchObject({ base: baseTip, head: merge, strategy: 'pull-request' });
    expect(services(json)).toEqual(['alpha']);
  });

  test('pull request whose head merged main in: still exactly the PR, not main', async () => {
    const { root } = makeRepo();
    git(root, 'checkout', '-q', '-b', 'feature');
    commit(root, 'pr', { 'services/alpha/src/main.ts': 'export const a = 1;\n' });
    git(root, 'checkout', '-q', 'main');
    const baseTip = commit(root, 'main moves on', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    git(root, 'checkout', '-q', 'feature');
    git(root, 'merge', '-q', '--no-ff', '-m', 'merge main into feature', 'main');
    const prHead = git(root, 'rev-parse', 'HEAD');
    const payload = { number: 6, pull_request: { number: 6, base: { sha: baseTip }, head: { sha: prHead }, merge_commit_sha: null } };
    const json = parseJson(await affected(root, ['--json', '--event', eventFile(payload), '--head', prHead]));
    expect(json).toMatchObject({ base: baseTip, head: prHead, strategy: 'pull-request' });
    expect(services(json)).toEqual(['alpha']);
  });

  test('merge group: base_sha..head_sha', async () => {
    const { root, first } = makeRepo();
    commit(root, 'one', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    const head = commit(root, 'two', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    const json = parseJson(await affected(root, ['--json', '--event', eventFile({ merge_group: { base_sha: first, head_sha: head } })]));
    expect(json).toMatchObject({ base: first, head, strategy: 'merge-group' });
    expect(services(json)).toEqual(['beta', 'gamma']);
  });

  test.each<[string, object, string, string[]]>([
    ['workflow_dispatch without inputs', { inputs: {} }, 'workflow_dispatch', ['alpha', 'beta', 'gamma']],
    ['workflow_dispatch selecting services', { inputs: { services: 'gamma, beta' } }, 'workflow_dispatch', ['beta', 'gamma']],
    ['schedule', { schedule: '0 3 * * *' }, 'schedule', ['alpha', 'beta', 'gamma']],
    ['a release tag', { ref: 'refs/tags/beta@1.2.0', before: ZERO_SHA, after: 'HEAD' }, 'push', ['beta']],
    ['a release', { release: { tag_name: 'alpha@2.0.0' } }, 'release', ['alpha']],
  ])('%s', async (_, payload, name, expected) => {
    const { root, first } = makeRepo();
    const body = 'after' in payload ? { ...payload, after: first } : payload;
    const json = parseJson(await affected(root, ['--json'], { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: eventFile(body), GITHUB_SHA: first }));
    expect(json.base).toBeNull();
    expect(services(json)).toEqual(expected);
  });

  test('a dispatch naming an unknown service is an input error', async () => {
    const { root } = makeRepo();
    const r = await affected(root, ['--json'], { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_EVENT_PATH: eventFile({ inputs: { services: 'delta' } }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no service named delta; known services: alpha, beta, gamma/);
  });

  test('local run without flags: the merge base with the default branch', async () => {
    const { root, first } = makeRepo();
    git(root, 'checkout', '-q', '-b', 'topic');
    const head = commit(root, 'topic', { 'packages/core/src/index.ts': 'export const core = 3;\n' });
    const json = parseJson(await affected(root, ['--json']));
    expect(json).toMatchObject({ base: first, head, strategy: 'local' });
    expect(services(json)).toEqual(['alpha', 'beta']);
  });
});

describe('paths', () => {
  test('a rename is a deletion plus an addition: both packages are affected', async () => {
    const { root, first } = makeRepo();
    git(root, 'mv', 'services/gamma/src/main.ts', 'packages/core/src/moved.ts');
    const head = commit(root, 'move');
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect(json.changedFiles).toBe(2);
    expect(services(json)).toEqual(['alpha', 'beta', 'gamma']);
  });

  test('names with spaces, quotes, newlines and non-ASCII characters', async () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'odd names', {
      'services/gamma/src/a b "c"\n\td.ts': 'x\n',
      'services/beta/ünïcødé ✓.ts': 'x\n',
      'tools/new\nline.sh': 'x\n',
    });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect(json.changedFiles).toBe(3);
    expect(services(json)).toEqual(['beta', 'gamma']);
    expect(json.tooling).toBe(true);
    expect(json.services.find((s) => s.name === 'gamma')?.reasons).toEqual(['1 file changed in services/gamma: "src/a b \\"c\\"\\n\\td.ts"']);
  });

  test('no cap on the number of changed files', async () => {
    const { root, first } = makeRepo();
    const files = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`services/gamma/gen/f${i}.ts`, `${i}\n`]));
    const head = commit(root, 'many', { ...files, 'packages/auth/src/last.ts': 'x\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect(json.changedFiles).toBe(3001);
    expect(services(json)).toEqual(['alpha', 'gamma']);
  });

  test("Markdown is ignored; the pipeline's own files set tooling only", async () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'docs and tools', { 'README.md': '# changed\n', 'services/alpha/NOTES.md': 'x\n', 'scripts/tool.ts': 'export const t = 1;\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect(json).toMatchObject({ tooling: true, global: false, services: [], matrix: { include: [] } });
  });

  test('a deleted service folder is neither tooling nor affected', async () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'drop gamma', { 'services/gamma': null });
    const r = await affected(root, ['--json', '--base', first, '--head', head]);
    const json = parseJson(r);
    expect(json).toMatchObject({ tooling: false, services: [] });
    expect(json.warnings).toEqual(['package services/gamma was removed (3 files); its dependents changed their manifests']);
  });

  test('a workspace in a sub-folder of the repository (--cwd)', async () => {
    const root = tempDir();
    git(root, 'init', '-q', '-b', 'main');
    const { WORKSPACE } = await import('./fixture.js');
    const first = commit(root, 'nested', Object.fromEntries(Object.entries(WORKSPACE).map(([p, t]) => [`app/${p}`, t])));
    const head = commit(root, 'change', { 'app/services/beta/src/main.ts': 'export const b = 9;\n', 'ci/x.sh': 'x\n' });
    const json = parseJson(await affected(root, ['--json', '--cwd', 'app', '--base', first, '--head', head]));
    expect(services(json)).toEqual(['beta']);
    expect(json.matrix.include[0]).toMatchObject({ path: 'app/services/beta', dockerfile: 'app/services/beta/Dockerfile' });
    expect(json.tooling).toBe(true);
  });
});

describe('root files', () => {
  test.each<[string, Record<string, string>, { services: string[]; global: boolean; tooling: boolean }]>([
    ['a lockfile change for one importer affects exactly that importer', { 'pnpm-lock.yaml': lockfile('1.3.1') }, { services: ['beta'], global: false, tooling: false }],
    [
      'root package.json scripts are tooling',
      { 'package.json': '{"name":"root","private":true,"packageManager":"pnpm@10.0.0","scripts":{"test":"vitest run"}}' },
      { services: [], global: false, tooling: true },
    ],
    [
      'root package.json packageManager is global',
      { 'package.json': '{"name":"root","private":true,"packageManager":"pnpm@10.1.0","scripts":{"test":"vitest"}}' },
      { services: ['alpha', 'beta', 'gamma'], global: true, tooling: false },
    ],
    [
      'pnpm-workspace.yaml is global',
      { 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'services/*'\n# note\n" },
      { services: ['alpha', 'beta', 'gamma'], global: true, tooling: false },
    ],
    ['.npmrc is global', { '.npmrc': 'save-exact=true\n' }, { services: ['alpha', 'beta', 'gamma'], global: true, tooling: false }],
  ])('%s', async (_, files, expected) => {
    const { root, first } = makeRepo();
    const head = commit(root, 'change', files);
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect({ services: services(json), global: json.global, tooling: json.tooling }).toEqual(expected);
  });

  test('lockfile reasons name the dependency and the versions', async () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'bump', { 'pnpm-lock.yaml': lockfile('1.3.1') });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect(json.services[0]?.reasons).toEqual(['pnpm-lock.yaml: dependencies left-pad 1.3.0 -> 1.3.1']);
  });

  test('a lockfile re-indented by another tool: the change is attributed exactly, through YAML', async () => {
    const { root, first } = makeRepo();
    const reindented = (text: string) => text.replace(/^ +/gm, (m) => m + m);
    const head = commit(root, 'bump, re-indented', { 'pnpm-lock.yaml': reindented(lockfile('1.3.1')) });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect({ services: services(json), global: json.global }).toEqual({ services: ['beta'], global: false });
    expect(json.services[0]?.reasons).toEqual(['pnpm-lock.yaml: dependencies left-pad 1.3.0 -> 1.3.1']);
    // Re-indenting back to pnpm's layout, with no other change, affects nothing.
    const back = commit(root, 'pnpm install rewrote it', { 'pnpm-lock.yaml': lockfile('1.3.1') });
    expect(services(parseJson(await affected(root, ['--json', '--base', head, '--head', back])))).toEqual([]);
  });

  test('a lockfile written as a YAML flow mapping, same value: nothing affected', async () => {
    const { root, first } = makeRepo();
    const flow = `{lockfileVersion: '9.0', settings: {autoInstallPeers: true, excludeLinksFromLockfile: false}, importers: {${[
      "'.': {}",
      "packages/auth: {dependencies: {'@kc/core': {specifier: 'workspace:*', version: 'link:../core'}}}",
      'packages/core: {dependencies: {is-odd: {specifier: ^3.0.1, version: 3.0.1}}}',
      "services/alpha: {dependencies: {'@kc/auth': {specifier: 'workspace:*', version: 'link:../../packages/auth'}}}",
      "services/beta: {dependencies: {'@kc/core': {specifier: 'workspace:*', version: 'link:../../packages/core'}, left-pad: {specifier: ^1.3.0, version: 1.3.0}}}",
      'services/gamma: {dependencies: {is-odd: {specifier: ^3.0.1, version: 3.0.1}}}',
    ].join(
      ', ',
    )}}, packages: {is-odd@3.0.1: {resolution: {integrity: sha512-odd}}, left-pad@1.3.0: {resolution: {integrity: sha512-pad1.3.0}}}, snapshots: {is-odd@3.0.1: {}, left-pad@1.3.0: {}}}\n`;
    const head = commit(root, 'flow', { 'pnpm-lock.yaml': flow });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect({ services: services(json), global: json.global }).toEqual({ services: [], global: false });
  });

  test('a lockfile that is YAML but no pnpm lockfile affects everything, with the reason', async () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'list', { 'pnpm-lock.yaml': 'importers: [1, 2]\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', head]));
    expect(json.global).toBe(true);
    expect(json.services[0]?.reasons[0]).toMatch(/^pnpm-lock\.yaml at head is not a pnpm v9 lockfile \(line 2: /);
  });

  test('changes written to a checkout after the head commit are not counted', async () => {
    const { root, first } = makeRepo();
    const head = commit(root, 'beta', { 'services/beta/src/main.ts': 'export const b = 1;\n' });
    write(root, { 'services/gamma/src/main.ts': 'uncommitted\n' });
    expect(services(parseJson(await affected(root, ['--json', '--base', first, '--head', head])))).toEqual(['beta']);
  });
});

describe('image names never stop change detection', () => {
  test('an origin whose path is no image-name component (a mirror of acme+shop): affected works, with a warning naming the source and the config key', async () => {
    const { root, first } = makeRepo();
    git(root, 'remote', 'add', 'origin', 'https://git.example.com/acme+shop/platform.git');
    const after = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const g = 5;\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', after]);
    expect(r.code, r.stderr).toBe(0);
    const json = parseJson(r);
    expect(services(json)).toEqual(['gamma']);
    expect(json.matrix.include[0]).toMatchObject({ service: 'gamma', image: '' });
    expect(r.stderr).toBe(
      'warning: no image names in this clone: the owner "acme+shop" (from the origin remote https://git.example.com/acme+shop/platform.git) is not an image-name component; set registry in pipeline.config.ts, e.g. { kind: \'custom\', host, namespace }\n',
    );
  });

  test('an owner with capitals is lower-cased, as GHCR requires', async () => {
    const { root, first } = makeRepo();
    const after = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const g = 6;\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', after], { GITHUB_REPOSITORY: 'Acme-Corp/Shop' });
    expect(parseJson(r).matrix.include[0]).toMatchObject({ image: 'ghcr.io/acme-corp/gamma' });
  });
});

describe('file: and link: dependencies on a folder that is no workspace package (a vendored package)', () => {
  const vendored = {
    'vendor/left-pad/package.json': `${JSON.stringify({ name: 'left-pad', version: '1.3.0' })}\n`,
    'vendor/left-pad/index.js': 'module.exports = 1;\n',
    'vendor/tarballs/right-pad-1.0.0.tgz': 'not really a tarball\n',
    'services/gamma/package.json': `${JSON.stringify({
      name: '@kc/gamma',
      version: '1.0.0',
      dependencies: { 'left-pad': 'file:../../vendor/left-pad', 'right-pad': 'file:../../vendor/tarballs/right-pad-1.0.0.tgz' },
    })}\n`,
    'packages/core/package.json': `${JSON.stringify({ name: '@kc/core', version: '1.0.0', dependencies: { pad: 'link:../../vendor/left-pad/' } })}\n`,
  };

  test('a change in the folder reaches the packages that depend on it, their dependents, and is no tooling (also from the cache)', async () => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...vendored });
    const after = commit(root, 'vendor', { 'vendor/left-pad/index.js': 'module.exports = 2;\n', 'vendor/left-pad/lib/more.js': 'x\n' });
    for (const [run, json] of coldThenCached(root, ['--json', '--base', first, '--head', after])) {
      expect({ run, services: services(json), tooling: json.tooling }).toEqual({ run, services: ['alpha', 'beta', 'gamma'], tooling: false });
      const reasons = Object.fromEntries(json.packages.map((p) => [p.name, p.reasons]));
      expect(reasons['@kc/gamma']).toEqual(['2 files changed in vendor/left-pad, a local dependency (file:/link:): "index.js", "lib/more.js"']);
      expect(reasons['@kc/core']).toEqual(['2 files changed in vendor/left-pad, a local dependency (file:/link:): "index.js", "lib/more.js"']);
      expect(reasons['@kc/alpha']).toEqual(['depends on @kc/core, which changed (through @kc/auth)']);
    }
  });

  // pnpm installs a vendored package's own `file:` dependencies, relative to its folder: they are inputs too.
  const nested = {
    'vendor/left-pad/package.json': `${JSON.stringify({ name: 'left-pad', version: '1.3.0', dependencies: { pad: 'file:../pad-core', own: 'link:./lib/own' } })}\n`,
    'vendor/pad-core/package.json': `${JSON.stringify({ name: 'pad-core', version: '1.0.0', dependencies: { back: 'file:../left-pad' } })}\n`,
    'vendor/pad-core/index.js': 'module.exports = 0;\n',
  };

  // gamma copies left-pad (file:), whose own file: dependency is pad-core; core links it (link:): nothing of a link is installed.
  test("a vendored package's own file: dependencies are inputs of the packages copying it, through any depth and a cycle (also from the cache)", async () => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...vendored, ...nested });
    const after = commit(root, 'pad-core', { 'vendor/pad-core/index.js': 'module.exports = 1;\n' });
    for (const [run, json] of coldThenCached(root, ['--json', '--base', first, '--head', after])) {
      expect({ run, services: services(json) }).toEqual({ run, services: ['gamma'] });
      expect(json.packages.find((p) => p.name === '@kc/gamma')?.reasons).toEqual(['1 file changed in vendor/pad-core, a local dependency (file:/link:): "index.js"']);
    }
  });

  test("a cached graph is not reused when a vendored package's own dependencies changed (the workspace's folders did not)", async () => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...vendored, 'vendor/pad-core/index.js': 'module.exports = 0;\n' });
    const before = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const g = 1;\n' });
    // The cache now holds the graph of these folders, where left-pad depends on nothing.
    const primed = bundled(root, ['--json', '--base', first, '--head', before], { PIPELINE_TIMING: '1' });
    expect(services(parseJson(primed))).toEqual(['gamma']);
    expect(primed.stderr).toMatch(/workspace graph not cached/);
    const linked = commit(root, 'left-pad uses pad-core', { 'vendor/left-pad/package.json': nested['vendor/left-pad/package.json'] });
    const after = commit(root, 'pad-core', { 'vendor/pad-core/index.js': 'module.exports = 1;\n' });
    // The same folders' trees as the primed run's head: the cache's key matches, its vendored manifest does not.
    expect(git(root, 'rev-parse', `${after}:services`, `${after}:packages`)).toBe(git(root, 'rev-parse', `${before}:services`, `${before}:packages`));
    const r = bundled(root, ['--json', '--base', linked, '--head', after], { PIPELINE_TIMING: '1' });
    expect(services(parseJson(r))).toEqual(['gamma']);
    expect(r.stderr).toMatch(/workspace graph not cached/);
  });

  test("a vendored package's package.json that is not valid is bad input naming it (exit 2)", async () => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...vendored, 'vendor/left-pad/package.json': '{"name": "left-pad", "dependencies": ["x"]}\n' });
    const after = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const g = 2;\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', after]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: `error: vendor/left-pad/package.json (at ${after.slice(0, 12)}): "dependencies" must be an object of name -> version specifier\n`,
    });
  });

  test('a tarball it depends on, by its own path', async () => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...vendored });
    const after = commit(root, 'tarball', { 'vendor/tarballs/right-pad-1.0.0.tgz': 'another tarball\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(services(json)).toEqual(['gamma']);
    expect(json.services[0]?.reasons).toEqual(['1 file changed in vendor/tarballs/right-pad-1.0.0.tgz, a local dependency (file:/link:): "right-pad-1.0.0.tgz"']);
  });

  test('an ignored file there, or a file beside the folder, affects no package', async () => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...vendored });
    const after = commit(root, 'docs', { 'vendor/left-pad/README.md': '# pad\n', 'vendor/left-padding/x.js': 'y\n', 'vendor/tarballs/other.tgz': 'z\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(services(json)).toEqual([]);
    expect(json.tooling).toBe(true);
    expect(json.reasons.tooling).toEqual(['2 files changed in no package (the pipeline and repository tooling): "vendor/left-padding/x.js", "vendor/tarballs/other.tgz"']);
  });
});

// What pnpm 10.34.9 installs of a vendored package (checked with `pnpm install --offline` in a workspace of the
// same shape, reading pnpm-lock.yaml's snapshots and node_modules/.pnpm): a `file:` one's dependencies and
// optionalDependencies, resolved from its folder, and from whichever manifest pnpm reads (package.json, else
// package.json5, else package.yaml); not its devDependencies or peerDependencies (a dependency's are never
// installed: the peer is reported missing); nothing of a `link:` (or `workspace:<path>`) one, which is a
// symbolic link only; and a `file:` one's own `link:` dependency is linked relative to the workspace root
// (here outside the repository), not to the vendored folder.
describe("a vendored package's own dependencies, as pnpm 10 installs them", () => {
  const gammaOn = (spec: string) => ({
    'services/gamma/package.json': `${JSON.stringify({ name: '@kc/gamma', version: '1.0.0', dependencies: { 'left-pad': spec } })}\n`,
  });
  const leftPad = (fields: Record<string, Record<string, string>>) => ({
    'vendor/left-pad/package.json': `${JSON.stringify({ name: 'left-pad', version: '1.3.0', ...fields })}\n`,
    'vendor/left-pad/index.js': 'module.exports = 1;\n',
  });
  const folders = {
    'vendor/pad-dep/index.js': '0\n',
    'vendor/pad-opt/index.js': '0\n',
    'vendor/pad-dev/index.js': '0\n',
    'vendor/pad-peer/index.js': '0\n',
  };

  test.each([
    ['dependencies', 'vendor/pad-dep', ['gamma']],
    ['optionalDependencies', 'vendor/pad-opt', ['gamma']],
    ['devDependencies (pnpm does not install them for a dependency)', 'vendor/pad-dev', []],
    ['peerDependencies (pnpm reports the peer missing, installs nothing)', 'vendor/pad-peer', []],
  ])('a change in a folder its %s reach', async (_, folder, expected) => {
    const fields = {
      dependencies: { dep: 'file:../pad-dep' },
      optionalDependencies: { opt: 'file:../pad-opt' },
      devDependencies: { dev: 'file:../pad-dev' },
      peerDependencies: { peer: 'file:../pad-peer' },
    };
    const { root, first } = makeRepo({ ...WORKSPACE, ...folders, ...leftPad(fields), ...gammaOn('file:../../vendor/left-pad') });
    const after = commit(root, 'change', { [`${folder}/index.js`]: '1\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect({ services: services(json), tooling: json.tooling }).toEqual({ services: expected, tooling: expected.length === 0 });
  });

  // pnpm 10 installs this workspace (x's devDependency on gamma is never installed): no cycle to refuse.
  test("a vendored package's devDependency on a workspace package makes no edge (no false cycle, exit 0)", async () => {
    const { root, first } = makeRepo({
      ...WORKSPACE,
      // core -> vendor/x, whose devDependency is beta, which depends on core.
      'vendor/x/package.json': `${JSON.stringify({ name: 'x', version: '1.0.0', devDependencies: { beta: 'file:../../services/beta' } })}\n`,
      'packages/core/package.json': `${JSON.stringify({ name: '@kc/core', version: '1.0.0', dependencies: { x: 'file:../../vendor/x' } })}\n`,
    });
    const after = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const g = 3;\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', after]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  test.each([['link:../../vendor/left-pad'], ['workspace:../../vendor/left-pad']])(
    'a package linked with %s: pnpm installs none of its dependencies, so a change there affects nothing',
    async (spec) => {
      const { root, first } = makeRepo({ ...WORKSPACE, ...folders, ...leftPad({ dependencies: { dep: 'file:../pad-dep' } }), ...gammaOn(spec) });
      const after = commit(root, 'change', { 'vendor/pad-dep/index.js': '1\n' });
      const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
      expect({ services: services(json), tooling: json.tooling }).toEqual({ services: [], tooling: true });
    },
  );

  test("a file: package's own link: dependency is not linked from its folder (pnpm links it from the workspace root)", async () => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...folders, ...leftPad({ dependencies: { dep: 'link:../pad-dep' } }), ...gammaOn('file:../../vendor/left-pad') });
    const after = commit(root, 'change', { 'vendor/pad-dep/index.js': '1\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect({ services: services(json), tooling: json.tooling }).toEqual({ services: [], tooling: true });
  });

  test.each([
    ['package.yaml', 'name: left-pad\nversion: 1.3.0\ndependencies:\n  dep: file:../pad-dep\n'],
    ['package.json5', "{ name: 'left-pad', version: '1.3.0', dependencies: { dep: 'file:../pad-dep' } }\n"],
  ])('a vendored package whose manifest is %s: pnpm installs its file: dependencies too', async (file, text) => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...folders, [`vendor/left-pad/${file}`]: text, ...gammaOn('file:../../vendor/left-pad') });
    const after = commit(root, 'change', { 'vendor/pad-dep/index.js': '1\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect({ services: services(json), tooling: json.tooling }).toEqual({ services: ['gamma'], tooling: false });
  });
});

describe("pnpm's other manifests: package.yaml and package.json5", () => {
  // pnpm reads a package folder's package.json, else its package.json5, else its package.yaml
  // (checked with pnpm 10: `pnpm --filter "...[base]" ls` lists the dependents through both).
  const other = {
    'packages/auth/package.json': null,
    'packages/auth/package.yaml': "name: '@kc/auth'\nversion: 1.0.0\ndependencies:\n  '@kc/core': 'workspace:*'\n",
    'services/beta/package.json': null,
    'services/beta/package.json5': "{\n  // JSON5: comments, unquoted keys, trailing commas\n  name: '@kc/beta',\n  dependencies: { '@kc/core': 'workspace:*', },\n}\n",
  };

  test('a change to a library reaches the packages whose manifest is package.yaml or package.json5 (also from the cache)', async () => {
    const { root } = makeRepo();
    const first = commit(root, 'other manifests', other);
    const after = commit(root, 'core', { 'packages/core/src/index.ts': 'export const core = 2;\n' });
    for (const [run, json] of coldThenCached(root, ['--json', '--base', first, '--head', after])) {
      expect({ run, packages: json.packages.map((p) => p.name) }).toEqual({ run, packages: ['@kc/auth', '@kc/core', '@kc/alpha', '@kc/beta'] });
      expect(json.services.map((s) => s.reasons)).toEqual([['depends on @kc/core, which changed (through @kc/auth)'], ['depends on @kc/core, which changed']]);
    }
  });

  test('the committed bundle loads their parsers on demand and gives the same answer', async () => {
    const { root } = makeRepo();
    const first = commit(root, 'other manifests', other);
    const after = commit(root, 'core', { 'packages/core/src/index.ts': 'export const core = 2;\n' });
    expect(parseJson(bundled(root, ['--json', '--base', first, '--head', after])).packages.map((p) => p.name)).toEqual(['@kc/auth', '@kc/core', '@kc/alpha', '@kc/beta']);
  });

  test('a change to such a manifest is a change to its package', async () => {
    const { root } = makeRepo();
    const first = commit(root, 'other manifests', other);
    const after = commit(root, 'auth', { 'packages/auth/package.yaml': "name: '@kc/auth'\nversion: 1.0.1\ndependencies:\n  '@kc/core': 'workspace:*'\n" });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(services(json)).toEqual(['alpha']);
    expect(json.packages.find((p) => p.name === '@kc/auth')?.reasons).toEqual(['1 file changed in packages/auth: "package.yaml"']);
  });

  test('a removed package folder whose manifest was package.yaml is named as removed, not as tooling', async () => {
    const { root } = makeRepo();
    const first = commit(root, 'other manifests', {
      'packages/extra/package.yaml': "name: '@kc/extra'\n",
      'packages/extra/src/index.ts': 'export {};\n',
    });
    const after = commit(root, 'drop extra', { 'packages/extra': null });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(json).toMatchObject({ tooling: false, services: [] });
    expect(json.warnings).toEqual(['package packages/extra was removed (2 files); its dependents changed their manifests']);
  });
});

describe("pnpm's other manifests: bad input is exit 2, never an internal error", () => {
  // pnpm 10 lists this package (js-yaml builds the recursive alias); `affected` exits 70 "internal error:
  // Converting circular structure to JSON" (manifest-formats.ts stringifies outside its try).
  test('a package.yaml with a recursive alias is exit 2 naming the file (not exit 70)', async () => {
    const { root } = makeRepo();
    const first = commit(root, 'yaml', { 'packages/extra/package.yaml': 'name: "@kc/extra"\nversion: 1.0.0\nx: &a\n  self: *a\n' });
    const after = commit(root, 'core', { 'packages/core/src/index.ts': 'export const core = 3;\n' });
    const r = await affected(root, ['--json', '--base', first, '--head', after]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: `error: packages/extra/package.yaml (at ${after.slice(0, 12)}): cannot be read as JSON (Converting circular structure to JSON); fix the file\n`,
    });
  });
});

describe('file: and link: dependencies under another name', () => {
  test("a package nested in another package's folder, depending on it by file: under another key, is affected by it", async () => {
    const nested = {
      'packages/desktop/plugin-appload/package.json': `${JSON.stringify({ name: '@acme/plugin-appload', version: '1.0.0' })}\n`,
      'packages/desktop/plugin-appload/src/index.ts': 'export const plugin = 1;\n',
      'packages/desktop/plugin-appload/examples/app/package.json': `${JSON.stringify({ name: '@acme/appload-example', version: '1.0.0', dependencies: { 'plugin-appload-api': 'file:../../' } })}\n`,
      'packages/desktop/plugin-appload/examples/app/Dockerfile': 'FROM node:24\n',
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'packages/desktop/*'\n  - 'packages/desktop/*/examples/*'\n  - 'services/*'\n",
    };
    const { root, first } = makeRepo({ ...WORKSPACE, ...nested });
    const after = commit(root, 'plugin', { 'packages/desktop/plugin-appload/src/index.ts': 'export const plugin = 2;\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(services(json)).toEqual(['app']);
    expect(json.services[0]?.reasons).toEqual(['depends on @acme/plugin-appload, which changed']);
  });

  test.each([
    [
      'link: to a sibling under another key',
      { 'services/gamma/package.json': `${JSON.stringify({ name: '@kc/gamma', version: '1.0.0', dependencies: { core: 'link:../../packages/core' } })}\n` },
      ['alpha', 'beta', 'gamma'],
    ],
    [
      'file: that leaves the repository: no edge',
      { 'services/gamma/package.json': `${JSON.stringify({ name: '@kc/gamma', version: '1.0.0', dependencies: { core: 'file:../../../../elsewhere' } })}\n` },
      ['alpha', 'beta'],
    ],
  ])('%s', async (_, files, expected) => {
    const { root, first } = makeRepo({ ...WORKSPACE, ...files });
    const after = commit(root, 'core', { 'packages/core/src/index.ts': 'export const core = 9;\n' });
    expect(services(parseJson(await affected(root, ['--json', '--base', first, '--head', after])))).toEqual(expected);
  });
});

describe('a package that depends on the workspace root package (pnpm links the root folder into it)', () => {
  // The fixture's root manifest is named `root`; a tooling package depends on it, and alpha on the tooling package.
  const rooted = {
    ...WORKSPACE,
    'packages/tools/package.json': `${JSON.stringify({ name: '@kc/tools', version: '1.0.0', dependencies: { root: 'workspace:*' } })}\n`,
    'services/alpha/package.json': `${JSON.stringify({ name: '@kc/alpha', version: '1.0.0', dependencies: { '@kc/auth': 'workspace:*', '@kc/tools': 'workspace:*' } })}\n`,
  };

  test("a change to the root's own files (no package's) reaches it and its dependents (also from the cache)", async () => {
    const { root, first } = makeRepo(rooted);
    const after = commit(root, 'tooling', { 'scripts/tool.ts': 'export const t = 2;\n' });
    for (const [run, json] of coldThenCached(root, ['--json', '--base', first, '--head', after])) {
      expect({ run, services: services(json), tooling: json.tooling }).toEqual({ run, services: ['alpha'], tooling: true });
      const reasons = Object.fromEntries(json.packages.map((p) => [p.name, p.reasons]));
      expect(reasons['@kc/tools']).toEqual([
        'depends on the workspace root package, whose own files changed: 1 file changed in the workspace root, in no package: "scripts/tool.ts"',
      ]);
      expect(reasons['@kc/alpha']).toEqual(['depends on @kc/tools, which changed']);
      expect(Object.keys(reasons).sort()).toEqual(['@kc/alpha', '@kc/tools']);
    }
  });

  test.each([
    ['a field the rules count as tooling', { scripts: { test: 'vitest run' } }, 'root package.json: scripts changed'],
    ['its layout only (no field changed)', {}, 'root package.json changed'],
  ])('a change to the root manifest reaches it too: %s', async (_, fields, reason) => {
    const { root, first } = makeRepo(rooted);
    const manifest = JSON.stringify({ name: 'root', private: true, packageManager: 'pnpm@10.0.0', scripts: { test: 'vitest' }, ...fields });
    const after = commit(root, 'root manifest', { 'package.json': manifest });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(json.packages.map((p) => [p.name, p.reasons])).toEqual([
      ['@kc/tools', [`depends on the workspace root package, whose own files changed: ${reason}`]],
      ['@kc/alpha', ['depends on @kc/tools, which changed']],
    ]);
  });

  test("a change inside a package is not the root's: the root's dependents are not affected by it", async () => {
    const { root, first } = makeRepo(rooted);
    const after = commit(root, 'gamma', { 'services/gamma/src/main.ts': 'export const g = 2;\n' });
    const json = parseJson(await affected(root, ['--json', '--base', first, '--head', after]));
    expect(json.packages.map((p) => p.name)).toEqual(['@kc/gamma']);
  });
});
