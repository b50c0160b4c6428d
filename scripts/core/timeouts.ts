/**
 * The one timeout policy: every call that can wait has a bound, set here and applied at the wiring
 * point (scripts/wiring.ts). Reaching one is exit code 4 (core/exit-codes.ts), naming what was waited for.
 */
export const TIMEOUTS = {
  /** One registry request (a manifest, a blob, a token), body included. */
  registryMs: 30_000,
  /** One GitHub API request. */
  githubMs: 30_000,
  /** A Docker credential helper's answer. */
  credentialsMs: 10_000,
  /** One git command (a fetch of single commits included). */
  gitMs: 120_000,
  /** One container-engine command: a whole image build is one, so the bound is generous. */
  engineMs: 1_800_000,
  /**
   * A deploy interrupted after it began changing what runs (a cancelled job) rolls back to the digest that
   * ran before within this bound (a second signal ends it sooner), then records how it ended and exits.
   */
  interruptedRollbackMs: 30_000,
  /**
   * deploy.yml's deploy job (its timeout-minutes): no deploy through it runs longer, so a deployment record
   * still in progress after this was left by a job that died, and no longer holds later deploys.
   */
  deployJobMs: 30 * 60_000,
  /**
   * A deploy posts in_progress right after it creates its record (one request): a record made before a
   * deploy's own that has no status yet is waited for this long, then taken for a run that stopped before
   * its first status (having changed nothing).
   */
  deployStartMs: 5_000,
} as const;
