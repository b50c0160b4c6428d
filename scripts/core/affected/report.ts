/**
 * The result of `pipeline affected` in its three forms: the JSON object (one on stdout with --json),
 * the GitHub step outputs (the contract shared with the CI workflow and `plan`), and the text for
 * humans (a table on stderr/stdout, and the job summary with a mermaid graph).
 */
import type { Strategy } from '../changes/revisions.js';
import { sortByKey } from '../workspace/graph.js';
import { packageOfLockReason } from '../changes/lockfile-reasons.js';
import type { Affected, AffectedPackage } from './compute.js';

export interface MatrixEntry {
  readonly service: string;
  readonly package: string;
  readonly path: string;
  readonly dockerfile: string;
  readonly image: string;
}

export interface ReportEntry {
  readonly name: string;
  readonly path: string;
  readonly reasons: readonly string[];
}

export interface Report {
  readonly base: string | null;
  readonly head: string;
  readonly strategy: Strategy;
  readonly changedFiles: number;
  readonly tooling: boolean;
  readonly global: boolean;
  readonly packages: readonly ReportEntry[];
  readonly services: readonly ReportEntry[];
  readonly libraries: readonly string[];
  readonly matrix: { readonly include: readonly MatrixEntry[] };
  readonly reasons: { readonly global: readonly string[]; readonly tooling: readonly string[] };
  readonly warnings: readonly string[];
}

export interface ReportInput {
  readonly base: string | null;
  readonly head: string;
  readonly strategy: Strategy;
  readonly changedFiles: number;
  readonly affected: Affected;
  readonly warnings: readonly string[];
  /** Workspace folder inside the repository ('' at the root): matrix paths are repository-relative. */
  readonly workspaceDir: string;
  readonly marker: string;
  /** The image repository for a service folder. */
  readonly image: (service: string) => string;
}

/** A workspace-relative path as a repository path: the workspace may sit in a subfolder of the repository. */
export function inWorkspace(workspaceDir: string, path: string): string {
  return workspaceDir === '' ? path : `${workspaceDir}/${path}`;
}

export function buildReport(input: ReportInput): Report {
  const at = (dir: string) => inWorkspace(input.workspaceDir, dir);
  const { affected } = input;
  const services = sortByKey(
    affected.packages.filter((p) => p.isService),
    (p) => p.folder,
  );
  return {
    base: input.base,
    head: input.head,
    strategy: input.strategy,
    changedFiles: input.changedFiles,
    tooling: affected.tooling.length > 0,
    global: affected.global.length > 0,
    packages: affected.packages.map((p) => ({ name: p.name, path: at(p.dir), reasons: p.reasons })),
    services: services.map((p) => ({ name: p.folder, path: at(p.dir), reasons: p.reasons })),
    libraries: affected.packages.filter((p) => !p.isService).map((p) => p.name),
    matrix: {
      include: services.map((p: AffectedPackage) => ({
        service: p.folder,
        package: p.name,
        path: at(p.dir),
        dockerfile: `${at(p.dir)}/${input.marker}`,
        image: input.image(p.folder),
      })),
    },
    reasons: { global: affected.global, tooling: affected.tooling },
    warnings: [...input.warnings, ...affected.notes],
  };
}

/** The step outputs of the detection job (see the contract in the README). */
export function stepOutputs(report: Report): Record<string, string> {
  return {
    matrix: JSON.stringify(report.matrix),
    services: JSON.stringify(report.services.map((s) => s.name)),
    count: String(report.services.length),
    any: String(report.services.length > 0),
    libraries: JSON.stringify(report.libraries),
    tooling: String(report.tooling),
    global: String(report.global),
    base: report.base ?? '',
    head: report.head,
  };
}

function comparison(report: Report): string {
  return report.base === null ? `${report.head.slice(0, 12)} (no comparison)` : `${report.base.slice(0, 12)}..${report.head.slice(0, 12)}`;
}

/** A lockfile reason longer than this, or more than one, is summarised in the human outputs. */
const LONG_REASON = 120;

/**
 * Reasons as a person reads them: the lockfile's per-dependency lines (one can be thousands of
 * characters of peer-suffixed specifiers on a real update) become one line saying how many resolved
 * dependencies changed and naming the first few. `--json` keeps every reason whole.
 */
export function humanReasons(reasons: readonly string[]): string[] {
  const lock = reasons.filter((r) => r.startsWith('pnpm-lock.yaml: '));
  // Stryker disable next-line ConditionalExpression,OptionalChaining: equivalent: `lock.length === 0` as false (the loop below then copies the reasons as they are), and lock[0] exists when lock.length is 1
  if (lock.length === 0 || (lock.length === 1 && (lock[0]?.length ?? 0) <= LONG_REASON)) return [...reasons];
  const names = [...new Set(lock.map((r) => packageOfLockReason(r)).filter((n) => n !== undefined))];
  const shown = names.slice(0, 3).join(', ');
  const more = names.length > 3 ? ` and ${names.length - 3} more` : '';
  const summary = `pnpm-lock.yaml: ${names.length} resolved dependenc${names.length === 1 ? 'y' : 'ies'} changed${names.length === 0 ? '' : ` (${shown}${more})`}`;
  const out: string[] = [];
  for (const r of reasons) {
    if (!r.startsWith('pnpm-lock.yaml: ')) out.push(r);
    else if (!out.includes(summary)) out.push(summary);
  }
  return out;
}

export function renderText(report: Report): string {
  const lines = [`${report.strategy}: ${comparison(report)}, ${report.changedFiles} changed file${report.changedFiles === 1 ? '' : 's'}`];
  if (report.services.length === 0) lines.push('no service is affected');
  else {
    const width = Math.max(7, ...report.services.map((s) => s.name.length));
    lines.push(`${'service'.padEnd(width)}  reason`);
    for (const s of report.services) lines.push(`${s.name.padEnd(width)}  ${humanReasons(s.reasons).join('; ')}`);
  }
  if (report.libraries.length > 0) lines.push(`libraries: ${report.libraries.join(', ')}`);
  if (report.tooling) lines.push(`tooling: ${report.reasons.tooling.join('; ')}`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

const MAX_GRAPH_NODES = 150;

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** Mermaid node ids must be plain; labels are quoted and stripped of what breaks the syntax. */
function mermaidGraph(affected: Affected): string | undefined {
  const names = affected.packages.map((p) => p.name);
  if (names.length === 0 || affected.global.length > 0) return undefined;
  if (names.length > MAX_GRAPH_NODES) return `_${names.length} packages are affected; the graph is drawn up to ${MAX_GRAPH_NODES}._`;
  const id = new Map(names.map((n, i) => [n, `p${i}`]));
  const label = (n: string) => n.replace(/["`<>]/g, '');
  const lines = ['```mermaid', 'graph LR'];
  const byName = new Map(affected.packages.map((p) => [p.name, p]));
  for (const n of names) {
    const pkg = byName.get(n);
    // Stryker disable next-line OptionalChaining: equivalent: byName holds every name drawn
    lines.push(`  ${id.get(n)}${pkg?.isService ? `(["${label(n)}"])` : `["${label(n)}"]`}`);
  }
  for (const [dependent, dep] of affected.via) lines.push(`  ${id.get(dep)} --> ${id.get(dependent)}`);
  const roots = affected.roots.map((r) => id.get(r)).filter((r) => r !== undefined);
  if (roots.length > 0) lines.push('  classDef changed fill:#fde68a,stroke:#b45309', `  class ${roots.join(',')} changed`);
  lines.push('```');
  return lines.join('\n');
}

export function renderSummary(report: Report, affected: Affected): string {
  const out = [`### Affected services: ${report.services.length}`, '', `${report.strategy}, ${comparison(report)}, ${report.changedFiles} changed files.`, ''];
  if (report.services.length > 0) {
    out.push('| service | image | reasons |', '| --- | --- | --- |');
    // Stryker disable next-line OptionalChaining,StringLiteral: equivalent: buildReport makes one matrix entry per service (so the `?? ''` fallback is never reached either)
    for (const [i, s] of report.services.entries()) out.push(`| ${cell(s.name)} | \`${report.matrix.include[i]?.image ?? ''}\` | ${cell(humanReasons(s.reasons).join('; '))} |`);
    out.push('');
  }
  if (report.libraries.length > 0) out.push(`Libraries: ${report.libraries.map((l) => `\`${l}\``).join(', ')}`, '');
  if (report.global) out.push(`**Every service is affected:** ${cell(report.reasons.global.join('; '))}`, '');
  if (report.tooling) out.push(`**Tooling changed** (the pipeline's own checks run): ${cell(report.reasons.tooling.join('; '))}`, '');
  for (const w of report.warnings) out.push(`> [!WARNING]\n> ${cell(w)}`, '');
  const graph = mermaidGraph(affected);
  if (graph) out.push('Changed packages (highlighted) and what they reach:', '', graph, '');
  return `${out.join('\n')}\n`;
}
