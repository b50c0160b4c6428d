/**
 * Rules where untrusted code or data meets privilege, beyond a workflow's own scripts (rules.ts): a
 * privileged workflow fetching the pull request in a script, using another run's artifacts, writing
 * the cache every later run reads; a self-hosted runner for pull requests; workflow commands turned
 * back on; an `if:` that is text and so always true. Pure.
 */
import { compact, conditionOf, expressionsOf, UNTRUSTED } from './expression-text.js';
import { type Finding, finding } from './finding.js';
import { actionOf } from './permissions.js';
import type { AuditJob, AuditStep, AuditWorkflow } from './workflow.js';
import { isRecord } from '../json.js';

/**
 * Triggers that run with the base repository's secrets, token and default-branch cache for what an
 * outsider sends (a fork's pull request, its finished run, a comment).
 */
export const PRIVILEGED = ['pull_request_target', 'workflow_run', 'issue_comment'];

/** The events a workflow runs in: its own triggers and, for a reusable workflow, its callers'. */
export const runsIn = (workflow: AuditWorkflow, event: string) => workflow.on.has(event) || workflow.calledFor.has(event);

export const privilegedTriggers = (workflow: AuditWorkflow) => PRIVILEGED.filter((e) => runsIn(workflow, e));

/** The `env:` mappings a step's script sees: its own, its job's and the workflow's. */
export function envsOf(workflow: AuditWorkflow, job: AuditJob, step: AuditStep): Record<string, unknown>[] {
  return [step.fields['env'], job.fields['env'], workflow.env].filter(isRecord);
}

/** Does any variable the step's script sees hold an expression that `pattern` matches? */
function envHolds(workflow: AuditWorkflow, job: AuditJob, step: AuditStep, pattern: RegExp): boolean {
  return envsOf(workflow, job, step).some((env) => Object.values(env).some((v) => expressionsOf(String(v)).some((inner) => pattern.test(inner))));
}

/** Does any variable the step's script sees hold outside data? */
export function outsideEnv(workflow: AuditWorkflow, job: AuditJob, step: AuditStep): boolean {
  return envHolds(workflow, job, step, UNTRUSTED);
}

/** `gh pr checkout` always takes a pull request's code; these git commands take whatever ref they are given. */
const GH_PR_CHECKOUT = /\bgh\s+pr\s+checkout\b/;
/** One shell word: quoted parts and other characters up to a space. */
const WORD = String.raw`(?:"[^"]*"|'[^']*'|[^\s"'])+`;
/**
 * git's global options, any number of them, before the verb: `-C dir`, `-c k=v`, those that take a value
 * as the next word (`--git-dir dir`), any `--option` or `--option=value` (`--no-pager`, `--git-dir=.git`), `-p`/`-P`.
 */
const GIT_GLOBAL = String.raw`(?:-[Cc]\s+${WORD}|--(?:git-dir|work-tree|namespace|config-env|exec-path|attr-source)\s+${WORD}|--[A-Za-z-]+(?:=${WORD})?|-[pP])\s+`;
const GIT_FETCH = new RegExp(String.raw`\bgit\s+(?:${GIT_GLOBAL})*(?:fetch|checkout|switch|pull|clone|worktree|reset|merge|rebase)\b`);
/** The event's own file, which the script reads outside data from (`jq .workflow_run.head_sha "$GITHUB_EVENT_PATH"`). */
const EVENT_FILE = /\bGITHUB_EVENT_PATH\b/;
/** The same file in an expression: `github.event_path` (`github['event_path']`, any `github[`, is outside data already: UNTRUSTED). */
const EVENT_PATH = /\bgithub\s*\.\s*event_path\b/;

/**
 * A step that reads the event's own file (a title, a branch name: outside data, as a `${{ github.event.* }}`
 * is): its script names `GITHUB_EVENT_PATH`, or a variable it sees holds `${{ github.event_path }}`.
 */
export function readsEventFile(workflow: AuditWorkflow, job: AuditJob, step: AuditStep): boolean {
  // Stryker disable next-line StringLiteral: equivalent: no text of a step without run: names the event file either
  if (EVENT_FILE.test(step.run ?? '')) return true;
  return envHolds(workflow, job, step, EVENT_PATH);
}

/**
 * A script of a privileged workflow that checks out the pull request: `gh pr checkout`, or a git command
 * while a variable the script sees holds outside data (a head branch or SHA of the event) or the script
 * reads the event's file.
 */
export function scriptCheckout(workflow: AuditWorkflow, job: AuditJob, step: AuditStep, message: (what: string) => string): Finding[] {
  // Stryker disable next-line StringLiteral: equivalent: no text of a step without run: names gh pr checkout or a git command either
  const script = step.run ?? '';
  if (GH_PR_CHECKOUT.test(script)) return [finding(workflow, job, step, 'untrusted-checkout', message('checks out (gh pr checkout)'))];
  if (GIT_FETCH.test(script) && (outsideEnv(workflow, job, step) || readsEventFile(workflow, job, step)))
    return [finding(workflow, job, step, 'untrusted-checkout', message('fetches (a git command given an event value)'))];
  return [];
}

/** Actions that download another run's artifacts, with the input that names that run. */
const ARTIFACT_DOWNLOADS: ReadonlyMap<string, string | undefined> = new Map([
  ['actions/download-artifact', 'run-id'],
  // Third-party downloaders exist only to fetch another run's artifacts.
  ['dawidd6/action-download-artifact', undefined],
]);
/** Below runner.temp: the prefix, then nothing or a `/` path with no `..` segment (which climbs back into the workspace). */
function belowTemp(path: string, prefix: RegExp): boolean {
  const m = prefix.exec(path);
  if (m === null) return false;
  const rest = path.slice(m[0].length);
  return (rest === '' || rest.startsWith('/')) && !rest.split(/[/\\]/).includes('..');
}
const IN_RUNNER_TEMP = (path: string) => belowTemp(compact(path), /^\$\{\{runner\.temp\}\}/);
const GH_RUN_DOWNLOAD = /\bgh\s+run\s+download\b/g;

/**
 * Does every `gh run download` of the script unpack below RUNNER_TEMP? Each one's own `-D`/`--dir`
 * (the default is the working folder): its words up to the end of the command (a line not continued,
 * `;`, `&`, `|`).
 */
function ghDownloadsBelowTemp(script: string): boolean {
  const joined = script.replace(/\\\r?\n/g, ' ').replace(/\$\{\{[\s\S]*?\}\}/g, compact);
  return [...joined.matchAll(GH_RUN_DOWNLOAD)].every((m) => {
    const rest = joined.slice(m.index + m[0].length);
    // Stryker disable next-line StringLiteral: equivalent: split with a limit of 1 always gives one part
    const command = rest.split(/[\n;&|]/, 1)[0] ?? '';
    // Stryker disable next-line ArrayDeclaration: equivalent: no word gives no folder, as one word that is no -D/--dir does
    const words = command.match(new RegExp(WORD, 'g')) ?? [];
    // Double quotes only: a single-quoted $RUNNER_TEMP is that text, a folder of the working one.
    const unquote = (w: string) => w.replace(/"/g, '');
    const dirs = words.flatMap((w, i) => {
      // Stryker disable next-line StringLiteral: equivalent: a -D with no word after it names no folder below RUNNER_TEMP, whatever stands in for the missing word
      const next = words[i + 1] ?? '';
      return w === '-D' || w === '--dir' ? [next] : w.startsWith('--dir=') ? [w.slice('--dir='.length)] : /^-D./.test(w) ? [w.slice(2)] : [];
    });
    // `$RUNNER_TEMP`, `${RUNNER_TEMP}` or `${{ runner.temp }}` (compacted: GitHub puts in a path without spaces) at the start of a shell word, its quotes taken off; made here, not at module level, so that StrykerJS measures it
    const temp = /^(?:\$RUNNER_TEMP\b|\$\{RUNNER_TEMP\}|\$\{\{runner\.temp\}\})/;
    return dirs.length > 0 && dirs.every((d) => belowTemp(unquote(d), temp));
  });
}

/**
 * Another run's artifacts in a privileged workflow: the run that made them ran a pull request's code,
 * which chose their content; unpacked into the workspace they replace scripts and config that later
 * steps run. Only as data, below `runner.temp`.
 */
export function untrustedArtifact(workflow: AuditWorkflow, job: AuditJob): Finding[] {
  const privileged = privilegedTriggers(workflow);
  if (privileged.length === 0) return [];
  const message = `downloads another run's artifacts in a ${privileged.join('/')} workflow: a pull request's code made them, and unpacked in the workspace they replace what later steps run; download into \${{ runner.temp }} and read them as data`;
  return job.steps.flatMap((step) => {
    if (step.uses !== undefined) {
      const action = actionOf(step.uses);
      if (!ARTIFACT_DOWNLOADS.has(action)) return [];
      const runInput = ARTIFACT_DOWNLOADS.get(action);
      const other = runInput === undefined || step.with[runInput] !== undefined;
      // Stryker disable next-line StringLiteral: equivalent: an absent path read as any text but one starting with ${{ runner.temp }} is the workspace ('path' is pinned by the runner.temp row)
      const path = String(step.with['path'] ?? '');
      return other && !IN_RUNNER_TEMP(path) ? [finding(workflow, job, step, 'untrusted-artifact', message)] : [];
    }
    // Stryker disable next-line StringLiteral: equivalent: no text of a step without run: (and no download action) names gh run download either
    const script = step.run ?? '';
    return ghDownloadsBelowTemp(script) ? [] : [finding(workflow, job, step, 'untrusted-artifact', message)];
  });
}

// Stryker disable next-line ConditionalExpression: equivalent for value === false: String(false) is 'false' (it is said for the reader); the text comparison is pinned by the tests
const isOff = (value: unknown) => value === false || String(value).trim().toLowerCase() === 'false';

/**
 * Steps that write the Actions cache: actions/cache saves after the job, setup-node (v5 on) caches the
 * package manager's store by default, setup-go caches by default, the other setup actions when asked,
 * BuildKit when its cache-to (bake: a `set:` line's) names the gha cache.
 */
function writesCache(step: AuditStep): boolean {
  if (step.uses === undefined) return false;
  const w = step.with;
  switch (actionOf(step.uses)) {
    case 'actions/cache':
    case 'actions/cache/save':
      return true;
    case 'actions/setup-node':
      return (w['cache'] !== undefined && String(w['cache']) !== '') || !isOff(w['package-manager-cache']);
    case 'actions/setup-go':
      return !isOff(w['cache']);
    case 'actions/setup-python':
    case 'actions/setup-java':
    case 'actions/setup-dotnet':
      return w['cache'] !== undefined && String(w['cache']) !== '' && !isOff(w['cache']);
    case 'docker/build-push-action':
      // Stryker disable next-line StringLiteral: equivalent: an absent cache-to read as any text without type=gha writes no cache ('cache-to' is pinned by the tests)
      return /\btype=gha\b/.test(String(w['cache-to'] ?? ''));
    // bake sets each target's cache-to through `set:` lines (`*.cache-to=type=gha,mode=max`).
    case 'docker/bake-action':
      // Stryker disable next-line StringLiteral: equivalent: an absent set: read as any text without .cache-to writes no cache
      return String(w['set'] ?? '')
        .split('\n')
        .some((line) => /\.cache-to\s*=.*\btype=gha\b/.test(line));
    // Stryker disable next-line ConditionalExpression: equivalent: without the return, the switch ends and the function returns undefined, which filter() reads as false
    default:
      return false;
  }
}

/**
 * A cache written by a privileged workflow: it runs in the default branch's cache scope, which every
 * later run (a release build too) restores from, next to an outsider's input.
 */
export function cachePoisoning(workflow: AuditWorkflow, job: AuditJob): Finding[] {
  const privileged = privilegedTriggers(workflow);
  if (privileged.length === 0) return [];
  const message = `writes the Actions cache in a ${privileged.join('/')} workflow, which runs in the default branch's cache scope: an entry poisoned there is restored by every later run (release builds too); write caches only from trusted pushes`;
  return job.steps.filter(writesCache).map((step) => finding(workflow, job, step, 'cache-poisoning', message));
}

/** A runs-on that names a self-hosted runner: the label, or a runner group (groups hold self-hosted and larger runners). */
export function selfHosted(runsOn: unknown): boolean {
  // Stryker disable next-line ArrayDeclaration: equivalent: what a runs-on that is neither text nor a list names is no label, and a made-up one is not self-hosted either
  const labels = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []);
  const named = isRecord(runsOn) ? labels(runsOn['labels']) : labels(runsOn);
  return named.some((l) => l.trim().toLowerCase() === 'self-hosted') || (isRecord(runsOn) && runsOn['group'] !== undefined);
}

/** A job that can run for a pull request, on a self-hosted runner: the outsider's code runs on a machine that outlives the job. */
export function selfHostedRunner(workflow: AuditWorkflow, job: AuditJob, canRunFor: (job: AuditJob, event: 'pull_request' | 'pull_request_target') => boolean): Finding[] {
  if (!selfHosted(job.fields['runs-on'])) return [];
  const events = (['pull_request', 'pull_request_target'] as const).filter((e) => runsIn(workflow, e) && canRunFor(job, e));
  return events.length === 0
    ? []
    : [
        finding(
          workflow,
          job,
          undefined,
          'self-hosted-runner',
          `runs on a self-hosted runner and its if: lets it run for ${events.join(' and ')}: a pull request's code runs on a machine that outlives the job (and can reach what it reaches); use a GitHub-hosted runner`,
        ),
      ];
}

const INSECURE_COMMANDS = 'actions_allow_unsecure_commands';

/** ACTIONS_ALLOW_UNSECURE_COMMANDS set (to anything but false): `::set-env` and `::add-path` work again, so any line a step prints sets a variable. */
export function insecureCommands(workflow: AuditWorkflow, job: AuditJob | undefined, step: AuditStep | undefined, env: unknown): Finding[] {
  if (!isRecord(env)) return [];
  const on = Object.entries(env).some(([name, value]) => name.toLowerCase() === INSECURE_COMMANDS && !isOff(value) && String(value).trim() !== '');
  return on
    ? [
        finding(
          workflow,
          job,
          step,
          'insecure-commands',
          'ACTIONS_ALLOW_UNSECURE_COMMANDS turns ::set-env and ::add-path back on: any line a step prints (a PR title in a log) sets a variable or PATH for the later steps; remove it and use $GITHUB_ENV',
        ),
      ]
    : [];
}

/** An `if:` that holds `${{ }}` among other text: GitHub makes a string of it, which is true unless empty. */
export function unsoundCondition(workflow: AuditWorkflow, job: AuditJob, step: AuditStep | undefined, value: unknown): Finding[] {
  if (typeof value !== 'string' || conditionOf(value).kind !== 'text') return [];
  return [
    finding(
      workflow,
      job,
      step,
      'unsound-condition',
      'this if: is text around ${{ }} (a line break a block scalar keeps, or expressions joined outside them): GitHub reads it as a string, always true; write one whole ${{ }} or none',
    ),
  ];
}
