/**
 * The promotion order and what runs where, over deployment records read from the Deployments API.
 * One record per deploy: task `deploy:<service>`, payload {service, version, digest, previousDigest,
 * actor, rollback}, its statuses. GitHub's own deployment for a job with `environment:` (task `deploy`) carries
 * none of it and is never read.
 */
import { isRecord } from '../json.js';
import { SHA256_DIGEST } from '../images/oci.js';

export interface DeploymentRecord {
  readonly id: number;
  /** The commit the deployment names (the image's revision). */
  readonly sha: string;
  readonly environment: string;
  readonly createdAt: string;
  /** The latest status's state: `success`, `failure`, `in_progress`, `inactive`, … ('' when none). */
  readonly state: string;
  readonly payload: DeployPayload | undefined;
}

export interface DeployPayload {
  readonly service: string;
  readonly version: string;
  readonly digest: string;
  readonly previousDigest: string | null;
  readonly actor: string;
  /** A `pipeline deploy --rollback` (false for a record written before rollbacks were marked). */
  readonly rollback: boolean;
}

export function parsePayload(value: unknown): DeployPayload | undefined {
  let json = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      // Not JSON: the text stays, and a text is no payload (below).
    }
  }
  if (!isRecord(json)) return undefined;
  const { service, version, digest, previousDigest, actor, rollback } = json;
  if (typeof service !== 'string' || typeof version !== 'string' || typeof digest !== 'string' || typeof actor !== 'string') return undefined;
  if (previousDigest !== null && typeof previousDigest !== 'string') return undefined;
  // What a rollback deploys again: only a digest (a tag would move under it).
  if (!SHA256_DIGEST.test(digest) || (previousDigest !== null && !SHA256_DIGEST.test(previousDigest))) return undefined;
  return { service, version, digest, previousDigest, actor, rollback: rollback === true };
}

/** A deployment that succeeded, with the payload that says what it deployed. */
export type Success = DeploymentRecord & { readonly payload: DeployPayload };

/** The deployments that succeeded (a success later marked inactive by a newer one counts: it ran), newest first. */
export function successes(records: readonly DeploymentRecord[]): Success[] {
  return records.filter((r): r is Success => (r.state === 'success' || r.state === 'inactive') && r.payload !== undefined).sort(newestFirst);
}

/** Newest first: by creation time, then by id (ids grow). */
function newestFirst(a: DeploymentRecord, b: DeploymentRecord): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id;
}

/** What runs in the environment now: the newest successful deployment. */
export function current(records: readonly DeploymentRecord[]): Success | undefined {
  return successes(records)[0];
}

/**
 * What a rollback may return to, best first: the successful deployments before the current one, newest
 * first, each digest once, without the current digest and without a digest a rollback went back from
 * after it last ran (so a second rollback goes further back instead of forth again). The command skips
 * a quarantined one.
 */
export function rollbackCandidates(records: readonly DeploymentRecord[]): Success[] {
  const skip = new Set<string | null>();
  const out: Success[] = [];
  successes(records).forEach((r, i) => {
    // The current one (the newest) is none; each digest counts once, at its newest record.
    if (i > 0 && !skip.has(r.payload.digest)) out.push(r);
    skip.add(r.payload.digest);
    // Older than a rollback, the digest it went back from is not returned to.
    if (r.payload.rollback) skip.add(r.payload.previousDigest);
  });
  return out;
}

/** The rollback target: the first of rollbackCandidates. */
export function rollbackTarget(records: readonly DeploymentRecord[]): Success | undefined {
  return rollbackCandidates(records)[0];
}

export type PromotionCheck = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly detail: string };

/**
 * An environment that requires another accepts only a digest that succeeded there, and whose newest
 * deployment there did not fail since, nor was rolled back from. `bounded` says what was looked at when
 * the read of `required` stopped at its bound (history.ts): an older success is not counted.
 */
export function checkPromotion(environment: string, requires: string | undefined, digest: string, required: readonly DeploymentRecord[], bounded?: string): PromotionCheck {
  if (requires === undefined) return { ok: true, detail: `${environment} accepts any verified digest` };
  const all = successes(required);
  const ran = all.find((r) => r.payload.digest === digest);
  if (ran === undefined) {
    const none = bounded === undefined ? 'has none' : `has none among ${bounded}; deploy it to ${requires} again`;
    return { ok: false, detail: `${environment} accepts only a digest with a successful ${requires} deployment; ${digest} ${none}` };
  }
  // `ran` is among them, so there is a newest.
  const newest = required.filter((r) => r.payload?.digest === digest).sort(newestFirst)[0] ?? ran;
  if (newest.state === 'failure' || newest.state === 'error') {
    return { ok: false, detail: `${environment} refuses ${digest}: its newest ${requires} deployment (${newest.id}, ${newest.createdAt}) ended in ${newest.state}` };
  }
  // Stryker disable next-line EqualityOperator: equivalent: a rollback record goes to another digest, so it is never `ran` and the order of two records is never 0
  const back = all.find((r) => r.payload.rollback && r.payload.previousDigest === digest && newestFirst(r, ran) < 0);
  if (back !== undefined) {
    return { ok: false, detail: `${environment} refuses ${digest}: ${requires} rolled back from it (deployment ${back.id}, ${back.createdAt}) after it succeeded there` };
  }
  return { ok: true, detail: `${digest} succeeded in ${requires} (deployment ${ran.id}, ${ran.createdAt})` };
}

/**
 * The states of a deploy that has not ended: GitHub's queued, pending and in_progress. Not a record with
 * no status: its run posts in_progress right after creating it, and when that post failed the run ended
 * there having changed nothing (counted, it would hold every deploy for the whole bound).
 */
const NOT_ENDED: ReadonlySet<string> = new Set(['queued', 'pending', 'in_progress']);

/**
 * A deploy to this environment that has not ended and may still run (the newest such record): two
 * deploys at once would change the target in turn and leave records that disagree with what runs.
 * One made `staleAfterMs` or more before `now` is over whatever it says (its job died before it could
 * say so). A record whose creation time cannot be read is taken as not ended.
 */
export function unfinished(records: readonly DeploymentRecord[], now: number, staleAfterMs: number): DeploymentRecord | undefined {
  return records.filter((r) => NOT_ENDED.has(r.state) && !(now - Date.parse(r.createdAt) >= staleAfterMs)).sort(newestFirst)[0];
}

/** What a deploy finds of the deploys begun before its own record (earlierRival). */
export type RivalCheck =
  | { readonly kind: 'clear' }
  /** One that has not ended: this deploy backs off. */
  | { readonly kind: 'rival'; readonly record: DeploymentRecord }
  /** One with no status yet, younger than the start bound: look again shortly. */
  | { readonly kind: 'starting'; readonly record: DeploymentRecord };

/**
 * The deploys begun before deploy `own` (lower ids were made first): the plan's read of the records and a
 * deploy's own record are apart by the time the plan took, so two deploys can both pass the check before
 * either has a record. Each looks again once its record is in progress, and the later one backs off: of
 * two overlapping deploys exactly one goes on. A record with no status yet is `starting` while it is
 * younger than `startMs` (its run is between creating it and posting in_progress); older, its run stopped
 * there (unfinished() does not count it either).
 */
export function earlierRival(records: readonly DeploymentRecord[], own: number, now: number, staleAfterMs: number, startMs: number): RivalCheck {
  const before = records.filter((r) => r.id < own);
  const rival = unfinished(before, now, staleAfterMs);
  if (rival !== undefined) return { kind: 'rival', record: rival };
  const starting = before.find((r) => r.state === '' && !(now - Date.parse(r.createdAt) >= startMs));
  return starting === undefined ? { kind: 'clear' } : { kind: 'starting', record: starting };
}

/**
 * The newest deploy to the environment when it is not the success that runs: one that failed or was
 * refused by the target, or one that has not ended. What runs then may not be what the records' last
 * success says (a rollback that failed too), so `deploy status` shows it beside it. Undefined when the
 * newest record is that success, or has no status.
 */
export function lastDeployOtherThan(records: readonly DeploymentRecord[], running: DeploymentRecord | undefined): DeploymentRecord | undefined {
  const newest = records.filter((r) => r.state !== '').sort(newestFirst)[0];
  return newest === undefined || newest.id === running?.id || newest.state === 'success' || newest.state === 'inactive' ? undefined : newest;
}
