/**
 * The audit's own rules over a parsed workflow (workflow.ts): what actionlint does not check. Each
 * finding names the file, the job, the step and the rule. Pure: the pins and the question "can this
 * job run for a pull request?" (GitHub's expression engine, in the command) are handed in.
 */
import { compact, expressionsOf, UNTRUSTED } from './expression-text.js';
import { type Finding, finding } from './finding.js';
import { actionOf, type Needs, stepNeeds } from './permissions.js';
import {
  cachePoisoning,
  insecureCommands,
  outsideEnv,
  privilegedTriggers,
  readsEventFile,
  runsIn,
  scriptCheckout,
  selfHostedRunner,
  unsoundCondition,
  untrustedArtifact,
} from './trust-rules.js';
import { type AuditJob, type AuditStep, type AuditWorkflow, COMPOSITE_JOB, type Fields } from './workflow.js';
import { dict } from '../dict.js';
import { isRecord } from '../json.js';

export type { Finding, Rule } from './finding.js';

export interface AuditOptions {
  /** Per action (`owner/repo[/path]`), the SHA the pins file records. */
  readonly pins: ReadonlyMap<string, string>;
  /** Whether the job's `if:` can be true for a pull-request event of this kind. */
  readonly canRunFor: (job: AuditJob, event: 'pull_request' | 'pull_request_target') => boolean;
  /** `<file>:<job>` pairs allowed to keep checkout credentials, each with its reason. */
  readonly keepsCredentials: ReadonlyMap<string, string>;
  /** The repository's own action a `uses: ./path` names (parseAuditAction), when there is one. */
  readonly localAction?: (uses: string) => AuditWorkflow | undefined;
}

/**
 * Jobs that keep actions/checkout's credentials on purpose. ci.yml's `changes` job runs
 * `pipeline affected`, which fetches the single commits a shallow checkout lacks (`git fetch` needs
 * the token); the job's token is `contents: read` and the job installs nothing and runs only the
 * committed bundle.
 */
export const KEEPS_CREDENTIALS: ReadonlyMap<string, string> = new Map([
  // Stryker disable next-line StringLiteral: equivalent: the reason documents the exception here; the audit reads only the key
  ['ci.yml:changes', 'pipeline affected fetches the single commits a shallow checkout lacks; contents: read, no install'],
]);

/**
 * Values of the run itself, which no outsider sets (a repository or owner name is `[A-Za-z0-9._-]`): the
 * only expressions a script may hold, written plainly (`github.sha`; context names are case-blind).
 * Anything else (an env, a matrix value, a step or job output, a secret, a bracketed property) can carry
 * outside data into the script, or show a secret in the log.
 */
const FIXED_VALUES: ReadonlySet<string> = new Set([
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
]);
/** The only expressions a checkout's ref may hold in a privileged workflow: the run's own commit or ref. */
const OWN_COMMIT: ReadonlySet<string> = new Set(['github.sha', 'github.ref']);
const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;
const DIGEST_PINNED = /@sha256:[0-9a-f]{64}$/;
/** A pull request's head or merge ref written out, in a checkout's ref or a script (`git fetch origin pull/7/head`). */
const PULL_REF = /\bpull\/[^/\s]+\/(?:head|merge)\b|refs\/pull\//;
// Matched against the job's fields as JSON (jobText): `secrets: inherit` reads `"secrets":"inherit"` there.
// Inside one ${{ }}, up to its }}: a single } of a format string (format('{0}', secrets.X)) does not end it.
// `secrets.X`, `secrets['X']` and `toJSON(secrets)` alike.
const SECRET = /\$\{\{(?:(?!\}\})[\s\S])*?\bsecrets\s*[.[)]|"secrets":"inherit"/i;

/** The code a step runs: its `run:` script, or an actions/github-script `script:`. */
function scriptOf(step: AuditStep): string | undefined {
  if (step.run !== undefined) return step.run;
  if (step.uses !== undefined && actionOf(step.uses) === 'actions/github-script') return typeof step.with['script'] === 'string' ? step.with['script'] : undefined;
  return undefined;
}

function injection(workflow: AuditWorkflow, job: AuditJob, step: AuditStep): Finding[] {
  const script = scriptOf(step);
  if (script === undefined) return [];
  const out: Finding[] = [];
  for (const inner of expressionsOf(script)) {
    if (UNTRUSTED.test(inner))
      out.push(finding(workflow, job, step, 'untrusted-expression', `\${{${inner}}} puts outside data into the script; pass it through env: and use "$NAME"`));
    else if (!FIXED_VALUES.has(compact(inner))) {
      out.push(
        finding(
          workflow,
          job,
          step,
          'untrusted-expression',
          `\${{${inner}}} is expanded into the script before the shell reads it, and its value is not fixed by the run (it can carry outside data, or show a secret); pass it through env: and use "$NAME"`,
        ),
      );
    }
  }
  return out;
}

/**
 * Outside data written to the files that set later steps' environment or PATH: a line break in it adds any
 * variable. Outside data is an env: value from the event, or the event's own file read by the script.
 */
function envFile(workflow: AuditWorkflow, job: AuditJob, step: AuditStep): Finding[] {
  // Stryker disable next-line StringLiteral: equivalent: no text of a step without run: names GITHUB_ENV either
  const script = step.run ?? '';
  if (!/\bGITHUB_(?:ENV|PATH)\b/.test(script)) return [];
  return outsideEnv(workflow, job, step) || readsEventFile(workflow, job, step)
    ? [
        finding(
          workflow,
          job,
          step,
          'untrusted-env-file',
          'writes outside data to $GITHUB_ENV or $GITHUB_PATH: a line break in it sets any variable (BASH_ENV, NODE_OPTIONS) for the later steps; pass it as a step output or check it first',
        ),
      ]
    : [];
}

/** A job's `container:` and `services:` images: pinned by digest, as a `docker://` step is. */
function imagePinning(workflow: AuditWorkflow, job: AuditJob): Finding[] {
  const images: string[] = [];
  // `container: node:24` or `container: {image: node:24}`; anything else names no image.
  const imageOf = (value: unknown) => (typeof value === 'string' ? value : isRecord(value) && typeof value['image'] === 'string' ? value['image'] : '');
  if (job.fields['container'] !== undefined) images.push(imageOf(job.fields['container']));
  const services = job.fields['services'];
  if (isRecord(services)) for (const service of Object.values(services)) images.push(imageOf(service));
  return images
    .filter((image) => !DIGEST_PINNED.test(image))
    .map((image) =>
      finding(
        workflow,
        job,
        undefined,
        'unpinned-image',
        `${image || '(no image)'} is not pinned to an image digest (@sha256:...); every step of the job runs in it, with its token`,
      ),
    );
}

function pinning(workflow: AuditWorkflow, job: AuditJob, step: AuditStep, pins: ReadonlyMap<string, string>): Finding[] {
  const uses = step.uses;
  if (uses === undefined || uses.startsWith('./')) return [];
  if (uses.startsWith('docker://')) {
    return /@sha256:[0-9a-f]{64}$/.test(uses) ? [] : [finding(workflow, job, step, 'unpinned-action', `${uses} is not pinned to an image digest (@sha256:...)`)];
  }
  if (!PINNED.test(uses)) return [finding(workflow, job, step, 'unpinned-action', `${uses} is not pinned to a 40-hex commit SHA`)];
  const action = actionOf(uses);
  const sha = uses.slice(uses.indexOf('@') + 1);
  const recorded = pins.get(action);
  if (recorded === undefined)
    return [finding(workflow, job, step, 'pin-mismatch', `${action} is not in workflows-src/actions.pins.ts; add it there (SHA and version) and generate`)];
  return recorded === sha ? [] : [finding(workflow, job, step, 'pin-mismatch', `${action}@${sha} is not the SHA workflows-src/actions.pins.ts records (${recorded})`)];
}

function untrustedCheckout(workflow: AuditWorkflow, job: AuditJob): Finding[] {
  const privileged = privilegedTriggers(workflow);
  if (privileged.length === 0) return [];
  const message = (what: string) => `${what} pull-request code in a ${privileged.join('/')} workflow, which runs with the base repository's secrets and token`;
  const out: Finding[] = [];
  for (const s of job.steps) {
    if (s.uses !== undefined && actionOf(s.uses) === 'actions/checkout') {
      // Stryker disable next-line StringLiteral: an absent ref or repository, read as '' or as any text without a pull ref or an expression, is no finding (the other literals here are pinned by the tests)
      const target = `${String(s.with['ref'] ?? '')} ${String(s.with['repository'] ?? '')}`;
      // A pull ref written out, or any expression but the run's own commit (the head by name, or an env or
      // an output that may hold it).
      if (PULL_REF.test(target) || expressionsOf(target).some((inner) => !OWN_COMMIT.has(compact(inner))))
        out.push(finding(workflow, job, s, 'untrusted-checkout', message('checks out')));
      continue;
    }
    // Stryker disable next-line StringLiteral: equivalent: no text of a step without run: names a pull ref either
    if (PULL_REF.test(s.run ?? '')) out.push(finding(workflow, job, s, 'untrusted-checkout', message('fetches')));
    else out.push(...scriptCheckout(workflow, job, s, message));
  }
  return out;
}

/** The job's permissions as scope -> access; undefined when the job sets none. */
function permissionsOf(job: AuditJob): Map<string, string> | 'write-all' | 'read-all' | undefined {
  const p = job.fields['permissions'];
  if (p === undefined) return undefined;
  // Stryker disable next-line ConditionalExpression,StringLiteral: read-all grants no write, and read as a scope map it is an empty one, which gives the same findings (none); write-all is pinned by the tests
  if (p === 'write-all' || p === 'read-all') return p;
  const out = new Map<string, string>();
  // Stryker disable next-line ConditionalExpression: any other string read as entries gives one-character scopes with one-character access, never a write, as the empty map does (p !== null is pinned by the tests)
  if (typeof p === 'object' && p !== null) for (const [scope, access] of Object.entries(p)) out.set(scope, String(access));
  return out;
}

function jobNeeds(job: AuditJob): Needs {
  const out = new Map<string, 'read' | 'write'>();
  for (const step of job.steps) for (const [scope, access] of stepNeeds(step)) if (out.get(scope) !== 'write') out.set(scope, access);
  return out;
}

function permissions(workflow: AuditWorkflow, job: AuditJob): Finding[] {
  const granted = permissionsOf(job);
  if (granted === undefined)
    return [finding(workflow, job, undefined, 'missing-permissions', 'the job sets no permissions: it gets the workflow or repository default; set the least it needs')];
  if (granted === 'write-all') return [finding(workflow, job, undefined, 'unneeded-write', 'permissions: write-all; grant only the scopes the steps need')];
  // A call of a reusable workflow must grant what the called jobs need; they are audited in their own file.
  if (job.fields['uses'] !== undefined) return [];
  // Stryker disable next-line ConditionalExpression,StringLiteral: read-all read as scope pairs gives its characters, none with a write access, so no finding either way (the early return itself is pinned by the tests)
  if (granted === 'read-all') return [];
  const needs = jobNeeds(job);
  return [...granted]
    .filter(([scope, access]) => access === 'write' && needs.get(scope) !== 'write')
    .map(([scope]) =>
      finding(workflow, job, undefined, 'unneeded-write', `${scope}: write is needed by no step of the job (scripts/core/audit/permissions.ts lists what each needs)`),
    );
}

const isCheckout = (s: AuditStep) => s.uses !== undefined && actionOf(s.uses) === 'actions/checkout';
// Stryker disable next-line StringLiteral: an absent persist-credentials read as 'true' or as any other text but 'false' keeps them ('persist-credentials' and 'false' are pinned by the tests)
const keepsCredentials = (s: AuditStep) => String(s.with['persist-credentials'] ?? 'true') !== 'false';

/** An upload-artifact that takes hidden files too (.git/config, where checkout keeps the token). */
const uploadsHidden = (s: AuditStep) =>
  // Stryker disable next-line StringLiteral: equivalent for the 'false' of an absent input: any text but 'true' reads the same ('actions/upload-artifact', 'include-hidden-files' and 'true' are pinned by the tests)
  s.uses !== undefined && actionOf(s.uses) === 'actions/upload-artifact' && String(s.with['include-hidden-files'] ?? 'false').toLowerCase() === 'true';

function persistedCredentials(workflow: AuditWorkflow, job: AuditJob, allowed: ReadonlyMap<string, string>): Finding[] {
  // Stryker disable next-line Regex: a file path is one line, so the first match of the greedy .*\/ starts at 0 and the ^ anchor changes nothing
  if (allowed.has(`${workflow.file.replace(/^.*\//, '')}:${job.id}`)) return [];
  return job.steps.flatMap((step, i) => {
    if (!isCheckout(step) || !keepsCredentials(step)) return [];
    const later = job.steps.slice(i + 1);
    const what = later.some((s) => s.run !== undefined)
      ? 'a later step runs repository code'
      : later.some(uploadsHidden)
        ? 'a later step uploads hidden files, .git/config with it, as an artifact anyone who can read the run downloads'
        : undefined;
    return what === undefined
      ? []
      : [finding(workflow, job, step, 'persisted-credentials', `actions/checkout keeps the token in .git/config and ${what}; set persist-credentials: false`)];
  });
}

function jobText(fields: Fields): string {
  // Stryker disable next-line StringLiteral: JSON.stringify of an object is always a string, so the fallback '' is never used
  return JSON.stringify(fields) ?? '';
}

function secretsForPullRequests(workflow: AuditWorkflow, job: AuditJob, canRunFor: AuditOptions['canRunFor']): Finding[] {
  const events = (['pull_request', 'pull_request_target'] as const).filter((e) => runsIn(workflow, e));
  // Stryker disable next-line ConditionalExpression: with no pull-request event, runsFor below is empty and gives no finding either (events.length === 0 only saves the work; the secret test is pinned by the tests)
  if (events.length === 0 || !SECRET.test(jobText(job.fields))) return [];
  const runsFor = events.filter((e) => canRunFor(job, e));
  return runsFor.length === 0
    ? []
    : [
        finding(
          workflow,
          job,
          undefined,
          'secret-in-pull-request-job',
          `references a secret and its if: lets it run for ${runsFor.join(' and ')}; exclude pull requests in the job's if:`,
        ),
      ];
}

function deployEnvironment(workflow: AuditWorkflow, job: AuditJob): Finding[] {
  const granted = permissionsOf(job);
  const deploysByPermission = granted === 'write-all' || (granted instanceof Map && granted.get('deployments') === 'write');
  const deploysByCommand = job.steps.some((s) => stepNeeds(s).get('deployments') === 'write');
  if (!(deploysByPermission || deploysByCommand) || job.fields['environment'] !== undefined) return [];
  return [
    finding(
      workflow,
      job,
      undefined,
      'deploy-without-environment',
      'a deploy job without environment: runs without the environment protection rules (reviewers, branches) and its secrets',
    ),
  ];
}

/** A status function in an `if:` other than `success()`: without one, GitHub adds `success()`, and one written out is the same. */
const STATUS_FUNCTION = /\b(?:failure|always|cancelled)\s*\(/i;
/** `needs.<job>.result` compared with a result other than success (or `!= 'success'`) in an `if:`. */
const RESULT_TEST = /\bneeds\s*\.\s*[A-Za-z_][A-Za-z0-9_-]*\s*\.\s*result\s*(?:[!=]=\s*'(?:skipped|failure|cancelled)'|!=\s*'success')/i;

function needsOf(job: AuditJob): string[] {
  const needs = job.fields['needs'];
  if (typeof needs === 'string') return [needs];
  return Array.isArray(needs) ? needs.filter((n): n is string => typeof n === 'string') : [];
}

/**
 * A job whose `if:` has no status function runs only when every job before it succeeded, the ones it
 * does not name in `needs:` too: GitHub adds `success()`, which a job skipped anywhere up the chain
 * makes false (actions/runner#2205; release.yml's hand-off never ran when no build did). Found: a job
 * up the chain that can be skipped (it has an `if:`) and is not among the job's own needs; else an `if:`
 * that looks for a needed job's result other than success (it can never see one).
 */
function skippedAncestor(workflow: AuditWorkflow, job: AuditJob, byId: ReadonlyMap<string, AuditJob>): Finding[] {
  // An absent if: reads as 'undefined', which holds neither a status function nor a result test.
  const text = String(job.fields['if']);
  const direct = new Set(needsOf(job));
  if (direct.size === 0 || STATUS_FUNCTION.test(text)) return [];
  const fix = 'start its if: with !cancelled() and test the needs.<job>.result it relies on (actions/runner#2205)';
  const skippable: string[] = [];
  const seen = new Set<string>();
  const stack = [...direct];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const ancestor = byId.get(id);
    if (ancestor === undefined) continue;
    const condition = ancestor.fields['if'];
    // A job whose `if:` is only `always()` runs whatever happened before it: it is never skipped.
    // Stryker disable next-line Regex: equivalent without ^ or $: text before ${{ or after }} leaves it unequal to always() either way
    if (!direct.has(id) && condition !== undefined && compact(String(condition)).replace(/^\$\{\{(.*)\}\}$/, '$1') !== 'always()') skippable.push(id);
    stack.push(...needsOf(ancestor));
  }
  if (skippable.length > 0) {
    const names = skippable.sort().join(', ');
    const message = `runs only if no job before it was skipped: GitHub adds success() to its if:, and ${names} (not in its needs) can be skipped; ${fix}`;
    return [finding(workflow, job, undefined, 'skipped-ancestor', message)];
  }
  if (RESULT_TEST.test(text)) {
    const message = `its if: looks for a needed job that did not succeed, but GitHub adds success() to it, so it never sees one; ${fix}`;
    return [finding(workflow, job, undefined, 'skipped-ancestor', message)];
  }
  return [];
}

/**
 * The rules over one step, the same for a workflow's steps and a composite action's (auditAction): one
 * list, so that a new step rule reaches both.
 */
function stepRules(workflow: AuditWorkflow, job: AuditJob, step: AuditStep, options: Pick<AuditOptions, 'pins'>): Finding[] {
  return [
    ...injection(workflow, job, step),
    ...envFile(workflow, job, step),
    ...pinning(workflow, job, step, options.pins),
    ...unsoundCondition(workflow, job, step, step.fields['if']),
    ...insecureCommands(workflow, job, step, step.fields['env']),
  ];
}

/** The rules over what a job's steps do, composite actions' steps included (withActions). */
function jobRules(workflow: AuditWorkflow, job: AuditJob, options: AuditOptions): Finding[] {
  return [
    ...untrustedCheckout(workflow, job),
    ...permissions(workflow, job),
    ...persistedCredentials(workflow, job, options.keepsCredentials),
    ...deployEnvironment(workflow, job),
    ...untrustedArtifact(workflow, job),
    ...cachePoisoning(workflow, job),
  ];
}

/** `${{ inputs.NAME }}` in a composite action's step: what the using step passes in `with:`. */
const INPUT = /\$\{\{\s*inputs\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/gi;

/**
 * The job with each step that uses one of the repository's composite actions replaced by that action's
 * steps (and theirs, once each), its inputs put in as the step passes them: a composite action's steps
 * run inside the job, with its token, secrets and checkout. Each is labelled `<step> (<action file> <its step>)`.
 */
export function withActions(job: AuditJob, localAction: AuditOptions['localAction'], seen: ReadonlySet<string> = new Set()): AuditJob {
  if (localAction === undefined) return job;
  const steps = job.steps.flatMap((step): AuditStep[] => {
    const action = step.uses?.startsWith('./') ? localAction(step.uses) : undefined;
    const inner = action?.jobs.find((j) => j.id === COMPOSITE_JOB);
    // Stryker disable next-line ConditionalExpression: equivalent for action === undefined: inner is undefined then too (the check is for the type); the others are pinned by the tests
    if (action === undefined || inner === undefined || seen.has(action.file)) return [step];
    const given = new Map(Object.entries(step.with).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const put = (text: string) => text.replace(INPUT, (whole, name: string) => given.get(name.toLowerCase()) ?? whole);
    const nested = withActions(inner, localAction, new Set([...seen, action.file]));
    return nested.steps.map((s) => ({
      ...s,
      label: `${step.label} (${action.file} ${s.label})`,
      line: step.line,
      run: s.run === undefined ? undefined : put(s.run),
      // Keys from the workflow file: a null-prototype table, as the parser makes (workflow.ts).
      with: dict(Object.entries(s.with).map(([k, v]) => [k, typeof v === 'string' ? put(v) : v])),
    }));
  });
  return { ...job, steps };
}

export function auditWorkflow(workflow: AuditWorkflow, options: AuditOptions): Finding[] {
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const forbidden = workflow.on.has('pull_request_target')
    ? [
        finding(
          workflow,
          undefined,
          undefined,
          'forbidden-trigger',
          "on: pull_request_target runs a fork's pull request with the base repository's secrets and a write token; use pull_request (a workflow_run for what needs secrets, without its code)",
        ),
      ]
    : [];
  return [...forbidden, ...insecureCommands(workflow, undefined, undefined, workflow.env)].concat(
    workflow.jobs.flatMap((job) => [
      ...unsoundCondition(workflow, job, undefined, job.fields['if']),
      ...insecureCommands(workflow, job, undefined, job.fields['env']),
      ...job.steps.flatMap((step) => stepRules(workflow, job, step, options)),
      ...imagePinning(workflow, job),
      ...(job.fields['uses'] !== undefined
        ? pinning(workflow, job, { label: 'uses', line: job.line, uses: String(job.fields['uses']), run: undefined, with: {}, fields: {} }, options.pins)
        : []),
      ...jobRules(workflow, withActions(job, options.localAction), options),
      ...secretsForPullRequests(workflow, job, options.canRunFor),
      ...skippedAncestor(workflow, job, byId),
      ...selfHostedRunner(workflow, job, options.canRunFor),
    ]),
  );
}

/** An action of the repository (parseAuditAction): a docker action's image, and every step rule on a composite action's steps. */
export function auditAction(action: AuditWorkflow, options: Pick<AuditOptions, 'pins'>): Finding[] {
  return action.jobs.flatMap((job) => {
    const image = job.fields['image'];
    const unpinnedImage =
      typeof image === 'string' && image.startsWith('docker://') && !DIGEST_PINNED.test(image)
        ? [finding(action, job, undefined, 'unpinned-image', `${image} is not pinned to an image digest (@sha256:...); every job that uses the action runs it`)]
        : [];
    return [...unpinnedImage, ...job.steps.flatMap((step) => stepRules(action, job, step, options))];
  });
}

/** `file:line: job J step S: [rule] message`, the one format every finding is printed in. */
export function formatFinding(f: Finding): string {
  const where = [f.job !== undefined ? `job ${f.job}` : '', f.step !== undefined ? `step ${JSON.stringify(f.step)}` : ''].filter(Boolean).join(' ');
  return `${f.file}:${f.line}: ${where ? `${where}: ` : ''}[${f.rule}] ${f.message}`;
}
