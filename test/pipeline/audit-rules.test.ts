/**
 * The audit's pure parts, over workflows written here: reading a workflow (triggers, jobs, steps and the
 * lines they start on), what each step needs of GITHUB_TOKEN, each rule's edges (what trips it and what
 * does not), the pins file, and the one format a finding is printed in. test/workflows/audit.test.ts runs
 * the whole command over files.
 */
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { InputError } from '../../scripts/core/errors.js';
import { actionOf, pipelineCalls, stepNeeds } from '../../scripts/core/audit/permissions.js';
import { parsePins } from '../../scripts/core/audit/pins.js';
import { type AuditOptions, auditAction, auditWorkflow, type Finding, formatFinding, KEEPS_CREDENTIALS, withActions } from '../../scripts/core/audit/rules.js';
import { type AuditJob, type AuditStep, type AuditWorkflow, DOCKER_JOB, locate, parseAuditAction, parseAuditWorkflow } from '../../scripts/core/audit/workflow.js';

const SHA = 'a'.repeat(40);
const OTHER_SHA = 'b'.repeat(40);

const step = (patch: Partial<AuditStep>): AuditStep => ({ label: 's', line: 1, uses: undefined, run: undefined, with: {}, fields: {}, ...patch });
const needs = (patch: Partial<AuditStep>) => Object.fromEntries(stepNeeds(step(patch)));

describe('what a step needs of the token', () => {
  test.each([
    ['actions/checkout', {}, { contents: 'read' }],
    ['docker/login-action', { registry: 'ghcr.io', password: '${{ secrets.GITHUB_TOKEN }}' }, { packages: 'write' }],
    ['docker/login-action', { registry: 'ghcr.io', password: '${{github.token}}' }, { packages: 'write' }],
    ['docker/login-action', { registry: 'ghcr.io', password: '${{ Secrets.github_token }}' }, { packages: 'write' }],
    ['docker/login-action', { registry: 'ghcr.io', password: '${{ secrets.GHCR_PAT }}' }, {}],
    ['docker/login-action', { registry: 'ghcr.io' }, {}],
    ['docker/login-action', { registry: 'docker.io', password: '${{ secrets.GITHUB_TOKEN }}' }, {}],
    ['docker/login-action', { password: '${{ secrets.GITHUB_TOKEN }}' }, {}],
    ['actions/attest-build-provenance', {}, { 'id-token': 'write', attestations: 'write' }],
    ['docker/build-push-action', {}, {}],
    ['someone/unknown-action', {}, {}],
  ])('%s with %j needs %j', (action, withInputs, expected) => {
    expect(needs({ uses: `${action}@${SHA}`, with: withInputs })).toEqual(expected);
  });

  test.each([
    ['node scripts/dist/pipeline.cjs tags --promote', { contents: 'read' }],
    ['node scripts/dist/pipeline.cjs tags --service api', {}],
    ['node scripts/dist/pipeline.cjs deploy --service api --dry-run', { deployments: 'read', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs deploy status --service api', { deployments: 'read', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs deploy --service api', { deployments: 'write', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release cut api', { contents: 'write' }],
    ['node scripts/dist/pipeline.cjs release handoff api', { actions: 'write', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release select --service changed', { contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release status api --cut', { contents: 'read' }],
    ['node scripts/dist/pipeline.cjs audit', {}],
    ['echo deploy --service api', {}],
    ['node scripts/dist/pipeline.cjs tags --promoter', {}],
    ['node scripts/dist/pipeline.cjs deploy --dry-runs', { deployments: 'write', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs deploy --service status', { deployments: 'write', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs deploy statuses', { deployments: 'write', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs deploy \t status', { deployments: 'read', contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release select --service cut', { contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release cutover', { contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release select --service handoff', { contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release handoffs', { contents: 'read' }],
    ['node scripts/dist/pipeline.cjs release  \t cut a', { contents: 'write' }],
    ['node scripts/dist/pipeline.cjs release \t handoff a', { actions: 'write', contents: 'read' }],
    // Write wins over read, whatever the order of the calls in the script.
    ['node scripts/dist/pipeline.cjs release cut a\nnode scripts/dist/pipeline.cjs release select', { contents: 'write' }],
    ['node scripts/dist/pipeline.cjs release select\nnode scripts/dist/pipeline.cjs release cut a', { contents: 'write' }],
  ])('run %j needs %j', (run, expected) => {
    expect(needs({ run })).toEqual(expected);
  });

  test('a step with neither uses nor run needs nothing', () => {
    expect(needs({})).toEqual({});
  });

  test.each([
    ['node scripts/dist/pipeline.cjs tags --promote', [{ command: 'tags', args: ' --promote' }]],
    ['node ./scripts/dist/pipeline.cjs affected', [{ command: 'affected', args: '' }]],
    ['pnpm pipeline verify-image api', [{ command: 'verify-image', args: ' api' }]],
    ['pnpm -s pipeline audit --json', [{ command: 'audit', args: ' --json' }]],
    ['pnpm --silent run pipeline release cut a', [{ command: 'release', args: ' cut a' }]],
    ['pnpm run pipeline deploy status', [{ command: 'deploy', args: ' status' }]],
    [
      'pnpm pipeline tags --x; pnpm pipeline deploy --y && echo z | pnpm pipeline release cut',
      [
        { command: 'tags', args: ' --x' },
        { command: 'deploy', args: ' --y ' },
        { command: 'release', args: ' cut' },
      ],
    ],
    ['node scripts/dist/pipeline.cjs deploy --a\n  --b', [{ command: 'deploy', args: ' --a' }]],
    ['node \t./scripts/dist/pipeline.cjs \t tags', [{ command: 'tags', args: '' }]],
    ['pnpm \t-s \trun \tpipeline \taudit', [{ command: 'audit', args: '' }]],
    ['pnpm pipeline deploy-x y', [{ command: 'deploy-x', args: ' y' }]],
    ['pnpm pipeline a', [{ command: 'a', args: '' }]],
    ['pnpm pipeline -x', []],
    ['pnpm pipeline', []],
    ['pnpm pipelines x', []],
    ['node scripts/dist/pipeline.js tags', []],
    ['pnpm pipeline Tags', []],
  ])('the pipeline calls of %j', (run, calls) => {
    expect(pipelineCalls(run)).toEqual(calls);
  });

  test.each([
    ['actions/checkout@v4', 'actions/checkout'],
    ['actions/cache/restore@abc', 'actions/cache/restore'],
    ['a/b@x@y', 'a/b'],
    ['a/b', 'a/b'],
  ])('the action of %s is %s', (uses, action) => {
    expect(actionOf(uses)).toBe(action);
  });
});

describe('reading a workflow', () => {
  const text = `name: w
on:
  push:
  pull_request:
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - name: Checkout
        uses: actions/checkout@${SHA}
        with:
          persist-credentials: false
      - id: make
        run: make
      - run: echo hi
      - plain text step
  other:
    steps: not-a-list
`;

  test('jobs and steps with their start lines, labels, uses, run and with', () => {
    const w = parseAuditWorkflow('.github/workflows/w.yml', text);
    expect(w.file).toBe('.github/workflows/w.yml');
    expect([...w.on]).toEqual(['push', 'pull_request']);
    expect(w.permissions).toEqual({});
    expect(w.jobs.map((j) => [j.id, j.line, j.steps.length])).toEqual([
      ['build', 7, 4],
      ['other', 18, 0],
    ]);
    expect(w.jobs[0]?.steps.map((s) => [s.label, s.line, s.uses, s.run, { ...s.with }])).toEqual([
      ['Checkout', 10, `actions/checkout@${SHA}`, undefined, { 'persist-credentials': false }],
      ['make', 14, undefined, 'make', {}],
      ['#3', 16, undefined, 'echo hi', {}],
      ['#4', 0, undefined, undefined, {}],
    ]);
    expect(w.jobs[0]?.fields['runs-on']).toBe('ubuntu-24.04');
    expect(w.jobs[0]?.steps[1]?.fields['id']).toBe('make');
  });

  test.each([
    ['on: push\njobs: {}\n', ['push']],
    ['on: [push, 3, workflow_dispatch]\njobs: {}\n', ['push', 'workflow_dispatch']],
    ['on:\n  schedule:\n    - cron: "0 0 * * *"\n', ['schedule']],
    ['on: 3\n', []],
    ['name: no trigger\n', []],
  ])('the triggers of %j', (yaml, events) => {
    expect([...parseAuditWorkflow('w.yml', yaml).on]).toEqual(events);
  });

  test.each([
    ['no jobs', 'on: push\n'],
    ['jobs that are a list', 'on: push\njobs:\n  - a\n'],
  ])('%s: no job', (_name, yaml) => {
    expect(parseAuditWorkflow('w.yml', yaml).jobs).toEqual([]);
  });

  test('a job that is not a mapping has no fields and no steps', () => {
    const w = parseAuditWorkflow('w.yml', 'on: push\njobs:\n  a: 1\n');
    expect(w.jobs).toEqual([{ id: 'a', line: 3, fields: {}, steps: [] }]);
  });

  test('a name or id that is not text is no label: the id, else the position, labels the step', () => {
    const w = parseAuditWorkflow(
      'w.yml',
      'on: push\njobs:\n  j:\n    steps:\n      - name: [a, b]\n        id: make\n        run: make\n      - name: 42\n        id: {x: 1}\n        run: echo\n',
    );
    expect(w.jobs[0]?.steps.map((s) => s.label)).toEqual(['make', '#2']);
  });

  test("a job whose key is an alias is read under the alias's value, its line and its steps' lines unknown (0)", () => {
    const w = parseAuditWorkflow('w.yml', 'on: push\nx-name: &k build\njobs:\n  *k :\n    steps:\n      - run: make\n  k:\n    steps:\n      - run: x\n');
    expect(w.jobs.map((j) => [j.id, j.line, j.steps.map((s) => [s.run, s.line])])).toEqual([
      ['build', 0, [['make', 0]]],
      ['k', 7, [['x', 9]]],
    ]);
  });

  test('jobs given by an alias are read, their lines unknown (0)', () => {
    const w = parseAuditWorkflow('w.yml', 'on: push\nx-jobs: &j\n  build:\n    steps:\n      - run: make\njobs: *j\n');
    expect(w.jobs.map((j) => [j.id, j.line, j.steps.map((s) => [s.run, s.line])])).toEqual([['build', 0, [['make', 0]]]]);
  });

  test('steps given by an alias are read, their lines unknown (0)', () => {
    const w = parseAuditWorkflow('w.yml', 'on: push\nx-steps: &s\n  - run: make\njobs:\n  j:\n    steps: *s\n');
    expect(w.jobs.map((j) => [j.id, j.line, j.steps.map((s) => [s.run, s.line])])).toEqual([['j', 5, [['make', 0]]]]);
  });

  test('a job named __proto__ is an ordinary job', () => {
    const w = parseAuditWorkflow('w.yml', 'on: push\njobs:\n  __proto__:\n    steps:\n      - run: x\n');
    expect(w.jobs.map((j) => [j.id, j.line, j.steps.length])).toEqual([['__proto__', 3, 1]]);
  });

  test.each([
    ['a list', '- a\n', /^"\.github\/workflows\/x\.yml": expected a workflow \(a YAML mapping with on: and jobs:\)$/],
    ['a scalar', 'hello\n', /^"\.github\/workflows\/x\.yml": expected a workflow/],
  ])('%s is bad input naming the file', (_name, yaml, message) => {
    expect(() => parseAuditWorkflow('.github/workflows/x.yml', yaml)).toThrow(InputError);
    expect(() => parseAuditWorkflow('.github/workflows/x.yml', yaml)).toThrow(message);
  });

  test("a file that is not YAML: the parser's first line, and what to do", () => {
    // The first line of the YAML library's own message for this text.
    const yamlError = parseDocument('on: [\n').errors[0]?.message.split('\n')[0] ?? '';
    expect(yamlError.length).toBeGreaterThan(1);
    expect(() => parseAuditWorkflow('.github/workflows/x.yml', 'on: [\n')).toThrow(new InputError(`".github/workflows/x.yml": not valid YAML (${yamlError}); fix the workflow`));
  });

  test('a workflow whose aliases expand past the YAML library’s guard: an InputError, not an internal error', () => {
    const text = `on: push\njobs:\n  a:\n    runs-on: &r ubuntu-latest\n    steps:\n${'      - run: *r\n'.repeat(200)}`;
    expect(() => parseAuditWorkflow('.github/workflows/x.yml', text)).toThrow(InputError);
    expect(() => parseAuditWorkflow('.github/workflows/x.yml', text)).toThrow(/^".github\/workflows\/x.yml": cannot be read \(.*alias.*\); fix the workflow$/i);
  });

  test('a long file name is shortened in the message', () => {
    const name = `${'d/'.repeat(150)}x.yml`;
    expect(() => parseAuditWorkflow(name, '- a\n')).toThrow(`${JSON.stringify(`${name.slice(0, 200)}…`)}: expected a workflow`);
  });

  test('locate skips jobs and steps without a line', () => {
    const w = parseAuditWorkflow('w.yml', text);
    const lineless = { ...w, jobs: w.jobs.map((j) => ({ ...j, line: 0 })) };
    expect(locate(lineless, 5)).toEqual({});
  });

  describe('locate', () => {
    const w = parseAuditWorkflow('w.yml', text);
    test.each([
      [1, {}],
      [6, {}],
      [7, { job: 'build' }],
      [9, { job: 'build' }],
      [10, { job: 'build', step: 'Checkout' }],
      [13, { job: 'build', step: 'Checkout' }],
      [14, { job: 'build', step: 'make' }],
      [17, { job: 'build', step: '#3' }],
      [18, { job: 'other' }],
      [99, { job: 'other' }],
    ])('line %i is in %j', (line, where) => {
      expect(locate(w, line)).toEqual(where);
    });
  });
});

const options = (patch: Partial<AuditOptions> = {}): AuditOptions => ({
  pins: new Map([
    ['actions/checkout', SHA],
    ['docker/login-action', SHA],
  ]),
  canRunFor: () => true,
  keepsCredentials: new Map(),
  ...patch,
});

/** The findings of a workflow with one job `j` holding `job` (indented under it), as `line [rule] message` and job/step. */
function audit(on: string, job: string, opts: AuditOptions = options(), file = '.github/workflows/t.yml') {
  const w = parseAuditWorkflow(file, `on: ${on}\njobs:\n  j:\n${job}`);
  return auditWorkflow(w, opts);
}
const rules = (findings: readonly Finding[]) => findings.map((f) => f.rule);

describe('untrusted-expression', () => {
  test.each([
    ['github.event.issue.title', true],
    ['github . event . pull_request.body', true],
    ['github.head_ref', true],
    ["github['head_ref']", true],
    ['inputs.name', true],
    ['toJSON(github)', true],
    // Spaces the expression syntax allows around '.', '[', '(' and ')'.
    ["github ['head_ref']", true],
    ['inputs . name', true],
    ['toJSON (github)', true],
    ['toJSON( github )', true],
    ['github.sha', false],
    ['github.eventually', false],
    ['secrets.TOKEN', false],
    ['steps.x.outputs.y', false],
    ['myinputs.x', false],
  ])('${{ %s }} in run: is outside data: %s', (expression, untrusted) => {
    const found = audit('push', `    permissions: {}\n    steps:\n      - run: echo "\${{ ${expression} }}"\n`);
    // Not outside data is not safe either, unless it is a value of the run itself (below: github.sha only).
    expect(found.some((f) => f.rule === 'untrusted-expression' && f.message.includes('puts outside data into the script'))).toBe(untrusted);
    expect(found.length).toBe(expression === 'github.sha' ? 0 : 1);
  });

  test('each expression is its own finding, quoted as written, on the step line', () => {
    const found = audit('push', '    permissions: {}\n    steps:\n      - name: Two\n        run: echo ${{ inputs.a }} ${{github.head_ref}}\n');
    expect(found).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        step: 'Two',
        line: 6,
        rule: 'untrusted-expression',
        message: '${{ inputs.a }} puts outside data into the script; pass it through env: and use "$NAME"',
      },
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        step: 'Two',
        line: 6,
        rule: 'untrusted-expression',
        message: '${{github.head_ref}} puts outside data into the script; pass it through env: and use "$NAME"',
      },
    ]);
  });

  test("a github-script script is a script; its other inputs and other actions' inputs are not", () => {
    const script = (uses: string, input: string) =>
      rules(
        audit(
          'push',
          `    permissions: {}\n    steps:\n      - uses: ${uses}\n        with:\n          ${input}: "\${{ inputs.x }}"\n`,
          options({ pins: new Map([[actionOf(uses), SHA]]) }),
        ),
      );
    expect(script(`actions/github-script@${SHA}`, 'script')).toEqual(['untrusted-expression']);
    expect(script(`actions/github-script@${SHA}`, 'github-token')).toEqual([]);
    expect(script(`actions/other-script@${SHA}`, 'script')).toEqual([]);
  });

  test('a github-script script that is not text is not read', () => {
    expect(
      rules(
        audit(
          'push',
          `    permissions: {}\n    steps:\n      - uses: actions/github-script@${SHA}\n        with:\n          script: [1]\n`,
          options({ pins: new Map([['actions/github-script', SHA]]) }),
        ),
      ),
    ).toEqual([]);
  });
});

describe('pins', () => {
  const uses = (ref: string, opts = options()) => audit('push', `    permissions: {}\n    steps:\n      - name: U\n        uses: ${ref}\n`, opts);
  test.each([
    ['a local action', './.github/actions/x', []],
    ['an image by digest', `docker://alpine@sha256:${'c'.repeat(64)}`, []],
    ['the recorded SHA', `actions/checkout@${SHA}`, []],
  ])('%s passes', (_name, ref, expected) => {
    expect(uses(ref)).toEqual(expected);
  });

  test.each([
    ['an image by tag', 'docker://alpine:3.20', 'unpinned-action', 'docker://alpine:3.20 is not pinned to an image digest (@sha256:...)'],
    [
      'an image with a short digest',
      `docker://alpine@sha256:${'c'.repeat(63)}`,
      'unpinned-action',
      `docker://alpine@sha256:${'c'.repeat(63)} is not pinned to an image digest (@sha256:...)`,
    ],
    [
      'an image digest followed by more characters',
      `docker://alpine@sha256:${'c'.repeat(64)}x`,
      'unpinned-action',
      `docker://alpine@sha256:${'c'.repeat(64)}x is not pinned to an image digest (@sha256:...)`,
    ],
    [
      'an image with an upper-case digest',
      `docker://alpine@sha256:${'C'.repeat(64)}`,
      'unpinned-action',
      `docker://alpine@sha256:${'C'.repeat(64)} is not pinned to an image digest (@sha256:...)`,
    ],
    ['a branch', 'actions/checkout@main', 'unpinned-action', 'actions/checkout@main is not pinned to a 40-hex commit SHA'],
    // Only a whole reference is pinned: a word before it is no part of one.
    ['a word before the action', `other actions/checkout@${SHA}`, 'unpinned-action', `other actions/checkout@${SHA} is not pinned to a 40-hex commit SHA`],
    ['a short SHA', `actions/checkout@${SHA.slice(1)}`, 'unpinned-action', `actions/checkout@${SHA.slice(1)} is not pinned to a 40-hex commit SHA`],
    ['an upper-case SHA', `actions/checkout@${SHA.toUpperCase()}`, 'unpinned-action', `actions/checkout@${SHA.toUpperCase()} is not pinned to a 40-hex commit SHA`],
    ['a SHA with a suffix', `actions/checkout@${SHA}x`, 'unpinned-action', `actions/checkout@${SHA}x is not pinned to a 40-hex commit SHA`],
    ['no ref', 'actions/checkout', 'unpinned-action', 'actions/checkout is not pinned to a 40-hex commit SHA'],
    ['an action missing from the pins', `acme/tool@${SHA}`, 'pin-mismatch', 'acme/tool is not in workflows-src/actions.pins.ts; add it there (SHA and version) and generate'],
    ['another SHA', `actions/checkout@${OTHER_SHA}`, 'pin-mismatch', `actions/checkout@${OTHER_SHA} is not the SHA workflows-src/actions.pins.ts records (${SHA})`],
  ])('%s is a finding', (_name, ref, rule, message) => {
    expect(uses(ref)).toEqual([{ file: '.github/workflows/t.yml', job: 'j', step: 'U', line: 6, rule, message }]);
  });

  test('a reusable workflow called by a job is pinned like an action, reported at the job', () => {
    const found = audit('push', `    permissions: {}\n    uses: acme/flows/.github/workflows/x.yml@main\n`);
    expect(found).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        step: 'uses',
        line: 3,
        rule: 'unpinned-action',
        message: 'acme/flows/.github/workflows/x.yml@main is not pinned to a 40-hex commit SHA',
      },
    ]);
  });

  test('a local reusable workflow is not pinned', () => {
    expect(audit('push', '    permissions: {}\n    uses: ./.github/workflows/x.yml\n')).toEqual([]);
  });
});

/** The findings but the one pull_request_target always gets (forbidden-trigger), for the rules' own edges. */
const besidesTrigger = (found: readonly Finding[]) => found.filter((f) => f.rule !== 'forbidden-trigger');

describe('untrusted-checkout', () => {
  const checkout = (on: string, withLines: string) =>
    besidesTrigger(
      audit(on, `    permissions: {}\n    steps:\n      - name: Out\n        uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: false\n${withLines}`),
    );
  test.each([
    ['pull_request_target', '          ref: ${{ github.event.pull_request.head.sha }}\n', 'pull_request_target'],
    ['pull_request_target', '          repository: ${{ github.event.pull_request.head.repo.full_name }}\n', 'pull_request_target'],
    ['pull_request_target', '          ref: ${{ github.head_ref }}\n', 'pull_request_target'],
    ['pull_request_target', '          ref: refs/pull/${{ github.event.number }}/merge\n', 'pull_request_target'],
    ['pull_request_target', '          ref: ${{ github.event.pull_request.merge_commit_sha }}\n', 'pull_request_target'],
    // Spaces the expression syntax allows around each '.'.
    ['pull_request_target', '          ref: ${{ github . event . pull_request . head . sha }}\n', 'pull_request_target'],
    ['workflow_run', '          ref: ${{ github . event . workflow_run . head_sha }}\n', 'workflow_run'],
    ['workflow_run', '          ref: ${{ github.event.workflow_run.head_sha }}\n', 'workflow_run'],
    ['[pull_request_target, workflow_run]', '          ref: ${{ github.head_ref }}\n', 'pull_request_target/workflow_run'],
  ])('on %s, a checkout of %j', (on, withLines, shown) => {
    expect(checkout(on, withLines)).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        step: 'Out',
        line: 6,
        rule: 'untrusted-checkout',
        message: `checks out pull-request code in a ${shown} workflow, which runs with the base repository's secrets and token`,
      },
    ]);
  });

  test.each([
    ['pull_request', '          ref: ${{ github.event.pull_request.head.sha }}\n'],
    ['pull_request_target', '          ref: ${{ github.sha }}\n'],
    ['pull_request_target', ''],
  ])('on %s, a checkout of %j is no finding', (on, withLines) => {
    expect(checkout(on, withLines)).toEqual([]);
  });

  test('on pull_request_target, another action given the head ref is no checkout', () => {
    const found = besidesTrigger(
      audit('pull_request_target', `    permissions: {}\n    steps:\n      - uses: docker/login-action@${SHA}\n        with:\n          ref: \${{ github.head_ref }}\n`),
    );
    expect(rules(found)).toEqual([]);
  });
});

describe('permissions', () => {
  const perms = (permissions: string, steps = '      - run: echo hi\n') => audit('push', `${permissions}    environment: e\n    steps:\n${steps}`);
  test.each([
    ['none set', '', ['missing-permissions']],
    ['read-all', '    permissions: read-all\n', []],
    ['write-all', '    permissions: write-all\n', ['unneeded-write']],
    ['reads only', '    permissions:\n      contents: read\n      packages: read\n', []],
    ['an empty set', '    permissions: {}\n', []],
    ['an empty value (null)', '    permissions:\n', []],
    ['two unneeded writes', '    permissions:\n      contents: write\n      issues: write\n', ['unneeded-write', 'unneeded-write']],
  ])('%s', (_name, permissions, expected) => {
    expect(rules(perms(permissions))).toEqual(expected);
  });

  test('each finding is at the job, naming the scope', () => {
    expect(perms('    permissions:\n      issues: write\n')).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        line: 3,
        rule: 'unneeded-write',
        message: 'issues: write is needed by no step of the job (scripts/core/audit/permissions.ts lists what each needs)',
      },
    ]);
    expect(perms('')).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        line: 3,
        rule: 'missing-permissions',
        message: 'the job sets no permissions: it gets the workflow or repository default; set the least it needs',
      },
    ]);
    expect(perms('    permissions: write-all\n')[0]?.message).toBe('permissions: write-all; grant only the scopes the steps need');
  });

  test('a write one step needs is kept even when another step only reads it', () => {
    const steps = `      - run: node scripts/dist/pipeline.cjs release cut a\n      - uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: false\n`;
    expect(rules(perms('    permissions:\n      contents: write\n', steps))).toEqual([]);
    const reversed = `      - uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: false\n      - run: node scripts/dist/pipeline.cjs release cut a\n`;
    expect(rules(perms('    permissions:\n      contents: write\n', reversed))).toEqual([]);
  });

  test('a write no step needs, beside a read a step needs, is still a finding', () => {
    const steps = `      - uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: false\n`;
    expect(rules(perms('    permissions:\n      contents: write\n', steps))).toEqual(['unneeded-write']);
  });
});

describe('persisted-credentials', () => {
  const job = (checkoutWith: string, after: string) => `    permissions: {}\n    steps:\n      - name: Out\n        uses: actions/checkout@${SHA}\n${checkoutWith}${after}`;
  test.each([
    ['kept by default, then a run step', '', '      - run: make\n', ['persisted-credentials']],
    ['kept on purpose (true), then a run step', '        with:\n          persist-credentials: true\n', '      - run: make\n', ['persisted-credentials']],
    ['dropped (false)', '        with:\n          persist-credentials: false\n', '      - run: make\n', []],
    ['dropped ("false")', '        with:\n          persist-credentials: "false"\n', '      - run: make\n', []],
    ['kept, but no later step runs code', '', `      - uses: docker/login-action@${SHA}\n`, []],
    ['kept, and nothing after', '', '', []],
  ])('%s', (_name, checkoutWith, after, expected) => {
    expect(rules(audit('push', job(checkoutWith, after)))).toEqual(expected);
  });

  test('a run step before the checkout does not count', () => {
    const found = audit('push', `    permissions: {}\n    steps:\n      - run: make\n      - uses: actions/checkout@${SHA}\n`);
    expect(rules(found)).toEqual([]);
  });

  test('another action before a run step is no checkout: nothing to persist', () => {
    const found = audit('push', `    permissions: {}\n    steps:\n      - uses: docker/login-action@${SHA}\n      - run: make\n`);
    expect(rules(found)).toEqual([]);
  });

  test('a job allowed to keep them, by file name and job id, is not a finding', () => {
    const allowed = options({ keepsCredentials: new Map([['t.yml:j', 'reason']]) });
    expect(rules(audit('push', job('', '      - run: make\n'), allowed))).toEqual([]);
    const otherJob = options({ keepsCredentials: new Map([['t.yml:k', 'reason']]) });
    expect(rules(audit('push', job('', '      - run: make\n'), otherJob))).toEqual(['persisted-credentials']);
    const otherFile = options({ keepsCredentials: new Map([['u.yml:j', 'reason']]) });
    expect(rules(audit('push', job('', '      - run: make\n'), otherFile))).toEqual(['persisted-credentials']);
  });

  test('the finding is at the checkout step', () => {
    expect(audit('push', job('', '      - run: make\n'))).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        step: 'Out',
        line: 6,
        rule: 'persisted-credentials',
        message: 'actions/checkout keeps the token in .git/config and a later step runs repository code; set persist-credentials: false',
      },
    ]);
  });

  test("ci.yml's changes job is the one allowed, with its reason", () => {
    expect([...KEEPS_CREDENTIALS.keys()]).toEqual(['ci.yml:changes']);
  });
});

describe('secret-in-pull-request-job', () => {
  const secretJob = '    permissions: {}\n    env:\n      T: ${{ secrets.TOKEN }}\n    steps:\n      - run: echo\n';
  test.each([
    ['pull_request', secretJob, () => true, ['secret-in-pull-request-job']],
    ['pull_request', '    permissions: {}\n    secrets: inherit\n    uses: ./.github/workflows/x.yml\n', () => true, ['secret-in-pull-request-job']],
    ['push', secretJob, () => true, []],
    ['pull_request', '    permissions: {}\n    steps:\n      - run: echo ${{ github.sha }}\n', () => true, []],
    ['pull_request', secretJob, () => false, []],
    // Spaces inside the expression, and text before the secret in it.
    ['pull_request', "    permissions: {}\n    env:\n      T: ${{ format('{0}', secrets . TOKEN) }}\n    steps:\n      - run: echo\n", () => true, ['secret-in-pull-request-job']],
  ])('on %s, job %j', (on, job, canRun, expected) => {
    expect(rules(audit(on, job, options({ canRunFor: canRun })))).toEqual(expected);
  });

  test('the finding names the pull-request events the job can run for, asked per event', () => {
    const asked: string[] = [];
    const found = besidesTrigger(
      audit(
        '[pull_request, pull_request_target, push]',
        secretJob,
        options({
          canRunFor: (job, event) => {
            asked.push(`${job.id}:${event}`);
            return true;
          },
        }),
      ),
    );
    expect(asked).toEqual(['j:pull_request', 'j:pull_request_target']);
    expect(found).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        line: 3,
        rule: 'secret-in-pull-request-job',
        message: "references a secret and its if: lets it run for pull_request and pull_request_target; exclude pull requests in the job's if:",
      },
    ]);
  });

  test('only the events the job can run for are named', () => {
    const found = besidesTrigger(audit('[pull_request, pull_request_target]', secretJob, options({ canRunFor: (_job, event) => event === 'pull_request_target' })));
    expect(found[0]?.message).toBe("references a secret and its if: lets it run for pull_request_target; exclude pull requests in the job's if:");
  });
});

describe('deploy-without-environment', () => {
  test.each([
    ['deployments: write', '    permissions:\n      deployments: write\n    steps:\n      - run: echo\n', ['unneeded-write', 'deploy-without-environment']],
    ['write-all', '    permissions: write-all\n    steps:\n      - run: echo\n', ['unneeded-write', 'deploy-without-environment']],
    ['a deploy command under read permissions', '    permissions: {}\n    steps:\n      - run: pnpm pipeline deploy --service a\n', ['deploy-without-environment']],
    ['deployments: read', '    permissions:\n      deployments: read\n    steps:\n      - run: echo\n', []],
    ['a deploy plan', '    permissions: {}\n    steps:\n      - run: pnpm pipeline deploy --dry-run\n', []],
    ['a deploy with an environment', '    environment: prod\n    permissions: {}\n    steps:\n      - run: pnpm pipeline deploy --service a\n', []],
  ])('%s', (_name, job, expected) => {
    expect(rules(audit('push', job))).toEqual(expected);
  });

  test('the finding is at the job and says what is lost', () => {
    const found = audit('push', '    permissions: {}\n    steps:\n      - run: pnpm pipeline deploy --service a\n');
    expect(found).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'j',
        line: 3,
        rule: 'deploy-without-environment',
        message: 'a deploy job without environment: runs without the environment protection rules (reviewers, branches) and its secrets',
      },
    ]);
  });
});

describe('skipped-ancestor', () => {
  /** A workflow of several jobs (`id: fields`, already indented), each with `permissions: {}` and one step. */
  const jobs = (spec: Record<string, string>) =>
    auditWorkflow(
      parseAuditWorkflow(
        '.github/workflows/t.yml',
        `on: push\njobs:\n${Object.entries(spec)
          .map(([id, fields]) => `  ${id}:\n    permissions: {}\n${fields}    steps:\n      - run: echo\n`)
          .join('')}`,
      ),
      options(),
    );
  const FIX = 'start its if: with !cancelled() and test the needs.<job>.result it relies on (actions/runner#2205)';
  /** Each finding as `job: what`, its message checked word for word. */
  const where = (found: readonly Finding[]) =>
    found.map((f) => {
      const chain = /^runs only if no job before it was skipped: GitHub adds success\(\) to its if:, and (.+) \(not in its needs\) can be skipped; (.*)$/.exec(f.message);
      if (f.rule !== 'skipped-ancestor') return `${f.job}: [${f.rule}] ${f.message}`;
      if (chain && chain[2] === FIX) return `${f.job}: skippable up the chain (${chain[1]})`;
      if (f.message === `its if: looks for a needed job that did not succeed, but GitHub adds success() to it, so it never sees one; ${FIX}`)
        return `${f.job}: a result it cannot see`;
      return `${f.job}: [${f.rule}] ${f.message}`;
    });

  test.each<[string, Record<string, string>, string[]]>([
    [
      "release.yml's old hand-off: build can be skipped, two jobs up, not in its needs",
      {
        select: '',
        build: "    needs: select\n    if: needs.select.outputs.any-build == 'true'\n",
        release: '    needs: [select, build]\n    if: "!cancelled() && needs.build.result != \'failure\'"\n',
        handoff: "    needs: [select, release]\n    if: needs.release.result == 'success' && inputs.deploy_to != 'none'\n",
      },
      ['handoff: skippable up the chain (build)'],
    ],
    [
      'no if: at all is the same implicit success()',
      { a: "    if: github.ref == 'refs/heads/main'\n", b: '    needs: a\n    if: "!cancelled()"\n', c: '    needs: b\n' },
      ['c: skippable up the chain (a)'],
    ],
    [
      'the fixed hand-off: !cancelled() first',
      {
        select: '',
        build: "    needs: select\n    if: needs.select.outputs.any-build == 'true'\n",
        release: '    needs: [select, build]\n    if: "!cancelled()"\n',
        handoff: '    needs: [select, release]\n    if: "!cancelled() && needs.release.result == \'success\'"\n',
      },
      [],
    ],
    ['a skippable job among its own needs: skipped with it, as written', { a: "    if: github.ref == 'refs/heads/main'\n", b: '    needs: a\n' }, []],
    [
      'always() and failure() are status functions; success() written out is the one GitHub adds',
      { a: '    if: github.ref == 1\n', b: '    needs: a\n    if: always()\n', c: '    needs: b\n    if: success()\n', d: '    needs: b\n    if: failure()\n' },
      ['c: skippable up the chain (a)'],
    ],
    [
      'a job whose if: is always() is never skipped: no skippable job up the chain',
      { test: '', report: '    needs: test\n    if: always()\n', notify: '    needs: report\n', archive: '    needs: notify\n' },
      [],
    ],
    ['a chain with no if: anywhere', { a: '', b: '    needs: a\n', c: '    needs: [b]\n' }, []],
    ['needs naming no job of the file (actionlint reports it)', { b: '    needs: [nope]\n' }, []],
    [
      'a diamond: the skippable job named once',
      { a: '    if: github.ref == 1\n', b: '    needs: a\n    if: "!cancelled()"\n', c: '    needs: a\n    if: "!cancelled()"\n', d: '    needs: [b, c]\n' },
      ['d: skippable up the chain (a)'],
    ],
    [
      'a status function written with a space before its parenthesis',
      { a: '    if: github.ref == 1\n', b: '    needs: a\n    if: "!cancelled()"\n', c: '    needs: b\n    if: "!cancelled ()"\n' },
      [],
    ],
    [
      'needs that are not job names (a number, a mapping): no needs to follow',
      {
        a: '',
        b: "    needs: [1]\n    if: needs.a.result == 'skipped'\n",
        c: "    needs: {a: 1}\n    if: needs.a.result == 'skipped'\n",
        d: "    if: needs.a.result == 'skipped'\n",
      },
      [],
    ],
    [
      'a result other than success looked for without a status function',
      {
        'a-1': '',
        b: "    needs: a-1\n    if: needs.a-1.result == 'skipped'\n",
        c: "    needs: a-1\n    if: needs . a-1 . result  !=  'success'\n",
        d: '    needs: a-1\n    if: "needs.a-1.result==\'failure\'"\n',
      },
      ['b: a result it cannot see', 'c: a result it cannot see', 'd: a result it cannot see'],
    ],
    ['success looked for: what success() says anyway', { a: '', b: "    needs: a\n    if: needs.a.result == 'success'\n" }, []],
  ])('%s', (_, spec, expected) => {
    expect(where(jobs(spec))).toEqual(expected);
  });

  test('the finding names every skippable job up the chain, sorted, and the fix', () => {
    const found = jobs({
      z: '    if: github.ref == 1\n',
      y: '    if: github.ref == 2\n',
      m: '    needs: [y, z]\n    if: "!cancelled()"\n',
      last: "    needs: m\n    if: github.event_name == 'push'\n",
    });
    expect(found).toEqual([
      {
        file: '.github/workflows/t.yml',
        job: 'last',
        line: 19,
        rule: 'skipped-ancestor',
        message:
          'runs only if no job before it was skipped: GitHub adds success() to its if:, and y, z (not in its needs) can be skipped; start its if: with !cancelled() and test the needs.<job>.result it relies on (actions/runner#2205)',
      },
    ]);
  });
});

test('a finding without a line is at the job, and a job without a line at line 1', () => {
  const w = parseAuditWorkflow('w.yml', 'on: push\njobs:\n  j:\n    steps:\n      - plain\n      - run: echo ${{ inputs.x }}\n');
  const stepless = { ...w, jobs: w.jobs.map((j) => ({ ...j, steps: j.steps.map((s) => ({ ...s, line: 0 })) })) };
  expect(auditWorkflow(stepless, options()).map((f) => [f.rule, f.line])).toEqual([
    ['untrusted-expression', 3],
    ['missing-permissions', 3],
  ]);
  const lineless = { ...stepless, jobs: stepless.jobs.map((j) => ({ ...j, line: 0 })) };
  expect(auditWorkflow(lineless, options()).map((f) => [f.rule, f.line])).toEqual([
    ['untrusted-expression', 1],
    ['missing-permissions', 1],
  ]);
});

test.each([
  [{ file: 'w.yml', line: 1, rule: 'r', message: 'm' }, 'w.yml:1: [r] m'],
  [{ file: 'w.yml', job: 'j', line: 4, rule: 'r', message: 'm' }, 'w.yml:4: job j: [r] m'],
  [{ file: 'w.yml', job: 'j', step: 'Say "hi"', line: 7, rule: 'actionlint:expression', message: 'm' }, 'w.yml:7: job j step "Say \\"hi\\"": [actionlint:expression] m'],
  [{ file: 'w.yml', step: 's', line: 2, rule: 'r', message: 'm' }, 'w.yml:2: step "s": [r] m'],
  [{ file: 'w.yml', job: '', line: 2, rule: 'r', message: 'm' }, 'w.yml:2: job : [r] m'],
])('finding %j prints as %s', (finding, line) => {
  expect(formatFinding(finding)).toBe(line);
});

describe('the pins file', () => {
  test('each entry at two spaces of indentation, with its version and a 40-hex SHA', () => {
    const text = `export const PINS = {\n  'actions/checkout': {\n    version: 'v4.2.2',\n    sha: '${SHA}',\n  },\n  'actions/cache/restore': { version: 'v4', sha: '${OTHER_SHA}' },\n  'a_b.c/d-e': { version: '', sha: '${SHA}' },\n};\n`;
    expect([...parsePins('pins.ts', text)]).toEqual([
      ['actions/checkout', SHA],
      ['actions/cache/restore', OTHER_SHA],
      ['a_b.c/d-e', SHA],
    ]);
  });

  test.each([
    ['a short SHA', `  'a/b': { version: 'v1', sha: '${SHA.slice(1)}' },\n`],
    ['an upper-case SHA', `  'a/b': { version: 'v1', sha: '${SHA.toUpperCase()}' },\n`],
    ['no owner', `  'checkout': { version: 'v1', sha: '${SHA}' },\n`],
    ['other indentation', `    'a/b': { version: 'v1', sha: '${SHA}' },\n`],
    ['sha before version', `  'a/b': { sha: '${SHA}', version: 'v1' },\n`],
  ])('%s is no pin', (_name, text) => {
    expect(() => parsePins('workflows-src/actions.pins.ts', text)).toThrow(
      new InputError("workflows-src/actions.pins.ts: no pins found; expected entries like 'actions/checkout': { version: 'v7.0.1', sha: '<40 hex>', ... }"),
    );
  });
});

describe('ways around the rules (a helper hunted them; each passed the audit before)', () => {
  const run = (expression: string, on = 'push') => audit(on, `    permissions: {}\n    steps:\n      - run: echo "\${{ ${expression} }}"\n`);
  test.each([
    // Outside data by another way in: an env, a matrix value or a step output can carry an event field.
    ['env.TITLE', 'is expanded into the script'],
    ['matrix.title', 'is expanded into the script'],
    ['steps.t.outputs.title', 'is expanded into the script'],
    ['needs.a.outputs.b', 'is expanded into the script'],
    ['secrets.TOKEN', 'is expanded into the script'],
    ["inputs['name']", 'puts outside data into the script'],
  ])('${{ %s }} in run: is a finding that %s', (expression, says) => {
    const found = run(expression);
    expect(rules(found)).toEqual(['untrusted-expression']);
    expect(found[0]?.message).toContain(says);
  });
  test.each(['github.sha', 'github.run_id', 'github.run_attempt', 'github.repository', 'runner.temp', 'strategy.job-index'])(
    '${{ %s }} is a value of the run itself: no finding',
    (expression) => {
      expect(run(expression)).toEqual([]);
    },
  );
  test("a }} inside a quoted string does not end the expression's check", () => {
    const found = audit('push', `    permissions: {}\n    steps:\n      - run: echo "\${{ format('{0}{1}', '}}', inputs.name) }}"\n`);
    expect(rules(found)).toContain('untrusted-expression');
  });

  test('pull_request_target is refused outright, once per workflow', () => {
    const found = audit('pull_request_target', '    permissions: {}\n    steps:\n      - run: echo\n');
    expect(found).toEqual([
      {
        file: '.github/workflows/t.yml',
        line: 1,
        rule: 'forbidden-trigger',
        message:
          "on: pull_request_target runs a fork's pull request with the base repository's secrets and a write token; use pull_request (a workflow_run for what needs secrets, without its code)",
      },
    ]);
  });

  test.each([
    ["secrets['NPM_TOKEN']", true],
    ['toJSON(secrets)', true],
    ['secrets . X', true],
    ['mysecrets.X', false],
  ])('on pull_request, ${{ %s }} in a job is a secret: %s', (expression, found) => {
    const job = `    permissions: {}\n    env:\n      T: \${{ ${expression} }}\n    steps:\n      - run: echo\n`;
    expect(rules(audit('pull_request', job)).includes('secret-in-pull-request-job')).toBe(found);
  });

  const checkout = (on: string, ref: string) =>
    rules(audit(on, `    permissions: {}\n    steps:\n      - uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: false\n          ref: ${ref}\n`));
  test.each([
    ['workflow_run', "${{ github.event['workflow_run']['head_sha'] }}"],
    ['workflow_run', '${{ env.SHA }}'],
    ['issue_comment', 'refs/pull/${{ github.event.issue.number }}/head'],
  ])('on %s, a checkout of %j is pull-request code', (on, ref) => {
    expect(checkout(on, ref)).toEqual(['untrusted-checkout']);
  });
  test.each([
    ['workflow_run', '${{ github.sha }}'],
    ['issue_comment', 'main'],
  ])('on %s, a checkout of %j is not', (on, ref) => {
    expect(checkout(on, ref)).toEqual([]);
  });
  test('on workflow_run, a script that fetches a pull request head is pull-request code too', () => {
    const found = audit('workflow_run', '    permissions: {}\n    steps:\n      - run: git fetch origin "pull/$PR/head:pr" && git checkout pr\n');
    expect(rules(found)).toEqual(['untrusted-checkout']);
  });

  test.each([
    ['container: node:latest', ['unpinned-image']],
    ['container:\n      image: node:24', ['unpinned-image']],
    [`container:\n      image: node@sha256:${'c'.repeat(64)}`, []],
    ['services:\n      db:\n        image: someone/postgres:latest', ['unpinned-image']],
    [`services:\n      db:\n        image: postgres@sha256:${'c'.repeat(64)}`, []],
  ])('a job %j', (fields, expected) => {
    expect(rules(audit('push', `    permissions: {}\n    ${fields}\n    steps:\n      - run: echo\n`))).toEqual(expected);
  });

  test('outside data written to GITHUB_ENV or GITHUB_PATH (a line break in it adds any variable to later steps)', () => {
    const step = (env: string, script: string) => rules(audit('push', `    permissions: {}\n    steps:\n      - env:\n          T: ${env}\n        run: ${script}\n`));
    expect(step('${{ github.event.pull_request.title }}', 'echo "TITLE=$T" >> "$GITHUB_ENV"')).toEqual(['untrusted-env-file']);
    expect(step('${{ github.head_ref }}', 'echo "$T" >> $GITHUB_PATH')).toEqual(['untrusted-env-file']);
    expect(step('${{ github.sha }}', 'echo "SHA=$T" >> "$GITHUB_ENV"')).toEqual([]);
    expect(step('${{ github.head_ref }}', 'echo "$T"')).toEqual([]);
  });

  test('a reusable workflow call may grant what the called workflow needs (its own jobs are audited in their file)', () => {
    expect(rules(audit('push', '    permissions:\n      contents: write\n    uses: ./.github/workflows/x.yml\n'))).toEqual([]);
  });
});

describe('the edges of the rules added against the bypasses', () => {
  const run = (expression: string) => audit('push', `    permissions: {}\n    steps:\n      - run: echo "\${{ ${expression} }}"\n`);
  test.each([
    'github.sha',
    'github.run_id',
    'github.run_number',
    'github.run_attempt',
    'github.repository',
    'github.repository_id',
    'github.repository_owner',
    'github.event_name',
    'github.workflow_sha',
    'github.server_url',
    'github.api_url',
    'github.job',
    'runner.os',
    'runner.arch',
    'runner.temp',
    'runner.tool_cache',
    'runner.name',
    'strategy.job-index',
    'strategy.job-total',
    'job.status',
    // Context names are case-blind, and spaces around '.' are the expression syntax's.
    'GitHub . SHA',
  ])('${{ %s }} is a fixed value of the run', (expression) => {
    expect(run(expression)).toEqual([]);
  });
  test.each(['github.ref', 'github.sha2', "github['sha']", 'runner.temp || inputs', 'job'])('${{ %s }} is not', (expression) => {
    expect(rules(run(expression))).toEqual(['untrusted-expression']);
  });
  test('a quoted }} is read past: the outside data after it is named as such', () => {
    const found = audit('push', `    permissions: {}\n    steps:\n      - run: echo "\${{ format('}}{0}', inputs.name) }}" "\${{ github.sha }}"\n`);
    expect(found.map((f) => f.message)).toEqual([`\${{ format('}}{0}', inputs.name) }} puts outside data into the script; pass it through env: and use "$NAME"`]);
  });
  test('an expression that never ends is the rest of the script', () => {
    const found = audit('push', '    permissions: {}\n    steps:\n      - run: echo "${{ inputs.name"\n');
    expect(found.map((f) => f.message)).toEqual(['${{ inputs.name"}} puts outside data into the script; pass it through env: and use "$NAME"']);
  });

  test.each([
    ['a checkout of a pull ref written out', 'workflow_run', '          ref: refs/pull/7/head\n', ['untrusted-checkout']],
    ["the run's own ref", 'workflow_run', '          ref: ${{ github.ref }}\n', []],
    ["the run's own commit in capitals", 'workflow_run', '          ref: ${{ GITHUB.SHA }}\n', []],
    ['a head ref in the repository input', 'issue_comment', '          repository: ${{ github.event.comment.body }}\n', ['untrusted-checkout']],
  ])('%s', (_, on, withLines, expected) => {
    const found = audit(on, `    permissions: {}\n    steps:\n      - uses: actions/checkout@${SHA}\n        with:\n          persist-credentials: false\n${withLines}`);
    expect(rules(found)).toEqual(expected);
  });
  test.each([
    ['git fetch origin pull/7/merge', ['untrusted-checkout']],
    ['git fetch origin refs/pull/7/head', ['untrusted-checkout']],
    ['git pull origin main', []],
  ])('on workflow_run, the script %j', (script, expected) => {
    expect(rules(audit('workflow_run', `    permissions: {}\n    steps:\n      - run: ${script}\n`))).toEqual(expected);
  });
  test('the finding of a fetch says so, naming the privileged trigger', () => {
    const [found] = audit('workflow_run', '    permissions: {}\n    steps:\n      - run: git fetch origin pull/7/head\n');
    expect(found?.message).toBe("fetches pull-request code in a workflow_run workflow, which runs with the base repository's secrets and token");
  });

  test.each([
    ['an env that is not a mapping', '        env: x\n        run: echo "$T" >> "$GITHUB_ENV"\n', []],
    ['no env at all', '        run: echo x >> "$GITHUB_ENV"\n', []],
    ['an empty env:', '        env:\n        run: echo x >> "$GITHUB_ENV"\n', []],
    [
      'one value holding a fixed and an outside expression',
      '        env:\n          T: ${{ github.sha }}-${{ github.head_ref }}\n        run: echo "T=$T" >> "$GITHUB_ENV"\n',
      ['untrusted-env-file'],
    ],
    [
      'a second env value is the outside one',
      '        env:\n          A: fixed\n          T: ${{ github.head_ref }}\n        run: echo "T=$T" >> "$GITHUB_ENV"\n',
      ['untrusted-env-file'],
    ],
    ['GITHUB_ENVIRONMENT is another name', '        env:\n          T: ${{ github.head_ref }}\n        run: echo "$T" >> "$GITHUB_ENVIRONMENT"\n', []],
  ])('GITHUB_ENV: %s', (_, stepLines, expected) => {
    expect(rules(audit('push', `    permissions: {}\n    steps:\n      - name: s\n${stepLines}`))).toEqual(expected);
  });
  test('the GITHUB_ENV finding says what a line break does', () => {
    const [found] = audit('push', '    permissions: {}\n    steps:\n      - env:\n          T: ${{ inputs.x }}\n        run: echo "T=$T" >> $GITHUB_ENV\n');
    expect(found?.message).toBe(
      'writes outside data to $GITHUB_ENV or $GITHUB_PATH: a line break in it sets any variable (BASH_ENV, NODE_OPTIONS) for the later steps; pass it as a step output or check it first',
    );
  });

  test.each([
    ['a container mapping without an image', 'container:\n      options: --cpus 1', ['(no image) is not pinned']],
    ['a service without an image', 'services:\n      db:\n        ports: [5432]', ['(no image) is not pinned']],
    ['a digest that is not the last part', `container: node@sha256:${'c'.repeat(64)}-x`, [`node@sha256:${'c'.repeat(64)}-x is not pinned`]],
    ['services that are not a mapping', 'services: x', []],
    ['a container that is a number', 'container: 5', ['(no image) is not pinned']],
    ['an empty container:', 'container:', ['(no image) is not pinned']],
    ['a service that is a string', 'services:\n      db: postgres:16', ['postgres:16 is not pinned']],
    ['an image that is not text', 'container:\n      image: 5', ['(no image) is not pinned']],
  ])('images: %s', (_, fields, starts) => {
    const found = audit('push', `    permissions: {}\n    ${fields}\n    steps:\n      - run: echo\n`).filter((f) => f.rule === 'unpinned-image');
    expect(found.map((f) => f.message.slice(0, starts[0]?.length ?? 0))).toEqual(starts);
    for (const f of found) expect(f.message).toMatch(/is not pinned to an image digest \(@sha256:\.\.\.\); every step of the job runs in it, with its token$/);
  });

  test.each([
    ['${{ always() }}', []],
    [' always ( ) ', []],
    ['always() && true', ['d: skippable up the chain (a)']],
    ['${{ always() }} || x', ['d: skippable up the chain (a)']],
  ])('an ancestor whose if: is %j', (condition, expected) => {
    const found = auditWorkflow(
      parseAuditWorkflow(
        '.github/workflows/t.yml',
        `on: push\njobs:\n  a:\n    permissions: {}\n    if: ${JSON.stringify(condition)}\n    steps:\n      - run: echo\n  b:\n    needs: a\n    permissions: {}\n    if: always()\n    steps:\n      - run: echo\n  d:\n    needs: b\n    permissions: {}\n    steps:\n      - run: echo\n`,
      ),
      options(),
      // '${{ always() }} || x' is also text to GitHub (unsound-condition, its own test): only the chain is asked here.
    ).filter((f) => f.rule !== 'unsound-condition');
    expect(found.map((f) => `${f.job}: ${f.rule === 'skipped-ancestor' && f.message.includes('(a) ') ? 'skippable up the chain (a)' : f.message}`)).toEqual(
      expected.length === 0 ? [] : [expect.stringMatching(/^d: /)],
    );
  });
});

describe("a job's composite actions (withActions) and the actions' own checks", () => {
  const job = (steps: AuditStep[]): AuditJob => ({ id: 'j', line: 3, fields: {}, steps });
  const composite = (file: string, steps: string) => parseAuditAction(file, `runs:\n  using: composite\n  steps:\n${steps}`);
  const lookup =
    (actions: AuditWorkflow[], asked: string[] = []) =>
    (uses: string) => {
      asked.push(uses);
      return actions.find((a) => `./${a.file.replace(/\/action\.yml$/, '')}` === uses);
    };

  test('only a uses: ./path is looked up', () => {
    const asked: string[] = [];
    withActions(job([step({ uses: `actions/checkout@${SHA}` }), step({ uses: './a' }), step({ run: 'make' }), step({ uses: 'docker://alpine' })]), lookup([], asked));
    expect(asked).toEqual(['./a']);
  });

  test('a docker action (no steps) and a path that is no action of the repository leave the step as it is', () => {
    const docker = parseAuditAction('d/action.yml', 'runs:\n  using: docker\n  image: Dockerfile\n');
    const steps = [step({ label: 'D', uses: './d' }), step({ label: 'N', uses: './none' })];
    expect(withActions(job(steps), lookup([docker])).steps).toEqual(steps);
  });

  test('an action that uses itself is read once: its own use of it stays a step', () => {
    const a = composite('a/action.yml', '    - run: echo a\n      shell: bash\n    - uses: ./a\n');
    const found = withActions(job([step({ label: 'Use', line: 9, uses: './a' })]), lookup([a])).steps;
    expect(found.map((s) => [s.label, s.line, s.run, s.uses])).toEqual([
      ['Use (a/action.yml #1)', 9, 'echo a', undefined],
      ['Use (a/action.yml #2)', 9, undefined, './a'],
    ]);
  });

  test('${{ inputs.NAME }} is what the step passes, however it is spaced or cased; an input not passed stays as written', () => {
    const a = composite('a/action.yml', '    - run: echo ${{inputs.ref}} ${{ inputs . ref }} ${{ INPUTS.Ref }} ${{ inputs.other }}\n      shell: bash\n');
    const [only] = withActions(job([step({ uses: './a', with: { REF: 'main' } })]), lookup([a])).steps;
    expect(only?.run).toBe('echo main main main ${{ inputs.other }}');
  });

  test.each([
    ['a step with neither uses: nor run:', '      - name: nothing\n', []],
    ['another action given include-hidden-files', `      - uses: docker/login-action@${SHA}\n        with:\n          include-hidden-files: true\n`, []],
    ['upload-artifact taking hidden files', `      - uses: actions/upload-artifact@${SHA}\n        with:\n          include-hidden-files: TRUE\n`, ['persisted-credentials']],
  ])('persisted-credentials, a checkout keeping them, then %s', (_, after, expected) => {
    const found = audit('push', `    permissions: {}\n    steps:\n      - uses: actions/checkout@${SHA}\n${after}`).filter((f) => f.rule !== 'pin-mismatch');
    expect(rules(found)).toEqual(expected);
    for (const f of found)
      expect(f.message).toBe(
        'actions/checkout keeps the token in .git/config and a later step uploads hidden files, .git/config with it, as an artifact anyone who can read the run downloads; set persist-credentials: false',
      );
  });

  test.each([['5'], ['[a, b]'], ['{a: b}']])('an actions/github-script script: that is not text (%s) is no script', (script) => {
    const found = audit('push', `    permissions: {}\n    steps:\n      - uses: actions/github-script@${SHA}\n        with:\n          script: ${script}\n`);
    expect(rules(found).filter((r) => r !== 'pin-mismatch')).toEqual([]);
  });

  test.each([
    ['image: Dockerfile', []],
    ["image: 'docker://alpine:3'", ['unpinned-image']],
    [`image: 'docker://alpine@sha256:${'c'.repeat(64)}'`, []],
  ])('a docker action with %s', (image, expected) => {
    expect(rules(auditAction(parseAuditAction('d/action.yml', `runs:\n  using: docker\n  ${image}\n`), options()))).toEqual(expected);
  });
});

describe('reading an action (action.yml)', () => {
  const read = (text: string) => parseAuditAction('a/action.yml', text);
  const steps = (text: string) => read(text).jobs.flatMap((j) => j.steps.map((s) => [s.label, s.line, s.run]));

  test('a docker action is its image, on the line it is written, with no steps', () => {
    expect(read('name: d\nruns:\n  using: docker\n  image: docker://alpine:3\n').jobs).toEqual([{ id: DOCKER_JOB, line: 4, fields: { image: 'docker://alpine:3' }, steps: [] }]);
  });
  test.each([
    ['no image', 'runs:\n  using: docker\n'],
    ['an image that is no text', 'runs:\n  using: docker\n  image:\n    name: x\n'],
  ])('a docker action with %s is at line 1', (_, text) => {
    expect(read(text).jobs.map((j) => [j.id, j.line, j.steps.length])).toEqual([[DOCKER_JOB, 1, 0]]);
  });
  test.each([
    ['a node action, steps: or not', 'runs:\n  using: node24\n  main: index.js\n  steps:\n    - run: echo\n'],
    ['a composite action whose steps: is no list', 'runs:\n  using: composite\n  steps: echo\n'],
    ['a composite action without steps:', 'runs:\n  using: composite\n'],
  ])('%s has no steps', (_, text) => {
    expect(steps(text)).toEqual([]);
  });
  test('a composite step that is no mapping, and steps given by an alias, have no line (0)', () => {
    expect(steps('runs:\n  using: composite\n  steps:\n    - just text\n    - run: echo\n')).toEqual([
      ['#1', 0, undefined],
      ['#2', 5, 'echo'],
    ]);
    expect(steps('x: &s\n  - run: echo\nruns:\n  using: composite\n  steps: *s\n')).toEqual([['#1', 0, 'echo']]);
  });
});
