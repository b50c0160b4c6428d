/**
 * `pipeline plan --event NAME [--ref REF] [--base REV] [--head REV] [--input k=v]... [--fork] [--actor NAME]
 * [--pr N] [--repo OWNER/NAME] [--json]`: what the generated workflows in .github/workflows will do for
 * an event, evaluated with GitHub's own parser and expression engine. Output-computing `pipeline`
 * steps run for real; everything else is reported. Exit 0 when CI would pass, 1 when the plan shows
 * a failing job (an empty matrix, a failed output step), 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineConfig } from '../../workflows-src/pipeline.config.js';
import { parseCommandArgs } from '../core/args.js';
import { PlanEngine } from '../plan/engine.js';
import { eventPayload, runRef } from '../plan/event.js';
import { PlanGit } from '../plan/git.js';
import { parseInputFlags } from '../plan/inputs.js';
import type { Plan } from '../plan/plan-types.js';
import { renderPlan } from '../plan/render.js';
import { parseRepository, resolveEvent } from '../plan/resolve-event.js';
import { createStepRunner } from '../plan/step-runner.js';
import { loadWorkflows } from '../plan/workflow-files.js';
import { InputError } from '../core/errors.js';
import type { Command } from './types.js';

/** Without a GitHub remote, the repository is named after the root package (`--repo` overrides). */
function workspaceName(root: string): string {
  try {
    const manifest: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const name = typeof manifest === 'object' && manifest !== null && 'name' in manifest && typeof manifest.name === 'string' ? manifest.name : '';
    const bare = name.replace(/^@[^/]+\//, '');
    return /^[A-Za-z0-9._-]+$/.test(bare) ? bare : 'repository';
  } catch {
    return 'repository';
  }
}

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
  const root = new PlanGit(ctx.cwd).root();
  const git = new PlanGit(root);
  const repository = parseRepository(values.repo, git.githubRepository(), workspaceName(root), pipelineConfig.defaultBranch);
  const resolved = resolveEvent(
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
  const workflows = await loadWorkflows(root);
  const payload = eventPayload(resolved.envelope);
  const engine = new PlanEngine({
    envelope: resolved.envelope,
    payload,
    workspace: root,
    changedFiles: resolved.changedFiles,
    inputs,
    workflows,
    runner: createStepRunner(root, ctx.env),
    hashFiles: (patterns) => git.hashFiles(root, patterns),
  });
  const run = runRef(resolved.envelope.event);
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
};
