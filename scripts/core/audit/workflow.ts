/**
 * A workflow file as the audit reads it: YAML parsed into plain values (type guards, no trust), with
 * the line where each job and step starts, so that a finding (ours or actionlint's, which gives a
 * line) names its job and step. Pure.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { dict } from '../dict.js';
import { InputError } from '../errors.js';
import { isRecord } from '../json.js';
import { quote } from '../quote.js';

export type Fields = Readonly<Record<string, unknown>>;

export interface AuditStep {
  /** The step's name, else its id, else `#<1-based index>`. */
  readonly label: string;
  readonly line: number;
  readonly uses: string | undefined;
  readonly run: string | undefined;
  readonly with: Fields;
  readonly fields: Fields;
}

export interface AuditJob {
  readonly id: string;
  readonly line: number;
  readonly fields: Fields;
  readonly steps: readonly AuditStep[];
}

export interface AuditWorkflow {
  readonly file: string;
  /** The events that trigger it. */
  readonly on: ReadonlySet<string>;
  /**
   * The events of the workflows that call it (`uses: ./.github/workflows/<it>`, up their chain): a
   * reusable workflow runs in its caller's event, with its secrets and token. Set by the command.
   */
  readonly calledFor: ReadonlySet<string>;
  readonly permissions: unknown;
  /** The workflow's own `env:`, which every job and step gets. */
  readonly env: unknown;
  readonly jobs: readonly AuditJob[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const fields = (v: unknown): Fields => (isRecord(v) ? dict(Object.entries(v)) : dict());

function triggers(on: unknown): Set<string> {
  if (typeof on === 'string') return new Set([on]);
  if (Array.isArray(on)) return new Set(on.filter((e): e is string => typeof e === 'string'));
  return new Set(isRecord(on) ? Object.keys(on) : []);
}

/** 1-based start lines of the mapping values under `jobs` and of each job's `steps` items, by job id. */
function lines(text: string): { jobs: Map<string, number>; steps: Map<string, number[]> } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  // Stryker disable next-line ConditionalExpression: yaml's LineCounter gives line 0 for an undefined offset too (the check makes it explicit)
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : counter.linePos(offset).line);
  const jobs = new Map<string, number>();
  const steps = new Map<string, number[]>();
  // Stryker disable next-line BooleanLiteral: keepScalar only changes what a scalar jobs: gives, and a scalar is no map either way
  const jobsNode = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined;
  if (!isMap(jobsNode)) return { jobs, steps };
  for (const pair of jobsNode.items) {
    // Stryker disable next-line StringLiteral: a key that is no scalar (an alias) is kept under a name no job has (job ids start with a letter or _), so its line is never looked up by it
    const id = isScalar(pair.key) ? String(pair.key.value) : '';
    const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
    jobs.set(id, lineOf(keyRange?.[0]));
    // Stryker disable next-line BooleanLiteral: keepScalar only changes what a scalar steps: gives, and a scalar is no sequence either way
    const stepsNode = isMap(pair.value) ? pair.value.get('steps', true) : undefined;
    // Stryker disable next-line OptionalChaining: a node the parser made always has its range (the ?. is for the types)
    steps.set(id, isSeq(stepsNode) ? stepsNode.items.map((item) => (isMap(item) ? lineOf(item.range?.[0]) : 0)) : []);
  }
  return { jobs, steps };
}

/** One step of a job's or a composite action's `steps:`, with the line it starts on. */
function auditStep(raw: unknown, index: number, stepLines: readonly number[]): AuditStep {
  const step = fields(raw);
  return {
    label: str(step['name']) ?? str(step['id']) ?? `#${index + 1}`,
    line: stepLines[index] ?? 0,
    uses: str(step['uses']),
    run: str(step['run']),
    with: fields(step['with']),
    fields: step,
  };
}

/** The mapping a YAML file holds, or one line naming the file and what is wrong with it (`what`: workflow, action). */
function yamlMapping(file: string, doc: ReturnType<typeof parseDocument>, what: string, expected: string): Record<string, unknown> {
  const [error] = doc.errors;
  if (error) throw new InputError(`${quote(file, 200)}: not valid YAML (${error.message.split('\n')[0]}); fix the ${what}`);
  let root: unknown;
  try {
    root = doc.toJS();
  } catch (err) {
    // The yaml library refuses to expand too many aliases (a billion-laughs guard): bad input too.
    throw new InputError(`${quote(file, 200)}: cannot be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); fix the ${what}`);
  }
  if (!isRecord(root)) throw new InputError(`${quote(file, 200)}: expected ${expected}`);
  return root;
}

export function parseAuditWorkflow(file: string, text: string): AuditWorkflow {
  const root = yamlMapping(file, parseDocument(text), 'workflow', 'a workflow (a YAML mapping with on: and jobs:)');
  const at = lines(text);
  const jobs = isRecord(root['jobs']) ? Object.entries(root['jobs']) : [];
  return {
    file,
    on: triggers(root['on']),
    calledFor: new Set(),
    permissions: root['permissions'],
    env: root['env'],
    jobs: jobs.map(([id, raw]) => {
      const job = fields(raw);
      const rawSteps = Array.isArray(job['steps']) ? job['steps'] : [];
      const stepLines = at.steps.get(id) ?? [];
      return {
        id,
        line: at.jobs.get(id) ?? 0,
        fields: job,
        steps: rawSteps.map((s: unknown, i) => auditStep(s, i, stepLines)),
      };
    }),
  };
}

/** The job id an action's steps are shown under: a composite action's steps run inside the job that uses it. */
export const COMPOSITE_JOB = '(composite action)';
/** The job id a docker action's image is shown under (its `runs.image`, run in every job that uses it). */
export const DOCKER_JOB = '(docker action)';

function lineOfImage(doc: ReturnType<typeof parseDocument>, counter: LineCounter): number {
  const node = doc.getIn(['runs', 'image'], true);
  return isScalar(node) && node.range ? counter.linePos(node.range[0]).line : 1;
}

/**
 * An action of the repository (`action.yml`) as the audit reads it: a composite action's `runs.steps`, as
 * the steps of one job (COMPOSITE_JOB), so that the step rules (expressions, pins) read them as they read a
 * workflow's. A docker action is its image (DOCKER_JOB, `fields.image`); a node action has nothing here.
 */
export function parseAuditAction(file: string, text: string): AuditWorkflow {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const root = yamlMapping(file, doc, 'action', 'an action (a YAML mapping with runs:)');
  const runs = fields(root['runs']);
  const rawSteps = runs['using'] === 'composite' && Array.isArray(runs['steps']) ? runs['steps'] : [];
  // Stryker disable next-line BooleanLiteral: keepScalar only changes what a scalar steps: gives, and a scalar is no sequence either way
  const stepsNode = doc.getIn(['runs', 'steps'], true);
  // Stryker disable next-line OptionalChaining: a node the parser made always has its range (the ?. is for the types)
  const stepLines = isSeq(stepsNode) ? stepsNode.items.map((item) => (isMap(item) && item.range ? counter.linePos(item.range[0]).line : 0)) : [];
  return {
    file,
    on: new Set(),
    calledFor: new Set(),
    permissions: undefined,
    env: undefined,
    jobs: [
      runs['using'] === 'docker'
        ? { id: DOCKER_JOB, line: lineOfImage(doc, counter), fields: dict([['image', runs['image']]]), steps: [] }
        : {
            id: COMPOSITE_JOB,
            line: 1,
            fields: dict(),
            steps: rawSteps.map((s: unknown, i) => auditStep(s, i, stepLines)),
          },
    ],
  };
}

/** The job and step at a line of the file (the last ones starting at or before it). */
export function locate(workflow: AuditWorkflow, line: number): { job?: string; step?: string } {
  const job = workflow.jobs.filter((j) => j.line > 0 && j.line <= line).at(-1);
  if (!job) return {};
  const step = job.steps.filter((s) => s.line > 0 && s.line <= line).at(-1);
  return step ? { job: job.id, step: step.label } : { job: job.id };
}
