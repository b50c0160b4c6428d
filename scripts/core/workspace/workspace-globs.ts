/**
 * The `packages:` globs of pnpm-workspace.yaml, read without a YAML library when the file is in the
 * plain block form pnpm documents (`packages:` then `  - 'glob'` lines). Anything else returns
 * undefined and the caller falls back to the full YAML parser (workspace-yaml.ts), loaded on demand:
 * `pipeline affected` should not pay for a YAML parser on every run.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';
import { globRole } from './folder-globs.js';

// YAML's white space is the space and the tab only (a no-break space is text), and a tab goes to the full parser.
const TOP = /^([A-Za-z_][\w-]*):(?: +(.*))?$/;
// A plain scalar must not start with a YAML indicator ([ { ! & * | > % @ ` , ? : -); those go to the full parser.
// Inside it, `#` starts a comment only after a space and `: ` makes a map: a `#` right after the text, or a colon
// before a space or the end, goes to the full parser too.
const ITEM = /^( +)- +(?:'([^']*)'|"([^"\\]*)"|([^ '"#[\]{}!&*|>%@`,?:-](?:[^#:]|:(?=[^ ]))*?))(?: +#.*)? *$/;
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;

/**
 * Line breaks as YAML reads them: CRLF, and a lone CR too (pnpm's js-yaml breaks a line there; the `yaml`
 * library would keep it in the value), both made LF before either reader sees the text.
 */
export function normalizeLineBreaks(text: string): string {
  // Stryker disable next-line StringLiteral: equivalent: the replace leaves a text without a CR as it is (the test only spares the copy)
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * The globs when the file is in the plain block form, else undefined (the full parser decides). Only the
 * `packages:` block is read item by item, each at the first item's indentation: a line more or less indented
 * (a plain scalar going on, or a YAML error) is left to the parser, as is anything indented before the first
 * key. The other keys' blocks are skipped unread: an error inside one is not seen (pnpm itself refuses such a
 * file when it installs), and the packages block of a valid file is read as YAML reads it.
 */
export function parseWorkspaceGlobsFast(source: string): string[] | undefined {
  const text = normalizeLineBreaks(source);
  const globs: string[] = [];
  // Stryker disable next-line BooleanLiteral: equivalent: before the first key an indented line returns, and every key sets it
  let inPackages = false;
  let seen = false;
  let keyed = false;
  let indent: string | undefined;
  for (const line of text.split('\n')) {
    if (BLANK_OR_COMMENT.test(line)) continue;
    // Stryker disable next-line ConditionalExpression: equivalent where the rest reads such a line at all: a tab inside a plain or quoted item is text to YAML too (and checkWorkspaceGlobs refuses it); the check keeps tabs out of the indentation rules above
    if (line.includes('\t')) return undefined;
    // A document start marker before the first key is the one document's start; anywhere else, a second document.
    if (line.startsWith('---') || line.startsWith('...')) {
      if (line === '---' && !keyed) continue;
      return undefined;
    }
    if (!line.startsWith(' ') && !line.startsWith('-')) {
      const m = TOP.exec(line);
      if (!m) return undefined;
      keyed = true;
      // Stryker disable next-line Regex,StringLiteral: equivalent: TOP's ` +` takes the spaces after the colon, so the value never holds a space before '#' and this replace never matches (a key with a comment goes to the YAML parser); the `?? ''` on this line is covered by every `packages:` line
      const value = m[2]?.replace(/ +#.*$/, '') ?? '';
      inPackages = m[1] === 'packages';
      if (inPackages) {
        if (seen || value !== '') return undefined;
        seen = true;
      }
      continue;
    }
    // Another key's block (a list at the margin included): skipped; indented text before any key is an error or a value.
    if (!keyed) return undefined;
    if (!inPackages) continue;
    const m = ITEM.exec(line);
    if (!m) return undefined;
    indent ??= m[1];
    if (m[1] !== indent) return undefined;
    const plain = m[4];
    const glob = m[2] ?? m[3] ?? plain;
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
 * The package globs of pnpm-workspace.yaml's `text`, checked: by the fast reader when it can, else by the
 * YAML parser, loaded then (the disk and the git loaders both read the file so, and so agree).
 */
export async function readWorkspaceGlobs(file: string, text: string): Promise<readonly string[]> {
  const fast = parseWorkspaceGlobsFast(text);
  let globs: readonly string[];
  // Stryker disable next-line ConditionalExpression: equivalent: the YAML parser gives the globs the fast reader gives (the tables compare them); only slower
  if (fast) globs = checkWorkspaceGlobs(file, fast);
  else {
    const { parseWorkspaceYaml } = await import('./workspace-yaml.js');
    globs = checkWorkspaceGlobs(file, parseWorkspaceYaml(file, normalizeLineBreaks(text)).packages);
  }
  // A `|` is read by picomatch (pnpm's glob library and ours), loaded only then: whether it alternates whole
  // paths is what its expression says, whatever groups, classes or unclosed brackets surround it.
  // Stryker disable next-line MethodExpression,StringLiteral: equivalent: a glob without a | has no alternative in its expression (the filter spares picomatch)
  const barred = globs.filter((g) => g.includes('|'));
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: the loop over no glob does nothing (the test spares the import)
  if (barred.length > 0) {
    const { default: picomatch } = await import('picomatch');
    for (const glob of barred) {
      const role = globRole(glob);
      if (role.kind === 'dropped') continue;
      const { body } = role;
      let source: string;
      try {
        // Without picomatch's fast path, which escapes the | of a glob with no / ( [ { (`apps|libs`): pnpm appends
        // `/package.{json,yaml,json5}` to each glob, so its expression is always the full parser's.
        // Stryker disable next-line BooleanLiteral: equivalent: `dot` changes what a wildcard matches, not where a | stands
        source = picomatch.makeRe(body, { dot: false, fastpaths: false }).source;
      } catch (err) {
        throw new InputError(`${file}: the package glob ${quote(glob)} is not usable: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (hasTopLevelBar(source)) throw bareBar(file, glob);
    }
  }
  return globs;
}

/**
 * pnpm-workspace.yaml's `overrides` (overrides.ts), undefined when it has none that may point in the workspace. The
 * YAML parser is loaded only for a file whose text may hold such an override: the key and a `link:`, `file:`,
 * `workspace:` or `$` value, or an escape (`"\x6Fverrides"` is the same key): a workspace without overrides, or with
 * registry versions only (security pins), reads nothing more.
 */
export async function readWorkspaceOverrides(file: string, text: string): Promise<unknown> {
  const escaped = text.includes('\\');
  // Stryker disable next-line StringLiteral: equivalent for '': a text without the key parses to no overrides (the test spares loading the parser)
  if (!escaped && !(text.includes('overrides') && /link:|file:|workspace:|\$/.test(text))) return undefined;
  const { parseWorkspaceOverrides } = await import('./workspace-yaml.js');
  return parseWorkspaceOverrides(file, normalizeLineBreaks(text));
}

/**
 * Whether a regular expression's source has a `|` outside every group and class: picomatch's expression of a
 * glob is `^(?:…)$`, and such a `|` makes the glob an alternative of whole paths (`a/b|c` is `a\/b|c`).
 */
export function hasTopLevelBar(source: string): boolean {
  const body = source.startsWith('^(?:') && source.endsWith(')$') ? source.slice(4, -2) : source;
  let depth = 0;
  let inClass = false;
  // Stryker disable next-line EqualityOperator: equivalent: one past the end reads undefined, which no branch takes
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** A glob with a `|` that picomatch reads as an alternative of whole paths (see hasTopLevelBar). */
function bareBar(file: string, glob: string): InputError {
  return new InputError(
    `${file}: the package glob ${quote(glob)} is not usable: it holds a | outside a group, which pnpm reads as an alternative of the whole glob, found only when it searches from the workspace root (write a/@(b|c), or two globs); expected a folder glob relative to the workspace root, e.g. services/*`,
  );
}

/**
 * Each glob must name folders inside the workspace, as pnpm reads them: relative (`services/*`), with a
 * leading `!` to exclude; never absolute, never through `..`, no backslash or control character (the `|` check, which
 * needs picomatch, is readWorkspaceGlobs').
 */
export function checkWorkspaceGlobs(file: string, globs: readonly string[]): readonly string[] {
  for (const glob of globs) {
    const role = globRole(glob);
    // pnpm never reads a dropped glob (`!!x`): nothing to check.
    if (role.kind === 'dropped') continue;
    const { body } = role;
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
