/**
 * The `packages:` globs of pnpm-workspace.yaml, read without a YAML library when the file is in the
 * plain block form pnpm documents (`packages:` then `  - 'glob'` lines). Anything else returns
 * undefined and the caller falls back to the full YAML parser (workspace-yaml.ts), loaded on demand:
 * `pipeline affected` should not pay for a YAML parser on every run.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';

const TOP = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/;
// A plain scalar must not start with a YAML indicator ([ { ! & * | > % @ ` , ? : -); those go to the full parser.
// Inside it, `#` starts a comment only after a space and `: ` makes a map: a `#` right after the text, or a colon
// before a space or the end, goes to the full parser too.
const ITEM = /^\s+-\s+(?:'([^']*)'|"([^"\\]*)"|([^\s'"#[\]{}!&*|>%@`,?:-](?:[^#:]|:(?=\S))*?))(?:\s+#.*)?\s*$/;

export function parseWorkspaceGlobsFast(text: string): string[] | undefined {
  const globs: string[] = [];
  let inPackages = false;
  let seen = false;
  for (const raw of text.split('\n')) {
    // Only the carriage return of a CRLF line end goes: one inside a line stays in the value, as in the YAML parser's.
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (line.includes('\t')) return undefined;
    if (!line.startsWith(' ') && !line.startsWith('-')) {
      const m = TOP.exec(line);
      if (!m) return undefined;
      // Stryker disable next-line Regex,StringLiteral: equivalent: TOP's `\s+` takes the spaces after the colon, so the value never holds a space before '#' and this replace never matches (a key with a comment goes to the YAML parser); the `?? ''` on this line is covered by every `packages:` line
      const value = m[2]?.replace(/\s+#.*$/, '') ?? '';
      inPackages = m[1] === 'packages';
      if (inPackages) {
        if (seen || value !== '') return undefined;
        seen = true;
      }
      continue;
    }
    if (!inPackages) continue;
    const m = ITEM.exec(line);
    if (!m) return undefined;
    const plain = m[3];
    const glob = m[1] ?? m[2] ?? plain;
    // Stryker disable next-line ConditionalExpression: equivalent for `glob === undefined` as false: one of ITEM's three groups always takes part (the check is for the types)
    if (glob === undefined || glob === '') return undefined;
    // A plain scalar YAML's core schema reads as no string (null, a boolean, a number): the full parser
    // refuses it, as the disk loader does, so this path does not read it as a glob. (An integer is also a
    // float by the last pattern.)
    const coreNonString =
      /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
    // Stryker disable next-line ConditionalExpression: equivalent for `plain !== undefined` as true: test(undefined) reads "undefined", which is no such scalar
    if (plain !== undefined && coreNonString.test(plain)) return undefined;
    globs.push(glob);
  }
  return seen && globs.length > 0 ? globs : undefined;
}

/**
 * Each glob must name folders inside the workspace, as pnpm reads them: relative (`services/*`), with a
 * leading `!` to exclude; never absolute, never through `..`, no backslash or control character.
 */
export function checkWorkspaceGlobs(file: string, globs: readonly string[]): readonly string[] {
  for (const glob of globs) {
    const body = glob.startsWith('!') ? glob.slice(1) : glob;
    const why =
      body === ''
        ? 'it is empty'
        : body.startsWith('/')
          ? 'it is absolute'
          : body.split('/').includes('..')
            ? 'it leaves the workspace (..)'
            : [...body].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
              ? 'it holds a backslash or a control character'
              : undefined;
    if (why !== undefined)
      throw new InputError(`${file}: the package glob ${quote(glob)} is not usable: ${why}; expected a folder glob relative to the workspace root, e.g. services/*`);
  }
  return globs;
}
