import { describe, expect, it } from 'vitest';
import { autoBump, type Bump, firstVersion, highestVersion, nextVersion, previousRelease } from '../../scripts/core/release/bump.js';
import { parseCommitMessage } from '../../scripts/core/release/conventional-commit.js';
import { formatVersion, parseVersion } from '../../scripts/core/release/version.js';
import { InputError } from '../../scripts/core/errors.js';

const msg = (subject: string, body = '') => ({ subject, body });

describe('Conventional Commit messages', () => {
  it.each([
    [msg('feat: add refunds'), { type: 'feat', scope: undefined, breaking: false, description: 'add refunds', pullRequest: undefined }],
    [msg('fix(auth): reject expired tokens (#42)'), { type: 'fix', scope: 'auth', breaking: false, description: 'reject expired tokens', pullRequest: 42 }],
    [msg('feat(api)!: drop v1 routes'), { type: 'feat', scope: 'api', breaking: true, description: 'drop v1 routes', pullRequest: undefined }],
    [msg('refactor!: new config'), { type: 'refactor', scope: undefined, breaking: true, description: 'new config', pullRequest: undefined }],
    [msg('Feat: capitalised type'), { type: 'feat', scope: undefined, breaking: false, description: 'capitalised type', pullRequest: undefined }],
    [msg('chore: bump', 'Details.\n\nBREAKING CHANGE: node 22 required'), { type: 'chore', breaking: true, description: 'bump' }],
    [msg('fix: x', 'BREAKING-CHANGE: y'), { type: 'fix', breaking: true }],
    [msg('fix: x', 'mentions a BREAKING CHANGE: in prose'), { type: 'fix', breaking: false }],
    [msg('Update README (#7)'), { type: undefined, scope: undefined, breaking: false, description: 'Update README', pullRequest: 7 }],
    [msg('feat:no space'), { type: undefined, description: 'feat:no space' }],
    [msg('feat(): empty scope'), { type: undefined }],
    [msg('Merge pull request #12 from x/y'), { type: undefined, pullRequest: undefined }],
    [msg('fix: see (#0)'), { description: 'see (#0)', pullRequest: undefined }],
    // The subject as git's %s gives it: one line, whitespace runs as one space, no leading or trailing space.
    [msg('  feat(api):   add\n  refunds  '), { type: 'feat', scope: 'api', breaking: false, description: 'add refunds' }],
    [msg('fix( auth ): x'), { type: 'fix', scope: 'auth', description: 'x' }],
    [msg('fix: x(#42)'), { description: 'x', pullRequest: 42 }],
    [msg('fix: x (#1234567890)'), { description: 'x', pullRequest: 1234567890 }],
    [msg('fix: x (#12345678901)'), { description: 'x (#12345678901)', pullRequest: undefined }],
    [msg('fix: revert (#42) and more'), { description: 'revert (#42) and more', pullRequest: undefined }],
    [msg('1feat: digit first'), { type: undefined, description: '1feat: digit first' }],
    [msg('see feat: not at the start'), { type: undefined, description: 'see feat: not at the start' }],
    [msg('Revert "feat: x" (#9)', 'BREAKING CHANGE: undone'), { type: undefined, breaking: true, description: 'Revert "feat: x"', pullRequest: 9 }],
  ])('%j', (message, expected) => {
    expect(parseCommitMessage(message)).toMatchObject(expected);
  });
});

describe('auto bump', () => {
  it.each([
    [[], 'patch'],
    [[msg('fix: a'), msg('docs: b')], 'patch'],
    [[msg('fix: a'), msg('feat: b')], 'minor'],
    [[msg('feat: a'), msg('fix!: b')], 'major'],
    [[msg('chore: a', 'BREAKING CHANGE: c')], 'major'],
    [[msg('not conventional at all')], 'patch'],
  ])('%j → %s', (commits, kind) => {
    expect(autoBump(commits)).toBe(kind);
  });
});

describe('next version', () => {
  const v = parseVersion;
  it.each<[string, string[], Bump, string[], string]>([
    ['auto: a feat → minor', ['1.3.0', '1.4.0', '1.2.9'], { kind: 'auto' }, ['feat: x'], '1.5.0'],
    ['auto: a fix → patch', ['1.4.0'], { kind: 'auto' }, ['fix: x'], '1.4.1'],
    ['auto: a breaking change → major', ['1.4.0'], { kind: 'auto' }, ['feat!: x'], '2.0.0'],
    ['auto: nothing conventional → patch', ['0.3.0'], { kind: 'auto' }, ['tidy'], '0.3.1'],
    ['patch', ['1.4.0'], { kind: 'patch' }, [], '1.4.1'],
    ['minor', ['1.4.2'], { kind: 'minor' }, [], '1.5.0'],
    ['major', ['1.4.2'], { kind: 'major' }, [], '2.0.0'],
    ['from the highest, not the newest: 1.3.5 was released after 1.4.0', ['1.4.0', '1.3.5'], { kind: 'patch' }, [], '1.4.1'],
    ['major from 2.0.0-rc.1 releases 2.0.0', ['1.9.0', '2.0.0-rc.1'], { kind: 'major' }, [], '2.0.0'],
    ['minor from 2.0.0-rc.1 releases 2.0.0', ['2.0.0-rc.1'], { kind: 'minor' }, [], '2.0.0'],
    ['patch from 2.0.0-rc.1 releases 2.0.0', ['2.0.0-rc.1'], { kind: 'patch' }, [], '2.0.0'],
    ['auto (feat) from 2.0.0-rc.1 releases 2.0.0', ['2.0.0-rc.1'], { kind: 'auto' }, ['feat: x'], '2.0.0'],
    ['major from 2.1.3-rc.1 → 3.0.0', ['2.1.3-rc.1'], { kind: 'major' }, [], '3.0.0'],
    ['minor from 2.1.3-rc.1 → 2.2.0', ['2.1.3-rc.1'], { kind: 'minor' }, [], '2.2.0'],
    ['patch from 2.1.3-rc.1 → 2.1.3', ['2.1.3-rc.1'], { kind: 'patch' }, [], '2.1.3'],
    ['major from 2.1.0-rc.1 → 3.0.0 (only an x.0.0 prerelease is released by major)', ['2.1.0-rc.1'], { kind: 'major' }, [], '3.0.0'],
    ['major from 2.0.1-rc.1 → 3.0.0', ['2.0.1-rc.1'], { kind: 'major' }, [], '3.0.0'],
    ['minor from 2.1.0-rc.1 releases 2.1.0', ['2.1.0-rc.1'], { kind: 'minor' }, [], '2.1.0'],
    ['minor from 2.0.1-rc.1 → 2.1.0', ['2.0.1-rc.1'], { kind: 'minor' }, [], '2.1.0'],
    ['an explicit prerelease', ['1.4.0'], { kind: 'version', version: v('2.0.0-rc.1') }, [], '2.0.0-rc.1'],
    ['an explicit next prerelease', ['2.0.0-rc.1'], { kind: 'version', version: v('2.0.0-rc.2') }, [], '2.0.0-rc.2'],
    ['an explicit version, first release', [], { kind: 'version', version: v('3.0.0') }, [], '3.0.0'],
    ['a maintenance release of an older line', ['1.3.4', '1.4.0'], { kind: 'version', version: v('1.3.5') }, [], '1.3.5'],
    ['a maintenance release of an older major (2.0.0 is another line)', ['1.0.0', '2.0.0'], { kind: 'version', version: v('1.0.1') }, [], '1.0.1'],
  ])('%s', (_name, released, bump, subjects, expected) => {
    // A ref that contains every release: the bump starts from the highest.
    const next = nextVersion({
      service: 'api-gateway',
      released: released.map(v),
      from: highestVersion(released.map(v)),
      bump,
      commits: subjects.map((s) => msg(s)),
      packageVersion: '1.0.0',
    });
    expect(formatVersion(next)).toBe(expected);
  });

  it.each([
    ['1.4.0', '1.4.0', '1.4'],
    ['1.4.0', '1.4.1', '1.4'],
    ['2.0.0-rc.1', '2.0.0', '2.0'],
    ['2.0.0-rc.1', '2.0.0-rc.2', '2.0'],
  ])('refuses explicit %s when %s is released (its line %s)', (asked, released, line) => {
    const call = () =>
      nextVersion({
        service: 'api-gateway',
        released: [v(released), v('0.9.0')],
        from: v(released),
        bump: { kind: 'version', version: v(asked) },
        commits: [],
        packageVersion: undefined,
      });
    expect(call).toThrow(InputError);
    expect(call).toThrow(`version "${asked}" of api-gateway is not greater than its highest release "${released}" in ${line}: expected a higher SemVer version`);
  });
});

describe('first release', () => {
  it.each<[string | undefined, string]>([
    ['1.0.0', '1.0.0'],
    ['0.1.0', '0.1.0'],
    ['0.4.2', '0.4.2'],
    ['0.0.9', '0.1.0'],
    ['0.1.0-rc.1', '0.1.0'],
    ['1.0.0-beta.1', '1.0.0-beta.1'],
    ['v1.0.0', '0.1.0'],
    ['not a version', '0.1.0'],
    [undefined, '0.1.0'],
  ])('package.json version %j → %s', (packageVersion, expected) => {
    expect(formatVersion(firstVersion(packageVersion))).toBe(expected);
  });

  it.each<Bump>([{ kind: 'auto' }, { kind: 'major' }, { kind: 'minor' }, { kind: 'patch' }])('bump %j is not applied to the first release', (bump) => {
    expect(formatVersion(nextVersion({ service: 's', released: [], from: undefined, bump, commits: [msg('feat!: x')], packageVersion: '1.0.0' }))).toBe('1.0.0');
  });
});

describe('a ref that does not contain every release (a maintenance branch, an older commit)', () => {
  const v = parseVersion;
  it.each<[string, string[], string | undefined, Bump, string]>([
    ['a patch of the 1.3 line beside 2.0.0', ['1.3.0', '2.0.0'], '1.3.0', { kind: 'patch' }, '1.3.1'],
    ['a minor of the 1.3 line beside 2.0.0', ['1.3.0', '2.0.0'], '1.3.0', { kind: 'minor' }, '1.4.0'],
    ['auto with a fix', ['1.0.0', '1.1.0'], '1.0.0', { kind: 'auto' }, '1.0.1'],
    ['nothing contained, nothing released in the first line', ['2.0.0'], undefined, { kind: 'patch' }, '1.0.0'],
  ])('%s', (_name, released, from, bump, expected) => {
    const next = nextVersion({
      service: 'api',
      released: released.map(v),
      from: from === undefined ? undefined : v(from),
      bump,
      commits: [{ subject: 'fix: x', body: '' }],
      packageVersion: '1.0.0',
    });
    expect(formatVersion(next)).toBe(expected);
  });

  it.each<[string[], string | undefined, Bump, string]>([
    [
      ['1.3.0', '1.3.1'],
      '1.3.0',
      { kind: 'patch' },
      'api: a patch bump from 1.3.0 (the newest release that --ref contains) gives 1.3.1, which is not greater than 1.3.1, released already in 1.3; release a ref that contains api@1.3.1, or give --version',
    ],
    [
      ['1.3.0', '1.4.2'],
      '1.3.0',
      { kind: 'auto' },
      'api: a minor (auto) bump from 1.3.0 (the newest release that --ref contains) gives 1.4.0, which is not greater than 1.4.2, released already in 1.4; release a ref that contains api@1.4.2, or give --version',
    ],
    [
      ['1.0.0'],
      undefined,
      { kind: 'major' },
      'api: the first version (no release that --ref contains) gives 1.0.0, which is not greater than 1.0.0, released already in 1.0; release a ref that contains api@1.0.0, or give --version',
    ],
  ])('refuses a version its line released already: %j from %j', (released, from, bump, message) => {
    const call = () =>
      nextVersion({
        service: 'api',
        released: released.map(v),
        from: from === undefined ? undefined : v(from),
        bump,
        commits: [{ subject: 'feat: y', body: '' }],
        packageVersion: '1.0.0',
      });
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });

  it.each<[string[], string, string | undefined]>([
    [['1.0.0', '1.1.0', '2.0.0'], '1.1.1', '1.1.0'],
    [['2.0.0', '1.0.0', '1.1.0'], '1.1.0', '1.0.0'],
    [['1.0.0'], '1.0.0', undefined],
    [[], '1.0.0', undefined],
    [['1.0.0-rc.1', '0.9.0'], '1.0.0', '1.0.0-rc.1'],
  ])('previousRelease(%j, below %s) is %s', (contained, version, expected) => {
    const releases = contained.map((c) => ({ tag: { version: v(c) } }));
    const found = previousRelease(releases, v(version));
    expect(found === undefined ? undefined : formatVersion(found.tag.version)).toBe(expected);
  });
});
