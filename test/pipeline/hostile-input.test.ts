/**
 * The hostile-input suite: one table per command that takes outside input (affected, plan, tags,
 * verify-image, check-dockerfiles, generate), on the one CLI harness (test/support/cli.ts: the
 * committed bundle as CI runs it, or in-process where a local registry is handed in). Values: branch
 * and tag names with `$(...)`, backticks, `;`, newlines, quotes and Unicode look-alikes; paths with
 * newlines, spaces, leading dashes and `..`; service names `__proto__`, `constructor`,
 * `../api-gateway`, empty and 300 characters; event payloads that are not JSON, truncated or missing
 * fields; a registry that answers 500 or HTML, or hangs; workspace files that are not JSON or YAML
 * (test/pipeline/bad-workspace.test.ts has the rows for every reader of those).
 * For each: exit 2 with one line, or handled safely; every value that would create a marker file is
 * checked afterwards (none may exist), no partial file, no secret printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { pipelineConfig } from '../../pipeline.config.js';
import { run as runTags } from '../../scripts/commands/tags.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { registryClient } from '../../scripts/io/registry.js';
import type { Plan } from '../../scripts/plan/plan-types.js';
import { git as gitIn, STUB_CLI, TempRepo } from '../plan/repo.js';
import { ROOT, type RunResult, runBundle, runCommand } from '../support/cli.js';
import { type RegistryStandIn, startRegistry } from '../support/oci-registry.js';
import { copyRepo } from '../support/repo-copy.js';

const MARKERS = mkdtempSync(join(tmpdir(), 'hostile-markers-'));
const SECRET = 'ghs_hostileSuiteSecretValue0123456789';
let markerCount = 0;
const marker = () => join(MARKERS, `m${++markerCount}`);

/** Names a shell would run or a reader could confuse: each marker-making one names a fresh marker. */
const NAMES: readonly (readonly [string, string])[] = [
  ['$(...)', `$(touch ${marker()})`],
  ['backticks', `\`touch ${marker()}\``],
  ['a semicolon', `main;touch ${marker()}`],
  ['a newline', `main\ntouch ${marker()}`],
  ['quotes', `ma"in'; touch ${marker()} #`],
  ['a Cyrillic look-alike', 'mаin'],
  ['a right-to-left override', 'main\u202e'],
];
const PATHS: readonly (readonly [string, string])[] = [
  ['a newline', 'dir\nname'],
  ['spaces', 'a folder/with spaces'],
  ['a leading dash', '--leading-dash'],
  ['..', '../../../../../../../etc'],
];
const SERVICES: readonly (readonly [string, string])[] = [
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['../api-gateway', '../api-gateway'],
  ['empty', ''],
  ['300 characters', 'a'.repeat(300)],
];

/** Exit 2 with one line naming the problem (no stack, no internal error), or one of `handled`; never the secret. */
function expectHandled(r: RunResult, handled: readonly number[] = []): void {
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stderr).not.toMatch(/^\s+at |internal error/m);
  if (r.code === 2) {
    expect(r.stderr.split('\n'), r.stderr).toHaveLength(2);
    expect(r.stderr).toMatch(/^error: \S/);
  } else expect(handled, `exit ${r.code}: ${r.stderr}`).toContain(r.code);
}

/** The value arrives as a value, never a flag: `--flag=value` (a leading dash would otherwise be refused as a flag). */
const flag = (name: string, value: string) => `--${name}=${value}`;

let repo: { dir: string; cleanup: () => void };
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8' }).trim();
const commitAll = (message: string) => {
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', message);
};

beforeAll(() => {
  repo = copyRepo(
    (p) => p === 'package.json' || p === 'pnpm-workspace.yaml' || p === 'pnpm-lock.yaml' || p === 'docker-compose.yml' || p.startsWith('services/') || p.startsWith('packages/'),
  );
  git('init', '-q', '-b', 'main');
  commitAll('base');
  commitAll('second');
});
afterAll(() => {
  repo.cleanup();
  // The one proof that nothing ran: no value created its marker, in any command.
  expect(readdirSync(MARKERS)).toEqual([]);
  rmSync(MARKERS, { recursive: true, force: true });
});

const env = { GITHUB_TOKEN: SECRET };

describe('affected', () => {
  test.each(NAMES)('--base with %s: exit 2, one line', (_, value) => {
    const r = runBundle(['affected', flag('base', value), '--head', 'HEAD'], { cwd: repo.dir, env });
    expect(r.code).toBe(2);
    expectHandled(r);
  });
  test.each(NAMES)('--head with %s: exit 2, one line', (_, value) => {
    const r = runBundle(['affected', '--base', 'HEAD~1', flag('head', value)], { cwd: repo.dir, env });
    expect(r.code).toBe(2);
    expectHandled(r);
  });
  test.each(PATHS)('--cwd with %s: exit 2, one line', (_, value) => {
    const r = runBundle(['affected', '--base', 'HEAD~1', '--head', 'HEAD', flag('cwd', value)], { cwd: repo.dir, env });
    expect(r.code).toBe(2);
    expectHandled(r);
  });
  test.each([
    ['not JSON', 'push to main'],
    ['truncated', '{"before": "0000000", "after": '],
    ['missing fields', '{}'],
    ['an array', '[]'],
    ['hostile field values', JSON.stringify({ before: `$(touch ${marker()})`, after: '`id`', ref: 'refs/heads/main\nx' })],
  ])('an event payload that is %s: exit 2, one line', (_, text) => {
    const file = join(MARKERS, '..', `hostile-event-${process.pid}.json`);
    writeFileSync(file, text);
    try {
      const r = runBundle(['affected', '--event', file], { cwd: repo.dir, env: { ...env, GITHUB_EVENT_NAME: 'push' } });
      expect(r.code).toBe(2);
      expectHandled(r);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

test('an event path that is a FIFO (a read would wait forever): exit 2 at once', () => {
  const fifo = join(MARKERS, '..', `hostile-fifo-${process.pid}`);
  execFileSync('mkfifo', [fifo]);
  try {
    const r = runBundle(['affected', '--event', fifo], { cwd: repo.dir, env, timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: event file ${JSON.stringify(fifo)}: not a regular file; pass a GitHub event payload (JSON) with --event FILE\n`);
  } finally {
    rmSync(fifo, { force: true });
  }
});

describe('plan', () => {
  let fixture: TempRepo;
  beforeAll(() => {
    fixture = TempRepo.fromFixture();
    const ci = readFileSync(join(fixture.dir, '.github/workflows/ci.yml'), 'utf8');
    // Dispatch inputs named like Object.prototype's members, read by the executed step's env.
    fixture.commit('prototype inputs', {
      '.github/workflows/ci.yml': ci
        .replace('      dry-run:\n', '      constructor:\n        type: boolean\n      toString:\n        type: string\n      dry-run:\n')
        .replace(
          'PIPELINE_STUB_SELECT: ${{ inputs.service }}',
          'PIPELINE_STUB_SELECT: ${{ inputs.service }}\n          C: ${{ inputs.constructor }}\n          T: ${{ inputs.toString }}',
        ),
    });
  });
  afterAll(() => fixture.remove());
  const plan = (argv: readonly string[]) => runCommand((a, c) => import('../../scripts/commands/plan.js').then((m) => m.run(a, c)), argv, { cwd: fixture.dir, env, cli: STUB_CLI });

  test.each(NAMES)('--head with %s: exit 2, one line', async (_, value) => {
    const r = await plan(['--event', 'push', flag('head', value)]);
    expect(r.code).toBe(2);
    expectHandled(r);
  });
  test.each(NAMES)('--ref with %s: refused or planned as a plain string', async (_, value) => {
    expectHandled(await plan(['--event', 'push', flag('ref', value), '--json']), [0, 1]);
  });
  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('--input %s=x for no such input: exit 2 naming it', async (name) => {
    const r = await plan(['--event', 'workflow_dispatch', '--input', `${name}=x`]);
    if (name === 'constructor' || name === 'toString') {
      // Defined by the workflow: constructor is a boolean, toString a string.
      expectHandled(r, [0, 1]);
      if (name === 'constructor') expect(r.stderr).toBe('error: .github/workflows/ci.yml: input constructor="x" must be true or false\n');
    } else expect(r.stderr).toBe(`error: --input ${name}: no workflow_dispatch workflow defines it; defined inputs: service, constructor, toString, dry-run\n`);
  });
  test('inputs named constructor and toString are ordinary inputs: their defaults, then their values', async () => {
    const step = (p: Plan) => p.workflows.find((w) => w.file === '.github/workflows/ci.yml')?.jobs.find((j) => j.id === 'changes')?.legs[0]?.steps[1]?.env;
    const defaults = await plan(['--event', 'workflow_dispatch', '--json']);
    expect(defaults.stderr).toBe('');
    expect(step(JSON.parse(defaults.stdout))).toMatchObject({ C: 'false', T: '' });
    const given = await plan(['--event', 'workflow_dispatch', '--input', 'constructor=true', '--input', `toString=$(touch ${marker()})`, '--json']);
    expect(step(JSON.parse(given.stdout))).toMatchObject({ C: 'true', T: expect.stringMatching(/^\$\(touch /) });
  });
  test('a branch named like a command substitution is planned, its name never run', async () => {
    const name = 'x$(touch${IFS}m)';
    gitIn(fixture.dir, 'branch', name);
    expectHandled(await plan(['--event', 'pull_request', '--head', name, '--json']), [0, 1]);
    gitIn(fixture.dir, 'branch', '-D', name);
  });
});

describe('tags', () => {
  const base = { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: SECRET };
  const tags = (argv: readonly string[], extra: Readonly<Record<string, string>> = {}) => runBundle(['tags', ...argv], { env: { ...base, ...extra } });

  test.each(SERVICES)('--service %s: exit 2, one line', (_, service) => {
    const r = tags([flag('service', service), '--json']);
    expect(r.code).toBe(2);
    expectHandled(r);
  });
  test.each(NAMES)('a branch with %s: its tags and labels are one line each, nothing run', (_, value) => {
    const r = tags(['--service', 'api-gateway', '--json'], { GITHUB_REF: `refs/heads/${value}` });
    expectHandled(r, [0]);
    if (r.code === 0) {
      const out: { tags: string; labels: string; 'build-args': string } = JSON.parse(r.stdout);
      expect(out.tags.split('\n')).toEqual([`ghcr.io/acme/api-gateway:sha-aaaaaaa`]);
      expect(out.labels.split('\n')).toHaveLength(3);
      expect(out['build-args'].split('\n')).toHaveLength(2);
    }
  });
  test.each([
    [
      'GITHUB_SERVER_URL',
      'https://x\nLABEL=evil',
      'error: GITHUB_SERVER_URL "https://x\\nLABEL=evil": expected an http(s) URL without spaces or control characters, e.g. https://github.com\n',
    ],
    ['GITHUB_SERVER_URL', `https://x/$(touch ${MARKERS}/s)`, /^error: GITHUB_SERVER_URL "https:\/\/x\/\$\(touch .*": expected an http\(s\) URL/],
    ['GITHUB_REPOSITORY_OWNER', 'acme\nLABEL=evil', 'error: GITHUB_REPOSITORY_OWNER "acme\\nLABEL=evil": expected a GitHub account name (letters, digits, -, _, .)\n'],
    ['GITHUB_REPOSITORY', 'acme/shop\nx=y', /^error: GITHUB_REPOSITORY "acme\/shop\\nx=y": expected <owner>\/<repo>\n$/],
    ['GITHUB_SHA', `${'a'.repeat(39)}\n`, /^error: GITHUB_SHA .*: expected a full commit SHA \(40 or 64 lowercase hex characters\)\n$/],
  ])('%s = %j: exit 2, one line, no output line added', (name, value, message) => {
    const r = tags(['--service', 'api-gateway', '--json'], { [name]: value });
    expectHandled(r);
    expect(r.code).toBe(2);
    if (typeof message === 'string') expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
  });

  const record = (file: string) => ['--service', 'api-gateway', '--digest', `sha256:${'a'.repeat(64)}`, '--verified-image-id', `sha256:${'b'.repeat(64)}`, flag('record', file)];
  test.each([
    ['a folder under /proc that cannot exist', '/proc/no-such-folder/deeper/image.json', /is on a kernel file system/],
    ['a file under /proc', '/proc/self/image.json', /is on a kernel file system/],
    ['a path through a file', join(ROOT, 'package.json', 'image.json'), /is not a folder|a part of the path is a file/],
  ])('--record into %s: exit 2 at once, not a hang', (_, file, message) => {
    const started = Date.now();
    const r = runBundle(['tags', ...record(file)], { env: base, timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expectHandled(r);
    expect(r.stderr).toMatch(message);
  });

  describe('a registry that fails', () => {
    let registry: RegistryStandIn;
    let dir = '';
    let config: PipelineConfig;
    beforeAll(async () => {
      registry = await startRegistry({ auth: { username: 'bot', password: SECRET } });
      config = { ...pipelineConfig, registry: { kind: 'custom', host: registry.host, namespace: 'acme', usernameSecret: 'U', passwordSecret: 'P' } };
    });
    afterAll(() => registry.close());
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
      vi.unstubAllEnvs();
    });

    test.each([
      ['500', 'status-500', 3],
      ['HTML', 'html', 3],
      ['nothing (hangs)', 'hang', 4],
    ] as const)('answering %s: exit %i, one line, no record, no secret', async (_, mode, code) => {
      dir = mkdtempSync(join(tmpdir(), 'hostile-registry-'));
      mkdirSync(join(dir, 'docker'));
      writeFileSync(join(dir, 'docker/config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`bot:${SECRET}`).toString('base64') } } }));
      for (const f of ['output', 'summary']) writeFileSync(join(dir, f), '');
      vi.stubEnv('GITHUB_OUTPUT', join(dir, 'output'));
      vi.stubEnv('GITHUB_STEP_SUMMARY', join(dir, 'summary'));
      registry.fail(mode === 'hang' ? 1 : 100, mode);
      const file = join(dir, 'out', 'image.json');
      const r = await runCommand(runTags, record(file), {
        env: { ...base, GITHUB_REPOSITORY: 'acme/kodingcaravan', DOCKER_CONFIG: join(dir, 'docker') },
        config,
        effects: { registry: async () => registryClient(registry.url, { timeoutMs: 500, credentials: async () => ({ kind: 'basic', username: 'bot', password: SECRET }) }) },
      });
      registry.fail(0, mode);
      expect(r.code).toBe(code);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(existsSync(file)).toBe(false);
      expect(readFileSync(join(dir, 'output'), 'utf8')).toBe('');
    });
  });
});

describe('verify-image', () => {
  test.each(SERVICES)('service %s: exit 2, one line, before any engine is asked', (_, service) => {
    const r = runBundle(['verify-image', service === '' ? '--image=x' : service, ...(service === '' ? [] : ['--image', 'ghcr.io/acme/api-gateway:sha-aaaaaaa'])], { env });
    expect(r.code).toBe(2);
    expectHandled(r);
  });
  test.each(NAMES)('--image with %s: exit 2, one line', (_, value) => {
    const r = runBundle(['verify-image', 'api-gateway', flag('image', value)], { env });
    expect(r.code).toBe(2);
    expectHandled(r);
  });
});

describe('check-dockerfiles', () => {
  test.each(PATHS)('--cwd with %s: exit 2, one line', (_, value) => {
    const r = runBundle(['check-dockerfiles', flag('cwd', value)], { cwd: repo.dir, env });
    expect(r.code).toBe(2);
    expectHandled(r);
  });
  test('a Dockerfile with a command substitution and binary garbage: a finding (exit 1) or exit 2, nothing run', () => {
    const file = join(repo.dir, 'services/chat-service/Dockerfile');
    const before = readFileSync(file);
    writeFileSync(file, `FROM node:24-alpine\nRUN $(touch ${marker()})\n\u0000\u0001\uFFFD\nUSER $(touch ${marker()})\n`);
    try {
      expectHandled(runBundle(['check-dockerfiles'], { cwd: repo.dir, env }), [1]);
    } finally {
      writeFileSync(file, before);
    }
  });
});

describe('generate', () => {
  const generate = (check: boolean): RunResult => {
    // tsx by URL: resolved from this repository, not from the copy.
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts/generate-dockerfiles.ts'), ...(check ? ['--check'] : [])], {
      cwd: repo.dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  /** Every generated file's bytes (and the file list under services/), to prove nothing was written. */
  const snapshot = () =>
    Object.fromEntries(
      ['docker-compose.yml', ...readdirSync(join(repo.dir, 'services')).map((d) => `services/${d}/Dockerfile`)].map((f) => {
        const abs = join(repo.dir, f);
        return [f, existsSync(abs) && statSync(abs).isFile() ? readFileSync(abs, 'utf8') : null];
      }),
    );
  const manifestOf = (dir: string) => join(repo.dir, 'services', dir, 'package.json');
  /** `pnpm generate:check` and `pnpm generate` both exit 2 with one line matching `message`, and no generated file changed. */
  function expectRefusedUnchanged(message: RegExp): void {
    const before = snapshot();
    for (const check of [true, false]) {
      const r = generate(check);
      expect(r.code, r.stderr).toBe(2);
      expectHandled(r);
      expect(r.stderr).toMatch(message);
    }
    expect(snapshot()).toEqual(before);
  }

  test.each([
    ['a newline and a RUN instruction', 'evil\nRUN touch x'],
    ['spaces', 'my service'],
    ['$(...)', '$(id)'],
    ['upper case', 'ChatService'],
    ['__proto__', '__proto__'],
    ['a leading dash', '-chat'],
    ['250 characters (a file name holds 255 at most)', 'a'.repeat(250)],
  ])('a service folder with %s: exit 2 naming it, nothing written, and --check does not call it up to date', (_, name) => {
    const from = join(repo.dir, 'services/chat-service');
    const to = join(repo.dir, 'services', name);
    renameSync(from, to);
    try {
      expectRefusedUnchanged(/folder name ".*" cannot be used in generated files; expected lowercase letters and digits/);
    } finally {
      renameSync(to, from);
    }
  });

  test.each([
    ['a package name with $(...)', (m: Record<string, unknown>) => ({ ...m, name: `@kodingcaravan/$(touch ${marker()})` }), /package name ".*" cannot be used in generated files/],
    ['a package name with a newline', (m: Record<string, unknown>) => ({ ...m, name: '@kodingcaravan/chat\nRUN x' }), /package name ".*" cannot be used in generated files/],
    ['a port with a newline', (m: Record<string, unknown>) => ({ ...m, kodingcaravan: { port: '3000\nRUN x' } }), /"kodingcaravan\.port" must be an integer/],
    ['an upstream named __proto__', (m: Record<string, unknown>) => ({ ...m, kodingcaravan: { port: 3000, upstreams: ['__proto__'] } }), /upstream "__proto__" is not a service/],
    [
      'an upstream named constructor',
      (m: Record<string, unknown>) => ({ ...m, kodingcaravan: { port: 3000, upstreams: ['constructor'] } }),
      /upstream "constructor" is not a service/,
    ],
  ])('%s: exit 2 naming it, nothing written', (_, change, message) => {
    const file = manifestOf('chat-service');
    const text = readFileSync(file, 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('manifest is not an object');
    writeFileSync(file, JSON.stringify(change({ ...parsed })));
    try {
      expectRefusedUnchanged(message);
    } finally {
      writeFileSync(file, text);
    }
  });

  test('a service folder named constructor is an ordinary service', () => {
    const dir = join(repo.dir, 'services/constructor');
    cpSync(join(repo.dir, 'services/chat-service'), dir, { recursive: true });
    rmSync(join(dir, 'Dockerfile'));
    const manifest = readFileSync(manifestOf('constructor'), 'utf8');
    writeFileSync(manifestOf('constructor'), manifest.replace('"@kodingcaravan/chat-service"', '"@kodingcaravan/constructor"'));
    try {
      const r = generate(false);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(repo.dir, 'docker-compose.yml'), 'utf8')).toMatch(/^ {2}constructor:\n {4}build:/m);
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('services/constructor');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      git('checkout', '-q', '--', '.');
    }
  });
});
