import { describe, expect, it } from 'vitest';
import { type DeployPlan, renderDeployPlan } from '../../scripts/core/deploy/plan.js';
import { releaseNotes } from '../../scripts/core/release/notes.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const REV1 = '0123456789ab'.padEnd(40, 'c');
const REV2 = 'ba9876543210'.padEnd(40, 'd');
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

const notes = releaseNotes({
  service: 'alpha',
  version: '1.5.0',
  from: 'alpha@1.4.0',
  to: 'alpha@1.5.0',
  serverUrl: 'https://github.com',
  repository: 'acme/shop',
  commits: [
    { sha: A, subject: 'feat: add refunds (#3)', body: '', reasons: [{ kind: 'folder', path: 'services/alpha' }] },
    { sha: B, subject: 'fix: round totals', body: '', reasons: [{ kind: 'dependency', package: '@kc/core' }] },
  ],
  image: undefined,
});

const ready: DeployPlan = {
  service: 'alpha',
  environment: 'staging',
  current: { version: '1.4.0', digest: D1, commit: REV1, deployedAt: '2026-01-01T10:00:00Z', actor: 'octo_cat' },
  target: { version: '1.5.0', digest: D2, commit: REV2 },
  image: `ghcr.io/acme/alpha@${D2}`,
  evidence: [
    { check: 'revision-label', ok: true, detail: `revision ${REV2} is a commit of this repository` },
    { check: 'provenance', ok: true, detail: `built at ${REV2} from a local clone (/ci/shop; a path is not compared with https://github.com/acme/shop)` },
    { check: 'not-quarantined', ok: true, detail: 'not quarantined' },
  ],
  promotion: { ok: true, detail: 'staging accepts any verified digest' },
  changes: { direction: 'forward', notes },
  commands: [
    ['kubectl', '--namespace', 'shop-staging', 'set', 'image', 'deployment/alpha', `alpha=ghcr.io/acme/alpha@${D2}`],
    ['kubectl', '--namespace', 'shop-staging', 'rollout', 'status', 'deployment/alpha', '--timeout=60s'],
  ],
  ok: true,
};

describe('the deploy plan a reviewer reads', () => {
  it('a plan ready to approve: current → target, the checks, the commits (their headings one level down), the exact commands', () => {
    expect(renderDeployPlan(ready)).toBe(
      [
        '## Deploy alpha to staging',
        '',
        '| | version | digest | commit |',
        '|---|---|---|---|',
        `| current | \`1.4.0\` | \`${D1}\` | \`0123456789ab\` |`,
        `| target | \`1.5.0\` | \`${D2}\` | \`ba9876543210\` |`,
        '',
        'Current since 2026-01-01T10:00:00Z, deployed by octo\\_cat.',
        '',
        '### Checks',
        '',
        '| check | result | evidence |',
        '|---|---|---|',
        `| revision-label | pass | revision ${REV2} is a commit of this repository |`,
        `| provenance | pass | built at ${REV2} from a local clone \\(/ci/shop; a path is not compared with https://github.com/acme/shop\\) |`,
        '| not-quarantined | pass | not quarantined |',
        '| promotion order | pass | staging accepts any verified digest |',
        '',
        '### Commits this deploy brings',
        '',
        "Changes to alpha's inputs since `alpha@1.4.0`. [Compare](https://github.com/acme/shop/compare/alpha%401.4.0...alpha%401.5.0)",
        '',
        '#### Features',
        '',
        `- add refunds ([aaaaaaa](https://github.com/acme/shop/commit/${A}), [#3](https://github.com/acme/shop/pull/3)) (\`services/alpha\`)`,
        '',
        '#### Bug fixes',
        '',
        `- round totals ([bbbbbbb](https://github.com/acme/shop/commit/${B})) (\`via @kc/core\`)`,
        '',
        '### Commands',
        '',
        '```',
        `kubectl --namespace shop-staging set image deployment/alpha alpha=ghcr.io/acme/alpha@${D2}`,
        'kubectl --namespace shop-staging rollout status deployment/alpha --timeout=60s',
        '```',
        '',
        `Ready: approving deploys exactly \`ghcr.io/acme/alpha@${D2}\`.`,
        '',
      ].join('\n'),
    );
  });

  it('a refused first deploy: nothing current, no commit known, the failures marked, no commits section', () => {
    const refused: DeployPlan = {
      ...ready,
      environment: 'production',
      current: null,
      target: { version: 'sha-ba98765', digest: D2, commit: null },
      evidence: [{ check: 'provenance', ok: false, detail: 'the image has no provenance attestation (CI pushes it with provenance mode=max)' }],
      promotion: { ok: false, detail: `production accepts only a digest with a successful staging deployment; ${D2} has none` },
      changes: null,
      commands: [],
      ok: false,
    };
    expect(renderDeployPlan(refused)).toBe(
      [
        '## Deploy alpha to production',
        '',
        '| | version | digest | commit |',
        '|---|---|---|---|',
        '| current | (nothing deployed yet) | | |',
        `| target | \`sha-ba98765\` | \`${D2}\` |  |`,
        '',
        '### Checks',
        '',
        '| check | result | evidence |',
        '|---|---|---|',
        '| provenance | **FAIL** | the image has no provenance attestation \\(CI pushes it with provenance mode=max\\) |',
        `| promotion order | **FAIL** | production accepts only a digest with a successful staging deployment; ${D2} has none |`,
        '',
        '### Commands',
        '',
        '```',
        '```',
        '',
        '**Refused**: a check failed; nothing will be deployed.',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['forward', '### Commits this deploy brings'],
    ['back', '### Commits this deploy takes back out'],
    ['same', '### Commits'],
  ] as const)('the commits of a deploy going %s are titled %j', (direction, title) => {
    const lines = renderDeployPlan({ ...ready, changes: { direction, notes } }).split('\n');
    expect(lines.filter((l) => l.startsWith('### Commits'))).toEqual([title]);
  });

  it('only the notes\' own headings move one level down: a "### " inside a line (a file named in a reason) is kept', () => {
    const withHashes = releaseNotes({
      service: 'alpha',
      version: '1.5.0',
      from: 'alpha@1.4.0',
      to: 'alpha@1.5.0',
      serverUrl: 'https://github.com',
      repository: 'acme/shop',
      commits: [{ sha: A, subject: 'docs: notes', body: '', reasons: [{ kind: 'global', file: 'docs/### draft.md' }] }],
      image: undefined,
    });
    const text = renderDeployPlan({ ...ready, changes: { direction: 'forward', notes: withHashes } });
    expect(text).toContain(`\n#### Documentation\n\n- notes ([aaaaaaa](https://github.com/acme/shop/commit/${A})) (\`global: docs/### draft.md\`)\n`);
  });

  it('a backtick in a value cannot close its code span; outside text in the checks cannot open a link or a table cell', () => {
    const text = renderDeployPlan({
      ...ready,
      target: { version: '1.5.0`<b>', digest: D2, commit: null },
      image: 'ghcr.io/acme/alpha`x',
      evidence: [{ check: 'provenance', ok: false, detail: 'built from [x](javascript:y) | z' }],
    });
    expect(text).toContain(`| target | \`1.5.0'<b>\` | \`${D2}\` |  |`);
    expect(text).toContain('| provenance | **FAIL** | built from \\[x\\]\\(javascript:y\\) \\| z |');
    expect(text).toContain("Ready: approving deploys exactly `ghcr.io/acme/alpha'x`.");
  });
});
