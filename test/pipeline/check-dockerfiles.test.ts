import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
    expect(checkRepository(files, scripts).map((v) => v.rule)).toEqual([rule]);
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
      const res = spawnSync(process.execPath, [bundle, 'check-dockerfiles', '--cwd', copy.dir], { encoding: 'utf8' });
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/^services\/booking-service\/Dockerfile:\d+: \[non-root-user\] final USER is 0/m);
      expect(res.stdout).toMatch(/^Dockerfile:1: \[no-root-dockerfile\]/m);
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
    expect(bad.stderr).toMatch(/^error: pipeline check-dockerfiles: Unknown option '--nope'/);
  });
});
