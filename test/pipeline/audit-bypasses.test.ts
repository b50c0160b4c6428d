/**
 * Ways a dangerous workflow slipped past `pipeline audit` (a hunt with zizmor's and actionlint's checks
 * beside it), each as rows that trip the rule and rows that must not: outside data reaching
 * GITHUB_ENV from a job's or the workflow's env:, pull-request code fetched by a script in a privileged
 * workflow, another run's artifacts, cache writes where untrusted code shares the default branch's
 * cache, self-hosted runners for pull requests, workflow commands re-enabled, an `if:` that is text
 * (always true), and a checkout's token uploaded with the workspace.
 */
import { describe, expect, test } from 'vitest';
import { type AuditOptions, auditAction, auditWorkflow, type Finding, withActions } from '../../scripts/core/audit/rules.js';
import { parseAuditAction, parseAuditWorkflow } from '../../scripts/core/audit/workflow.js';

const SHA = 'a'.repeat(40);
const options: AuditOptions = {
  pins: new Map(
    [
      'actions/checkout',
      'actions/cache',
      'actions/cache/save',
      'actions/cache/restore',
      'actions/setup-node',
      'actions/setup-go',
      'actions/download-artifact',
      'actions/upload-artifact',
      'docker/build-push-action',
      'docker/bake-action',
    ].map((a) => [a, SHA]),
  ),
  canRunFor: () => true,
  keepsCredentials: new Map(),
};

/** The rules that fire on a workflow `on: <on>` whose job `j` holds `job` (indented under it), besides forbidden-trigger. */
function rules(on: string, job: string, top = ''): string[] {
  const w = parseAuditWorkflow('.github/workflows/t.yml', `on: ${on}\n${top}jobs:\n  j:\n    runs-on: ubuntu-24.04\n    permissions: {}\n${job}`);
  return auditWorkflow(w, options)
    .filter((f) => f.rule !== 'forbidden-trigger')
    .map((f) => f.rule);
}
const findings = (on: string, job: string, top = ''): Finding[] =>
  auditWorkflow(parseAuditWorkflow('.github/workflows/t.yml', `on: ${on}\n${top}jobs:\n  j:\n    runs-on: ubuntu-24.04\n    permissions: {}\n${job}`), options);

describe("untrusted-env-file: outside data from the env: of the job or the workflow, or from the event's file", () => {
  test.each([
    ['the workflow env', 'env:\n  T: ${{ github.event.pull_request.title }}\n', '    steps:\n      - run: echo "T=$T" >> "$GITHUB_ENV"\n', ['untrusted-env-file']],
    ['the job env', '', '    env:\n      T: ${{ github.head_ref }}\n    steps:\n      - run: echo "$T" >> $GITHUB_PATH\n', ['untrusted-env-file']],
    ['a fixed workflow env', 'env:\n  T: ${{ github.sha }}\n', '    steps:\n      - run: echo "T=$T" >> "$GITHUB_ENV"\n', []],
    ['an outside job env, no env file', '', '    env:\n      T: ${{ github.head_ref }}\n    steps:\n      - run: echo "$T"\n', []],
    [
      "the event's file read by the script (jq)",
      '',
      '    steps:\n      - run: echo "TITLE=$(jq -r .pull_request.title "$GITHUB_EVENT_PATH")" >> "$GITHUB_ENV"\n',
      ['untrusted-env-file'],
    ],
    ["the event's file read into PATH", '', '    steps:\n      - run: jq -r .inputs.dir "${GITHUB_EVENT_PATH}" >> $GITHUB_PATH\n', ['untrusted-env-file']],
    ["the event's file read, no env file", '', '    steps:\n      - run: jq -r .pull_request.title "$GITHUB_EVENT_PATH"\n', []],
    ['a name like the event path, in the env file', '', '    steps:\n      - run: echo "MY_GITHUB_EVENT_PATHS=1" >> "$GITHUB_ENV"\n', []],
  ])('%s', (_, top, job, expected) => {
    expect(rules('pull_request', job, top)).toEqual(expected);
  });
});

describe('untrusted-checkout: a script of a privileged workflow that fetches the pull request', () => {
  test.each([
    ['issue_comment', '    steps:\n      - run: gh pr checkout "$NUMBER" && make\n        env:\n          NUMBER: ${{ github.event.issue.number }}\n', ['untrusted-checkout']],
    [
      'workflow_run',
      '    steps:\n      - run: git fetch origin "$HEAD" && git checkout FETCH_HEAD\n        env:\n          HEAD: ${{ github.event.workflow_run.head_branch }}\n',
      ['untrusted-checkout'],
    ],
    ['workflow_run', '    env:\n      SHA: ${{ github.event.workflow_run.head_sha }}\n    steps:\n      - run: git checkout "$SHA"\n', ['untrusted-checkout']],
    ['workflow_run', '    steps:\n      - run: git switch -c x "$HEAD"\n        env:\n          HEAD: ${{ github.event.workflow_run.head_sha }}\n', ['untrusted-checkout']],
    // git's global options before the verb (-c k=v, --git-dir, --work-tree, --no-pager, -C) hide nothing.
    [
      'workflow_run',
      '    steps:\n      - run: git -c protocol.version=2 fetch origin "$H"\n        env:\n          H: ${{ github.event.workflow_run.head_sha }}\n',
      ['untrusted-checkout'],
    ],
    [
      'workflow_run',
      '    steps:\n      - run: git --no-pager --git-dir=.git --work-tree . -C sub -c "user.name=a b" checkout "$H"\n        env:\n          H: ${{ github.event.workflow_run.head_sha }}\n',
      ['untrusted-checkout'],
    ],
    // The event read from its file in the script: outside data without any env:.
    ['workflow_run', '    steps:\n      - run: git fetch origin "$(jq -r .workflow_run.head_sha "$GITHUB_EVENT_PATH")"\n', ['untrusted-checkout']],
    [
      'issue_comment',
      '    steps:\n      - run: |\n          H=$(jq -r .issue.number < "${GITHUB_EVENT_PATH}")\n          git fetch origin "pr-$H" && git checkout FETCH_HEAD\n',
      ['untrusted-checkout'],
    ],
    // Not privileged, or the git command names nothing from outside.
    ['pull_request', '    steps:\n      - run: gh pr checkout "$N"\n        env:\n          N: ${{ github.event.number }}\n', []],
    ['workflow_run', '    steps:\n      - run: git log -1\n        env:\n          HEAD: ${{ github.event.workflow_run.head_branch }}\n', []],
    ['workflow_run', '    steps:\n      - run: git fetch origin main\n', []],
    ['workflow_run', '    steps:\n      - run: git -c protocol.version=2 fetch origin main\n', []],
    ['workflow_run', '    steps:\n      - run: jq -r .workflow_run.id "$GITHUB_EVENT_PATH"\n', []],
  ])('on %s: %j', (on, job, expected) => {
    expect(rules(on, job)).toEqual(expected);
  });
});

describe("untrusted-artifact: another run's artifacts in a privileged workflow", () => {
  test.each([
    [
      'download-artifact of the triggering run into the workspace',
      'workflow_run',
      `    steps:\n      - uses: actions/download-artifact@${SHA}\n        with:\n          run-id: \${{ github.event.workflow_run.id }}\n          github-token: \${{ github.token }}\n`,
      ['untrusted-artifact'],
    ],
    [
      'gh run download into the workspace',
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" && ./out/run.sh\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      ['untrusted-artifact'],
    ],
    [
      'a third-party download action',
      'workflow_run',
      `    steps:\n      - uses: dawidd6/action-download-artifact@${SHA}\n        with:\n          run_id: \${{ github.event.workflow_run.id }}\n`,
      ['pin-mismatch', 'untrusted-artifact'],
    ],
    [
      'into runner.temp, as data',
      'workflow_run',
      `    steps:\n      - uses: actions/download-artifact@${SHA}\n        with:\n          run-id: \${{ github.event.workflow_run.id }}\n          path: \${{ runner.temp }}/in\n`,
      [],
    ],
    [
      'gh run download into RUNNER_TEMP',
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" --dir "$RUNNER_TEMP/in"\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      [],
    ],
    [
      'gh run download after RUNNER_TEMP is named elsewhere in the script',
      'workflow_run',
      '    steps:\n      - run: |\n          echo "$RUNNER_TEMP"\n          gh run download "$ID"\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      ['untrusted-artifact'],
    ],
    [
      'a second gh run download without a dir',
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" -D "$RUNNER_TEMP/a" && gh run download "$ID" -n x\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      ['untrusted-artifact'],
    ],
    [
      'gh run download into a folder that only names RUNNER_TEMP later',
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" --dir "./out/$RUNNER_TEMP"\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      ['untrusted-artifact'],
    ],
    [
      'gh run download climbing out of RUNNER_TEMP',
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" --dir="$RUNNER_TEMP/../../_work/repo"\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      ['untrusted-artifact'],
    ],
    [
      'download-artifact climbing out of runner.temp',
      'workflow_run',
      `    steps:\n      - uses: actions/download-artifact@${SHA}\n        with:\n          run-id: \${{ github.event.workflow_run.id }}\n          path: \${{ runner.temp }}/../../_work/repo\n`,
      ['untrusted-artifact'],
    ],
    [
      'gh run download -D ${RUNNER_TEMP}, and over two lines',
      'workflow_run',
      '    steps:\n      - run: |\n          gh run download "$ID" -D ${RUNNER_TEMP}/a\n          gh run download "$ID" \\\n            --name x --dir "${RUNNER_TEMP}/b"\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      [],
    ],
    [
      "a single-quoted '$RUNNER_TEMP' (that text, a folder of the working one)",
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" --dir \'$RUNNER_TEMP/a\'\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      ['untrusted-artifact'],
    ],
    [
      'gh run download into $runner_temp (another shell variable)',
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" --dir "$runner_temp/a"\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      ['untrusted-artifact'],
    ],
    [
      'gh run download -D${{ Runner.Temp }}',
      'workflow_run',
      '    steps:\n      - run: gh run download "$ID" -D${{ Runner.Temp }}/a\n        env:\n          ID: ${{ github.event.workflow_run.id }}\n',
      [],
    ],
    ['the same run', 'workflow_run', `    steps:\n      - uses: actions/download-artifact@${SHA}\n`, []],
    ['not privileged', 'push', `    steps:\n      - uses: actions/download-artifact@${SHA}\n        with:\n          run-id: \${{ inputs.id }}\n`, []],
  ])('%s', (_, on, job, expected) => {
    expect(rules(on, job)).toEqual(expected);
  });
});

describe('cache-poisoning: a cache written by a privileged workflow (the default branch scope every run reads)', () => {
  test.each([
    [
      'actions/cache (saves after the job)',
      'workflow_run',
      `    steps:\n      - uses: actions/cache@${SHA}\n        with:\n          path: x\n          key: k\n`,
      ['cache-poisoning'],
    ],
    ['actions/cache/save', 'issue_comment', `    steps:\n      - uses: actions/cache/save@${SHA}\n        with:\n          path: x\n          key: k\n`, ['cache-poisoning']],
    ['setup-node with cache:', 'workflow_run', `    steps:\n      - uses: actions/setup-node@${SHA}\n        with:\n          cache: pnpm\n`, ['cache-poisoning']],
    ['setup-node caching by default (package-manager-cache)', 'workflow_run', `    steps:\n      - uses: actions/setup-node@${SHA}\n`, ['cache-poisoning']],
    ['setup-go caching by default', 'workflow_run', `    steps:\n      - uses: actions/setup-go@${SHA}\n`, ['cache-poisoning']],
    [
      'BuildKit writing the gha cache',
      'workflow_run',
      `    steps:\n      - uses: docker/build-push-action@${SHA}\n        with:\n          cache-to: type=gha,mode=max\n`,
      ['cache-poisoning'],
    ],
    [
      'bake-action writing the gha cache through set:',
      'workflow_run',
      `    steps:\n      - uses: docker/bake-action@${SHA}\n        with:\n          set: |\n            *.cache-from=type=gha\n            *.cache-to=type=gha,mode=max\n`,
      ['cache-poisoning'],
    ],
    ['bake-action reading the gha cache only', 'workflow_run', `    steps:\n      - uses: docker/bake-action@${SHA}\n        with:\n          set: '*.cache-from=type=gha'\n`, []],
    ['setup-node with caching off', 'workflow_run', `    steps:\n      - uses: actions/setup-node@${SHA}\n        with:\n          package-manager-cache: false\n`, []],
    ['setup-go with caching off', 'workflow_run', `    steps:\n      - uses: actions/setup-go@${SHA}\n        with:\n          cache: false\n`, []],
    ['a restore only', 'workflow_run', `    steps:\n      - uses: actions/cache/restore@${SHA}\n        with:\n          path: x\n          key: k\n`, []],
    ['not privileged', 'push', `    steps:\n      - uses: actions/cache@${SHA}\n        with:\n          path: x\n          key: k\n`, []],
  ])('%s', (_, on, job, expected) => {
    expect(rules(on, job)).toEqual(expected);
  });
});

describe('self-hosted-runner: a job that can run for a pull request on a runner that outlives it', () => {
  const job = (runsOn: string) => `    runs-on: ${runsOn}\n    steps:\n      - run: make\n`;
  const w = (on: string, runsOn: string) =>
    auditWorkflow(parseAuditWorkflow('.github/workflows/t.yml', `on: ${on}\njobs:\n  j:\n    permissions: {}\n${job(runsOn)}`), options).map((f) => f.rule);
  test.each([
    ['pull_request', 'self-hosted', ['self-hosted-runner']],
    ['pull_request', '[self-hosted, linux, x64]', ['self-hosted-runner']],
    ['pull_request', '[Self-Hosted]', ['self-hosted-runner']],
    ['pull_request', '{group: builders}', ['self-hosted-runner']],
    ['pull_request', '{labels: [self-hosted]}', ['self-hosted-runner']],
    ['pull_request', 'ubuntu-24.04', []],
    ['push', 'self-hosted', []],
  ])('on %s, runs-on: %s', (on, runsOn, expected) => {
    expect(w(on, runsOn)).toEqual(expected);
  });
  test('a job whose if: keeps pull requests out passes', () => {
    const found = auditWorkflow(parseAuditWorkflow('.github/workflows/t.yml', `on: pull_request\njobs:\n  j:\n    permissions: {}\n${job('self-hosted')}`), {
      ...options,
      canRunFor: () => false,
    });
    expect(found).toEqual([]);
  });
});

describe('insecure-commands: ACTIONS_ALLOW_UNSECURE_COMMANDS turns set-env back on (any printed line sets a variable)', () => {
  test.each([
    ['the workflow env', 'env:\n  ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n', '    steps:\n      - run: echo\n', ['insecure-commands']],
    ['the job env', '', "    env:\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: 'true'\n    steps:\n      - run: echo\n", ['insecure-commands']],
    ['a step env', '', '    steps:\n      - run: echo\n        env:\n          actions_allow_unsecure_commands: yes\n', ['insecure-commands']],
    ['set to false', '', '    steps:\n      - run: echo\n        env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: false\n', []],
  ])('%s', (_, top, job, expected) => {
    expect(rules('push', job, top)).toEqual(expected);
  });
});

describe('unsound-condition: an if: that is text around an expression is always true', () => {
  test.each([
    ['a block scalar keeps its line break', "    if: |\n      ${{ github.event_name == 'push' }}\n    steps:\n      - run: echo\n", ['unsound-condition']],
    [
      'two expressions joined outside them',
      "    if: ${{ github.event_name == 'push' }} && ${{ github.ref == 'refs/heads/main' }}\n    steps:\n      - run: echo\n",
      ['unsound-condition'],
    ],
    ['a step if:', '    steps:\n      - if: "${{ github.event_name == \'push\' }} "\n        run: echo\n', ['unsound-condition']],
    ['one whole expression', "    if: ${{ github.event_name == 'push' }}\n    steps:\n      - run: echo\n", []],
    ['no ${{ }} at all', "    if: github.event_name == 'push'\n    steps:\n      - run: echo\n", []],
  ])('%s', (_, job, expected) => {
    expect(rules('push', job)).toEqual(expected);
  });
});

describe('persisted-credentials: the token uploaded with the workspace', () => {
  test.each([
    [
      `    steps:\n      - uses: actions/checkout@${SHA}\n      - uses: actions/upload-artifact@${SHA}\n        with:\n          path: .\n          include-hidden-files: true\n`,
      ['persisted-credentials'],
    ],
    // Hidden files (.git/config) are left out unless asked for.
    [`    steps:\n      - uses: actions/checkout@${SHA}\n      - uses: actions/upload-artifact@${SHA}\n        with:\n          path: .\n`, []],
  ])('%j', (job, expected) => {
    expect(rules('push', job)).toEqual(expected);
  });
});

test('each new finding names the job and the step', () => {
  const [found] = findings('workflow_run', `    steps:\n      - name: Cache\n        uses: actions/cache@${SHA}\n        with:\n          path: x\n          key: k\n`);
  expect(found).toEqual({
    file: '.github/workflows/t.yml',
    job: 'j',
    step: 'Cache',
    line: 7,
    rule: 'cache-poisoning',
    message:
      "writes the Actions cache in a workflow_run workflow, which runs in the default branch's cache scope: an entry poisoned there is restored by every later run (release builds too); write caches only from trusted pushes",
  });
});

describe("a composite action's steps: every step rule a workflow's step gets", () => {
  const action = (steps: string) => parseAuditAction('.github/actions/x/action.yml', `runs:\n  using: composite\n  steps:\n${steps}`);
  test.each([
    ['ACTIONS_ALLOW_UNSECURE_COMMANDS in a step env', "    - run: echo\n      shell: bash\n      env:\n        ACTIONS_ALLOW_UNSECURE_COMMANDS: 'true'\n", ['insecure-commands']],
    ['an if: that is text', '    - if: |\n        ${{ false }}\n      run: echo\n      shell: bash\n', ['unsound-condition']],
    ['an expression in the script', '    - run: echo "${{ github.head_ref }}"\n      shell: bash\n', ['untrusted-expression']],
    ['a clean step', '    - if: ${{ false }}\n      run: echo\n      shell: bash\n', []],
  ])('%s', (_, steps, expected) => {
    expect(auditAction(action(steps), options).map((f) => f.rule)).toEqual(expected);
  });

  test("a docker action's image by tag is an unpinned-image, as SECURITY.md names it", () => {
    const docker = parseAuditAction('.github/actions/d/action.yml', "runs:\n  using: docker\n  image: 'docker://alpine:3.20'\n");
    expect(auditAction(docker, options)).toEqual([
      {
        file: '.github/actions/d/action.yml',
        job: '(docker action)',
        line: 3,
        rule: 'unpinned-image',
        message: 'docker://alpine:3.20 is not pinned to an image digest (@sha256:...); every job that uses the action runs it',
      },
    ]);
  });
});

test("withActions: the with: of an action's step stays a null-prototype table (its keys come from the workflow file)", () => {
  const x = parseAuditAction(
    '.github/actions/x/action.yml',
    `runs:\n  using: composite\n  steps:\n    - uses: actions/cache@${SHA}\n      with:\n        path: \${{ inputs.p }}\n        constructor: c\n`,
  );
  const w = parseAuditWorkflow('.github/workflows/t.yml', 'on: push\njobs:\n  j:\n    steps:\n      - uses: ./.github/actions/x\n        with:\n          p: out\n');
  const [job] = w.jobs;
  if (job === undefined) throw new Error('no job');
  const [step] = withActions(job, () => x).steps;
  expect(step?.with).toEqual({ path: 'out', constructor: 'c' });
  expect(step !== undefined && Object.getPrototypeOf(step.with)).toBe(null);
});

describe('where an artifact lands and what counts as a cache write: the edges of the folder checks', () => {
  const gh = (script: string) => `    steps:\n      - run: ${script}\n        env:\n          ID: \${{ github.event.workflow_run.id }}\n`;
  const download = (path: string) =>
    `    steps:\n      - uses: actions/download-artifact@${SHA}\n        with:\n          run-id: \${{ github.event.workflow_run.id }}\n          path: ${path}\n`;
  test.each<[string, string, string[]]>([
    ['download-artifact into runner.temp itself', download('${{ runner.temp }}'), []],
    ['download-artifact into a folder whose name only starts like runner.temp', download('${{ runner.temp }}x'), ['untrusted-artifact']],
    ['download-artifact into a workspace folder that names runner.temp further on', download('out/${{ runner.temp }}'), ['untrusted-artifact']],
    ['gh run download into RUNNER_TEMP itself', gh('gh run download "$ID" -D "$RUNNER_TEMP"'), []],
    // As long as the prefix, then a folder naming it: the prefix must stand at the start, not be found further on.
    ['gh run download into a workspace folder as long as $RUNNER_TEMP, then one named like it', gh('gh run download "$ID" -D abcdefghijkl/$RUNNER_TEMP'), ['untrusted-artifact']],
    ['download-artifact into a workspace folder as long as the prefix, then one named like it', download('abcdefghijklmnop/${{ runner.temp }}'), ['untrusted-artifact']],
    ['gh run download into a folder that names RUNNER_TEMP further on', gh('gh run download "$ID" -D out/$RUNNER_TEMP'), ['untrusted-artifact']],
    ['gh run download --dir=RUNNER_TEMP/x', gh('gh run download "$ID" --dir="$RUNNER_TEMP/x"'), []],
    ['gh run download -D RUNNER_TEMP, and another word holding -D later', gh('gh run download "$ID" -D "$RUNNER_TEMP/a" --pattern x-Dfoo'), []],
    ['gh run download given two folders, one in the workspace', gh('gh run download "$ID" -D "$RUNNER_TEMP/a" -D ./out'), ['untrusted-artifact']],
    ['gh run download continued on the next line with no space before the backslash', gh('|\n          gh run download "$ID"\\\n          -D "$RUNNER_TEMP/a"'), []],
    [
      'bake-action writing the gha cache, with spaces around the =',
      `    steps:\n      - uses: docker/bake-action@${SHA}\n        with:\n          set: '*.cache-to = type=gha'\n`,
      ['cache-poisoning'],
    ],
  ])('%s', (_, job, expected) => {
    expect(rules('workflow_run', job)).toEqual(expected);
  });
});

describe('the edges of the rules against the bypasses', () => {
  test.each([
    // The spaces a shell allows between the words of a command.
    ['issue_comment', '    steps:\n      - run: gh  pr checkout 7\n', ['untrusted-checkout']],
    ['issue_comment', '    steps:\n      - run: gh pr  checkout 7\n', ['untrusted-checkout']],
    ['workflow_run', '    env:\n      HEAD: ${{ github.event.workflow_run.head_sha }}\n    steps:\n      - run: git  fetch origin "$HEAD"\n', ['untrusted-checkout']],
    // git -C <folder> before the command, spaces doubled.
    ['workflow_run', '    env:\n      HEAD: ${{ github.event.workflow_run.head_sha }}\n    steps:\n      - run: git -C  work  fetch origin "$HEAD"\n', ['untrusted-checkout']],
    ['workflow_run', '    env:\n      HEAD: ${{ github.event.workflow_run.head_sha }}\n    steps:\n      - run: git -C work checkout "$HEAD"\n', ['untrusted-checkout']],
  ])('untrusted-checkout on %s: %j', (on, job, expected) => {
    expect(rules(on, job)).toEqual(expected);
  });

  test.each([
    ['gh  run download "$ID"', ['untrusted-artifact']],
    ['gh run  download "$ID"', ['untrusted-artifact']],
  ])('untrusted-artifact on workflow_run: %j', (script, expected) => {
    expect(rules('workflow_run', `    steps:\n      - run: ${script}\n        env:\n          ID: \${{ github.event.workflow_run.id }}\n`)).toEqual(expected);
  });

  const step = (action: string, inputs: Record<string, string>) =>
    `    steps:\n      - uses: ${action}@${SHA}\n${
      Object.keys(inputs).length === 0
        ? ''
        : `        with:\n${Object.entries(inputs)
            .map(([k, v]) => `          ${k}: ${v}\n`)
            .join('')}`
    }`;
  test.each<[string, Record<string, string>, string[]]>([
    // actions/cache saves whatever else it is given (an input it does not know is ignored).
    ['actions/cache', { path: 'x', key: 'k', 'package-manager-cache': 'false' }, ['cache-poisoning']],
    // setup-node: a cache: named caches even with the default cache off; an empty one does not.
    ['actions/setup-node', { cache: 'pnpm', 'package-manager-cache': 'false' }, ['cache-poisoning']],
    ['actions/setup-node', { cache: "''", 'package-manager-cache': 'false' }, []],
    // "false" in any case and with spaces is off, as the boolean is.
    ['actions/setup-node', { 'package-manager-cache': "'false'" }, []],
    ['actions/setup-node', { 'package-manager-cache': "' False '" }, []],
    ['actions/setup-go', { cache: 'FALSE' }, []],
    ['actions/setup-go', { cache: 'true' }, ['cache-poisoning']],
    // setup-python, setup-java and setup-dotnet cache only when asked.
    ['actions/setup-python', { cache: 'pip' }, ['cache-poisoning']],
    ['actions/setup-java', { cache: 'maven' }, ['cache-poisoning']],
    ['actions/setup-dotnet', { cache: 'true' }, ['cache-poisoning']],
    ['actions/setup-python', {}, []],
    ['actions/setup-python', { cache: "''" }, []],
    ['actions/setup-java', { cache: 'false' }, []],
    ['actions/setup-dotnet', { cache: "'False'" }, []],
    // BuildKit without a cache-to, or with another cache type.
    ['docker/build-push-action', {}, []],
    ['docker/build-push-action', { 'cache-to': 'type=registry,ref=x' }, []],
    // Any other action writes no cache.
    ['actions/upload-artifact', { path: 'x', cache: 'true' }, []],
  ])('cache-poisoning on workflow_run: %s with %j', (action, inputs, expected) => {
    expect(rules('workflow_run', step(action, inputs)).filter((r) => r !== 'pin-mismatch')).toEqual(expected);
  });

  test.each([
    ["[' self-hosted']", ['self-hosted-runner']],
    ['{labels: [ubuntu-24.04]}', []],
    ['{labels: self-hosted}', ['self-hosted-runner']],
    ['5', []],
    ['{}', []],
  ])('self-hosted-runner on pull_request: runs-on: %s', (runsOn, expected) => {
    const w = parseAuditWorkflow('.github/workflows/t.yml', `on: pull_request\njobs:\n  j:\n    permissions: {}\n    runs-on: ${runsOn}\n    steps:\n      - run: make\n`);
    expect(auditWorkflow(w, options).map((f) => f.rule)).toEqual(expected);
  });

  test.each([
    ["''", []],
    ["'  '", []],
    ["' FALSE '", []],
    ['1', ['insecure-commands']],
  ])('insecure-commands: ACTIONS_ALLOW_UNSECURE_COMMANDS: %s', (value, expected) => {
    expect(rules('push', `    env:\n      A: x\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: ${value}\n      Z: y\n    steps:\n      - run: echo\n`)).toEqual(expected);
  });

  // Each message names what was found, where (every privileged trigger of the workflow) and the fix.
  test.each([
    [
      '[workflow_run, issue_comment]',
      '    steps:\n      - run: gh pr checkout 7\n',
      /^checks out \(gh pr checkout\) pull-request code in a workflow_run\/issue_comment workflow, which runs with/,
    ],
    [
      'workflow_run',
      '    env:\n      HEAD: ${{ github.event.workflow_run.head_sha }}\n    steps:\n      - run: git fetch origin "$HEAD"\n',
      /^fetches \(a git command given an event value\) pull-request code in a workflow_run workflow/,
    ],
    [
      '[workflow_run, issue_comment]',
      `    steps:\n      - uses: actions/download-artifact@${SHA}\n        with:\n          run-id: 7\n`,
      /^downloads another run's artifacts in a workflow_run\/issue_comment workflow: .*; download into \$\{\{ runner\.temp \}\} and read them as data$/,
    ],
    [
      '[workflow_run, issue_comment]',
      `    steps:\n      - uses: actions/cache@${SHA}\n`,
      /^writes the Actions cache in a workflow_run\/issue_comment workflow, which runs in the default branch's cache scope: .*; write caches only from trusted pushes$/,
    ],
    [
      'push',
      '    env:\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n    steps:\n      - run: echo\n',
      /^ACTIONS_ALLOW_UNSECURE_COMMANDS turns ::set-env and ::add-path back on: .*; remove it and use \$GITHUB_ENV$/,
    ],
    [
      'push',
      '    if: ${{ true }} && ${{ true }}\n    steps:\n      - run: echo\n',
      /^this if: is text around \$\{\{ \}\} .*: GitHub reads it as a string, always true; write one whole \$\{\{ \}\} or none$/,
    ],
  ])('the message on %s of %j', (on, job, message) => {
    const found = findings(on, job).filter((f) => f.rule !== 'forbidden-trigger');
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(message)]);
  });
  test('the self-hosted runner message names both pull-request events', () => {
    const w = parseAuditWorkflow(
      '.github/workflows/t.yml',
      'on: [pull_request, pull_request_target]\njobs:\n  j:\n    permissions: {}\n    runs-on: self-hosted\n    steps:\n      - run: make\n',
    );
    expect(
      auditWorkflow(w, options)
        .filter((f) => f.rule === 'self-hosted-runner')
        .map((f) => f.message),
    ).toEqual([
      expect.stringMatching(
        /^runs on a self-hosted runner and its if: lets it run for pull_request and pull_request_target: a pull request's code runs on a machine that outlives the job .*; use a GitHub-hosted runner$/,
      ),
    ]);
  });
});

describe("untrusted-env-file: the event's file under another name", () => {
  // `github.event_path` is the same file as $GITHUB_EVENT_PATH; UNTRUSTED's `event\b` does not match `event_path`.
  test.each([
    ['through a step env:', '    steps:\n      - env:\n          EV: ${{ github.event_path }}\n        run: echo "T=$(jq -r .pull_request.title "$EV")" >> "$GITHUB_ENV"\n'],
    ['through the job env:', '    env:\n      EV: ${{ github.event_path }}\n    steps:\n      - run: jq -r .pull_request.head.ref "$EV" >> "$GITHUB_PATH"\n'],
    [
      'in a value with another expression',
      '    env:\n      EV: ${{ runner.temp }}/${{ github.event_path }}\n    steps:\n      - run: jq -r .pull_request.title "${EV#*/}" >> "$GITHUB_ENV"\n',
    ],
    ['through the job env:, indexed', '    env:\n      EV: ${{ github[\'event_path\'] }}\n    steps:\n      - run: jq -r .pull_request.head.ref "$EV" >> "$GITHUB_PATH"\n'],
  ])('%s', (_, job) => {
    expect(rules('pull_request', job)).toEqual(['untrusted-env-file']);
  });

  test.each([
    ['another field of github', '    env:\n      EV: ${{ github.event_name }}\n    steps:\n      - run: echo "E=$EV" >> "$GITHUB_ENV"\n'],
    ['the path, no env file', '    env:\n      EV: ${{ github.event_path }}\n    steps:\n      - run: jq -r .pull_request.title "$EV"\n'],
    ['a plain value written to the env file', '    env:\n      A: plain\n    steps:\n      - run: echo "A=$A" >> "$GITHUB_ENV"\n'],
  ])('not: %s', (_, job) => {
    expect(rules('pull_request', job)).toEqual([]);
  });

  test('a workflow_run script that fetches what the event file names (through github.event_path) checks out untrusted code', () => {
    const job = '    steps:\n      - env:\n          EV: ${{ github.event_path }}\n        run: git fetch origin "$(jq -r .workflow_run.head_sha "$EV")"\n';
    expect(rules('workflow_run', job)).toEqual(['untrusted-checkout']);
  });
});
