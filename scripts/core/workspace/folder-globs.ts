/**
 * The pnpm-workspace globs as tests on folders: which folder is a package folder, which could hold
 * one below it (so its tree is worth reading), and the folders the globs start from. Pure: the folder
 * listing is the caller's (git trees or the disk).
 */
import { compileGlobs, globEngineFor, type PathTest } from './glob.js';

export interface GlobMatcher {
  /** The folder is a package folder candidate. */
  isPackageDir(path: string): boolean;
  /** A package folder could lie below this folder. */
  mayContain(path: string): boolean;
}

/** A folder glob as folders are written here: no leading `./`, no trailing slashes. */
function folderGlob(glob: string): string {
  let folder = glob;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: a glob of only slashes is absolute, refused or dropped before (the bound keeps `/` itself from becoming '')
  while (folder.length > 1 && folder.endsWith('/')) folder = folder.slice(0, -1);
  // `./` and `.//` are the root folder (`.`), as `.` is: never an empty pattern.
  return folder.startsWith('./') ? folder.slice(2) : folder;
}

/** What a workspace glob does: adds folders, takes them away (`body` without its `!`), or nothing. */
export type GlobRole = { readonly kind: 'include' | 'exclude'; readonly body: string } | { readonly kind: 'dropped' };

/**
 * A workspace glob's role as pnpm 10 reads it (tinyglobby's `processPatterns`): a leading `!` excludes the rest
 * unless a `(` follows it (`!(tools)` is an extglob: every folder but tools); after a second `!` the glob is
 * dropped (`!!x`), unless a `(` follows that (`!!(x)` excludes `!(x)`).
 */
export function globRole(glob: string): GlobRole {
  if (glob[0] !== '!' || glob[1] === '(') return { kind: 'include', body: glob };
  // A `!` alone, or before an absolute path, excludes nothing (pnpm lists every package): read as not there.
  if (glob.length === 1 || glob[1] === '/') return { kind: 'dropped' };
  if (glob[1] !== '!' || glob[2] === '(') return { kind: 'exclude', body: glob.slice(1) };
  return { kind: 'dropped' };
}

function withRole(globs: readonly string[], kind: 'include' | 'exclude'): string[] {
  const out: string[] = [];
  for (const glob of globs) {
    const role = globRole(glob);
    if (role.kind === kind) out.push(folderGlob(role.body));
  }
  return out;
}

function includes(globs: readonly string[]): string[] {
  return withRole(globs, 'include');
}

function excludes(globs: readonly string[]): string[] {
  return withRole(globs, 'exclude');
}

/**
 * The index of the segment where a `{...}` or `(...)` group holding a `/` opens (`packages/{a,b/c}`: 1),
 * or -1 when there is none. Escaped characters (`\{`) open no group.
 */
export function segmentOfGroupWithSlash(glob: string): number {
  let depth = 0;
  let segment = 0;
  // Where the open group started: a group inside it opens in the same segment (a '/' in between returns).
  // Stryker disable next-line UnaryOperator: equivalent: read only while a group is open, which sets it
  let openedIn = -1;
  // Stryker disable next-line EqualityOperator: equivalent: one past the end reads undefined, which no branch takes
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{' || c === '(') {
      openedIn = segment;
      depth++;
    } else if ((c === '}' || c === ')') && depth > 0) depth--;
    else if (c === '/') {
      if (depth > 0) return openedIn;
      segment++;
    }
  }
  return -1;
}

/** The pnpm-workspace globs as folder tests, with picomatch's semantics (loaded only for globs that need it). */
export async function globMatcher(globs: readonly string[]): Promise<GlobMatcher> {
  const include = includes(globs);
  const exclude = excludes(globs);
  const engine = await globEngineFor([...include, ...exclude]);
  // Stryker disable next-line ObjectLiteral: compileGlobs reads an absent dot as false (dot: true is pinned by the tests)
  const compile = (patterns: readonly string[]): PathTest => compileGlobs(patterns, { dot: false }, engine);
  const isIncluded = compile(include);
  const isExcluded = compile(exclude);
  // Per glob: a test for each proper prefix of its segments, or `deep` from the segment with `**` on
  // (or with a brace or extglob group that holds a `/`, which no split on `/` can cut into segments).
  const prefixes = include.map((glob) => {
    const segments = glob.split('/');
    const grouped = segmentOfGroupWithSlash(glob);
    const starred = segments.findIndex((s) => s.includes('**'));
    const deepAt = grouped === -1 ? starred : starred === -1 ? grouped : Math.min(grouped, starred);
    const upto = deepAt === -1 ? segments.length - 1 : deepAt;
    // Below the prefix, a `**` matches no folder whose name starts with a dot (picomatch's `dot: false`, as pnpm
    // globs): such a folder can lead to a package only when a segment of the deep part matches its name
    // (`.config` of `**/.config/*`, `[.]x`), so the walk enters no other (`.git`, `.cache`). A group holding a
    // `/` cannot be cut into segments: there, a name the glob spells out, or any when it has a class.
    // Stryker disable next-line StringLiteral,ConditionalExpression,MethodExpression: equivalent: a `**` kept among the name tests matches no name starting with a dot (dot: false), the only names asked; the static part's segments kept too only let the walk enter more folders, whose paths the glob itself then refuses
    const deep = segments.slice(upto).filter((s) => s !== '**');
    const dotName: PathTest = grouped === -1 ? compile(deep) : (name) => glob.includes(name) || glob.includes('[');
    return { deepAt, dotName, tests: Array.from({ length: upto }, (_, i) => compile([segments.slice(0, i + 1).join('/')])) };
  });
  return {
    isPackageDir: (path) => isIncluded(path) && !isExcluded(path),
    mayContain(path) {
      let depth = 1;
      for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) depth++;
      return prefixes.some(({ deepAt, dotName, tests }) => {
        // Stryker disable next-line OptionalChaining,BooleanLiteral: 1 <= depth <= tests.length here, so tests[depth - 1] is always there (?. and ?? false are for the types)
        if (depth <= tests.length) return tests[depth - 1]?.(path) ?? false;
        if (deepAt === -1) return false;
        const segments = path.split('/');
        if (segments.some((s, i) => i >= tests.length && s.startsWith('.') && !dotName(s))) return false;
        // Stryker disable next-line OptionalChaining,BooleanLiteral: tests is not empty here, so its last test is always there (?. and ?? false are for the types)
        return tests.length === 0 || (tests[tests.length - 1]?.(segments.slice(0, tests.length).join('/')) ?? false);
      });
    },
  };
}

/** A test of folders against globs (the service folder globs), with picomatch's semantics; none matches nothing. */
export async function folderTest(globs: readonly string[]): Promise<PathTest> {
  const patterns = globs.map(folderGlob);
  // Stryker disable next-line ObjectLiteral: equivalent: no `dot` is dot: false
  return compileGlobs(patterns, { dot: false }, await globEngineFor(patterns));
}

const GLOB_SYNTAX = /[*?[\]{}()!+@\\,]/;

/**
 * The folders the include globs start from: their leading literal segments (`services` for
 * `services/*`, '' for `*\/pkg`), never a package folder itself. Every package folder, and so every
 * file the graph is read from, lies in one of their trees.
 */
export function globRoots(globs: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const glob of includes(globs)) {
    const segments = glob.split('/');
    let n = segments.findIndex((s) => GLOB_SYNTAX.test(s) || s === '.' || s === '..');
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,ArithmeticOperator: findIndex gives -1 or an index below the length, and slice(0, -1) is slice(0, length - 1): the line only spells the -1 case out
    if (n === -1 || n > segments.length - 1) n = segments.length - 1;
    roots.add(segments.slice(0, n).join('/'));
  }
  return [...roots].sort();
}
