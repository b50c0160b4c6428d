/**
 * `pipeline plan --event NAME [--ref REF] [--base REV] [--head REV] [--input k=v]... [--fork] [--actor NAME]
 * [--pr N] [--repo OWNER/NAME] [--json]`: what the generated workflows will do for an event, evaluated
 * with GitHub's own parser and expression engine. The workflows are those of the commit the event runs
 * on (for a pull request, its test merge commit), read from git, not from the working tree; the
 * output-computing `pipeline` steps run for real in a temporary checkout of that commit; everything
 * else is reported. Exit 0 when CI would pass, 1 when the plan shows a failing job (an empty matrix, a
 * failed output step), 2 on bad input.
 */
import { pipelineConfig } from '../../workflows-src/pipeline.config.js';
import { parseCommandArgs } from '../core/args.js';
import { InputError } from '../core/errors.js';
import { CommitCheckout } from '../io/plan/checkout.js';
import { PlanGit } from '../io/plan/git.js';
import { hashFiles } from '../io/plan/hash-files.js';
import { createStepRunner } from '../io/plan/step-runner.js';
import { PlanEngine } from '../plan/engine.js';
import { eventPayload, runRef } from '../plan/event.js';
import { parseInputFlags } from '../plan/inputs.js';
import type { Plan } from '../plan/plan-types.js';
import { renderPlan } from '../plan/render.js';
import { parseGithubRemote, parseRepository, repositoryNameFromManifest, resolveEvent } from '../plan/resolve-event.js';
import { parseWorkflowFiles } from '../plan/workflow-files.js';
import type { Command } from './types.js';

export const run: Command = async (argv, ctx) => {
  const { values } = parseCommandArgs('plan', argv, {
    event: { type: 'string' },
    ref: { type: 'string' },
    base: { type: 'string' },
    head: { type: 'string' },
    input: { type: 'string', multiple: true },
    fork: { type: 'boolean' },
    actor: { type: 'string' },
    pr: { type: 'string' },
    repo: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.event === undefined) throw new InputError('pipeline plan: --event is required; expected --event push|pull_request|merge_group|workflow_dispatch');
  const inputs = parseInputFlags(values.input ?? []);
  const git = await PlanGit.open(ctx.cwd);
  try {
    const fallbackName = repositoryNameFromManifest(await git.readFile('HEAD', 'package.json'));
    const repository = parseRepository(values.repo, parseGithubRemote(await git.remoteUrl('origin')), fallbackName, pipelineConfig.defaultBranch);
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
    const workflows = await parseWorkflowFiles(await git.workflowFiles(run.sha), run.sha);
    const payload = eventPayload(resolved.envelope);
    const checkout = new CommitCheckout(git.root, run.sha);
    try {
      const engine = new PlanEngine({
        envelope: resolved.envelope,
        payload,
        workspace: checkout.dir,
        changedFiles: resolved.changedFiles,
        inputs,
        workflows,
        runner: createStepRunner(() => checkout.ensure(), ctx.env),
        hashFiles: (patterns) => hashFiles(checkout.ensure(), patterns),
      });
      const plan: Plan = {
        event: {
          name: resolved.envelope.event.name,
          ref: run.ref,
          sha: run.sha,
          base: resolved.base ?? null,
          head: resolved.head,
          changedFiles: resolved.changedFiles?.length ?? null,
          payload,
        },
        workflows: await engine.plan(),
      };
      ctx.stdout(values.json ? `${JSON.stringify(plan)}\n` : renderPlan(plan));
      return plan.workflows.some((w) => w.jobs.some((j) => j.result === 'failure')) ? 1 : 0;
    } finally {
      checkout.remove();
    }
  } finally {
    git.close();
  }
};
