/**
 * `pipeline deploy`: promote exactly the image CI tested to an environment.
 * - `--service S --environment E [--version V] [--dry-run] [--json]`: resolve the version to a digest
 *   (registry HTTP API v2), check the evidence (revision label, provenance, quarantine) and the
 *   promotion order, read what runs there now (Deployments API), write the plan; without --dry-run,
 *   deploy it.
 * - `--digest sha256:…`: deploy exactly that digest (what deploy.yml's deploy job passes from the
 *   approved plan: the version is never resolved again).
 * - `--rollback`: the last successful digest before the current one, from the deployment records.
 * - `--quarantine sha256:… --reason TEXT`: a digest that must never be promoted again (a registry tag on it).
 * - `status [--environment E] [--json]`: what runs where.
 * A deploy: one deployment record (task `deploy:<service>`, payload {service, version, digest,
 * previousDigest, actor}), status in_progress, the target, then the `<environment>` registry tag only
 * once it is healthy, and status success or failure. An unhealthy image is rolled back to the digest
 * that ran before, and the tag stays where it was.
 */
import { resolve } from 'node:path';
import { commandSpec } from '../../core/args.js';
import type { Environment } from '../../core/config.js';
import { checkEvidence, provenanceFacts } from '../../core/deploy/evidence.js';
import { type DeployPlan, renderDeployPlan } from '../../core/deploy/plan.js';
import { deployQuestion, describeBound, READ_BOUND, promotionQuestion, rivalQuestion } from '../../core/deploy/history.js';
import { checkPromotion, current, type DeploymentRecord, type DeployPayload, earlierRival, rollbackCandidates, type Success, unfinished } from '../../core/deploy/promotion.js';
import { parseDeployVersion, quarantineTag } from '../../core/deploy/version.js';
import { describeError, InputError, OutsideError } from '../../core/errors.js';
import { repositoryOwner } from '../../core/github-repository.js';
import { EXIT, type HandledSignal, SIGNAL_EXIT } from '../../core/exit-codes.js';
import { imageRepository, parseImageRef } from '../../core/images/index.js';
import { SHA256_DIGEST } from '../../core/images/oci.js';
import { quote } from '../../core/quote.js';
import { releaseNotes } from '../../core/release/notes.js';
import { TIMEOUTS } from '../../core/timeouts.js';
import type { Git } from '../../io/git.js';
import type { GitHubApi } from '../../io/github-api.js';
import { deploymentHistory, readHistory } from '../../io/deployment-history.js';
import type { FetchedDocument, RegistryClient } from '../../io/registry.js';
import type { DeployOutcome, DeployRequest, Stop, Target } from '../../io/targets/target.js';
import { describeQuarantine, type Quarantine, quarantineOf, quarantineOfDigest, readImage, readProvenance } from '../../io/registry-images.js';
import { type ServiceGraph, serviceAt, serviceCommits } from '../../io/service-history.js';
import { appendStepSummary, writeStepOutputs } from '../../io/step-outputs.js';
import type { Command, CommandContext } from '../types.js';
import { checkActionsFiles } from '../../io/github-event.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline deploy',
  summary:
    "Deploys exactly the image CI tested to an environment, by digest: resolves the version through the registry, checks the revision label, the provenance and the quarantine list and the promotion order, shows what runs there now and the commits in between, then deploys through the environment's target, tags the digest with the environment once healthy, and records the deployment. An unhealthy image is rolled back.",
  options: {
    service: { type: 'string' },
    environment: { type: 'string' },
    version: { type: 'string' },
    digest: { type: 'string' },
    rollback: { type: 'boolean' },
    quarantine: { type: 'string' },
    reason: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    cwd: { type: 'string' },
  },
  help: {
    service: { value: 'SERVICE', description: 'the service folder, e.g. api-gateway', required: true },
    environment: { value: 'ENV', description: 'an environment of pipeline.config.ts (staging, production)' },
    version: { value: 'V', description: 'a release version (1.4.0), sha-<7 hex>, or empty: the newest image of the default branch' },
    digest: { value: 'sha256:HEX', description: 'deploy exactly this digest (from an approved plan); the version is not resolved again' },
    rollback: { description: 'redeploy the last successful digest before the current one' },
    quarantine: { value: 'sha256:HEX', description: 'record a digest that must never be promoted again (with --reason)' },
    reason: { value: 'TEXT', description: 'why the digest is quarantined' },
    'dry-run': { description: 'print the plan and change nothing' },
    json: { description: 'print one JSON object: the plan (and the result)' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: [
    'pnpm pipeline deploy --service api-gateway --environment staging --version 1.4.0 --dry-run',
    'pnpm pipeline deploy --service api-gateway --environment staging --rollback',
    'pnpm pipeline deploy --service api-gateway --quarantine sha256:… --reason "leaks memory"',
    'pnpm pipeline deploy status',
  ],
  notes: [
    'exit codes: 0 deployed (or planned), 1 refused by a check or unhealthy (rolled back), 2 bad input, 3 the registry, the GitHub API or the target failed, 4 no answer in time, 130/143 interrupted by SIGINT/SIGTERM (rolled back when the target had begun; the record says so)',
    'No Kubernetes cluster has run the kubernetes target: it is tested on the exact commands it runs.',
    `The deployment records are read newest first and only as far as the plan needs (a status request only for a record the answer depends on): at most the newest ${READ_BOUND.records} records and ${READ_BOUND.statuses} statuses per environment; past that, the plan says so.`,
  ],
});

const deploy = command(SPEC, async (parsed, ctx) => {
  // The step files are checked before anything is deployed.
  checkActionsFiles(ctx.env);
  const { values } = parsed;
  const serviceName = values.service;
  if (serviceName === undefined || serviceName === '')
    throw new InputError('pnpm pipeline deploy: --service is required; expected a service folder, e.g. api-gateway (or `deploy status`)');
  const modes = [values.digest !== undefined, values.rollback === true, values.quarantine !== undefined].filter(Boolean).length;
  // With --digest, --version only labels the approved digest (it is never resolved again).
  if (modes > 1 || ((values.rollback === true || values.quarantine !== undefined) && values.version !== undefined)) {
    throw new InputError('pnpm pipeline deploy: give at most one of --version, --digest, --rollback and --quarantine (--version may label a --digest)');
  }
  if (values.digest !== undefined && !SHA256_DIGEST.test(values.digest))
    throw new InputError(`--digest ${quote(values.digest)}: expected sha256:<64 hex>, the digest of an approved plan`);
  const version = parseDeployVersion(values.version, ctx.config.defaultBranch);

  const git = await ctx.effects.git(resolve(ctx.cwd, values.cwd ?? '.'));
  try {
    const head = (await git.resolveCommit('HEAD')) ?? '';
    const at = await serviceAt(git, ctx.config, head, serviceName);
    const service = at.service.folder;
    const repositoryName = ctx.env['GITHUB_REPOSITORY'] || ctx.config.publishRepository;
    const owner = repositoryOwner(repositoryName);
    const repository = imageRepository(ctx.config.registry, owner, service);
    const ref = parseImageRef(repository);
    const registry = await ctx.effects.registry(ref.registry ?? 'docker.io');

    if (values.quarantine !== undefined) return await quarantine(ctx, registry, ref.path, service, values.quarantine, values.reason, values['dry-run'] === true);

    const environment = environmentOf(ctx, values.environment);
    const github = await ctx.effects.github();
    const task = `deploy:${service}`;
    // The records newest first, only as far as the plan needs them (core/deploy/history.ts): what runs,
    // and whether another deploy has not ended; a rollback reads on for its candidates.
    const started = Date.now();
    const history = deploymentHistory(github, task, environment.name, deployQuestion(started, TIMEOUTS.deployJobMs));
    let read = await history.read();
    const now = current(read.records);
    if (now === undefined && read.stop === 'bound') {
      ctx.stderr(
        `warning: ${service} in ${environment.name}: none of ${describeBound(read)} is a success: the plan shows nothing running there, and an unhealthy deploy has nothing to roll back to\n`,
      );
    }

    // The digest: resolved from the version, given (an approved plan), or the rollback target.
    let digest: string;
    let label: string;
    // The index as the version's tag names it, read once: the image and its provenance are read from it.
    let resolved: FetchedDocument | undefined;
    if (values.digest !== undefined) {
      digest = values.digest;
      label = values.version === undefined || values.version === '' ? digest.slice(0, 19) : version.tag;
    } else if (values.rollback) {
      // The newest candidate that is not quarantined (a quarantined digest is never deployed again).
      // The records are read on one candidate at a time: a quarantined one costs the next.
      let back: Success | undefined;
      for (let wanted = 1; back === undefined; wanted++) {
        read = await history.read(deployQuestion(started, TIMEOUTS.deployJobMs, wanted).enough);
        const candidate = rollbackCandidates(read.records)[wanted - 1];
        if (candidate === undefined) break;
        if ((await quarantineOfDigest(registry, ref.path, candidate.payload.digest)) === undefined) back = candidate;
      }
      if (back === undefined)
        throw new InputError(
          `--rollback: ${service} has no earlier successful deployment in ${environment.name} than the current one that is not quarantined${read.stop === 'bound' ? ` among ${describeBound(read)}` : ''}; nothing to roll back to`,
        );
      digest = back.payload.digest;
      label = back.payload.version;
    } else {
      const found = await registry.document(ref.path, version.tag);
      if (found === undefined)
        throw new InputError(
          `--version ${quote(values.version ?? '')}: ${service} has no image tagged ${quote(version.tag)} in ${ref.registry ?? 'docker.io'}/${ref.path}; expected a released version or sha-<7> CI published`,
        );
      digest = found.digest;
      label = version.tag;
      resolved = found;
    }

    const image = await readImage(registry, ref.path, resolved ?? digest);
    if (image === undefined) throw new InputError(`digest ${digest}: no such image of ${service} in ${ref.registry ?? 'docker.io'}/${ref.path}`);
    const repositoryUrl = `${(ctx.env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '')}/${repositoryName}`;
    const provenance = await readProvenance(registry, ref.path, image);
    const quarantined = await quarantineOf(registry, ref.path, image);
    const evidence = checkEvidence({
      digest,
      manifest: image.manifest,
      revision: image.revision,
      revisionKnown: image.revision !== undefined && (await git.resolveCommit(image.revision)) === image.revision,
      provenance: provenance === undefined ? undefined : provenanceFacts(provenance),
      repositoryUrl,
      quarantined: quarantined === undefined ? undefined : { reason: `${describeQuarantine(quarantined)} (pipeline deploy --quarantine)` },
    });
    // The required environment's records of this digest only, down to its newest success there.
    const required = environment.requires === undefined || values.rollback ? undefined : await readHistory(github, task, environment.requires, promotionQuestion(digest));
    const promotion = values.rollback
      ? ({ ok: true, detail: 'a rollback to a digest that ran here before' } as const)
      : checkPromotion(environment.name, environment.requires, digest, required?.records ?? [], required?.stop === 'bound' ? describeBound(required) : undefined);
    const target = await ctx.effects.target(environment, git.root);
    const request = {
      service,
      image: `${repository}@${digest}`,
      previous: now?.payload === undefined || now.payload.digest === digest ? undefined : `${repository}@${now.payload.digest}`,
      timeoutSeconds: environment.healthTimeoutSeconds,
      minReadySeconds: environment.minReadySeconds ?? 0,
    };
    const plan: DeployPlan = {
      service,
      environment: environment.name,
      current:
        now?.payload === undefined ? null : { version: now.payload.version, digest: now.payload.digest, commit: now.sha, deployedAt: now.createdAt, actor: now.payload.actor },
      target: { version: label, digest, commit: image.revision ?? null },
      image: `${repository}@${digest}`,
      evidence,
      promotion,
      changes: await changes(git, ctx, at, now, image.revision, repositoryName, service, label),
      commands: target.commands(request),
      ok: evidence.every((e) => e.ok) && promotion.ok,
    };
    const markdown = renderDeployPlan(plan);
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(markdown);
    if (ctx.env['GITHUB_OUTPUT']) await writeStepOutputs({ digest, version: label, commit: image.revision ?? '', ok: String(plan.ok) });
    if (!plan.ok) {
      const failed = [...evidence.filter((e) => !e.ok).map((e) => `${e.check}: ${e.detail}`), ...(promotion.ok ? [] : [promotion.detail])];
      ctx.stderr(`error: ${service} to ${environment.name} refused: ${failed.join('; ')}\n`);
      if (values.json) ctx.stdout(`${JSON.stringify({ plan })}\n`);
      return EXIT.failed;
    }
    if (values['dry-run']) {
      ctx.stdout(values.json ? `${JSON.stringify({ dryRun: true, plan })}\n` : markdown);
      return EXIT.ok;
    }
    // One deploy per service and environment at a time (deploy.yml's concurrency group does it for its
    // runs; this holds for a CLI run beside them too). The records were read above: the window between
    // that read and this deploy's own record is the time the plan took.
    const other = unfinished(read.records, Date.now(), TIMEOUTS.deployJobMs);
    if (other !== undefined) {
      const what = other.payload === undefined ? '' : `${whose(other.payload)}, `;
      ctx.stderr(
        `error: ${service} to ${environment.name}: deployment ${other.id} (${what}since ${other.createdAt}) has not ended; deploy again once it has (a deploy job ends within ${TIMEOUTS.deployJobMs / 60_000} min: a record still in progress after that was left by a job that died); if no job runs it, end it: gh api -X POST repos/{owner}/{repo}/deployments/${other.id}/statuses -f state=error\n`,
      );
      if (values.json) ctx.stdout(`${JSON.stringify({ plan, result: { outcome: 'refused', deployment: other.id } })}\n`);
      return EXIT.failed;
    }
    return await apply(ctx, {
      github,
      registry,
      target,
      name: ref.path,
      plan,
      environment,
      request,
      commit: image.revision ?? head,
      task,
      rollback: values.rollback === true,
      // An unhealthy image is rolled back to what ran before even when that is quarantined (it was running,
      // and is the one known to start), but the line and the record must say so: someone deploys a fixed one.
      previousQuarantine: request.previous === undefined || now === undefined ? undefined : await quarantineOfDigest(registry, ref.path, now.payload.digest),
      json: values.json === true,
    });
  } finally {
    git.close();
  }
});

/** `deploy status` is a subcommand of its own (deploy/status.ts); anything else is a deploy. */
export const run: Command = async (argv, ctx) => (argv[0] === 'status' ? (await import('./status.js')).run(argv.slice(1), ctx) : deploy(argv, ctx));

function environmentOf(ctx: CommandContext, name: string | undefined): Environment {
  const known = ctx.config.environments.map((e) => e.name);
  const env = ctx.config.environments.find((e) => e.name === name);
  if (env === undefined) throw new InputError(`--environment ${quote(name ?? '')}: expected one of: ${known.join(', ')}`);
  return env;
}

/** The commits between what runs now and the target, as release notes (forward, or back for a rollback). */
async function changes(
  git: Git,
  ctx: CommandContext,
  at: ServiceGraph,
  now: DeploymentRecord | undefined,
  targetCommit: string | undefined,
  repository: string,
  service: string,
  label: string,
): Promise<DeployPlan['changes']> {
  if (targetCommit === undefined || (await git.resolveCommit(targetCommit)) === undefined) return null;
  const nowCommit = now === undefined || (await git.resolveCommit(now.sha)) === undefined ? undefined : now.sha;
  const notes = (commits: Awaited<ReturnType<typeof serviceCommits>>, from: string | undefined, to: string) =>
    releaseNotes({
      service,
      version: label,
      from,
      to,
      serverUrl: (ctx.env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, ''),
      repository,
      commits,
      image: undefined,
    });
  if (nowCommit === undefined) return { direction: 'forward', notes: notes(await serviceCommits(git, ctx.config, at, undefined, targetCommit), undefined, targetCommit) };
  if (nowCommit === targetCommit) return { direction: 'same', notes: notes([], nowCommit, targetCommit) };
  const forward = await serviceCommits(git, ctx.config, at, nowCommit, targetCommit);
  if (forward.length > 0 || (await git.isAncestor(nowCommit, targetCommit)) === true) return { direction: 'forward', notes: notes(forward, nowCommit, targetCommit) };
  return { direction: 'back', notes: notes(await serviceCommits(git, ctx.config, at, targetCommit, nowCommit), targetCommit, nowCommit) };
}

interface Apply {
  readonly github: GitHubApi;
  readonly registry: RegistryClient;
  readonly target: Target;
  readonly name: string;
  readonly plan: DeployPlan;
  readonly environment: Environment;
  readonly request: DeployRequest;
  readonly commit: string;
  readonly task: string;
  /** A `--rollback`: its record says so, and later rollbacks do not return to what it left. */
  readonly rollback: boolean;
  /** The quarantine of the digest that ran before (what an unhealthy deploy rolls back to), if any. */
  readonly previousQuarantine: Quarantine | undefined;
  /** `--json`: the plan and the result as one object on stdout (the error line still goes to stderr). */
  readonly json: boolean;
}

/** Another deploy, as the refusals that it holds this one name it: its digest, shortened, and who began it. */
function whose(payload: DeployPayload): string {
  return `${payload.digest.slice(0, 19)}…, by ${payload.actor}`;
}

async function apply(ctx: CommandContext, a: Apply): Promise<number> {
  // An unreachable target fails here, before a record exists or anything changed.
  await a.target.preflight();
  // From here a record exists (or is being made) and the target may change what runs: a cancelled job
  // (GitHub sends SIGINT, then SIGTERM seconds later) or Ctrl-C must not leave the record in_progress, the
  // target half-changed and the override file behind. The first signal stops the target's commands and
  // rolls back to what ran before (within a bound; a second signal stops that too); the deploy then ends
  // as any other, its record saying it was interrupted, and exits as plan.ts does (130/143).
  const interrupt = new AbortController();
  const rollback = new AbortController();
  let received: HandledSignal | undefined;
  let bound: NodeJS.Timeout | undefined;
  const onSignal = (signal: HandledSignal): void => {
    if (received === undefined) {
      received = signal;
      interrupt.abort(new Error(`interrupted by ${signal}`));
      bound = setTimeout(
        () => rollback.abort(new Error(`the rollback did not finish within ${TIMEOUTS.interruptedRollbackMs / 1000} s of the interrupt`)),
        TIMEOUTS.interruptedRollbackMs,
      );
    } else rollback.abort(new Error(`a second signal (${signal}) stopped the rollback`));
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await applyTo(ctx, a, { interrupt: interrupt.signal, rollback: rollback.signal }, () => received);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    clearTimeout(bound);
  }
}

async function applyTo(ctx: CommandContext, a: Apply, stop: Stop, received: () => HandledSignal | undefined): Promise<number> {
  const started = Date.now();
  const { plan, github, environment } = a;
  const actor = ctx.env['GITHUB_ACTOR'] || ctx.env['USER'] || 'unknown';
  const runUrl = ctx.env['GITHUB_RUN_ID']
    ? `${(ctx.env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '')}/${ctx.env['GITHUB_REPOSITORY'] ?? ''}/actions/runs/${ctx.env['GITHUB_RUN_ID']}`
    : undefined;
  const id = await github.createDeployment({
    ref: a.commit,
    task: a.task,
    environment: environment.name,
    production: environment.name === 'production',
    description: `${plan.service} ${plan.target.version} (${plan.target.digest.slice(0, 19)})`,
    payload: {
      service: plan.service,
      version: plan.target.version,
      digest: plan.target.digest,
      previousDigest: plan.current?.digest ?? null,
      actor,
      rollback: a.rollback,
    },
  });
  const urls = { ...(runUrl === undefined ? {} : { logUrl: runUrl }), ...(environment.url === undefined ? {} : { environmentUrl: environment.url }) };
  await github.createDeploymentStatus(id, { state: 'in_progress', description: `deploying ${plan.target.digest.slice(0, 19)}`, ...urls });
  // The plan's check of the records and this record are apart by the time the plan took: a deploy begun
  // in between (a lower id) that has not ended goes on, and this one backs off before changing anything.
  for (;;) {
    const now = Date.now();
    const read = await readHistory(github, a.task, environment.name, rivalQuestion(id, now, TIMEOUTS.deployJobMs));
    const check = earlierRival(read.records, id, now, TIMEOUTS.deployJobMs, TIMEOUTS.deployStartMs);
    if (check.kind === 'clear') break;
    if (check.kind === 'starting') {
      await new Promise((done) => setTimeout(done, 500));
      continue;
    }
    const rival = check.record;
    await github.createDeploymentStatus(id, { state: 'error', description: `refused: deployment ${rival.id} began first and has not ended`, ...urls });
    const what = rival.payload === undefined ? '' : ` (${whose(rival.payload)})`;
    ctx.stderr(
      `error: ${plan.service} to ${environment.name}: deployment ${rival.id}${what} began before this one (${id}) and has not ended; nothing changed; deploy again once it has\n`,
    );
    if (a.json) ctx.stdout(`${JSON.stringify({ plan, result: { outcome: 'refused', deployment: rival.id } })}\n`);
    return EXIT.failed;
  }
  let outcome: DeployOutcome;
  try {
    outcome = await a.target.deploy(a.request, stop);
  } catch (err) {
    // Targets turn every outside failure into an outcome; what reaches here is a bug, which may have
    // struck after the target began changing what runs: the record must not say nothing changed.
    await github.createDeploymentStatus(id, { state: 'error', description: 'stopped by a bug after the target began: it may run either digest; check it', ...urls });
    throw err;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const summary = (result: string) =>
    [
      `### ${plan.service} → ${environment.name}: ${result}`,
      '',
      '| service | environment | version | digest | previous digest | result | duration |',
      '|---|---|---|---|---|---|---|',
      `| ${plan.service} | ${environment.name} | ${plan.target.version} | \`${plan.target.digest}\` | ${plan.current === null ? '' : `\`${plan.current.digest}\``} | ${result} | ${seconds} s |`,
      '',
    ].join('\n');
  const result = (fields: Readonly<Record<string, unknown>>) => {
    if (a.json) ctx.stdout(`${JSON.stringify({ plan, result: { ...fields, deployment: id, seconds } })}\n`);
  };
  // A signal that stopped the target: the record and the line say so, and the exit is the signal's. One
  // that came after the target finished changes nothing: the deploy ends as it would have.
  const signal = outcome.kind === 'healthy' ? undefined : received();
  const interrupted = signal === undefined ? '' : `interrupted (${signal}): `;
  if (outcome.kind === 'not-applied') {
    // Nothing changed: the record ends in error (it could not be deployed), not failure (it ran and failed).
    const description = signal === undefined ? 'the target did not take the image; nothing changed' : `interrupted (${signal}) before anything changed`;
    await github.createDeploymentStatus(id, { state: 'error', description, ...urls });
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(summary(`${interrupted}not deployed: nothing changed`));
    ctx.stderr(`error: ${plan.service} to ${environment.name}: ${interrupted}${outcome.reason}\n`);
    result({ outcome: outcome.kind, reason: outcome.reason, ...(signal === undefined ? {} : { interrupted: signal }) });
    return signal === undefined ? EXIT.outside : SIGNAL_EXIT[signal];
  }
  if (outcome.kind !== 'healthy') {
    // Back on a quarantined digest: it runs again, so the record and the line say it must be replaced.
    const quarantined = outcome.kind === 'rolled-back' ? a.previousQuarantine : undefined;
    const back = quarantined === undefined ? 'rolled back' : 'rolled back to a quarantined digest; deploy a fixed one';
    // A failed one says why nothing healthy may run now: whoever reads the record checks the target.
    const description =
      signal === undefined
        ? outcome.kind === 'rolled-back'
          ? `unhealthy: ${back}`
          : a.request.previous === undefined
            ? 'unhealthy; nothing to roll back to: check what runs'
            : `unhealthy; the rollback to ${(plan.current?.digest ?? a.request.previous).slice(0, 19)} did not become healthy either: check what runs`
        : outcome.kind === 'rolled-back'
          ? `interrupted (${signal}): ${back}`
          : a.request.previous === undefined
            ? `interrupted (${signal}) after the target began; nothing to roll back to: check what runs`
            : `interrupted (${signal}) after the target began; the rollback did not finish: check what runs`;
    const reason = quarantined === undefined ? outcome.reason : `${outcome.reason}, but is quarantined (${describeQuarantine(quarantined)}): deploy a fixed digest`;
    await github.createDeploymentStatus(id, { state: 'failure', description, ...urls });
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(summary(`${interrupted}${outcome.kind}${quarantined === undefined ? '' : ' (to a quarantined digest)'}`));
    ctx.stderr(`error: ${plan.service} to ${environment.name}: ${interrupted}${reason}\n`);
    result({ outcome: outcome.kind, reason, ...(signal === undefined ? {} : { interrupted: signal }) });
    return signal === undefined ? EXIT.failed : SIGNAL_EXIT[signal];
  }
  // Only now does the environment's tag move (the one registry tag operation): a failed deploy leaves it.
  // The record never stays in_progress: a failure here ends it in error (a re-run finishes the deploy).
  try {
    await a.registry.tagDigest(a.name, plan.target.digest, environment.name, 'move');
  } catch (err) {
    await github.createDeploymentStatus(id, { state: 'error', description: `healthy, but the ${environment.name} tag did not move; re-run`, ...urls });
    throw err;
  }
  // The tag moved: the record must not stay in_progress (it would count as a deploy still running, and
  // production would never accept the digest). The success is posted again once; when that fails too,
  // an error status says the deploy is healthy (a re-run records the success), and so does the command.
  try {
    await github.createDeploymentStatus(id, { state: 'success', description: `${plan.target.version} is healthy`, ...urls });
  } catch {
    try {
      await github.createDeploymentStatus(id, { state: 'success', description: `${plan.target.version} is healthy`, ...urls });
    } catch (err) {
      const description = `healthy and the ${environment.name} tag moved, but the success status failed to post: re-run to record it`;
      // When this fails too the line below still says what is true; the record may stay in_progress.
      await github.createDeploymentStatus(id, { state: 'error', description, ...urls }).catch(() => undefined);
      if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(summary('healthy, but not recorded as success: re-run'));
      ctx.stderr(
        `error: ${plan.service} to ${environment.name}: ${plan.image} is healthy and the ${environment.name} tag names it, but deployment ${id} could not be marked success (${describeError(err)}); re-run the deploy to record it\n`,
      );
      result({ outcome: 'healthy', environmentTag: environment.name, recorded: false });
      return err instanceof OutsideError && err.timedOut ? EXIT.timeout : EXIT.outside;
    }
  }
  if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(summary('success'));
  if (a.json) result({ outcome: 'healthy', environmentTag: environment.name });
  else ctx.stdout(`${plan.service} ${plan.target.version} (${plan.target.digest}) runs in ${environment.name} and is healthy (${seconds} s)\n`);
  return EXIT.ok;
}

async function quarantine(
  ctx: CommandContext,
  registry: RegistryClient,
  name: string,
  service: string,
  digest: string,
  reason: string | undefined,
  dryRun: boolean,
): Promise<number> {
  if (!SHA256_DIGEST.test(digest)) throw new InputError(`--quarantine ${quote(digest)}: expected sha256:<64 hex>`);
  if (reason === undefined || reason.trim() === '') throw new InputError('--quarantine needs --reason "why this digest must never be promoted again"');
  const found = await registry.document(name, digest);
  if (found === undefined) throw new InputError(`--quarantine ${digest}: no such image of ${service}`);
  // Deploys and releases name an image by its index (an attested push): quarantining a platform manifest
  // alone would leave the index it came from deployable; the index's quarantine tags its manifest too.
  if (found.document.kind !== 'index') {
    throw new InputError(
      `--quarantine ${digest}: a platform manifest inside an image, not an image a deploy names; quarantine the image's digest (its index, as deploy plans and release records show it)`,
    );
  }
  const image = await readImage(registry, name, found);
  if (image === undefined) throw new InputError(`--quarantine ${digest}: no such image of ${service}`);
  // The tags name the digests themselves: the quarantine list lives with the images, needs packages: write
  // to change, and cannot be undone by a commit. The reason is kept in the job log. The index's tag holds
  // what plans name; the platform manifest's holds the same image pushed again under a new index (a
  // re-run: new provenance, so a new index digest), which the checks look for too (quarantineOf).
  const tags = `the registry tags ${quarantineTag(digest)} and ${quarantineTag(image.manifest)} (its platform manifest)`;
  if (dryRun) {
    ctx.stdout(`${service}: ${digest} would be quarantined (${reason.trim()}) by ${tags}; dry run: nothing changed\n`);
    return EXIT.ok;
  }
  // Again for a quarantined digest is no error (`immutable` leaves a tag that names it): a quarantine made
  // before the platform manifest was tagged gets that tag so.
  await registry.tagDigest(name, digest, quarantineTag(digest), 'immutable');
  await registry.tagDigest(name, image.manifest, quarantineTag(image.manifest), 'immutable');
  ctx.stdout(`${service}: ${digest} is quarantined (${reason.trim()}) by ${tags}; no plan will promote it again, nor the same image pushed under another index\n`);
  return EXIT.ok;
}
