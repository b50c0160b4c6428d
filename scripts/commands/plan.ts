/**
 * `pipeline plan --event NAME [--ref REF] [--base REV] [--head REV] [--input k=v]... [--fork] [--actor NAME]
 * [--pr N] [--repo OWNER/NAME] [--workflow FILE] [--json | --verbose]`: what the generated workflows will do for an event, evaluated
 * with GitHub's own parser and expression engine. The workflows are those of the commit the event runs
 * on (for a pull request, its test merge commit), read from git, not from the working tree; the
 * output-computing `pipeline` steps run for real in a temporary checkout of that commit, by this
 * trusted CLI (ctx.cli), never by the commit's own bundle or a shell, and with no environment value
 * of the planned workflow that makes a program load code (io/plan/step-runner.ts); everything
 * else is reported. An interrupt removes the checkout; leftovers of killed runs are removed first.
 * The default output is a one-screen summary (plan/summary.ts); `--verbose` prints every step
 * (plan/render.ts), `--json` the whole plan with its `schema` version. Exit 0 when CI would pass, 1 when the plan shows a failing job (an empty matrix, a
 * failed output step), 2 on bad input.
 */
import { ERASE_LINE } from '../core/output-guard.js';
import { commandSpec } from '../core/args.js';
import { InputError } from '../core/errors.js';
import { quote } from '../core/quote.js';
import { CommitCheckout, removeLeftovers } from '../io/plan/checkout.js';
import { PlanGit } from '../io/plan/git.js';
import { hashFiles } from '../io/plan/hash-files.js';
import { createStepRunner } from '../io/plan/step-runner.js';
import { tracer } from '../io/trace.js';
import { PlanEngine } from '../plan/engine.js';
import { eventPayload, runRef } from '../plan/event.js';
import { parseInputFlags } from '../plan/inputs.js';
import { PLAN_SCHEMA, type Plan } from '../plan/plan-types.js';
import { renderPlan } from '../plan/render.js';
import { renderSummary } from '../plan/summary.js';
import { parseGithubRemote, parseRepository, repositoryNameFromManifest, resolveEvent } from '../plan/resolve-event.js';
import { parseWorkflowFiles } from '../plan/workflow-files.js';
import type { Command } from './types.js';
import { command } from './command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline plan',
  summary:
    "What the generated workflows will do for an event, evaluated with GitHub's own parser and expression engine: which workflows trigger, which jobs run or are skipped and why, every matrix leg, each step's evaluated inputs. The change-detection and tag steps run for real with this (trusted) CLI.",
  options: {
    event: { type: 'string' },
    ref: { type: 'string' },
    base: { type: 'string' },
    head: { type: 'string' },
    input: { type: 'string', multiple: true },
    fork: { type: 'boolean' },
    actor: { type: 'string' },
    pr: { type: 'string' },
    repo: { type: 'string' },
    workflow: { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
  help: {
    event: { value: 'NAME', description: 'push, pull_request, merge_group or workflow_dispatch', required: true },
    ref: { value: 'REF', description: 'the ref the event names (default: the default branch; refs/tags/<service>@<version> for a release tag)' },
    base: { value: 'REV', description: 'the commit to compare from (default: HEAD~1 for a push)' },
    head: { value: 'REV', description: 'the commit the event runs on (default: HEAD)' },
    input: { value: 'KEY=VALUE', description: 'a workflow_dispatch input' },
    fork: { description: 'the pull request comes from a fork (no secrets, read-only token)' },
    actor: { value: 'NAME', description: 'who triggered the event (default: the repository owner)' },
    pr: { value: 'N', description: 'the pull request number' },
    repo: { value: 'OWNER/NAME', description: 'the repository (default: from the origin remote)' },
    workflow: { value: 'FILE', description: 'plan this workflow only (e.g. release.yml): GitHub dispatches exactly one' },
    json: { description: `print the whole plan as one JSON object (its \`schema\` field is ${PLAN_SCHEMA}, the version of its shape)` },
    verbose: {
      description:
        "print every job, leg and step in full: each step's evaluated inputs, the executed steps' outputs, each job's whole if: expression (default: a one-screen summary)",
    },
  },
  examples: [
    'pnpm pipeline plan --event push',
    'pnpm pipeline plan --event push --verbose',
    'pnpm pipeline plan --event pull_request --head my-branch --fork',
    'pnpm pipeline plan --event push --ref refs/tags/api-gateway@1.2.3',
    'pnpm pipeline plan --event workflow_dispatch --workflow release.yml --input service=api-gateway --input bump=minor',
    'pnpm -s pipeline plan --event merge_group --json',
  ],
  notes: ['exit codes: 0 CI would pass, 1 the plan shows a failing job, 2 bad input'],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values } = parsed;
  if (values.event === undefined) throw new InputError('pipeline plan: --event is required; expected --event push|pull_request|merge_group|workflow_dispatch');
  const inputs = parseInputFlags(values.input ?? []);
  const trace = tracer(ctx.env, ctx.stderr);
  trace('command loaded');
  const git = await PlanGit.open(ctx.cwd);
  try {
    const fallbackName = repositoryNameFromManifest(await git.readFile('HEAD', 'package.json'));
    const repository = parseRepository(values.repo, parseGithubRemote(await git.remoteUrl('origin')), fallbackName, ctx.config.defaultBranch);
    const resolved = await resolveEvent(
      git,
      {
        event: values.event,
        ref: values.ref,
        base: values.base,
        head: values.head,
        fork: values.fork ?? false,
        actor: values.actor,
        pr: values.pr,
        repo: values.repo,
      },
      repository,
    );
    const run = runRef(resolved.envelope.event);
    const all = await parseWorkflowFiles(await git.workflowFiles(run.sha), run.sha);
    // GitHub dispatches exactly one workflow: --workflow names it (its file name or path).
    const workflows = values.workflow === undefined ? all : all.filter((w) => w.file === values.workflow || w.file === `.github/workflows/${values.workflow}`);
    if (workflows.length === 0) {
      throw new InputError(
        `--workflow ${quote(values.workflow ?? '')}: no such workflow at ${run.sha.slice(0, 12)}; expected one of: ${all.map((w) => w.file.replace('.github/workflows/', '')).join(', ')}`,
      );
    }
    const payload = eventPayload(resolved.envelope);
    removeLeftovers(git.root);
    trace('event resolved, workflows parsed');
    const checkout = new CommitCheckout(git.root, run.sha, trace);
    const steps = { count: 0, ms: 0 };
    // Ctrl-C or a kill: the running step is stopped and the worktree and temporary root removed before exiting.
    const interrupted = new AbortController();
    const onSignal = (signal: NodeJS.Signals): void => {
      interrupted.abort();
      checkout.remove();
      git.close();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const engine = new PlanEngine({
        envelope: resolved.envelope,
        payload,
        workspace: checkout.dir,
        changedFiles: resolved.changedFiles,
        inputs,
        workflows,
        runner: createStepRunner({
          cli: ctx.cli,
          workspace: () => checkout.ensure(),
          temp: checkout.temp,
          host: ctx.env,
          signal: interrupted.signal,
          ran: (ms) => {
            steps.count++;
            steps.ms += ms;
          },
        }),
        hashFiles: (patterns) => hashFiles(checkout.ensure(), patterns),
        // Progress only for a person at a terminal: tests, CI logs and pipes stay silent.
        ...(ctx.stderrIsTTY
          ? { progress: (p) => ctx.stderr(`${ERASE_LINE}planning ${p.workflow.replace('.github/workflows/', '')}: job ${p.job} (${p.index + 1}/${p.total})…`) }
          : {}),
      });
      const head = {
        event: {
          name: resolved.envelope.event.name,
          ref: run.ref,
          sha: run.sha,
          base: resolved.base ?? null,
          head: resolved.head,
          changedFiles: resolved.changedFiles?.length ?? null,
          payload,
        },
      };
      const jobs = await engine.plan();
      trace(`planned: ${steps.count} output steps ran, ${steps.ms.toFixed(0)} ms of step time in all`);
      if (ctx.stderrIsTTY) ctx.stderr(ERASE_LINE);
      const plan: Plan = { ...head, workflows: jobs };
      ctx.stdout(values.json ? `${JSON.stringify({ schema: PLAN_SCHEMA, ...plan })}\n` : values.verbose ? renderPlan(plan) : renderSummary(plan));
      return plan.workflows.some((w) => w.jobs.some((j) => j.result === 'failure')) ? 1 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      checkout.remove();
      trace('checkout removed');
    }
  } finally {
    git.close();
  }
});
