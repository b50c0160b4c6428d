// plan's default output, the one-screen summary (scripts/plan/summary.ts), and the short reading of
// `if:` conditions it prints (scripts/plan/condition.ts): pure tables of hand-written plans. The real
// generated workflows are in summary-real-workflows.test.ts.
import { describe, expect, test } from 'vitest';
import { compactCondition, splitTop, userCondition } from '../../scripts/plan/condition.js';
import type { JobPlan, LegPlan, Plan, StepPlan } from '../../scripts/plan/plan-types.js';
import { cutTerms, jobReason, renderSummary } from '../../scripts/plan/summary.js';

describe('conditions in parts and in short', () => {
  test.each([
    ["success() && (needs.changes.outputs.any == 'true')", "needs.changes.outputs.any == 'true'"],
    ["success() && (a == 'x') && (b == 'y')", "success() && (a == 'x') && (b == 'y')"],
    ['always()', 'always()'],
  ])('userCondition(%s) is %s', (expr, expected) => expect(userCondition(expr)).toBe(expected));

  test.each([
    ["a == 'x' && (b || c) && d", '&&', ["a == 'x'", '(b || c)', 'd']],
    ["a == 'x && y' && b", '&&', ["a == 'x && y'", 'b']],
    ['(a || b)', '||', ['a', 'b']],
    ["a == 'it''s || no' || b", '||', ["a == 'it''s || no'", 'b']],
    ['a', '&&', ['a']],
  ] as const)('splitTop(%s, %s)', (expr, op, expected) => expect(splitTop(expr, op)).toEqual(expected));

  test.each([
    ["needs.changes.outputs.any == 'true'", 'any=true'],
    ["needs.changes.outputs.libraries != '[]'", 'libraries≠[]'],
    ['inputs.dry_run != true', 'dry_run≠true'],
    ["!(github.event_name == 'push' && github.ref == 'refs/heads/main')", 'not (event_name=push, ref=refs/heads/main)'],
    ["needs.a.outputs.x == 'true' || needs.a.outputs.y == 'true'", 'x=true or y=true'],
    ["!cancelled() && (needs.build.result == 'success' || needs.build.result == 'skipped')", '!cancelled(), (build=success or build=skipped)'],
    ["github.actor == 'it''s'", "actor=it's"],
    ["contains(needs.*.result, 'failure')", "contains(needs.*.result, 'failure')"],
  ])('compactCondition(%s) is %s', (expr, expected) => expect(compactCondition(expr)).toBe(expected));
});

const step = (over: Partial<StepPlan> & { name: string }): StepPlan => ({ if: true, ifExpr: 'success()', with: {}, env: {}, secrets: [], ...over });
const job = (over: Partial<JobPlan> & { id: string }): JobPlan => ({
  name: over.id,
  status: 'run',
  result: 'success',
  reason: 'no condition',
  needs: [],
  ifExpr: 'success()',
  environment: null,
  concurrency: null,
  outputs: {},
  legs: [{ matrix: null, steps: [] }],
  ...over,
});
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

function planOf(jobs: JobPlan[]): Plan {
  return {
    event: { name: 'workflow_dispatch', ref: 'refs/heads/main', sha: 'a'.repeat(40), base: null, head: 'a'.repeat(40), changedFiles: null, payload: {} },
    workflows: [
      { file: '.github/workflows/deploy.yml', name: 'Deploy', triggered: true, reason: 'workflow_dispatch on refs/heads/main', jobs },
      { file: '.github/workflows/ci.yml', name: 'CI', triggered: false, reason: 'no workflow_dispatch trigger (on: push)', jobs: [] },
    ],
  };
}

describe('the summary of a plan', () => {
  test('one short reason per job: the deciding term, never the whole if: expression', () => {
    const long = "success() && (needs.changes.outputs.any == 'true' && !(github.event_name == 'push' && github.ref == 'refs/heads/main'))";
    expect(
      jobReason(
        job({
          id: 'build',
          status: 'skipped',
          result: 'skipped',
          ifExpr: long,
          reason: `if: ${long} is false`,
          decisive: "!(github.event_name == 'push' && github.ref == 'refs/heads/main')",
        }),
      ),
    ).toBe('not (event_name=push, ref=refs/heads/main) is false');
    expect(jobReason(job({ id: 'checks', ifExpr: "success() && (a == 'x' || b == 'y')", reason: "if: success() && (a == 'x' || b == 'y') is true", decisive: "b == 'y'" }))).toBe(
      'b=y',
    );
    expect(jobReason(job({ id: 'gate', ifExpr: 'always()', reason: 'if: always() is true' }))).toBe('always()');
    expect(jobReason(job({ id: 'x', status: 'skipped', result: 'skipped', reason: 'needed job changes was skipped' }))).toBe('needed job changes was skipped');
    expect(jobReason(job({ id: 'y', result: 'failure', reason: 'needs a succeeded; fails: step "Affected" exited with 2: error: bad' }))).toBe(
      'FAILS: step "Affected" exited with 2: error: bad',
    );
    expect(jobReason(job({ id: 'z', result: 'failure', reason: `if: ${'x'.repeat(300)}` })).length).toBeLessThanOrEqual(108);
  });

  test.each<[string, string[], string]>([
    ['exactly the width: whole', ['a'.repeat(50), 'b'.repeat(48)], `${'a'.repeat(50)}, ${'b'.repeat(48)}`],
    // 85 + 2 + 2 + ' and 9 more' is exactly 100: the second term is kept (a two-digit count would not fit)
    ['a suffix that fits exactly', ['a'.repeat(85), 'bb', ...Array.from({ length: 9 }, (_, i) => `c${i}`)], `${'a'.repeat(85)}, bb and 9 more`],
    ['a first term with its suffix over the width: cut inside', ['a'.repeat(95), 'b', 'c'], `${'a'.repeat(95)}, b,…`],
    ['a first term over the width', ['a'.repeat(120), 'b'], `${'a'.repeat(99)}…`],
  ])('cutTerms: %s', (_name, terms, expected) => {
    expect(cutTerms(terms, 100)).toBe(expected);
  });

  test('a job that runs on a disjunction: its terms as written, without parentheses', () => {
    expect(jobReason(job({ id: 'j', ifExpr: "a == 'x' || b == 'y'", reason: "if: a == 'x' || b == 'y' is true" }))).toBe('a=x or b=y');
  });

  test('a long reason of a job that runs is cut between its terms, saying how many are left out', () => {
    const ifExpr =
      "!cancelled() && github.event_name == 'push' && github.ref == 'refs/heads/main' && github.repository == 'kodingcaravan/kodingcaravan' && (needs.publish.result == 'success' || needs.publish.result == 'failure') && (needs.libraries.result == 'success' || needs.libraries.result == 'skipped')";
    expect(jobReason(job({ id: 'promote', ifExpr, reason: `if: ${ifExpr} is true` }))).toBe('!cancelled(), event_name=push, ref=refs/heads/main and 3 more');
    // a reason that fits is whole; one term longer than the width is cut inside it, as any other text
    expect(jobReason(job({ id: 'a', ifExpr: "a == 'x' && b == 'y'", reason: "if: a == 'x' && b == 'y' is true" }))).toBe('a=x, b=y');
    const one = `a == '${'x'.repeat(120)}'`;
    expect(jobReason(job({ id: 'b', ifExpr: `${one} && b == 'y'`, reason: `if: ${one} && b == 'y' is true` }))).toBe(`a=${'x'.repeat(97)}…`);
  });

  test('jobs with their legs on one line, a deploy by its digest, the workflows that do not trigger', () => {
    const plan = planOf([
      job({
        id: 'plan',
        legs: [
          { matrix: { service: 'api-gateway' }, steps: [] },
          { matrix: { service: 'chat-service' }, steps: [] },
        ],
      }),
      job({
        id: 'deploy',
        environment: 'staging',
        legs: [
          {
            matrix: null,
            steps: [
              step({ name: 'Dry run', run: 'node scripts/dist/pipeline.cjs deploy --service "$SERVICE" --dry-run', env: { SERVICE: 'api-gateway' } }),
              step({ name: 'Deploy', run: 'node scripts/dist/pipeline.cjs deploy --service "$SERVICE" --digest "$DIGEST"', env: { SERVICE: 'api-gateway', DIGEST } }),
              step({ name: 'Skipped deploy', if: false, run: 'node scripts/dist/pipeline.cjs deploy --service other' }),
            ],
          },
        ],
      }),
    ]);
    expect(renderSummary(plan)).toBe(
      [
        'plan for workflow_dispatch refs/heads/main at aaaaaaa (base none, head aaaaaaa, no comparison)',
        '',
        'deploy.yml (Deploy): triggered: workflow_dispatch on refs/heads/main',
        '  ● plan    run, 2 legs: no condition',
        '            service: api-gateway, chat-service',
        '  ● deploy  run: no condition',
        'ci.yml (CI): not triggered: no workflow_dispatch trigger (on: push)',
        '',
        'would change:',
        '  deploy   to staging by digest sha256:ab12ab12ab12…: api-gateway',
        '',
        '0 output steps ran for real; --verbose shows every step and its inputs, --json the whole plan',
        'CI would pass (assuming every reported step succeeds)',
        '',
      ].join('\n'),
    );
  });

  test('pushes and tags of many legs are one line each; a failing job is named at the end', () => {
    const leg = (service: string) => ({
      matrix: { service },
      steps: [
        step({
          name: 'Tags',
          run: 'node scripts/dist/pipeline.cjs tags --service "$SERVICE"',
          executed: { exitCode: 0, outputs: { tags: `ghcr.io/o/${service}:sha-1234567\nghcr.io/o/${service}:main` } },
        }),
        step({ name: 'Push', uses: 'docker/build-push-action@abc', with: { outputs: `type=image,name=ghcr.io/o/${service},push-by-digest=true,push=true` } }),
        step({ name: 'Promote', run: 'node scripts/dist/pipeline.cjs tags --service "$SERVICE" --promote "$DIGEST"' }),
      ],
    });
    const plan = planOf([
      job({ id: 'publish', legs: [leg('a-service'), leg('b-service')] }),
      job({ id: 'gate', result: 'failure', reason: 'no condition; fails: step "x" exited with 1: no' }),
    ]);
    const text = renderSummary(plan);
    expect(text).toContain('  push     2 × by digest (known once pushed) to ghcr.io/o/<name>: a-service, b-service\n');
    expect(text).toContain('  tag      2 × sha-1234567, main on the pushed digest: a-service, b-service\n');
    expect(text).toContain('  ✗ gate     run: FAILS: step "x" exited with 1: no\n');
    expect(text).toContain('2 output steps ran for real');
    expect(text.endsWith('CI would fail: deploy.yml job gate\n')).toBe(true);
  });
});

describe('jobReason: one short reason per job', () => {
  const long = `if: ${'y'.repeat(150)}`;
  test.each<[string, JobPlan, string]>([
    [
      'a run job failing in a step: what failed',
      job({ id: 'j', result: 'failure', reason: 'no condition; fails: step "x" exited with 1: no' }),
      'FAILS: step "x" exited with 1: no',
    ],
    ['a failure on several lines reads as one', job({ id: 'j', result: 'failure', reason: 'needs a succeeded; fails: first\n   second' }), 'FAILS: first second'],
    [
      'a job failing before its steps: its whole reason',
      job({ id: 'j', result: 'failure', reason: 'strategy.matrix: Matrix vector does not contain any values' }),
      'FAILS: strategy.matrix: Matrix vector does not contain any values',
    ],
    ['"fails:" inside a word is not the failure', job({ id: 'j', result: 'failure', reason: 'if: x.fails: y' }), 'FAILS: if: x.fails: y'],
    ['a skipped job with a failure-like reason is not failing', job({ id: 'j', status: 'skipped', result: 'skipped', reason: 'needed job a failed' }), 'needed job a failed'],
    ['a long reason is cut to 100 characters', job({ id: 'j', reason: 'x'.repeat(101) }), `${'x'.repeat(99)}…`],
    ['a reason of 100 characters is whole', job({ id: 'j', reason: 'x'.repeat(100) }), 'x'.repeat(100)],
    ['a long failure is cut too', job({ id: 'j', result: 'failure', reason: long }), `FAILS: ${long.slice(0, 99)}…`],
    ['a run job: its condition in short', job({ id: 'j', ifExpr: "success() && (inputs.x == 'y')", reason: "if: success() && (inputs.x == 'y') is true" }), 'x=y'],
    [
      'a skipped job: its condition is false',
      job({ id: 'j', status: 'skipped', result: 'skipped', ifExpr: "inputs.x == 'y'", reason: "if: inputs.x == 'y' is false" }),
      'x=y is false',
    ],
    [
      'the deciding term rather than the condition',
      job({ id: 'j', status: 'skipped', result: 'skipped', ifExpr: "a == 'b' && c == 'd'", reason: "if: a == 'b' && c == 'd' is false", decisive: "c == 'd'" }),
      'c=d is false',
    ],
  ])('%s', (_what, j, expected) => {
    expect(jobReason(j)).toBe(expected);
  });
});

describe('the summary, piece by piece', () => {
  const lines = (plan: Plan) => renderSummary(plan).split('\n');
  const planWith = (jobs: JobPlan[], event: Partial<Plan['event']> = {}): Plan => ({ ...planOf(jobs), event: { ...planOf(jobs).event, ...event } });

  test.each([
    [{ changedFiles: null, base: null }, '(base none, head aaaaaaa, no comparison)'],
    [{ changedFiles: 1, base: 'b'.repeat(40) }, '(base bbbbbbb, head aaaaaaa, 1 changed file)'],
    [{ changedFiles: 0, base: 'b'.repeat(40) }, '(base bbbbbbb, head aaaaaaa, 0 changed files)'],
    [{ changedFiles: 12, base: 'b'.repeat(40) }, '(base bbbbbbb, head aaaaaaa, 12 changed files)'],
  ])('the header for %j ends %j', (event, end) => {
    expect(lines(planWith([], event))[0]).toBe(`plan for workflow_dispatch refs/heads/main at aaaaaaa ${end}`);
  });

  test('job ids are padded to the longest; marks for run, skipped and failing jobs', () => {
    const text = lines(
      planWith([
        job({ id: 'a' }),
        job({ id: 'longer-id', status: 'skipped', result: 'skipped', reason: 'needed job a was skipped' }),
        job({ id: 'bad', result: 'failure', reason: 'no condition; fails: x' }),
      ]),
    );
    expect(text.slice(2, 6)).toEqual([
      'deploy.yml (Deploy): triggered: workflow_dispatch on refs/heads/main',
      '  ● a          run: no condition',
      '  ○ longer-id  skipped: needed job a was skipped',
      '  ✗ bad        run: FAILS: x',
    ]);
  });

  test('a workflow’s long reason is cut', () => {
    const plan: Plan = { ...planOf([]), workflows: [{ file: '.github/workflows/x.yml', name: 'X', triggered: false, reason: 'r'.repeat(120), jobs: [] }] };
    expect(lines(plan)[2]).toBe(`x.yml (X): not triggered: ${'r'.repeat(99)}…`);
  });

  test.each<[string, LegPlan[], string[]]>([
    ['no legs', [], []],
    ['one leg without a matrix', [{ matrix: null, steps: [] }], []],
    ['one leg with a matrix', [{ matrix: { service: 'api' }, steps: [] }], ['service: api']],
    [
      'libraries',
      [
        { matrix: { library: 'core', node: 22 }, steps: [] },
        { matrix: { library: 'ui', node: 22 }, steps: [] },
      ],
      ['library: core, ui'],
    ],
    // A leg is named by its service (or library) wherever that key sits in the matrix.
    [
      'services after another key',
      [
        { matrix: { node: 22, service: 'api' }, steps: [] },
        { matrix: { node: 20, service: 'web' }, steps: [] },
      ],
      ['service: api, web'],
    ],
    [
      'libraries after another key',
      [
        { matrix: { node: 22, library: 'core' }, steps: [] },
        { matrix: { node: 20, library: 'ui' }, steps: [] },
      ],
      ['library: core, ui'],
    ],
    [
      'other keys: the first value, JSON when not a string',
      [
        { matrix: { node: 22, os: 'linux' }, steps: [] },
        { matrix: { os: 'mac' }, steps: [] },
        { matrix: {}, steps: [] },
      ],
      ['leg: 22, mac, {}'],
    ],
    [
      'calls followed and not',
      [
        { matrix: null, steps: [], calls: './.github/workflows/d.yml', jobs: [job({ id: 'x' }), job({ id: 'y', status: 'skipped', result: 'skipped' })] },
        { matrix: null, steps: [], calls: 'o/r/.github/workflows/e.yml@v1' },
      ],
      ['leg: (no matrix), (no matrix)', 'calls ./.github/workflows/d.yml: x runs, y skipped', 'calls o/r/.github/workflows/e.yml@v1 (not followed)'],
    ],
  ])('the lines under a job with %s', (_what, legs, expected) => {
    const text = lines(planWith([job({ id: 'job', legs })]));
    const at = text.indexOf(`  ● job  run${legs.length > 1 ? `, ${legs.length} legs` : ''}: no condition`);
    expect(at).toBeGreaterThan(0);
    expect(text.slice(at + 1, text.indexOf('', at + 1) === -1 ? undefined : text.indexOf('', at + 1)).filter((l) => l.startsWith('       '))).toEqual(
      expected.map((l) => `${' '.repeat(9)}${l}`),
    );
  });

  /** The "would change" lines of one leg of steps in a run job (with `environment`). */
  const changes = (steps: StepPlan[], environment: string | null = null, matrix: LegPlan['matrix'] = { service: 'api' }) => {
    const text = lines(planWith([job({ id: 'job', environment, legs: [{ matrix, steps }] })]));
    const start = text.findIndex((l) => l.startsWith('would change'));
    return text.slice(start, text.indexOf('', start));
  };
  const NOTHING = ['would change: nothing (no push, tag, release or deploy runs)'];

  test.each<[string, StepPlan[], string[]]>([
    ['nothing', [step({ name: 'x', run: 'echo' })], NOTHING],
    [
      'a push by tags',
      [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { push: 'true', tags: 'r/api:1\nr/api:main' } })],
      ['would change:', '  push     to r/<name>:1: api'],
    ],
    [
      'a push by tags given with commas (build-push-action reads both separators)',
      [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { push: 'true', tags: '  r/api:1, r/api:main' } })],
      ['would change:', '  push     to r/<name>:1: api'],
    ],
    ['a build without push', [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { push: 'false', tags: 'r/api:1' } })], NOTHING],
    ['a skipped push', [step({ name: 'p', if: false, uses: 'docker/build-push-action@v6', with: { push: 'true', tags: 'r/api:1' } })], NOTHING],
    ['another action', [step({ name: 'p', uses: 'docker/other-action@v6', with: { push: 'true', tags: 'r/api:1' } })], NOTHING],
    // Neither an image name nor tags: the push is named by its leg.
    ['a push without tags', [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { push: 'true' } })], ['would change:', '  push     to <name>: api']],
    [
      'a push named in outputs',
      [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { outputs: 'type=image,name=r/x,push=true' } })],
      ['would change:', '  push     to r/x: api'],
    ],
    ['outputs without push=true', [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { outputs: 'type=image,name=r/x,push=truex' } })], NOTHING],
    [
      'a push named first in outputs',
      [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { outputs: 'name=r/x,push=true', tags: 'r/y:1' } })],
      ['would change:', '  push     to r/x: api'],
    ],
    [
      'a push by digest',
      [step({ name: 'p', uses: 'docker/build-push-action@v6', with: { outputs: 'push=true,name=r/x,push-by-digest=true' } })],
      ['would change:', '  push     by digest (known once pushed) to r/x: api'],
    ],
    [
      'a promotion with tags computed in the leg',
      [step({ name: 't', executed: { exitCode: 0, outputs: { tags: 'r/api:sha-1\nr/api:main' } } }), step({ name: 'p', run: 'pnpm pipeline tags --service api --promote "$D"' })],
      ['would change:', '  tag      sha-1, main on the pushed digest: api'],
    ],
    [
      'a promotion with tags computed after another output step',
      [
        step({ name: 'v', executed: { exitCode: 0, outputs: { version: '1.2.3' } } }),
        step({ name: 't', executed: { exitCode: 0, outputs: { tags: 'r/api:1.2.3\nr/api:latest' } } }),
        step({ name: 'p', run: 'node scripts/dist/pipeline.cjs tags --service api --promote "$D"' }),
      ],
      ['would change:', '  tag      1.2.3, latest on the pushed digest: api'],
    ],
    [
      'a promotion without computed tags',
      [step({ name: 'p', run: 'node scripts/dist/pipeline.cjs tags --service api --promote "$D"' })],
      ['would change:', '  tag      its tags on the pushed digest: api'],
    ],
    ['tags without --promote', [step({ name: 'p', run: 'node scripts/dist/pipeline.cjs tags --service api --promoted' })], NOTHING],
    [
      'a release cut',
      [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs release cut', env: { SERVICE: 'web' } })],
      ['would change:', '  release  git tag, image tags and a GitHub Release, by digest: web'],
    ],
    [
      'a release cut of the leg',
      [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs release cut' })],
      ['would change:', '  release  git tag, image tags and a GitHub Release, by digest: api'],
    ],
    ['a release select', [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs release select --json' })], NOTHING],
    // The subcommand is the first word after the command, however many spaces come before it.
    [
      'a command after several spaces',
      [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs   release cut' })],
      ['would change:', '  release  git tag, image tags and a GitHub Release, by digest: api'],
    ],
    [
      'a release cut after several spaces',
      [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs release   cut' })],
      ['would change:', '  release  git tag, image tags and a GitHub Release, by digest: api'],
    ],
    ['cut as a later argument of a release', [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs release select --after cut' })], NOTHING],
    ['cut after another command', [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs tags cut' })], NOTHING],
    ['handoff as a later argument of a release', [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs release select --then handoff' })], NOTHING],
    ['handoff after another command', [step({ name: 'r', run: 'node scripts/dist/pipeline.cjs tags handoff' })], NOTHING],
    ['a hand-off after several spaces', [step({ name: 'h', run: 'node scripts/dist/pipeline.cjs release   handoff' })], ['would change:', '  hand off to deploy.yml: api']],
    [
      '--promote on a deploy is a deploy',
      [step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy --promote' })],
      ['would change:', '  deploy   to its environment digest known only when it runs: api'],
    ],
    [
      'a hand-off',
      [step({ name: 'h', run: 'node scripts/dist/pipeline.cjs release handoff', env: { SERVICE: 'web', DEPLOY_TO: 'prod' } })],
      ['would change:', '  hand off to deploy.yml (prod): web'],
    ],
    ['a hand-off without a target', [step({ name: 'h', run: 'node scripts/dist/pipeline.cjs release handoff' })], ['would change:', '  hand off to deploy.yml: api']],
    [
      'a deploy by digest in env',
      [step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy', env: { ENVIRONMENT: 'prod', SERVICE: 'web', D: DIGEST } })],
      ['would change:', '  deploy   to prod by digest sha256:ab12ab12ab12…: web'],
    ],
    [
      'a deploy by digest in its script',
      [step({ name: 'd', run: `node scripts/dist/pipeline.cjs deploy --digest ${DIGEST}` })],
      ['would change:', '  deploy   to its environment by digest sha256:ab12ab12ab12…: api'],
    ],
    [
      'a deploy by digest in its inputs',
      [step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy', with: { d: DIGEST } })],
      ['would change:', '  deploy   to its environment by digest sha256:ab12ab12ab12…: api'],
    ],
    [
      'a deploy whose digest is known later',
      [step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy', env: { SERVICE: '' } })],
      ['would change:', '  deploy   to its environment digest known only when it runs: api'],
    ],
    [
      'a deploy of a service whose name holds status',
      [step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy --service status-page', env: { SERVICE: 'status-page' } })],
      ['would change:', '  deploy   to its environment digest known only when it runs: status-page'],
    ],
    ['a deploy status after several spaces', [step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy   status' })], NOTHING],
    [
      'a deploy status or dry run',
      [step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy status' }), step({ name: 'e', run: 'node scripts/dist/pipeline.cjs deploy --dry-run' })],
      NOTHING,
    ],
  ])('%s', (_what, steps, expected) => {
    expect(changes(steps)).toEqual(expected);
  });

  test('a deploy goes to the job’s environment, and a job without a matrix is named by its id', () => {
    expect(changes([step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy' })], 'staging', null)).toEqual([
      'would change:',
      '  deploy   to staging digest known only when it runs: job',
    ]);
  });

  // Details are grouped with the subject written <name> (a push to ghcr.io/o/<name>: a, b).
  test('effects of called workflows count, those of skipped jobs do not; one effect per line per detail', () => {
    const deploy = (service: string) => step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy', env: { SERVICE: service, ENVIRONMENT: 'prod' } });
    const plan = planWith([
      job({ id: 'call', legs: [{ matrix: null, steps: [], calls: './d.yml', jobs: [job({ id: 'inner', legs: [{ matrix: null, steps: [deploy('a'), deploy('b')] }] })] }] }),
      job({ id: 'off', status: 'skipped', result: 'skipped', legs: [{ matrix: null, steps: [deploy('c')] }] }),
      job({ id: 'other', legs: [{ matrix: null, steps: [step({ name: 'e', run: 'node scripts/dist/pipeline.cjs deploy', env: { SERVICE: 'svc-d', ENVIRONMENT: 'dev' } })] }] }),
    ]);
    const text = lines(plan);
    const start = text.indexOf('would change:');
    expect(text.slice(start, text.indexOf('', start))).toEqual([
      'would change:',
      '  deploy   2 × to prod digest known only when it runs: a, b',
      '  deploy   to dev digest known only when it runs: svc-d',
    ]);
  });

  test('a subject that is spelt inside a detail is not replaced there: only a pushed image’s own name is written <name>', () => {
    const deploy = (service: string) => step({ name: 'd', run: 'node scripts/dist/pipeline.cjs deploy', env: { SERVICE: service, ENVIRONMENT: 'dev' } });
    const push = (name: string) => step({ name: 'p', uses: 'docker/build-push-action@v6', with: { outputs: `type=image,name=${name},push=true` } });
    const plan = planWith([
      job({ id: 'deploys', legs: [{ matrix: null, steps: [deploy('d'), deploy('e'), deploy('dev')] }] }),
      job({ id: 'b', legs: [{ matrix: { service: 'api' }, steps: [push('ghcr.io/api/api@sha256:1')] }] }),
      job({ id: 'c', legs: [{ matrix: { service: 'web' }, steps: [push('localhost:5000/o/web')] }] }),
      job({ id: 'e', legs: [{ matrix: { service: 'io' }, steps: [push('ghcr.io/o/web')] }] }),
    ]);
    const text = lines(plan);
    const start = text.indexOf('would change:');
    expect(text.slice(start, text.indexOf('', start))).toEqual([
      'would change:',
      '  deploy   3 × to dev digest known only when it runs: d, e, dev',
      '  push     to ghcr.io/api/<name>@sha256:1: api',
      '  push     to localhost:5000/o/<name>: web',
      '  push     to ghcr.io/o/web: io',
    ]);
  });

  test('every failing job is named at the end, with its workflow file', () => {
    const text = renderSummary(
      planWith([
        job({ id: 'lint', result: 'failure', reason: 'no condition; fails: x' }),
        job({ id: 'ok' }),
        job({ id: 'test', result: 'failure', reason: 'no condition; fails: y' }),
      ]),
    );
    expect(text.endsWith('\nCI would fail: deploy.yml job lint, deploy.yml job test\n')).toBe(true);
  });

  test.each([
    [0, '0 output steps ran for real'],
    [1, '1 output step ran for real'],
    [2, '2 output steps ran for real'],
  ])('%i executed steps: %j', (count, expected) => {
    const steps = Array.from({ length: count }, (_, i) => step({ name: `s${i}`, executed: { exitCode: 0, outputs: {} } }));
    const text = renderSummary(planWith([job({ id: 'j', legs: [{ matrix: null, steps: [...steps, step({ name: 'reported' })] }] })]));
    expect(text).toContain(`\n${expected}; --verbose shows every step and its inputs, --json the whole plan\nCI would pass (assuming every reported step succeeds)\n`);
  });
});
