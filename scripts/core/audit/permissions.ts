/**
 * What each step needs of the job's GITHUB_TOKEN: every pinned action and every `pipeline` command,
 * by what the step does. A write permission that no step of its job needs is a finding (rules.ts).
 * A new action or command that needs a scope is added here, with the reason. Pure.
 */
import type { AuditStep } from './workflow.js';

export type Access = 'read' | 'write';
export type Needs = ReadonlyMap<string, Access>;

const none: Needs = new Map();
const GITHUB_TOKEN = /\$\{\{\s*(?:secrets\.GITHUB_TOKEN|github\.token)\s*\}\}/i;

/** `owner/repo[/path]` of a `uses:` (without the ref). */
// Stryker disable next-line Regex: a uses: value is one line, so the greedy .* already runs to its end and the $ anchor changes no match
export const actionOf = (uses: string): string => uses.replace(/@.*$/, '');

/** Per action: what it needs, from its inputs. An action not listed needs nothing of the token. */
const ACTIONS: ReadonlyMap<string, (step: AuditStep) => Needs> = new Map<string, (step: AuditStep) => Needs>([
  // Reads the repository; the job's default contents: read is enough.
  ['actions/checkout', () => new Map([['contents', 'read']])],
  // Pushing to GHCR with the job's token needs packages: write; another registry uses its own secrets.
  [
    'docker/login-action',
    // Stryker disable next-line StringLiteral: an absent registry or password, read as '' or as any other text that is neither ghcr.io nor a token expression, grants nothing (ghcr.io and the scope are pinned by the tests)
    (step) => (String(step.with['registry'] ?? '') === 'ghcr.io' && GITHUB_TOKEN.test(String(step.with['password'] ?? '')) ? new Map([['packages', 'write']]) : none),
  ],
  // Cache, artifacts, buildx, node: the runtime token, not GITHUB_TOKEN scopes.
  ['docker/setup-buildx-action', () => none],
  ['docker/build-push-action', () => none],
  ['actions/setup-node', () => none],
  ['actions/upload-artifact', () => none],
  ['actions/download-artifact', () => none],
  ['actions/cache/restore', () => none],
  ['actions/cache/save', () => none],
  // GitHub's own attestations (not BuildKit's, which go to the registry).
  [
    'actions/attest-build-provenance',
    () =>
      new Map([
        ['id-token', 'write'],
        ['attestations', 'write'],
      ]),
  ],
]);

// `node [./]scripts/dist/pipeline.cjs CMD ...` or `pnpm [-s] [run] pipeline CMD ...`.
const PIPELINE_CALL = /(?:node\s+(?:\.\/)?scripts\/dist\/pipeline\.cjs|pnpm\s+(?:(?:-s|--silent)\s+)?(?:run\s+)?pipeline)\s+([a-z][a-z-]*)([^\n;&|]*)/g;

/** Per `pipeline` command: what a call needs (its flags decide). */
function pipelineNeeds(command: string, args: string): Needs {
  switch (command) {
    // --promote asks GitHub's compare API whether the commit is ahead of the branch tag.
    case 'tags':
      return /--promote\b/.test(args) ? new Map([['contents', 'read']]) : none;
    // A deploy records a GitHub deployment and its status; its plan (--dry-run) and `deploy status` only read them.
    case 'deploy':
      return /--dry-run\b|^\s*status\b/.test(args)
        ? new Map([
            ['deployments', 'read'],
            ['contents', 'read'],
          ])
        : new Map([
            ['deployments', 'write'],
            ['contents', 'read'],
          ]);
    // `release cut` creates the tag and the GitHub Release (contents: write); `release handoff` dispatches
    // deploy.yml (actions: write); the other subcommands read the clone (and, for select --images, the registry).
    case 'release':
      return /^\s*cut\b/.test(args)
        ? new Map([['contents', 'write']])
        : /^\s*handoff\b/.test(args)
          ? new Map([
              ['actions', 'write'],
              ['contents', 'read'],
            ])
          : new Map([['contents', 'read']]);
    default:
      return none;
  }
}

/** The `pipeline` commands a run script calls. */
export function pipelineCalls(run: string): { readonly command: string; readonly args: string }[] {
  // Stryker disable next-line StringLiteral: both groups always participate when PIPELINE_CALL matches (the second may be empty), so the fallbacks '' are never used
  return [...run.matchAll(PIPELINE_CALL)].map((m) => ({ command: m[1] ?? '', args: m[2] ?? '' }));
}

/** What one step needs. */
export function stepNeeds(step: AuditStep): Needs {
  const out = new Map<string, Access>();
  const add = (needs: Needs) => {
    for (const [scope, access] of needs) if (out.get(scope) !== 'write') out.set(scope, access);
  };
  if (step.uses !== undefined) add(ACTIONS.get(actionOf(step.uses))?.(step) ?? none);
  if (step.run !== undefined) for (const call of pipelineCalls(step.run)) add(pipelineNeeds(call.command, call.args));
  return out;
}
