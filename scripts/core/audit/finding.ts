/**
 * What the audit reports: a finding names the file, the job, the step, the line and the rule. Pure.
 */
import type { AuditJob, AuditStep, AuditWorkflow } from './workflow.js';

export type Rule =
  | 'forbidden-trigger'
  | 'untrusted-expression'
  | 'untrusted-env-file'
  | 'unpinned-image'
  | 'unpinned-action'
  | 'pin-mismatch'
  | 'untrusted-checkout'
  | 'missing-permissions'
  | 'unneeded-write'
  | 'persisted-credentials'
  | 'secret-in-pull-request-job'
  | 'deploy-without-environment'
  | 'skipped-ancestor'
  | 'untrusted-artifact'
  | 'cache-poisoning'
  | 'self-hosted-runner'
  | 'insecure-commands'
  | 'unsound-condition';

export interface Finding {
  readonly file: string;
  readonly job?: string;
  readonly step?: string;
  readonly line: number;
  /** One of Rule, or `actionlint:<kind>`. */
  readonly rule: string;
  readonly message: string;
}

export function finding(workflow: AuditWorkflow, job: AuditJob | undefined, step: AuditStep | undefined, rule: Rule, message: string): Finding {
  return {
    file: workflow.file,
    ...(job ? { job: job.id } : {}),
    ...(step ? { step: step.label } : {}),
    // A workflow-wide finding has no job and no step: line 1.
    line: step?.line || job?.line || 1,
    rule,
    message,
  };
}
