import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDockerfile } from '../../scripts/core/dockerfiles/parse.js';
import { checkDockerfile, checkRepository, type RuleId, RULES } from '../../scripts/core/dockerfiles/policy.js';
import { copyRepo, REPO_ROOT } from '../support/repo-copy.js';

const GOOD = readFileSync(join(REPO_ROOT, 'services/api-gateway/Dockerfile'), 'utf8');
const EXPECT = {
  file: 'services/api-gateway/Dockerfile',
  serviceDir: 'services/api-gateway',
  dependencyDirs: ['packages/shared', 'packages/auth'],
  headerMarker: 'by scripts/generate-dockerfiles.ts',
};
const check = (text: string) => checkDockerfile(parseDockerfile(text), EXPECT);
const edit = (from: string | RegExp, to: string) => {
  const out = GOOD.replace(from, to);
  if (out === GOOD) throw new Error(`test setup: ${String(from)} not found in the Dockerfile`);
  return out;
};

// One broken Dockerfile per rule: each must be caught by that rule (and only that rule).
const CASES: [RuleId, string][] = [
  ['generated-header', edit(/^# DO NOT EDIT[^\n]*\n/, '')],
  ['node-image-arg', edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE=node:18-alpine')],
  ['node-image-arg', edit('FROM ${NODE_IMAGE} AS runtime', 'FROM node:24-alpine AS runtime')],
  ['four-stages', edit('AS deps', 'AS dependencies').replace('FROM deps AS builder', 'FROM dependencies AS builder')],
  ['pnpm-store-cache', edit('RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetch --frozen-lockfile', 'RUN pnpm fetch --frozen-lockfile')],
  ['builder-scope', edit('COPY packages/auth/ packages/auth/', 'COPY packages/ packages/')],
  ['builder-scope', edit('COPY packages/auth/ packages/auth/', 'COPY packages/auth/ packages/auth/\nCOPY services/chat-service/ services/chat-service/')],
  ['builder-scope', edit('COPY packages/auth/ packages/auth/\n', '')],
  ['builder-scope', edit('COPY packages/auth/ packages/auth/', 'COPY ./ ./')],
  ['pnpm-deploy', edit('deploy --prod', 'deploy')],
  [
    'runtime-from-builder',
    edit('COPY --from=builder /out ./', 'COPY --from=builder /out ./\nCOPY --from=builder /repo/services/ ./all-services/'.replace('--from=builder /repo', '--from=deps /repo')),
  ],
  ['no-package-manager', edit('USER node', 'RUN npm install --omit=dev\nUSER node')],
  ['no-package-manager', edit('USER node', 'RUN ["/usr/local/bin/npm", "i"]\nUSER node')],
  ['no-package-manager', edit('USER node', 'RUN apk add --no-cache build-base\nUSER node')],
  ['runtime-from-builder', edit('COPY --from=builder /out ./', 'COPY --from=builder /repo ./')],
  // Several sources: the deployed folder may not smuggle another one in.
  ['runtime-from-builder', edit('COPY --from=builder /out ./', 'COPY --from=builder /out /repo ./')],
  ['runtime-from-builder', edit('COPY --from=builder /out ./', 'COPY --from=builder /repo /out ./')],
  ['node-env', edit('ENV NODE_ENV=production PORT=3000', 'ENV PORT=3000')],
  ['non-root-user', edit('USER node', 'USER root')],
  ['non-root-user', edit('USER node\n', '')],
  ['healthcheck', edit(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/, '')],
  ['healthcheck', edit(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/, 'HEALTHCHECK NONE\n')],
  ['exec-form-cmd', edit('CMD ["node", "dist/index.js"]', 'CMD node dist/index.js')],
  ['stopsignal', edit('STOPSIGNAL SIGTERM', 'STOPSIGNAL SIGKILL')],
];
const REPOSITORY_CASES: [string[], Record<string, string>, RuleId][] = [
  [['Dockerfile'], {}, 'no-root-dockerfile'],
  [['Dockerfile.prod'], {}, 'no-root-dockerfile'],
  [['scripts/start-service.sh'], {}, 'no-start-service-script'],
  [[], { 'start:service': 'node scripts/start-service.js $SERVICE' }, 'no-start-service-script'],
];
/** The root manifest's scripts, as checkRepository takes every manifest's. */
const root = (scripts: Record<string, string>) => [{ file: 'package.json', scripts }];

describe('check-dockerfiles policy', () => {
  test('the generated Dockerfile passes every rule', () => {
    expect(check(GOOD)).toEqual([]);
  });

  test.each(CASES)('catches a Dockerfile that breaks %s', (rule, text) => {
    const found = check(text);
    expect(found.map((v) => v.rule)).toContain(rule);
    expect(new Set(found.map((v) => v.rule))).toEqual(new Set([rule]));
    for (const v of found) expect(v.line).toBeGreaterThan(0);
  });

  test('names the file and the line of the offending instruction', () => {
    const text = edit('USER node', 'USER root');
    const line = text.split('\n').indexOf('USER root') + 1;
    expect(check(text)).toEqual([{ file: EXPECT.file, line, rule: 'non-root-user', message: 'final USER is root' }]);
  });

  test.each(REPOSITORY_CASES)('repository rule: %j %j -> %s', (files, scripts, rule) => {
    expect(checkRepository(files, root(scripts)).map((v) => v.rule)).toEqual([rule]);
  });

  test('every rule has a failing case above', () => {
    const covered = new Set([...CASES.map(([rule]) => rule), ...REPOSITORY_CASES.map(([, , rule]) => rule)]);
    expect([...covered].sort()).toEqual(Object.keys(RULES).sort());
  });
});

describe('pnpm pipeline check-dockerfiles (the committed bundle)', () => {
  const bundle = join(REPO_ROOT, 'scripts/dist/pipeline.cjs');

  test('passes on the repository', () => {
    expect(execFileSync(process.execPath, [bundle, 'check-dockerfiles'], { cwd: REPO_ROOT, encoding: 'utf8' })).toMatch(/12 Dockerfiles pass 15 rules/);
  });

  test('a violation prints file, line and rule and exits 1', () => {
    const copy = copyRepo((p) => p.startsWith('services/') || p.startsWith('packages/') || ['package.json', 'pnpm-workspace.yaml'].includes(p));
    try {
      const file = join(copy.dir, 'services/booking-service/Dockerfile');
      writeFileSync(file, readFileSync(file, 'utf8').replace('USER node', 'USER 0:0'));
      writeFileSync(join(copy.dir, 'Dockerfile'), 'FROM scratch\n');
      const manifest = join(copy.dir, 'services/chat-service/package.json');
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      writeFileSync(manifest, JSON.stringify({ ...pkg, scripts: { ...pkg.scripts, start: 'node ../../scripts/start-service.mjs chat' } }));
      const res = spawnSync(process.execPath, [bundle, 'check-dockerfiles', '--cwd', copy.dir], { encoding: 'utf8' });
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/^services\/booking-service\/Dockerfile:\d+: \[non-root-user\] final USER is 0/m);
      expect(res.stdout).toMatch(/^Dockerfile:1: \[no-root-dockerfile\]/m);
      expect(res.stdout).toMatch(/^services\/chat-service\/package.json:1: \[no-start-service-script\] script "start" starts a service chosen at run time/m);
    } finally {
      copy.cleanup();
    }
  });

  test('a vendored folder a service depends on (file:) is copied by the generated Dockerfile, which passes; without that COPY it fails', () => {
    const copy = copyRepo(
      (p) => p.startsWith('services/') || p.startsWith('packages/') || ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', 'pipeline.config.ts'].includes(p),
    );
    try {
      mkdirSync(join(copy.dir, 'vendor/pad'), { recursive: true });
      // pad's own file: dependency is installed by pnpm, relative to pad's folder: the image needs it too.
      writeFileSync(join(copy.dir, 'vendor/pad/package.json'), '{"name":"pad","version":"1.0.0","dependencies":{"core":"file:../pad-core"}}\n');
      mkdirSync(join(copy.dir, 'vendor/pad-core'), { recursive: true });
      writeFileSync(join(copy.dir, 'vendor/pad-core/package.json'), '{"name":"pad-core","version":"1.0.0"}\n');
      const manifest = join(copy.dir, 'services/booking-service/package.json');
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      writeFileSync(manifest, JSON.stringify({ ...pkg, dependencies: { ...pkg.dependencies, pad: 'file:../../vendor/pad' } }));
      execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), join(REPO_ROOT, 'scripts/generate-dockerfiles.ts')], { cwd: copy.dir });
      const file = join(copy.dir, 'services/booking-service/Dockerfile');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(
        '\nCOPY packages/shared/ packages/shared/\nCOPY vendor/pad vendor/pad\nCOPY vendor/pad-core vendor/pad-core\nCOPY services/booking-service/ services/booking-service/\n',
      );
      expect(execFileSync(process.execPath, [bundle, 'check-dockerfiles', '--cwd', copy.dir], { encoding: 'utf8' })).toMatch(/12 Dockerfiles pass 15 rules/);
      writeFileSync(file, text.replace('COPY vendor/pad vendor/pad\n', ''));
      const res = spawnSync(process.execPath, [bundle, 'check-dockerfiles', '--cwd', copy.dir], { encoding: 'utf8' });
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/^services\/booking-service\/Dockerfile:\d+: \[builder-scope\] does not copy vendor\/pad\/, which services\/booking-service needs to build/m);
    } finally {
      copy.cleanup();
    }
  });

  test("a library whose manifest is pnpm's package.yaml is read and named by its file; the generator refuses it in an image (one line, exit 2)", () => {
    const copy = copyRepo(
      (p) => p.startsWith('services/') || p.startsWith('packages/') || ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', 'pipeline.config.ts'].includes(p),
    );
    try {
      const file = join(copy.dir, 'packages/shared/package.json');
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      rmSync(file);
      // JSON is YAML: the same fields, as pnpm would read them from package.yaml.
      writeFileSync(join(copy.dir, 'packages/shared/package.yaml'), JSON.stringify({ ...pkg, scripts: { ...pkg.scripts, start: 'node ../../scripts/start-service.mjs shared' } }));
      const res = spawnSync(process.execPath, [bundle, 'check-dockerfiles', '--cwd', copy.dir], { encoding: 'utf8' });
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/^packages\/shared\/package.yaml:1: \[no-start-service-script\] script "start" starts a service chosen at run time/m);
      // Every service depends on packages/shared: the first in folder order is named.
      const gen = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), join(REPO_ROOT, 'scripts/generate-dockerfiles.ts'), '--check'], {
        cwd: copy.dir,
        encoding: 'utf8',
      });
      expect({ status: gen.status, stderr: gen.stderr.trim().split('\n') }).toEqual({
        status: 2,
        stderr: [
          'error: "packages/shared"/package.yaml: "services/admin-service" depends on it, and its image resolves a workspace package through its package.json (Node reads "main" and "exports" from it, tsc its types; pnpm deploy copies package.yaml as it is); convert it to package.json (pnpm reads either)',
        ],
      });
    } finally {
      copy.cleanup();
    }
  });

  test('bad input is one line and exit 2', () => {
    const res = spawnSync(process.execPath, [bundle, 'check-dockerfiles', '--cwd', '/nonexistent-dir'], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^error: --cwd \/nonexistent-dir: no pnpm-workspace.yaml there/);
    const bad = spawnSync(process.execPath, [bundle, 'check-dockerfiles', '--nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: pnpm pipeline check-dockerfiles: unknown option "--nope"; expected: pnpm pipeline check-dockerfiles \[--cwd DIR\]/);
  });
});

// Each violation in full: the line of the offending instruction (or of its stage), the rule, the message.
// Line numbers are those of services/api-gateway/Dockerfile (header line 1, ARG NODE_IMAGE line 8, stages
// FROM at 10, 18, 24 and 40); every edit below keeps the line count unless it says otherwise.
describe('violations, exactly', () => {
  const v = (line: number, rule: RuleId, message: string) => ({ file: EXPECT.file, line, rule, message });
  const SCOPE = '(packages/shared, packages/auth)';
  test.each<[string, string, ReturnType<typeof v>[]]>([
    [
      'a foreign first line',
      edit(/^# DO NOT EDIT[^\n]*/, '# hello'),
      [v(1, 'generated-header', 'first line must be the generated header containing "by scripts/generate-dockerfiles.ts"')],
    ],
    [
      'an old Node',
      edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE=node:18-alpine'),
      [v(8, 'node-image-arg', 'default NODE_IMAGE "node:18-alpine" is not a current Node LTS (node:22, node:24)')],
    ],
    [
      'a Debian-based Node image',
      edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE=node:24-bookworm-slim'),
      [
        v(
          8,
          'node-image-arg',
          'default NODE_IMAGE "node:24-bookworm-slim" is not an Alpine image (node:<LTS>-alpine, e.g. node:24-alpine); a build may pass another with --build-arg NODE_IMAGE',
        ),
      ],
    ],
    [
      'a bare Node tag',
      edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE=node:22'),
      [
        v(
          8,
          'node-image-arg',
          'default NODE_IMAGE "node:22" is not an Alpine image (node:<LTS>-alpine, e.g. node:24-alpine); a build may pass another with --build-arg NODE_IMAGE',
        ),
      ],
    ],
    [
      'an Alpine tag with a digest that is not one',
      edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE=node:24-alpine@sha256:abc'),
      [
        v(
          8,
          'node-image-arg',
          'default NODE_IMAGE "node:24-alpine@sha256:abc" is not an Alpine image (node:<LTS>-alpine, e.g. node:24-alpine); a build may pass another with --build-arg NODE_IMAGE',
        ),
      ],
    ],
    ['an Alpine release and a digest', edit('ARG NODE_IMAGE=node:24-alpine', `ARG NODE_IMAGE=node:22.11.0-alpine3.20@sha256:${'0'.repeat(64)}`), []],
    ['a Node image of a mirror', edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE=mirror.local/library/node:22-alpine'), []],
    [
      'an image that only ends in node',
      edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE=mynode:24'),
      [v(8, 'node-image-arg', 'default NODE_IMAGE "mynode:24" is not a current Node LTS (node:22, node:24)')],
    ],
    ['no default image', edit('ARG NODE_IMAGE=node:24-alpine', 'ARG NODE_IMAGE'), [v(8, 'node-image-arg', 'default NODE_IMAGE "" is not a current Node LTS (node:22, node:24)')]],
    [
      'no NODE_IMAGE argument',
      edit('ARG NODE_IMAGE=node:24-alpine', 'ARG OTHER=node:24-alpine'),
      [v(1, 'node-image-arg', 'missing global `ARG NODE_IMAGE=node:<LTS>-alpine` before the first FROM')],
    ],
    [
      'a runtime on a fixed image',
      edit('FROM ${NODE_IMAGE} AS runtime', 'FROM node:24-alpine AS runtime'),
      [v(40, 'node-image-arg', 'stage runtime builds FROM node:24-alpine; expected FROM ${NODE_IMAGE}')],
    ],
    [
      'a base stage renamed',
      edit('AS base', 'AS basis').replace('FROM base AS deps', 'FROM basis AS deps'),
      [v(10, 'four-stages', 'stages are [basis, deps, builder, runtime]; expected [base, deps, builder, runtime]')],
    ],
    [
      'an unnamed builder',
      edit('FROM deps AS builder', 'FROM deps'),
      [v(10, 'four-stages', 'stages are [base, deps, (unnamed), runtime]; expected [base, deps, builder, runtime]')],
    ],
    [
      'the store filled without a cache mount',
      edit('RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetch', 'RUN pnpm fetch --offline\n# x'),
      [v(18, 'pnpm-store-cache', 'no `RUN --mount=type=cache,... pnpm fetch` in the deps stage')],
    ],
    [
      'a bind mount is not a cache',
      edit('RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetch', 'RUN --mount=type=bind,source=pnpm-lock.yaml,target=/pnpm/store \\\n    pnpm fetch'),
      [v(18, 'pnpm-store-cache', 'no `RUN --mount=type=cache,... pnpm fetch` in the deps stage')],
    ],
    [
      'pnpm install fills the store too',
      edit('RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetch', 'RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm  install'),
      [],
    ],
    [
      'a whole folder of packages',
      edit('COPY packages/auth/ packages/auth/', 'COPY packages/ packages/'),
      [
        v(29, 'builder-scope', `copies packages/, which is neither services/api-gateway nor one of its workspace dependencies ${SCOPE}`),
        v(24, 'builder-scope', 'does not copy packages/auth/, which services/api-gateway needs to build'),
      ],
    ],
    [
      'another service added to a COPY of several sources',
      edit('COPY packages/shared/ packages/shared/', 'COPY packages/shared/ services/chat-service/ ./'),
      [v(28, 'builder-scope', `copies services/chat-service/, which is neither services/api-gateway nor one of its workspace dependencies ${SCOPE}`)],
    ],
    [
      'another service by ADD',
      edit('# This service', 'ADD services/chat-service/ services/chat-service/\n#'),
      [v(26, 'builder-scope', `copies services/chat-service/, which is neither services/api-gateway nor one of its workspace dependencies ${SCOPE}`)],
    ],
    [
      'a COPY from another stage, root files, folders with extra slashes',
      edit('# This service', 'COPY --from=deps /repo/x ./x\nCOPY package.json .npmrc ./\nCOPY services/api-gateway// x//\n#'),
      [],
    ],
    ['deploy --prod anywhere after deploy', edit('deploy --prod --prefer-offline', 'deploy --prefer-offline --prod'), []],
    ['deploy without --prod', edit('deploy --prod', 'deploy'), [v(24, 'pnpm-deploy', 'no `pnpm ... deploy --prod` in the builder stage')]],
    [
      'the runtime copies from deps',
      edit('COPY --from=builder /out ./', 'COPY --from=deps /out ./'),
      [v(44, 'runtime-from-builder', 'COPY /out ./ does not come from the builder stage')],
    ],
    [
      'the runtime adds a download',
      edit('COPY --from=builder /out ./', 'ADD https://example.com/x.tgz ./'),
      [v(44, 'runtime-from-builder', 'ADD https://example.com/x.tgz ./ does not come from the builder stage')],
    ],
    ['the deployed folder with a slash', edit('COPY --from=builder /out ./', 'COPY --from=builder /out// ./'), []],
    [
      'the builder’s sources',
      edit('COPY --from=builder /out ./', 'COPY --from=builder /repo ./'),
      [v(44, 'runtime-from-builder', 'COPY /repo ./ copies more than the deployed folder /out')],
    ],
    ['a package manager in a RUN', edit('EXPOSE 3000', 'RUN npm ci --omit=dev'), [v(46, 'no-package-manager', 'runs a package manager: npm ci --omit=dev')]],
    ['a package manager in exec form', edit('EXPOSE 3000', 'RUN ["/usr/bin/yarn", "x"]'), [v(46, 'no-package-manager', 'runs a package manager: ["/usr/bin/yarn", "x"]')]],
    ['a package manager only named in a label', edit('EXPOSE 3000', 'LABEL note="npm install"'), []],
    ['NODE_ENV only in a label', edit('ENV NODE_ENV=production PORT=3000', 'LABEL NODE_ENV=production'), [v(40, 'node-env', 'NODE_ENV=production is not set')]],
    ['USER root', edit('USER node', 'USER root'), [v(45, 'non-root-user', 'final USER is root')]],
    ['USER 0 with a group', edit('USER node', 'USER 0:0'), [v(45, 'non-root-user', 'final USER is 0')]],
    ['USER node with a group', edit('USER node', 'USER node:node'), []],
    ['no USER', edit('USER node', '# USER'), [v(40, 'non-root-user', 'no USER: the process would run as root')]],
    ['no HEALTHCHECK', edit(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/, '#\n#\n'), [v(40, 'healthcheck', 'no HEALTHCHECK')]],
    ['HEALTHCHECK none', edit(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/, 'HEALTHCHECK none\n#\n'), [v(48, 'healthcheck', 'no HEALTHCHECK')]],
    [
      'a HEALTHCHECK elsewhere',
      edit(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/, 'HEALTHCHECK CMD wget -q http://127.0.0.1:3000/ready\n#\n'),
      [v(48, 'healthcheck', 'the HEALTHCHECK does not call /health')],
    ],
    ['a HEALTHCHECK that only mentions NONE', edit(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/, 'HEALTHCHECK CMD node NONE.js http://127.0.0.1:3000/health\n#\n'), []],
    [
      'CMD in shell form',
      edit('CMD ["node", "dist/index.js"]', 'CMD node dist/index.js'),
      [v(59, 'exec-form-cmd', 'CMD node dist/index.js is not exec form starting with "node"')],
    ],
    ['CMD through npm', edit('CMD ["node", "dist/index.js"]', 'CMD ["npm", "start"]'), [v(59, 'exec-form-cmd', 'CMD ["npm", "start"] is not exec form starting with "node"')]],
    ['no CMD', edit('CMD ["node", "dist/index.js"]', '# CMD'), [v(40, 'exec-form-cmd', 'no CMD')]],
    ['an ENTRYPOINT', edit('# Owned by root', 'ENTRYPOINT ["/sbin/tini", "--"]\n#'), [v(40, 'exec-form-cmd', 'ENTRYPOINT would wrap the CMD; start node directly')]],
    ['STOPSIGNAL SIGKILL', edit('STOPSIGNAL SIGTERM', 'STOPSIGNAL SIGKILL'), [v(47, 'stopsignal', 'STOPSIGNAL SIGKILL')]],
    ['STOPSIGNAL SIGINT', edit('STOPSIGNAL SIGTERM', 'STOPSIGNAL SIGINT'), []],
    ['no STOPSIGNAL', edit('STOPSIGNAL SIGTERM', '# STOPSIGNAL'), [v(40, 'stopsignal', 'no STOPSIGNAL')]],
    ['no stage at all', `${GOOD.split('\n')[0]}\nARG NODE_IMAGE=node:24-alpine\n`, [v(1, 'four-stages', 'stages are []; expected [base, deps, builder, runtime]')]],
  ])('%s', (_, text, expected) => {
    expect(check(text)).toEqual(expected);
  });

  test('a service without workspace dependencies: "none" in the message', () => {
    const found = checkDockerfile(parseDockerfile(GOOD), { ...EXPECT, dependencyDirs: ['packages/shared'] });
    expect(found).toEqual([v(29, 'builder-scope', 'copies packages/auth/, which is neither services/api-gateway nor one of its workspace dependencies (packages/shared)')]);
    const alone = checkDockerfile(parseDockerfile(GOOD), { ...EXPECT, dependencyDirs: [] });
    expect(alone.map((x) => x.message)).toContain('copies packages/shared/, which is neither services/api-gateway nor one of its workspace dependencies (none)');
  });
});

describe('repository rules, exactly', () => {
  const DOCKERFILE = 'a root Dockerfile builds the whole monorepo into one image; delete it';
  const SCRIPT = 'picks a service at run time; each image starts its own service with CMD';
  test.each<[string[], Record<string, string>, { file: string; rule: RuleId; message: string }[]]>([
    [
      ['Containerfile', 'dockerfile.dev'],
      {},
      [
        { file: 'Containerfile', rule: 'no-root-dockerfile', message: DOCKERFILE },
        { file: 'dockerfile.dev', rule: 'no-root-dockerfile', message: DOCKERFILE },
      ],
    ],
    [['services/api/Dockerfile', 'Dockerfile.dockerignore', 'old-Dockerfile', 'Dockerfile/x'], {}, []],
    [
      ['docs/start-service.md', 'start-service'],
      {},
      [
        { file: 'docs/start-service.md', rule: 'no-start-service-script', message: SCRIPT },
        { file: 'start-service', rule: 'no-start-service-script', message: SCRIPT },
      ],
    ],
    [['test/start-service.sh', 'scripts/my-start-service.sh', 'start-service/run.sh'], {}, []],
    [
      [],
      { start: 'node dist/index.js', 'start-service': 'node x' },
      [{ file: 'package.json', rule: 'no-start-service-script', message: 'script "start-service" starts a service chosen at run time' }],
    ],
    [[], { dev: 'bash scripts/start-service.sh' }, [{ file: 'package.json', rule: 'no-start-service-script', message: 'script "dev" starts a service chosen at run time' }]],
  ])('%j %j', (files, scripts, expected) => {
    expect(checkRepository(files, root(scripts))).toEqual(expected.map((x) => ({ ...x, line: 1 })));
  });

  test("a workspace package's own scripts too: a service started through a start-service script", () => {
    const manifests = [
      { file: 'package.json', scripts: { build: 'pnpm -r build' } },
      { file: 'services/api/package.json', scripts: { start: 'node ../../scripts/start-service.mjs $SERVICE', test: 'vitest run' } },
      { file: 'packages/shared/package.json', scripts: { build: 'tsc' } },
    ];
    expect(checkRepository([], manifests)).toEqual([
      { file: 'services/api/package.json', line: 1, rule: 'no-start-service-script', message: 'script "start" starts a service chosen at run time' },
    ]);
  });
});

describe('parseDockerfile: the model the rules read', () => {
  const only = (text: string) => {
    const stage = parseDockerfile(`FROM x AS s\n${text}\n`).stages[0];
    return stage?.instructions[0];
  };
  test.each<[string, object]>([
    ['RUN echo hi', { keyword: 'RUN', line: 2, flags: {}, args: ['echo', 'hi'], execForm: false, text: 'echo hi' }],
    [
      'run --MOUNT=type=cache,target=/a --mount=type=bind,target=/b --network=none echo hi',
      { keyword: 'RUN', flags: { mount: ['type=cache,target=/a', 'type=bind,target=/b'], network: ['none'] }, args: ['echo', 'hi'], execForm: false, text: 'echo hi' },
    ],
    ['COPY --from=builder --chown=1000:1000 /out ./', { keyword: 'COPY', flags: { from: ['builder'], chown: ['1000:1000'] }, args: ['/out', './'], text: '/out ./' }],
    ['CMD ["node", "dist/index.js"]', { keyword: 'CMD', args: ['node', 'dist/index.js'], execForm: true, text: '["node", "dist/index.js"]' }],
    ['CMD   ["node"]', { args: ['node'], execForm: true, text: '["node"]' }],
    ['CMD ["node", 1]', { execForm: false, text: '["node", 1]' }],
    ['CMD [not json', { execForm: false, args: ['[not', 'json'], text: '[not json' }],
    ['CMD node --port 3 x', { execForm: false, args: ['node', '3', 'x'], text: 'node --port 3 x' }],
    ['CMD ["node", "--inspect"]', { execForm: true, args: ['node', '--inspect'] }],
    ['HEALTHCHECK --interval=5s CMD ["x"]', { keyword: 'HEALTHCHECK', flags: { interval: ['5s'] }, text: 'CMD ["x"]' }],
  ])('%j', (text, model) => {
    expect(only(text)).toMatchObject(model);
  });

  test('stages, their names (AS in any case) and images; global ARGs only before the first FROM', () => {
    const parsed = parseDockerfile('# first\nARG A=1\nLABEL ignored=1\nARG B\nFROM img:1 as one\nARG C\nFROM one\nFROM --platform=linux/amd64 img:2 AS two\nRUN x\n');
    expect(parsed.firstLine).toBe('# first');
    expect(parsed.globalArgs.map((a) => a.args)).toEqual([['A=1'], ['B']]);
    expect(parsed.stages.map((s) => [s.name, s.image, s.line, s.instructions.map((i) => i.keyword)])).toEqual([
      ['one', 'img:1', 5, ['ARG']],
      [undefined, 'one', 7, []],
      ['two', 'img:2', 8, ['RUN']],
    ]);
  });

  test('an empty file', () => {
    expect(parseDockerfile('')).toEqual({ globalArgs: [], stages: [], firstLine: '' });
  });
});
