/**
 * How far a deployment history is read. GitHub lists a task's deployments newest first, a page of 100
 * records a request, but a REST deployment carries no state: each record's latest status is a request of
 * its own, and a workflow's GITHUB_TOKEN has 1,000 requests an hour per repository. So a history is read
 * newest first, a record's status only when the answer depends on it (`wants`), and only until the
 * records read answer the question (`enough`): older records cannot change it. `READ_BOUND` caps what
 * one read looks at when they never do.
 */
import { current, type DeploymentRecord, rollbackCandidates, successes } from './promotion.js';

/** A record as GitHub lists it: all but its state, which is one request more. */
export type ListedDeployment = Omit<DeploymentRecord, 'state'>;

/** What a caller asks of one task's records in one environment, newest first. */
export interface Question {
  /** Whether the record's state can change the answer: only those are read (and kept). */
  readonly wants: (record: ListedDeployment) => boolean;
  /** Whether the records read so far (newest first, each wanted one with its state) answer it. */
  readonly enough: (records: readonly DeploymentRecord[]) => boolean;
}

/**
 * At most this many records are looked at (10 pages) and this many statuses read, per task and
 * environment and command run: 110 requests, for a history that never answers (a hundred failed deploys
 * in a row). An answer usually takes one page and one to three statuses.
 */
export const READ_BOUND = { records: 1000, statuses: 100 } as const;

/** Why a read stopped: it had its answer, the history ended, or it reached `READ_BOUND`. */
export type ReadStop = 'enough' | 'end' | 'bound';

export interface HistoryRead {
  /** The wanted records read, newest first, each with its state. */
  readonly records: readonly DeploymentRecord[];
  readonly stop: ReadStop;
  /** How many records were looked at (wanted or not). */
  readonly lookedAt: number;
  /** How many statuses were read. */
  readonly statuses: number;
}

/** The words for a read the bound stopped: what was looked at, for a message that says the answer may be older. */
export function describeBound(read: HistoryRead): string {
  const why = read.statuses >= READ_BOUND.statuses ? `the bound of ${READ_BOUND.statuses} statuses read` : `the bound of ${READ_BOUND.records} records`;
  return `the newest ${read.lookedAt} deployment records (${why})`;
}

const everyRecord = (): boolean => true;

/**
 * Whether a read has gone past the records made within `staleAfterMs` of `now`: its oldest record is older
 * (the list is newest first, so the rest are too). A time that cannot be read is taken as recent
 * (unfinished() takes such a record as not ended).
 */
function pastRecent(records: readonly DeploymentRecord[], now: number, staleAfterMs: number): boolean {
  const oldest = records.at(-1);
  return oldest !== undefined && now - Date.parse(oldest.createdAt) >= staleAfterMs;
}

/**
 * What a deploy to the environment needs of its records: what runs now (the newest success), whether
 * another deploy there has not ended (the records made within `staleAfterMs` of `now`: the list is
 * newest first, so once one is older, the rest are too), and, for a rollback, `candidates` of them.
 */
export function deployQuestion(now: number, staleAfterMs: number, candidates = 0): Question {
  return {
    wants: everyRecord,
    enough: (records) => current(records) !== undefined && pastRecent(records, now, staleAfterMs) && rollbackCandidates(records).length >= candidates,
  };
}

/**
 * What a deploy asks once its own record `own` is in progress (earlierRival): the records made before it,
 * down to the first one older than `staleAfterMs` (the list is newest first, so the rest are older too).
 */
export function rivalQuestion(own: number, now: number, staleAfterMs: number): Question {
  return {
    wants: (r) => r.id < own,
    enough: (records) => pastRecent(records, now, staleAfterMs),
  };
}

/**
 * What the promotion check needs of the required environment's records: only those of the digest, and
 * the rollbacks from it, down to its newest success there (checkPromotion looks at nothing older).
 */
export function promotionQuestion(digest: string): Question {
  return {
    wants: (r) => r.payload !== undefined && (r.payload.digest === digest || (r.payload.rollback && r.payload.previousDigest === digest)),
    enough: (records) => successes(records).some((r) => r.payload.digest === digest),
  };
}

/** What `deploy status` shows: what runs (the newest success) and the newest record with a status. */
export const statusQuestion: Question = {
  wants: everyRecord,
  enough: (records) => current(records) !== undefined && records.some((r) => r.state !== ''),
};
