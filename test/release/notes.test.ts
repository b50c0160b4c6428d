import { describe, expect, it } from 'vitest';
import { type NotesInput, releaseNotes, renderNotesMarkdown } from '../../scripts/core/release/notes.js';

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
