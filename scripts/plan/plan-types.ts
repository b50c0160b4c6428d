/** The plan: what each workflow, job, matrix leg and step will do for one event (`--json` prints this). */
import type { Json, JsonObject } from './expressions.js';

export interface StepExecution {
  /** The command's exit code (0 = success). */
  readonly exitCode: number;
  /** What the step wrote to GITHUB_OUTPUT. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The last lines of stderr when the step failed. */
  readonly error?: string;
}

export interface StepPlan {
  readonly name: string;
  /** Set for steps of a called (reusable) workflow: the called job's id. */
  readonly job?: string;
  readonly uses?: string;
  /** The script with its expressions evaluated. */
  readonly run?: string;
  /** The evaluated `if:`. */
  readonly if: boolean;
  /** The condition as GitHub evaluates it (`success() && (...)` when the workflow has no status function). */
  readonly ifExpr: string;
  readonly with: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** Names of the secrets the step's inputs, env or script read. */
  readonly secrets: readonly string[];
  /** Present when the plan ran the step for real (an output-computing `pipeline` command). */
  readonly executed?: StepExecution;
  /** Why an output-computing step was not executed after all. */
  readonly note?: string;
}

export interface LegPlan {
  /** The matrix values of this leg; null for a job without a matrix. */
  readonly matrix: JsonObject | null;
  readonly steps: readonly StepPlan[];
  /** For a job that calls a reusable workflow: the called workflow's jobs. */
  readonly jobs?: readonly JobPlan[];
  readonly calls?: string;
}

export type JobResult = 'success' | 'failure' | 'skipped';

export interface JobPlan {
  readonly id: string;
  readonly name: string;
  readonly status: 'run' | 'skipped';
  /** What `needs.<id>.result` will be (a run job whose plan fails, e.g. an empty matrix, is `failure`). */
  readonly result: JobResult;
  readonly reason: string;
  /** The top-level term of `if:` that decided (the first false `&&` term of a skipped job, the first true `||` term of a run one); absent when the whole condition decided. */
  readonly decisive?: string;
  readonly needs: readonly string[];
  readonly ifExpr: string;
  /** The job's `environment:` (name, url) and `concurrency:`, evaluated; null when it has none. */
  readonly environment: string | null;
  readonly concurrency: string | null;
  readonly outputs: Readonly<Record<string, string>>;
  readonly legs: readonly LegPlan[];
}

export interface WorkflowPlan {
  readonly file: string;
  readonly name: string;
  readonly triggered: boolean;
  readonly reason: string;
  readonly jobs: readonly JobPlan[];
}

export interface PlanEventSummary {
  readonly name: string;
  readonly ref: string;
  readonly sha: string;
  readonly base: string | null;
  readonly head: string;
  readonly changedFiles: number | null;
  readonly payload: JsonObject;
}

/** The version of `--json`'s shape, printed as its `schema` field; raised when a field changes meaning or goes away. */
export const PLAN_SCHEMA = 1;

export interface Plan {
  readonly event: PlanEventSummary;
  readonly workflows: readonly WorkflowPlan[];
}

export type { Json };
