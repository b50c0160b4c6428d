/**
 * The parsers of git's output (scripts/core/git/), on literal strings and buffers written here by
 * hand from git's documented formats (git-log(1) placeholders, git-cat-file(1) BATCH OUTPUT, the tree
 * object format), as dorny/paths-filter tests its git output: no git process, except as the
 * reference for the config file format (`git config --file`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { commitParents } from '../../scripts/core/git/commit-object.js';
import { parseGitConfig, remoteUrlOf } from '../../scripts/core/git/config.js';
import { type Scan, scanAnswer, TYPE_CODES, typeNamed } from '../../scripts/core/git/cat-file.js';
import { parseLog, parseTagList } from '../../scripts/core/git/log.js';
import { parseTree, subtrees } from '../../scripts/core/git/tree.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('parseLog: `git log --format=%H%x00%P%x00%s%x00%b%x1e`', () => {
  test('records as git prints them: a newline after each separator, the last body ending in newlines', () => {
    const text = `${A}\0${B}\0fix: one\0\x1e\n${B}\0${C} ${A}\0Merge branch 'x'\0body line 1\n\nbody line 3\n\n\x1e\n${C}\0\0root commit\0\x1e\n`;
    expect(parseLog(text)).toEqual([
      { sha: A, parents: [B], subject: 'fix: one', body: '' },
      { sha: B, parents: [C, A], subject: "Merge branch 'x'", body: 'body line 1\n\nbody line 3' },
      { sha: C, parents: [], subject: 'root commit', body: '' },
    ]);
  });

  test('a parent is never read with a space around it (the pull-request path compares it with the base)', () => {
    const [entry] = parseLog(`${A}\0${B} ${C}\0s\0\x1e`);
    expect(entry?.parents).toEqual([B, C]);
    for (const parent of entry?.parents ?? []) expect(parent).toMatch(/^[0-9a-f]{40}$/);
  });

  test('a subject holding spaces and a body starting with a newline keep them', () => {
    expect(parseLog(`${A}\0\0a  b \0\nindented\x1e`)).toEqual([{ sha: A, parents: [], subject: 'a  b ', body: '\nindented' }]);
  });

  test('a record cut short: the fields it lacks are empty', () => {
    expect(parseLog(`${A}\x1e${B}\0${C}\x1e`)).toEqual([
      { sha: A, parents: [], subject: '', body: '' },
      { sha: B, parents: [C], subject: '', body: '' },
    ]);
  });

  test('no output: no entries', () => {
    expect(parseLog('')).toEqual([]);
    expect(parseLog('\n')).toEqual([]);
  });
});

describe('parseTagList: `git tag --list --format=%(refname:strip=2)%00%(objectname)%00%(*objectname)`', () => {
  test('a lightweight tag names its commit; an annotated one is peeled to the commit it tags', () => {
    expect(parseTagList(`api@1.0.0\0${A}\0\nweb@2.0.0\0${B}\0${C}\n`)).toEqual([
      { name: 'api@1.0.0', commit: A },
      { name: 'web@2.0.0', commit: C },
    ]);
  });
  test('a line cut short: a tag without its object has no commit', () => {
    expect(parseTagList('api@1.0.0\n')).toEqual([{ name: 'api@1.0.0', commit: '' }]);
  });
  test('no tags: nothing', () => {
    expect(parseTagList('')).toEqual([]);
  });
});

/** A tree object's bytes, entry by entry: `<mode> <name>\0<hash bytes>`. */
function tree(entries: Array<[string, string, string]>): Buffer {
  return Buffer.concat(entries.flatMap(([mode, name, hex]) => [Buffer.from(`${mode} ${name}\0`, 'utf8'), Buffer.from(hex, 'hex')]));
}

const H1 = '0123456789abcdef0123456789abcdef01234567';
const H2 = 'fedcba9876543210fedcba9876543210fedcba98';
const H256 = `${H1}${H2.slice(0, 24)}`;

describe('tree objects', () => {
  const mixed = tree([
    ['100644', 'README.md', H1],
    ['40000', 'packages', H2],
    ['100755', 'run.sh', H2],
    ['120000', 'link', H1],
    ['160000', 'vendor', H1],
    ['40000', 'sérvices', H1],
  ]);

  test('parseTree: every entry with its mode, name, hash, and whether it is a folder', () => {
    expect(parseTree(mixed)).toEqual([
      { mode: '100644', name: 'README.md', sha: H1, isTree: false },
      { mode: '40000', name: 'packages', sha: H2, isTree: true },
      { mode: '100755', name: 'run.sh', sha: H2, isTree: false },
      { mode: '120000', name: 'link', sha: H1, isTree: false },
      { mode: '160000', name: 'vendor', sha: H1, isTree: false },
      { mode: '40000', name: 'sérvices', sha: H1, isTree: true },
    ]);
  });

  test('subtrees: only the folders (mode 40000; a submodule, 160000, is none), names decoded as UTF-8', () => {
    expect(subtrees(mixed)).toEqual([
      { name: 'packages', sha: H2 },
      { name: 'sérvices', sha: H1 },
    ]);
  });

  test('a SHA-256 repository: 32-byte hashes', () => {
    const t = tree([
      ['40000', 'a', H256],
      ['100644', 'b', H256],
    ]);
    expect(parseTree(t, 32)).toEqual([
      { mode: '40000', name: 'a', sha: H256, isTree: true },
      { mode: '100644', name: 'b', sha: H256, isTree: false },
    ]);
    expect(subtrees(t, 32)).toEqual([{ name: 'a', sha: H256 }]);
  });

  test('ASCII names beside hashes of ASCII bytes (nothing to decode)', () => {
    const plain = tree([
      ['40000', 'lib', '11'.repeat(20)],
      ['100644', 'x', '22'.repeat(20)],
      ['40000', 'app', '33'.repeat(20)],
    ]);
    expect(subtrees(plain)).toEqual([
      { name: 'lib', sha: '11'.repeat(20) },
      { name: 'app', sha: '33'.repeat(20) },
    ]);
  });

  test('an empty tree has no entries', () => {
    expect(parseTree(Buffer.alloc(0))).toEqual([]);
    expect(subtrees(Buffer.alloc(0))).toEqual([]);
  });

  test.each([
    ['no space after the mode', Buffer.from('100644')],
    ['no NUL after the name', Buffer.from('100644 name')],
    ['no space, though a NUL ends it', Buffer.concat([Buffer.from('100644name\0'), Buffer.alloc(20)])],
  ])('a malformed tree (%s) is an error, not a wrong listing', (_, bytes) => {
    expect(() => parseTree(bytes)).toThrow('malformed tree object');
    expect(() => subtrees(bytes)).toThrow('malformed tree object');
  });
});

describe('git cat-file answers (scanAnswer)', () => {
  const fresh = (): Scan => ({ type: undefined, shaEnd: 0, contentStart: 0, contentEnd: 0, next: 0, need: 0 });

  test.each<[string, string, ReturnType<typeof typeNamed>]>([
    ['blob', 'blob', 'blob'],
    ['tree', 'tree', 'tree'],
    ['commit', 'commit', 'commit'],
    ['tag', 'tag', 'tag'],
    ['a four-letter name starting with t, not tree', 'tick', undefined],
    ['an unknown name', 'bobs', 'blob'],
    ['a six-letter name not starting with c', 'commix', 'commit'],
    ['five letters', 'blobs', undefined],
    ['five letters starting with t', 'trees', undefined],
    ['four letters starting with neither b nor t, r second', 'crab', undefined],
    ['three letters not starting with t', 'bog', undefined],
    ['three letters starting with c', 'cat', undefined],
    ['six letters not starting with c', 'zipped', undefined],
  ])('typeNamed: %s', (_, name, expected) => {
    // Only the length and the first two letters are read: git prints no other type names.
    expect(typeNamed(name.length, name.charCodeAt(0), name.charCodeAt(1))).toBe(expected);
  });

  test('the one-byte codes: 0 is missing, and each of the four types has a code of its own that reads back as it', () => {
    expect(TYPE_CODES[0]).toBeUndefined();
    const types = ['blob', 'tree', 'commit', 'tag'] as const;
    const codes = types.map((t) => TYPE_CODES.indexOf(t));
    expect(new Set(codes).size).toBe(4);
    for (const [i, t] of types.entries()) {
      expect(codes[i]).toBeGreaterThan(0);
      expect(codes[i]).toBeLessThan(256);
      expect(TYPE_CODES[codes[i] ?? 0]).toBe(t);
    }
  });

  test('two full answers in a row: type, hash, contents, and where the next one starts', () => {
    const text = `${A} blob 5\nhello\n${B} tree 0\n\n`;
    const out = fresh();
    expect(scanAnswer(text, 0, false, out)).toBe(true);
    expect({ type: out.type, sha: text.slice(0, out.shaEnd), content: text.slice(out.contentStart, out.contentEnd) }).toEqual({ type: 'blob', sha: A, content: 'hello' });
    const second = out.next;
    expect(second).toBe(`${A} blob 5\nhello\n`.length);
    expect(scanAnswer(text, second, false, out)).toBe(true);
    expect({ type: out.type, sha: text.slice(second, out.shaEnd), content: text.slice(out.contentStart, out.contentEnd), next: out.next }).toEqual({
      type: 'tree',
      sha: B,
      content: '',
      next: text.length,
    });
  });

  test('contents holding newlines and a size of several digits', () => {
    const body = 'line\n'.repeat(25); // 125 bytes
    const text = `${A} blob 125\n${body}\n`;
    const out = fresh();
    expect(scanAnswer(text, 0, false, out)).toBe(true);
    expect(text.slice(out.contentStart, out.contentEnd)).toBe(body);
    expect(out.next).toBe(text.length);
  });

  test('a header-only answer (`info`): the type and no contents', () => {
    const text = `${A} commit 231\n${B} blob 7\n`;
    const out = fresh();
    expect(scanAnswer(text, 0, true, out)).toBe(true);
    expect({ type: out.type, content: text.slice(out.contentStart, out.contentEnd), next: out.next }).toEqual({ type: 'commit', content: '', next: `${A} commit 231\n`.length });
  });

  test.each(['missing', 'ambiguous'])('`<spec> %s`: no type, the next answer after its line', (word) => {
    const text = `HEAD:nope ${word}\n${A} blob 1\nx\n`;
    const out = fresh();
    out.type = 'blob';
    expect(scanAnswer(text, 0, false, out)).toBe(true);
    expect(out.type).toBeUndefined();
    expect(out.next).toBe(`HEAD:nope ${word}\n`.length);
  });

  test('an answer not all there yet: false, with the bytes it needs once its header is known', () => {
    const out = fresh();
    expect(scanAnswer(`${A} blob 10\nhel`, 0, false, out)).toBe(false);
    // header (40 + 1 + 4 + 1 + 2 + 1 = 49 bytes) + 10 bytes of contents + the closing newline
    expect(out.need).toBe(49 + 10 + 1);
    expect(scanAnswer(`${A} blo`, 0, false, out)).toBe(false);
    expect(out.need).toBe(0);
    expect(scanAnswer(`${A} blob 3\nabc`, 0, false, out)).toBe(false);
  });

  test('an answer not all there yet after another one: the bytes it needs counted from its own start', () => {
    const first = `${A} blob 1\nx\n`;
    const out = fresh();
    expect(scanAnswer(`${first}${B} blob 10\nhel`, first.length, false, out)).toBe(false);
    expect(out.need).toBe(49 + 10 + 1);
  });

  test('an answer git would never print is an error naming it', () => {
    expect(() => scanAnswer(`${A} tick 3\nabc\n`, 0, false, fresh())).toThrow(`git cat-file: unexpected answer "${A} tick 3"`);
    expect(() => scanAnswer(`${A}blob 3\nabc\n`, 0, false, fresh())).toThrow('git cat-file: unexpected answer');
    expect(() => scanAnswer(`${A} blobx3\nabc\n`, 0, false, fresh())).toThrow(`git cat-file: unexpected answer "${A} blobx3"`);
  });
});

describe('git config files (parseGitConfig): the origin URL as `git config --get` reads it', () => {
  const URL = 'https://github.com/acme/shop.git';
  test.each<[string, string, string | undefined]>([
    ['as git writes it', `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${URL}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`, URL],
    ['another remote first', `[remote "upstream"]\n\turl = https://x.example/u.git\n[remote "origin"]\n\turl = ${URL}\n`, URL],
    ['no origin', '[remote "upstream"]\n\turl = https://x.example/u.git\n', undefined],
    ['a remote whose name only starts with origin', '[remote "origin2"]\n\turl = https://x.example/o2.git\n', undefined],
    ['section and key in any case', `[REMOTE "origin"]\n\tURL = ${URL}\n`, URL],
    ['a subsection is case-sensitive', `[remote "Origin"]\n\turl = ${URL}\n`, undefined],
    ['spaces around = and a trailing comment', `[remote "origin"]\n  url   =   ${URL}   # where we push\n`, URL],
    ['a ; comment', `[remote "origin"]\n\turl = ${URL} ; note\n`, URL],
    ['a quoted value keeps # and ;', '[remote "origin"]\n\turl = "https://x.example/a#b;c.git"\n', 'https://x.example/a#b;c.git'],
    ['escapes in a quoted value', '[remote "origin"]\n\turl = "https://x.example/\\"q\\"\\\\.git"\n', 'https://x.example/"q"\\.git'],
    ['a value continued on the next line', '[remote "origin"]\n\turl = https://x.example/\\\nshop.git\n', 'https://x.example/shop.git'],
    ['the last url wins', `[remote "origin"]\n\turl = https://x.example/old.git\n\turl = ${URL}\n`, URL],
    ['the same section twice', `[remote "origin"]\n\tfetch = x\n[core]\n\tbare = false\n[remote "origin"]\n\turl = ${URL}\n`, URL],
    ['a subsection holding an escaped quote', `[remote "or\\"igin"]\n\turl = https://x.example/q.git\n[remote "origin"]\n\turl = ${URL}\n`, URL],
    ['a key on the section line', `[remote "origin"] url = ${URL}\n`, URL],
    ['CRLF line ends', `[remote "origin"]\r\n\turl = ${URL}\r\n`, URL],
    ['commented-out lines', `# [remote "origin"]\n; url = https://x.example/no.git\n[remote "origin"]\n#\turl = https://x.example/no.git\n\turl = ${URL}\n`, URL],
    ['url outside any section', `url = ${URL}\n`, undefined],
    ['a broken header, then a good one on the same line', `[a b] [remote "origin"]\n\turl = ${URL}\n`, undefined],
    ['spaces between the section and its subsection', `[remote   "origin"]\n\turl = ${URL}\n`, URL],
    ['a commented-out url after the real one', `[remote "origin"]\n\turl = ${URL}\n#\turl = https://x.example/no.git\n`, URL],
    ['trailing spaces without a comment', `[remote "origin"]\n\turl = ${URL}   \n`, URL],
    ['a tab between = and the value', `[remote "origin"]\n\turl =\t${URL}\n`, URL],
    ['spaces inside an unquoted value are kept', '[remote "origin"]\n\turl = https://x.example/a  b.git\n', 'https://x.example/a  b.git'],
    ['the \\n, \\t and \\b escapes', '[remote "origin"]\n\turl = "a\\nb\\tc\\bd"\n', 'a\nb\tc\bd'],
    ['the deprecated [section.subsection] form (its subsection lower-cased)', '[remote.Origin]\n\turl = https://x.example/dep.git\n', 'https://x.example/dep.git'],
    ['a broken section header: git refuses the file', `[remote "origin"]\n[remote "x\n\turl = https://x.example/no.git\n`, undefined],
    // A file git refuses gives no value at all, wherever the bad line is (git config --get fails on it).
    ['a bad line after the url', `[remote "origin"]\n\turl = ${URL}\n[broken\n`, undefined],
    ['a space before the closing bracket', `[remote "origin" ]\n\turl = ${URL}\n`, undefined],
    ['a space after the opening bracket', `[ remote "origin"]\n\turl = ${URL}\n`, undefined],
    ['an empty section name', `[]\n[remote "origin"]\n\turl = ${URL}\n`, undefined],
    ['a character no section name holds', `[remote_x]\n[remote "origin"]\n\turl = ${URL}\n`, undefined],
    ['more after the subsection', `[remote "origin"x]\n\turl = ${URL}\n`, undefined],
    ['a newline inside a subsection', `[remote "ori\\\ngin"]\n\turl = ${URL}\n`, undefined],
    ['a key with a character no key holds', `[remote "origin"]\n\turl = ${URL}\n\tfetch_x = y\n`, undefined],
    ['a key that starts with a digit', `[remote "origin"]\n\turl = ${URL}\n\t1x = y\n`, undefined],
    ['a key followed by a word, not =', `[remote "origin"]\n\turl = ${URL}\n\tprune now\n`, undefined],
    ['an escape git does not know', '[remote "origin"]\n\turl = https://x.example/a\\qb.git\n', undefined],
    ['a quote left open at the end of the line', `[remote "origin"]\n\turl = "${URL}\n`, undefined],
    ['a form feed before a key', `[remote "origin"]\n\f\turl = ${URL}\n`, undefined],
    ['a subsection without its opening quote', `[remote xorigin"]\n\turl = ${URL}\n`, undefined],
    ['a section header without its closing bracket', `[remote "origin"\n\turl = ${URL}\n`, undefined],
    ['an escaped newline inside a later subsection', `[remote "origin"]\n\turl = ${URL}\n[x "a\\\nb"]\n`, undefined],
    // What git accepts that a stricter reader might not.
    ['a space before an empty quoted part is kept', '[remote "origin"]\n\turl = https://x.example/a ""\n', 'https://x.example/a '],
    ['spaces around an empty quoted part inside a value', '[remote "origin"]\n\turl = https://x.example/a "" b.git\n', 'https://x.example/a  b.git'],
    ['quoted spaces at the end are kept, unquoted ones are not', '[remote "origin"]\n\turl = https://x.example/a "  " \n', 'https://x.example/a   '],
    ['a carriage return before the line end is whitespace', `[remote "origin"]\n\turl = ${URL}\r\r\n`, URL],
    ['a UTF-8 byte order mark', `\uFEFF[remote "origin"]\n\turl = ${URL}\n`, URL],
    ['a tab between the section and its subsection', `[remote\t"origin"]\n\turl = ${URL}\n`, URL],
    ['an empty section name before a subsection', `[ "origin"]\n\turl = https://x.example/no.git\n[remote "origin"]\n\turl = ${URL}\n`, URL],
    ['a comment after the section header', `[remote "origin"] # the one we push to\n\turl = ${URL}\n`, URL],
    ['a key ending in -', `[remote "origin"]\n\tx- = 1\n\turl = ${URL}\n`, URL],
    ['a value continued inside quotes', '[remote "origin"]\n\turl = "https://x.example/\\\nshop.git"\n', 'https://x.example/shop.git'],
    ['a comment on the line a value is continued onto', '[remote "origin"]\n\turl = https://x.example/a.git\\\n# no\n', 'https://x.example/a.git'],
    ['a value that is only a backslash at the end of the file', '[remote "origin"]\n\turl = \\', ''],
    ['no newline at the end of the file', `[remote "origin"]\n\turl = ${URL}`, URL],
    ['a value cut at a NUL byte, as git keeps it as a C string', '[remote "origin"]\n\turl = https://x.example/a\u0000b\n', 'https://x.example/a'],
    ['a tab between the key and =', `[remote "origin"]\n\turl\t= ${URL}\n`, URL],
    ['a value continued across a CRLF line end', '[remote "origin"]\r\n\turl = https://x.example/\\\r\nshop.git\r\n', 'https://x.example/shop.git'],
  ])('%s', (_, text, expected) => {
    expect(remoteUrlOf(parseGitConfig(text), 'origin')).toBe(expected);
    // git itself as the reference: the same file read by `git config --file`.
    const dir = mkdtempSync(join(tmpdir(), 'gitconfig-'));
    try {
      writeFileSync(join(dir, 'config'), text);
      const r = spawnSync('git', ['config', '--file', join(dir, 'config'), '--get', 'remote.origin.url'], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
      expect(r.status === 0 ? r.stdout.replace(/\n$/, '') : undefined).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a url written without a value is no URL: git remote get-url refuses it ("missing value")', () => {
    expect(remoteUrlOf(parseGitConfig('[remote "origin"]\n\turl\n'), 'origin')).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'gitconfig-'));
    try {
      spawnSync('git', ['init', '-q', dir]);
      writeFileSync(join(dir, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl\n');
      const r = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/missing value/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every value of a key is kept, in file order (what `git config --get-all` lists)', () => {
    expect(parseGitConfig('[remote "origin"]\n\turl = a\n\turl = b\n').get('remote.origin.url')).toEqual(['a', 'b']);
  });

  test('a subsection is kept with its escapes undone', () => {
    expect([...parseGitConfig('[remote "or\\"ig\\\\in"]\n\turl = q\n')]).toEqual([['remote.or"ig\\in.url', ['q']]]);
  });

  test('a key before any section header is named by itself, as `git config --list` names it', () => {
    expect([...parseGitConfig('url = top\n[core]\n\tbare = false\n')]).toEqual([
      ['url', ['top']],
      ['core.bare', ['false']],
    ]);
  });

  // git 2.45 (f0b8944, "config: really keep value-internal whitespace verbatim") keeps the whitespace inside
  // an unquoted value as written; older git, like the 2.39 of this machine, turns each such character into a
  // space, so git here is not the reference for these rows. GitHub's runners have a newer git.
  test.each<[string, string, string]>([
    ['a tab inside an unquoted value', '[remote "origin"]\n\turl = https://x.example/a\tb.git\n', 'https://x.example/a\tb.git'],
    ['a carriage return inside an unquoted value', '[remote "origin"]\n\turl = https://x.example/a\rb.git\n', 'https://x.example/a\rb.git'],
    ['a tab and spaces before a comment', '[remote "origin"]\n\turl = https://x.example/a.git \t ;c\n', 'https://x.example/a.git'],
  ])('%s (as git 2.45 and later read it)', (_, text, expected) => {
    expect(remoteUrlOf(parseGitConfig(text), 'origin')).toBe(expected);
  });

  test('a refused file has no value at all, not only none after the bad line', () => {
    expect([...parseGitConfig('[core]\n\tbare = false\n[remote "origin" ]\n')]).toEqual([]);
  });

  test('a key without a value has none (null: true as a boolean); keys are lower-cased under their section', () => {
    const config = parseGitConfig('[core]\n\tBare\n[Remote "x"]\n\tPushURL = p\n');
    expect(config.get('core.bare')).toEqual([null]);
    expect(config.get('remote.x.pushurl')).toEqual(['p']);
  });
});

describe('commit objects (commitParents)', () => {
  test.each<[string, string, string[]]>([
    ['a root commit', `tree ${A}\nauthor a <a@x> 1 +0000\ncommitter a <a@x> 1 +0000\n\nroot\n`, []],
    ['one parent', `tree ${A}\nparent ${B}\nauthor a <a@x> 1 +0000\n\nmsg\n`, [B]],
    ['a merge: parents in order', `tree ${A}\nparent ${B}\nparent ${C}\nauthor a <a@x> 1 +0000\n\nmerge\n`, [B, C]],
    ['a message line that looks like a header is not one', `tree ${A}\nparent ${B}\n\nparent ${C}\n`, [B]],
  ])('%s', (_, content, expected) => {
    expect(commitParents(content)).toEqual(expected);
  });
});
