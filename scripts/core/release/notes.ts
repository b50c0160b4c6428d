/**
 * Release notes of one service: the commits between two revisions that touched its inputs, each
 * with why it counts (its folder, a workspace package it depends on, a lockfile change, a global
 * input), grouped by Conventional Commit type with breaking changes first, with commit and
 * pull-request links; plus the image (digest, tags, where its provenance is). One model, rendered as
 * Markdown (the GitHub Release body, the job summary) and as JSON. Deploy shows the same commits
 * between the running and the target version.
 *
 * Commit subjects are outside input: in Markdown they are escaped, so a subject cannot open a link,
 * an image, raw HTML or a table cell.
 */
import { parseCommitMessage } from './conventional-commit.js';

/** Why a commit belongs in a service's notes (from affected's reasons). */
export type Reason =
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'dependency'; readonly package: string }
  | { readonly kind: 'lockfile'; readonly packages: readonly string[] }
  | { readonly kind: 'global'; readonly file: string };

export interface NotesCommit {
  readonly sha: string;
  readonly subject: string;
  readonly body: string;
  readonly reasons: readonly Reason[];
}

export interface ImageSection {
  /** `ghcr.io/owner/api-gateway`. */
  readonly repository: string;
  readonly digest: string;
  readonly tags: readonly string[];
  /** Where the provenance attestation is (`ghcr.io/...@sha256:...`, or a URL). */
  readonly provenance: string;
}

export interface NotesInput {
  readonly service: string;
  /** `1.4.0`, or a revision for deploy's notes. */
  readonly version: string;
  /** The previous release tag or revision; undefined for the first release. */
  readonly from: string | undefined;
  /** The release tag or revision the notes end at (for the compare link). */
  readonly to: string;
  /** `https://github.com` (GITHUB_SERVER_URL). */
  readonly serverUrl: string;
  /** `owner/repo`. */
  readonly repository: string;
  /** Newest first, as `git log` lists them. */
  readonly commits: readonly NotesCommit[];
  readonly image: ImageSection | undefined;
}

export interface NoteEntry {
  readonly sha: string;
  readonly type: string | null;
  readonly scope: string | null;
  readonly breaking: boolean;
  readonly description: string;
  readonly commitUrl: string;
  readonly pullRequest: number | null;
  readonly pullRequestUrl: string | null;
  /** `services/api-gateway`, `via @kodingcaravan/shared`, `lockfile: zod`, `global: services/Dockerfile.template`. */
  readonly reasons: readonly string[];
}

export interface NotesSection {
  /** `breaking`, a Conventional Commit type, or `other`. */
  readonly id: string;
  readonly title: string;
  readonly entries: readonly NoteEntry[];
}

export interface ReleaseNotes {
  readonly service: string;
  readonly version: string;
  readonly from: string | null;
  readonly to: string;
  readonly compareUrl: string | null;
  readonly sections: readonly NotesSection[];
  readonly image: ImageSection | null;
}

export function releaseNotes(input: NotesInput): ReleaseNotes {
  // Section order after breaking changes; types not listed go to "Other changes". Here, not a module
  // constant, so that StrykerJS runs its mutants against the tests that call this (a static mutant otherwise).
  const SECTIONS: readonly (readonly [string, string])[] = [
    ['feat', 'Features'],
    ['fix', 'Bug fixes'],
    ['perf', 'Performance'],
    ['revert', 'Reverts'],
    ['refactor', 'Refactoring'],
    ['deps', 'Dependencies'],
    ['build', 'Build'],
    ['docs', 'Documentation'],
    ['test', 'Tests'],
    ['ci', 'CI'],
    ['style', 'Style'],
    ['chore', 'Chores'],
  ];
  const base = `${input.serverUrl.replace(/\/+$/, '')}/${input.repository}`;
  const entries = input.commits.map((c): NoteEntry => {
    const parsed = parseCommitMessage(c);
    return {
      sha: c.sha,
      type: parsed.type ?? null,
      scope: parsed.scope ?? null,
      breaking: parsed.breaking,
      description: parsed.description,
      commitUrl: `${base}/commit/${c.sha}`,
      pullRequest: parsed.pullRequest ?? null,
      pullRequestUrl: parsed.pullRequest === undefined ? null : `${base}/pull/${parsed.pullRequest}`,
      reasons: c.reasons.map(describeReason),
    };
  });
  // No null in it: a subject that is not a Conventional Commit is not known either.
  const known = new Set<string | null>(SECTIONS.map(([type]) => type));
  const sections: NotesSection[] = [
    { id: 'breaking', title: 'Breaking changes', entries: entries.filter((e) => e.breaking) },
    ...SECTIONS.map(([id, title]) => ({ id, title, entries: entries.filter((e) => !e.breaking && e.type === id) })),
    { id: 'other', title: 'Other changes', entries: entries.filter((e) => !e.breaking && !known.has(e.type)) },
  ];
  const ref = (rev: string) => encodeURIComponent(rev);
  return {
    service: input.service,
    version: input.version,
    from: input.from ?? null,
    to: input.to,
    compareUrl: input.from === undefined ? null : `${base}/compare/${ref(input.from)}...${ref(input.to)}`,
    sections: sections.filter((s) => s.entries.length > 0),
    image: input.image ?? null,
  };
}

export function describeReason(reason: Reason): string {
  switch (reason.kind) {
    case 'folder':
      return reason.path;
    case 'dependency':
      return `via ${reason.package}`;
    case 'lockfile':
      return reason.packages.length === 0 ? 'lockfile (every importer)' : `lockfile: ${reason.packages.join(', ')}`;
    case 'global':
      return `global: ${reason.file}`;
  }
}

export function renderNotesMarkdown(notes: ReleaseNotes): string {
  const lines = [`## ${notes.service} ${escapeMarkdown(notes.version)}`, ''];
  const since = notes.from === null ? 'First release.' : `Changes to ${notes.service}'s inputs since \`${code(notes.from)}\`.`;
  lines.push(notes.compareUrl === null ? since : `${since} [Compare](${notes.compareUrl})`, '');
  if (notes.sections.length === 0) lines.push("No commit touched this service's inputs.", '');
  for (const section of notes.sections) {
    lines.push(`### ${section.title}`, '');
    for (const e of section.entries) lines.push(`- ${renderEntry(e)}`);
    lines.push('');
  }
  if (notes.image !== null) {
    const { repository, digest, tags, provenance } = notes.image;
    lines.push(
      '### Image',
      '',
      '| | |',
      '|---|---|',
      `| repository | \`${code(repository)}\` |`,
      `| digest | \`${code(digest)}\` |`,
      `| tags | ${tags.map((t) => `\`${code(t)}\``).join(', ')} |`,
      `| provenance | \`${code(provenance)}\` |`,
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderEntry(e: NoteEntry): string {
  const scope = e.scope === null ? '' : `**${escapeMarkdown(e.scope)}:** `;
  const type = e.breaking && e.type !== null ? `${escapeMarkdown(e.type)}: ` : '';
  const links = [`[${e.sha.slice(0, 7)}](${e.commitUrl})`];
  // Stryker disable next-line ConditionalExpression,LogicalOperator: pullRequest and pullRequestUrl are null together (releaseNotes); the two checks narrow the types
  if (e.pullRequest !== null && e.pullRequestUrl !== null) links.push(`[#${e.pullRequest}](${e.pullRequestUrl})`);
  const reasons = e.reasons.length === 0 ? '' : ` (${e.reasons.map((r) => `\`${code(r)}\``).join(', ')})`;
  return `${type}${scope}${escapeMarkdown(e.description)} (${links.join(', ')})${reasons}`;
}

/** Markdown and HTML metacharacters of outside text, backslash-escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/** Text inside a code span: a backtick cannot close it, a line break cannot end the table row. */
function code(text: string): string {
  return text.replace(/`/g, "'").replace(/[\r\n|]+/g, ' ');
}
