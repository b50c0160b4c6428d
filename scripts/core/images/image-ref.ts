/**
 * An image reference as a value object: `[registry/]path[:tag][@digest]`, parsed with the grammar of
 * the OCI distribution spec and formatted back unchanged (round-trip tested).
 */
import { InputError } from '../errors.js';

export interface ImageRef {
  /** `ghcr.io`, `127.0.0.1:5000`, or undefined for the engine's default registry. */
  readonly registry?: string;
  /** `owner/service`: lowercase path components. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** One path component of an image name (`api-gateway`). */
export const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/;
/** A registry host as an image reference names it: a dotted name or localhost, an IPv6 address, with a port or not. */
export const REGISTRY_HOST = /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|\[[0-9a-fA-F:]+\](?::\d+)?|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*:\d+)$/;

const EXPECTED = 'expected [registry/]name[:tag][@sha256:<hex>], e.g. ghcr.io/acme/api-gateway:sha-1a2b3c4';

export function parseImageRef(text: string): ImageRef {
  const fail = (why: string): never => {
    throw new InputError(`invalid image reference ${JSON.stringify(text)}: ${why}; ${EXPECTED}`);
  };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`bad digest ${JSON.stringify(digest)}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`bad tag ${JSON.stringify(tag)}`);
  }
  const parts = rest.split('/');
  let registry: string | undefined;
  // Stryker disable next-line StringLiteral: equivalent: String#split always returns at least one part
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
    if (!REGISTRY_HOST.test(registry)) fail(`bad registry ${JSON.stringify(registry)}`);
  }
  // Stryker disable next-line ConditionalExpression: parts.length === 0 -> false is equivalent (split returns one part at least, and only a second one is shifted off); the other variants are killed
  if (parts.length === 0 || !parts.every((p) => COMPONENT.test(p))) fail('the name must be lowercase letters, digits and separators');
  return { ...(registry ? { registry } : {}), path: parts.join('/'), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The repository part (`registry/path`), without tag or digest: what a registry's API calls a name. */
export function repositoryOf(ref: ImageRef): string {
  return formatImageRef({ ...(ref.registry ? { registry: ref.registry } : {}), path: ref.path });
}
