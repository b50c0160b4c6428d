// The docker CLI adapter (scripts/io/container-engine.ts) without an engine: a stand-in `docker`
// executable answers each command with what a real engine printed (recorded here as literal strings)
// and logs the arguments it was given. What is checked is the adapter's half: the command lines it
// runs and how it reads the answers, failures included. The real engine is the e2e suite's.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { dockerEngine, EngineError } from '../../scripts/io/container-engine.js';
import { rejectionMessage } from '../support/rejection.js';

interface Answer {
  /** The arguments, `*` for any one argument. */
  readonly args: readonly string[];
  readonly stdout?: string;
  /** Binary output (a tar stream), base64. */
  readonly stdoutBase64?: string;
  readonly stderr?: string;
  readonly code?: number;
  /** Writes `content` to the file named by the argument after this flag (`--iidfile <file>`). */
  readonly writeAfter?: { readonly flag: string; readonly content: string };
  /** Prints this environment variable's value. */
  readonly printEnv?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
const ANSWERS = join(dir, 'answers.json');
const LOG = join(dir, 'calls.log');
const BIN = join(dir, 'docker');
writeFileSync(
  BIN,
  `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(LOG)}, JSON.stringify(args) + '\\n');
const answers = JSON.parse(fs.readFileSync(${JSON.stringify(ANSWERS)}, 'utf8'));
const a = answers.find((x) => x.args.length === args.length && x.args.every((p, i) => p === '*' || p === args[i]));
if (!a) { process.stderr.write('fake docker: no answer for ' + JSON.stringify(args) + '\\n'); process.exit(99); }
if (a.writeAfter) fs.writeFileSync(args[args.indexOf(a.writeAfter.flag) + 1], a.writeAfter.content);
if (a.stdoutBase64) process.stdout.write(Buffer.from(a.stdoutBase64, 'base64'));
if (a.stdout) process.stdout.write(a.stdout);
if (a.printEnv) process.stdout.write(process.env[a.printEnv] ?? '(unset)');
if (a.stderr) process.stderr.write(a.stderr);
process.exitCode = a.code ?? 0;
`,
);
chmodSync(BIN, 0o755);

function answer(...list: Answer[]): void {
  writeFileSync(ANSWERS, JSON.stringify(list));
}
function calls(): string[][] {
  const out: string[][] = [];
  for (const line of readFileSync(LOG, 'utf8').split('\n')) {
    if (line === '') continue;
    const parsed: unknown = JSON.parse(line);
    if (Array.isArray(parsed)) out.push(parsed.map(String));
  }
  return out;
}

/**
 * A tar stream of these files: the whole tree from `./` with its folders (what a layer holds), or only
 * the files named (what `docker container cp <id>:<file> -` writes); gzip-compressed when asked (a layer
 * as the containerd image store keeps it). `binary` values are base64 (a layer inside a saved image).
 */
function tarOf(files: Record<string, string>, tree = false, compression: 'none' | 'gzip' = 'none', binary = false): string {
  const root = mkdtempSync(join(tmpdir(), 'fake-docker-tar-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), binary && path.startsWith('blobs/') ? Buffer.from(text, 'base64') : text);
    }
    return execFileSync('tar', ['-c', ...(compression === 'gzip' ? ['-z'] : []), '-C', root, ...(tree ? ['.'] : Object.keys(files))]).toString('base64');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

beforeEach(() => {
  writeFileSync(LOG, '');
  answer();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const engine = dockerEngine(BIN);
const engineError = (promise: Promise<unknown>) => rejectionMessage(promise, EngineError);

const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';

// `docker image inspect` of an image built from a service Dockerfile (trimmed to the fields read).
const IMAGE_INSPECT = `[
    {
        "Id": "sha256:5b1d3c6a0e2f4d8b9c7a1e3f5d7b9a2c4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b",
        "RepoTags": ["ghcr.io/acme/api:sha-1a2b3c4"],
        "Config": {
            "User": "node",
            "Env": ["PATH=/usr/local/bin:/usr/bin", "NODE_ENV=production"],
            "Entrypoint": null,
            "Cmd": ["node", "dist/index.js"],
            "Healthcheck": {"Test": ["CMD", "node", "-e", "fetch('http://127.0.0.1:3000/health')"], "Interval": 10000000000},
            "WorkingDir": "/app",
            "Labels": {"org.opencontainers.image.source": "https://github.com/acme/repo"}
        },
        "Size": 61234567,
        "RootFS": {"Type": "layers", "Layers": ["sha256:aaa", "sha256:bbb"]}
    }
]
`;

describe('serverVersion', () => {
  test('the server version, trimmed', async () => {
    answer({ args: ['version', '--format', '{{.Server.Version}}'], stdout: '28.2.2\n' });
    expect(await engine.serverVersion()).toBe('28.2.2');
  });

  test.each<[string, Answer]>([
    ['no daemon (exit 1)', { args: ['version', '--format', '{{.Server.Version}}'], stderr: NO_DAEMON, code: 1 }],
    ['exit 0 but no server version (a client without a server)', { args: ['version', '--format', '{{.Server.Version}}'], stdout: '\n', stderr: NO_DAEMON }],
  ])('%s: an EngineError saying how to start one', async (_, a) => {
    answer(a);
    expect(await engineError(engine.serverVersion())).toBe(
      `no container engine answers (\`docker version\` exit ${a.code ?? 0}: ${NO_DAEMON.trim()}); start one with \`bash scripts/ci/container-lab.sh up\``,
    );
  });

  test('no docker binary: an EngineError naming it', async () => {
    const missing = join(dir, 'no-such-docker');
    expect(await engineError(dockerEngine(missing).serverVersion())).toMatch(new RegExp(`^cannot run ${missing}: .*ENOENT.*; is the docker CLI installed and on PATH\\?$`));
  });
});

describe('inspectImage', () => {
  test('the configuration the rules judge', async () => {
    answer({ args: ['image', 'inspect', 'ghcr.io/acme/api:sha-1a2b3c4'], stdout: IMAGE_INSPECT });
    expect(await engine.inspectImage('ghcr.io/acme/api:sha-1a2b3c4')).toEqual({
      id: 'sha256:5b1d3c6a0e2f4d8b9c7a1e3f5d7b9a2c4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b',
      user: 'node',
      labels: { 'org.opencontainers.image.source': 'https://github.com/acme/repo' },
      healthcheck: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3000/health')"],
      env: ['PATH=/usr/local/bin:/usr/bin', 'NODE_ENV=production'],
      entrypoint: [],
      cmd: ['node', 'dist/index.js'],
      workingDir: '/app',
      layers: ['sha256:aaa', 'sha256:bbb'],
      size: 61234567,
    });
  });

  test.each([['Error response from daemon: No such image: ghcr.io/acme/api:nope\n'], ['Error: image ghcr.io/acme/api:nope not found\n']])(
    'no such image (%j): undefined',
    async (stderr) => {
      answer({ args: ['image', 'inspect', 'ghcr.io/acme/api:nope'], stdout: '[]\n', stderr, code: 1 });
      expect(await engine.inspectImage('ghcr.io/acme/api:nope')).toBeUndefined();
    },
  );

  test('any other failure: an EngineError with the command and the end of stderr', async () => {
    answer({ args: ['image', 'inspect', 'x'], stderr: 'permission denied while trying to connect to the Docker daemon socket\n', code: 1 });
    expect(await engineError(engine.inspectImage('x'))).toBe('`docker image inspect x` failed (exit 1): permission denied while trying to connect to the Docker daemon socket');
  });
});

describe('build', () => {
  const request = {
    context: '/repo',
    dockerfile: 'services/api/Dockerfile',
    tags: ['ghcr.io/acme/api:sha-1a2b3c4', 'ghcr.io/acme/api:main'],
    buildArgs: { NODE_IMAGE: 'node:24-alpine' },
  };
  /** Every build's command line up to the --iidfile file (a temporary path). */
  const BUILD = ['buildx', 'build', '--progress=plain', '--load', '--provenance=false', '--iidfile'];
  const PROGRESS_OUT = '#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n';
  const PROGRESS_ERR = '#9 [builder 3/6] RUN pnpm install\n#9 CACHED\n';

  test('the command line; the image ID from inspecting the first tag, the config digest from --iidfile', async () => {
    answer(
      {
        args: [...BUILD, '*', '-f', 'services/api/Dockerfile', '-t', '*', '-t', '*', '--build-arg', '*', '/repo'],
        stdout: PROGRESS_OUT,
        stderr: PROGRESS_ERR,
        writeAfter: { flag: '--iidfile', content: 'sha256:c0nf1g\n' },
      },
      { args: ['image', 'inspect', 'ghcr.io/acme/api:sha-1a2b3c4'], stdout: IMAGE_INSPECT },
    );
    expect(await engine.build(request)).toEqual({
      imageId: 'sha256:5b1d3c6a0e2f4d8b9c7a1e3f5d7b9a2c4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b',
      configDigest: 'sha256:c0nf1g',
      progress: `${PROGRESS_OUT}${PROGRESS_ERR}`,
    });
    const [build] = calls();
    expect(build?.filter((a) => !a.includes('kc-build-'))).toEqual([
      ...BUILD,
      '-f',
      'services/api/Dockerfile',
      '-t',
      'ghcr.io/acme/api:sha-1a2b3c4',
      '-t',
      'ghcr.io/acme/api:main',
      '--build-arg',
      'NODE_IMAGE=node:24-alpine',
      '/repo',
    ]);
  });

  test('no cache, a local cache read and written; no tag: the ID is the config digest', async () => {
    answer({
      args: [...BUILD, '*', '-f', 'D', '--no-cache', '--cache-from', '*', '--cache-to', '*', '.'],
      writeAfter: { flag: '--iidfile', content: 'sha256:only' },
    });
    const result = await engine.build({ context: '.', dockerfile: 'D', tags: [], buildArgs: {}, noCache: true, cacheDir: '/cache', exportCache: true });
    expect(result).toEqual({ imageId: 'sha256:only', configDigest: 'sha256:only', progress: '' });
    expect(calls()[0]?.slice(-6)).toEqual(['--no-cache', '--cache-from', 'type=local,src=/cache', '--cache-to', 'type=local,dest=/cache,mode=max', '.']);
  });

  test('a cache read only: no --cache-to', async () => {
    answer({
      args: [...BUILD, '*', '-f', 'D', '--cache-from', 'type=local,src=/cache', '.'],
      writeAfter: { flag: '--iidfile', content: 'sha256:x' },
    });
    expect((await engine.build({ context: '.', dockerfile: 'D', tags: [], buildArgs: {}, cacheDir: '/cache' })).configDigest).toBe('sha256:x');
  });

  test('a failed build: an EngineError with the end of the progress', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `#${i} step ${i}`);
    answer({
      args: [...BUILD, '*', '-f', 'D', '.'],
      stdout: `${lines.join('\n')}\n`,
      stderr: 'ERROR: failed to solve\n',
      code: 1,
    });
    const message = await engineError(engine.build({ context: '.', dockerfile: 'D', tags: [], buildArgs: {} }));
    expect(message).toBe(`build of D failed (exit 1):\n${[...lines.slice(-29), 'ERROR: failed to solve'].join('\n')}`);
  });
});

describe('history', () => {
  const args = ['image', 'history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', 'img'];
  test('size and instruction of each step, newest first; tabs inside the instruction stay', async () => {
    answer({ args, stdout: '0\tCMD ["node" "dist/index.js"]\n41943040\tRUN /bin/sh -c pnpm deploy --prod /out # buildkit\n12\tCOPY a\tb /x\n\n' });
    expect(await engine.history('img')).toEqual([
      { size: 0, createdBy: 'CMD ["node" "dist/index.js"]' },
      { size: 41943040, createdBy: 'RUN /bin/sh -c pnpm deploy --prod /out # buildkit' },
      { size: 12, createdBy: 'COPY a\tb /x' },
    ]);
  });

  test.each([['40MB\tRUN x'], ['no tab at all']])('a line it cannot read (%j) is an EngineError', async (line) => {
    answer({ args, stdout: `0\tCMD x\n${line}\n` });
    expect(await engineError(engine.history('img'))).toBe(`docker image history img: cannot read ${JSON.stringify(line)}`);
  });

  test('a failed command: an EngineError with the command and the end of stderr (or stdout)', async () => {
    answer({ args, stdout: 'Error: No such image: img\n', code: 1 });
    expect(await engineError(engine.history('img'))).toBe(`\`docker ${args.join(' ')}\` failed (exit 1): Error: No such image: img`);
  });
});

describe('containers', () => {
  test('run: detached, named, probed every second while starting, with the environment and labels; the id, trimmed', async () => {
    answer({
      args: ['container', 'run', '--detach', '--name', 'verify-1', '--health-start-interval', '1s', '--env', 'PORT=3000', '--env', 'A=b c', '--label', 'owner=42@host', 'img'],
      stdout: 'f00dcafe\n',
    });
    expect(await engine.run('img', { name: 'verify-1', env: { PORT: '3000', A: 'b c' }, labels: { owner: '42@host' } })).toBe('f00dcafe');
  });

  test('containersLabelled: id and value of each container with the label, running or not', async () => {
    answer({
      args: ['container', 'ls', '--all', '--no-trunc', '--filter', 'label=io.x.owner', '--format', '{{.ID}}\t{{.Label "io.x.owner"}}'],
      stdout: 'aaaa\t42@host\nbbbb\t7@other host\n',
    });
    expect(await engine.containersLabelled('io.x.owner')).toEqual([
      { id: 'aaaa', value: '42@host' },
      { id: 'bbbb', value: '7@other host' },
    ]);
  });

  test('run that fails: an EngineError', async () => {
    answer({
      args: ['container', 'run', '--detach', '--name', 'n', '--health-start-interval', '1s', 'img'],
      stderr: 'docker: Error response from daemon: Conflict. The container name "/n" is already in use.\n',
      code: 125,
    });
    expect(await engineError(engine.run('img', { name: 'n', env: {}, labels: {} }))).toBe(
      '`docker container run --detach --name n --health-start-interval 1s img` failed (exit 125): docker: Error response from daemon: Conflict. The container name "/n" is already in use.',
    );
  });

  test('inspectContainer: state, exit code, health and its last probe output', async () => {
    answer({
      args: ['container', 'inspect', 'f00d'],
      stdout:
        '[{"Id":"f00d","State":{"Status":"running","Running":true,"ExitCode":0,"Health":{"Status":"unhealthy","FailingStreak":3,"Log":[{"ExitCode":1,"Output":"first"},{"ExitCode":1,"Output":"connection refused"}]}}}]\n',
    });
    expect(await engine.inspectContainer('f00d')).toEqual({ status: 'running', exitCode: 0, health: { status: 'unhealthy', lastOutput: 'connection refused' } });
  });

  test('processes: read inside the container by its node, pid, uid and command of each', async () => {
    answer({
      args: ['container', 'exec', 'f00d', 'node', '-e', '*'],
      stdout:
        '[{"pid":1,"uids":[1000,1000,1000,1000],"args":["node","dist/index.js","--port","3000"],"command":"node dist/index.js --port 3000"},{"pid":30,"uids":[0,0,0,0],"args":["/sbin/tini"],"command":"/sbin/tini"}]',
    });
    expect(await engine.processes('f00d')).toEqual([
      { pid: 1, uid: 1000, command: 'node dist/index.js --port 3000', args: ['node', 'dist/index.js', '--port', '3000'] },
      { pid: 30, uid: 0, command: '/sbin/tini', args: ['/sbin/tini'] },
    ]);
    expect(calls()[0]?.slice(0, 5)).toEqual(['container', 'exec', 'f00d', 'node', '-e']);
  });

  test('stop: SIGTERM named (not the image STOPSIGNAL), the grace period before SIGKILL, then it returns', async () => {
    answer({ args: ['container', 'stop', '--signal', 'SIGTERM', '--time', '15', 'f00d'], stdout: 'f00d\n' });
    await engine.stop('f00d', 15);
    expect(calls()).toEqual([['container', 'stop', '--signal', 'SIGTERM', '--time', '15', 'f00d']]);
  });

  test('stop that the engine refuses: an EngineError with the command', async () => {
    answer({ args: ['container', 'stop', '--signal', 'SIGTERM', '--time', '15', 'f00d'], stderr: 'Error response from daemon: No such container: f00d\n', code: 1 });
    expect(await engineError(engine.stop('f00d', 15))).toMatch(
      /^`docker container stop --signal SIGTERM --time 15 f00d` failed \(exit 1\): Error response from daemon: No such container/,
    );
  });

  test('processes of a container that is not running: none', async () => {
    answer({ args: ['container', 'exec', 'f00d', 'node', '-e', '*'], stderr: 'Error response from daemon: container f00d is not running\n', code: 1 });
    expect(await engine.processes('f00d')).toEqual([]);
  });

  test('processes of an image without node: an EngineError naming the command', async () => {
    answer({ args: ['container', 'exec', 'f00d', 'node', '-e', '*'], stderr: 'OCI runtime exec failed: exec: "node": executable file not found in $PATH\n', code: 126 });
    expect(await engineError(engine.processes('f00d'))).toMatch(
      /^`docker container exec f00d node -e <process list>` failed \(exit 126\): OCI runtime exec failed: exec: "node": executable file not found/,
    );
  });

  test('imageLayers: the paths of each layer, base first, whatever its compression; whiteouts kept', async () => {
    const base = tarOf({ 'bin/sh': '', 'usr/local/lib/node_modules/npm/package.json': '{}' }, true, 'gzip');
    const app = tarOf({ 'app/package.json': '{}', 'repo/.wh.src': '' }, true);
    answer({
      args: ['image', 'save', 'sha256:f00d'],
      stdoutBase64: tarOf(
        { 'manifest.json': JSON.stringify([{ Layers: ['blobs/sha256/b', 'blobs/sha256/a'] }]), 'blobs/sha256/b': base, 'blobs/sha256/a': app },
        false,
        'none',
        true,
      ),
    });
    expect(await engine.imageLayers('sha256:f00d')).toEqual([
      ['/bin', '/bin/sh', '/usr', '/usr/local', '/usr/local/lib', '/usr/local/lib/node_modules', '/usr/local/lib/node_modules/npm', '/usr/local/lib/node_modules/npm/package.json'],
      ['/app', '/app/package.json', '/repo', '/repo/.wh.src'],
    ]);
  });

  test('imageLayers of an image that is gone: an EngineError', async () => {
    answer({ args: ['image', 'save', 'gone'], stderr: 'Error response from daemon: No such image: gone\n', code: 1 });
    expect(await engineError(engine.imageLayers('gone'))).toMatch(/^`docker image save gone \| tar -x` failed: Error response from daemon: No such image: gone/);
  });

  test('imageLayers of an archive without a readable manifest.json: an EngineError naming it', async () => {
    answer({ args: ['image', 'save', 'odd'], stdoutBase64: tarOf({ 'manifest.json': '{"Layers": "x"}' }) });
    expect(await engineError(engine.imageLayers('odd'))).toMatch(/^`docker image save odd` wrote no readable manifest.json: docker image save: manifest.json is not one image/);
  });

  test('pullImage: the command line', async () => {
    answer({ args: ['image', 'pull', '--quiet', 'node:24-alpine'], stdout: 'docker.io/library/node:24-alpine\n' });
    await engine.pullImage('node:24-alpine');
    expect(calls()).toEqual([['image', 'pull', '--quiet', 'node:24-alpine']]);
  });

  test('readFile: the text of one file', async () => {
    answer({ args: ['container', 'cp', 'f00d:/app/package.json', '-'], stdoutBase64: tarOf({ 'package.json': '{"name":"@kc/api"}\n' }) });
    expect(await engine.readFile('f00d', '/app/package.json')).toBe('{"name":"@kc/api"}\n');
  });

  test.each([['Error response from daemon: Could not find the file /app/package.json in container f00d\n'], ['Error: No such file or directory\n']])(
    'readFile of a missing file (%j): undefined',
    async (stderr) => {
      answer({ args: ['container', 'cp', 'f00d:/app/package.json', '-'], stderr, code: 1 });
      expect(await engine.readFile('f00d', '/app/package.json')).toBeUndefined();
    },
  );

  test('readFile that fails otherwise: an EngineError', async () => {
    answer({ args: ['container', 'cp', 'f00d:/x', '-'], stderr: 'Error response from daemon: No such container: f00d\n', code: 1 });
    // tar, given nothing, complains too: both are in the message.
    expect(await engineError(engine.readFile('f00d', '/x'))).toMatch(/^`docker container cp f00d:\/x -` failed: Error response from daemon: No such container: f00d\n/);
  });

  test('logs: the last lines, stdout then stderr', async () => {
    answer({ args: ['container', 'logs', '--tail', '20', 'f00d'], stdout: 'listening on 3000\n', stderr: 'warning: x\n' });
    expect(await engine.logs('f00d', 20)).toBe('listening on 3000\nwarning: x\n');
  });

  test('remove, tag, push and remove an image: the command lines', async () => {
    answer(
      { args: ['container', 'rm', '--force', '--volumes', 'f00d'] },
      { args: ['image', 'tag', 'a:1', 'b:2'] },
      { args: ['image', 'push', '--quiet', 'b:2'] },
      { args: ['image', 'rm', '--force', 'b:2'] },
    );
    await engine.removeContainer('f00d');
    await engine.tag('a:1', 'b:2');
    await engine.push('b:2');
    await engine.removeImage('b:2');
    expect(calls()).toEqual([
      ['container', 'rm', '--force', '--volumes', 'f00d'],
      ['image', 'tag', 'a:1', 'b:2'],
      ['image', 'push', '--quiet', 'b:2'],
      ['image', 'rm', '--force', 'b:2'],
    ]);
  });

  test('compose: the arguments and the extra environment; the exit code is returned, not thrown', async () => {
    answer({ args: ['compose', 'config', '--quiet'], printEnv: 'KC_TEST_TAG', code: 3 });
    expect(await engine.compose(['config', '--quiet'], { KC_TEST_TAG: 'sha-1' })).toEqual({ code: 3, stdout: 'sha-1', stderr: '' });
  });
});

// A command line the adapter did not mean to run fails loudly instead of passing unnoticed.
test('the stand-in refuses a command it has no answer for', async () => {
  expect(await engineError(engine.tag('x', 'y'))).toMatch(/^`docker image tag x y` failed \(exit 99\): fake docker: no answer for/);
});
