/**
 * Glob patterns (pnpm-workspace.yaml's `packages`, the config's global inputs and ignore list) as
 * path tests. The patterns these files hold in practice (literal segments, `*`, `?`, `**` segments)
 * compile here to one regular expression, with picomatch's semantics; anything else (braces,
 * classes, extglobs, negation, escapes) goes to picomatch itself, loaded only when such a pattern is
 * there: `pipeline affected` should not load and run a glob library for `services/*` (picomatch's
 * matchers cost more than the rest of classifying 5,000 files).
 *
 * Paths are what git stores: relative, `/`-separated, no empty, `.` or `..` segments, no trailing
 * slash. On those, a simple pattern here and picomatch agree (the tests compare them).
 */

export type PathTest = (path: string) => boolean;

export interface GlobOptions {
  /** `*`, `?` and `**` also match names that start with a dot (picomatch's `dot`). */
  readonly dot: boolean;
}

/** picomatch's shape, for the patterns this file does not compile itself. */
export type GlobEngine = (globs: readonly string[], options: GlobOptions) => PathTest;

const SIMPLE_SEGMENT = /^[A-Za-z0-9._*?-]+$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A segment without `**`: literal characters, `*` (any run, not `/`), `?` (one character, not `/`). */
function segmentSource(segment: string, dot: boolean): string {
  const wild = segment[0] === '*' || segment[0] === '?';
  // picomatch: a wildcard does not match a leading dot unless `dot`; and never `.` or `..`.
  const guard = wild ? (dot ? '(?!\\.{1,2}(?:/|$))' : '(?!\\.)') : '';
  if (segment === '*') return `${guard}[^/]+`;
  let out = guard;
  for (const c of segment) out += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : escapeRegExp(c);
  return out;
}

/** The regular expression source (unanchored) of a simple glob, or undefined when it needs picomatch. */
export function simpleGlobSource(glob: string, options: GlobOptions): string | undefined {
  const segments = glob.split('/');
  for (const s of segments) {
    if (s === '**') continue;
    if (!SIMPLE_SEGMENT.test(s) || s.includes('**') || s === '.' || s === '..') return undefined;
  }
  // `a/**/**/b` is `a/**/b`.
  // Stryker disable next-line ArithmeticOperator: equivalent: keeping the last `**` of a run instead of the first leaves the same pattern
  const parts = segments.filter((s, i) => s !== '**' || segments[i - 1] !== '**');
  // picomatch's `**` is built on `.`, which stops at line terminators (a `*` does not).
  const any = `${options.dot ? '(?!\\.{1,2}(?:/|$))' : '(?!\\.)'}[^/\\n\\r\\u2028\\u2029]+`;
  if (parts.length === 1 && parts[0] === '**') return `${any}(?:/${any})*`;
  let out = '';
  parts.forEach((part, i) => {
    const first = i === 0;
    const last = i === parts.length - 1;
    if (part === '**') {
      // Zero or more segments: the separators come with them, so `a/**` matches `a` and `**/x` matches `x`.
      out += first ? `(?:${any}/)*` : `(?:/${any})*${last ? '' : '/'}`;
      return;
    }
    out += `${first || parts[i - 1] === '**' ? '' : '/'}${segmentSource(part, options.dot)}`;
  });
  return out;
}

/** The engine (picomatch) when some of the globs need it; undefined when all are simple. */
export async function globEngineFor(globs: readonly string[]): Promise<GlobEngine | undefined> {
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: whether a glob is simple does not depend on `dot`
  if (globs.every((g) => simpleGlobSource(g, { dot: false }) !== undefined)) return undefined;
  const { default: picomatch } = await import('picomatch');
  return (patterns, options) => picomatch([...patterns], { dot: options.dot });
}

/** Matches when any of the globs does. `engine` is required when a glob is not simple (see globEngineFor). */
export function compileGlobs(globs: readonly string[], options: GlobOptions, engine?: GlobEngine): PathTest {
  // Stryker disable next-line ArrayDeclaration: equivalent on git paths: a stray entry adds the one path 'Stryker was here' to what matches
  const sources: string[] = [];
  const rest: string[] = [];
  for (const g of globs) {
    const source = simpleGlobSource(g, options);
    if (source === undefined) rest.push(g);
    else sources.push(source);
  }
  const re = sources.length > 0 ? new RegExp(`^(?:${sources.join('|')})$`) : undefined;
  if (rest.length === 0) return re ? (path) => re.test(path) : () => false;
  if (!engine) throw new Error(`glob ${JSON.stringify(rest[0])} needs picomatch: get an engine from globEngineFor first`);
  const other = engine(rest, options);
  return re ? (path) => re.test(path) || other(path) : other;
}
