/**
 * The plan engine: for one event, walks every parsed workflow the way GitHub's runner would. It decides
 * the trigger, orders jobs by `needs`, evaluates each `if:` with the status functions of that point of
 * the run, expands matrices, follows local reusable workflows, and evaluates each step's `with:`/`env:`.
 * Output-computing steps are handed to the injected StepRunner (real execution); every other step is
 * only reported, and is assumed to succeed with no outputs.
 */
import { dict } from '../core/dict.js';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { Job, ReusableWorkflowJob, WorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import { isActionStep, isJob, isRunStep } from '@actions/workflow-parser/model/type-guards';
import { InputError } from '../core/errors.js';
import {
  asString,
  type Contexts,
  EvaluationError,
  evaluate,
  type Functions,
  type Json,
  type JsonObject,
  SecretsContext,
  StepsContext,
  type Status,
  truthy,
} from './expressions.js';
import { defaultEnv, type EventEnvelope, githubContext } from './event.js';
import { type InputDefinition, resolveInputs } from './inputs.js';
import { expandMatrix } from './matrix.js';
import type { JobPlan, JobResult, LegPlan, StepExecution, StepPlan, WorkflowPlan } from './plan-types.js';
import { splitTop, userCondition } from './condition.js';
import { classifyRun, expandWord, type RunStepKind } from './pipeline-steps.js';
import { child, childMapping, evaluateStrings, evaluateToken, item, literalString, templateText } from './tokens.js';
import { type ChangedFiles, decideTrigger, type EventFacts } from './triggers.js';
import type { InputDefinitionToken, LoadedWorkflow } from './workflow-files.js';

export interface StepRunRequest {
  /** The `pipeline` command and its arguments, expanded as the shell would (pipeline-steps.ts): run by the plan's own CLI, never by a shell. */
  readonly argv: readonly string[];
  /** The step's full environment: runner defaults, workflow, job and step env. */
  readonly env: Readonly<Record<string, string>>;
  /** Relative to the workspace ('' = the workspace itself). */
  readonly workingDirectory: string;
  readonly shell: string | undefined;
  readonly payload: JsonObject;
}

export interface StepRunResult {
  readonly exitCode: number;
  readonly outputs: Readonly<Record<string, string>>;
  /** What the step appended to GITHUB_ENV (visible to later steps of the job). */
  readonly env: Readonly<Record<string, string>>;
  readonly stderr: string;
}

export interface StepRunner {
  run(request: StepRunRequest): Promise<StepRunResult>;
}

export interface EngineInput {
  readonly envelope: EventEnvelope;
  readonly payload: JsonObject;
  readonly workspace: string;
  readonly changedFiles: ChangedFiles;
  /** `--input` values (workflow_dispatch only). */
  readonly inputs: Readonly<Record<string, string>>;
  readonly workflows: readonly LoadedWorkflow[];
  readonly runner: StepRunner;
  readonly hashFiles?: (patterns: readonly string[]) => string;
  /** Told before each job is planned (for progress on a terminal). */
  readonly progress?: (event: { readonly workflow: string; readonly job: string; readonly index: number; readonly total: number }) => void;
}

// GitHub: "a maximum of ten levels of workflows - that is, the top-level caller workflow and up to nine
// levels of reusable workflows" (the top-level workflow is depth 0).
const MAX_CALL_DEPTH = 9;
const STATUS_FUNCTION = /\b(always|failure|cancelled)\s*\(/i;

interface JobOutcome {
  readonly result: JobResult;
  readonly outputs: Record<string, string>;
}

/** Everything one workflow run shares (a called workflow gets its own scope). */
interface Scope {
  readonly wf: LoadedWorkflow;
  readonly github: JsonObject;
  readonly payload: JsonObject;
  readonly inputs: JsonObject;
  readonly secretAvailable: (name: string) => boolean;
  readonly depth: number;
}

function eventFacts(envelope: EventEnvelope, changedFiles: ChangedFiles): EventFacts {
  const e = envelope.event;
  switch (e.name) {
    case 'push':
      return { name: 'push', ref: e.ref, changedFiles };
    case 'pull_request':
      return { name: 'pull_request', action: 'synchronize', baseRef: e.base.ref, changedFiles };
    case 'merge_group':
      return { name: 'merge_group', action: 'checks_requested', baseRef: e.baseRef };
    case 'workflow_dispatch':
      return { name: 'workflow_dispatch', ref: e.ref };
  }
}

const ALWAYS_OK: Status = { success: true, failure: false, cancelled: false };

export class PlanEngine {
  constructor(private readonly input: EngineInput) {}

  private fns(status: Status): Functions {
    return this.input.hashFiles ? { status, hashFiles: this.input.hashFiles } : { status };
  }

  async plan(): Promise<WorkflowPlan[]> {
    const { envelope, changedFiles, workflows } = this.input;
    const facts = eventFacts(envelope, changedFiles);
    const decisions = workflows.map((wf) => ({ wf, decision: decideTrigger(wf.triggers, facts) }));
    // Stryker disable next-line MethodExpression: every workflow with dispatch inputs has the workflow_dispatch trigger, which always triggers
    this.checkInputFlags(decisions.filter((d) => d.decision.triggered).map((d) => d.wf));
    const out: WorkflowPlan[] = [];
    for (const { wf, decision } of decisions) {
      if (!decision.triggered) {
        const onlyCalled = Object.keys(wf.triggers).every((t) => t === 'workflow_call');
        out.push({ file: wf.file, name: wf.name, triggered: false, reason: onlyCalled ? 'reusable workflow: runs only when called' : decision.reason, jobs: [] });
        continue;
      }
      out.push({ file: wf.file, name: wf.name, triggered: true, reason: decision.reason, jobs: await this.runWorkflow(wf) });
    }
    return out;
  }

  private checkInputFlags(triggered: readonly LoadedWorkflow[]): void {
    const given = Object.keys(this.input.inputs);
    if (given.length === 0) return;
    if (this.input.envelope.event.name !== 'workflow_dispatch') {
      throw new InputError(`--input ${given[0]}: inputs are only for --event workflow_dispatch`);
    }
    const defined = new Set(triggered.flatMap((wf) => Object.keys(wf.dispatchInputs)));
    const unknown = given.find((k) => !defined.has(k));
    if (unknown !== undefined) {
      throw new InputError(`--input ${unknown}: no workflow_dispatch workflow defines it; defined inputs: ${[...defined].join(', ') || 'none'}`);
    }
  }

  private async runWorkflow(wf: LoadedWorkflow): Promise<JobPlan[]> {
    const { envelope, workspace } = this.input;
    let payload = this.input.payload;
    let inputs: JsonObject = {};
    if (envelope.event.name === 'workflow_dispatch') {
      const github = githubContext(envelope, payload, wf, workspace);
      // Stryker disable next-line ObjectLiteral: GitHub's parser allows no context in a workflow_dispatch input default
      const resolved = resolveInputs(wf.file, this.definitions(wf.dispatchInputs, { github }), this.input.inputs);
      inputs = resolved.inputs;
      payload = { ...payload, inputs: resolved.eventInputs, workflow: wf.file };
    }
    // Stryker disable next-line ConditionalExpression: only a pull_request event has a fork field (undefined, so false, for the others)
    const fork = envelope.event.name === 'pull_request' && envelope.event.fork;
    const scope: Scope = {
      wf,
      github: githubContext(envelope, payload, wf, workspace),
      payload,
      inputs,
      // GitHub passes a fork's pull request no secret but a read-only GITHUB_TOKEN.
      secretAvailable: (name) => !fork || name === 'GITHUB_TOKEN',
      depth: 0,
    };
    // Stryker disable next-line ArrayDeclaration: GitHub's parser requires `jobs`
    return (await this.runJobs(wf.template.jobs ?? [], scope)).plans;
  }

  private definitions(defs: Readonly<Record<string, InputDefinitionToken>>, contexts: Contexts): Record<string, InputDefinition> {
    const out: Record<string, InputDefinition> = dict();
    for (const [name, d] of Object.entries(defs)) {
      out[name] = { type: d.type, required: d.required, options: d.options, default: d.default ? evaluateToken(d.default, contexts, this.fns(ALWAYS_OK)) : undefined };
    }
    return out;
  }

  private async runJobs(jobs: readonly WorkflowJob[], scope: Scope): Promise<{ plans: JobPlan[]; outcomes: Map<string, JobOutcome> }> {
    const outcomes = new Map<string, JobOutcome>();
    const plans: JobPlan[] = [];
    const ordered = orderByNeeds(jobs, scope.wf.file);
    for (const [index, job] of ordered.entries()) {
      if (scope.depth === 0) this.input.progress?.({ workflow: scope.wf.file, job: job.id.value, index, total: ordered.length });
      const plan = await this.runJob(job, scope, outcomes, jobs);
      outcomes.set(job.id.value, { result: plan.result, outputs: { ...plan.outputs } });
      plans.push(plan);
    }
    return { plans, outcomes };
  }

  private async runJob(job: WorkflowJob, scope: Scope, outcomes: ReadonlyMap<string, JobOutcome>, all: readonly WorkflowJob[]): Promise<JobPlan> {
    const id = job.id.value;
    const needs = (job.needs ?? []).map((n) => n.value);
    const ancestors = ancestorsOf(id, all);
    // Stryker disable next-line OptionalChaining,StringLiteral: jobs run in needs order, so every ancestor has an outcome
    const ancestorResults = ancestors.map((a) => ({ id: a, result: outcomes.get(a)?.result ?? 'skipped' }));
    // Job-level status functions look at every ancestor, not only the direct needs.
    const status: Status = {
      success: ancestorResults.every((a) => a.result === 'success'),
      failure: ancestorResults.some((a) => a.result === 'failure'),
      cancelled: false,
    };
    const needsCtx: Record<string, Json> = dict();
    // Stryker disable next-line OptionalChaining,StringLiteral: jobs run in needs order, so every need has an outcome
    for (const n of needs) needsCtx[n] = { result: outcomes.get(n)?.result ?? 'skipped', outputs: outcomes.get(n)?.outputs ?? {} };
    const github = { ...scope.github, job: id };
    const ifExpr = job.if.expression;
    const jobContexts = { github, needs: needsCtx, vars: {}, inputs: scope.inputs };
    // Where the job runs and with whom it queues: shown even for a skipped job (a deploy's reviewers read it).
    const shown = (token: TemplateToken | undefined): string | null => {
      if (token === undefined) return null;
      try {
        return asString(evaluateToken(token, jobContexts, this.fns(ALWAYS_OK)));
      } catch {
        // Not evaluable here (a leg's matrix, which GitHub has per leg): as written, a mapping key by key.
        return templateText(token);
      }
    };
    const base = {
      id,
      // Stryker disable next-line OptionalChaining,ConditionalExpression: GitHub's parser gives every job a name token (its id when none is written), so it has toString
      name: typeof job.name?.toString === 'function' && job.name.isLiteral ? job.name.toString() : id,
      needs,
      ifExpr,
      environment: isJob(job) ? shown(job.environment) : null,
      // A job calling a reusable workflow may have concurrency too (not environment).
      concurrency: shown(job.concurrency),
    };
    const fail = (reason: string): JobPlan => ({ ...base, status: 'run', result: 'failure', reason, outputs: {}, legs: [] });

    let condition: boolean;
    try {
      condition = truthy(evaluate(ifExpr, jobContexts, this.fns(status)));
    } catch (err) {
      return fail(`if: ${describe(err)}`);
    }
    // The term that decided: the first false of an `&&` chain, the first true of an `||` chain.
    const terms = splitTop(userCondition(ifExpr), condition ? '||' : '&&');
    const decisive =
      terms.length > 1
        ? terms.find((t) => {
            try {
              return truthy(evaluate(t, jobContexts, this.fns(status))) === condition;
            } /* Stryker disable next-line BlockStatement: undefined from an empty catch is as false to find() as false */ catch {
              return false;
            }
          })
        : undefined;
    const why = decisive !== undefined ? { decisive } : {};
    if (!condition) {
      const blocking = ancestorResults.find((a) => a.result !== 'success');
      const reason =
        // Stryker disable next-line LogicalOperator: success() is false exactly when an ancestor did not succeed, i.e. when `blocking` is set
        !status.success && blocking && !STATUS_FUNCTION.test(ifExpr)
          ? `needed job ${blocking.id} ${blocking.result === 'skipped' ? 'was skipped' : 'failed'}`
          : `if: ${ifExpr} is false`;
      return { ...base, ...why, status: 'skipped', result: 'skipped', reason, outputs: {}, legs: [] };
    }
    const runReason = ifExpr === 'success()' ? (needs.length > 0 ? `needs ${needs.join(', ')} succeeded` : 'no condition') : `if: ${ifExpr} is true`;

    let strategy: Json;
    try {
      strategy = job.strategy ? evaluateToken(job.strategy, jobContexts, this.fns(status)) : null;
    } catch (err) {
      return fail(`strategy: ${describe(err)}`);
    }
    const matrix = isObject(strategy) ? strategy['matrix'] : undefined;
    let legs: (JsonObject | null)[] = [null];
    if (matrix !== undefined) {
      const expansion = expandMatrix(matrix);
      if (expansion.kind === 'error') return fail(`strategy.matrix: ${expansion.message}`);
      legs = [...expansion.legs];
    }

    // Legs are independent (on GitHub they run in parallel): planned concurrently, read back in order.
    const results = await Promise.all(
      legs.map((leg, index) => {
        const strategyCtx = {
          'fail-fast': isObject(strategy) && typeof strategy['fail-fast'] === 'boolean' ? strategy['fail-fast'] : true,
          'job-index': index,
          'job-total': legs.length,
          'max-parallel': isObject(strategy) && typeof strategy['max-parallel'] === 'number' ? strategy['max-parallel'] : legs.length,
        };
        const legCtx: LegContext = { github, needs: needsCtx, strategy: strategyCtx, matrix: leg ?? {}, inputs: scope.inputs };
        return isJob(job) ? this.runSteps(job, scope, legCtx) : this.callWorkflow(job, scope, legCtx);
      }),
    );
    const legPlans: LegPlan[] = [];
    const outputs: Record<string, string> = dict();
    let failed: string | undefined;
    for (const [index, result] of results.entries()) {
      legPlans.push({ matrix: legs[index] ?? null, ...result.leg });
      // Matrix legs' outputs overwrite each other (the last one wins), as on GitHub.
      for (const [k, v] of Object.entries(result.outputs)) if (v !== '') outputs[k] = v;
      failed ??= result.error;
    }
    return { ...base, ...why, status: 'run', result: failed ? 'failure' : 'success', reason: failed ? `${runReason}; fails: ${failed}` : runReason, outputs, legs: legPlans };
  }

  private async runSteps(job: Job, scope: Scope, leg: LegContext): Promise<LegOutcome> {
    const rawJob = childMapping(childMapping(scope.wf.root, 'jobs'), job.id.value);
    const rawSteps = child(rawJob, 'steps');
    const defaultsRun = (t: TemplateToken | undefined) => childMapping(childMapping(t, 'defaults'), 'run');
    const secrets = () => new SecretsContext(scope.secretAvailable);
    const runner = {
      os: 'Linux',
      arch: 'X64',
      name: 'GitHub Actions 1',
      environment: 'github-hosted',
      temp: '/home/runner/work/_temp',
      tool_cache: '/opt/hostedtoolcache',
      debug: '',
    };
    const steps: StepPlan[] = [];
    const stepsCtx: Record<string, Json> = dict();
    // Steps that run on GitHub but not here: their outputs are unknown to the plan.
    const reported = new Set<string>();
    let failed: string | undefined;
    try {
      const wfSecrets = secrets();
      const workflowEnv = evaluateStrings(scope.wf.template.env, { github: leg.github, secrets: wfSecrets, inputs: scope.inputs, vars: {} }, this.fns(ALWAYS_OK));
      const base: Contexts = { ...leg, vars: {}, runner };
      const jobEnv = { ...workflowEnv, ...evaluateStrings(job.env, { ...base, env: workflowEnv, secrets: secrets() }, this.fns(ALWAYS_OK)) };
      let addedEnv: Record<string, string> = dict();
      for (const [index, step] of job.steps.entries()) {
        const raw = item(rawSteps, index);
        const status: Status = { success: failed === undefined, failure: failed !== undefined, cancelled: false };
        const jobCtx = { status: failed === undefined ? 'success' : 'failure', container: {}, services: {} };
        const envBefore = { ...jobEnv, ...addedEnv };
        const stepSecrets = secrets();
        const stepReads = new StepsContext(stepsCtx);
        const ctx = (env: Record<string, string>): Contexts => ({ ...base, job: jobCtx, steps: stepReads, env, secrets: stepSecrets });
        // As the runner does: the step's env is evaluated and merged first, then its `if`. A skipped
        // step's inputs are never evaluated on GitHub, so they are shown best-effort (empty on error).
        // Stryker disable next-line ConditionalExpression: a step without env evaluates to {} either way
        const stepEnv = 'env' in step ? evaluateStrings(step.env, ctx(envBefore), this.fns(status)) : {};
        const env = { ...envBefore, ...stepEnv };
        // Stryker disable next-line OptionalChaining,StringLiteral: GitHub's parser gives every step an `if` (success() when none is written)
        const ifExpr = step.if?.expression ?? 'success()';
        const condition = truthy(evaluate(ifExpr, ctx(env), this.fns(status)));
        const bestEffort = <T>(f: () => T, fallback: T): T => {
          if (condition) return f();
          try {
            return f();
          } catch {
            return fallback;
          }
        };
        const withValues = bestEffort(() => evaluateStrings(child(raw, 'with'), ctx(env), this.fns(status)), {});
        const run = isRunStep(step) ? bestEffort(() => asString(evaluateToken(step.run, ctx(env), this.fns(status))), '') : undefined;
        const uses = isActionStep(step) ? step.uses.value : undefined;
        // Stryker disable next-line StringLiteral: a step has `uses` or `run`
        const fallbackName = `Run ${uses ?? (run ?? '').split('\n')[0]}`;
        const nameToken = step.name;
        const name = nameToken ? bestEffort(() => asString(evaluateToken(nameToken, ctx(env), this.fns(status))), fallbackName) : fallbackName;
        let executed: StepExecution | undefined;
        let outcome: 'success' | 'failure' | 'skipped' = condition ? 'success' : 'skipped';
        let outputs: Record<string, string> = dict();
        const unknownInput = [...stepReads.read].find((id) => reported.has(id));
        // Stryker disable next-line ObjectLiteral,StringLiteral: only the kinds 'execute' and 'refuse' are ever read
        const classified: RunStepKind = condition && run !== undefined ? classifyRun(run) : { kind: 'report' };
        const note =
          classified.kind === 'refuse'
            ? `not executed: ${classified.reason}`
            : classified.kind === 'execute' && unknownInput !== undefined
              ? `not executed: reads outputs of step ${unknownInput}, which the plan does not run`
              : undefined;
        // Stryker disable next-line ConditionalExpression: kind 'execute' implies a `run` (the other conditions are pinned by tests)
        if (run !== undefined && classified.kind === 'execute' && note === undefined) {
          const workingDirectory =
            literalString(child(raw, 'working-directory')) ??
            literalString(child(defaultsRun(rawJob), 'working-directory')) ??
            literalString(child(defaultsRun(scope.wf.root), 'working-directory')) ??
            '';
          const shell = literalString(child(raw, 'shell')) ?? literalString(child(defaultsRun(rawJob), 'shell')) ?? literalString(child(defaultsRun(scope.wf.root), 'shell'));
          const fullEnv = { ...defaultEnv(leg.github), ...env };
          const argv = [classified.command.split(' ')[0] ?? classified.command, ...classified.words.map((w) => expandWord(w, fullEnv))];
          const result = await this.input.runner.run({ argv, env: fullEnv, workingDirectory, shell, payload: scope.payload });
          outputs = { ...result.outputs };
          addedEnv = { ...addedEnv, ...result.env };
          executed = result.exitCode === 0 ? { exitCode: 0, outputs } : { exitCode: result.exitCode, outputs, error: lastLines(result.stderr) };
          if (result.exitCode !== 0) {
            outcome = 'failure';
            const continueOnError = step['continue-on-error'] === true;
            if (!continueOnError) failed ??= `step "${name}" exited with ${result.exitCode}: ${lastLines(result.stderr, 1)}`;
          }
        }
        if (condition && !executed) reported.add(step.id);
        stepsCtx[step.id] = { outputs, outcome, conclusion: outcome === 'failure' && step['continue-on-error'] === true ? 'success' : outcome };
        steps.push({
          name,
          ...(uses !== undefined ? { uses } : {}),
          ...(run !== undefined ? { run } : {}),
          if: condition,
          ifExpr,
          with: withValues,
          env: stepEnv,
          secrets: [...stepSecrets.read].sort(),
          ...(executed ? { executed } : {}),
          ...(note ? { note } : {}),
        });
      }
      const outputs = evaluateStrings(
        job.outputs,
        { ...base, job: { status: failed ? 'failure' : 'success' }, steps: stepsCtx, env: jobEnv, secrets: secrets() },
        this.fns(ALWAYS_OK),
      );
      return { leg: { steps }, outputs, error: failed };
    } catch (err) {
      return { leg: { steps }, outputs: {}, error: `step ${steps.length + 1}: ${describe(err)}` };
    }
  }

  private async callWorkflow(job: ReusableWorkflowJob, scope: Scope, leg: LegContext): Promise<LegOutcome> {
    const ref = job.ref.value;
    const local = ref.startsWith('./') ? ref.slice(2) : undefined;
    // Stryker disable next-line ConditionalExpression: no workflow file is undefined, so find() gives undefined as well
    const called = local === undefined ? undefined : this.input.workflows.find((w) => w.file === local);
    if (!called) {
      return { leg: { steps: [], calls: ref }, outputs: {}, error: local === undefined ? undefined : `${ref}: no such workflow file` };
    }
    if (scope.depth + 1 > MAX_CALL_DEPTH) return { leg: { steps: [], calls: ref }, outputs: {}, error: `${ref}: reusable workflows nest deeper than ${MAX_CALL_DEPTH}` };
    try {
      const fns = this.fns(ALWAYS_OK);
      const given = job['input-values'] ? evaluateToken(job['input-values'], { ...leg, vars: {} }, fns) : {};
      // Stryker disable next-line ConditionalExpression: `with:` is a mapping in GitHub's schema, so it always evaluates to an object
      const givenInputs = isObject(given) ? given : {};
      const unknown = Object.keys(givenInputs).find((k) => !(k in called.callInputs));
      if (unknown !== undefined) throw new EvaluationError(`input ${unknown} is not defined in ${called.file}`);
      const defs = this.definitions(called.callInputs, { github: leg.github, inputs: scope.inputs, vars: {} });
      const inputs: Record<string, Json> = dict();
      for (const [name, def] of Object.entries(defs)) {
        const v = givenInputs[name] ?? def.default;
        if (v === undefined || v === null) {
          if (def.required) throw new EvaluationError(`input ${name} is required by ${called.file}`);
          inputs[name] = def.type === 'boolean' ? false : def.type === 'number' ? 0 : '';
        } else {
          inputs[name] = v;
        }
      }
      const passed = new Set<string>();
      for (const pair of job['secret-values'] ?? []) passed.add(asString(evaluateToken(pair.key, {}, fns)).toUpperCase());
      const inherit = job['inherit-secrets'] === true;
      const nested: Scope = {
        wf: called,
        github: scope.github,
        payload: scope.payload,
        inputs,
        secretAvailable: (name) => scope.secretAvailable(name) && (inherit || name === 'GITHUB_TOKEN' || passed.has(name)),
        depth: scope.depth + 1,
      };
      // Stryker disable next-line ArrayDeclaration: GitHub's parser requires `jobs`
      const { plans, outcomes } = await this.runJobs(called.template.jobs ?? [], nested);
      const jobsCtx: Record<string, Json> = dict();
      for (const [id, o] of outcomes) jobsCtx[id] = { result: o.result, outputs: o.outputs };
      const outputs: Record<string, string> = dict();
      for (const [name, token] of Object.entries(called.callOutputs)) outputs[name] = asString(evaluateToken(token, { github: leg.github, inputs, vars: {}, jobs: jobsCtx }, fns));
      const steps = plans.flatMap((p) => p.legs.flatMap((l) => l.steps.map((s) => ({ ...s, job: s.job ? `${p.id}/${s.job}` : p.id }))));
      const failedJob = plans.find((p) => p.result === 'failure');
      return { leg: { steps, jobs: plans, calls: ref }, outputs, error: failedJob ? `${called.file} job ${failedJob.id}: ${failedJob.reason}` : undefined };
    } catch (err) {
      return { leg: { steps: [], calls: ref }, outputs: {}, error: `${ref}: ${describe(err)}` };
    }
  }
}

interface LegContext {
  readonly github: JsonObject;
  readonly needs: JsonObject;
  readonly strategy: JsonObject;
  readonly matrix: JsonObject;
  readonly inputs: JsonObject;
}

interface LegOutcome {
  readonly leg: Omit<LegPlan, 'matrix'>;
  readonly outputs: Record<string, string>;
  readonly error: string | undefined;
}

function isObject(value: Json | undefined): value is JsonObject {
  // Stryker disable next-line ConditionalExpression: a strategy or `with:` evaluates to a mapping or null, never another scalar
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(err: unknown): string {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: for these Errors the next line returns err.message too
  if (err instanceof EvaluationError || err instanceof InputError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

function lastLines(text: string, count = 5): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Jobs in an order where every job comes after its needs (file order otherwise). */
export function orderByNeeds<J extends { readonly id: { readonly value: string }; readonly needs?: readonly { readonly value: string }[] }>(jobs: readonly J[], file: string): J[] {
  const byId = new Map(jobs.map((j) => [j.id.value, j]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: J[] = [];
  const visit = (job: J) => {
    const id = job.id.value;
    if (done.has(id)) return;
    if (visiting.has(id)) throw new InputError(`${file}: jobs ${[...visiting].join(' -> ')} -> ${id} form a needs cycle; remove one of the needs`);
    visiting.add(id);
    for (const n of job.needs ?? []) {
      const dep = byId.get(n.value);
      if (!dep) throw new InputError(`${file}: job ${id} needs ${n.value}, which does not exist`);
      visit(dep);
    }
    visiting.delete(id);
    done.add(id);
    out.push(job);
  };
  for (const job of jobs) visit(job);
  return out;
}

function ancestorsOf(id: string, jobs: readonly WorkflowJob[]): string[] {
  const byId = new Map(jobs.map((j) => [j.id.value, j]));
  const seen = new Set<string>();
  const walk = (j: string) => {
    // Stryker disable next-line OptionalChaining: orderByNeeds has checked that every need is a job
    for (const n of byId.get(j)?.needs ?? []) {
      // Stryker disable next-line ConditionalExpression: walking a seen job again finds the same ancestors (needs have no cycle): only slower
      if (!seen.has(n.value)) {
        seen.add(n.value);
        walk(n.value);
      }
    }
  };
  walk(id);
  return [...seen];
}
