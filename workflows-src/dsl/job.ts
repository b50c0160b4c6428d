/**
 * Jobs: a typed wrapper over the library's NormalJob whose spec cannot omit `permissions` or
 * `timeout-minutes` (generation checks the same on the output, for jobs made any other way), and
 * whose outputs are read back by name (`changes.output('matrix')` is `needs.changes.outputs.matrix`).
 */
import { type GeneratedWorkflowTypes, NormalJob } from '@github-actions-workflow-ts/lib';
import type { RunnerLabels } from '../../scripts/core/config.js';
import { Expr, needsOutput, needsResult } from './expr.js';
import type { BuiltStep, Value } from './steps.js';
import { value } from './steps.js';

export type Permissions = GeneratedWorkflowTypes.PermissionsEvent;

export interface JobSpec<O extends string> {
  readonly name?: string | Expr;
  readonly needs?: readonly Job<string>[];
  readonly if?: Expr;
  readonly runsOn: RunnerLabels;
  readonly timeoutMinutes: number;
  /** Least privilege: list what this job's token needs; `{}` means none. */
  readonly permissions: Permissions;
  /** The matrix: one expression (an include list from a job output) or one expression per key. */
  readonly strategy?: { readonly matrix: Expr | Readonly<Record<string, Expr>>; readonly failFast: boolean };
  /** `[name, value]` pairs: the names are the only ones `output()` accepts. */
  readonly outputs?: readonly (readonly [O, Expr])[];
  readonly env?: Readonly<Record<string, Value>>;
  /** A concurrency group of the job's own (matrix context allowed); an in-flight run is never cancelled when `cancelInProgress` is false. */
  readonly concurrency?: { readonly group: Expr; readonly cancelInProgress: boolean };
  /** A GitHub environment: its protection rules (required reviewers) apply before the job starts. */
  readonly environment?: { readonly name: Expr | string; readonly url?: Expr | string };
  readonly steps: readonly [BuiltStep<string>, ...BuiltStep<string>[]];
}

export interface Job<O extends string> {
  readonly id: string;
  readonly job: NormalJob;
  output(name: O): Expr;
  readonly result: Expr;
}

/** `runs-on`: the label, or the labels as a list (a new one: the spec's list stays read-only). */
function runsOn(labels: RunnerLabels): string | [string, ...string[]] {
  if (typeof labels === 'string') return labels;
  const [first, ...rest] = labels;
  return [first, ...rest];
}

export function job<O extends string = never>(id: string, spec: JobSpec<O>): Job<O> {
  const [firstNeed, ...moreNeeds] = spec.needs?.map((j) => j.id) ?? [];
  const props: GeneratedWorkflowTypes.NormalJob = {
    ...(spec.name !== undefined ? { name: typeof spec.name === 'string' ? spec.name : spec.name.wrap() } : {}),
    ...(firstNeed !== undefined ? { needs: [firstNeed, ...moreNeeds] } : {}),
    ...(spec.if ? { if: spec.if.source } : {}),
    'runs-on': runsOn(spec.runsOn),
    'timeout-minutes': spec.timeoutMinutes,
    permissions: spec.permissions,
  };
  if (spec.strategy) {
    const m = spec.strategy.matrix;
    props.strategy = { 'fail-fast': spec.strategy.failFast, matrix: m instanceof Expr ? m.wrap() : Object.fromEntries(Object.entries(m).map(([k, e]) => [k, e.wrap()])) };
  }
  if (spec.outputs) props.outputs = Object.fromEntries(spec.outputs.map(([k, e]) => [k, e.wrap()]));
  if (spec.env) props.env = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, value(v)]));
  if (spec.concurrency) props.concurrency = { group: spec.concurrency.group.wrap(), 'cancel-in-progress': spec.concurrency.cancelInProgress };
  if (spec.environment) {
    const { name, url } = spec.environment;
    props.environment = { name: typeof name === 'string' ? name : name.wrap(), ...(url === undefined ? {} : { url: typeof url === 'string' ? url : url.wrap() }) };
  }
  const normal = new NormalJob(id, props).addSteps(spec.steps.map((s) => s.step));
  return { id, job: normal, output: (name) => needsOutput(id, name), result: needsResult(id) };
}
