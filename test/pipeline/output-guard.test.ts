// What reaches stdout and stderr from outside data (a revision label, a deployment payload, a commit
// subject, a file name of a pull request) cannot act on the runner or the terminal: no line may start a
// GitHub workflow command (`::error::`, `::add-mask::`, the old `##[…]` form), no control character reaches
// the terminal (escape sequences, carriage returns), and stderr lines stay within 1,000 characters.
// Pure tables over core/output-guard.ts; the CLI's own writers go through it (scripts/pipeline.ts).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { guardedWriters, outputGuard } from '../../scripts/core/output-guard.js';
import { REPO_ROOT } from '../support/repo-copy.js';
import { commit, makeRepo } from './affected/fixture.js';

const through = (chunks: readonly string[], options?: Parameters<typeof outputGuard>[0]) => {
  const guard = outputGuard(options);
  return chunks.map(guard).join('');
};

describe('outputGuard', () => {
  test.each<[string, readonly string[], string]>([
    ['plain lines pass as they are', ['a line\n', 'two\tcolumns\n'], 'a line\ntwo\tcolumns\n'],
    ['a workflow command injected after a line break', ['label: x\n::error::pwned\n'], 'label: x\n\\::error::pwned\n'],
    ['one at the start of the output, after spaces', ['  ::add-mask::x\n'], '  \\::add-mask::x\n'],
    ["the runner's old command form", ['##[set-output name=a;]b\n'], '##\\[set-output name=a;]b\n'],
    ['a command split from its line start by two writes', ['first\n', '::warning::x\n'], 'first\n\\::warning::x\n'],
    ['"::" inside a line is text', ['a ::b:: c\n'], 'a ::b:: c\n'],
    ['a line continued by the next write is not a line start', ['value: ', '::x\n'], 'value: ::x\n'],
    ['an escape sequence and a bell', ['\u001b]0;owned\u0007\u001b[2J\n'], '\\u001b]0;owned\\u0007\\u001b[2J\n'],
    ['a carriage return (it would hide the text before it)', ['ok\rFAIL\n'], 'ok\\rFAIL\n'],
    ['C1 controls, DEL and the Unicode line separators', ['\u009b\u007f\u2028\u2029\n'], '\\u009b\\u007f\\u2028\\u2029\n'],
    ['text beyond ASCII is text', ['ünï ✓ 日本\n'], 'ünï ✓ 日本\n'],
    // The runner reads the old `##[…]` form anywhere in a line, and `::` after any white space it trims.
    ['the old form inside a line', ['label: x ##[add-mask]hidden\n'], 'label: x ##\\[add-mask]hidden\n'],
    ['the old form split across two writes', ['label: x #', '#[add-mask]y\n'], 'label: x ##\\[add-mask]y\n'],
    ['## without a bracket, and a bracket without ##, are text', ['a ##x [y #[z\n'], 'a ##x [y #[z\n'],
    ['## at the end of one line and [ at the start of the next are two lines', ['a##\n[b\n'], 'a##\n[b\n'],
    ['the same in two writes', ['a##\n', '[b\n'], 'a##\n[b\n'],
    ['## carried past a line break is not kept', ['a##', '\n#', '[x\n'], 'a##\n#[x\n'],
    ['## completed by a write of one character', ['x #', '#', '[y\n'], 'x ##\\[y\n'],
    ['a line that ends in a write and starts again with white space', ['a\n ', '::x\n'], 'a\n \\::x\n'],
    ['a line break after text, then a command', ['a', 'b\n', '::y\n'], 'ab\n\\::y\n'],
    ['white space after text on the same line', ['a', ' ', '::y\n'], 'a ::y\n'],
    ['a tab before a command, and ## before another letter, in writes the loop reads', ['\t::x\n', '##x ::\n'], '\t\\::x\n##x ::\n'],
    ['## ending one write, [ starting the next, on one line', ['x##', '[y\n'], 'x##\\[y\n'],
    ['# ending one write, #[ starting the next', ['x #', '#[y\n'], 'x ##\\[y\n'],
    ['a write of white space only keeps the line start', ['ok\n', '  ', '::error::x\n'], 'ok\n  \\::error::x\n'],
    ['a write that ends a line in the middle: the next write starts one', ['a\nb', ' ::x\n', '::y\n'], 'a\nb ::x\n\\::y\n'],
    ['a command after a no-break space', ['\u00a0::add-mask::x\n'], '\u00a0\\::add-mask::x\n'],
    ['a command after an ideographic space', ['\u3000::error::x\n'], '\u3000\\::error::x\n'],
  ])('%s', (_name, chunks, expected) => {
    expect(through(chunks)).toBe(expected);
  });

  test('stderr: lines cut at 1,000 characters, saying how many were left out; the next line is whole', () => {
    const out = through([`error: ${'x'.repeat(1200)}\n`, 'next\n'], { maxLine: 1000 });
    expect(out).toBe(`error: ${'x'.repeat(993)}… (207 more characters)\nnext\n`);
  });

  test('a cut drops the rest of the line, and never half a character or half an escape', () => {
    expect(through(['abcdefghi\u001bxyz\n'], { maxLine: 10 })).toBe('abcdefghi… (4 more characters)\n');
    expect(through(['aaaaaaaaa😀\n'], { maxLine: 10 })).toBe('aaaaaaaaa… (1 more characters)\n');
  });

  test('a long line written in pieces is cut once', () => {
    const out = through(['a'.repeat(600), 'b'.repeat(600), '\n'], { maxLine: 1000 });
    expect(out).toBe(`${'a'.repeat(600)}${'b'.repeat(400)}… (200 more characters)\n`);
  });

  test("a progress write may start with the terminal's erase-line sequence; the rest of it is guarded", () => {
    expect(through(['\r\u001b[Kplanning ci.yml: job \u001b[31mx (1/7)…', '\r\u001b[K'], { progress: true })).toBe('\r\u001b[Kplanning ci.yml: job \\u001b[31mx (1/7)…\r\u001b[K');
    expect(through(['\r\u001b[Kx'])).toBe('\\r\\u001b[Kx');
    // A repainted line starts again: a command at its start is made text.
    expect(through(['partial', '\r\u001b[K::error::x'], { progress: true })).toBe('partial\r\u001b[K\\::error::x');
  });

  test("the CLI's writers: stdout whole, stderr cut at 1,000 characters, progress only on a terminal", () => {
    const out = { stdout: '', stderr: '' };
    const sink = {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
    };
    const terminal = guardedWriters(sink, true);
    terminal.stdout(`${'o'.repeat(1500)}\n::x\n`);
    terminal.stderr(`${'e'.repeat(1500)}\n`);
    terminal.stderr('\r\u001b[Kp');
    expect(out.stdout).toBe(`${'o'.repeat(1500)}\n\\::x\n`);
    expect(out.stderr).toBe(`${'e'.repeat(1000)}… (500 more characters)\n\r\u001b[Kp`);
    const piped = { stdout: '', stderr: '' };
    guardedWriters(
      {
        stdout: (t) => {
          piped.stdout += t;
        },
        stderr: (t) => {
          piped.stderr += t;
        },
      },
      false,
    ).stderr('\r\u001b[Kp');
    expect(piped.stderr).toBe('\\r\\u001b[Kp');
  });
});

describe('the CLI writes through it (the committed bundle)', () => {
  const bundle = join(REPO_ROOT, 'scripts/dist/pipeline.cjs');

  test('a commit subject with a terminal escape and a body that starts a workflow command: the notes print them as text', () => {
    const { root } = makeRepo();
    commit(root, 'fix(alpha): \u001b]0;owned\u0007 a title\n\n::error::pwned\nmore', { 'services/alpha/src/main.ts': 'export const a = 2;\n' });
    const r = spawnSync(process.execPath, [bundle, 'release', 'notes', 'alpha', '--to', 'HEAD'], { cwd: root, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.status, r.stderr).toBe(0);
    // (Markdown escapes the bracket.)
    expect(r.stdout).toContain('\\u001b\\]0;owned\\u0007 a title');
    expect(r.stdout.includes('\u001b') || r.stdout.includes('\u0007')).toBe(false);
    expect(r.stdout).not.toMatch(/^\s*::/m);
  });

  test('no command: one line on stderr naming the commands, exit 2 (it printed the usage on stdout)', () => {
    const r = spawnSync(process.execPath, [bundle], { encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toBe(
      'error: expected a command, one of: affected, plan, verify-image, check-dockerfiles, tags, release, deploy, audit (pnpm pipeline --help says what each does)\n',
    );
  });
});
