/**
 * Reading the engine's answers into evidence: image and container inspect JSON (samples taken from a
 * real Docker 26 engine with the containerd image store), `docker top`, export listings, the health
 * wait, BuildKit's plain progress, the compose environment and the registry's tag list.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { parseBuildProgress, summarizeSteps } from '../../scripts/core/verify/build-steps.js';
import { composeEnvironment, interpolate } from '../../scripts/core/verify/compose-env.js';
import {
  type ContainerState,
  classifyContainer,
  EngineOutputError,
  normalizeTarPaths,
  parseContainerInspect,
  parseImageInspect,
  parseProcessList,
  PROCESS_LIST_SCRIPT,
} from '../../scripts/core/verify/evidence.js';
import { forbiddenDevDependencies } from '../../scripts/core/verify/expectations.js';
import type { Manifest } from '../../scripts/core/workspace/manifest.js';
import { isTagList } from '../../scripts/io/registry.js';

const IMAGE_INSPECT = [
  {
    Id: 'sha256:fb7e9f07b66b62cd225227bf78d2c8f4070c699118a26cbfffde0480035b9b84',
    RepoTags: ['127.0.0.1:5000/student-auth-service:manual'],
    Config: {
      User: 'node',
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production', 'PORT=3001'],
      Cmd: ['node', 'dist/index.js'],
      Healthcheck: { Test: ['CMD', 'node', '-e', "require('http').get('http://127.0.0.1:3001/health')"], Interval: 10000000000, Retries: 3 },
      WorkingDir: '/app',
      Entrypoint: null,
      Labels: { 'org.opencontainers.image.title': 'student-auth-service', 'org.opencontainers.image.revision': 'abc' },
    },
    Size: 70060853,
    RootFS: {
      Type: 'layers',
      Layers: [
        'sha256:4247b6d19b691fe9005012d314329e9e2df968b734e14fc824862497f4c72e68',
        'sha256:7625563e37566150f6cb0cb99a55540e2b5d6d3d5f492c58303183171bb775e8',
        'sha256:5a8577e81a17ba736834dfad81c50f75b8ec34619532783c301098a78d6e03c1',
      ],
    },
  },
];

describe('docker image inspect', () => {
  test('reads user, labels, health check, layers and size', () => {
    const c = parseImageInspect(IMAGE_INSPECT);
    expect(c.id).toBe('sha256:fb7e9f07b66b62cd225227bf78d2c8f4070c699118a26cbfffde0480035b9b84');
    expect(c.user).toBe('node');
    expect(c.labels['org.opencontainers.image.title']).toBe('student-auth-service');
    expect(c.healthcheck?.[0]).toBe('CMD');
    expect(c.layers).toHaveLength(3);
    expect(c.size).toBe(70060853);
  });

  test.each([
    ['no Healthcheck key', undefined],
    ['HEALTHCHECK NONE', { Test: ['NONE'] }],
    ['an empty test', { Test: [] }],
  ])('%s means no health check', (_name, healthcheck) => {
    const [img] = IMAGE_INSPECT;
    const json = [{ ...img, Config: { ...img?.Config, Healthcheck: healthcheck } }];
    expect(parseImageInspect(json).healthcheck).toBeUndefined();
  });

  test('an image without USER, Labels or Env (null) reads as empty values', () => {
    const [img] = IMAGE_INSPECT;
    const c = parseImageInspect([{ ...img, Config: { Cmd: ['node'], Labels: null, Env: null } }]);
    expect([c.user, c.labels, c.env]).toEqual(['', {}, []]);
  });

  test.each([
    ['not an object', 'nope'],
    ['no Id', [{ Config: {}, Size: 1 }]],
    ['labels not strings', [{ Id: 'sha256:1', Size: 1, Config: { Labels: { a: 1 } } }]],
  ])('rejects %s', (_name, json) => {
    expect(() => parseImageInspect(json)).toThrow(EngineOutputError);
  });
});

test.each([
  [
    'a healthy container',
    { State: { Status: 'running', ExitCode: 0, Health: { Status: 'healthy', Log: [{ ExitCode: 0, Output: '' }] } } },
    { status: 'running', exitCode: 0, health: { status: 'healthy', lastOutput: '' } },
  ],
  [
    'the last probe output is kept',
    { State: { Status: 'running', ExitCode: 0, Health: { Status: 'unhealthy', Log: [{ Output: 'first' }, { Output: 'ECONNREFUSED' }] } } },
    { status: 'running', exitCode: 0, health: { status: 'unhealthy', lastOutput: 'ECONNREFUSED' } },
  ],
  ['no health check', [{ State: { Status: 'exited', ExitCode: 1 } }], { status: 'exited', exitCode: 1, health: undefined }],
])('docker container inspect: %s', (_name, json, state) => {
  expect(parseContainerInspect(json)).toEqual(state);
});

describe('classifyContainer (one step of the health wait)', () => {
  const running = (health?: string): ContainerState => ({
    status: 'running',
    exitCode: 0,
    health: health === undefined ? undefined : { status: health, lastOutput: 'probe said no' },
  });
  test.each([
    ['starting, in time', running('starting'), 5, 'pending'],
    ['starting, deadline passed', running('starting'), 90, { kind: 'timeout', status: 'starting', seconds: 90 }],
    ['healthy', running('healthy'), 1, { kind: 'healthy' }],
    ['unhealthy', running('unhealthy'), 1, { kind: 'unhealthy', probeOutput: 'probe said no' }],
    ['no health check', running(), 1, { kind: 'no-healthcheck' }],
    ['exited, even with a health check', { status: 'exited', exitCode: 3, health: { status: 'starting', lastOutput: '' } }, 1, { kind: 'exited', exitCode: 3 }],
  ] as const)('%s', (_name, state, elapsed, expected) => {
    expect(classifyContainer(state, elapsed, 90)).toEqual(expected);
  });
});

test('the process list script, run by this node: its own process left out, every field read', () => {
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      `setTimeout(() => {}, 5000); require('child_process').execFileSync(process.execPath, ['-e', ${JSON.stringify(PROCESS_LIST_SCRIPT)}], { stdio: ['ignore', 'inherit', 'inherit'] }); process.exit(0)`,
    ],
    { encoding: 'utf8' },
  );
  const list = parseProcessList(child.stdout);
  // The parent node is listed with its command line; the script's own node is not.
  const parent = list.find((p) => p.command.includes('setTimeout'));
  expect(parent?.uid).toBe(process.getuid?.());
  // Each argument as it was given, the one with spaces and quotes in one piece.
  expect(parent?.args.slice(0, 2)).toEqual([process.execPath, '-e']);
  expect(parent?.args[2]).toMatch(/^setTimeout\(\(\) => \{\}, 5000\); require\('child_process'\)/);
  expect(parent?.args).toHaveLength(3);
  expect(list.filter((p) => p.command.startsWith(`${process.execPath} -e const fs`))).toEqual([]);
});

test('tar listings of an export become absolute paths, folders without their slash, each once', () => {
  expect(normalizeTarPaths('./\n.dockerenv\napp/\napp/dist/index.js\n./app/dist/index.js\nusr/local/bin/node\n')).toEqual([
    '/.dockerenv',
    '/app',
    '/app/dist/index.js',
    '/usr/local/bin/node',
  ]);
});

describe('BuildKit plain progress', () => {
  // Taken from a real rebuild of student-service after its source changed (trimmed).
  const progress = `#0 building with "default" instance using docker driver
#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#5 [base 1/3] FROM localhost/node:20-bookworm@sha256:e1d583108963eac90b4a09c5554102ed108670a1915d8817aba434e694a5fcd4
#5 resolve localhost/node:20-bookworm@sha256:e1d5 0.0s done
#5 DONE 0.0s
#7 [base 2/3] RUN --mount=type=cache,id=npm,target=/root/.npm     npm install -g pnpm@10.34.9
#7 CACHED
#12 [builder 2/6] COPY packages/shared/ packages/shared/
#12 CACHED
#13 [builder 3/6] COPY services/student-service/ services/student-service/
#13 DONE 0.0s
#14 [builder 4/6] RUN pnpm install --frozen-lockfile --prefer-offline --filter "@kodingcaravan/student-service..."
#14 1.030 Progress: resolved 2, reused 2, downloaded 0, added 2, done
#14 DONE 1.4s
#17 [runtime 2/3] WORKDIR /app
#17 CACHED
#18 [runtime 3/3] COPY --from=builder /out ./
#18 ERROR: failed to compute cache key
#19 [2/2] RUN true
#19 CACHED
#20 exporting to image
#20 DONE 0.1s
`;

  test('each Dockerfile step once, FROM and internal vertices left out', () => {
    expect(parseBuildProgress(progress).map((s) => [s.stage, s.position, s.status])).toEqual([
      ['base', '2/3', 'cached'],
      ['builder', '2/6', 'cached'],
      ['builder', '3/6', 'executed'],
      ['builder', '4/6', 'executed'],
      ['runtime', '2/3', 'cached'],
      ['runtime', '3/3', 'error'],
      ['', '2/2', 'cached'],
    ]);
  });

  test('the summary counts cached and executed steps and names the executed ones', () => {
    const s = summarizeSteps(parseBuildProgress(progress));
    expect([s.cached, s.executed]).toEqual([4, 2]);
    expect(s.executedSteps[0]).toBe('[builder 3/6] COPY services/student-service/ services/student-service/');
  });

  test('a step whose header repeats (interleaved output) is counted once', () => {
    const twice = '#6 [base 2/3] RUN npm i\n#7 [runtime 2/3] WORKDIR /app\n#7 DONE 0.2s\n#6 [base 2/3] RUN npm i\n#6 DONE 2.1s\n';
    expect(summarizeSteps(parseBuildProgress(twice))).toMatchObject({ cached: 0, executed: 2 });
  });
});

describe('compose environment', () => {
  test.each([
    ['${LOG_LEVEL:-info}', {}, 'info'],
    ['${LOG_LEVEL:-info}', { LOG_LEVEL: '' }, 'info'],
    ['${LOG_LEVEL-info}', { LOG_LEVEL: '' }, ''],
    ['${LOG_LEVEL:-info}', { LOG_LEVEL: 'debug' }, 'debug'],
    ['a=$A,b=${B}', { A: '1' }, 'a=1,b='],
    ['cost: $$5', {}, 'cost: $5'],
    ['http://student-auth-service:3001', {}, 'http://student-auth-service:3001'],
    ['${SECRET:?set it}', { SECRET: 's3' }, 's3'],
    ['${SECRET?set it}', { SECRET: '' }, ''],
  ])('%s with %j is %s', (text, vars, out) => {
    expect(interpolate(text, vars)).toBe(out);
  });

  test.each([
    ['${SECRET:?set SECRET first}', {}],
    ['${SECRET:?set SECRET first}', { SECRET: '' }],
    ['${SECRET?set SECRET first}', {}],
  ])('required %s with %j: an error naming the variable, or the value the caller chooses', (text, vars) => {
    expect(() => interpolate(text, vars)).toThrow('compose variable SECRET is required: set SECRET first');
    expect(interpolate(text, vars, (name) => `generated-for-${name}`)).toBe('generated-for-SECRET');
  });

  const compose = `name: kc
services:
  api-gateway:
    environment:
      PORT: "3000"
      LOG_LEVEL: \${LOG_LEVEL:-info}
      AUTH_SECRET: \${AUTH_SECRET:-local-development-secret-change-me}
      EMPTY:
  listed:
    environment:
      - PORT=3001
      - FLAG=\${FLAG:-on}
  bare: {}
`;
  test.each([
    ['api-gateway', { PORT: '3000', LOG_LEVEL: 'info', AUTH_SECRET: 'local-development-secret-change-me' }],
    ['listed', { PORT: '3001', FLAG: 'on' }],
    ['bare', {}],
    ['absent', {}],
  ])('service %s', (service, env) => {
    expect(composeEnvironment('docker-compose.yml', compose, service)).toEqual(env);
  });

  test('a file that is not YAML is bad input naming the file', () => {
    expect(() => composeEnvironment('docker-compose.yml', 'a: [', 'x')).toThrow(/docker-compose.yml: not valid YAML/);
  });
});

const manifest = (name: string, deps: Partial<Record<'dependencies' | 'devDependencies' | 'optionalDependencies', Record<string, string>>>): Manifest => ({
  name,
  scripts: {},
  dependencies: { dependencies: {}, devDependencies: {}, optionalDependencies: {}, peerDependencies: {}, ...deps },
  service: {},
});

test('forbidden devDependencies: the union over root, service and libraries, minus production needs', () => {
  const forbidden = forbiddenDevDependencies([
    manifest('root', { devDependencies: { vitest: '4', tsx: '4', yaml: '2' } }),
    manifest('@kc/svc', { devDependencies: { typescript: '7', '@types/node': '24' }, dependencies: { '@kc/shared': 'workspace:*' } }),
    manifest('@kc/shared', { devDependencies: { typescript: '7' }, dependencies: { yaml: '2' } }),
  ]);
  expect(forbidden).toEqual(['@types/node', 'tsx', 'typescript', 'vitest']);
});

test.each([
  [{ name: 'svc', tags: ['sha-1234567', 'main'] }, true],
  [{ name: 'svc', tags: null }, true],
  [{ name: 'svc', tags: [1] }, false],
  [{ tags: [] }, false],
  [null, false],
])('registry tag list %j is valid: %s', (json, ok) => {
  expect(isTagList(json)).toBe(ok);
});
