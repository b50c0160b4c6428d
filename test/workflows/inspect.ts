/** Reading a generated workflow object back in tests: its jobs and steps by id and name, its `${{ }}` values. */
import type { GeneratedWorkflowTypes, Workflow } from '@github-actions-workflow-ts/lib';

export type Job = GeneratedWorkflowTypes.NormalJob;
export type Step = GeneratedWorkflowTypes.Step;

export function inspect(workflow: Workflow) {
  const jobs: Record<string, Job> = Object.fromEntries(Object.entries(workflow.workflow.jobs ?? {}).flatMap(([id, j]) => ('steps' in j ? [[id, j]] : [])));
  const jobOf = (id: string): Job => {
    const j = jobs[id];
    if (!j) throw new Error(`no job ${id}`);
    return j;
  };
  const stepsOf = (id: string): Step[] => jobOf(id).steps ?? [];
  const stepNamed = (id: string, name: RegExp): Step => {
    const step = stepsOf(id).find((s) => typeof s.name === 'string' && name.test(s.name));
    if (!step) throw new Error(`job ${id} has no step matching ${name}`);
    return step;
  };
  /** `job: step` for every step that reads the `secrets` context. */
  const secretReaders = (): string[] =>
    Object.entries(jobs).flatMap(([id, j]) => (j.steps ?? []).filter((s) => JSON.stringify(s).includes('secrets.')).map((s) => `${id}: ${String(s.name)}`));
  return { wf: workflow.workflow, jobs, jobOf, stepsOf, stepNamed, secretReaders };
}

/** The expression inside a `${{ ... }}` value. */
export function unwrap(value: unknown): string {
  const m = typeof value === 'string' ? /^\$\{\{ ([\s\S]*) \}\}$/.exec(value) : null;
  if (!m?.[1]) throw new Error(`not a \${{ }} value: ${String(value)}`);
  return m[1];
}
