/** The plan as text for a terminal: per workflow, job and leg, what runs or is skipped and why. Pure. */
import type { JobPlan, LegPlan, Plan, StepPlan } from './plan-types.js';

function short(sha: string | null): string {
  return sha ? sha.slice(0, 7) : 'none';
}

function block(label: string, value: string, indent: string): string[] {
  // Stryker disable next-line StringLiteral: split always yields a first element, so the default is never used
  const [first = '', ...rest] = value.split('\n');
  const pad = `${indent}${' '.repeat(label.length + 2)}`;
  return [`${indent}${label}: ${first}`, ...rest.map((l) => `${pad}${l}`)];
}

function step(s: StepPlan, indent: string): string[] {
  const defaultName = s.name.startsWith('Run ');
  const what = s.uses && !defaultName ? ` (uses ${s.uses})` : '';
  const where = s.job ? `${s.job}: ` : '';
  const mark = !s.if ? '·' : s.executed ? (s.executed.exitCode === 0 ? '⚙' : '✗') : '▸';
  const head = `${indent}${mark} ${where}${s.name}${what}${s.if ? '' : ` skipped: if ${s.ifExpr} is false`}`;
  if (!s.if) return [head];
  const lines = [head];
  const inner = `${indent}    `;
  if (s.run !== undefined && !defaultName) lines.push(...block('run', s.run.trimEnd(), inner));
  for (const [k, v] of Object.entries(s.with)) lines.push(...block(`with ${k}`, v, inner));
  for (const [k, v] of Object.entries(s.env)) lines.push(...block(`env ${k}`, v, inner));
  if (s.secrets.length > 0) lines.push(`${inner}secrets: ${s.secrets.join(', ')}`);
  if (s.executed) {
    lines.push(`${inner}executed: exit ${s.executed.exitCode}`);
    for (const [k, v] of Object.entries(s.executed.outputs)) lines.push(...block(`output ${k}`, v, inner));
    if (s.executed.error) lines.push(...block('error', s.executed.error, inner));
  }
  if (s.note) lines.push(`${inner}${s.note}`);
  return lines;
}

function leg(l: LegPlan, indent: string, multiple: boolean): string[] {
  const lines: string[] = [];
  let inner = indent;
  if (multiple || l.matrix) {
    lines.push(`${indent}leg ${l.matrix ? JSON.stringify(l.matrix) : '(no matrix)'}`);
    inner = `${indent}  `;
  }
  if (l.calls) lines.push(`${inner}calls ${l.calls}${l.jobs ? '' : ' (not followed: not a local workflow)'}`);
  if (l.jobs) for (const j of l.jobs) lines.push(...job(j, inner));
  else for (const s of l.steps) lines.push(...step(s, inner));
  return lines;
}

function job(j: JobPlan, indent: string): string[] {
  const legs = j.legs.length > 1 ? `, ${j.legs.length} legs` : '';
  const result = j.result === 'failure' ? ' FAILS' : '';
  const lines = [`${indent}${j.status === 'run' ? '●' : '○'} job ${j.id}: ${j.status}${legs}${result} (${j.reason})`];
  if (j.environment !== null) lines.push(`${indent}    environment: ${j.environment}`);
  if (j.concurrency !== null) lines.push(`${indent}    concurrency: ${j.concurrency}`);
  for (const l of j.legs) lines.push(...leg(l, `${indent}    `, j.legs.length > 1));
  const outputs = Object.entries(j.outputs);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the loop over no outputs adds nothing either
  if (outputs.length > 0) for (const [k, v] of outputs) lines.push(...block(`outputs.${k}`, v, `${indent}    `));
  return lines;
}

export function renderPlan(plan: Plan): string {
  const e = plan.event;
  const changed = e.changedFiles === null ? 'no comparison' : `${e.changedFiles} changed file${e.changedFiles === 1 ? '' : 's'}`;
  const lines = [`plan for ${e.name} ${e.ref} at ${short(e.sha)} (base ${short(e.base)}, head ${short(e.head)}, ${changed})`, ''];
  for (const wf of plan.workflows) {
    lines.push(`${wf.file} (${wf.name}): ${wf.triggered ? 'triggered' : 'not triggered'}: ${wf.reason}`);
    for (const j of wf.jobs) lines.push(...job(j, '  '));
    lines.push('');
  }
  const failing = plan.workflows.flatMap((w) => w.jobs.filter((j) => j.result === 'failure').map((j) => `${w.file} job ${j.id}`));
  lines.push(failing.length > 0 ? `CI would fail: ${failing.join(', ')}` : 'CI would pass (assuming every reported step succeeds)');
  return `${lines.join('\n')}\n`;
}
