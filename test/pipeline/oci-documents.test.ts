/**
 * Registry documents read as the OCI image spec and Docker's manifest v2 define them
 * (scripts/core/images/oci.ts): an index and its platform and attestation manifests, an image
 * manifest's config and layers, an image config's labels.
 */
import { describe, expect, test } from 'vitest';
import {
  attestationManifests,
  configLabels,
  type Descriptor,
  IMAGE_MANIFEST_TYPES,
  INDEX_TYPES,
  parseRegistryDocument,
  platformManifests,
  type RegistryDocument,
  REVISION_LABEL,
  SHA256_DIGEST,
  SOURCE_LABEL,
} from '../../scripts/core/images/oci.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('constants', () => {
  test('the media types of an index and of an image manifest, OCI and Docker v2', () => {
    expect([...INDEX_TYPES].sort()).toEqual([DOCKER_LIST, OCI_INDEX].sort());
    expect([...IMAGE_MANIFEST_TYPES].sort()).toEqual([DOCKER_MANIFEST, OCI_MANIFEST].sort());
    expect(REVISION_LABEL).toBe('org.opencontainers.image.revision');
    expect(SOURCE_LABEL).toBe('org.opencontainers.image.source');
  });

  test.each([
    [d('a'), true],
    [d('0'), true],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha256:${'a'.repeat(65)}`, false],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha512:${'a'.repeat(64)}`, false],
    [`xsha256:${'a'.repeat(64)}`, false],
  ])('SHA256_DIGEST %s: %s', (digest, ok) => {
    expect(SHA256_DIGEST.test(digest)).toBe(ok);
  });
});

describe('parseRegistryDocument: an index', () => {
  const amd64 = { mediaType: OCI_MANIFEST, digest: d('1'), size: 100, platform: { architecture: 'amd64', os: 'linux' } };
  const attestation = {
    mediaType: OCI_MANIFEST,
    digest: d('2'),
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': d('1'), 'vnd.docker.reference.type': 'attestation-manifest' },
  };

  test('the manifests with their platforms and BuildKit annotations, nothing else', () => {
    expect(parseRegistryDocument({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [amd64, attestation] }, 'application/json')).toStrictEqual({
      kind: 'index',
      manifests: [
        { mediaType: OCI_MANIFEST, digest: d('1'), platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: OCI_MANIFEST, digest: d('2'), platform: { os: 'unknown', architecture: 'unknown' }, referenceType: 'attestation-manifest', referenceDigest: d('1') },
      ],
    });
  });

  test.each<[string, unknown, string]>([
    ['the Docker manifest list type', { mediaType: DOCKER_LIST, manifests: [] }, ''],
    ['the type from the header, with parameters', { manifests: [] }, ` ${OCI_INDEX} ; charset=utf-8`],
    ['no type at all, but a manifests list', { manifests: [] }, ''],
  ])('%s', (_, json, header) => {
    expect(parseRegistryDocument(json, header)).toStrictEqual({ kind: 'index', manifests: [] });
  });

  test("the document's own mediaType wins over the header's", () => {
    expect(parseRegistryDocument({ mediaType: OCI_INDEX, manifests: [] }, OCI_MANIFEST)).toStrictEqual({ kind: 'index', manifests: [] });
  });

  test('a platform needs both os and architecture; annotations other than the two are ignored', () => {
    const doc = parseRegistryDocument(
      {
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: d('3'), platform: { os: 'linux' } },
          { mediaType: OCI_MANIFEST, digest: d('4'), platform: { architecture: 'arm64' } },
          { mediaType: OCI_MANIFEST, digest: d('5'), platform: { os: 'linux', architecture: 1 } },
          { mediaType: OCI_MANIFEST, digest: d('6'), platform: 'linux/amd64', annotations: { 'org.opencontainers.image.created': 'x' } },
          { mediaType: OCI_MANIFEST, digest: d('7'), annotations: { 'vnd.docker.reference.type': 1, 'vnd.docker.reference.digest': 2 } },
          { mediaType: OCI_MANIFEST, digest: d('8'), annotations: 'x' },
        ],
      },
      '',
    );
    expect(doc).toStrictEqual({
      kind: 'index',
      manifests: ['3', '4', '5', '6', '7', '8'].map((c) => ({ mediaType: OCI_MANIFEST, digest: d(c) })),
    });
  });

  test.each<[string, unknown, string]>([
    ['not an object', [], 'not a JSON object'],
    ['null', null, 'not a JSON object'],
    ['an index without manifests', { mediaType: OCI_INDEX }, `an index (${OCI_INDEX}) without "manifests"`],
    ['manifests that is no list', { mediaType: DOCKER_LIST, manifests: {} }, `an index (${DOCKER_LIST}) without "manifests"`],
    [
      'an entry without a digest',
      { mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST }] },
      `an index entry without a mediaType and a sha256 digest: {"mediaType":"${OCI_MANIFEST}"}`,
    ],
    ['an entry without a mediaType', { mediaType: OCI_INDEX, manifests: [{ digest: d('1') }] }, `an index entry without a mediaType and a sha256 digest: {"digest":"${d('1')}"}`],
    [
      'an entry with a mediaType that is no string',
      { manifests: [{ mediaType: 1, digest: d('1') }] },
      `an index entry without a mediaType and a sha256 digest: {"mediaType":1,"digest":"${d('1')}"}`,
    ],
    [
      'an entry with a sha512 digest',
      { manifests: [{ mediaType: OCI_MANIFEST, digest: `sha512:${'a'.repeat(128)}` }] },
      'an index entry without a mediaType and a sha256 digest: ',
    ],
    ['an entry that is a string', { manifests: [d('1')] }, `an index entry without a mediaType and a sha256 digest: "${d('1')}"`],
  ])('%s', (_, json, message) => {
    const out = parseRegistryDocument(json, '');
    expect(typeof out).toBe('string');
    expect(String(out).startsWith(message)).toBe(true);
    if (!message.endsWith(': ')) expect(out).toBe(message);
  });
});

describe('parseRegistryDocument: an image manifest', () => {
  const config = { mediaType: OCI_CONFIG, digest: d('c'), size: 10 };

  test.each<[string, unknown, string, RegistryDocument]>([
    [
      'OCI',
      { mediaType: OCI_MANIFEST, config, layers: [{ mediaType: LAYER, digest: d('a') }] },
      '',
      { kind: 'image', config: d('c'), layers: [{ mediaType: LAYER, digest: d('a') }] },
    ],
    ['Docker v2 by header', { schemaVersion: 2, config, layers: [] }, DOCKER_MANIFEST, { kind: 'image', config: d('c'), layers: [] }],
    ['no type at all', { config }, '', { kind: 'image', config: d('c'), layers: [] }],
    ['layers that are no list', { config, layers: 'x' }, '', { kind: 'image', config: d('c'), layers: [] }],
    [
      'a layer that is no descriptor is left out',
      { config, layers: [{ mediaType: LAYER }, { mediaType: LAYER, digest: d('b') }, 7] },
      '',
      { kind: 'image', config: d('c'), layers: [{ mediaType: LAYER, digest: d('b') }] },
    ],
  ])('%s', (_, json, header, expected) => {
    expect(parseRegistryDocument(json, header)).toStrictEqual(expected);
  });

  test.each<[unknown, string, string]>([
    [{ mediaType: OCI_MANIFEST }, '', `an image manifest (${OCI_MANIFEST}) without a config descriptor`],
    [{ config: { mediaType: OCI_CONFIG, digest: 'sha256:short' } }, '', 'an image manifest (no mediaType) without a config descriptor'],
    [{ config: d('c') }, DOCKER_MANIFEST, `an image manifest (${DOCKER_MANIFEST}) without a config descriptor`],
    [
      { mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', config },
      '',
      'unexpected media type "application/vnd.docker.distribution.manifest.v1+prettyjws"; expected an OCI index or image manifest (or their Docker v2 forms)',
    ],
    [{ config }, 'text/html; charset=utf-8', 'unexpected media type "text/html"; expected an OCI index or image manifest (or their Docker v2 forms)'],
  ])('%j (%s): %s', (json, header, message) => {
    expect(parseRegistryDocument(json, header)).toBe(message);
  });
});

describe('platform and attestation manifests of an index', () => {
  const m = (digest: string, extra: Partial<Descriptor> = {}, mediaType = OCI_MANIFEST): Descriptor => ({ mediaType, digest: d(digest), ...extra });
  const index = {
    manifests: [
      m('1', { platform: { os: 'linux', architecture: 'amd64' } }),
      m('2', { platform: { os: 'unknown', architecture: 'unknown' }, referenceType: 'attestation-manifest', referenceDigest: d('1') }),
      m('3', { referenceType: 'attestation-manifest' }),
      m('4', { platform: { os: 'unknown', architecture: 'unknown' } }),
      m('5', { platform: { os: 'unknown', architecture: 'arm64' } }),
      m('6', { platform: { os: 'linux', architecture: 'unknown' } }),
      m('7', {}, DOCKER_MANIFEST),
      m('8', {}, OCI_INDEX),
      m('9', { referenceType: 'other' }),
    ],
  };

  test('images: image manifests that are no attestation (by annotation or by the unknown/unknown platform)', () => {
    expect(platformManifests(index).map((x) => x.digest)).toEqual([d('1'), d('5'), d('6'), d('7'), d('9')]);
  });

  test('attestations: by annotation or by the unknown/unknown platform', () => {
    expect(attestationManifests(index).map((x) => x.digest)).toEqual([d('2'), d('3'), d('4')]);
  });
});

describe('configLabels', () => {
  test.each<[unknown, [string, string][]]>([
    [
      { config: { Labels: { [REVISION_LABEL]: 'abc', [SOURCE_LABEL]: 'https://x', n: 1, z: null } } },
      [
        [REVISION_LABEL, 'abc'],
        [SOURCE_LABEL, 'https://x'],
      ],
    ],
    [{ config: { Labels: null } }, []],
    [{ config: { Labels: ['a'] } }, []],
    [{ config: {} }, []],
    [{ config: 'x' }, []],
    [{ Labels: { a: 'b' } }, []],
    [null, []],
    ['x', []],
  ])('%j', (json, labels) => {
    expect([...configLabels(json)]).toEqual(labels);
  });
});

describe('parseRegistryDocument: values of the wrong JSON type', () => {
  test('a digest inside a list is no digest', () => {
    expect(parseRegistryDocument({ mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: [d('1')] }] }, '')).toBe(
      `an index entry without a mediaType and a sha256 digest: {"mediaType":"${OCI_MANIFEST}","digest":["${d('1')}"]}`,
    );
  });

  test('an image manifest typed as such stays one even with a "manifests" field', () => {
    expect(parseRegistryDocument({ mediaType: OCI_MANIFEST, manifests: [], config: { mediaType: OCI_CONFIG, digest: d('c') } }, '')).toStrictEqual({
      kind: 'image',
      config: d('c'),
      layers: [],
    });
  });
});
