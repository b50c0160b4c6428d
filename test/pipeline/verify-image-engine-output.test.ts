/**
 * The edges of reading the engine's answers (untrusted JSON and text) and the compose file: every shape
 * docker documents that the reader accepts, every shape it refuses with a message naming what was wrong,
 * BuildKit's step states in every order, and compose interpolation as the compose spec defines it.
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { InputError } from '../../scripts/core/errors.js';
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
} from '../../scripts/core/verify/evidence.js';

const IMAGE = {
  Id: 'sha256:aa',
  Size: 42,
  Config: {
    User: 'node',
    Env: ['A=1'],
    Entrypoint: ['docker-entrypoint.sh'],
    Cmd: ['node', 'x.js'],
    WorkingDir: '/app',
    Labels: { a: 'b' },
    Healthcheck: { Test: ['CMD-SHELL', 'true'] },
  },
  RootFS: { Type: 'layers', Layers: ['sha256:l1', 'sha256:l2'] },
};

describe('docker image inspect', () => {
  test('one object, in an array or alone, reads to every field', () => {
    const expected = {
      id: 'sha256:aa',
      user: 'node',
      labels: { a: 'b' },
      healthcheck: ['CMD-SHELL', 'true'],
      env: ['A=1'],
      entrypoint: ['docker-entrypoint.sh'],
      cmd: ['node', 'x.js'],
      workingDir: '/app',
      layers: ['sha256:l1', 'sha256:l2'],
      size: 42,
    };
    expect(parseImageInspect([IMAGE])).toEqual(expected);
    expect(parseImageInspect(IMAGE)).toEqual(expected);
  });

  test('an image with nothing but Id, Size and an empty Config reads as empty values', () => {
    expect(parseImageInspect([{ Id: 'sha256:bb', Size: 0, Config: {} }])).toEqual({
      id: 'sha256:bb',
      user: '',
      labels: {},
      healthcheck: undefined,
      env: [],
      entrypoint: [],
      cmd: [],
      workingDir: '',
      layers: [],
      size: 0,
    });
  });

  test('an Entrypoint of null (how docker stores none) is none', () => {
    expect(parseImageInspect([{ ...IMAGE, Config: { ...IMAGE.Config, Entrypoint: null } }]).entrypoint).toEqual([]);
  });

  test('a RootFS without Layers has no layers', () => {
    expect(parseImageInspect([{ ...IMAGE, RootFS: { Type: 'layers' } }]).layers).toEqual([]);
  });

  test('a health check Test that is not a list of strings is no health check', () => {
    expect(parseImageInspect([{ ...IMAGE, Config: { ...IMAGE.Config, Healthcheck: { Test: 'CMD true' } } }]).healthcheck).toBeUndefined();
    expect(parseImageInspect([{ ...IMAGE, Config: { ...IMAGE.Config, Healthcheck: 'CMD true' } }]).healthcheck).toBeUndefined();
  });

  test.each([
    ['a string', 'nope', 'docker image inspect: expected a JSON object (or an array of one), got "nope"'],
    ['an empty array', [], 'docker image inspect: expected a JSON object (or an array of one), got []'],
    ['an array of a string', ['x'], 'docker image inspect: expected a JSON object (or an array of one), got ["x"]'],
    ['no answer at all', undefined, 'docker image inspect: expected a JSON object (or an array of one), got undefined'],
    ['no Id', [{ Size: 1, Config: {} }], 'docker image inspect: missing Id, Config or Size'],
    ['no Config', [{ Id: 'sha256:1', Size: 1 }], 'docker image inspect: missing Id, Config or Size'],
    ['a Size that is not a number', [{ Id: 'sha256:1', Size: '1', Config: {} }], 'docker image inspect: missing Id, Config or Size'],
    ['layers that are not digests', [{ ...IMAGE, RootFS: { Layers: [1] } }], 'docker image inspect: RootFS.Layers is not a list of digests'],
    ...(
      [
        ['Env', ['A', 1]],
        ['Cmd', 'node x.js'],
        ['Entrypoint', '/bin/sh -c x'],
        ['User', 1000],
        ['WorkingDir', 7],
        ['Labels', ['a']],
      ] as const
    ).map(([field, value]): [string, unknown, string] => [
      `Config.${field} of another type`,
      [{ ...IMAGE, Config: { ...IMAGE.Config, [field]: value } }],
      'docker image inspect: Config has an unexpected shape (Labels, Env, Entrypoint, Cmd, User, WorkingDir)',
    ]),
  ])('%s is refused, naming what is wrong', (_name, json, message) => {
    expect(() => parseImageInspect(json)).toThrow(new EngineOutputError(message));
  });

  test('a long unexpected answer is shown cut at 200 characters', () => {
    const long = 'x'.repeat(300);
    expect(() => parseImageInspect(long)).toThrow(`got "${'x'.repeat(199)}`);
    expect(() => parseImageInspect(long)).not.toThrow(`got "${'x'.repeat(200)}`);
  });

  test('the error is an EngineOutputError by name', () => {
    expect(new EngineOutputError('x').name).toBe('EngineOutputError');
  });
});

describe('docker container inspect', () => {
  test.each([
    ['a health check without a log', { State: { Status: 'running', ExitCode: 0, Health: { Status: 'starting' } } }, { status: 'starting', lastOutput: '' }],
    ['an empty log', { State: { Status: 'running', ExitCode: 0, Health: { Status: 'starting', Log: [] } } }, { status: 'starting', lastOutput: '' }],
    [
      'a last probe without output',
      { State: { Status: 'running', ExitCode: 0, Health: { Status: 'unhealthy', Log: [{ Output: 'x' }, { ExitCode: 1 }] } } },
      { status: 'unhealthy', lastOutput: '' },
    ],
    ['a last probe that is not an object', { State: { Status: 'running', ExitCode: 0, Health: { Status: 'unhealthy', Log: ['x'] } } }, { status: 'unhealthy', lastOutput: '' }],
    ['a Health without a status', { State: { Status: 'running', ExitCode: 0, Health: { Log: [] } } }, undefined],
    ['a Health of null', { State: { Status: 'running', ExitCode: 0, Health: null } }, undefined],
    [
      'the last of three probes',
      { State: { Status: 'running', ExitCode: 0, Health: { Status: 'unhealthy', Log: [{ Output: 'one' }, { Output: 'two' }, { Output: 'three' }] } } },
      { status: 'unhealthy', lastOutput: 'three' },
    ],
  ])('%s', (_name, json, health) => {
    expect(parseContainerInspect(json)).toEqual({ status: 'running', exitCode: 0, health });
  });

  test.each([
    ['no State', [{}]],
    ['a State that is not an object', [{ State: 'running' }]],
    ['no Status', [{ State: { ExitCode: 0 } }]],
    ['an ExitCode that is not a number', [{ State: { Status: 'exited', ExitCode: '1' } }]],
  ])('%s is refused', (_name, json) => {
    expect(() => parseContainerInspect(json)).toThrow(new EngineOutputError('docker container inspect: missing State.Status or State.ExitCode'));
  });

  test('an answer that is not an object names the command', () => {
    expect(() => parseContainerInspect(null)).toThrow(new EngineOutputError('docker container inspect: expected a JSON object (or an array of one), got null'));
  });
});

describe('the process list from inside the container', () => {
  test.each([
    ['a user', [1000, 1000, 1000, 1000], 1000],
    ['the effective uid when they differ and none is 0', [1000, 1001, 1000, 1001], 1001],
    ['root', [0, 0, 0, 0], 0],
    ['a real uid 0 (it can switch back to root)', [0, 1000, 1000, 1000], 0],
    ['a saved uid 0', [1000, 1000, 0, 1000], 0],
    ['an fsuid 0 (it reads and writes files as root)', [1000, 1000, 1000, 0], 0],
  ])('%s: uid %j is %s', (_name, uids, uid) => {
    expect(parseProcessList(JSON.stringify([{ pid: 1, uids, args: ['node', 'dist/index.js'], command: 'node dist/index.js' }]))).toEqual([
      { pid: 1, uid, command: 'node dist/index.js', args: ['node', 'dist/index.js'] },
    ]);
  });

  test('no process is an empty list', () => {
    expect(parseProcessList('[]')).toEqual([]);
  });

  test.each([
    ['not JSON', 'node: not found', 'the process list from inside the container: expected a JSON list, got "node: not found"'],
    ['an object', '{}', 'the process list from inside the container: expected a JSON list, got "{}"'],
    [
      'three uids',
      '[{"pid":1,"uids":[1,1,1],"args":["x"],"command":"x"}]',
      'the process list from inside the container: expected {pid, uids: [real, effective, saved, fs], args: [...], command}, got {"pid":1,"uids":[1,1,1],"args":["x"],"command":"x"}',
    ],
    [
      'a negative uid',
      '[{"pid":1,"uids":[-1,1,1,1],"args":["x"],"command":"x"}]',
      'the process list from inside the container: expected {pid, uids: [real, effective, saved, fs], args: [...], command}, got {"pid":1,"uids":[-1,1,1,1],"args":["x"],"command":"x"}',
    ],
    [
      'no pid',
      '[{"uids":[1,1,1,1],"args":["x"],"command":"x"}]',
      'the process list from inside the container: expected {pid, uids: [real, effective, saved, fs], args: [...], command}, got {"uids":[1,1,1,1],"args":["x"],"command":"x"}',
    ],
    [
      'a command that is not text',
      '[{"pid":1,"uids":[1,1,1,1],"args":["x"],"command":1}]',
      'the process list from inside the container: expected {pid, uids: [real, effective, saved, fs], args: [...], command}, got {"pid":1,"uids":[1,1,1,1],"args":["x"],"command":1}',
    ],
    [
      'args that are not a list of text',
      '[{"pid":1,"uids":[1,1,1,1],"args":"node x","command":"node x"}]',
      'the process list from inside the container: expected {pid, uids: [real, effective, saved, fs], args: [...], command}, got {"pid":1,"uids":[1,1,1,1],"args":"node x","command":"node x"}',
    ],
    ['an entry that is no object', '[1]', 'the process list from inside the container: expected {pid, uids: [real, effective, saved, fs], args: [...], command}, got 1'],
  ])('%s is refused, quoting what came', (_name, text, message) => {
    expect(() => parseProcessList(text)).toThrow(new EngineOutputError(message));
  });
});

test.each([
  ['./', []],
  ['.', []],
  ['', []],
  ['././app/', ['/app']],
  ['/abs//', ['/abs']],
  ['//abs/x', ['/abs/x']],
  ['.config/x\n..hidden', ['/..hidden', '/.config/x']],
  ['b\na\nb/\n./a', ['/a', '/b']],
  ['v1./x\nbuild/./y', ['/build/./y', '/v1./x']],
])('tar listing %j is %j', (listing, paths) => {
  expect(normalizeTarPaths(listing)).toEqual(paths);
});

describe('classifyContainer', () => {
  const running = (health: string): ContainerState => ({ status: 'running', exitCode: 0, health: { status: health, lastOutput: '' } });
  test.each([
    ['a dead container has exited', { status: 'dead', exitCode: 137, health: undefined }, 0, { kind: 'exited', exitCode: 137 }],
    ['starting at exactly the deadline is a timeout', running('starting'), 30, { kind: 'timeout', status: 'starting', seconds: 30 }],
    ['starting one second before the deadline is pending', running('starting'), 29, 'pending'],
    ['a restarting container without health check is not waited for', { status: 'restarting', exitCode: 1, health: undefined }, 0, { kind: 'no-healthcheck' }],
  ] as const)('%s', (_name, state, elapsed, expected) => {
    expect(classifyContainer(state, elapsed, 30)).toEqual(expected);
  });
});

describe('BuildKit step states', () => {
  const step = (lines: string) => parseBuildProgress(`#3 [build 2/4] RUN make\n${lines}`).map((s) => s.status);
  test.each([
    ['no result yet', '', 'unfinished'],
    ['DONE', '#3 DONE 1.2s\n', 'executed'],
    ['CACHED', '#3 CACHED\n', 'cached'],
    ['CACHED then DONE', '#3 CACHED\n#3 DONE 0.0s\n', 'cached'],
    ['ERROR', '#3 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2\n', 'error'],
    ['CANCELED', '#3 CANCELED\n', 'error'],
    ['DONE then ERROR', '#3 DONE 0.1s\n#3 ERROR: x\n', 'error'],
    ['ERROR then CACHED', '#3 ERROR: x\n#3 CACHED\n', 'error'],
    ['ERROR then DONE', '#3 ERROR: x\n#3 DONE 0.1s\n', 'error'],
    ['a word that merely starts like DONE', '#3 DONEX\n', 'unfinished'],
    ['a result of another vertex', '#4 DONE 0.1s\n', 'unfinished'],
    ['a log line of the step', '#3 0.512 DONE building\n', 'unfinished'],
  ])('%s', (_name, lines, status) => {
    expect(step(lines)).toEqual([status]);
  });

  test('only an instruction that starts with FROM is left out', () => {
    expect(parseBuildProgress('#2 [1/2] RUN echo FROM here\n#2 DONE 0.1s\n').map((s) => s.instruction)).toEqual(['RUN echo FROM here']);
  });

  test('the header is read whole: unnamed stage, position, instruction; FROM in any case is left out', () => {
    const steps = parseBuildProgress('#1 [1/2] from node\n#2 [2/2] COPY a b\n#3 [x 1/1] RUN echo "[a 1/2] b"\n#4 [internal] load\n#5 [s 1/2]\n');
    expect(steps).toEqual([
      { stage: '', position: '2/2', instruction: 'COPY a b', status: 'unfinished' },
      { stage: 'x', position: '1/1', instruction: 'RUN echo "[a 1/2] b"', status: 'unfinished' },
    ]);
  });

  test('the summary labels an unnamed stage by position alone and counts neither errors nor unfinished steps', () => {
    const s = summarizeSteps(parseBuildProgress('#1 [2/2] RUN true\n#1 DONE 0.1s\n#2 [b 1/1] RUN x\n#2 ERROR: x\n#3 [b 2/2] RUN y\n#4 [c 1/1] RUN z\n#4 CACHED\n'));
    expect(s).toEqual({ cached: 1, executed: 1, executedSteps: ['[2/2] RUN true'] });
  });
});

describe('compose interpolation', () => {
  test.each([
    ['${A}', { A: 'x' }, 'x'],
    ['${A}', {}, ''],
    ['$A_1-$B', { A_1: 'x', B: 'y' }, 'x-y'],
    ['$1', {}, '$1'],
    ['${A:-}', { A: 'set' }, 'set'],
    ['${A-dflt}', {}, 'dflt'],
    ['${A-dflt}', { A: 'v' }, 'v'],
    ['${A:-a b}', { A: undefined }, 'a b'],
    ['${A:?m}', { A: 'v' }, 'v'],
    ['${A?m}', { A: 'v' }, 'v'],
    ['$$A', { A: 'x' }, '$A'],
    ['$${A}', {}, '${A}'],
  ])('%s with %j is %s', (text, vars, out) => {
    expect(interpolate(text, vars)).toBe(out);
  });

  test('an unset required variable is bad input by default', () => {
    expect(() => interpolate('${TOKEN?give a token}', {})).toThrow(new InputError('compose variable TOKEN is required: give a token'));
  });

  test('the caller decides about a required variable, given its name and message', () => {
    const asked: string[] = [];
    const out = interpolate('a${X:?need x}b', { X: '' }, (name, message) => {
      asked.push(`${name}/${message}`);
      return '<x>';
    });
    expect([out, asked]).toEqual(['a<x>b', ['X/need x']]);
  });
});

describe('compose environment', () => {
  const env = (text: string, vars: Record<string, string> = {}) => composeEnvironment('compose.yml', text, 'svc', vars);

  test.each([
    ['an environment of null', 'services:\n  svc:\n    environment:\n', {}],
    ['a service of null', 'services:\n  svc:\n', {}],
    ['services that are a list', 'services:\n  - svc\n', {}],
    ['a document that is a list', '- services\n', {}],
    ['an empty document', '', {}],
    ['list items without "=" or with an empty name are left out', 'services:\n  svc:\n    environment:\n      - BARE\n      - =x\n      - A=b=c\n', { A: 'b=c' }],
    ['list items are interpolated', 'services:\n  svc:\n    environment:\n      - A=${V:-d}\n      - B=$V\n', { A: 'v', B: 'v' }],
    ['numbers and booleans are written as text', 'services:\n  svc:\n    environment:\n      N: 3\n      B: true\n      E: ""\n', { N: '3', B: 'true', E: '' }],
    ['mapping values are interpolated', 'services:\n  svc:\n    environment:\n      A: ${V}-${W:-w}\n', { A: 'v-w' }],
  ])('%s', (_name, text, expected) => {
    expect(env(text, { V: 'v' })).toEqual(expected);
  });

  test('a variable named __proto__ is an ordinary variable', () => {
    const out = env('services:\n  svc:\n    environment:\n      __proto__: x\n');
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBeNull();
  });

  test('a required variable in a list item goes to the caller', () => {
    expect(composeEnvironment('compose.yml', 'services:\n  svc:\n    environment:\n      - A=${R:?r}\n', 'svc', {}, (name) => `gen-${name}`)).toEqual({ A: 'gen-R' });
    expect(composeEnvironment('compose.yml', 'services:\n  svc:\n    environment:\n      A: ${R:?r}\n', 'svc', {}, (name) => `gen-${name}`)).toEqual({ A: 'gen-R' });
  });

  test.each([
    ['a list item that is not a string', 'services:\n  svc:\n    environment:\n      - A: 1\n', 'compose.yml: services.svc.environment items must be strings KEY=VALUE'],
    ['an environment that is text', 'services:\n  svc:\n    environment: A=1\n', 'compose.yml: services.svc.environment must be a mapping or a list'],
    ['a value that is a mapping', 'services:\n  svc:\n    environment:\n      A:\n        b: 1\n', 'compose.yml: services.svc.environment.A must be a scalar'],
    ['a value that is a list', 'services:\n  svc:\n    environment:\n      A: [1]\n', 'compose.yml: services.svc.environment.A must be a scalar'],
  ])('%s is bad input naming the file and the field', (_name, text, message) => {
    expect(() => env(text)).toThrow(new InputError(message));
  });

  test("a file that is not YAML: the parser's first line, and how to regenerate it", () => {
    let caught: unknown;
    try {
      env('a: [\n');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    const message = caught instanceof Error ? caught.message : '';
    // The first line of the YAML library's own message for this text.
    let yamlError = '';
    try {
      parse('a: [\n');
    } catch (err) {
      yamlError = err instanceof Error ? (err.message.split('\n')[0] ?? '') : '';
    }
    expect(yamlError.length).toBeGreaterThan(1);
    expect(message).toBe(`compose.yml: not valid YAML (${yamlError}); run \`pnpm generate\``);
  });
});
