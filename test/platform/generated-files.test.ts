import { readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { pipelineConfig } from '../../pipeline.config.js';
import { pnpmVersionOf } from '../../scripts/core/dockerfiles/generate.js';
import { afterEach, describe, expect, test } from 'vitest';
import { check, render } from '../../scripts/generate-dockerfiles.js';
import { loadWorkspace } from '../../scripts/io/workspace-fs.js';
import { copyRepo, REPO_ROOT } from '../support/repo-copy.js';

const SERVICES = [
  'api-gateway',
  'student-auth-service',
  'trainer-auth-service',
  'student-service',
  'trainer-service',
  'course-service',
  'notification-service',
  'payment-service',
  'chat-service',
  'analytics-service',
  'admin-service',
  'booking-service',
];
// The services that sign or check bearer tokens (admin-service checks the gateway's signed identity, as every service does).
const AUTH_USERS = ['api-gateway', 'student-auth-service', 'trainer-auth-service'];

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
const scratch = () => {
  const copy = copyRepo((p) => !p.startsWith('bench/'));
  cleanups.push(copy.cleanup);
  return copy.dir;
};

describe('the workspace', () => {
  test('has exactly the 12 services of the brief, each with its own port, depending on libraries only', async () => {
    const ws = await loadWorkspace(REPO_ROOT, { serviceGlobs: ['services/*'] });
    expect(ws.services.map((s) => s.folder).sort()).toEqual([...SERVICES].sort());
    const ports = ws.services.map((s) => s.manifest.service.port);
    expect(new Set(ports).size).toBe(12);
    for (const s of ws.services) {
      expect(s.name).toBe(`@kodingcaravan/${s.folder}`);
      expect(s.workspaceDeps).toContain('@kodingcaravan/shared');
      for (const dep of s.workspaceDeps) expect(ws.get(dep).isService, `${s.folder} depends on service ${dep}`).toBe(false);
      expect(s.workspaceDeps.includes('@kodingcaravan/auth')).toBe(AUTH_USERS.includes(s.folder));
    }
  });
});

describe('generated Dockerfiles and compose file', () => {
  test('the committed files are up to date', async () => {
    expect(await check(REPO_ROOT)).toEqual([]);
  });

  test('a template change makes every Dockerfile stale; a hand edit makes one stale', async () => {
    const dir = scratch();
    const template = join(dir, 'services/Dockerfile.template');
    writeFileSync(template, readFileSync(template, 'utf8').replace('WORKDIR /app', 'WORKDIR /srv'));
    expect((await check(dir)).map((d) => `${d.kind} ${d.path}`).sort()).toEqual(SERVICES.map((s) => `stale services/${s}/Dockerfile`).sort());

    const dir2 = scratch();
    writeFileSync(join(dir2, 'services/chat-service/Dockerfile'), `${readFileSync(join(dir2, 'services/chat-service/Dockerfile'), 'utf8')}\nUSER root\n`);
    expect(await check(dir2)).toEqual([{ kind: 'stale', path: 'services/chat-service/Dockerfile' }]);
  });

  test('a 13th service is a folder with a package.json: check reports its Dockerfile missing and compose stale', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'services/quiz-service'));
    writeFileSync(
      join(dir, 'services/quiz-service/package.json'),
      JSON.stringify({ name: '@kodingcaravan/quiz-service', kodingcaravan: { port: 3012 }, dependencies: { '@kodingcaravan/shared': 'workspace:*' } }),
    );
    expect((await check(dir)).map((d) => `${d.kind} ${d.path}`).sort()).toEqual(['missing services/quiz-service/Dockerfile', 'stale docker-compose.yml']);
    const quiz = (await render(dir)).get('services/quiz-service/Dockerfile') ?? '';
    expect(quiz).toContain('COPY packages/shared/ packages/shared/');
    expect(quiz).not.toContain('packages/auth');
    expect(quiz).toContain('pnpm --filter "@kodingcaravan/quiz-service" deploy --prod');
  });

  test('a generated Dockerfile left behind by a removed service is reported as extra', async () => {
    const dir = scratch();
    rmSync(join(dir, 'services/chat-service/package.json'));
    const gatewayManifest = join(dir, 'services/api-gateway/package.json');
    writeFileSync(gatewayManifest, readFileSync(gatewayManifest, 'utf8').replace('"chat-service",', ''));
    expect((await check(dir)).map((d) => `${d.kind} ${d.path}`)).toContain('extra services/chat-service/Dockerfile');
  });

  test.each(SERVICES)('%s: the builder copies exactly its workspace dependency closure', (service) => {
    const text = readFileSync(join(REPO_ROOT, 'services', service, 'Dockerfile'), 'utf8');
    const copied = [...text.matchAll(/^COPY (packages|services)\/([^/]+)\//gm)].map((m) => `${m[1]}/${m[2]}`).sort();
    const want = ['packages/shared', `services/${service}`, ...(AUTH_USERS.includes(service) ? ['packages/auth'] : [])].sort();
    expect(copied).toEqual(want);
    expect(text.split('\n')[0]).toMatch(/^# DO NOT EDIT: generated from services\/Dockerfile.template by scripts\/generate-dockerfiles.ts/);
  });

  test('compose: every service built from its own Dockerfile at the repo root; the gateway waits for the others to be healthy', () => {
    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Record<string, unknown>> };
    expect(Object.keys(compose.services).sort()).toEqual([...SERVICES].sort());
    for (const name of SERVICES) {
      const svc = compose.services[name] ?? {};
      expect(svc['build']).toMatchObject({ context: '.', dockerfile: `services/${name}/Dockerfile` });
      expect(svc['healthcheck']).toMatchObject({ test: expect.arrayContaining(['CMD', 'node']) });
      expect(Object.keys((svc['environment'] as Record<string, string>) ?? {})).toEqual(expect.arrayContaining(['AUTH_SECRET', 'SHUTDOWN_TIMEOUT_MS', 'SHUTDOWN_DELAY_MS']));
    }
    const gateway = compose.services['api-gateway'] ?? {};
    const dependsOn = gateway['depends_on'] as Record<string, { condition: string }>;
    expect(Object.keys(dependsOn).sort()).toEqual(SERVICES.filter((s) => s !== 'api-gateway').sort());
    expect(Object.values(dependsOn).every((d) => d.condition === 'service_healthy')).toBe(true);
    const upstreams = (gateway['environment'] as Record<string, string>)['UPSTREAMS'] ?? '';
    expect(upstreams.split(',')).toContain('booking-service=http://booking-service:3011');
    expect(existsSync(join(REPO_ROOT, 'Dockerfile'))).toBe(false);
  });
});

describe('one source for each version and input', () => {
  const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string };

  test.each([
    ['pnpm@10.34.9', '10.34.9'],
    ['pnpm@10.34.9+sha512.abc', '10.34.9'],
  ])('pnpmVersionOf(%s)', (packageManager, version) => {
    expect(pnpmVersionOf(packageManager)).toBe(version);
  });

  test.each([undefined, 'npm@11.0.0', 'pnpm@10', 'pnpm@latest'])('pnpmVersionOf(%j) is an error naming the field', (packageManager) => {
    expect(() => pnpmVersionOf(packageManager)).toThrow(/^package.json: "packageManager" is .*; expected "pnpm@<major.minor.patch>"/);
  });

  test('the Dockerfiles, the Quick start and .ci/run use the pnpm of packageManager', () => {
    const version = pnpmVersionOf(rootManifest.packageManager);
    expect(readFileSync(join(REPO_ROOT, 'services/api-gateway/Dockerfile'), 'utf8')).toContain(`ARG PNPM_VERSION=${version}`);
    for (const file of ['README.md', '.ci/run']) {
      const pinned = [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/pnpm@(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
      expect(pinned.length, file).toBeGreaterThan(0);
      expect(new Set(pinned), file).toEqual(new Set([version]));
    }
  });

  test('every root file a package script reaches (../../x) is a global input of change detection', async () => {
    const ws = await loadWorkspace(REPO_ROOT, { serviceGlobs: ['services/*'] });
    const reached = new Set(
      [...ws.packages.values()].flatMap((p) => Object.values(p.manifest.scripts).flatMap((cmd) => [...cmd.matchAll(/\.\.\/\.\.\/([\w.*-]+)/g)].map((m) => m[1]))),
    );
    expect(reached.size).toBeGreaterThan(0);
    for (const file of reached) expect(pipelineConfig.affected.globalInputs, file).toContain(file);
  });
});

test('`pnpm generate` removes a generated Dockerfile whose service is gone', async () => {
  const copy = copyRepo((p) => !p.startsWith('bench/'));
  try {
    rmSync(join(copy.dir, 'services/chat-service/package.json'));
    const gatewayManifest = join(copy.dir, 'services/api-gateway/package.json');
    writeFileSync(gatewayManifest, readFileSync(gatewayManifest, 'utf8').replace('"chat-service",', ''));
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), join(REPO_ROOT, 'scripts/generate-dockerfiles.ts')], { cwd: copy.dir });
    expect(existsSync(join(copy.dir, 'services/chat-service/Dockerfile'))).toBe(false);
    expect(await check(copy.dir)).toEqual([]);
  } finally {
    copy.cleanup();
  }
});
