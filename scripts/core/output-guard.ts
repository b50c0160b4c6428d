/**
 * The one guard on what the CLI writes (scripts/pipeline.ts wraps stdout and stderr with it): commands
 * print outside data (revision labels, deployment payloads, commit subjects, file names, event fields), and
 * on a GitHub runner a line of stdout or stderr is read for workflow commands: `::name::` after any white
 * space the runner trims (`::add-mask::`, `::error::`, `::stop-commands::`), and the old `##[name]` form
 * anywhere in the line; control characters act on a terminal. So a line-leading `::` gets a backslash,
 * every `##[` is written `##\[`, and every control character but the line feed and the tab is written as its
 * escape (core/exit-codes.ts `escapeControl`). Lines may be cut at `maxLine` characters (stderr: one
 * readable line per error): the rest of such a line is dropped whole, never half a character or half an
 * escape. A `progress` writer (a terminal's stderr) may start a write with ERASE_LINE, which a progress
 * line repaints with; nothing else passes unescaped. Stateful across writes: a line continued by the next
 * write is no line start. Pure.
 */
import { escapeControl, MAX_LINE } from './exit-codes.js';

/** Carriage return and "erase to the end of the line": how a progress line on a terminal repaints itself. */
export const ERASE_LINE = '\r\u001b[K';

export function outputGuard(options: { readonly maxLine?: number; readonly progress?: boolean } = {}): (text: string) => string {
  let atLineStart = true;
  let length = 0;
  let dropped = 0;
  // The last two characters written on this line: a `##[` may be split across writes.
  // Stryker disable next-line StringLiteral: equivalent: any start that does not end in ## reads the same
  let tail = '';
  return (text) => {
    let out = '';
    let rest = text;
    if (options.progress === true && rest.startsWith(ERASE_LINE)) {
      out += ERASE_LINE;
      rest = rest.slice(ERASE_LINE.length);
      atLineStart = true;
      length = 0;
      // Stryker disable next-line StringLiteral: equivalent: any text that does not end in ## reads the same
      tail = '';
    }
    let i = 0;
    for (const c of rest) {
      const at = i;
      i += c.length;
      if (c === '\n') {
        out += `${dropped > 0 ? `… (${dropped} more characters)` : ''}\n`;
        atLineStart = true;
        length = 0;
        dropped = 0;
        // Stryker disable next-line StringLiteral: equivalent: any text that does not end in ## reads the same
        tail = '';
        continue;
      }
      let piece = c === '\t' ? c : escapeControl(c);
      // The first character after any white space the runner would trim: a command's `::` is made text.
      if (atLineStart && !/\s/.test(c)) {
        if (rest.startsWith('::', at)) piece = `\\${piece}`;
        atLineStart = false;
      }
      // Stryker disable next-line MethodExpression: equivalent: tail holds two characters at most, so startsWith is endsWith
      if (c === '[' && tail.endsWith('##')) piece = `\\${piece}`;
      // Stryker disable next-line MethodExpression: equivalent: without the slice tail only grows; endsWith reads the same
      tail = `${tail}${c}`.slice(-2);
      // Stryker disable next-line ConditionalExpression: equivalent: with no maxLine the comparison with undefined is false anyway
      if (dropped > 0 || (options.maxLine !== undefined && length + piece.length > options.maxLine)) {
        dropped += 1;
        continue;
      }
      out += piece;
      length += piece.length;
    }
    return out;
  };
}

/** The CLI's two writers, guarded: stdout as it is, stderr cut at MAX_LINE and, on a terminal, with progress lines. */
export function guardedWriters(
  write: { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void },
  stderrIsTTY: boolean,
): { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void } {
  const stdout = outputGuard();
  const stderr = outputGuard({ maxLine: MAX_LINE, progress: stderrIsTTY });
  return { stdout: (text) => write.stdout(stdout(text)), stderr: (text) => write.stderr(stderr(text)) };
}
