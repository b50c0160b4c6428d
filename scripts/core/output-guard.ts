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

/** A character to escape: every control character but the tab and the line feed, and the Unicode line separators. */
// Stryker disable Regex: equivalent: a negated class only sends more writes to the loop, which writes the same
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it looks for
const TO_ESCAPE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
// Stryker restore Regex

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
    // The fast path: a write with nothing to escape, no `::` and no `##[` (nor one completed from the last
    // write's end) passes as it is; only the state is carried on. The character loop below took 70-200 ms
    // over the 700 kB answer of `affected` on the spread scenario; these three scans take about 1 ms.
    // (A progress write starts with ERASE_LINE, control characters: it always takes the loop.)
    // Stryker disable ConditionalExpression,BooleanLiteral,LogicalOperator,EqualityOperator,MethodExpression,StringLiteral,BlockStatement: equivalent where a variant only sends a write to the loop, which writes the same (a variant that lets an unsafe write pass is killed by the tables)
    if (options.maxLine === undefined && !TO_ESCAPE.test(text) && !text.includes('::') && !text.includes('##[') && !`${tail}${text.slice(0, 2)}`.includes('##[')) {
      // Stryker restore ConditionalExpression,BooleanLiteral,LogicalOperator,EqualityOperator,MethodExpression,StringLiteral,BlockStatement
      const end = text.lastIndexOf('\n');
      // Stryker disable next-line ConditionalExpression: equivalent: slice(-1 + 1) is the whole text too
      const line = end === -1 ? text : text.slice(end + 1);
      if (end !== -1) atLineStart = true;
      if (/\S/.test(line)) atLineStart = false;
      // Stryker disable next-line MethodExpression,StringLiteral: equivalent: a longer tail, or a placeholder before a new line's text, ends the same
      tail = `${end === -1 ? tail : ''}${line}`.slice(-2);
      return text;
    }
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
