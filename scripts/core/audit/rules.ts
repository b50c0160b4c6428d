/**
 * The audit's own rules over a parsed workflow (workflow.ts): what actionlint does not check. Each
 * finding names the file, the job, the step and the rule. Pure: the pins and the question "can this
 * job run for a pull request?" (GitHub's expression engine, in the command) are handed in.
 */
import { actionOf, type Needs, stepNeeds } from './permissions.js';
import type { AuditJob, AuditStep, AuditWorkflow, Fields } from './workflow.js';

export type Rule =
  | 'untrusted-expression'
  | 'unpinned-action'
  | 'pin-mismatch'
  | 'untrusted-checkout'
  | 'missing-permissions'
  | 'unneeded-write'
  | 'persisted-credentials'
  | 'secret-in-pull-request-job'
  | 'deploy-without-environment'
  | 'skipped-ancestor';

export interface Finding {
  readonly file: string;
  readonly job?: string;
  readonly step?: string;
  readonly line: number;
  /** One of Rule, or `actionlint:<kind>`. */
  readonly rule: string;
  readonly message: string;
}

export interface AuditOptions {
  /** Per action (`owner/repo[/path]`), the SHA the pins file records. */
  readonly pins: ReadonlyMap<string, string>;
  /** Whether the job's `if:` can be true for a pull-request event of this kind. */
  readonly canRunFor: (job: AuditJob, event: 'pull_request' | 'pull_request_target') => boolean;
  /** `<file>:<job>` pairs allowed to keep checkout credentials, each with its reason. */
  readonly keepsCredentials: ReadonlyMap<string, string>;
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

/** Data an outsider controls: event fields (titles, bodies, branch names, commit messages), head_ref, inputs. */
const UNTRUSTED = /\bgithub\s*\.\s*(?:event\b|head_ref\b)|\bgithub\s*\[|\binputs\s*\.|\btoJSON\s*\(\s*github\s*\)/i;
const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;
const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;
const HEAD_CODE = /github\s*\.\s*(?:event\s*\.\s*pull_request\s*\.\s*head|head_ref|event\s*\.\s*workflow_run\s*\.\s*head)|refs\/pull\/|merge_commit_sha/i;
// Matched against the job's fields as JSON (jobText): `secrets: inherit` reads `"secrets":"inherit"` there.
// Inside one ${{ }}, up to its }}: a single } of a format string (format('{0}', secrets.X)) does not end it.
const SECRET = /\$\{\{(?:(?!\}\})[\s\S])*?\bsecrets\s*\.|"secrets":"inherit"/i;

function finding(workflow: AuditWorkflow, job: AuditJob | undefined, step: AuditStep | undefined, rule: Rule, message: string): Finding {
  return {
    file: workflow.file,
    ...(job ? { job: job.id } : {}),
    ...(step ? { step: step.label } : {}),
    // Stryker disable next-line OptionalChaining: every caller passes a job, so job?.line never meets undefined (step?.line, which does, is pinned by the tests)
    line: step?.line || job?.line || 1,
    rule,
    message,
  };
}

/** The code a step runs: its `run:` script, or an actions/github-script `script:`. */
function scriptOf(step: AuditStep): string | undefined {
  if (step.run !== undefined) return step.run;
  if (step.uses !== undefined && actionOf(step.uses) === 'actions/github-script') return typeof step.with['script'] === 'string' ? step.with['script'] : undefined;
  return undefined;
}

function injection(workflow: AuditWorkflow, job: AuditJob, step: AuditStep): Finding[] {
  const script = scriptOf(step);
  if (script === undefined) return [];
  return [...script.matchAll(EXPRESSION)]
    .filter(
      // Stryker disable next-line StringLiteral: group 1 always participates when EXPRESSION matches, so the fallback '' is never used
      (m) => UNTRUSTED.test(m[1] ?? ''),
    )
    .map((m) => finding(workflow, job, step, 'untrusted-expression', `\${{${m[1]}}} puts outside data into the script; pass it through env: and use "$NAME"`));
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
  const privileged = ['pull_request_target', 'workflow_run'].filter((e) => workflow.on.has(e));
  if (privileged.length === 0) return [];
  return job.steps
    .filter(
      // Stryker disable next-line StringLiteral: an absent ref or repository, read as '' or as any text without a head reference, never matches HEAD_CODE (the other literals here are pinned by the tests)
      (s) => s.uses !== undefined && actionOf(s.uses) === 'actions/checkout' && HEAD_CODE.test(`${String(s.with['ref'] ?? '')} ${String(s.with['repository'] ?? '')}`),
    )
    .map((s) =>
      finding(
        workflow,
        job,
        s,
        'untrusted-checkout',
        `checks out pull-request code in a ${privileged.join('/')} workflow, which runs with the base repository's secrets and token`,
      ),
    );
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

function persistedCredentials(workflow: AuditWorkflow, job: AuditJob, allowed: ReadonlyMap<string, string>): Finding[] {
  // Stryker disable next-line Regex: a file path is one line, so the first match of the greedy .*\/ starts at 0 and the ^ anchor changes nothing
  if (allowed.has(`${workflow.file.replace(/^.*\//, '')}:${job.id}`)) return [];
  return job.steps.flatMap((step, i) =>
    isCheckout(step) && keepsCredentials(step) && job.steps.slice(i + 1).some((later) => later.run !== undefined)
      ? [
          finding(
            workflow,
            job,
            step,
            'persisted-credentials',
            'actions/checkout keeps the token in .git/config and a later step runs repository code; set persist-credentials: false',
          ),
        ]
      : [],
  );
}

function jobText(fields: Fields): string {
  // Stryker disable next-line StringLiteral: JSON.stringify of an object is always a string, so the fallback '' is never used
  return JSON.stringify(fields) ?? '';
}

function secretsForPullRequests(workflow: AuditWorkflow, job: AuditJob, canRunFor: AuditOptions['canRunFor']): Finding[] {
  const events = (['pull_request', 'pull_request_target'] as const).filter((e) => workflow.on.has(e));
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

/** A status function in an `if:`; without one, GitHub adds `success()`. */
const STATUS_FUNCTION = /\b(?:success|failure|always|cancelled)\s*\(/i;
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
    if (!direct.has(id) && ancestor.fields['if'] !== undefined) skippable.push(id);
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

export function auditWorkflow(workflow: AuditWorkflow, options: AuditOptions): Finding[] {
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  return workflow.jobs.flatMap((job) => [
    ...job.steps.flatMap((step) => [...injection(workflow, job, step), ...pinning(workflow, job, step, options.pins)]),
    ...(job.fields['uses'] !== undefined
      ? pinning(workflow, job, { label: 'uses', line: job.line, uses: String(job.fields['uses']), run: undefined, with: {}, fields: {} }, options.pins)
      : []),
    ...untrustedCheckout(workflow, job),
    ...permissions(workflow, job),
    ...persistedCredentials(workflow, job, options.keepsCredentials),
    ...secretsForPullRequests(workflow, job, options.canRunFor),
    ...deployEnvironment(workflow, job),
    ...skippedAncestor(workflow, job, byId),
  ]);
}

/** `file:line: job J step S: [rule] message`, the one format every finding is printed in. */
export function formatFinding(f: Finding): string {
  const where = [f.job !== undefined ? `job ${f.job}` : '', f.step !== undefined ? `step ${JSON.stringify(f.step)}` : ''].filter(Boolean).join(' ');
  return `${f.file}:${f.line}: ${where ? `${where}: ` : ''}[${f.rule}] ${f.message}`;
}
