/**
 * `pipeline audit`: passes on every generated workflow, and each rule trips on a bad workflow written
 * here (a temporary repository with the real pins file), naming file, job, step and rule.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { run } from '../../scripts/commands/audit.js';
import { ROOT, runBundle, runCommand } from '../support/cli.js';
import { PINS } from '../../workflows-src/actions.pins.js';

const CHECKOUT = `actions/checkout@${PINS['actions/checkout'].sha}`;
const LOGIN = `docker/login-action@${PINS['docker/login-action'].sha}`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function audit(workflow: string): Promise<{ code: number; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  mkdirSync(join(dir, 'workflows-src'));
  cpSync(join(ROOT, 'workflows-src/actions.pins.ts'), join(dir, 'workflows-src/actions.pins.ts'));
  writeFileSync(join(dir, '.github/workflows/bad.yml'), workflow);
  const r = await runCommand(run, ['--cwd', dir]);
  expect(r.stderr).toBe('');
  return { code: r.code, lines: r.stdout.trimEnd().split('\n') };
}

/** A workflow with one job `j` (permissions and steps given), triggered by `on`. */
const wf = (on: string, job: string) => `name: bad\non: ${on}\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n${job}`;

test('every generated workflow passes (through the committed bundle, as CI runs it)', () => {
  const r = runBundle(['audit']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^audit: \d+ workflow file\(s\), no finding\n$/);
  expect(r.code).toBe(0);
});

describe('each rule trips on a bad workflow', () => {
  test.each([
    [
      'untrusted-expression: a PR title in run:',
      wf('pull_request', `    permissions: {}\n    steps:\n      - name: Greet\n        run: echo "\${{ github.event.pull_request.title }}"\n`),
      /^\.github\/workflows\/bad\.yml:\d+: job j step "Greet": \[untrusted-expression\] \$\{\{ github\.event\.pull_request\.title \}\} puts outside data into the script/,
    ],
    [
      'untrusted-expression: an input in github-script',
      wf(
        'workflow_dispatch',
        `    permissions: {}\n    steps:\n      - name: Script\n        uses: actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd\n        with:\n          script: console.log('\${{ inputs.name }}')\n`,
      ),
      /job j step "Script": \[untrusted-expression\] \$\{\{ inputs\.name \}\}/,
    ],
    [
      'unpinned-action: a tag',
      wf('push', `    permissions: {}\n    steps:\n      - name: Out\n        uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n`),
      /job j step "Out": \[unpinned-action\] actions\/checkout@v4 is not pinned to a 40-hex commit SHA/,
    ],
    [
      'pin-mismatch: another SHA than the pins file',
      wf('push', `    permissions: {}\n    steps:\n      - name: Out\n        uses: actions/checkout@${'1'.repeat(40)}\n        with:\n          persist-credentials: false\n`),
      new RegExp(
        `job j step "Out": \\[pin-mismatch\\] actions/checkout@${'1'.repeat(40)} is not the SHA workflows-src/actions.pins.ts records \\(${PINS['actions/checkout'].sha}\\)`,
      ),
    ],
    [
      'untrusted-checkout: pull_request_target checking out the head',
      wf(
        'pull_request_target',
        `    permissions:\n      contents: read\n    steps:\n      - name: Out\n        uses: ${CHECKOUT}\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n          persist-credentials: false\n`,
      ),
      /job j step "Out": \[untrusted-checkout\] checks out pull-request code in a pull_request_target workflow/,
    ],
    ['missing-permissions', wf('push', `    steps:\n      - run: echo hi\n`), /job j: \[missing-permissions\] the job sets no permissions/],
    [
      'unneeded-write: packages: write and no login',
      wf('push', `    permissions:\n      packages: write\n    steps:\n      - run: echo hi\n`),
      /job j: \[unneeded-write\] packages: write is needed by no step of the job/,
    ],
    [
      'unneeded-write: contents: write for a release step that only selects (only `release cut` makes tags and Releases)',
      wf('workflow_dispatch', `    permissions:\n      contents: write\n    steps:\n      - run: node scripts/dist/pipeline.cjs release select --service changed\n`),
      /job j: \[unneeded-write\] contents: write is needed by no step of the job/,
    ],
    [
      'unneeded-write: actions: write where no release hands off to deploy.yml',
      wf(
        'workflow_dispatch',
        `    permissions:\n      actions: write\n      contents: write\n    steps:\n      - run: node scripts/dist/pipeline.cjs release cut "$S" --bump auto\n`,
      ),
      /job j: \[unneeded-write\] actions: write is needed by no step of the job/,
    ],
    [
      'deploy-without-environment: a deploy (not a plan: --dry-run) outside an environment',
      wf(
        'workflow_dispatch',
        `    permissions:\n      deployments: write\n      contents: read\n    steps:\n      - run: node scripts/dist/pipeline.cjs deploy --service "$S" --environment "$E" --digest "$D"\n`,
      ),
      /job j: \[deploy-without-environment\]/,
    ],
    ['unneeded-write: write-all', wf('push', `    permissions: write-all\n    steps:\n      - run: echo hi\n`), /job j: \[unneeded-write\] permissions: write-all/],
    [
      'persisted-credentials: checkout keeps the token, then a run step',
      wf('push', `    permissions:\n      contents: read\n    steps:\n      - name: Out\n        uses: ${CHECKOUT}\n      - run: make\n`),
      /job j step "Out": \[persisted-credentials\] actions\/checkout keeps the token/,
    ],
    [
      'secret-in-pull-request-job: a login whose if: lets pull requests through',
      wf(
        'pull_request',
        `    if: github.event_name != 'push'\n    permissions:\n      packages: write\n    steps:\n      - name: Login\n        uses: ${LOGIN}\n        with:\n          registry: ghcr.io\n          username: x\n          password: \${{ secrets.GITHUB_TOKEN }}\n`,
      ),
      /job j: \[secret-in-pull-request-job\] references a secret and its if: lets it run for pull_request/,
    ],
    [
      'secret-in-pull-request-job: an if: on a label, which a pull request can carry (unknown values are unknown, not null)',
      wf(
        'pull_request',
        `    if: contains(github.event.pull_request.labels.*.name, 'safe to test')\n    permissions:\n      packages: write\n    steps:\n      - name: Login\n        uses: ${LOGIN}\n        with:\n          registry: ghcr.io\n          username: x\n          password: \${{ secrets.GITHUB_TOKEN }}\n`,
      ),
      /job j: \[secret-in-pull-request-job\] references a secret and its if: lets it run for pull_request/,
    ],
    [
      'deploy-without-environment: deployments: write',
      wf('push', `    permissions:\n      deployments: write\n    steps:\n      - run: node scripts/dist/pipeline.cjs deploy --service api\n`),
      /job j: \[deploy-without-environment\]/,
    ],
    [
      "skipped-ancestor: release.yml's old hand-off, skipped whenever the build two jobs up was",
      `name: bad\non: workflow_dispatch\npermissions: {}\njobs:\n${[
        ['select', ''],
        ['build', "    needs: select\n    if: github.ref == 'refs/heads/main'\n"],
        ['release', '    needs: [select, build]\n    if: "!cancelled() && needs.build.result != \'failure\'"\n'],
        ['handoff', "    needs: [select, release]\n    if: needs.release.result == 'success'\n"],
      ]
        .map(([id, extra]) => `  ${id}:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    permissions: {}\n${extra}    steps:\n      - run: echo hi\n`)
        .join('')}`,
      /bad\.yml:\d+: job handoff: \[skipped-ancestor\] runs only if no job before it was skipped: GitHub adds success\(\) to its if:, and build \(not in its needs\) can be skipped/,
    ],
    [
      'actionlint: an unknown permission scope',
      wf('push', `    permissions:\n      packagez: write\n    steps:\n      - run: echo hi\n`),
      /bad\.yml:\d+: job j: \[actionlint:permissions\] unknown permission scope "packagez"/,
    ],
  ])('%s', async (_, workflow, expected) => {
    const r = await audit(workflow);
    expect(r.code).toBe(1);
    expect(
      r.lines.some((l) => expected.test(l)),
      r.lines.join('\n'),
    ).toBe(true);
    expect(r.lines.at(-1)).toMatch(/^audit: \d+ finding\(s\)$/);
  });

  test('the same login in a job whose if: excludes pull requests (as publish does) is not a finding', async () => {
    const r = await audit(
      wf(
        'pull_request',
        `    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n    permissions:\n      packages: write\n    steps:\n      - name: Login\n        uses: ${LOGIN}\n        with:\n          registry: ghcr.io\n          username: x\n          password: \${{ secrets.GITHUB_TOKEN }}\n`,
      ),
    );
    expect(r).toEqual({ code: 0, lines: ['audit: 1 workflow file(s), no finding'] });
  });

  test('a deploy job with an environment, and a checkout without credentials, pass', async () => {
    const r = await audit(
      wf(
        'push',
        `    environment: production\n    permissions:\n      deployments: write\n      contents: read\n    steps:\n      - uses: ${CHECKOUT}\n        with:\n          persist-credentials: false\n      - run: node scripts/dist/pipeline.cjs deploy --service api\n`,
      ),
    );
    expect(r).toEqual({ code: 0, lines: ['audit: 1 workflow file(s), no finding'] });
  });
});

describe('what release and deploy steps need of the token', () => {
  test.each([
    [
      '`release cut` makes the tag and the Release: contents: write is needed',
      `    permissions:\n      contents: write\n    steps:\n      - run: node scripts/dist/pipeline.cjs release cut "$S" --bump auto\n`,
    ],
    [
      '`release handoff` dispatches deploy.yml: actions: write is needed',
      `    permissions:\n      actions: write\n      contents: read\n    steps:\n      - run: node scripts/dist/pipeline.cjs release handoff "$S" --environment staging\n`,
    ],
    [
      'a deploy plan (--dry-run) only reads: no environment needed',
      `    permissions:\n      deployments: read\n      contents: read\n    steps:\n      - run: node scripts/dist/pipeline.cjs deploy --service "$S" --environment "$E" --dry-run\n`,
    ],
  ])('%s: no finding', async (_, job) => {
    expect(await audit(wf('workflow_dispatch', job))).toEqual({ code: 0, lines: ['audit: 1 workflow file(s), no finding'] });
  });
});

test('a workflow that is not YAML: exit 2, one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  mkdirSync(join(dir, 'workflows-src'));
  cpSync(join(ROOT, 'workflows-src/actions.pins.ts'), join(dir, 'workflows-src/actions.pins.ts'));
  writeFileSync(join(dir, '.github/workflows/x.yml'), 'on: [\n');
  const r = await runCommand(run, ['--cwd', dir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: "\.github\/workflows\/x\.yml": not valid YAML .*\n$/);
});

describe('actions of the repository (a composite action is steps the workflows run)', () => {
  async function auditWithAction(workflow: string, actionPath: string, action: string): Promise<{ code: number; lines: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    dirs.push(dir);
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    mkdirSync(join(dir, 'workflows-src'));
    mkdirSync(join(dir, actionPath), { recursive: true });
    cpSync(join(ROOT, 'workflows-src/actions.pins.ts'), join(dir, 'workflows-src/actions.pins.ts'));
    writeFileSync(join(dir, '.github/workflows/ok.yml'), workflow);
    writeFileSync(join(dir, actionPath, 'action.yml'), action);
    const r = await runCommand(run, ['--cwd', dir]);
    expect(r.stderr).toBe('');
    return { code: r.code, lines: r.stdout.trimEnd().split('\n') };
  }
  const greet = (uses: string) =>
    wf('pull_request', `    permissions: {}\n    steps:\n      - name: Greet\n        uses: ${uses}\n        with:\n          title: \${{ github.event.pull_request.title }}\n`);
  const COMPOSITE = `name: greet\ninputs:\n  title: {required: true}\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n    - name: Say\n      shell: bash\n      run: echo "\${{ inputs.title }}"\n`;

  test('a composite action under .github/actions: its run: expressions and its uses: pins are audited', async () => {
    const r = await auditWithAction(greet('./.github/actions/greet'), '.github/actions/greet', COMPOSITE);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      // The action's checkout runs inside the workflow's job and keeps its token for the action's script.
      '.github/workflows/ok.yml:10: job j step "Greet (.github/actions/greet/action.yml #1)": [persisted-credentials] actions/checkout keeps the token in .git/config and a later step runs repository code; set persist-credentials: false',
      '.github/actions/greet/action.yml:7: job (composite action) step "#1": [unpinned-action] actions/checkout@v4 is not pinned to a 40-hex commit SHA',
      '.github/actions/greet/action.yml:8: job (composite action) step "Say": [untrusted-expression] ${{ inputs.title }} puts outside data into the script; pass it through env: and use "$NAME"',
      'audit: 3 finding(s)',
    ]);
  });

  test('an action elsewhere that a workflow uses by path is audited too', async () => {
    const r = await auditWithAction(greet('./tools/greet'), 'tools/greet', COMPOSITE);
    expect(r.lines.at(-1)).toBe('audit: 3 finding(s)');
    expect(r.lines[1]).toMatch(/^tools\/greet\/action\.yml:7: /);
  });

  test("a composite action's steps get every step rule: insecure-commands and unsound-condition too", async () => {
    const risky =
      "name: x\nruns:\n  using: composite\n  steps:\n    - name: Env\n      shell: bash\n      run: echo\n      env:\n        ACTIONS_ALLOW_UNSECURE_COMMANDS: 'true'\n    - name: Never\n      if: |\n        ${{ false }}\n      shell: bash\n      run: echo\n";
    const r = await auditWithAction(greet('./.github/actions/x'), '.github/actions/x', risky);
    expect(r.code).toBe(1);
    expect(r.lines.map((l) => l.replace(/\] .*/, ']'))).toEqual([
      '.github/actions/x/action.yml:5: job (composite action) step "Env": [insecure-commands]',
      '.github/actions/x/action.yml:10: job (composite action) step "Never": [unsound-condition]',
      'audit: 2 finding(s)',
    ]);
  });

  test('a clean composite action: the count names it', async () => {
    const clean = 'name: ok\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo "$TITLE"\n      env:\n        TITLE: ${{ inputs.title }}\n';
    const r = await auditWithAction(greet('./.github/actions/ok'), '.github/actions/ok', clean);
    expect(r).toEqual({ code: 0, lines: ['audit: 1 workflow file(s) and 1 action(s), no finding'] });
  });
});

test('a uses: ./path that climbs above the repository is not followed', async () => {
  const top = mkdtempSync(join(tmpdir(), 'audit-'));
  dirs.push(top);
  const dir = join(top, 'repo');
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  mkdirSync(join(dir, 'workflows-src'));
  mkdirSync(join(top, 'outside'));
  cpSync(join(ROOT, 'workflows-src/actions.pins.ts'), join(dir, 'workflows-src/actions.pins.ts'));
  writeFileSync(join(top, 'outside/action.yml'), 'runs:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n');
  writeFileSync(join(dir, '.github/workflows/ok.yml'), wf('push', '    permissions: {}\n    steps:\n      - uses: ./../outside\n'));
  const r = await runCommand(run, ['--cwd', dir]);
  expect(r.stdout).not.toContain('outside/action.yml');
});

test.each([
  ['not YAML', 'runs: [', /^error: "\.github\/actions\/bad\/action\.yml": not valid YAML \(.+\); fix the action\n$/],
  ['not a mapping', '- a\n- b\n', /^error: "\.github\/actions\/bad\/action\.yml": expected an action \(a YAML mapping with runs:\)\n$/],
])('an action file that is %s: one line, exit 2', async (_, text, message) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  mkdirSync(join(dir, '.github/actions/bad'), { recursive: true });
  mkdirSync(join(dir, 'workflows-src'));
  cpSync(join(ROOT, 'workflows-src/actions.pins.ts'), join(dir, 'workflows-src/actions.pins.ts'));
  writeFileSync(join(dir, '.github/workflows/ok.yml'), wf('push', '    permissions: {}\n    steps:\n      - run: echo\n'));
  writeFileSync(join(dir, '.github/actions/bad/action.yml'), text);
  const r = await runCommand(run, ['--cwd', dir]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

describe('what a workflow reaches through the repository: composite actions inside its jobs, workflows it calls', () => {
  /** A repository with these files (path -> text) and the real pins file; the audit's lines. */
  async function auditFiles(files: Record<string, string>): Promise<{ code: number; lines: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'workflows-src'));
    cpSync(join(ROOT, 'workflows-src/actions.pins.ts'), join(dir, 'workflows-src/actions.pins.ts'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = await runCommand(run, ['--cwd', dir]);
    expect(r.stderr).toBe('');
    return { code: r.code, lines: r.stdout.trimEnd().split('\n') };
  }
  const WORKFLOW_RUN = 'workflow_run:\n    workflows: [ci]\n    types: [completed]';

  test('a privileged workflow checking out the pull request inside a composite action it uses', async () => {
    const r = await auditFiles({
      '.github/workflows/w.yml': wf(
        `\n  ${WORKFLOW_RUN}`,
        '    permissions:\n      contents: read\n    steps:\n      - name: Get\n        uses: ./.github/actions/co\n        with:\n          ref: ${{ github.event.workflow_run.head_sha }}\n',
      ),
      '.github/actions/co/action.yml': `name: co\ninputs:\n  ref: {required: true}\nruns:\n  using: composite\n  steps:\n    - uses: ${CHECKOUT}\n      with:\n        ref: \${{ inputs.ref }}\n        persist-credentials: false\n`,
    });
    expect(r.lines).toEqual([
      '.github/workflows/w.yml:14: job j step "Get (.github/actions/co/action.yml #1)": [untrusted-checkout] checks out pull-request code in a workflow_run workflow, which runs with the base repository\'s secrets and token',
      'audit: 1 finding(s)',
    ]);
  });

  test("the same action given the run's own commit passes", async () => {
    const r = await auditFiles({
      '.github/workflows/w.yml': wf(
        `\n  ${WORKFLOW_RUN}`,
        '    permissions:\n      contents: read\n    steps:\n      - name: Get\n        uses: ./.github/actions/co\n        with:\n          ref: ${{ github.sha }}\n',
      ),
      '.github/actions/co/action.yml': `name: co\ninputs:\n  ref: {required: true}\nruns:\n  using: composite\n  steps:\n    - uses: ${CHECKOUT}\n      with:\n        ref: \${{ inputs.ref }}\n        persist-credentials: false\n`,
    });
    expect(r).toEqual({ code: 0, lines: ['audit: 1 workflow file(s) and 1 action(s), no finding'] });
  });

  test('an action that a composite action uses by path is audited too', async () => {
    const r = await auditFiles({
      '.github/workflows/w.yml': wf('push', '    permissions: {}\n    steps:\n      - uses: ./tools/a\n'),
      'tools/a/action.yml': 'runs:\n  using: composite\n  steps:\n    - uses: ./tools/b\n',
      'tools/b/action.yml': 'runs:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n',
    });
    expect(r.lines).toEqual([
      'tools/b/action.yml:4: job (composite action) step "#1": [unpinned-action] actions/checkout@v4 is not pinned to a 40-hex commit SHA',
      'audit: 1 finding(s)',
    ]);
  });

  test("a docker action's image is pinned by digest", async () => {
    const r = await auditFiles({
      '.github/workflows/w.yml': wf('push', '    permissions: {}\n    steps:\n      - run: echo\n'),
      '.github/actions/d/action.yml': "runs:\n  using: docker\n  image: 'docker://alpine:3'\n",
    });
    expect(r.lines).toEqual([
      '.github/actions/d/action.yml:3: job (docker action): [unpinned-image] docker://alpine:3 is not pinned to an image digest (@sha256:...); every job that uses the action runs it',
      'audit: 1 finding(s)',
    ]);
  });

  test('a reusable workflow runs for the events of the workflows that call it', async () => {
    const r = await auditFiles({
      '.github/workflows/w.yml': `name: w\non:\n  ${WORKFLOW_RUN}\npermissions: {}\njobs:\n  call:\n    permissions:\n      contents: read\n    uses: ./.github/workflows/callee.yml\n`,
      '.github/workflows/callee.yml': wf(
        'workflow_call',
        `    permissions:\n      contents: read\n    steps:\n      - name: Out\n        uses: ${CHECKOUT}\n        with:\n          ref: \${{ github.event.workflow_run.head_sha }}\n          persist-credentials: false\n`,
      ),
    });
    expect(r.lines).toEqual([
      '.github/workflows/callee.yml:11: job j step "Out": [untrusted-checkout] checks out pull-request code in a workflow_run workflow, which runs with the base repository\'s secrets and token',
      'audit: 1 finding(s)',
    ]);
  });
});
