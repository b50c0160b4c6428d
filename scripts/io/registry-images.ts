/**
 * Images as the registry holds them, read with the registry client: an index's platform manifest
 * (attestations left out), its config and its revision label. Shared by publish (`tags`), releases
 * and deploys.
 */
import { attestationManifests, configLabels, platformManifests, type RegistryDocument, REVISION_LABEL } from '../core/images/oci.js';
import type { PushedImage } from '../core/images/publish.js';
import { type FetchedDocument, type RegistryClient, RegistryError } from './registry.js';
import { quarantineTag } from '../core/deploy/version.js';

type IndexDocument = Extract<RegistryDocument, { readonly kind: 'index' }>;

/** An image as the registry holds it, with the index it was read from (undefined for a single manifest). */
export interface RegistryImage extends PushedImage {
  readonly index: IndexDocument | undefined;
}

/**
 * An image as the registry holds it: the platform manifest of an index (attestations left out), its config
 * and revision label. `reference` is a tag or digest, or the document already read by one (a deploy that
 * resolved a version has the index in hand: it is not read again).
 */
export async function readImage(registry: RegistryClient, name: string, reference: string | FetchedDocument): Promise<RegistryImage | undefined> {
  const top = typeof reference === 'string' ? await registry.document(name, reference) : reference;
  if (top === undefined) return undefined;
  let manifest = top.digest;
  let doc = top.document;
  let index: IndexDocument | undefined;
  if (doc.kind === 'index') {
    index = doc;
    const platforms = platformManifests(doc);
    const [only] = platforms;
    if (only === undefined || platforms.length > 1) {
      throw new RegistryError(
        `${name}@${top.digest}: expected one platform image in the index, found ${platforms.length} (${platforms.map((p) => p.digest).join(', ') || 'only attestations'})`,
      );
    }
    const image = await registry.document(name, only.digest);
    if (image === undefined || image.document.kind !== 'image') throw new RegistryError(`${name}@${only.digest}: the index lists an image manifest the registry does not have`);
    manifest = image.digest;
    doc = image.document;
  }
  if (doc.kind !== 'image') throw new RegistryError(`${name}@${top.digest}: an index inside an index is not an image the pipeline builds`);
  const revision = configLabels(await registry.blobJson(name, doc.config)).get(REVISION_LABEL);
  return { digest: top.digest, manifest, config: doc.config, revision, index };
}

/**
 * BuildKit's provenance of an image pushed as an index: the attestation manifest that refers to the
 * platform manifest, and its in-toto statement (the layer whose predicate type is SLSA provenance).
 * Undefined when the image has none (pushed without attestations).
 */
export async function readProvenance(registry: RegistryClient, name: string, image: RegistryImage): Promise<unknown> {
  if (image.index === undefined) return undefined;
  const attestation = attestationManifests(image.index).find((d) => d.referenceDigest === image.manifest);
  if (attestation === undefined) return undefined;
  const doc = await registry.document(name, attestation.digest);
  if (doc === undefined || doc.document.kind !== 'image') return undefined;
  for (const layer of doc.document.layers) {
    if (layer.mediaType !== 'application/vnd.in-toto+json') continue;
    const statement = await registry.blobJson(name, layer.digest);
    if (
      typeof statement === 'object' &&
      statement !== null &&
      'predicateType' in statement &&
      typeof statement.predicateType === 'string' &&
      statement.predicateType.startsWith('https://slsa.dev/provenance/')
    ) {
      return statement;
    }
  }
  return undefined;
}

/** The registry tag `pipeline deploy --quarantine` wrote that holds an image: on its index, or on its platform manifest. */
export interface Quarantine {
  readonly tag: string;
  /** The digest the tag is for: the image's own (its index), or its platform manifest's. */
  readonly digest: string;
  readonly of: 'image' | 'platform-manifest';
}

/**
 * Whether `pipeline deploy --quarantine` tagged the image: its index (the digest plans and records name),
 * or its platform manifest, the image the evidence reads. A re-run that pushes the same image again makes
 * a new index (new provenance) around the same platform manifest: that image is quarantined still, so
 * every check (a deploy's plan, a rollback's candidates, `release cut`) asks for both tags.
 */
export async function quarantineOf(registry: RegistryClient, name: string, image: { readonly digest: string; readonly manifest: string }): Promise<Quarantine | undefined> {
  if ((await registry.document(name, quarantineTag(image.digest))) !== undefined) return { tag: quarantineTag(image.digest), digest: image.digest, of: 'image' };
  if (image.manifest !== image.digest && (await registry.document(name, quarantineTag(image.manifest))) !== undefined)
    return { tag: quarantineTag(image.manifest), digest: image.manifest, of: 'platform-manifest' };
  return undefined;
}

/** quarantineOf for a digest alone (a rollback's candidate, what ran before): its platform manifest is read from the registry. */
export async function quarantineOfDigest(registry: RegistryClient, name: string, digest: string): Promise<Quarantine | undefined> {
  const image = await readImage(registry, name, digest);
  // An image the registry no longer has: only its own tag can say (a deploy of it fails on its own).
  return quarantineOf(registry, name, image ?? { digest, manifest: digest });
}

/** Which tag holds it, for a plan's evidence and a refusal: `the registry tag … names it`, or names its platform manifest. */
export function describeQuarantine(q: Quarantine): string {
  return q.of === 'image' ? `the registry tag ${q.tag} names it` : `the registry tag ${q.tag} names its platform manifest ${q.digest}, the same image as a quarantined index`;
}
