/**
 * What each `verify-image` rule says when it decides: the evidence line of a pass (what was looked at)
 * and of a failure (enough to find the cause), the edges of each rule (a USER, a PATH, a label, a
 * listing), and the expectations the rules are judged against (expectationsFor).
 */
import { describe, expect, test } from 'vitest';
import type { ImageEvidence } from '../../scripts/core/verify/evidence.js';
import { expectationsFor, serviceByFolder } from '../../scripts/core/verify/expectations.js';
import {
  checkCompiledOnly,
  checkHealthy,
  checkImage,
  checkLabels,
  checkNoDevDependencies,
  checkNoPnpm,
  checkNonRoot,
  checkOnlyThisService,
  type Expectations,
  installedPackages,
} from '../../scripts/core/verify/rules.js';
import { buildWorkspace } from '../../scripts/core/workspace/graph.js';
import type { Manifest } from '../../scripts/core/workspace/manifest.js';

const TITLE = 'org.opencontainers.image.title';
const SOURCE = 'org.opencontainers.image.source';
const REVISION = 'org.opencontainers.image.revision';
const SHA = '8e21e23aa1b2c3d4e5f60718293a4b5c6d7e8f90';

const x: Expectations = {
  service: 'orders',
  packageName: '@acme/orders',
  otherServices: [
    { folder: 'billing', dir: 'services/billing', packageName: '@acme/billing' },
    { folder: 'search', dir: 'services/search', packageName: '@acme/search' },
  ],
  devDependencies: ['typescript', 'vitest'],
  libraries: ['@acme/shared'],
  revision: SHA,
  source: 'https://github.com/acme/shop',
};

/** Paths given as `files` are, unless `added` says otherwise, what the build added above the base image. */
const evidence = (patch: Partial<ImageEvidence> = {}, config: Partial<ImageEvidence['config']> = {}): ImageEvidence => ({
  added: patch.files ?? ['/app', '/app/package.json', '/app/index.js'],
  base: { image: 'node:24-alpine', layers: 1 },
  image: 'registry.test/orders:1',
  config: {
    id: 'sha256:1',
    user: 'node',
    labels: { [TITLE]: 'orders', [SOURCE]: 'https://github.com/acme/shop', [REVISION]: SHA },
    healthcheck: ['CMD', 'node', 'health.js'],
    env: ['PATH=/usr/local/bin:/usr/bin'],
    entrypoint: [],
    cmd: ['node', 'index.js'],
    workingDir: '/app',
    layers: ['sha256:b', 'sha256:a'],
    size: 1,
    ...config,
  },
  outcome: { kind: 'healthy' },
  processes: [{ pid: 1, uid: 1000, command: 'node index.js', args: ['node', 'index.js'] }],
  stop: { graceSeconds: 15, seconds: 3.2, exitCode: 0 },
  files: ['/app', '/app/package.json', '/app/index.js'],
  appManifest: '{"name":"@acme/orders"}',
  logTail: '',
  ...patch,
});

describe('healthy', () => {
  test('a pass shows the HEALTHCHECK command, words joined by spaces', () => {
    expect(checkHealthy(evidence())).toEqual({ rule: 'healthy', ok: true, evidence: 'healthy (HEALTHCHECK CMD node health.js)' });
  });

  test('a healthy container without a recorded command shows an empty HEALTHCHECK', () => {
    expect(checkHealthy(evidence({}, { healthcheck: undefined })).evidence).toBe('healthy (HEALTHCHECK )');
  });

  test('a long HEALTHCHECK is cut at 120 characters, with an ellipsis', () => {
    const long = ['CMD', 'x'.repeat(200)];
    expect(checkHealthy(evidence({}, { healthcheck: long })).evidence).toBe(`healthy (HEALTHCHECK CMD ${'x'.repeat(116)}...)`);
  });

  test('a HEALTHCHECK of exactly 120 characters is shown whole', () => {
    const words = ['CMD', 'y'.repeat(116)];
    expect(checkHealthy(evidence({}, { healthcheck: words })).evidence).toBe(`healthy (HEALTHCHECK CMD ${'y'.repeat(116)})`);
  });

  test('an unhealthy container shows the last probe output and the log, each on one line', () => {
    const r = checkHealthy(evidence({ outcome: { kind: 'unhealthy', probeOutput: '  connect\n\tECONNREFUSED  ' }, logTail: 'line 1\nline 2\n' }));
    expect(r).toEqual({
      rule: 'healthy',
      ok: false,
      evidence: 'the health check reported unhealthy; last probe output: "connect ECONNREFUSED"; container log: "line 1 line 2"',
    });
  });

  test('a long log is cut at 300 characters', () => {
    const r = checkHealthy(evidence({ outcome: { kind: 'exited', exitCode: 137 }, logTail: 'z'.repeat(400) }));
    expect(r.evidence).toBe(`the container exited with code 137 before becoming healthy; container log: "${'z'.repeat(300)}..."`);
  });

  test('a timeout names the state, the bound and the log', () => {
    const r = checkHealthy(evidence({ outcome: { kind: 'timeout', status: 'starting', seconds: 30 }, logTail: 'waiting for db' }));
    expect(r).toEqual({ rule: 'healthy', ok: false, evidence: 'still "starting" after 30 s; container log: "waiting for db"' });
  });

  test('no HEALTHCHECK is a failure that says what to add', () => {
    expect(checkHealthy(evidence({ outcome: { kind: 'no-healthcheck' } }))).toEqual({
      rule: 'healthy',
      ok: false,
      evidence: 'the image defines no HEALTHCHECK (Config.Healthcheck is empty): add one so the engine and compose can tell when it is up',
    });
  });
});

describe('non-root', () => {
  test.each([
    ['no USER', '', 'the image sets no USER, so it runs as root; add `USER node` (uid 1000) to the runtime stage'],
    ['root', 'root', 'the image\'s USER is "root"; add `USER node` (uid 1000) to the runtime stage'],
    ['root with a group', 'root:staff', 'the image\'s USER is "root:staff"; add `USER node` (uid 1000) to the runtime stage'],
    ['uid 0', '0', 'the image\'s USER is "0"; add `USER node` (uid 1000) to the runtime stage'],
    ['an empty user with a group', ':1000', 'the image\'s USER is ":1000"; add `USER node` (uid 1000) to the runtime stage'],
  ])('%s runs as root', (_name, user, shown) => {
    expect(checkNonRoot(evidence({}, { user }))).toEqual({ rule: 'non-root', ok: false, evidence: shown });
  });

  test.each([
    ['a named user', 'node'],
    ['a uid', '1000'],
    ['a user whose name starts with root', 'rootless'],
    ['a uid with group 0', '1000:0'],
  ])('%s is not root', (_name, user) => {
    expect(checkNonRoot(evidence({}, { user })).ok).toBe(true);
  });

  test('a pass lists every process with its pid and uid, as the container sees them', () => {
    const r = checkNonRoot(
      evidence({
        processes: [
          { pid: 2, uid: 1000, command: 'node index.js', args: ['node', 'index.js'] },
          { pid: 3, uid: 1001, command: 'sh -c x', args: ['sh', '-c', 'x'] },
        ],
      }),
    );
    expect(r).toEqual({ rule: 'non-root', ok: true, evidence: 'USER "node"; processes: pid 2 uid 1000 "node index.js", pid 3 uid 1001 "sh -c x"' });
  });

  test('a pass without running processes says so', () => {
    expect(checkNonRoot(evidence({ processes: [] }))).toEqual({ rule: 'non-root', ok: true, evidence: 'USER "node" (no running process to inspect)' });
  });

  test('a failure names every process that runs as uid 0, and only those', () => {
    const r = checkNonRoot(
      evidence({
        processes: [
          { pid: 4, uid: 0, command: 'tini', args: ['tini'] },
          { pid: 5, uid: 1000, command: 'node index.js', args: ['node', 'index.js'] },
          { pid: 6, uid: 0, command: 'crond', args: ['crond'] },
        ],
      }),
    );
    expect(r).toEqual({ rule: 'non-root', ok: false, evidence: 'USER is "node" but these processes run as uid 0: pid 4 "tini", pid 6 "crond"' });
  });
});

describe('only-this-service', () => {
  test('a pass names the package, counts the other services and says where it looked: the paths above the base image', () => {
    expect(checkOnlyThisService(evidence(), x)).toEqual({
      rule: 'only-this-service',
      ok: true,
      evidence:
        '/app/package.json is @acme/orders; none of the 2 other services found in the 3 paths the build added above the base image node:24-alpine (1 of 2 layers are its own)',
    });
  });

  test.each([
    ['not JSON', '{name:', '"(no name)"'],
    ['a JSON array', '["@acme/orders"]', '"(no name)"'],
    ['JSON null', 'null', '"(no name)"'],
    ['a name that is not a string', '{"name":1}', '"(no name)"'],
    ['no name', '{"version":"1.0.0"}', '"(no name)"'],
    ['another name', '{"name":"@acme/billing"}', '"@acme/billing"'],
  ])('/app/package.json with %s does not hold this service', (_name, manifest, shown) => {
    expect(checkOnlyThisService(evidence({ appManifest: manifest }), x)).toEqual({
      rule: 'only-this-service',
      ok: false,
      evidence: `/app/package.json names ${shown}, expected "@acme/orders"`,
    });
  });

  test('a missing /app/package.json says /app holds no deployed service', () => {
    expect(checkOnlyThisService(evidence({ appManifest: undefined }), x).evidence).toBe('/app/package.json is missing: the image does not hold a deployed service in /app');
  });

  test('a service installed as a package is shown by that path, once, not again by its folder', () => {
    const files = ['/app/package.json', '/app/node_modules/@acme/billing/package.json'];
    expect(checkOnlyThisService(evidence({ files }), x).evidence).toBe('the image holds code of other services: billing (/app/node_modules/@acme/billing/package.json)');
  });

  test('a folder named after another service is found as a whole path segment below /app, and elsewhere only as its workspace folder', () => {
    const files = [
      '/app/package.json',
      '/app/billing-client/x.js',
      '/srv/search/index.js',
      '/app/lib/search/index.js',
      '/repo/services/billing-old/x.js',
      '/repo/services/billing/src/x.ts',
    ];
    const r = checkOnlyThisService(evidence({ files }), x);
    expect(r.evidence).toBe('the image holds code of other services: billing (/repo/services/billing/src/x.ts), search (/app/lib/search/index.js)');
  });

  test('a workspace folder that is the last path segment counts too', () => {
    const r = checkOnlyThisService(evidence({ files: ['/app/package.json', '/work/services/search'] }), x);
    expect(r.evidence).toBe('the image holds code of other services: search (/work/services/search)');
  });

  test('/app itself and a sibling like /application are not below /app', () => {
    const r = checkOnlyThisService(evidence({ files: ['/app', '/app/package.json', '/application/billing/x.js'] }), x);
    expect(r).toEqual({
      rule: 'only-this-service',
      ok: true,
      evidence:
        '/app/package.json is @acme/orders; none of the 2 other services found in the 3 paths the build added above the base image node:24-alpine (1 of 2 layers are its own)',
    });
  });
});

describe('no-dev-dependencies', () => {
  test('a pass counts the installed packages and the devDependencies looked for', () => {
    const files = ['/app/node_modules/yaml/package.json', '/app/node_modules/@acme/shared/index.js'];
    expect(checkNoDevDependencies(evidence({ files }), x)).toEqual({
      rule: 'no-dev-dependencies',
      ok: true,
      evidence: '2 packages installed in the 2 paths the build added above the base image node:24-alpine (1 of 2 layers are its own), none of the 2 devDependencies',
    });
  });

  test('a failure names each devDependency found with the path that shows it, and how to deploy', () => {
    const files = ['/app/node_modules/vitest/package.json', '/app/node_modules/typescript/lib/tsc.js', '/app/node_modules/yaml/index.js'];
    expect(checkNoDevDependencies(evidence({ files }), x)).toEqual({
      rule: 'no-dev-dependencies',
      ok: false,
      evidence:
        'devDependencies installed: typescript (/app/node_modules/typescript/lib/tsc.js), vitest (/app/node_modules/vitest/package.json); deploy with `pnpm deploy --prod` and copy only its folder',
    });
  });

  test('more than five findings show five and count the rest', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const files = many.map((n) => `/app/node_modules/${n}/index.js`);
    const r = checkNoDevDependencies(evidence({ files }), { ...x, devDependencies: many });
    expect(r.evidence).toBe(
      'devDependencies installed: a (/app/node_modules/a/index.js), b (/app/node_modules/b/index.js), c (/app/node_modules/c/index.js), d (/app/node_modules/d/index.js), e (/app/node_modules/e/index.js) (and 2 more); deploy with `pnpm deploy --prod` and copy only its folder',
    );
  });

  test('exactly five findings are all shown, with no count', () => {
    const five = ['a', 'b', 'c', 'd', 'e'];
    const r = checkNoDevDependencies(evidence({ files: five.map((n) => `/app/node_modules/${n}/x`) }), { ...x, devDependencies: five });
    expect(r.evidence).toBe(
      'devDependencies installed: a (/app/node_modules/a/x), b (/app/node_modules/b/x), c (/app/node_modules/c/x), d (/app/node_modules/d/x), e (/app/node_modules/e/x); deploy with `pnpm deploy --prod` and copy only its folder',
    );
  });
});

describe('installedPackages', () => {
  test.each([
    ['a top-level package', ['/app/node_modules/a/index.js'], [['a', '/app/node_modules/a/index.js']]],
    ['the first path that shows a package is kept', ['/app/node_modules/a/1.js', '/app/node_modules/a/2.js'], [['a', '/app/node_modules/a/1.js']]],
    ['a scope folder alone is no package', ['/app/node_modules/@s'], []],
    ['the store folder alone is no package', ['/app/node_modules/.pnpm'], []],
    ['a hidden folder is no package', ['/app/node_modules/.bin/tsc', '/app/node_modules/.cache/x'], []],
    ['a store entry that is no package folder', ['/app/node_modules/.pnpm/lock.yaml'], []],
    ['node_modules as the last segment', ['/app/node_modules'], []],
    [
      'a package nested in another',
      ['/app/node_modules/a/node_modules/b/x.js'],
      [
        ['a', '/app/node_modules/a/node_modules/b/x.js'],
        ['b', '/app/node_modules/a/node_modules/b/x.js'],
      ],
    ],
    ['node_modules of the directory itself only, not of a sibling', ['/application/node_modules/a/x.js', '/app2/node_modules/b/x.js'], []],
  ])('%s', (_name, files, expected) => {
    expect([...installedPackages(files, '/app')]).toEqual(expected);
  });
});

test('a directory that is itself inside node_modules: only what is installed below it', () => {
  const path = '/usr/lib/node_modules/tool/node_modules/b/x.js';
  expect([...installedPackages([path], '/usr/lib/node_modules/tool')]).toEqual([['b', path]]);
});

describe('no-pnpm', () => {
  test('a pass names the PATH directories looked in, from the image ENV', () => {
    expect(checkNoPnpm(evidence())).toEqual({ rule: 'no-pnpm', ok: true, evidence: 'no pnpm package and no pnpm/pnpx in /usr/local/bin:/usr/bin' });
  });

  test('an image without PATH is looked at with the usual default PATH', () => {
    expect(checkNoPnpm(evidence({}, { env: ['NODE_ENV=production'] })).evidence).toBe(
      'no pnpm package and no pnpm/pnpx in /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    );
  });

  test('empty PATH entries are not directories', () => {
    expect(checkNoPnpm(evidence({}, { env: ['PATH=::/opt/bin:'] })).evidence).toBe('no pnpm package and no pnpm/pnpx in /opt/bin');
  });

  test.each([
    ['pnpm in a PATH directory of the image', ['/opt/bin/pnpm'], { env: ['PATH=/opt/bin'] }, '/opt/bin/pnpm'],
    ['pnpx in a node_modules/.bin', ['/app/node_modules/.bin/pnpx'], {}, '/app/node_modules/.bin/pnpx'],
    ['the pnpm package folder itself', ['/usr/lib/node_modules/pnpm'], {}, '/usr/lib/node_modules/pnpm'],
    ['a file of the pnpm package', ['/usr/lib/node_modules/pnpm/bin/pnpm.cjs'], {}, '/usr/lib/node_modules/pnpm'],
    ['pnpm in the virtual store', ['/app/node_modules/.pnpm/pnpm@9.0.0/node_modules/pnpm/x'], {}, '/app/node_modules/.pnpm/pnpm@9.0.0'],
  ])('%s is found', (_name, files, config, shown) => {
    const r = checkNoPnpm(evidence({ files }, config));
    expect(r).toEqual({ rule: 'no-pnpm', ok: false, evidence: `pnpm is in the runtime image: ${shown}; install it only in the build stages` });
  });

  test.each([
    ['pnpm outside PATH and outside a .bin', ['/opt/tools/pnpm', '/opt/tools/pnpx']],
    ['a file named like pnpm with a suffix', ['/usr/bin/pnpm-helper', '/usr/bin/xpnpm']],
    ['a package whose name starts with pnpm', ['/usr/lib/node_modules/pnpm-sync/index.js', '/app/node_modules/.pnpm/pnpmx@1.0.0/x']],
    ['a PATH directory only when it is one: /usr/bin/sub is not /usr/bin', ['/usr/bin/sub/pnpm']],
    ['a .bin only when it is node_modules/.bin', ['/app/other/.bin/pnpm']],
  ])('%s is not pnpm on PATH', (_name, files) => {
    expect(checkNoPnpm(evidence({ files })).ok).toBe(true);
  });
});

describe('compiled-only', () => {
  const SOURCES = 'each workspace package ships "files": ["dist"], which `pnpm deploy --prod` copies, and the runtime stage takes only its /out';
  test('a pass counts the libraries looked into', () => {
    expect(checkCompiledOnly(evidence(), x)).toEqual({
      rule: 'compiled-only',
      ok: true,
      evidence:
        'no TypeScript source or tsconfig of the service or its 1 workspace libraries in the 3 paths the build added above the base image node:24-alpine (1 of 2 layers are its own)',
    });
  });

  test.each([
    ['a .ts source of the service', ['/app/src/index.ts'], '/app/src/index.ts'],
    ['a .tsx, a .mts and a .cts', ['/app/a.tsx', '/app/b.mts', '/app/c.cts'], '/app/a.tsx, /app/b.mts, /app/c.cts'],
    ['tsconfig.json and tsconfig.build.json', ['/app/tsconfig.json', '/app/tsconfig.build.json'], '/app/tsconfig.json, /app/tsconfig.build.json'],
    ['a tsconfig in a folder', ['/app/config/tsconfig.json'], '/app/config/tsconfig.json'],
    ['a .d.tsx (no declaration file: a source)', ['/app/x.d.tsx'], '/app/x.d.tsx'],
    ['a library hoisted', ['/app/node_modules/@acme/shared/src/x.ts'], '/app/node_modules/@acme/shared/src/x.ts'],
    [
      'a library in the store, inside a third-party folder name',
      ['/app/node_modules/.pnpm/zod@3/node_modules/@acme/shared/src/y.ts'],
      '/app/node_modules/.pnpm/zod@3/node_modules/@acme/shared/src/y.ts',
    ],
    [
      'six sources: five shown',
      ['/app/1.ts', '/app/2.ts', '/app/3.ts', '/app/4.ts', '/app/5.ts', '/app/6.ts'],
      '/app/1.ts, /app/2.ts, /app/3.ts, /app/4.ts, /app/5.ts (and 1 more)',
    ],
  ])('%s is found', (_name, files, shown) => {
    expect(checkCompiledOnly(evidence({ files: ['/app/package.json', ...files] }), x)).toEqual({
      rule: 'compiled-only',
      ok: false,
      evidence: `TypeScript sources or compiler settings in the image: ${shown}; ${SOURCES}`,
    });
  });

  test.each([
    ['a source outside /app', ['/srv/src/index.ts'], '/srv/src/index.ts'],
    ['compiler settings at the root and a source in a sibling of /app', ['/tsconfig.json', '/apps/x.ts'], '/apps/x.ts, /tsconfig.json'],
  ])('%s, added by the build, is found too', (_name, files, shown) => {
    expect(checkCompiledOnly(evidence({ files: ['/app/package.json', ...files].sort() }), x)).toEqual({
      rule: 'compiled-only',
      ok: false,
      evidence: `TypeScript sources or compiler settings in the image: ${shown}; ${SOURCES}`,
    });
  });

  test("the same paths in the base image are not the build's", () => {
    const files = ['/app/package.json', '/srv/src/index.ts', '/tsconfig.json'];
    expect(checkCompiledOnly(evidence({ files, added: ['/app/package.json'] }), x).ok).toBe(true);
  });

  test('a workspace library without a scope is looked into as one with', () => {
    const files = ['/app/package.json', '/app/node_modules/plainlib/src/a.ts'];
    expect(checkCompiledOnly(evidence({ files }), { ...x, libraries: ['plainlib'] }).ok).toBe(false);
    expect(checkCompiledOnly(evidence({ files }), x).ok).toBe(true);
  });

  test.each([
    ['declaration files', ['/app/index.d.ts', '/app/x.d.mts', '/app/y.d.cts']],
    [
      'a third-party package, scoped or not, hoisted or in the store',
      ['/app/node_modules/zod/src/a.ts', '/app/node_modules/@types/node/tsconfig.json', '/app/node_modules/.pnpm/@acme+other@1/node_modules/@acme/other/b.ts'],
    ],
    ["another service's folder (only-this-service's finding)", ['/app/billing/src/index.ts']],
    ['a name that only contains ts or tsconfig', ['/app/dist/tsconfig.js', '/app/dist/a.ts.map', '/app/dist/ts', '/app/mytsconfig.json', '/app/tsconfig.json.bak']],
    ['the node_modules folder itself', ['/app/node_modules']],
  ])('%s: not a source of this workspace', (_name, files) => {
    expect(checkCompiledOnly(evidence({ files: ['/app/package.json', ...files] }), x).ok).toBe(true);
  });
});

describe('oci-labels', () => {
  test('a pass shows the source, revision and title labels', () => {
    expect(checkLabels(evidence(), x)).toEqual({
      rule: 'oci-labels',
      ok: true,
      evidence: `${SOURCE}=https://github.com/acme/shop ${REVISION}=${SHA} ${TITLE}=orders`,
    });
  });

  test('every problem is named, in one line', () => {
    const { revision: _r, source: _s, ...open } = x;
    const r = checkLabels(evidence({}, { labels: { [SOURCE]: ' ', [REVISION]: 'unknown' } }), open);
    expect(r).toEqual({
      rule: 'oci-labels',
      ok: false,
      evidence: `${SOURCE} is missing; ${REVISION} is "unknown" (build without --build-arg REVISION); ${TITLE} is missing`,
    });
  });

  test('an empty title or a missing expected revision is named as missing, and only so', () => {
    const r = checkLabels(evidence({}, { labels: { [SOURCE]: 'https://github.com/acme/shop', [TITLE]: '' } }), x);
    expect(r.evidence).toBe(`${REVISION} is missing; ${TITLE} is missing`);
  });

  test('another source than expected is named with both values', () => {
    const r = checkLabels(evidence({}, { labels: { [SOURCE]: 'https://github.com/fork/shop', [REVISION]: SHA, [TITLE]: 'orders' } }), x);
    expect(r).toEqual({ rule: 'oci-labels', ok: false, evidence: `${SOURCE} is "https://github.com/fork/shop", expected "https://github.com/acme/shop"` });
  });

  test('an unset revision is named as unset, not also as another revision', () => {
    const r = checkLabels(evidence({}, { labels: { [SOURCE]: 'https://github.com/acme/shop', [REVISION]: 'unknown', [TITLE]: 'orders' } }), x);
    expect(r.evidence).toBe(`${REVISION} is "unknown" (build without --build-arg REVISION)`);
  });

  test('without expected revision and source, any value passes', () => {
    const { revision: _r, source: _s, ...open } = x;
    const r = checkLabels(evidence({}, { labels: { [SOURCE]: 'https://example.test/x', [REVISION]: 'abc', [TITLE]: 'orders' } }), open);
    expect(r.ok).toBe(true);
  });
});

test('checkImage judges every rule over the same evidence', () => {
  const results = checkImage(evidence({ outcome: { kind: 'no-healthcheck' }, processes: [] }, { user: '' }), x);
  expect(results.map((r) => [r.rule, r.ok])).toEqual([
    ['healthy', false],
    ['non-root', false],
    // Running without a process list: nothing shows node is PID 1.
    ['signals', false],
    ['only-this-service', true],
    ['no-dev-dependencies', true],
    ['compiled-only', true],
    ['no-pnpm', true],
    ['oci-labels', true],
  ]);
});

describe('expectationsFor', () => {
  const manifest = (name: string, deps: Partial<Record<'dependencies' | 'devDependencies' | 'optionalDependencies', Record<string, string>>> = {}): Manifest => ({
    name,
    scripts: {},
    dependencies: { dependencies: {}, devDependencies: {}, optionalDependencies: {}, peerDependencies: {}, ...deps },
    service: {},
  });
  const workspace = buildWorkspace([
    { dir: 'packages/shared', manifest: manifest('@acme/shared', { devDependencies: { tsup: '8' }, dependencies: { zod: '3' } }), isService: false },
    { dir: 'packages/unused', manifest: manifest('@acme/unused', { devDependencies: { jest: '29' } }), isService: false },
    {
      dir: 'services/orders',
      manifest: manifest('@acme/orders', { dependencies: { '@acme/shared': 'workspace:*' }, devDependencies: { typescript: '7', zod: '3' } }),
      isService: true,
    },
    { dir: 'services/billing', manifest: manifest('@acme/billing', { devDependencies: { mocha: '10' } }), isService: true },
  ]);
  const root = manifest('root', { devDependencies: { vitest: '4' }, optionalDependencies: { fsevents: '2' } });

  test('the service, the other services, and the devDependencies of the root, the service and the libraries it uses', () => {
    expect(expectationsFor(workspace, root, 'orders', { revision: SHA })).toEqual({
      service: 'orders',
      packageName: '@acme/orders',
      otherServices: [{ folder: 'billing', dir: 'services/billing', packageName: '@acme/billing' }],
      devDependencies: ['tsup', 'typescript', 'vitest'],
      libraries: ['@acme/shared'],
      revision: SHA,
    });
  });

  test('an unknown folder names it and the services there are', () => {
    expect(() => serviceByFolder(workspace, 'shipping')).toThrow('unknown service "shipping"; expected one of: billing, orders');
  });
});
