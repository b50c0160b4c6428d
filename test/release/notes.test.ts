import { describe, expect, it } from 'vitest';
import { describeReason, escapeMarkdown, type NotesInput, type Reason, releaseNotes, renderNotesMarkdown } from '../../scripts/core/release/notes.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);
const E = 'e'.repeat(40);
const DIGEST = `sha256:${'f'.repeat(64)}`;

const input: NotesInput = {
  service: 'api-gateway',
  version: '1.5.0',
  from: 'api-gateway@1.4.0',
  to: 'api-gateway@1.5.0',
  serverUrl: 'https://github.com/',
  repository: 'kodingcaravan/platform',
  commits: [
    { sha: A, subject: 'feat(routes): add /v2/courses (#31)', body: '', reasons: [{ kind: 'folder', path: 'services/api-gateway' }] },
    { sha: B, subject: 'fix: retry upstream once', body: 'BREAKING CHANGE: upstream timeouts now 5 s', reasons: [{ kind: 'dependency', package: '@kodingcaravan/shared' }] },
    { sha: C, subject: 'chore(deps): bump zod (#30)', body: '', reasons: [{ kind: 'lockfile', packages: ['@kodingcaravan/shared', 'api-gateway'] }] },
    { sha: D, subject: 'Tidy the Dockerfile template', body: '', reasons: [{ kind: 'global', file: 'services/Dockerfile.template' }] },
    { sha: E, subject: 'fix(auth)!: refuse <script> [x](javascript:y) | z', body: '', reasons: [] },
  ],
  image: { repository: 'ghcr.io/kodingcaravan/api-gateway', digest: DIGEST, tags: ['1.5.0', '1.5', '1', 'latest'], provenance: `ghcr.io/kodingcaravan/api-gateway@${DIGEST}` },
};

describe('release notes', () => {
  it('groups by type, breaking changes first, with links and reasons (JSON)', () => {
    const notes = releaseNotes(input);
    expect(notes.compareUrl).toBe('https://github.com/kodingcaravan/platform/compare/api-gateway%401.4.0...api-gateway%401.5.0');
    expect(notes.sections.map((s) => [s.id, s.entries.map((e) => e.sha[0])])).toEqual([
      ['breaking', ['b', 'e']],
      ['feat', ['a']],
      ['chore', ['c']],
      ['other', ['d']],
    ]);
    expect(notes.sections[1]?.entries[0]).toEqual({
      sha: A,
      type: 'feat',
      scope: 'routes',
      breaking: false,
      description: 'add /v2/courses',
      commitUrl: `https://github.com/kodingcaravan/platform/commit/${A}`,
      pullRequest: 31,
      pullRequestUrl: 'https://github.com/kodingcaravan/platform/pull/31',
      reasons: ['services/api-gateway'],
    });
    expect(notes.sections[0]?.entries[0]?.reasons).toEqual(['via @kodingcaravan/shared']);
    expect(notes.sections[2]?.entries[0]?.reasons).toEqual(['lockfile: @kodingcaravan/shared, api-gateway']);
    expect(notes.sections[3]?.entries[0]?.reasons).toEqual(['global: services/Dockerfile.template']);
    expect(JSON.parse(JSON.stringify(notes))).toEqual(notes);
  });

  it('renders Markdown, escaping what a commit subject could inject', () => {
    expect(renderNotesMarkdown(releaseNotes(input))).toBe(
      [
        '## api-gateway 1.5.0',
        '',
        "Changes to api-gateway's inputs since `api-gateway@1.4.0`. [Compare](https://github.com/kodingcaravan/platform/compare/api-gateway%401.4.0...api-gateway%401.5.0)",
        '',
        '### Breaking changes',
        '',
        `- fix: retry upstream once ([bbbbbbb](https://github.com/kodingcaravan/platform/commit/${B})) (\`via @kodingcaravan/shared\`)`,
        `- fix: **auth:** refuse \\<script\\> \\[x\\]\\(javascript:y\\) \\| z ([eeeeeee](https://github.com/kodingcaravan/platform/commit/${E}))`,
        '',
        '### Features',
        '',
        `- **routes:** add /v2/courses ([aaaaaaa](https://github.com/kodingcaravan/platform/commit/${A}), [#31](https://github.com/kodingcaravan/platform/pull/31)) (\`services/api-gateway\`)`,
        '',
        '### Chores',
        '',
        `- **deps:** bump zod ([ccccccc](https://github.com/kodingcaravan/platform/commit/${C}), [#30](https://github.com/kodingcaravan/platform/pull/30)) (\`lockfile: @kodingcaravan/shared, api-gateway\`)`,
        '',
        '### Other changes',
        '',
        `- Tidy the Dockerfile template ([ddddddd](https://github.com/kodingcaravan/platform/commit/${D})) (\`global: services/Dockerfile.template\`)`,
        '',
        '### Image',
        '',
        '| | |',
        '|---|---|',
        '| repository | `ghcr.io/kodingcaravan/api-gateway` |',
        `| digest | \`${DIGEST}\` |`,
        '| tags | `1.5.0`, `1.5`, `1`, `latest` |',
        `| provenance | \`ghcr.io/kodingcaravan/api-gateway@${DIGEST}\` |`,
        '',
      ].join('\n'),
    );
  });

  it('a first release without commits or image', () => {
    const notes = releaseNotes({ ...input, version: '1.0.0', from: undefined, to: 'api-gateway@1.0.0', commits: [], image: undefined });
    expect(notes).toMatchObject({ from: null, compareUrl: null, sections: [], image: null });
    expect(renderNotesMarkdown(notes)).toBe("## api-gateway 1.0.0\n\nFirst release.\n\nNo commit touched this service's inputs.\n");
  });

  it('a backtick or a line break in a reason cannot break out of its code span or table row', () => {
    const notes = releaseNotes({ ...input, commits: [{ sha: A, subject: 'fix: a\nb', body: '', reasons: [{ kind: 'global', file: 'x`|\ny' }] }], image: undefined });
    expect(renderNotesMarkdown(notes)).toContain(`- a b ([aaaaaaa](https://github.com/kodingcaravan/platform/commit/${A})) (\`global: x' y\`)`);
  });
});

describe('release notes: sections and reasons', () => {
  const commit = (sha: string, subject: string, body = '') => ({ sha, subject, body, reasons: [] });

  it('a type outside the known sections and a non-conventional subject go to "Other changes"; a breaking one goes first, typed only when it has a type', () => {
    const notes = releaseNotes({
      ...input,
      commits: [commit(A, 'wip: half a feature'), commit(B, 'Rework the cache', 'BREAKING CHANGE: the cache format changed'), commit(C, 'feat!: drop v1'), commit(D, 'Tidy up')],
      image: undefined,
    });
    expect(notes.sections.map((s) => [s.id, s.title, s.entries.map((e) => e.sha[0])])).toEqual([
      ['breaking', 'Breaking changes', ['b', 'c']],
      ['other', 'Other changes', ['a', 'd']],
    ]);
    const markdown = renderNotesMarkdown(notes);
    expect(markdown).toContain(`\n- Rework the cache ([bbbbbbb](https://github.com/kodingcaravan/platform/commit/${B}))\n`);
    expect(markdown).toContain(`\n- feat: drop v1 ([ccccccc](https://github.com/kodingcaravan/platform/commit/${C}))\n`);
  });

  it('sections follow the Conventional Commit types in a fixed order, whatever the commit order', () => {
    const types = ['chore', 'style', 'ci', 'test', 'docs', 'build', 'deps', 'refactor', 'revert', 'perf', 'fix', 'feat'];
    const notes = releaseNotes({ ...input, commits: types.map((t, i) => commit(String(i).padStart(40, '0'), `${t}: x`)), image: undefined });
    expect(notes.sections.map((s) => s.title)).toEqual([
      'Features',
      'Bug fixes',
      'Performance',
      'Reverts',
      'Refactoring',
      'Dependencies',
      'Build',
      'Documentation',
      'Tests',
      'CI',
      'Style',
      'Chores',
    ]);
  });

  it('a commit without a pull request has no pull-request link; several reasons are listed comma-separated', () => {
    const notes = releaseNotes({
      ...input,
      commits: [
        {
          sha: A,
          subject: 'fix: x',
          body: '',
          reasons: [
            { kind: 'folder', path: 'services/api-gateway' },
            { kind: 'global', file: '.npmrc' },
          ],
        },
      ],
      image: undefined,
    });
    expect(notes.sections[0]?.entries[0]).toMatchObject({ pullRequest: null, pullRequestUrl: null });
    expect(renderNotesMarkdown(notes)).toContain(`- x ([aaaaaaa](https://github.com/kodingcaravan/platform/commit/${A})) (\`services/api-gateway\`, \`global: .npmrc\`)\n`);
  });

  it('links are made from the server URL without its trailing slashes', () => {
    const notes = releaseNotes({ ...input, serverUrl: 'https://ghe.example.com//', commits: [commit(A, 'fix: x (#5)')], image: undefined });
    expect(notes.compareUrl).toBe('https://ghe.example.com/kodingcaravan/platform/compare/api-gateway%401.4.0...api-gateway%401.5.0');
    expect(notes.sections[0]?.entries[0]).toMatchObject({
      commitUrl: `https://ghe.example.com/kodingcaravan/platform/commit/${A}`,
      pullRequestUrl: 'https://ghe.example.com/kodingcaravan/platform/pull/5',
    });
  });

  it.each<[Reason, string]>([
    [{ kind: 'folder', path: 'services/api-gateway' }, 'services/api-gateway'],
    [{ kind: 'dependency', package: '@kodingcaravan/shared' }, 'via @kodingcaravan/shared'],
    [{ kind: 'lockfile', packages: ['zod'] }, 'lockfile: zod'],
    [{ kind: 'lockfile', packages: [] }, 'lockfile (every importer)'],
    [{ kind: 'global', file: 'pnpm-workspace.yaml' }, 'global: pnpm-workspace.yaml'],
  ])('reason %j reads %j', (reason, text) => {
    expect(describeReason(reason)).toBe(text);
  });

  it.each([
    ['a\r\nb', 'a b'],
    ['a\n\n\nb', 'a b'],
    ['1*2_3', '1\\*2\\_3'],
    ['`x`', '\\`x\\`'],
    ['{a}', '\\{a\\}'],
    ['#1 + !x ~y &amp;', '\\#1 \\+ \\!x \\~y \\&amp;'],
    ['C:\\dir', 'C:\\\\dir'],
    ['plain text, 1.4.0 - ok', 'plain text, 1.4.0 - ok'],
  ])('outside text %j is escaped as %j', (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });

  it('the version in the heading is escaped too', () => {
    expect(renderNotesMarkdown(releaseNotes({ ...input, version: 'sha_abc', commits: [], image: undefined }))).toMatch(/^## api-gateway sha\\_abc\n/);
  });
});
