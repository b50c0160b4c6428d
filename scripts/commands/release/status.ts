/** `pipeline release status [--json]`: where every service stands: its latest version, the commits to its inputs since, the bump auto would choose. */
import { commandSpec } from '../../core/args.js';
import { EXIT } from '../../core/exit-codes.js';
import { autoBump } from '../../core/release/bump.js';
import { formatVersion } from '../../core/release/version.js';
import { serviceCommits, workspaceAt } from '../../io/service-history.js';
import { appendStepSummary } from '../../io/step-outputs.js';
import type { Command } from '../types.js';
import { openRelease, released } from './context.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline release status',
  summary:
    "Every service's latest release, the number of commits to its inputs since, and the bump auto would choose; release tags that have no GitHub Release yet show up in `release cut` (a push of more than three tags at once triggers no workflow: cut each such tag again).",
  options: { json: { type: 'boolean' }, ref: { type: 'string' }, cwd: { type: 'string' } },
  help: {
    json: { description: 'print one JSON object: {services: [{service, version, tag, commits, bump}]}' },
    ref: { value: 'REV', description: 'the revision to compare with (default: the default branch)' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: ['pnpm pipeline release status', 'pnpm -s pipeline release status --json'],
  notes: ['exit codes: 0 done, 2 bad input'],
});

export interface ServiceStatus {
  readonly service: string;
  readonly version: string | null;
  readonly tag: string | null;
  readonly commits: number;
  readonly bump: string;
}

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values } = parsed;
  const release = await openRelease(ctx, values.cwd);
  try {
    const ref = await release.refCommit(values.ref, '--ref');
    const graph = await workspaceAt(release.git, ctx.config, ref);
    const rows: ServiceStatus[] = [];
    const tags: string[] = [];
    for (const service of graph.services) {
      const { all, base } = await released(release.git, service.folder, ref);
      tags.push(...all.map((r) => r.name));
      const commits = await serviceCommits(release.git, ctx.config, { graph, service }, base?.commit, ref);
      rows.push({
        service: service.folder,
        version: base === undefined ? null : formatVersion(base.tag.version),
        tag: base?.name ?? null,
        commits: commits.length,
        bump: base === undefined ? 'first release' : commits.length === 0 ? 'none' : autoBump(commits),
      });
    }
    // Release tags without a published GitHub Release (a push of more than three tags triggers nothing): asked of the API when a token is there.
    let unreleased: string[] | null = null;
    if (ctx.env['GITHUB_TOKEN']) {
      const published = new Set((await (await ctx.effects.github()).listReleases()).filter((r) => !r.draft).map((r) => r.tagName));
      unreleased = tags.filter((t) => !published.has(t));
    }
    const table = `${renderStatus(rows)}${
      unreleased === null
        ? '\n(set GITHUB_TOKEN to list release tags that have no GitHub Release yet)\n'
        : unreleased.length === 0
          ? ''
          : `\nrelease tags without a GitHub Release (finish each with \`pnpm pipeline release cut --tag refs/tags/<tag>\`): ${unreleased.join(', ')}\n`
    }`;
    ctx.stdout(values.json ? `${JSON.stringify({ ref, services: rows, unreleasedTags: unreleased })}\n` : table);
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(`### Release status\n\n${table}\n`);
    return EXIT.ok;
  } finally {
    release.git.close();
  }
});

export function renderStatus(rows: readonly ServiceStatus[]): string {
  const lines = ['| service | latest | commits since | next bump |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.service} | ${r.version ?? '(never released)'} | ${r.commits} | ${r.bump} |`);
  return `${lines.join('\n')}\n`;
}
