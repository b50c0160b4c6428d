/**
 * The one guard on what the CLI writes (scripts/pipeline.ts wraps stdout and stderr with it): commands
 * print outside data (revision labels, deployment payloads, commit subjects, file names, event fields), and
 * on a GitHub runner a line of stdout or stderr that starts with `::` (or the old `##[`) is a workflow
 * command (`::add-mask::`, `::error::`, `::stop-commands::`), while control characters act on a terminal.
 * So no written line may start a command (a leading backslash makes it text), and every control character
 * but the line feed and the tab is written as its `\uXXXX` escape. Lines may be cut at `maxLine` characters
 * (stderr: one readable line per error). A `progress` writer (a terminal's stderr) may start a write with
 * the erase-line sequence `\r\x1b[K` that a progress line repaints with; nothing else passes unescaped.
 * Stateful across writes: a line continued by the next write is no line start. Pure.
 */
const ERASE_LINE = '\r\u001b[K';

function escaped(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\t') return c;
  if (c === '\r') return '\\r';
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 ? `\\u${code.toString(16).padStart(4, '0')}` : c;
}

export function outputGuard(options: { readonly maxLine?: number; readonly progress?: boolean } = {}): (text: string) => string {
  let atLineStart = true;
  let length = 0;
  let dropped = 0;
  const endLine = () => {
    const note = dropped > 0 ? `… (${dropped} more characters)` : '';
    atLineStart = true;
    length = 0;
    dropped = 0;
    return note;
  };
  return (text) => {
    let out = '';
    let rest = text;
    if (options.progress === true && rest.startsWith(ERASE_LINE)) {
      out += ERASE_LINE;
      rest = rest.slice(ERASE_LINE.length);
      atLineStart = true;
      length = 0;
    }
    for (let i = 0; i < rest.length; ) {
      const c = rest[i] ?? '';
      if (c === '\n') {
        out += `${endLine()}\n`;
        i++;
        continue;
      }
      if (atLineStart && c !== ' ' && c !== '\t') {
        // The first character after any indentation: a command's `::` or `##[` is made text.
        if (rest.startsWith('::', i) || rest.startsWith('##[', i)) out += '\\';
        atLineStart = false;
      }
      const piece = escaped(c);
      if (options.maxLine !== undefined && length + piece.length > options.maxLine) dropped += 1;
      else {
        out += piece;
        length += piece.length;
      }
      i++;
    }
    return out;
  };
}
