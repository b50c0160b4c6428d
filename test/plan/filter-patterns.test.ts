// GitHub's "Filter pattern cheat sheet", as a table: each row is a pattern list, a value and the expected selection.
import { describe, expect, test } from 'vitest';
import { patternToRegExp, selectedBy } from '../../scripts/plan/filter-patterns.js';

const CASES = [
  // branches and tags
  [['feature/*'], 'feature/my-branch', true],
  [['feature/*'], 'feature/your/branch', false],
  [['feature/**'], 'feature/your/branch', true],
  [['main'], 'main', true],
  [['main'], 'main2', false],
  [['*'], 'main', true],
  [['*'], 'releases/v1', false],
  [['**'], 'releases/v1', true],
  [['*-alpha'], 'v2-alpha', true],
  [['v2*'], 'v2', true],
  [['v2*'], 'v2.9', true],
  [['v2*'], 'v1.9', false],
  [['v[12].[0-9]+.[0-9]+'], 'v1.10.1', true],
  [['v[12].[0-9]+.[0-9]+'], 'v2.0.0', true],
  [['v[12].[0-9]+.[0-9]+'], 'v3.0.0', false],
  [['v[12].[0-9]+.[0-9]+'], 'v1..0', false],
  [['*@[0-9]+.[0-9]+.[0-9]+'], 'auth-service@1.2.3', true],
  [['*@[0-9]+.[0-9]+.[0-9]+'], 'auth-service@1.2', false],
  // `?` and `+` quantify the preceding character; `.` is literal
  [['*.jsx?'], 'page.js', true],
  [['*.jsx?'], 'page.jsx', true],
  [['*.jsx?'], 'page.jsxx', false],
  [['v1.0'], 'v1x0', false],
  [['ab+c'], 'abbbc', true],
  [['ab+c'], 'ac', false],
  // paths
  [['*'], 'README.md', true],
  [['*'], 'docs/README.md', false],
  [['**.js'], 'src/js/app.js', true],
  [['**.js'], 'src/app-js', false],
  [['docs/*'], 'docs/README.md', true],
  [['docs/*'], 'docs/file/x.md', false],
  [['docs/**'], 'docs/mona/octocat.txt', true],
  [['docs/**/*.md'], 'docs/README.md', true],
  [['docs/**/*.md'], 'docs/mona/hello-world.md', true],
  [['docs/**/*.md'], 'docs/a/markdown/file.txt', false],
  [['**/docs/**'], 'docs/hello.md', true],
  [['**/docs/**'], 'space/docs/plan/space.doc', true],
  [['**/README.md'], 'README.md', true],
  [['**/README.md'], 'js/README.md', true],
  [['**/*src/**'], 'my-src/code/js/app.js', true],
  [['**/*-post.md'], 'path/their-post.md', true],
  [['**/migrate-*.sql'], 'db/migrate-v1.0.sql', true],
  [['\\*.md'], '*.md', true],
  [['\\*.md'], 'x.md', false],
  // ordered lists with negations: the last matching pattern decides
  [['*.md', '!README.md'], 'hello.md', true],
  [['*.md', '!README.md'], 'README.md', false],
  [['*.md', '!README.md', 'README*'], 'README.md', true],
  [['feature/**', '!feature/wip'], 'feature/wip', false],
  [['!feature/wip'], 'main', false],
  [['!feature/wip'], 'feature/wip', false],
  [['feature/**', '!feature/wip', '!feature/old'], 'feature/old', false],
  [['feature/**', '!feature/wip', '!feature/old'], 'feature/new', true],
  [['a', 'b'], 'b', true],
  [['x!y'], 'x!y', true],
  // `[]` lists characters or ranges; `^` inside is one of them (no negation in GitHub's syntax)
  [['[CB]at'], 'Cat', true],
  [['[CB]at'], 'Bat', true],
  [['[CB]at'], 'Hat', false],
  [['[1-2]00'], '200', true],
  [['[1-2]00'], '300', false],
  [['[^a]'], '^', true],
  [['[^a]'], 'a', true],
  [['[^a]'], 'b', false],
  [['x][ab]'], 'x]a', true],
  // brackets that hold nothing or never close are literal
  [['a[]'], 'a[]', true],
  [['a[bc'], 'a[bc', true],
  [['a[bc'], 'ab', false],
  // a backslash escapes the next character; a trailing one is itself
  [['\\*+'], '***', true],
  [['\\*+'], 'x', false],
  [['a\\'], 'a\\', true],
  [['a\\'], 'a', false],
  [['\\[ab]'], '[ab]', true],
  [['\\[ab]'], 'a', false],
  // `?` and `+` with no preceding character to quantify (at the start, after `*` or another quantifier) are literal
  [['+1'], '+1', true],
  [['?x'], '?x', true],
  [['?x'], 'x', false],
  [['v*+'], 'v1+', true],
  [['v*+'], 'v1', false],
  [['ab+?'], 'abb?', true],
  [['ab+?'], 'abb', false],
  [['[0-9]?x'], 'x', true],
  [['**/*.md?'], 'a/b.m', true],
] as const;

// One positive pattern on its own, compiled afresh (matchesPattern caches compiled patterns).
const SINGLE = CASES.flatMap(([patterns, value, expected]) => (patterns.length === 1 && !patterns[0].startsWith('!') ? [[patterns[0], value, expected] as const] : []));

describe('GitHub filter patterns', () => {
  test.each(CASES)('%j selects %s: %s', (patterns, value, expected) => {
    expect(selectedBy(patterns, value)).toBe(expected);
  });

  test.each(SINGLE)('%j matches %s: %s', (pattern, value, expected) => {
    expect(patternToRegExp(pattern).test(value)).toBe(expected);
  });

  test('patterns compile to anchored expressions that treat regex characters literally', () => {
    expect(patternToRegExp('a(b)|c').test('a(b)|c')).toBe(true);
    expect(patternToRegExp('a(b)|c').test('c')).toBe(false);
  });
});
