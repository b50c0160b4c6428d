/**
 * The plan as a summary that fits on one screen (plan's default output; `--verbose` prints render.ts's
 * full detail): per workflow whether it triggers, per job run or skipped with one short reason, the
 * matrix legs on one line, then what the run would change: images pushed, tags moved, releases cut,
 * deploys, with the digest where the plan knows it. Pure.
 */
import { compactCondition, conditionTerms, userCondition } from './condition.js';
import type { JobPlan, LegPlan, Plan, StepPlan } from './plan-types.js';

const REASON_WIDTH = 100;

function short(sha: string | null): string {
  return sha ? sha.slice(0, 7) : 'none';
}

function cut(text: string, width: number): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** One short reason: the deciding term of `if:` in short form, never the whole expression. */
export function jobReason(j: JobPlan): string {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,Regex: the engine plans no skipped job that fails, and its reasons never start with 'fails:'; (.*) with /s reaches the end anyway
  const fails = j.result === 'failure' && j.status === 'run' ? /(?:^|; )fails: (.*)$/s.exec(j.reason) : null;
  if (fails?.[1] !== undefined) return `FAILS: ${cut(fails[1], REASON_WIDTH)}`;
  if (j.result === 'failure') return `FAILS: ${cut(j.reason, REASON_WIDTH)}`;
  if (!j.reason.startsWith('if: ')) return cut(j.reason, REASON_WIDTH);
  if (j.status === 'skipped') return cut(`${compactCondition(j.decisive ?? userCondition(j.ifExpr))} is false`, REASON_WIDTH);
  return j.decisive === undefined ? cutTerms(conditionTerms(userCondition(j.ifExpr)), REASON_WIDTH) : cut(compactCondition(j.decisive), REASON_WIDTH);
}

/** Terms joined by ', ' within `width`, cut between terms (`a, b and 3 more`); a first term too long is cut inside. */
export function cutTerms(terms: readonly string[], width: number): string {
  const all = terms.join(', ');
  if (all.length <= width) return all;
  let kept = 1;
  // Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent: at kept = length - 1 the test below fails anyway (every term and a suffix is longer than all of them, which is over the width)
  while (kept < terms.length && `${terms.slice(0, kept + 1).join(', ')} and ${terms.length - kept - 1} more`.length <= width) kept++;
  const head = terms.slice(0, kept).join(', ');
  const more = ` and ${terms.length - kept} more`;
  return head.length + more.length <= width ? `${head}${more}` : cut(all, width);
}

/** A leg's name: its `service` or `library` (or its first value). */
function legName(l: LegPlan): string {
  const m = l.matrix;
  if (m === null) return '(no matrix)';
  const named = m['service'] ?? m['library'] ?? Object.values(m)[0];
  return typeof named === 'string' ? named : JSON.stringify(named ?? m);
}

function legsLine(j: JobPlan, indent: string): string[] {
  // Stryker disable next-line OptionalChaining: there is a first leg past the length check
  if (j.legs.length === 0 || (j.legs.length === 1 && j.legs[0]?.matrix === null)) return [];
  // Stryker disable next-line OptionalChaining: there is a first leg past the length check
  const key = j.legs[0]?.matrix && 'service' in j.legs[0].matrix ? 'service' : j.legs[0]?.matrix && 'library' in j.legs[0].matrix ? 'library' : 'leg';
  return [`${indent}${key}: ${j.legs.map(legName).join(', ')}`];
}

function calledLine(j: JobPlan, indent: string): string[] {
  return j.legs.flatMap((l) =>
    l.calls === undefined
      ? []
      : [`${indent}calls ${l.calls}${l.jobs ? `: ${l.jobs.map((c) => `${c.id} ${c.status === 'run' ? 'runs' : 'skipped'}`).join(', ')}` : ' (not followed)'}`],
  );
}

/**
 * An image reference with its repository's last component written `<name>` when that component is the
 * leg's subject (`ghcr.io/o/api:1` for `api` -> `ghcr.io/o/<name>:1`), so that the pushes of several
 * services group on one line. Only that component: an owner, a tag or an environment that happens to
 * spell the subject stays as it is.
 */
function namePlaceholder(ref: string, subject: string): string {
  const slash = ref.lastIndexOf('/');
  const last = ref.slice(slash + 1);
  const end = last.search(/[:@]/);
  const component = end === -1 ? last : last.slice(0, end);
  return component === subject ? `${ref.slice(0, slash + 1)}<name>${end === -1 ? '' : last.slice(end)}` : ref;
}

/** What a run step would change in the world, or undefined for a step that only builds, checks or computes. */
interface Effect {
  readonly action: 'push' | 'tag' | 'release' | 'deploy' | 'hand off';
  readonly subject: string;
  /** The same for every subject it applies to (a pushed image's name written `<name>`): effects group by it. */
  readonly detail: string;
}

const DIGEST = /sha256:[0-9a-f]{64}/;

function digestOf(s: StepPlan): string {
  // Stryker disable next-line StringLiteral: only a step with a `pipeline deploy` script gets here
  const found = [s.run ?? '', ...Object.values(s.env), ...Object.values(s.with)].map((v) => DIGEST.exec(v)?.[0]).find((d) => d !== undefined);
  return found ? `by digest ${found.slice(0, 19)}…` : 'digest known only when it runs';
}

function effectOf(s: StepPlan, leg: readonly StepPlan[], subject: string, environment: string | null): Effect | undefined {
  if (!s.if) return undefined;
  // Stryker disable next-line StringLiteral: no other text holds push=true either
  if (s.uses?.startsWith('docker/build-push-action@') && (s.with['push'] === 'true' || /(?:^|,)push=true(?:,|$)/.test(s.with['outputs'] ?? ''))) {
    // Stryker disable next-line StringLiteral: no other text holds name= either
    // build-push-action's `tags` is a list by newline or comma: the first tag names the image.
    // Stryker disable next-line OptionalChaining: equivalent: split always gives a first part
    const name = namePlaceholder(/(?:^|,)name=([^,]+)/.exec(s.with['outputs'] ?? '')?.[1] ?? ((s.with['tags'] ?? '').split(/[\n,]/)[0]?.trim() || subject), subject);
    // Stryker disable next-line StringLiteral: no other text holds push-by-digest=true either
    return { action: 'push', subject, detail: /push-by-digest=true/.test(s.with['outputs'] ?? '') ? `by digest (known once pushed) to ${name}` : `to ${name}` };
  }
  // Stryker disable next-line StringLiteral: no other text matches the command pattern either
  const run = s.run ?? '';
  const command = /pipeline(?:\.cjs)?\s+(tags|release|deploy)\b(.*)/s.exec(run);
  if (!command) return undefined;
  // Stryker disable next-line StringLiteral: the group (.*) always matches, so the default is never used
  const [, name, rest = ''] = command;
  if (name === 'tags' && /--promote\b/.test(rest)) {
    const computed = leg.map((x) => x.executed?.outputs['tags']).find((tags) => tags !== undefined);
    const tags = computed ? computed.split('\n').map((t) => t.slice(t.lastIndexOf(':') + 1)) : ['its tags'];
    return { action: 'tag', subject, detail: `${tags.join(', ')} on the pushed digest` };
  }
  if (name === 'release' && /^\s*cut\b/.test(rest))
    return { action: 'release', subject: s.env['SERVICE'] ?? subject, detail: 'git tag, image tags and a GitHub Release, by digest' };
  if (name === 'release' && /^\s*handoff\b/.test(rest))
    return { action: 'hand off', subject: s.env['SERVICE'] ?? subject, detail: `to deploy.yml${s.env['DEPLOY_TO'] ? ` (${s.env['DEPLOY_TO']})` : ''}` };
  if (name === 'deploy' && !/--dry-run\b/.test(rest) && !/^\s*status\b/.test(rest)) {
    const target = s.env['ENVIRONMENT'] || environment || 'its environment';
    return { action: 'deploy', subject: s.env['SERVICE'] || subject, detail: `to ${target} ${digestOf(s)}` };
  }
  return undefined;
}

function effects(plan: Plan): Effect[] {
  const out: Effect[] = [];
  const walk = (jobs: readonly JobPlan[]) => {
    for (const j of jobs) {
      if (j.status !== 'run') continue;
      for (const l of j.legs) {
        if (l.jobs) walk(l.jobs);
        else for (const s of l.steps) out.push(...[effectOf(s, l.steps, legName(l) === '(no matrix)' ? j.id : legName(l), j.environment)].filter((e) => e !== undefined));
      }
    }
  };
  for (const wf of plan.workflows) walk(wf.jobs);
  return out;
}

/** Effects of one action with the same detail on one line: `push (12) by digest to …: a, b, c`. */
function effectLines(list: readonly Effect[]): string[] {
  const groups = new Map<string, string[]>();
  for (const e of list) {
    const key = `${e.action}\u0000${e.detail}`;
    groups.set(key, [...(groups.get(key) ?? []), e.subject]);
  }
  return [...groups].map(([key, subjects]) => {
    // Stryker disable next-line StringLiteral: every key holds one separator, so both defaults are never used
    const [action = '', detail = ''] = key.split('\u0000');
    return `  ${action.padEnd(8)} ${subjects.length > 1 ? `${subjects.length} × ` : ''}${detail}: ${subjects.join(', ')}`;
  });
}

export function renderSummary(plan: Plan): string {
  const e = plan.event;
  const changed = e.changedFiles === null ? 'no comparison' : `${e.changedFiles} changed file${e.changedFiles === 1 ? '' : 's'}`;
  const lines = [`plan for ${e.name} ${e.ref} at ${short(e.sha)} (base ${short(e.base)}, head ${short(e.head)}, ${changed})`, ''];
  for (const wf of plan.workflows) {
    // Stryker disable next-line Regex: every workflow file's path starts with .github/workflows/
    const file = wf.file.replace(/^\.github\/workflows\//, '');
    lines.push(`${file} (${wf.name}): ${wf.triggered ? 'triggered' : 'not triggered'}: ${cut(wf.reason, REASON_WIDTH)}`);
    const width = Math.max(0, ...wf.jobs.map((j) => j.id.length));
    for (const j of wf.jobs) {
      const mark = j.result === 'failure' ? '✗' : j.status === 'run' ? '●' : '○';
      const legs = j.legs.length > 1 ? `, ${j.legs.length} legs` : '';
      lines.push(`  ${mark} ${j.id.padEnd(width)}  ${j.status}${legs}: ${jobReason(j)}`);
      const indent = ' '.repeat(width + 6);
      lines.push(...legsLine(j, indent), ...calledLine(j, indent));
    }
  }
  const changes = effects(plan);
  lines.push('', changes.length > 0 ? 'would change:' : 'would change: nothing (no push, tag, release or deploy runs)', ...effectLines(changes));
  // A called workflow's steps are in its caller's leg too (prefixed with their job).
  const executed = plan.workflows.flatMap((w) => w.jobs.flatMap((j) => j.legs.flatMap((l) => l.steps)));
  const ran = executed.filter((s) => s.executed !== undefined).length;
  lines.push('', `${ran} output step${ran === 1 ? '' : 's'} ran for real; --verbose shows every step and its inputs, --json the whole plan`);
  // Stryker disable next-line Regex: every workflow file's path starts with .github/workflows/
  const failing = plan.workflows.flatMap((w) => w.jobs.filter((j) => j.result === 'failure').map((j) => `${w.file.replace(/^\.github\/workflows\//, '')} job ${j.id}`));
  lines.push(failing.length > 0 ? `CI would fail: ${failing.join(', ')}` : 'CI would pass (assuming every reported step succeeds)');
  return `${lines.join('\n')}\n`;
}
