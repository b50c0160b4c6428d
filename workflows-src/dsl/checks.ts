/**
 * Generation-time checks: the rules a reviewer would otherwise have to catch in YAML. Each problem
 * names the workflow file, the job and the step, and says how to fix it. They run on the library's
 * plain workflow object, so a job built without the DSL's job() is checked too.
 */
import type { GeneratedWorkflowTypes } from '@github-actions-workflow-ts/lib';
import { InputError } from '../../scripts/core/errors.js';
import { PINS } from '../actions.pins.js';
import { PINNED_USES } from './pin.js';

export interface Problem {
  readonly workflow: string;
  readonly job: string;
  readonly step?: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.workflow}: job "${p.job}"${p.step !== undefined ? `, step "${p.step}"` : ''}: ${p.message}`;
}

/** Contexts whose values an outsider controls (a branch name, a PR title, a dispatch input). */
const UNTRUSTED = /\bgithub\.event\b|\bgithub\.head_ref\b|\binputs\./;
const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

/** Every pinned action each SHA may be used as (one repository's sub-actions share its SHA: actions/cache/restore). */
const PINNED_SHAS = new Map<string, Set<string>>();
for (const [action, pin] of Object.entries(PINS)) PINNED_SHAS.set(pin.sha, (PINNED_SHAS.get(pin.sha) ?? new Set()).add(action));

function checkUses(uses: string): string | undefined {
  if (uses.startsWith('./')) return undefined;
  if (uses.startsWith('docker://')) return /@sha256:[0-9a-f]{64}$/.test(uses) ? undefined : `uses "${uses}": pin the image by digest (docker://image@sha256:...)`;
  const match = PINNED_USES.exec(uses);
  if (!match) return `uses "${uses}" is not pinned by a full commit SHA: add the action to workflows-src/actions.pins.ts and use its step factory`;
  const action = uses.slice(0, uses.indexOf('@'));
  if (!PINNED_SHAS.get(match[1] ?? '')?.has(action)) return `uses "${uses}": this SHA is not the pin of ${action} in workflows-src/actions.pins.ts; use the step factory`;
  return undefined;
}

function checkRun(script: string): string[] {
  const problems: string[] = [];
  for (const [, inner = ''] of script.matchAll(EXPRESSION)) {
    const expression = inner.trim();
    problems.push(
      UNTRUSTED.test(expression)
        ? `run: interpolates \${{ ${expression} }}, a value an outsider controls, into the script (script injection): pass it through env: and read "$NAME"`
        : `run: interpolates \${{ ${expression} }} into the script: pass it through env: and read "$NAME", so that scripts stay static text`,
    );
  }
  return problems;
}

export function checkWorkflow(file: string, workflow: Partial<GeneratedWorkflowTypes.Workflow>): Problem[] {
  const problems: Problem[] = [];
  if (workflow.on && typeof workflow.on === 'object' && !Array.isArray(workflow.on) && 'pull_request_target' in workflow.on) {
    problems.push({ workflow: file, job: '*', message: "pull_request_target runs fork code with this repository's secrets: use pull_request" });
  }
  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    const at = (message: string, step?: string): void => {
      problems.push({ workflow: file, job: jobId, ...(step !== undefined ? { step } : {}), message });
    };
    if (job.permissions === undefined) at('no permissions: declare the least this job needs, e.g. { contents: read }, so it does not inherit the default token scopes');
    else if (job.permissions === 'write-all') at('permissions: write-all: list only the scopes this job needs');
    if ('uses' in job) {
      const problem = checkUses(job.uses);
      if (problem) at(problem);
      continue;
    }
    if (job['timeout-minutes'] === undefined) at('no timeout-minutes: set one, so that a hung job does not hold a runner for 6 hours');
    for (const [index, step] of (job.steps ?? []).entries()) {
      const stepName = typeof step.name === 'string' ? step.name : typeof step.id === 'string' ? step.id : `#${index + 1}`;
      if (typeof step.uses === 'string') {
        const problem = checkUses(step.uses);
        if (problem) at(problem, stepName);
      }
      if (typeof step.run === 'string') for (const problem of checkRun(step.run)) at(problem, stepName);
    }
  }
  return problems;
}

/**
 * Generation refuses a workflow with problems, all of them named: bad input of `pnpm workflows` (a source
 * in workflows-src/ breaks a rule), so one line and exit 2, as any other.
 */
export class WorkflowRuleError extends InputError {
  constructor(readonly problems: readonly Problem[]) {
    super(`${problems.length} workflow rule violation(s): ${problems.map(formatProblem).join('; ')}; fix the workflow in workflows-src/`);
  }
}
