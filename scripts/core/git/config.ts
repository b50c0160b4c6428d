/**
 * git's config file format (git-config(1), CONFIGURATION FILE), read without a git process: the one
 * value a local run needs (the origin's URL) is not worth one. Sections `[section]` and
 * `[section "subsection"]` (the old `[section.subsection]` form too), `key = value` lines, comments
 * from `#` or `;` outside quotes, double-quoted parts with `\"`, `\\`, `\n`, `\t` and `\b` escapes, and
 * a backslash at the end of a line continuing the value. Section and key names are case-insensitive,
 * subsections are not. `include` and `includeIf` are not followed (a URL set through an included file
 * is not seen: the caller then has none, as with no remote).
 */

/** `section.subsection.key` (section and key lower case) -> its values, in file order. */
export type GitConfig = ReadonlyMap<string, readonly string[]>;

// Stryker disable next-line Regex: static (module-level), so StrykerJS runs it only with the first test that imports this module; the config tests in test/pipeline/git-parsers.test.ts fail on each variant but \S*\], which differs only on whitespace before ], a line git refuses
const SECTION = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\s*\]/;
// Stryker disable next-line Regex: static (module-level), so StrykerJS runs it only with the first test that imports this module; the config tests in test/pipeline/git-parsers.test.ts fail on each variant
const KEY = /^([A-Za-z][A-Za-z0-9-]*)\s*(=)?/;

function unescapeSubsection(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** A value's text from `from` (just after `=`), with the lines it continues onto; where it ends. */
function readValue(lines: readonly string[], index: number, from: string): { value: string; next: number } {
  let out = '';
  let quoted = false;
  let text = from;
  let i = index;
  // Spaces are kept only between other characters, as git keeps them (leading and trailing ones go).
  let pendingSpace = '';
  for (;;) {
    let continued = false;
    for (let k = 0; k < text.length; k++) {
      const c = text.charAt(k);
      if (!quoted && (c === '#' || c === ';')) break;
      if (c === '"') {
        quoted = !quoted;
        continue;
      }
      if (c === '\\') {
        if (k === text.length - 1) {
          continued = true;
          break;
        }
        const e = text.charAt(++k);
        const escaped = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'b' ? '\b' : e;
        out += pendingSpace + escaped;
        pendingSpace = '';
        continue;
      }
      if (!quoted && (c === ' ' || c === '\t')) {
        if (out !== '') pendingSpace += c;
        continue;
      }
      out += pendingSpace + c;
      pendingSpace = '';
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: past the last line, lines[i] ?? '' reads as an empty line, which ends the value the same way (next then only passes the end); !continued is pinned by the continuation test
    if (!continued || i + 1 >= lines.length) return { value: out, next: i + 1 };
    i++;
    // Stryker disable next-line StringLiteral: i < lines.length here, so the fallback '' is never used
    text = lines[i] ?? '';
  }
}

export function parseGitConfig(text: string): GitConfig {
  const out = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  let section: string | undefined;
  // Stryker disable next-line EqualityOperator: one more pass reads lines[lines.length] as '', which holds no key
  for (let i = 0; i < lines.length; ) {
    // Stryker disable next-line StringLiteral: i < lines.length, so the fallback '' is never used
    let line = (lines[i] ?? '').trimStart();
    if (line.startsWith('[')) {
      const m = SECTION.exec(line);
      // Stryker disable next-line ConditionalExpression: group 1 is not optional in SECTION, so m[1] === undefined never holds once m matched (!m is pinned by the broken-header test)
      if (!m || m[1] === undefined) {
        section = undefined;
        i++;
        continue;
      }
      const name = m[1];
      const dot = name.indexOf('.');
      // `[section.subsection]`: the deprecated form, its subsection lower case.
      section =
        m[2] !== undefined
          ? `${name.toLowerCase()}.${unescapeSubsection(m[2])}`
          : // Stryker disable next-line ConditionalExpression: true is equivalent: lower-casing the whole dotted name or its two parts around the dot gives the same text (false is pinned by the tests)
            dot === -1
            ? name.toLowerCase()
            : `${name.slice(0, dot).toLowerCase()}.${name.slice(dot + 1).toLowerCase()}`;
      line = line.slice(m[0].length).trimStart();
      // Stryker disable next-line all: a shortcut: KEY needs a letter first, so an empty rest or a comment gives no key and is skipped below too (the key on the section line pins true)
      if (line === '' || line.startsWith('#') || line.startsWith(';')) {
        i++;
        continue;
      }
    }
    const key = KEY.exec(line);
    // Stryker disable next-line ConditionalExpression: group 1 is not optional in KEY, so key[1] === undefined never holds once key matched (the other conditions are pinned by the tests)
    if (section === undefined || !key || key[1] === undefined) {
      i++;
      continue;
    }
    const name = `${section}.${key[1].toLowerCase()}`;
    // `key` alone is boolean true.
    const { value, next } = key[2] === undefined ? { value: 'true', next: i + 1 } : readValue(lines, i, line.slice(key[0].length));
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
    i = next;
  }
  return out;
}

/** The URL of remote `name` (the last `url` given wins, as `git config --get` says), or undefined. */
export function remoteUrlOf(config: GitConfig, name: string): string | undefined {
  return config.get(`remote.${name}.url`)?.at(-1);
}
