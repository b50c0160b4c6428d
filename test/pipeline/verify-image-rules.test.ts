/**
 * The runtime rules of `verify-image`, over plain evidence values. A compliant image (shaped like what
 * the engine reports for a real student-auth-service image) passes every rule; each broken variant
 * fails exactly the rule it breaks, and the failure names the evidence.
 */
import { describe, expect, test } from 'vitest';
import type { ImageEvidence } from '../../scripts/core/verify/evidence.js';
import { checkImage, type Expectations, installedPackages, pnpmStoreName, RULE_IDS, type RuleId } from '../../scripts/core/verify/rules.js';

const SERVICES = ['student-auth-service', 'student-service', 'api-gateway'] as const;

const expectations: Expectations = {
  service: 'student-auth-service',
  packageName: '@kodingcaravan/student-auth-service',
  otherServices: SERVICES.filter((s) => s !== 'student-auth-service').map((s) => ({ folder: s, dir: `services/${s}`, packageName: `@kodingcaravan/${s}` })),
  devDependencies: ['@types/node', 'typescript', 'vitest'],
  libraries: ['@kodingcaravan/auth', '@kodingcaravan/shared'],
  revision: '8e21e23aa1b2c3d4e5f60718293a4b5c6d7e8f90',
  source: 'https://github.com/acme/kodingcaravan',
};

const goodFiles = [
  '/usr/local/bin/node',
  '/usr/local/bin/npm',
  '/usr/local/lib/node_modules/npm/package.json',
  '/app',
  '/app/package.json',
  '/app/dist/index.js',
  '/app/dist/service.js',
  '/app/node_modules/.pnpm/@kodingcaravan+auth@file++++repo+packages+auth/node_modules/@kodingcaravan/auth/package.json',
  '/app/node_modules/.pnpm/@kodingcaravan+shared@file++++repo+packages+shared/node_modules/@kodingcaravan/shared/dist/index.js',
  '/app/node_modules/.pnpm/lock.yaml',
  '/app/node_modules/@kodingcaravan/auth',
  '/app/node_modules/@kodingcaravan/shared',
];

const good: ImageEvidence = {
  image: '127.0.0.1:5000/student-auth-service:sha-8e21e23',
  config: {
    id: 'sha256:fb7e9f07b66b62cd225227bf78d2c8f4070c699118a26cbfffde0480035b9b84',
    user: 'node',
    labels: {
      'org.opencontainers.image.title': 'student-auth-service',
      'org.opencontainers.image.source': 'https://github.com/acme/kodingcaravan',
      'org.opencontainers.image.revision': '8e21e23aa1b2c3d4e5f60718293a4b5c6d7e8f90',
    },
    healthcheck: ['CMD', 'node', '-e', "require('http').get('http://127.0.0.1:3001/health')"],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production'],
    entrypoint: [],
    cmd: ['node', 'dist/index.js'],
    workingDir: '/app',
    layers: ['sha256:4247b6d19b691fe9005012d314329e9e2df968b734e14fc824862497f4c72e68'],
    size: 70060853,
  },
  outcome: { kind: 'healthy' },
  processes: [{ pid: 1, uid: 1000, command: 'node dist/index.js', args: ['node', 'dist/index.js'] }],
  stop: { graceSeconds: 15, seconds: 3.2, exitCode: 0 },
  files: goodFiles,
  // What the build added above the base image: /app; the base brought node, npm and its bundled packages.
  added: goodFiles.filter((f) => f.startsWith('/app')),
  base: { image: 'node:24-alpine', layers: 1 },
  appManifest: JSON.stringify({ name: '@kodingcaravan/student-auth-service', devDependencies: { typescript: '7.0.2' } }),
  logTail: '{"level":"info","msg":"listening","port":3001}',
};

const withConfig = (patch: Partial<ImageEvidence['config']>): ImageEvidence => ({ ...good, config: { ...good.config, ...patch } });
const withLabels = (patch: Record<string, string | undefined>): ImageEvidence => {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...good.config.labels, ...patch })) if (v !== undefined) labels[k] = v;
  return withConfig({ labels });
};
/** Paths a layer above the base adds: in the image's filesystem and among what the build added. */
const withFiles = (...extra: string[]): ImageEvidence => ({ ...good, files: [...good.files, ...extra], added: [...good.added, ...extra] });
/** Paths of the base image's own layers: in the image's filesystem only. */
const inBase = (...extra: string[]): ImageEvidence => ({ ...good, files: [...good.files, ...extra] });

const NODE_TOOLS = [
  '/usr/local/lib/node_modules/npm/node_modules/typescript/package.json',
  '/usr/local/lib/node_modules/corepack/node_modules/vitest/package.json',
  '/opt/yarn-v1.22.22/node_modules/@types/node/package.json',
  '/usr/local/lib/node_modules/npm/node_modules/x/index.ts',
  '/usr/share/doc/student-service/README',
];

test("the base image's own files (npm's bundled packages, corepack, yarn, anything of a service's name) are not the build's: they pass", () => {
  expect(checkImage(inBase(...NODE_TOOLS), expectations).filter((r) => !r.ok)).toEqual([]);
});

test.each([
  [
    'a dev tool the build installed globally (RUN npm install -g typescript)',
    '/usr/local/lib/node_modules/typescript/package.json',
    'no-dev-dependencies',
    'typescript (/usr/local/lib/node_modules/typescript/package.json)',
  ],
  ["a devDependency the build put into npm's own folder", '/usr/local/lib/node_modules/npm/node_modules/vitest/package.json', 'no-dev-dependencies', 'vitest'],
  ['the service sources copied outside /app', '/srv/src/service.ts', 'compiled-only', '/srv/src/service.ts'],
  ["the builder's compiler settings at /repo", '/repo/tsconfig.base.json', 'compiled-only', '/repo/tsconfig.base.json'],
])("the same kind of path above the base image is the build's: %s fails", (_name, path, rule, shown) => {
  const failed = checkImage(withFiles(path), expectations).filter((r) => !r.ok);
  expect(failed.map((r) => r.rule)).toEqual([rule]);
  expect(failed[0]?.evidence).toContain(shown);
});

test('a path the build added and a later layer deleted still counts: the image ships the layer that holds it', () => {
  const e: ImageEvidence = { ...good, added: [...good.added, '/repo/services/student-service/src/index.ts', '/repo/node_modules/vitest/package.json'] };
  expect(
    checkImage(e, expectations)
      .filter((r) => !r.ok)
      .map((r) => r.rule),
  ).toEqual(['only-this-service', 'no-dev-dependencies']);
});

test('type declarations, and the TypeScript files third-party packages ship, are not sources of this workspace', () => {
  const e = withFiles(
    '/app/dist/index.d.ts',
    '/app/node_modules/@kodingcaravan/shared/dist/index.d.mts',
    '/app/node_modules/.pnpm/zod@3.25.0/node_modules/zod/src/index.ts',
    '/app/node_modules/.pnpm/zod@3.25.0/node_modules/zod/tsconfig.json',
  );
  expect(checkImage(e, expectations).filter((r) => !r.ok)).toEqual([]);
});

test("a folder that only shares a service's name, outside the repository layout, is not that service", () => {
  const e = withFiles('/usr/share/doc/student-service/README', '/etc/services');
  expect(checkImage(e, expectations).filter((r) => !r.ok)).toEqual([]);
});

test('a compliant image passes every rule, one result per rule in RULES order', () => {
  const results = checkImage(good, expectations);
  expect(results.map((r) => r.rule)).toEqual(RULE_IDS);
  expect(results.filter((r) => !r.ok)).toEqual([]);
});

describe('each broken image fails exactly its rule, naming the evidence', () => {
  const cases: [string, ImageEvidence, RuleId, string][] = [
    ['no HEALTHCHECK', { ...withConfig({ healthcheck: undefined }), outcome: { kind: 'no-healthcheck' } }, 'healthy', 'defines no HEALTHCHECK'],
    ['health check fails', { ...good, outcome: { kind: 'unhealthy', probeOutput: 'ECONNREFUSED 127.0.0.1:3001' } }, 'healthy', 'ECONNREFUSED 127.0.0.1:3001'],
    ['process exits', { ...good, outcome: { kind: 'exited', exitCode: 1 }, processes: [], logTail: 'AUTH_SECRET is required' }, 'healthy', 'exited with code 1'],
    ['never healthy', { ...good, outcome: { kind: 'timeout', status: 'starting', seconds: 90 } }, 'healthy', 'still "starting" after 90 s'],
    ['no USER', withConfig({ user: '' }), 'non-root', 'sets no USER'],
    ['USER root', withConfig({ user: 'root' }), 'non-root', 'USER is "root"'],
    ['USER 0:0', withConfig({ user: '0:0' }), 'non-root', 'USER is "0:0"'],
    // uid 0 however written: the engines read a numeric user with Go's strconv.Atoi.
    ['USER 000', withConfig({ user: '000' }), 'non-root', 'USER is "000"'],
    ['USER +0:1000', withConfig({ user: '+0:1000' }), 'non-root', 'USER is "+0:1000"'],
    [
      'a shell as PID 1 that never passes SIGTERM on',
      {
        ...withConfig({ cmd: ['sh', '-c', 'node dist/index.js'] }),
        processes: [
          { pid: 1, uid: 1000, command: 'sh -c node dist/index.js', args: ['sh', '-c', 'node dist/index.js'] },
          { pid: 7, uid: 1000, command: 'node dist/index.js', args: ['node', 'dist/index.js'] },
        ],
        stop: { graceSeconds: 15, seconds: 15.2, exitCode: 137 },
      },
      'signals',
      'the engine killed it (exit 137)',
    ],
    ['node as PID 1 that ignores SIGTERM', { ...good, stop: { graceSeconds: 15, seconds: 15.1, exitCode: 137 } }, 'signals', 'did not exit within the 15 s'],
    ['a process as uid 0', { ...good, processes: [...good.processes, { pid: 2, uid: 0, command: 'sshd', args: ['sshd'] }] }, 'non-root', '"sshd"'],
    ['a second service copied into /app', withFiles('/app/student-service/dist/index.js'), 'only-this-service', 'student-service (/app/student-service/dist/index.js)'],
    ['another service installed as a package', withFiles('/app/node_modules/@kodingcaravan/api-gateway/package.json'), 'only-this-service', 'api-gateway'],
    [
      'another service in the pnpm store',
      withFiles('/app/node_modules/.pnpm/@kodingcaravan+api-gateway@file++++repo+services+api-gateway/node_modules/x'),
      'only-this-service',
      'api-gateway',
    ],
    ['the wrong service in /app', { ...good, appManifest: '{"name":"@kodingcaravan/student-service"}' }, 'only-this-service', 'names "@kodingcaravan/student-service"'],
    ['no /app/package.json', { ...good, appManifest: undefined }, 'only-this-service', '/app/package.json is missing'],
    ['typescript installed', withFiles('/app/node_modules/.pnpm/typescript@7.0.2/node_modules/typescript/package.json'), 'no-dev-dependencies', 'typescript'],
    // The whole image, not only /app: the builder's tree copied elsewhere carries other services and dev tools.
    [
      "another service's folder outside /app (the builder's tree at /repo)",
      withFiles('/repo/services/student-service/dist/index.js'),
      'only-this-service',
      'student-service (/repo/services/student-service/dist/index.js)',
    ],
    [
      'another service installed as a package outside /app',
      withFiles('/srv/node_modules/@kodingcaravan/api-gateway/package.json'),
      'only-this-service',
      'api-gateway (/srv/node_modules/@kodingcaravan/api-gateway/package.json)',
    ],
    [
      'a devDependency outside /app (the workspace root installed at /repo)',
      withFiles('/repo/node_modules/.pnpm/vitest@3.2.0/node_modules/vitest/package.json'),
      'no-dev-dependencies',
      'vitest (/repo/node_modules/.pnpm/vitest@3.2.0/node_modules/vitest/package.json)',
    ],
    ['vitest hoisted', withFiles('/app/node_modules/vitest/package.json'), 'no-dev-dependencies', 'vitest (/app/node_modules/vitest/package.json)'],
    ['scoped devDependency', withFiles('/app/node_modules/@types/node/index.d.ts'), 'no-dev-dependencies', '@types/node'],
    ['pnpm installed globally', withFiles('/usr/local/lib/node_modules/pnpm/package.json', '/usr/local/bin/pnpm'), 'no-pnpm', '/usr/local/bin/pnpm'],
    ['pnpx on PATH', withFiles('/usr/bin/pnpx'), 'no-pnpm', '/usr/bin/pnpx'],
    // The base image's pnpm runs all the same: no-pnpm looks at the whole image.
    ['pnpm in the base image', inBase('/usr/local/bin/pnpm'), 'no-pnpm', '/usr/local/bin/pnpm'],
    ['pnpm in /app', withFiles('/app/node_modules/.pnpm/pnpm@10.34.9/node_modules/pnpm/package.json'), 'no-pnpm', 'pnpm@10.34.9'],
    // The brief's "compiled JavaScript (dist/)": a package whose manifest lost `"files": ["dist"]` ships its sources.
    [
      'the service sources in /app',
      withFiles('/app/src/index.ts', '/app/src/service.ts', '/app/tsconfig.json'),
      'compiled-only',
      '/app/src/index.ts, /app/src/service.ts, /app/tsconfig.json',
    ],
    [
      "a workspace library's sources",
      withFiles('/app/node_modules/.pnpm/@kodingcaravan+shared@file++++repo+packages+shared/node_modules/@kodingcaravan/shared/src/index.mts'),
      'compiled-only',
      '@kodingcaravan/shared/src/index.mts',
    ],
    [
      'a tsconfig of a workspace library',
      withFiles('/app/node_modules/@kodingcaravan/auth/tsconfig.build.json'),
      'compiled-only',
      '/app/node_modules/@kodingcaravan/auth/tsconfig.build.json',
    ],
    ['no revision label', withLabels({ 'org.opencontainers.image.revision': undefined }), 'oci-labels', 'org.opencontainers.image.revision is missing'],
    ['source left at the ARG default', withLabels({ 'org.opencontainers.image.source': 'unknown' }), 'oci-labels', '--build-arg SOURCE'],
    ['wrong title', withLabels({ 'org.opencontainers.image.title': 'student-service' }), 'oci-labels', 'expected "student-auth-service"'],
    ['another revision', withLabels({ 'org.opencontainers.image.revision': '0000000000000000000000000000000000000000' }), 'oci-labels', 'expected "8e21e23a'],
  ];

  test.each(cases)('%s', (_name, evidence, rule, shown) => {
    const failed = checkImage(evidence, expectations).filter((r) => !r.ok);
    expect(failed.map((r) => r.rule)).toEqual([rule]);
    expect(failed[0]?.evidence).toContain(shown);
  });
});

describe('what does not break a rule', () => {
  const { revision: _omitted, ...noRevision } = expectations;
  const cases: [string, ImageEvidence, Expectations][] = [
    ['a numeric non-root USER', withConfig({ user: '1000:1000' }), expectations],
    ['corepack shims off PATH', withFiles('/usr/local/lib/node_modules/corepack/shims/pnpm'), expectations],
    ['a package whose name merely contains a service name', withFiles('/app/node_modules/student-service-client/index.js'), expectations],
    ['no revision expected: any revision is accepted', withLabels({ 'org.opencontainers.image.revision': 'feedbee' }), noRevision],
    ['typescript outside /app in the base image', inBase('/usr/local/lib/node_modules/typescript/package.json'), expectations],
  ];
  test.each(cases)('%s', (_name, evidence, x) => {
    expect(checkImage(evidence, x).filter((r) => !r.ok)).toEqual([]);
  });
});

test.each([
  ['@kodingcaravan+auth@file++++repo+packages+auth', '@kodingcaravan/auth'],
  ['typescript@7.0.2', 'typescript'],
  ['vitest@4.1.12_@types+node@24.19.4_vite@8.3.8', 'vitest'],
  ['@types+node@24.19.4', '@types/node'],
  ['lock.yaml', undefined],
  ['node_modules', undefined],
  ['+x@1.0.0', undefined],
])('pnpm store folder %s is package %s', (folder, name) => {
  expect(pnpmStoreName(folder)).toBe(name);
});

test('installedPackages reads top-level, scoped, nested and pnpm-store packages, only below the directory', () => {
  const names = installedPackages(
    [
      '/app/node_modules/a/package.json',
      '/app/node_modules/@s/b/index.js',
      '/app/node_modules/.pnpm/c@1.0.0/node_modules/c/index.js',
      '/app/node_modules/.pnpm/node_modules/d/index.js',
      '/app/node_modules/.bin/e',
      '/usr/lib/node_modules/f/package.json',
    ],
    '/app',
  );
  expect([...names.keys()].sort()).toEqual(['@s/b', 'a', 'c', 'd']);
});
