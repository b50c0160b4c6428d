/** `pipeline deploy status [--environment E] [--json]`: what runs where, from the Deployments API: services × environments. */
import { resolve } from 'node:path';
import { commandSpec } from '../../core/args.js';
import { describeBound, READ_BOUND, statusQuestion } from '../../core/deploy/history.js';
import { current, lastDeployOtherThan } from '../../core/deploy/promotion.js';
import { InputError } from '../../core/errors.js';
import { EXIT } from '../../core/exit-codes.js';
import { quote } from '../../core/quote.js';
import { readHistory } from '../../io/deployment-history.js';
import { workspaceAt } from '../../io/service-history.js';
import { appendStepSummary } from '../../io/step-outputs.js';
import type { Command } from '../types.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline deploy status',
  summary:
    'What runs where: for every service and environment, the version, digest, when it was deployed and by whom, read from the deployment records of the Deployments API (task deploy:<service>), and the newest deploy beside it when that one failed, was refused or has not ended.',
  options: { environment: { type: 'string' }, json: { type: 'boolean' }, cwd: { type: 'string' } },
  help: {
    environment: { value: 'ENV', description: 'one environment only' },
    json: { description: 'print one JSON object: {rows: [{service, environment, version, digest, deployedAt, actor, lastDeploy}]}' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: ['pnpm pipeline deploy status', 'pnpm -s pipeline deploy status --environment production --json'],
  notes: [
    'exit codes: 0 done, 2 bad input, 3 the GitHub API failed, 4 no answer in time',
    `Each service and environment costs one request and one per status read down to what runs (at most the newest ${READ_BOUND.records} records and ${READ_BOUND.statuses} statuses; past that, a warning and none shown).`,
  ],
});

export interface StatusRow {
  readonly service: string;
  readonly environment: string;
  readonly version: string | null;
  readonly digest: string | null;
  readonly deployedAt: string | null;
  readonly actor: string | null;
  /** The newest deploy when it is not what runs (failed, refused, or not ended): what runs may differ. */
  readonly lastDeploy: { readonly deployment: number; readonly state: string; readonly digest: string | null; readonly createdAt: string } | null;
}

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values } = parsed;
  const environments = ctx.config.environments.filter((e) => values.environment === undefined || e.name === values.environment);
  if (environments.length === 0)
    throw new InputError(`--environment ${quote(values.environment ?? '')}: expected one of: ${ctx.config.environments.map((e) => e.name).join(', ')}`);
  const git = await ctx.effects.git(resolve(ctx.cwd, values.cwd ?? '.'));
  try {
    const graph = await workspaceAt(git, ctx.config, (await git.resolveCommit('HEAD')) ?? 'HEAD');
    const github = await ctx.effects.github();
    const rows: StatusRow[] = [];
    for (const service of graph.services) {
      for (const env of environments) {
        // Newest first, up to what runs and the newest record with a status (core/deploy/history.ts):
        // a request a page and one a status read, not one per record of the history.
        const read = await readHistory(github, `deploy:${service.folder}`, env.name, statusQuestion);
        const here = read.records;
        const now = current(here);
        if (now === undefined && read.stop === 'bound') ctx.stderr(`warning: ${service.folder} in ${env.name}: none of ${describeBound(read)} is a success; shown as none\n`);
        const last = lastDeployOtherThan(here, now);
        rows.push({
          service: service.folder,
          environment: env.name,
          version: now?.payload?.version ?? null,
          digest: now?.payload?.digest ?? null,
          deployedAt: now?.createdAt ?? null,
          actor: now?.payload?.actor ?? null,
          lastDeploy: last === undefined ? null : { deployment: last.id, state: last.state, digest: last.payload?.digest ?? null, createdAt: last.createdAt },
        });
      }
    }
    const table = renderStatusTable(rows);
    ctx.stdout(values.json ? `${JSON.stringify({ rows })}\n` : table);
    if (ctx.env['GITHUB_STEP_SUMMARY']) await appendStepSummary(`### What runs where\n\n${table}\n`);
    return EXIT.ok;
  } finally {
    git.close();
  }
});

export function renderStatusTable(rows: readonly StatusRow[]): string {
  const lines = ['| service | environment | version | digest | deployed | by | last deploy, when not this one |', '|---|---|---|---|---|---|---|'];
  const short = (digest: string | null) => (digest === null ? '—' : `\`${digest.slice(0, 19)}…\``);
  for (const r of rows) {
    const last = r.lastDeploy === null ? '—' : `${r.lastDeploy.state}: ${short(r.lastDeploy.digest)} (deployment ${r.lastDeploy.deployment}, ${r.lastDeploy.createdAt})`;
    lines.push(`| ${r.service} | ${r.environment} | ${r.version ?? '—'} | ${short(r.digest)} | ${r.deployedAt ?? '—'} | ${r.actor ?? '—'} | ${last} |`);
  }
  return `${lines.join('\n')}\n`;
}
