/**
 * What the pipeline reads out of registry documents, over their parsed JSON: an index's platform
 * manifest (not BuildKit's attestation manifest), an image manifest's config digest, a config's labels.
 *
 * Why the publish check needs this: build-push-action's `imageid` output is buildx's `--iidfile`, which
 * holds the config digest only for a single-manifest export. An attested push exports an index, so its
 * `imageid` is the index digest and never equals the loaded (verified) build's config digest. The
 * pushed side is read from the registry instead: index → the platform manifest → its config.
 */
import { isRecord } from '../json.js';

export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export const INDEX_TYPES: ReadonlySet<string> = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
export const IMAGE_MANIFEST_TYPES: ReadonlySet<string> = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly platform?: { readonly os: string; readonly architecture: string };
  /** BuildKit marks its attestation manifests `vnd.docker.reference.type: attestation-manifest`. */
  readonly referenceType?: string;
  /** For an attestation manifest: the image manifest it describes. */
  readonly referenceDigest?: string;
}

export type RegistryDocument =
  | { readonly kind: 'index'; readonly manifests: readonly Descriptor[] }
  | { readonly kind: 'image'; readonly config: string; readonly layers: readonly Descriptor[] };

function descriptor(value: unknown): Descriptor | undefined {
  if (!isRecord(value)) return undefined;
  const { mediaType, digest, platform, annotations } = value;
  if (typeof mediaType !== 'string' || typeof digest !== 'string' || !SHA256_DIGEST.test(digest)) return undefined;
  const out: { -readonly [K in keyof Descriptor]: Descriptor[K] } = { mediaType, digest };
  if (isRecord(platform) && typeof platform['os'] === 'string' && typeof platform['architecture'] === 'string') {
    out.platform = { os: platform['os'], architecture: platform['architecture'] };
  }
  if (isRecord(annotations)) {
    const type = annotations['vnd.docker.reference.type'];
    const ref = annotations['vnd.docker.reference.digest'];
    if (typeof type === 'string') out.referenceType = type;
    if (typeof ref === 'string') out.referenceDigest = ref;
  }
  return out;
}

/**
 * An index or an image manifest, from its JSON and the media type the registry sent (the document's
 * own `mediaType` first: the header may be a generic one). A string naming what is wrong otherwise.
 */
export function parseRegistryDocument(json: unknown, headerType: string): RegistryDocument | string {
  if (!isRecord(json)) return 'not a JSON object';
  // Stryker disable next-line OptionalChaining,StringLiteral: ?. and the '' after ?? are equivalent (String#split returns at least one part); the ';', 'string' and 'mediaType' variants are killed
  const mediaType = typeof json['mediaType'] === 'string' ? json['mediaType'] : (headerType.split(';')[0]?.trim() ?? '');
  const list = json['manifests'];
  if (INDEX_TYPES.has(mediaType) || (mediaType === '' && Array.isArray(list))) {
    if (!Array.isArray(list)) return `an index (${mediaType}) without "manifests"`;
    const manifests: Descriptor[] = [];
    for (const entry of list) {
      const d = descriptor(entry);
      if (d === undefined) return `an index entry without a mediaType and a sha256 digest: ${JSON.stringify(entry)}`;
      manifests.push(d);
    }
    return { kind: 'index', manifests };
  }
  if (IMAGE_MANIFEST_TYPES.has(mediaType) || mediaType === '') {
    const config = descriptor(json['config']);
    if (config === undefined) return `an image manifest (${mediaType || 'no mediaType'}) without a config descriptor`;
    const layers: Descriptor[] = [];
    // Stryker disable next-line ArrayDeclaration: equivalent: a list holding one placeholder string gives no descriptor, so no layer, as the empty list
    for (const entry of Array.isArray(json['layers']) ? json['layers'] : []) {
      const d = descriptor(entry);
      if (d !== undefined) layers.push(d);
    }
    return { kind: 'image', config: config.digest, layers };
  }
  return `unexpected media type ${JSON.stringify(mediaType)}; expected an OCI index or image manifest (or their Docker v2 forms)`;
}

const isAttestation = (d: Descriptor) => d.referenceType === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');

/**
 * The image manifests of an index that are images (attestation manifests left out), e.g.
 * `linux/amd64`. The pipeline builds one platform, so the caller expects exactly one.
 */
export function platformManifests(index: { readonly manifests: readonly Descriptor[] }): Descriptor[] {
  return index.manifests.filter((d) => IMAGE_MANIFEST_TYPES.has(d.mediaType) && !isAttestation(d));
}

/** BuildKit's attestation manifests of an index, each naming the image manifest it describes. */
export function attestationManifests(index: { readonly manifests: readonly Descriptor[] }): Descriptor[] {
  return index.manifests.filter(isAttestation);
}

export const REVISION_LABEL = 'org.opencontainers.image.revision';
export const SOURCE_LABEL = 'org.opencontainers.image.source';

/** The labels of an image config (`config.Labels`); an empty object when it has none. */
export function configLabels(json: unknown): ReadonlyMap<string, string> {
  const labels = new Map<string, string>();
  const config = isRecord(json) ? json['config'] : undefined;
  const raw = isRecord(config) ? config['Labels'] : undefined;
  if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels.set(k, v);
  return labels;
}
