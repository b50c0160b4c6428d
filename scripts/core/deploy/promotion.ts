/**
 * The promotion order and what runs where, over deployment records read from the Deployments API.
 * One record per deploy: task `deploy:<service>`, payload {service, version, digest, previousDigest,
 * actor}, its statuses. GitHub's own deployment for a job with `environment:` (task `deploy`) carries
 * none of it and is never read.
 */
import { isRecord } from '../json.js';

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
  const { service, version, digest, previousDigest, actor } = json;
  if (typeof service !== 'string' || typeof version !== 'string' || typeof digest !== 'string' || typeof actor !== 'string') return undefined;
  if (previousDigest !== null && typeof previousDigest !== 'string') return undefined;
  return { service, version, digest, previousDigest, actor };
}

/** A deployment that succeeded, with the payload that says what it deployed. */
export type Success = DeploymentRecord & { readonly payload: DeployPayload };

/** The deployments that succeeded (a success later marked inactive by a newer one counts: it ran), newest first. */
export function successes(records: readonly DeploymentRecord[]): Success[] {
  return records
    .filter((r): r is Success => (r.state === 'success' || r.state === 'inactive') && r.payload !== undefined)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id));
}

/** What runs in the environment now: the newest successful deployment. */
export function current(records: readonly DeploymentRecord[]): Success | undefined {
  return successes(records)[0];
}

/** The rollback target: the newest successful deployment whose digest is not the current one. */
export function rollbackTarget(records: readonly DeploymentRecord[]): Success | undefined {
  const [now, ...before] = successes(records);
  // Stryker disable next-line OptionalChaining: with no success (now undefined) nothing is before it, so the callback never runs
  return before.find((r) => r.payload.digest !== now?.payload.digest);
}

export type PromotionCheck = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly detail: string };

/** An environment that requires another accepts only a digest that succeeded there. */
export function checkPromotion(environment: string, requires: string | undefined, digest: string, required: readonly DeploymentRecord[]): PromotionCheck {
  if (requires === undefined) return { ok: true, detail: `${environment} accepts any verified digest` };
  const ran = successes(required).find((r) => r.payload.digest === digest);
  return ran === undefined
    ? { ok: false, detail: `${environment} accepts only a digest with a successful ${requires} deployment; ${digest} has none` }
    : { ok: true, detail: `${digest} succeeded in ${requires} (deployment ${ran.id}, ${ran.createdAt})` };
}
