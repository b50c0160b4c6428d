/**
 * An image's filesystem from its layers (pure): which paths the base image brought and which the build
 * added. The rules about what the build put into the image (only this service, no devDependencies,
 * compiled code only) judge the paths of the layers above the base image's own, wherever they are; the
 * base image (Node, npm with its bundled packages, the distribution) is not the build's doing.
 *
 * Layers are `tar -t` listings (absolute paths, see normalizeTarPaths), base first, in the order of the
 * image's RootFS. An OCI/Docker layer deletes a lower path with a whiteout entry: `.wh.<name>` deletes
 * `<name>`, and `.wh..wh..opq` in a folder hides everything lower layers put in it.
 */
import { isRecord } from '../json.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/** Whether a listed path is a whiteout marker (a deletion), not content. */
export const isWhiteout = (path: string) => baseName(path).startsWith(WHITEOUT);

/** The filesystem a container of the image starts with: every layer applied in order, whiteouts honoured. */
export function mergeLayers(layers: readonly (readonly string[])[]): string[] {
  const paths = new Set<string>();
  const removeTree = (root: string) => {
    for (const p of paths) if (p === root || p.startsWith(`${root}/`)) paths.delete(p);
  };
  for (const layer of layers) {
    // Deletions first: they apply to the layers below, never to this layer's own entries.
    for (const entry of layer) {
      const name = baseName(entry);
      if (name === OPAQUE) {
        const dir = parentOf(entry);
        for (const p of paths) if (p.startsWith(`${dir}/`)) paths.delete(p);
      } else if (name.startsWith(WHITEOUT)) removeTree(`${parentOf(entry)}/${name.slice(WHITEOUT.length)}`);
    }
    for (const entry of layer) if (!isWhiteout(entry)) paths.add(entry);
  }
  return [...paths].sort();
}

/**
 * Every path a layer above the base adds or changes, whiteout markers left out. A path that a later
 * layer deletes is still counted: the image ships the layer that holds it (`docker save`, a pull), so
 * `COPY . /repo` followed by `RUN rm -rf /repo` still delivers the repository.
 */
export function addedPaths(layers: readonly (readonly string[])[], baseLayers: number): string[] {
  const out = new Set<string>();
  for (const layer of layers.slice(baseLayers)) for (const entry of layer) if (!isWhiteout(entry)) out.add(entry);
  return [...out].sort();
}

/**
 * How many of the image's first layers are the base image's own: all of the base's layers (uncompressed
 * digests, RootFS.Layers) when they are the image's first ones in the same order, undefined when the image
 * is not built on that base. A base that covers every layer (the image itself) is refused too: it leaves
 * no layer above it, and the rules about what the build added would pass with nothing checked.
 */
export function baseLayerCount(imageLayers: readonly string[], baseLayers: readonly string[]): number | undefined {
  if (baseLayers.length >= imageLayers.length) return undefined;
  return baseLayers.every((digest, i) => imageLayers[i] === digest) ? baseLayers.length : undefined;
}

/** Thrown when `docker image save` writes an archive of an unexpected shape. */
export class SavedImageError extends Error {
  override readonly name = 'SavedImageError';
}

/**
 * The layer files of `docker image save`'s `manifest.json` (written beside the OCI layout by Docker 25 and
 * newer, and by older engines alone): one image, its layers base first, as paths inside the archive.
 */
export function savedLayerPaths(json: unknown): string[] {
  const first = Array.isArray(json) && json.length === 1 ? json[0] : undefined;
  const layers = isRecord(first) ? first['Layers'] : undefined;
  if (!Array.isArray(layers) || !layers.every((l): l is string => typeof l === 'string' && /^[\w./-]+$/.test(l) && !l.split('/').includes('..'))) {
    throw new SavedImageError(`docker image save: manifest.json is not one image with a list of layer files: ${JSON.stringify(json)?.slice(0, 200)}`);
  }
  return layers;
}
