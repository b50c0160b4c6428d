/** A pinned third-party action: the commit it runs, the release that commit was verified as, its interface. */
export interface Pin {
  readonly version: string;
  /** The full 40-hex commit SHA (for an annotated tag: the commit it points to, not the tag object). */
  readonly sha: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export const FULL_SHA = /^[0-9a-f]{40}$/;

/** `owner/repo[/path]@<40 hex>`: the only form of `uses:` that generation accepts for a remote action. */
export const PINNED_USES = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[^@\s]+)?@([0-9a-f]{40})$/;

export function usesOf(action: string, pin: Pin): string {
  return `${action}@${pin.sha}`;
}
