/**
 * Which Dockerfile steps a build ran and which it took from the cache, read from BuildKit's plain
 * progress output (`docker buildx build --progress=plain`). This is how the isolation claim is measured:
 * in steps, not in wall time.
 *
 *   #12 [builder 2/7] COPY packages/shared/ packages/shared/
 *   #12 CACHED                          (or `#12 DONE 0.4s`, `#12 ERROR: ...`)
 *
 * `[internal]` vertices (context transfer, metadata) and FROM steps (resolving the base, never executed
 * work) are not Dockerfile steps and are left out.
 */

export type StepStatus = 'cached' | 'executed' | 'error' | 'unfinished';

export interface BuildStep {
  /** The stage name, or '' for an unnamed stage. */
  readonly stage: string;
  /** `2/7`: the step's position in its stage. */
  readonly position: string;
  readonly instruction: string;
  readonly status: StepStatus;
}

const HEADER = /^#(\d+) \[(?:([^\]\s]+) )?(\d+\/\d+)\] (.+)$/;
const RESULT = /^#(\d+) (CACHED|DONE\b|ERROR\b|CANCELED\b)/;

export function parseBuildProgress(text: string): BuildStep[] {
  const steps = new Map<number, { stage: string; position: string; instruction: string; status: StepStatus }>();
  for (const line of text.split('\n')) {
    const header = line.match(HEADER);
    if (header) {
      const id = Number(header[1]);
      // Stryker disable next-line StringLiteral: header[4] always matches (.+): the fallback '' is never used
      const instruction = header[4] ?? '';
      // Stryker disable next-line StringLiteral: header[3] always matches (\d+\/\d+): its fallback '' is never used (this line's other literals are pinned by tests)
      if (!steps.has(id) && !/^FROM\s/i.test(instruction)) steps.set(id, { stage: header[2] ?? '', position: header[3] ?? '', instruction, status: 'unfinished' });
      continue;
    }
    const result = line.match(RESULT);
    const step = result ? steps.get(Number(result[1])) : undefined;
    if (!result || !step) continue;
    const word = result[2];
    // A vertex can print DONE after CACHED (never the reverse); cached wins, an error wins over all.
    if (word === 'ERROR' || word === 'CANCELED') step.status = 'error';
    else if (word === 'CACHED' && step.status !== 'error') step.status = 'cached';
    else if (
      // Stryker disable next-line ConditionalExpression: every other word is handled above, so only DONE reaches here with an unfinished step
      word === 'DONE' &&
      step.status === 'unfinished'
    )
      step.status = 'executed';
  }
  return [...steps.values()];
}

export interface StepSummary {
  readonly cached: number;
  readonly executed: number;
  /** `[builder 3/7] COPY services/x/ services/x/` for each executed step, in order. */
  readonly executedSteps: readonly string[];
}

export function summarizeSteps(steps: readonly BuildStep[]): StepSummary {
  const label = (s: BuildStep) => `[${s.stage ? `${s.stage} ` : ''}${s.position}] ${s.instruction}`;
  return {
    cached: steps.filter((s) => s.status === 'cached').length,
    executed: steps.filter((s) => s.status === 'executed').length,
    executedSteps: steps.filter((s) => s.status === 'executed').map(label),
  };
}
