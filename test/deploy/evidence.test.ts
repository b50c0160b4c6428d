import { describe, expect, it } from 'vitest';
import {
  checkEvidence,
  type EvidenceCheck,
  type EvidenceInput,
  isRemote,
  normalizeRepositoryUrl,
  type ProvenanceFacts,
  provenanceFacts,
} from '../../scripts/core/deploy/evidence.js';

const BUILDKIT = 'https://mobyproject.org/buildkit@v1#metadata';
const REV = 'c0ffee'.padEnd(40, '0');
const OTHER_REV = 'dead'.padEnd(40, '0');
const MANIFEST = `sha256:${'a'.repeat(64)}`;
const OTHER_MANIFEST = `sha256:${'b'.repeat(64)}`;

describe('the facts of a provenance statement', () => {
  // BuildKit's SLSA v0.2 provenance: predicate.metadata[<buildkit>].vcs.
  const v02 = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: 'pkg:docker/x', digest: { sha256: 'a'.repeat(64) } }],
    predicate: { builder: { id: '' }, metadata: { [BUILDKIT]: { vcs: { revision: REV, source: 'https://github.com/acme/shop.git' } } } },
  };
  // SLSA v1: predicate.runDetails.metadata[<buildkit>].vcs.
  const v1 = {
    _type: 'https://in-toto.io/Statement/v1',
    predicateType: 'https://slsa.dev/provenance/v1',
    subject: [{ digest: { sha256: 'a'.repeat(64) } }, { digest: { sha256: 'b'.repeat(64) } }],
    predicate: { buildDefinition: {}, runDetails: { metadata: { [BUILDKIT]: { vcs: { revision: REV } } } } },
  };

  it.each<[string, unknown, ProvenanceFacts | string]>([
    ['v0.2', v02, { predicateType: 'https://slsa.dev/provenance/v0.2', revision: REV, source: 'https://github.com/acme/shop.git', subjects: [MANIFEST] }],
    ['v1, every subject, no source', v1, { predicateType: 'https://slsa.dev/provenance/v1', revision: REV, source: undefined, subjects: [MANIFEST, OTHER_MANIFEST] }],
    [
      'subjects without a sha256 digest are skipped',
      { ...v1, subject: [{ digest: { sha512: 'f' } }, 'sha256:x', { digest: 'sha256:x' }, { digest: { sha256: 7 } }, { digest: { sha256: 'b'.repeat(64) } }] },
      { predicateType: 'https://slsa.dev/provenance/v1', revision: REV, source: undefined, subjects: [OTHER_MANIFEST] },
    ],
    [
      'subjects that are null or have a null digest are skipped',
      { ...v1, subject: [null, { digest: null }, { digest: { sha256: 'b'.repeat(64) } }] },
      { predicateType: 'https://slsa.dev/provenance/v1', revision: REV, source: undefined, subjects: [OTHER_MANIFEST] },
    ],
    [
      'a subject that is not a list',
      { ...v1, subject: { digest: { sha256: 'a'.repeat(64) } } },
      { predicateType: 'https://slsa.dev/provenance/v1', revision: REV, source: undefined, subjects: [] },
    ],
    [
      'no predicate',
      { predicateType: 'https://slsa.dev/provenance/v1', subject: [] },
      { predicateType: 'https://slsa.dev/provenance/v1', revision: undefined, source: undefined, subjects: [] },
    ],
    [
      'a predicate that is a list',
      { ...v1, predicate: [v1.predicate] },
      { predicateType: 'https://slsa.dev/provenance/v1', revision: undefined, source: undefined, subjects: [MANIFEST, OTHER_MANIFEST] },
    ],
    [
      'runDetails that is not an object',
      { ...v1, predicate: { runDetails: 'x' } },
      { predicateType: 'https://slsa.dev/provenance/v1', revision: undefined, source: undefined, subjects: [MANIFEST, OTHER_MANIFEST] },
    ],
    [
      'metadata of another builder only',
      { ...v02, predicate: { metadata: { 'https://example.com/other': { vcs: { revision: REV } } } } },
      { predicateType: 'https://slsa.dev/provenance/v0.2', revision: undefined, source: undefined, subjects: [MANIFEST] },
    ],
    [
      'buildkit metadata that is not an object',
      { ...v02, predicate: { metadata: { [BUILDKIT]: [REV] } } },
      { predicateType: 'https://slsa.dev/provenance/v0.2', revision: undefined, source: undefined, subjects: [MANIFEST] },
    ],
    [
      'vcs that is not an object',
      { ...v02, predicate: { metadata: { [BUILDKIT]: { vcs: REV } } } },
      { predicateType: 'https://slsa.dev/provenance/v0.2', revision: undefined, source: undefined, subjects: [MANIFEST] },
    ],
    [
      'a revision and source that are not strings',
      { ...v02, predicate: { metadata: { [BUILDKIT]: { vcs: { revision: 1, source: ['https://github.com/acme/shop'] } } } } },
      { predicateType: 'https://slsa.dev/provenance/v0.2', revision: undefined, source: undefined, subjects: [MANIFEST] },
    ],
    ['not an object: null', null, 'the attestation is not a JSON object'],
    ['not an object: a list', [v02], 'the attestation is not a JSON object'],
    ['not an object: a string', JSON.stringify(v02), 'the attestation is not a JSON object'],
    ['no predicate type', { subject: [] }, 'not an SLSA provenance statement (undefined)'],
    ['an SBOM', { predicateType: 'https://spdx.dev/Document', subject: [] }, 'not an SLSA provenance statement ("https://spdx.dev/Document")'],
    [
      'a predicate type that only contains the SLSA one',
      { predicateType: 'x-https://slsa.dev/provenance/v1' },
      'not an SLSA provenance statement ("x-https://slsa.dev/provenance/v1")',
    ],
    ['a numeric predicate type', { predicateType: 2 }, 'not an SLSA provenance statement (2)'],
  ])('%s', (_name, statement, expected) => {
    expect(provenanceFacts(statement)).toEqual(expected);
  });
});

describe('a repository URL, normalized for comparison', () => {
  it.each([
    ['https://github.com/acme/shop', 'github.com/acme/shop'],
    ['https://github.com/acme/shop.git', 'github.com/acme/shop'],
    ['https://github.com/acme/shop/', 'github.com/acme/shop'],
    ['https://github.com/acme/shop//', 'github.com/acme/shop'],
    ['HTTPS://GitHub.com/Acme/Shop', 'github.com/acme/shop'],
    ['  https://github.com/acme/shop\n', 'github.com/acme/shop'],
    ['https://x-access-token:ghs_x@github.com/acme/shop.git', 'github.com/acme/shop'],
    ['ssh://git@github.com/acme/shop', 'github.com/acme/shop'],
    ['git+https://github.com/acme/shop.git', 'github.com/acme/shop'],
    ['git@github.com:acme/shop.git', 'github.com/acme/shop'],
    ['git@github.com:acme/shop', 'github.com/acme/shop'],
    // Only a leading user@ is taken off, not one further along the path.
    ['https://github.com/acme/a@b', 'github.com/acme/a@b'],
    // An ssh:// URL with a port keeps host:port (only an scp-like address at the start is rewritten).
    ['ssh://git@github.com:22/acme/shop.git', 'github.com:22/acme/shop'],
    // Only a scheme at the start is taken off: a URL further along the path stays whole.
    ['git@mirror.example.com:copies/https://github.com/acme/shop', 'mirror.example.com/copies/https://github.com/acme/shop'],
    // `.git` only as a suffix.
    ['https://github.com/acme/shop.github.io', 'github.com/acme/shop.github.io'],
    ['https://github.com/acme/shop.gitx', 'github.com/acme/shop.gitx'],
  ])('%j → %s', (url, normalized) => {
    expect(normalizeRepositoryUrl(url)).toBe(normalized);
  });
});

describe('which provenance sources are remotes (compared with the repository)', () => {
  it.each([
    ['https://github.com/acme/shop', true],
    ['HTTPS://github.com/acme/shop', true],
    ['git+ssh://git@github.com/acme/shop', true],
    ['git@github.com:acme/shop.git', true],
    ['deploy.bot@git.example.com:acme/shop', true],
    ['/work/main', false],
    ['../shop', false],
    ['shop', false],
    ['C:/work/shop', false],
    ['1http://github.com/acme/shop', false],
    ['github.com:acme/shop', false],
    ['/srv/git@host:x', false],
    ['git @github.com:acme/shop', false],
    ['git@github.com/acme:shop', false],
    ['@github.com:acme/shop', false],
  ])('%j → %s', (source, remote) => {
    expect(isRemote(source)).toBe(remote);
  });
});

describe('the evidence checks of a deploy plan', () => {
  const facts: ProvenanceFacts = {
    predicateType: 'https://slsa.dev/provenance/v1',
    revision: REV,
    source: 'https://github.com/acme/shop.git',
    subjects: [OTHER_MANIFEST, MANIFEST],
  };
  const input: EvidenceInput = {
    digest: `sha256:${'c'.repeat(64)}`,
    manifest: MANIFEST,
    revision: REV,
    revisionKnown: true,
    provenance: facts,
    repositoryUrl: 'https://github.com/acme/shop',
    quarantined: undefined,
  };
  const labelOk: EvidenceCheck = { check: 'revision-label', ok: true, detail: `revision ${REV} is a commit of this repository` };
  const notQuarantined: EvidenceCheck = { check: 'not-quarantined', ok: true, detail: 'not quarantined' };
  const provenance = (ok: boolean, detail: string): EvidenceCheck => ({ check: 'provenance', ok, detail });

  it('everything holds: three passing checks, each saying what it saw', () => {
    expect(checkEvidence(input)).toEqual([labelOk, provenance(true, `https://slsa.dev/provenance/v1: built at ${REV} from https://github.com/acme/shop.git`), notQuarantined]);
  });

  it.each<[string, Partial<EvidenceInput>, EvidenceCheck]>([
    [
      'the same repository written as an SSH remote',
      { provenance: { ...facts, source: 'git@github.com:Acme/shop.git' } },
      provenance(true, `https://slsa.dev/provenance/v1: built at ${REV} from git@github.com:Acme/shop.git`),
    ],
    ['no recorded source', { provenance: { ...facts, source: undefined } }, provenance(true, `https://slsa.dev/provenance/v1: built at ${REV}`)],
    [
      "a local clone's path as source",
      { provenance: { ...facts, source: '/home/ci/shop' } },
      provenance(true, `https://slsa.dev/provenance/v1: built at ${REV} from a local clone (/home/ci/shop; a path is not compared with https://github.com/acme/shop)`),
    ],
    ['no attestation', { provenance: undefined }, provenance(false, 'the image has no provenance attestation (CI pushes it with provenance mode=max)')],
    [
      'an attestation without facts',
      { provenance: 'not an SLSA provenance statement ("https://spdx.dev/Document")' },
      provenance(false, 'not an SLSA provenance statement ("https://spdx.dev/Document")'),
    ],
    [
      'about another manifest',
      { provenance: { ...facts, subjects: [OTHER_MANIFEST] } },
      provenance(false, `the provenance is about ${OTHER_MANIFEST}, not the image manifest ${MANIFEST}`),
    ],
    [
      'about several other manifests',
      { provenance: { ...facts, subjects: [OTHER_MANIFEST, input.digest] } },
      provenance(false, `the provenance is about ${OTHER_MANIFEST}, ${input.digest}, not the image manifest ${MANIFEST}`),
    ],
    ['about nothing', { provenance: { ...facts, subjects: [] } }, provenance(false, `the provenance is about nothing, not the image manifest ${MANIFEST}`)],
    [
      'built at no recorded commit',
      { provenance: { ...facts, revision: undefined } },
      provenance(false, `the provenance says it was built at no recorded commit, not at the labelled revision ${REV}`),
    ],
    [
      'built at another commit',
      { provenance: { ...facts, revision: OTHER_REV } },
      provenance(false, `the provenance says it was built at ${OTHER_REV}, not at the labelled revision ${REV}`),
    ],
    [
      'built from another repository',
      { provenance: { ...facts, source: 'https://github.com/mallory/shop' } },
      provenance(false, 'the provenance says it was built from https://github.com/mallory/shop, not https://github.com/acme/shop'),
    ],
  ])('provenance: %s', (_name, change, check) => {
    expect(checkEvidence({ ...input, ...change })).toEqual([labelOk, check, notQuarantined]);
  });

  it('an image without a revision label fails the label check, and its provenance cannot match it', () => {
    expect(checkEvidence({ ...input, revision: undefined })).toEqual([
      { check: 'revision-label', ok: false, detail: 'the image has no org.opencontainers.image.revision label' },
      provenance(false, `the provenance says it was built at ${REV}, not at the labelled revision (none)`),
      notQuarantined,
    ]);
  });

  it('neither a label nor a provenance revision: still no match', () => {
    expect(checkEvidence({ ...input, revision: undefined, provenance: { ...facts, revision: undefined } })[1]).toEqual(
      provenance(false, 'the provenance says it was built at no recorded commit, not at the labelled revision (none)'),
    );
  });

  it('a revision that is not a commit of this repository fails the label check', () => {
    expect(checkEvidence({ ...input, revisionKnown: false })[0]).toEqual({ check: 'revision-label', ok: false, detail: `revision ${REV} is not a commit of this repository` });
  });

  it('a quarantined digest fails, with the reason', () => {
    expect(checkEvidence({ ...input, quarantined: { reason: 'leaks memory' } })[2]).toEqual({ check: 'not-quarantined', ok: false, detail: 'quarantined: leaks memory' });
  });
});
