import { describe, expect, it } from 'vitest';
import {
  checkPromotion,
  current,
  earlierRival,
  type DeployPayload,
  type DeploymentRecord,
  parsePayload,
  rollbackCandidates,
  rollbackTarget,
  successes,
  lastDeployOtherThan,
  unfinished,
} from '../../scripts/core/deploy/promotion.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

const D0 = `sha256:${'0'.repeat(64)}`;

const payload: DeployPayload = { service: 'alpha', version: '1.4.0', digest: D1, previousDigest: null, actor: 'octocat', rollback: false };

describe('the payload of a deployment record', () => {
  it.each<[string, unknown, DeployPayload | undefined]>([
    ['an object (as the API returns it)', payload, payload],
    ['a JSON string (as the API may return it)', JSON.stringify(payload), payload],
    ['with a previous digest', { ...payload, previousDigest: D2 }, { ...payload, previousDigest: D2 }],
    ['with extra fields: they are dropped', { ...payload, note: 'x' }, payload],
    ['a rollback (pipeline deploy --rollback)', { ...payload, rollback: true }, { ...payload, rollback: true }],
    ['a record written before rollbacks were marked: not one', { service: 'alpha', version: '1.4.0', digest: D1, previousDigest: null, actor: 'octocat' }, payload],
    ['a rollback mark that is not true: not one', { ...payload, rollback: 'yes' }, payload],
    ['a string that is not JSON', '{service: alpha}', undefined],
    // A record someone wrote by hand through the API: a digest that is no digest (a tag, which moves) is not deployed again.
    ['a digest that is a tag', { ...payload, digest: 'sha-a1503fa' }, undefined],
    ['a previous digest that is no digest', { ...payload, previousDigest: 'main' }, undefined],
    ['a digest with more after it', { ...payload, digest: `${D1}\n::error::x` }, undefined],
    ['a JSON string of an array', JSON.stringify([payload]), undefined],
    ['a list holding the JSON text (only a string is read as JSON)', [JSON.stringify(payload)], undefined],
    ['null', null, undefined],
    ['an empty object (GitHub’s own deployment of a job with environment:)', {}, undefined],
    ['no service', { ...payload, service: undefined }, undefined],
    ['a numeric version', { ...payload, version: 140 }, undefined],
    ['no digest', { ...payload, digest: undefined }, undefined],
    ['no actor', { ...payload, actor: undefined }, undefined],
    ['a numeric previous digest', { ...payload, previousDigest: 1 }, undefined],
    ['no previous digest at all (neither null nor a string)', { service: 'alpha', version: '1.4.0', digest: D1, actor: 'octocat', rollback: false }, undefined],
  ])('%s', (_name, value, expected) => {
    expect(parsePayload(value)).toEqual(expected);
  });
});

function record(id: number, createdAt: string, state: string, digest: string | undefined, from: { previous: string; rollback: boolean } | undefined = undefined): DeploymentRecord {
  return {
    id,
    sha: 'a'.repeat(40),
    environment: 'staging',
    createdAt,
    state,
    payload: digest === undefined ? undefined : { ...payload, digest, ...(from === undefined ? {} : { previousDigest: from.previous, rollback: from.rollback }) },
  };
}

describe('successful deployments, newest first', () => {
  it('keeps success and inactive (a success a newer deploy superseded), with a payload; newest first', () => {
    const records = [
      record(1, '2026-01-01T00:00:00Z', 'success', D1),
      record(2, '2026-01-03T00:00:00Z', 'failure', D2),
      record(3, '2026-01-02T00:00:00Z', 'inactive', D1),
      record(4, '2026-01-04T00:00:00Z', 'in_progress', D3),
      record(5, '2026-01-05T00:00:00Z', 'success', undefined),
      record(6, '2026-01-06T00:00:00Z', '', D3),
      record(7, '2026-01-02T12:00:00Z', 'success', D2),
    ];
    expect(successes(records).map((r) => r.id)).toEqual([7, 3, 1]);
  });

  it('two records created in the same second: the higher id is the newer', () => {
    const records = [record(10, '2026-01-01T00:00:00Z', 'success', D1), record(12, '2026-01-01T00:00:00Z', 'success', D2), record(11, '2026-01-01T00:00:00Z', 'success', D3)];
    expect(successes(records).map((r) => r.id)).toEqual([12, 11, 10]);
  });

  it('the creation time decides, not the id: an older record with a higher id comes after a newer one', () => {
    const records = [record(9, '2026-01-01T00:00:00Z', 'success', D1), record(3, '2026-01-03T00:00:00Z', 'success', D2), record(5, '2026-01-02T00:00:00Z', 'inactive', D3)];
    expect(successes(records).map((r) => r.id)).toEqual([3, 5, 9]);
    expect(successes([...records].reverse()).map((r) => r.id)).toEqual([3, 5, 9]);
  });

  it('does not reorder the records it was given', () => {
    const records = [record(1, '2026-01-01T00:00:00Z', 'success', D1), record(2, '2026-01-02T00:00:00Z', 'success', D2)];
    successes(records);
    expect(records.map((r) => r.id)).toEqual([1, 2]);
  });
});

describe('what runs now, and what a rollback returns to', () => {
  it('nothing deployed: no current, no rollback target', () => {
    expect(current([])).toBeUndefined();
    expect(rollbackTarget([])).toBeUndefined();
    expect(rollbackTarget([record(1, '2026-01-01T00:00:00Z', 'failure', D1)])).toBeUndefined();
  });

  it('the newest success runs; the rollback target is the newest success of another digest', () => {
    const records = [
      record(1, '2026-01-01T00:00:00Z', 'inactive', D1),
      record(2, '2026-01-02T00:00:00Z', 'inactive', D2),
      // D3 deployed twice: going back from it skips its own earlier deploy.
      record(3, '2026-01-03T00:00:00Z', 'inactive', D3),
      record(4, '2026-01-04T00:00:00Z', 'failure', D1),
      record(5, '2026-01-05T00:00:00Z', 'success', D3),
    ];
    expect(current(records)?.id).toBe(5);
    expect(rollbackTarget(records)?.id).toBe(2);
  });

  it('a second rollback goes further back, not forth to the digest the first one left (D0, D1, D2, back to D1, back to D0)', () => {
    const records = [
      record(1, '2026-01-01T00:00:00Z', 'inactive', D0),
      record(2, '2026-01-02T00:00:00Z', 'inactive', D1, { previous: D0, rollback: false }),
      record(3, '2026-01-03T00:00:00Z', 'inactive', D2, { previous: D1, rollback: false }),
      record(4, '2026-01-04T00:00:00Z', 'success', D1, { previous: D2, rollback: true }),
    ];
    expect(rollbackCandidates(records).map((r) => r.payload.digest)).toEqual([D0]);
    expect(rollbackTarget(records)?.id).toBe(1);
  });

  it('a digest deployed forward again after it was rolled back from is a target again', () => {
    const records = [
      record(1, '2026-01-01T00:00:00Z', 'inactive', D1),
      record(2, '2026-01-02T00:00:00Z', 'inactive', D2, { previous: D1, rollback: false }),
      record(3, '2026-01-03T00:00:00Z', 'inactive', D1, { previous: D2, rollback: true }),
      record(4, '2026-01-04T00:00:00Z', 'inactive', D2, { previous: D1, rollback: false }),
      record(5, '2026-01-05T00:00:00Z', 'success', D3, { previous: D2, rollback: false }),
    ];
    // Newest first, each digest once (its newest record): D2 (forward again after its rollback), then D1.
    expect(rollbackCandidates(records).map((r) => [r.id, r.payload.digest])).toEqual([
      [4, D2],
      [3, D1],
    ]);
  });

  it('only one digest ever deployed: nothing to roll back to', () => {
    const records = [record(1, '2026-01-01T00:00:00Z', 'inactive', D1), record(2, '2026-01-02T00:00:00Z', 'success', D1)];
    expect(current(records)?.id).toBe(2);
    expect(rollbackTarget(records)).toBeUndefined();
  });
});

describe('the promotion order', () => {
  it('an environment that requires none accepts any verified digest', () => {
    expect(checkPromotion('staging', undefined, D1, [])).toEqual({ ok: true, detail: 'staging accepts any verified digest' });
  });

  it('accepts a digest that succeeded in the required environment, naming the newest such deployment', () => {
    const staging = [record(1, '2026-01-01T00:00:00Z', 'inactive', D1), record(2, '2026-01-02T00:00:00Z', 'success', D1), record(3, '2026-01-03T00:00:00Z', 'success', D2)];
    expect(checkPromotion('production', 'staging', D1, staging)).toEqual({ ok: true, detail: `${D1} succeeded in staging (deployment 2, 2026-01-02T00:00:00Z)` });
  });

  it('refuses a digest the required environment rolled back from after it succeeded there', () => {
    const staging = [
      record(1, '2026-01-01T00:00:00Z', 'inactive', D1),
      record(2, '2026-01-02T00:00:00Z', 'inactive', D2, { previous: D1, rollback: false }),
      record(3, '2026-01-03T00:00:00Z', 'success', D1, { previous: D2, rollback: true }),
    ];
    expect(checkPromotion('production', 'staging', D2, staging)).toEqual({
      ok: false,
      detail: `production refuses ${D2}: staging rolled back from it (deployment 3, 2026-01-03T00:00:00Z) after it succeeded there`,
    });
    expect(checkPromotion('production', 'staging', D1, staging)).toMatchObject({ ok: true });
  });

  it.each<[string, DeploymentRecord[], string]>([
    [
      'a forward deploy that left it (not a rollback)',
      [record(1, '2026-01-01T00:00:00Z', 'inactive', D1), record(2, '2026-01-02T00:00:00Z', 'success', D2, { previous: D1, rollback: false })],
      D1,
    ],
    [
      'a rollback away from another digest',
      [
        record(1, '2026-01-01T00:00:00Z', 'inactive', D1),
        record(2, '2026-01-02T00:00:00Z', 'inactive', D2, { previous: D1, rollback: false }),
        record(3, '2026-01-03T00:00:00Z', 'inactive', D3, { previous: D2, rollback: false }),
        record(4, '2026-01-04T00:00:00Z', 'success', D2, { previous: D3, rollback: true }),
      ],
      D1,
    ],
    [
      'deployed forward again after the rollback away from it',
      [
        record(1, '2026-01-01T00:00:00Z', 'inactive', D1),
        record(2, '2026-01-02T00:00:00Z', 'inactive', D2, { previous: D1, rollback: false }),
        record(3, '2026-01-03T00:00:00Z', 'inactive', D1, { previous: D2, rollback: true }),
        record(4, '2026-01-04T00:00:00Z', 'success', D2, { previous: D1, rollback: false }),
      ],
      D2,
    ],
    ["GitHub's own deployment (no payload) beside it", [record(1, '2026-01-01T00:00:00Z', 'success', D1), record(2, '2026-01-02T00:00:00Z', 'failure', undefined)], D1],
  ])('accepts a digest after %s', (_, staging, digest) => {
    expect(checkPromotion('production', 'staging', digest, staging)).toMatchObject({ ok: true });
  });

  it('refuses a digest whose newest deployment there ended in error', () => {
    const staging = [record(1, '2026-01-01T00:00:00Z', 'inactive', D1), record(2, '2026-01-02T00:00:00Z', 'error', D1)];
    expect(checkPromotion('production', 'staging', D1, staging)).toEqual({
      ok: false,
      detail: `production refuses ${D1}: its newest staging deployment (2, 2026-01-02T00:00:00Z) ended in error`,
    });
  });

  it('refuses a digest whose newest deployment in the required environment failed, though an earlier one succeeded', () => {
    const staging = [record(1, '2026-01-01T00:00:00Z', 'inactive', D1), record(2, '2026-01-02T00:00:00Z', 'failure', D1), record(3, '2026-01-03T00:00:00Z', 'success', D2)];
    expect(checkPromotion('production', 'staging', D1, staging)).toEqual({
      ok: false,
      detail: `production refuses ${D1}: its newest staging deployment (2, 2026-01-02T00:00:00Z) ended in failure`,
    });
  });

  it('refuses a digest whose deployments there failed or never finished', () => {
    const staging = [record(1, '2026-01-01T00:00:00Z', 'failure', D1), record(2, '2026-01-02T00:00:00Z', 'in_progress', D1), record(3, '2026-01-03T00:00:00Z', 'success', D2)];
    expect(checkPromotion('production', 'staging', D1, staging)).toEqual({
      ok: false,
      detail: `production accepts only a digest with a successful staging deployment; ${D1} has none`,
    });
  });
});

describe('a deploy that has not ended (unfinished)', () => {
  const NOW = Date.parse('2026-01-02T12:00:00Z');
  const BOUND = 30 * 60_000;
  const rec = (id: number, state: string, createdAt: string): DeploymentRecord => ({ id, sha: 'a'.repeat(40), environment: 'staging', createdAt, state, payload });
  it.each<[string, DeploymentRecord[], number | undefined]>([
    ['none: every record ended', [rec(1, 'success', '2026-01-02T11:59:00Z'), rec(2, 'failure', '2026-01-02T11:59:30Z'), rec(3, 'error', '2026-01-02T11:59:40Z')], undefined],
    ['in_progress, a minute old', [rec(1, 'success', '2026-01-02T11:00:00Z'), rec(2, 'in_progress', '2026-01-02T11:59:00Z')], 2],
    ['queued and pending count too', [rec(1, 'queued', '2026-01-02T11:59:00Z'), rec(2, 'pending', '2026-01-02T11:58:00Z')], 1],
    // Its run is between creating it and its first status (milliseconds), or that first status failed to post and
    // the run ended there, changing nothing: counted, it would hold every deploy for the whole bound.
    ['a record with no status (its first one failed to post)', [rec(4, '', '2026-01-02T11:59:59Z')], undefined],
    ['the newest of two', [rec(1, 'in_progress', '2026-01-02T11:50:00Z'), rec(2, 'in_progress', '2026-01-02T11:55:00Z')], 2],
    ['an older one still running behind a newer one that ended', [rec(1, 'in_progress', '2026-01-02T11:50:00Z'), rec(2, 'error', '2026-01-02T11:55:00Z')], 1],
    ['in_progress for just under the bound', [rec(1, 'in_progress', '2026-01-02T11:30:01Z')], 1],
    ['in_progress for the whole bound: its job died', [rec(1, 'in_progress', '2026-01-02T11:30:00Z')], undefined],
    ['inactive (a success a newer one replaced) has ended', [rec(1, 'inactive', '2026-01-02T11:59:00Z')], undefined],
    ['a creation time that cannot be read: taken as not ended', [rec(1, 'in_progress', 'yesterday')], 1],
  ])('%s', (_, records, id) => {
    expect(unfinished(records, NOW, BOUND)?.id).toBe(id);
  });
});

describe('a deploy begun before this one (earlierRival): the later of two overlapping deploys backs off', () => {
  const NOW = Date.parse('2026-01-02T12:00:00Z');
  const BOUND = 30 * 60_000;
  const START = 5_000;
  const OWN = 10;
  const rec = (id: number, state: string, createdAt: string): DeploymentRecord => ({ id, sha: 'a'.repeat(40), environment: 'staging', createdAt, state, payload });
  it.each<[string, DeploymentRecord[], string]>([
    ['nothing before it', [], 'clear'],
    ['an earlier one in progress', [rec(9, 'in_progress', '2026-01-02T11:59:58Z')], 'rival 9'],
    ['a later one in progress (it backs off, not this one)', [rec(11, 'in_progress', '2026-01-02T11:59:59Z')], 'clear'],
    ['its own record is no rival', [rec(OWN, 'in_progress', '2026-01-02T11:59:59Z')], 'clear'],
    ['an earlier one that ended', [rec(9, 'success', '2026-01-02T11:59:58Z'), rec(8, 'failure', '2026-01-02T11:59:50Z')], 'clear'],
    ['an earlier one in progress for the whole bound (its job died)', [rec(9, 'in_progress', '2026-01-02T11:30:00Z')], 'clear'],
    ['an earlier one with no status yet, younger than the start bound: look again', [rec(9, '', '2026-01-02T11:59:56Z')], 'starting 9'],
    ['an earlier one with no status for the start bound (its run stopped there)', [rec(9, '', '2026-01-02T11:59:55Z')], 'clear'],
    ['a rival wins over one starting', [rec(9, '', '2026-01-02T11:59:59Z'), rec(8, 'queued', '2026-01-02T11:59:58Z')], 'rival 8'],
  ])('%s', (_, records, expected) => {
    const check = earlierRival(records, OWN, NOW, BOUND, START);
    expect(check.kind === 'clear' ? 'clear' : `${check.kind} ${check.record.id}`).toBe(expected);
  });
});

describe('the newest deploy, when it is not the success that runs (lastDeployOtherThan)', () => {
  const rec = (id: number, state: string, createdAt: string): DeploymentRecord => ({ id, sha: 'a'.repeat(40), environment: 'staging', createdAt, state, payload });
  it.each<[string, DeploymentRecord[], number | undefined]>([
    ['no records', [], undefined],
    ['the newest is the success that runs', [rec(1, 'failure', '2026-01-01T00:00:00Z'), rec(2, 'success', '2026-01-02T00:00:00Z')], undefined],
    ['a failure after it (unhealthy: rolled back, or the rollback failed too)', [rec(1, 'success', '2026-01-01T00:00:00Z'), rec(2, 'failure', '2026-01-02T00:00:00Z')], 2],
    ['an error after it (the target refused the image)', [rec(1, 'success', '2026-01-01T00:00:00Z'), rec(2, 'error', '2026-01-02T00:00:00Z')], 2],
    ['a deploy in progress', [rec(1, 'success', '2026-01-01T00:00:00Z'), rec(2, 'in_progress', '2026-01-02T00:00:00Z')], 2],
    ['a failed first deploy: nothing runs by the records', [rec(1, 'failure', '2026-01-02T00:00:00Z')], 1],
    ['a record without a status is passed over', [rec(1, 'failure', '2026-01-01T00:00:00Z'), rec(2, '', '2026-01-02T00:00:00Z')], 1],
    ['an inactive success (replaced by a newer one) is no deploy to show', [rec(1, 'inactive', '2026-01-02T00:00:00Z')], undefined],
  ])('%s', (_, records, id) => {
    expect(lastDeployOtherThan(records, current(records))?.id).toBe(id);
  });
});
