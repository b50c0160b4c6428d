/**
 * A per-service release tag `<service>@<version>` (e.g. `api-gateway@1.4.0`) as a value object:
 * parsed from a tag name or a `refs/tags/...` ref, formatted back unchanged (round-trip tested).
 */
export interface ReleaseTag {
  /** The service's folder name. */
  readonly service: string;
  readonly version: string;
}

const SERVICE = /^[a-z0-9][a-z0-9._-]*$/;
const VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The tag, or undefined when `ref` is not a per-service release tag (a branch, `v1.0.0`, ...). */
export function parseReleaseTag(ref: string): ReleaseTag | undefined {
  const name = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : ref;
  const at = name.lastIndexOf('@');
  if (at <= 0) return undefined;
  const service = name.slice(0, at);
  const version = name.slice(at + 1);
  return SERVICE.test(service) && VERSION.test(version) ? { service, version } : undefined;
}

export function formatReleaseTag(tag: ReleaseTag): string {
  return `${tag.service}@${tag.version}`;
}
