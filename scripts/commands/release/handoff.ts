/**
 * `pipeline release handoff <service> --environment E`: after a release, start deploy.yml for the
 * release just cut: the service's highest version whose tag names HEAD (release.yml's hand-off checks
 * out the commit it released), else its newest release (a maintenance release, 1.3.5 after 2.0.0, hands
 * off 1.3.5). A `workflow_dispatch` started with GITHUB_TOKEN does run, unlike a tag push made with it.
 * release.yml's `deploy_to` input runs it, in a job of its own: the only one with `actions: write`.
 */
import { commandSpec } from '../../core/args.js';
import { InputError } from '../../core/errors.js';
import { EXIT } from '../../core/exit-codes.js';
import { quote } from '../../core/quote.js';
import { formatVersion } from '../../core/release/version.js';
import type { Command } from '../types.js';
import { knownService, openRelease, released } from './context.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline release handoff',
  summary: "Starts deploy.yml for the service's release at HEAD (the one just cut; else its newest release tag in this clone), to an environment (release.yml's deploy_to).",
  options: { environment: { type: 'string' }, workflow: { type: 'string' }, cwd: { type: 'string' } },
  positionals: { usage: '<service>', description: 'the service folder, e.g. api-gateway', one: true },
  help: {
    environment: { value: 'ENV', description: 'an environment of pipeline.config.ts', required: true },
    workflow: { value: 'FILE', description: 'the deploy workflow (default deploy.yml)' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: ['pnpm pipeline release handoff api-gateway --environment staging'],
  notes: ['exit codes: 0 dispatched, 2 bad input, 3 the GitHub API failed'],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values, positionals } = parsed;
  const environment = ctx.config.environments.find((e) => e.name === values.environment);
  if (environment === undefined)
    throw new InputError(`--environment ${quote(values.environment ?? '')}: expected one of: ${ctx.config.environments.map((e) => e.name).join(', ')}`);
  const release = await openRelease(ctx, values.cwd);
  try {
    const defaultRef = await release.defaultRef();
    const at = await knownService(release.git, ctx, defaultRef, positionals[0]);
    const { all, latest } = await released(release.git, at.service.folder, defaultRef);
    const head = await release.git.resolveCommit('HEAD');
    // `all` is sorted by version: the last one at HEAD is the highest there.
    const chosen = all.filter((r) => r.commit === head).at(-1) ?? latest;
    if (chosen === undefined) throw new InputError(`${at.service.folder} has no release tag in this clone; release it first`);
    const version = formatVersion(chosen.tag.version);
    // deploy.yml of the default branch, wherever this run started: an environment may take deployments
    // from it only, and a tag or an older branch holds an older deploy.yml.
    const ref = ctx.config.defaultBranch;
    const file = values.workflow ?? 'deploy.yml';
    if (!/^[A-Za-z0-9_.-]+\.ya?ml$/.test(file)) throw new InputError(`--workflow ${quote(file)}: expected a workflow file name of .github/workflows, e.g. deploy.yml`);
    await (await ctx.effects.github()).dispatchWorkflow(file, ref, { service: at.service.folder, environment: environment.name, version, dry_run: 'false' });
    ctx.stdout(`${file}: deploying ${at.service.folder} ${version} to ${environment.name} (dispatched on ${ref})\n`);
    return EXIT.ok;
  } finally {
    release.git.close();
  }
});
