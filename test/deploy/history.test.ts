/**
 * How far a deployment history is read (core/deploy/history.ts). A read takes the records newest first,
 * keeps the ones a question wants (each a status request), and stops once the question has enough. For
 * each history here, the answers on what was read equal the answers on the whole history, and the
 * number of records read is what the answer needs.
 */
import { describe, expect, it } from 'vitest';
import { deployQuestion, describeBound, promotionQuestion, type Question, READ_BOUND, statusQuestion } from '../../scripts/core/deploy/history.js';
import { checkPromotion, current, type DeploymentRecord, lastDeployOtherThan, rollbackCandidates, unfinished } from '../../scripts/core/deploy/promotion.js';

const D = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;
const STALE = 30 * MIN;

interface Row {
  readonly state: string;
  /** Minutes before NOW. */
  readonly ago: number;
  readonly digest?: number;
  /** A rollback from this digest. */
  readonly from?: number;
}

/** The history newest first, as GitHub lists it: `rows` are oldest first, ids growing. */
function history(rows: readonly Row[]): DeploymentRecord[] {
  return rows
    .map(
      (r, i): DeploymentRecord => ({
        id: 100 + i,
        sha: 'a'.repeat(40),
        environment: 'staging',
        createdAt: new Date(NOW - r.ago * MIN).toISOString(),
        state: r.state,
        payload:
          r.digest === undefined
            ? undefined
            : {
                service: 'alpha',
                version: '1.0.0',
                digest: D(r.digest),
                previousDigest: r.from === undefined ? null : D(r.from),
                actor: 'octocat',
                rollback: r.from !== undefined,
              },
      }),
    )
    .reverse();
}

/** What a read keeps (io/deployment-history.ts without its bound): the wanted records newest first, until enough. */
function read(all: readonly DeploymentRecord[], question: Question): DeploymentRecord[] {
  const out: DeploymentRecord[] = [];
  for (const r of all) {
    if (question.enough(out)) break;
    if (question.wants(r)) out.push(r);
  }
  return out;
}

const day = (n: number) => n * 24 * 60;
const ok = (ago: number, digest: number, from?: number): Row => ({ state: 'success', ago, digest, ...(from === undefined ? {} : { from }) });
const old = (ago: number, digest: number, from?: number): Row => ({ ...ok(ago, digest, from), state: 'inactive' });
const failed = (ago: number, digest: number): Row => ({ state: 'failure', ago, digest });
const running = (ago: number, digest: number): Row => ({ state: 'in_progress', ago, digest });
/** A long history behind: 200 superseded deploys of digests 10… */
const past = (from: number) => Array.from({ length: 200 }, (_, i) => old(from + day(200 - i), 10 + i));

describe("a deploy's reads: what runs, a deploy not ended, a rollback's candidates", () => {
  it.each<[string, Row[], number, number]>([
    ['no records: nothing to read', [], 0, 0],
    ['the newest is the success that runs, a day old', [...past(day(2)), ok(day(1), 1)], 0, 1],
    ['a rollback: the one before it too', [...past(day(3)), old(day(2), 2), ok(day(1), 1)], 1, 2],
    ['a rollback past a digest already gone back from: the digest it went back to, then one more', [...past(day(5)), old(day(4), 3), old(day(3), 4), ok(day(2), 3, 4)], 1, 4],
    ['failed deploys since the success: read through them', [...past(day(4)), ok(day(3), 1), failed(day(2), 2), failed(day(1), 3)], 0, 3],
    ['a deploy started 5 min ago: read past it to a record 30 min old', [...past(day(2)), ok(40, 1), running(5, 2)], 0, 2],
    ['records of the last 30 min are all read, even after the success', [...past(day(2)), old(45, 1), ok(20, 2), failed(10, 3), ok(5, 4)], 0, 4],
    ['a record without payload counts for a deploy not ended', [...past(day(2)), ok(day(1), 1), { state: 'in_progress', ago: 3 }], 0, 2],
    ['never a success: the whole history', [failed(day(3), 1), failed(day(2), 2), failed(day(1), 3)], 0, 3],
  ])('%s', (_name, rows, candidates, reads) => {
    const all = history(rows);
    const got = read(all, deployQuestion(NOW, STALE, candidates));
    expect(got).toHaveLength(reads);
    expect(current(got)).toEqual(current(all));
    expect(unfinished(got, NOW, STALE)).toEqual(unfinished(all, NOW, STALE));
    expect(rollbackCandidates(got).slice(0, candidates)).toEqual(rollbackCandidates(all).slice(0, candidates));
  });

  it('a record whose time cannot be read does not end the read: the next one does', () => {
    const all = history([...past(day(3)), ok(day(2), 1), ok(day(1), 2)]);
    const broken = all.map((r, i) => (i === 0 ? { ...r, createdAt: 'yesterday' } : r));
    expect(read(broken, deployQuestion(NOW, STALE))).toHaveLength(2);
  });

  it('asked for more candidates, a read goes on: each candidate needs only what is older than the last', () => {
    const all = history([...past(day(6)), old(day(5), 4), old(day(4), 3), old(day(3), 2), ok(day(2), 1)]);
    expect([1, 2, 3].map((n) => read(all, deployQuestion(NOW, STALE, n)).length)).toEqual([2, 3, 4]);
    expect(rollbackCandidates(read(all, deployQuestion(NOW, STALE, 3))).map((r) => r.payload.digest)).toEqual([D(2), D(3), D(4)]);
  });
});

describe('the promotion check reads only the records of the digest, down to its newest success there', () => {
  it.each<[string, Row[], number, number]>([
    ['it succeeded there long ago, 200 other deploys since', [old(day(300), 1), ...past(day(1))], 1, 1],
    ['it failed there after it succeeded', [...past(day(10)), old(day(3), 1), old(day(2), 2), failed(day(1), 1)], 1, 2],
    ['it was rolled back from there', [...past(day(10)), old(day(3), 2), old(day(2), 1), ok(day(1), 2, 1)], 1, 2],
    ['a rollback from another digest is not read', [...past(day(10)), old(day(3), 1), old(day(2), 2), ok(day(1), 3, 2)], 1, 1],
    ['it never ran there: every record looked at, none read', past(day(1)), 1, 0],
    ['it ran there and did not end (no success): read on to the end', [...past(day(10)), running(day(1), 1)], 1, 1],
  ])('%s', (_name, rows, digest, reads) => {
    const all = history(rows);
    const got = read(all, promotionQuestion(D(digest)));
    expect(got).toHaveLength(reads);
    expect(checkPromotion('production', 'staging', D(digest), got)).toEqual(checkPromotion('production', 'staging', D(digest), all));
  });

  it('a read stopped at the bound says what it looked at and how to fix it', () => {
    const bounded = describeBound({ records: [], stop: 'bound', lookedAt: READ_BOUND.records, statuses: 0 });
    expect(checkPromotion('production', 'staging', D(1), [], bounded)).toEqual({
      ok: false,
      detail: `production accepts only a digest with a successful staging deployment; ${D(1)} has none among the newest 1000 deployment records (the bound of 1000 records); deploy it to staging again`,
    });
  });
});

describe('deploy status reads down to what runs and the newest record with a status', () => {
  it.each<[string, Row[], number]>([
    ['the newest is the success that runs', [...past(day(2)), ok(day(1), 1)], 1],
    ['a failed deploy since: shown beside it', [...past(day(3)), ok(day(2), 1), failed(day(1), 2)], 2],
    ['a record with no status since (its first status failed to post): passed over', [...past(day(3)), ok(day(2), 1), { state: '', ago: day(1), digest: 2 }], 2],
    ['nothing ever succeeded', [failed(day(2), 1), failed(day(1), 2)], 2],
  ])('%s', (_name, rows, reads) => {
    const all = history(rows);
    const got = read(all, statusQuestion);
    expect(got).toHaveLength(reads);
    expect(current(got)).toEqual(current(all));
    expect(lastDeployOtherThan(got, current(got))).toEqual(lastDeployOtherThan(all, current(all)));
  });
});

describe('the words for a read the bound stopped', () => {
  it.each<[string, number, number, string]>([
    ['the records', READ_BOUND.records, 3, 'the newest 1000 deployment records (the bound of 1000 records)'],
    ['the statuses', 140, READ_BOUND.statuses, 'the newest 140 deployment records (the bound of 100 statuses read)'],
  ])('%s', (_name, lookedAt, statuses, words) => {
    expect(describeBound({ records: [], stop: 'bound', lookedAt, statuses })).toBe(words);
  });
});
