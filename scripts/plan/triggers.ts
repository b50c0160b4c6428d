/**
 * Whether a workflow's `on:` triggers for an event, with GitHub's rules: activity types (and their
 * defaults), branch and tag filters (a push filtered only by branches never runs for a tag, and the
 * reverse), path filters (both a ref filter and a path filter must pass; path filters are not evaluated
 * for tag pushes). Pure: the changed files are given.
 */
import { selectedBy } from './filter-patterns.js';

export interface TriggerFilters {
  readonly types?: readonly string[];
  readonly branches?: readonly string[];
  readonly 'branches-ignore'?: readonly string[];
  readonly tags?: readonly string[];
  readonly 'tags-ignore'?: readonly string[];
  readonly paths?: readonly string[];
  readonly 'paths-ignore'?: readonly string[];
}

/** Event name → its filters (an empty object for a bare `on: [push]`). */
export type Triggers = Readonly<Record<string, TriggerFilters>>;

/** `undefined` changed files: no comparison was possible, so path filters cannot exclude the run. */
export type ChangedFiles = readonly string[] | undefined;

export type EventFacts =
  | { readonly name: 'push'; readonly ref: string; readonly changedFiles: ChangedFiles }
  | { readonly name: 'pull_request'; readonly action: string; readonly baseRef: string; readonly changedFiles: ChangedFiles }
  | { readonly name: 'merge_group'; readonly action: string; readonly baseRef: string }
  | { readonly name: 'workflow_dispatch'; readonly ref: string };

export interface TriggerDecision {
  readonly triggered: boolean;
  readonly reason: string;
}

/** Activity types a workflow gets when its trigger lists none (GitHub docs, "Events that trigger workflows"). */
const DEFAULT_TYPES: Readonly<Record<string, readonly string[]>> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
};

const no = (reason: string): TriggerDecision => ({ triggered: false, reason });
const yes = (reason: string): TriggerDecision => ({ triggered: true, reason });

function list(patterns: readonly string[]): string {
  return patterns.join(', ');
}

/** `include`/`ignore` pair (e.g. branches / branches-ignore) against one name; undefined when neither is set. */
function refFilter(kind: string, name: string, include: readonly string[] | undefined, ignore: readonly string[] | undefined): TriggerDecision | undefined {
  if (include) return selectedBy(include, name) ? yes(`${kind} ${name} matches ${list(include)}`) : no(`${kind} ${name} does not match ${list(include)}`);
  if (ignore) return selectedBy(ignore, name) ? no(`${kind} ${name} is ignored by ${list(ignore)}`) : yes(`${kind} ${name} is not ignored by ${list(ignore)}`);
  return undefined;
}

function pathFilter(filters: TriggerFilters, changed: ChangedFiles): TriggerDecision | undefined {
  const include = filters.paths;
  const ignore = filters['paths-ignore'];
  if (!include && !ignore) return undefined;
  if (changed === undefined) return yes('no comparison base, so path filters do not apply');
  if (include) {
    const hit = changed.find((f) => selectedBy(include, f));
    return hit !== undefined ? yes(`${hit} matches paths ${list(include)}`) : no(`none of ${changed.length} changed files matches paths ${list(include)}`);
  }
  // Stryker disable next-line ConditionalExpression: always true here (one of paths, paths-ignore is set and paths is not)
  if (ignore) {
    const kept = changed.find((f) => !selectedBy(ignore, f));
    return kept !== undefined ? yes(`${kept} is not in paths-ignore`) : no(`all ${changed.length} changed files match paths-ignore ${list(ignore)}`);
  }
  return undefined;
}

function typesFilter(event: string, action: string, filters: TriggerFilters): TriggerDecision | undefined {
  const types = filters.types ?? DEFAULT_TYPES[event];
  if (!types) return undefined;
  return types.includes(action) ? undefined : no(`${event} activity ${action} is not in types ${list(types)}`);
}

function both(ref: TriggerDecision | undefined, paths: TriggerDecision | undefined, fallback: string): TriggerDecision {
  if (ref && !ref.triggered) return ref;
  if (paths && !paths.triggered) return paths;
  const reasons = [ref, paths].filter((d): d is TriggerDecision => d !== undefined).map((d) => d.reason);
  return yes(reasons.length > 0 ? reasons.join('; ') : fallback);
}

export function decideTrigger(triggers: Triggers, event: EventFacts): TriggerDecision {
  const filters = triggers[event.name];
  if (!filters) {
    const on = Object.keys(triggers);
    return no(`no ${event.name} trigger (on: ${on.length > 0 ? on.join(', ') : 'nothing'})`);
  }
  switch (event.name) {
    case 'push': {
      const hasBranchFilter = filters.branches !== undefined || filters['branches-ignore'] !== undefined;
      const hasTagFilter = filters.tags !== undefined || filters['tags-ignore'] !== undefined;
      if (event.ref.startsWith('refs/tags/')) {
        const tag = event.ref.slice('refs/tags/'.length);
        if (!hasTagFilter && hasBranchFilter) return no(`push of tag ${tag}: the push trigger filters branches only`);
        // Path filters are not evaluated for pushes of tags.
        return both(refFilter('tag', tag, filters.tags, filters['tags-ignore']), undefined, `push of tag ${tag}`);
      }
      // Stryker disable next-line Regex: a branch push ref is refs/heads/NAME, so the first refs/heads/ is at the start anyway
      const branch = event.ref.replace(/^refs\/heads\//, '');
      if (!hasBranchFilter && hasTagFilter) return no(`push to branch ${branch}: the push trigger filters tags only`);
      return both(refFilter('branch', branch, filters.branches, filters['branches-ignore']), pathFilter(filters, event.changedFiles), `push to ${branch}`);
    }
    case 'pull_request': {
      const types = typesFilter(event.name, event.action, filters);
      if (types) return types;
      // A pull_request branch filter matches the base (target) branch.
      return both(refFilter('base branch', event.baseRef, filters.branches, filters['branches-ignore']), pathFilter(filters, event.changedFiles), `pull_request ${event.action}`);
    }
    case 'merge_group': {
      const types = typesFilter(event.name, event.action, filters);
      if (types) return types;
      return both(refFilter('base branch', event.baseRef, filters.branches, filters['branches-ignore']), undefined, `merge_group ${event.action}`);
    }
    case 'workflow_dispatch':
      return yes(`workflow_dispatch on ${event.ref}`);
  }
}
