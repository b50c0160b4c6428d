/**
 * The deploy plan a reviewer reads before approving (the job summary of deploy.yml's `plan` job):
 * current → target version and digest, the commits between them (the release notes model, shared
 * with `pipeline release`), the evidence checks and the promotion rule with their results, and the
 * exact commands the target will run. Rendered as Markdown; the JSON is the plan object itself.
 */
import { escapeMarkdown, type ReleaseNotes, renderNotesMarkdown } from '../release/notes.js';
import type { EvidenceCheck } from './evidence.js';
import type { PromotionCheck } from './promotion.js';

export interface Deployed {
  readonly version: string;
  readonly digest: string;
  readonly commit: string | null;
}

export interface DeployPlan {
  readonly service: string;
  readonly environment: string;
  readonly current: (Deployed & { readonly deployedAt: string; readonly actor: string }) | null;
  readonly target: Deployed;
  /** The image as `<repository>@<digest>`. */
  readonly image: string;
  readonly evidence: readonly EvidenceCheck[];
  readonly promotion: PromotionCheck;
  /** The commits the deploy adds (or, going back, removes), as release notes. */
  readonly changes: { readonly direction: 'forward' | 'back' | 'same'; readonly notes: ReleaseNotes } | null;
  readonly commands: readonly (readonly string[])[];
  readonly ok: boolean;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function renderDeployPlan(plan: DeployPlan): string {
  const lines = [`## Deploy ${plan.service} to ${plan.environment}`, ''];
  lines.push('| | version | digest | commit |', '|---|---|---|---|');
  const row = (label: string, d: Deployed | null) =>
    d === null ? `| ${label} | (nothing deployed yet) | | |` : `| ${label} | ${code(d.version)} | ${code(d.digest)} | ${d.commit === null ? '' : code(d.commit.slice(0, 12))} |`;
  lines.push(row('current', plan.current), row('target', plan.target), '');
  if (plan.current !== null) lines.push(`Current since ${plan.current.deployedAt}, deployed by ${escapeMarkdown(plan.current.actor)}.`, '');
  lines.push('### Checks', '', '| check | result | evidence |', '|---|---|---|');
  for (const e of plan.evidence) lines.push(`| ${e.check} | ${e.ok ? 'pass' : '**FAIL**'} | ${escapeMarkdown(e.detail)} |`);
  lines.push(`| promotion order | ${plan.promotion.ok ? 'pass' : '**FAIL**'} | ${escapeMarkdown(plan.promotion.detail)} |`, '');
  if (plan.changes !== null) {
    const title =
      plan.changes.direction === 'back' ? '### Commits this deploy takes back out' : plan.changes.direction === 'same' ? '### Commits' : '### Commits this deploy brings';
    const notes = renderNotesMarkdown(plan.changes.notes);
    // Stryker disable next-line Regex: the notes begin with their `## ` heading, so the first match is at the start anyway
    const body = notes.replace(/^## .*\n\n/, '');
    lines.push(title, '', body.replace(/^### /gm, '#### '));
  }
  lines.push('### Commands', '', '```', ...plan.commands.map((c) => c.join(' ')), '```', '');
  lines.push(plan.ok ? `Ready: approving deploys exactly ${code(plan.image)}.` : '**Refused**: a check failed; nothing will be deployed.', '');
  return `${lines.join('\n').trimEnd()}\n`;
}
