/**
 * `pipeline affected`: which services a change affects, with a reason for each, as a table, as one
 * JSON object (--json) and, inside GitHub Actions, as step outputs and a job summary.
 * The flow: event -> revisions (core plan, carried out by io/revisions) -> changed paths (git
 * diff-tree -z) -> workspace graph at head (from git objects) -> lockfile / root manifest diff when
 * those files changed -> affected packages -> report.
 */
import { join, resolve } from 'node:path';
import { commandSpec } from '../core/args.js';
import { InputError } from '../core/errors.js';
import { isCommitSha } from '../core/git/commit-sha.js';
import { quote } from '../core/quote.js';
import { classifyFiles } from '../core/affected/classify.js';
import { type Affected, computeAffected, type Findings, type Selection } from '../core/affected/compute.js';
import { removedPackageCandidates } from '../core/affected/removed-dirs.js';
import { buildReport, inWorkspace, renderSummary, renderText, stepOutputs } from '../core/affected/report.js';
import { parseNameOnlyZ } from '../core/changes/diff.js';
import { expectedRange, planComparison } from '../core/changes/revisions.js';
import { MANIFEST_FILES } from '../core/workspace/discover.js';
import { globEngineFor } from '../core/workspace/glob.js';
import { imageRepositories } from '../core/images/tags.js';
import type { Git } from '../io/git.js';
import { ownerFrom, readEvent, warn, writeActionsOutputs } from '../io/github-event.js';
import { type Resolution, resolvePlan } from '../io/revisions.js';
import type { GlobMatcher } from '../core/workspace/folder-globs.js';
import { loadWorkspaceFromGit } from '../io/workspace-git.js';
import type { Command, CommandContext } from './types.js';
import { type Trace, tracer } from '../io/trace.js';
import { command } from './command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline affected',
  summary:
    'Which services (and shared libraries) a change affects, each with its reasons, and the CI matrix. Compares two commits: from the GitHub event inside Actions, from --base/--head, or locally the merge base with the default branch.',
  options: { base: { type: 'string' }, head: { type: 'string' }, event: { type: 'string' }, cwd: { type: 'string' }, json: { type: 'boolean' } },
  help: {
    base: { value: 'REV', description: 'the commit to compare from (default: from the event, or the merge base with the default branch)' },
    head: { value: 'REV', description: 'the commit to compare to (default: the event head, or HEAD)' },
    event: { value: 'FILE', description: 'a GitHub event payload to read instead of GITHUB_EVENT_PATH' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
    json: { description: 'print one JSON object (run it as `pnpm -s pipeline affected --json` so pnpm prints no banner)' },
  },
  examples: ['pnpm pipeline affected', 'pnpm -s pipeline affected --base main~3 --head HEAD --json'],
  notes: ['exit codes: 0 done, 2 bad input, 3 git failed, 70 a bug'],
});

/** The workflow_dispatch input that selects services. */
const DISPATCH_INPUT = 'services';

async function readTexts(git: Git, specs: readonly string[]): Promise<Array<string | undefined>> {
  const objects = await git.readObjects(specs);
  return objects.map((o) => (o?.type === 'blob' ? o.content.toString('utf8') : undefined));
}

async function lockfileFinding(git: Git, base: string, head: string, prefix: string): Promise<NonNullable<Findings['lockfile']>> {
  const path = inWorkspace(prefix, 'pnpm-lock.yaml');
  const [before, after] = await readTexts(git, [`${base}:${path}`, `${head}:${path}`]);
  // Loaded only when the lockfile changed.
  const { diffLockfiles } = await import('../core/changes/lockfile.js');
  const fast = diffLockfiles(before, after);
  if (fast.kind !== 'unreadable') return fast;
  // Not the layout pnpm writes (re-indented, flow style, another tool): re-read both sides as YAML,
  // loaded only now, and attribute the change exactly (bench/README: the fast path and its cost).
  const { diffLockfilesAsYaml } = await import('../core/changes/lockfile-yaml.js');
  const diff = diffLockfilesAsYaml(before, after);
  if (diff.kind === 'invalid-yaml' && diff.side === 'head') {
    throw new InputError(`${path} at ${head.slice(0, 12)}: not valid YAML (${diff.detail}); resolve it with \`pnpm install\` and commit`);
  }
  if (diff.kind === 'invalid-yaml') return { kind: 'all', reason: `${path} at base ${base.slice(0, 12)} is not valid YAML (${diff.detail}); cannot attribute the change` };
  if (diff.kind === 'unreadable') return { kind: 'all', reason: `${path} at ${diff.side} is not a pnpm v9 lockfile (${diff.detail}); cannot attribute the change to importers` };
  return diff;
}

interface FindingsInput {
  readonly git: Git;
  readonly base: string;
  readonly head: string;
  /** The workspace's folder in the repository ('' at the top). */
  readonly prefix: string;
  /** Changed files no package at head owns. */
  readonly unowned: readonly string[];
  readonly matcher: GlobMatcher;
  /** Whether the lockfile changed. */
  readonly lockfile: boolean;
  /** The root manifest fields that count, when the root manifest changed. */
  readonly rootManifestFields: readonly string[] | undefined;
}

/** What the changed files alone cannot say: the lockfile's and root manifest's diffs, and the package folders removed. */
async function findings(input: FindingsInput): Promise<Findings> {
  const { git, base, head, prefix } = input;
  const out: { -readonly [K in keyof Findings]: Findings[K] } = {};
  if (input.lockfile) out.lockfile = await lockfileFinding(git, base, head, prefix);
  if (input.rootManifestFields !== undefined) {
    const path = inWorkspace(prefix, 'package.json');
    const [before, after] = await readTexts(git, [`${base}:${path}`, `${head}:${path}`]);
    const { diffRootManifest } = await import('../core/changes/root-manifest.js');
    out.rootManifest = diffRootManifest(path, before, after, input.rootManifestFields);
  }
  const candidates = removedPackageCandidates(input.unowned, prefix, (dir) => input.matcher.isPackageDir(dir));
  if (candidates.length > 0) {
    // A package at base: its folder held one of pnpm's manifests (package.json, package.json5 or package.yaml).
    const files = MANIFEST_FILES.length;
    const objects = await git.readObjects(candidates.flatMap((d) => MANIFEST_FILES.map((file) => `${base}:${inWorkspace(prefix, d)}/${file}`)));
    out.removedPackageDirs = new Set(candidates.filter((_, i) => objects.slice(i * files, (i + 1) * files).some((o) => o?.type === 'blob')).map((d) => inWorkspace(prefix, d)));
  }
  return out;
}

/**
 * Reads started before the revisions are confirmed: the graph at the head the event names, and the
 * diff. Each is used when the confirmed revisions match it, or dropped (its failure unobserved: the
 * read is made again where its error counts). `settle()` waits for every one, so that no git read
 * outlives the command, whatever it ends with.
 */
class Prefetch {
  private readonly started: Array<Promise<unknown>> = [];

  /** `read`, started now; a failure is reported only to whoever awaits the promise. */
  start<T>(read: Promise<T>): Promise<T> {
    read.catch(() => {});
    this.started.push(read);
    return read;
  }

  /** The value, or undefined when the read failed (to be made again by the caller). */
  async valueOrUndefined<T>(read: Promise<T>): Promise<T | undefined> {
    return read.catch(() => undefined);
  }

  async settle(): Promise<void> {
    await Promise.allSettled(this.started);
  }
}

// The first timing mark is made before the options are parsed, as bench/README's step table reads it.
export const run: Command = (argv, ctx) => {
  tracer(ctx.env, ctx.stderr)('command loaded');
  return affected(argv, ctx);
};

const affected = command(SPEC, async (parsed, ctx) => {
  const trace = tracer(ctx.env, ctx.stderr);
  const { values } = parsed;
  const cwd = resolve(ctx.cwd, values.cwd ?? '.');
  const git = await ctx.effects.git(cwd);
  try {
    return await detect(git, values, ctx, trace);
  } finally {
    git.close();
  }
});

async function detect(
  git: Git,
  values: { base?: string | undefined; head?: string | undefined; event?: string | undefined; json?: boolean | undefined },
  ctx: CommandContext,
  trace: Trace,
): Promise<number> {
  const { config } = ctx;
  const event = readEvent(ctx.env, ctx.cwd, values.event);
  const plan = planComparison({
    event,
    base: values.base,
    head: values.head,
    // GITHUB_SHA belongs to the run's own event, not to a file passed with --event.
    sha: values.event === undefined && event !== undefined ? ctx.env['GITHUB_SHA'] || undefined : undefined,
    defaultBranch: config.defaultBranch,
    dispatchInput: DISPATCH_INPUT,
  });
  // The revisions, the graph and the diff are independent: when the plan names both revisions, all
  // three start now, and git answers the first while this process starts the processes of the others.
  const resolving = resolvePlan(git, plan);
  const expected = expectedRange(plan);
  const { prefix } = git;
  const marker = config.services.marker;
  const serviceGlobs = config.services.dockerfileTargets;
  const load = (head: string) => loadWorkspaceFromGit(git, head, { dir: prefix, marker, serviceGlobs, cacheDir: join(git.gitDir, 'pipeline-affected'), trace });
  const prefetch = new Prefetch();
  // The graph at the head the plan names by hash, read while the revisions are confirmed: what a
  // commit holds never changes, so a read that succeeds is the one made after; one that fails (the
  // commit not fetched yet, a bad manifest) is made again below, where its error counts.
  const ahead = expected && isCommitSha(expected.head) ? { head: expected.head, loaded: prefetch.start(load(expected.head)) } : undefined;
  // Started last: git has the requests above to answer while this process starts diff-tree.
  const early = expected && prefetch.start(git.diffNames(expected.base, expected.head));
  try {
    const resolution: Resolution = await resolving;
    trace(`revisions resolved (${resolution.kind})`);
    let diff: Promise<string> | undefined;
    if (resolution.kind === 'diff') {
      const { base, head } = resolution;
      // The same revisions unless the strategy changed (a forced push); a diff that failed (a commit fetched since) is made again.
      // Awaited below, after the graph (not now: the graph may still have to be read), so a failure
      // while loading the graph wins, not an unhandled rejection.
      diff = prefetch.start(early && expected?.strategy === resolution.strategy ? early.catch(() => git.diffNames(base, head)) : git.diffNames(base, head));
    }
    const loaded = (ahead?.head === resolution.head ? await prefetch.valueOrUndefined(ahead.loaded) : undefined) ?? (await load(resolution.head));
    trace(`workspace graph: ${loaded.workspace.packages.size} packages`);

    let selection: Selection;
    let changedFiles = 0;
    switch (resolution.kind) {
      case 'all':
        selection = { kind: 'all', reason: resolution.reason };
        break;
      case 'services':
        selection = { kind: 'services', services: resolution.services, reason: resolution.reason };
        break;
      case 'diff': {
        const paths = parseNameOnlyZ(await (diff ?? git.diffNames(resolution.base, resolution.head)));
        changedFiles = paths.length;
        trace(`diff: ${paths.length} files`);
        // The config's patterns need picomatch only when they go beyond `*`, `?` and `**`.
        const engine = await globEngineFor([...config.affected.ignore, ...config.affected.globalInputs]);
        const classified = classifyFiles(paths, loaded.workspace, config.affected, prefix, engine);
        const found = await findings({
          git,
          base: resolution.base,
          head: resolution.head,
          prefix,
          unowned: classified.unowned,
          matcher: loaded.matcher,
          lockfile: classified.lockfile,
          rootManifestFields: classified.rootManifest ? config.affected.rootManifestFields : undefined,
        });
        selection = { kind: 'changes', classified, findings: found };
        break;
      }
    }
    trace('changes classified');
    const affected: Affected = computeAffected(loaded.workspace, selection);
    trace(`affected: ${affected.packages.length} packages`);
    const remote = ctx.env['GITHUB_REPOSITORY_OWNER'] || ctx.env['GITHUB_REPOSITORY'] ? undefined : await git.remoteUrl('origin');
    const owner = ownerFrom(ctx.env, remote);
    // Image names matter only for the matrix: a clone whose owner is no image-name component (a mirror's
    // path) still gets its change detection, with the names left empty and the way to set them.
    const warnings = [...resolution.warnings];
    let image: (service: string) => string;
    try {
      image = imageRepositories(config.registry, owner);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      const source = ctx.env['GITHUB_REPOSITORY_OWNER']
        ? 'GITHUB_REPOSITORY_OWNER'
        : ctx.env['GITHUB_REPOSITORY']
          ? 'GITHUB_REPOSITORY'
          : `the origin remote ${remote ?? '(none)'}`;
      warnings.push(
        `no image names in this clone: the owner ${quote(owner)} (from ${source}) is not an image-name component; set registry in pipeline.config.ts, e.g. { kind: 'custom', host, namespace }`,
      );
      image = () => '';
    }
    const report = buildReport({
      base: resolution.kind === 'diff' ? resolution.base : null,
      head: resolution.head,
      strategy: resolution.strategy,
      changedFiles,
      affected,
      warnings,
      workspaceDir: prefix,
      marker,
      image,
    });
    for (const w of report.warnings) warn(ctx.env, ctx, 'pipeline affected', w);
    // Inside Actions only (the outputs of 1,000 services are not free to make), and before stdout: a step
    // output that cannot be written must fail the command before it has printed a result.
    if (ctx.env['GITHUB_OUTPUT'] || ctx.env['GITHUB_STEP_SUMMARY']) await writeActionsOutputs(ctx.env, stepOutputs(report), () => renderSummary(report, affected));
    if (values.json) ctx.stdout(`${JSON.stringify(report)}\n`);
    else ctx.stdout(renderText(report));
    trace('written');
    return 0;
  } finally {
    await prefetch.settle();
  }
}
