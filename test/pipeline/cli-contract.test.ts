/**
 * The CLI contract, one table over every `pipeline` command (through the committed bundle, as CI runs
 * it) and every script entry (generate, workflows, bundle, through tsx as package.json runs them):
 * `--help` exits 0 with the usage on stdout; an unknown flag, a repeated flag and a value holding a
 * newline and an ESC each exit 2 with exactly one line on stderr, no stack trace, and no file written.
 * Release, deploy and the hostile-input suite add their rows here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { oneLine } from '../../scripts/core/exit-codes.js';
import { ROOT, type RunResult, runBundle } from '../support/cli.js';

const HOSTILE = 'x\n::error::pwned\u001b[31m';

interface Entry {
  readonly name: string;
  /** How the help names it. */
  readonly program: string;
  readonly run: (argv: readonly string[]) => RunResult;
  /** A flag that takes one value (or a switch), given twice. */
  readonly repeated: readonly string[];
  /** An invocation whose value holds a newline and an ESC. */
  readonly hostile: readonly string[];
}

const pipeline = (command: string, repeated: readonly string[], hostile: readonly string[]): Entry => ({
  name: `pipeline ${command}`,
  program: `pnpm pipeline ${command}`,
  run: (argv) => runBundle([...command.split(' '), ...argv]),
  repeated,
  hostile,
});

const script = (name: string, file: string, repeated: readonly string[] = ['--check', '--check']): Entry => ({
  name: `pnpm ${name}`,
  program: `pnpm ${name}`,
  run: (argv) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, file), ...argv], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  },
  repeated,
  hostile: [HOSTILE],
});

const ENTRIES: readonly Entry[] = [
  pipeline('affected', ['--cwd', '.', '--cwd', '.'], ['--base', HOSTILE]),
  pipeline('plan', ['--event', 'push', '--event', 'push'], ['--event', HOSTILE]),
  pipeline('tags', ['--service', 'api-gateway', '--service', 'chat-service'], ['--service', HOSTILE]),
  pipeline('verify-image', ['api-gateway', '--image', 'a', '--image', 'b'], ['api-gateway', '--image', HOSTILE]),
  pipeline('check-dockerfiles', ['--json', '--json'], ['--cwd', HOSTILE]),
  pipeline('release parse', ['api-gateway@1.0.0', '--json', '--json'], [HOSTILE]),
  pipeline('release next', ['api-gateway', '--bump', 'patch', '--bump', 'minor'], ['api-gateway', '--bump', HOSTILE]),
  pipeline('release notes', ['api-gateway', '--to', 'HEAD', '--to', 'HEAD~1'], ['api-gateway', '--from', HOSTILE]),
  pipeline('release status', ['--ref', 'HEAD', '--ref', 'HEAD'], ['--ref', HOSTILE]),
  pipeline('release select', ['--service', 'changed', '--service', 'api-gateway'], ['--service', HOSTILE]),
  pipeline('release cut', ['api-gateway', '--bump', 'patch', '--bump', 'minor'], ['--tag', HOSTILE]),
  pipeline('release handoff', ['api-gateway', '--environment', 'staging', '--environment', 'production'], ['api-gateway', '--environment', HOSTILE]),
  pipeline('deploy', ['--service', 'api-gateway', '--service', 'chat-service'], ['--service', 'api-gateway', '--environment', 'staging', '--version', HOSTILE]),
  pipeline('deploy status', ['--json', '--json'], ['--environment', HOSTILE]),
  pipeline('audit', ['--json', '--json'], ['--cwd', HOSTILE]),
  script('generate', 'scripts/generate-dockerfiles.ts'),
  script('workflows', 'workflows-src/generate.ts'),
  script('bundle', 'scripts/bundle.ts'),
  script('audit:deps', 'scripts/audit-deps.ts', ['--all', '--all']),
];

/** The files the write-capable entries would touch: their modification times must not change. */
const WATCHED = ['docker-compose.yml', 'services/api-gateway/Dockerfile', '.github/workflows/ci.yml', 'scripts/dist/pipeline.cjs'];
const mtimes = () => WATCHED.map((f) => statSync(join(ROOT, f)).mtimeMs);

function expectOneLineError(r: RunResult, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  const lines = r.stderr.split('\n');
  expect(lines.at(-1)).toBe('');
  expect(lines.slice(0, -1), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).toMatch(pattern);
}

describe.each(ENTRIES.map((e) => [e.name, e] as const))('%s', (_, entry) => {
  test('--help: exit 0, the usage, every option with a sentence, an example, on stdout', () => {
    const r = entry.run(['--help']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.startsWith(`usage: ${entry.program}`)).toBe(true);
    expect(r.stdout).toMatch(/\noptions:\n( {2}\S.*\S {2,}\S.*\n)+/);
    expect(r.stdout).toMatch(/\nexamples:\n {2}\S/);
  });

  test('an unknown flag: exit 2, one line naming it, nothing written', () => {
    const before = mtimes();
    expectOneLineError(entry.run(['--chek']), new RegExp(`^error: ${entry.program}: unknown option "--chek"; expected: ${entry.program} .*\\(see --help\\)$`, 'm'));
    expect(mtimes()).toEqual(before);
  });

  test('a repeated flag: exit 2, one line naming both values, nothing written', () => {
    const before = mtimes();
    const flag = entry.repeated.find((a) => a.startsWith('--') && entry.repeated.filter((b) => b === a).length === 2) ?? '';
    expectOneLineError(entry.run(entry.repeated), new RegExp(`${flag} is given twice`));
    expect(mtimes()).toEqual(before);
  });

  test('a value holding a newline and an ESC: exit 2, one line with both escaped, nothing written', () => {
    const before = mtimes();
    const r = entry.run(entry.hostile);
    expectOneLineError(r, /\\n::error::pwned\\u001b\[31m/);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toMatch(/^::/m);
    expect(mtimes()).toEqual(before);
  });
});

describe.each([
  ['verify-image', '<service>', ['--image', 'a:1'], ['api-gateway', 'chat-service']],
  ['release parse', '<tag>', [], ['api-gateway@1.0.0', 'chat-service@1.0.0']],
  ['release next', '<service>', [], ['api-gateway', 'chat-service']],
  ['release notes', '<service>', [], ['api-gateway', 'chat-service']],
  ['release handoff', '<service>', ['--environment', 'staging'], ['api-gateway', 'chat-service']],
] as const)('pipeline %s takes exactly one %s', (command, usage, flags, two) => {
  const program = `pnpm pipeline ${command}`;
  test.each([
    ['none', [] as readonly string[], 'got 0'],
    ['two', two, `got 2: "${two[0]}" "${two[1]}"`],
  ])('%s: exit 2, one line with the count, the values and the usage, nothing written', (_, given, got) => {
    const before = mtimes();
    const r = runBundle([...command.split(' '), ...given, ...flags]);
    expectOneLineError(r, new RegExp(`^error: ${program}: expected one ${usage} \\(the .*\\), ${got}; expected: ${program} ${usage} .*\\(see --help\\)$`, 'm'));
    expect(mtimes()).toEqual(before);
  });
});

describe('the pipeline entry itself', () => {
  test('--help lists every command', () => {
    const r = runBundle(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['affected', 'plan', 'tags', 'verify-image', 'check-dockerfiles', 'release', 'deploy', 'audit'])
      expect(r.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
  });
  test('an unknown command: exit 2, one line', () => {
    expectOneLineError(runBundle(['deploy-everything']), /^error: unknown command "deploy-everything"; expected one of: affected, plan/);
  });
  test.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('a name every object has, %s, is no command: exit 2, one line', (name) => {
    expectOneLineError(runBundle([name]), new RegExp(`^error: unknown command "${name}"; expected one of: affected, plan`));
  });
});

test('every --json example in the README runs pnpm silently (no banner before the one JSON object)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const examples = readme.split('\n').filter((line) => /\bpnpm\b[^`|]*\bpipeline\b[^`|]*--json/.test(line) && !line.includes('[--json]'));
  expect(examples.length).toBeGreaterThan(0);
  for (const line of examples) expect(line).toMatch(/pnpm -s pipeline|node scripts\/dist\/pipeline\.cjs/);
});

describe('oneLine: the one place values are made safe for an error line', () => {
  test.each([
    ['a newline and a workflow command', 'a\n::error::x', 'a\\n::error::x'],
    ['ESC and CR', '\u001b[2J\r', '\\u001b[2J\\r'],
    ['a tab and DEL', '\t\u007f', '\\t\\u007f'],
    ['the line separators JSON keeps raw', '\u2028\u2029', '\\u2028\\u2029'],
    ['plain text', 'services/api-gateway', 'services/api-gateway'],
  ])('%s', (_, input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });
  test('a 5,000-character value is cut at 1,000 characters, saying how much was left out', () => {
    const line = oneLine('a'.repeat(5000));
    expect(line).toBe(`${'a'.repeat(1000)}… (4000 more characters)`);
  });
});

test('the entry run from the sources (tsx, ES modules, as the e2e suite runs it) works: its trusted CLI is the bundle beside them', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/pipeline.ts'), 'check-dockerfiles', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect({ code: r.status, ok: JSON.parse(r.stdout).ok }).toEqual({ code: 0, ok: true });
});
