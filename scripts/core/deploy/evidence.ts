/**
 * The evidence a deploy plan checks before anything is promoted, over plain values the registry, git
 * and the GitHub API gave:
 * - the image's revision label names a commit of this repository;
 * - its provenance (BuildKit's in-registry SLSA provenance, v0.2 or v1) says it was built at that very
 *   commit (BuildKit's `vcs.revision`), from this repository when it names a source;
 * - the digest is not quarantined.
 * Each check says what it saw; the plan lists them for the reviewer, and refuses when one fails.
 */
import { isRecord } from '../json.js';

export interface EvidenceCheck {
  readonly check: 'revision-label' | 'provenance' | 'not-quarantined';
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProvenanceFacts {
  readonly predicateType: string;
  /** BuildKit's `vcs.revision`: the commit of the build context's repository. */
  readonly revision: string | undefined;
  /** BuildKit's `vcs.source`: the repository's remote URL, when the context had one. */
  readonly source: string | undefined;
  /** The image manifest the statement is about. */
  readonly subjects: readonly string[];
}

/** The facts of an in-toto statement (the attestation manifest's layer), or a string naming what is missing. */
export function provenanceFacts(statement: unknown): ProvenanceFacts | string {
  // BuildKit's metadata key; here, not a module constant, so that StrykerJS runs its mutant against the tests that call this.
  const BUILDKIT_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';
  if (!isRecord(statement)) return 'the attestation is not a JSON object';
  const predicateType = statement['predicateType'];
  if (typeof predicateType !== 'string' || !predicateType.startsWith('https://slsa.dev/provenance/')) return `not an SLSA provenance statement (${JSON.stringify(predicateType)})`;
  const subjects: string[] = [];
  // Stryker disable next-line ArrayDeclaration: an element that is not an object is skipped, so a list holding a string gives no subject either
  for (const s of Array.isArray(statement['subject']) ? statement['subject'] : []) {
    const digest = isRecord(s) && isRecord(s['digest']) ? s['digest']['sha256'] : undefined;
    if (typeof digest === 'string') subjects.push(`sha256:${digest}`);
  }
  const predicate = isRecord(statement['predicate']) ? statement['predicate'] : {};
  // v0.2: predicate.metadata[BUILDKIT_METADATA].vcs; v1: predicate.runDetails.metadata[BUILDKIT_METADATA].vcs.
  const runDetails = isRecord(predicate['runDetails']) ? predicate['runDetails'] : {};
  const metadata = isRecord(predicate['metadata']) ? predicate['metadata'] : isRecord(runDetails['metadata']) ? runDetails['metadata'] : {};
  const buildkit = isRecord(metadata[BUILDKIT_METADATA]) ? metadata[BUILDKIT_METADATA] : {};
  const vcs = isRecord(buildkit['vcs']) ? buildkit['vcs'] : {};
  const revision = typeof vcs['revision'] === 'string' ? vcs['revision'] : undefined;
  const source = typeof vcs['source'] === 'string' ? vcs['source'] : undefined;
  return { predicateType, revision, source, subjects };
}

/** `https://github.com/acme/shop.git`, `git@github.com:acme/shop` → `github.com/acme/shop` (lower case). */
export function normalizeRepositoryUrl(url: string): string {
  return url
    .trim()
    .replace(/^git@([^:]+):/, '$1/')
    .replace(/^[a-z+]+:\/\/(?:[^@/]+@)?/i, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** A remote's URL (`https://…`, `ssh://…`, `git@host:…`), as opposed to a local path a clone of a clone records. */
export function isRemote(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[^/@\s]+@[^:/\s]+:/.test(source);
}

export interface EvidenceInput {
  readonly digest: string;
  /** The platform image manifest (what the provenance statement's subject names). */
  readonly manifest: string;
  readonly revision: string | undefined;
  /** Whether the revision is a commit of this repository (git or the API said so). */
  readonly revisionKnown: boolean;
  /** The provenance facts, a reason there are none, or undefined when the image has no attestation. */
  readonly provenance: ProvenanceFacts | string | undefined;
  /** `https://github.com/acme/shop`. */
  readonly repositoryUrl: string;
  readonly quarantined: { readonly reason: string } | undefined;
}

export function checkEvidence(input: EvidenceInput): EvidenceCheck[] {
  const checks: EvidenceCheck[] = [];
  const rev = input.revision;
  checks.push(
    rev === undefined
      ? { check: 'revision-label', ok: false, detail: 'the image has no org.opencontainers.image.revision label' }
      : input.revisionKnown
        ? { check: 'revision-label', ok: true, detail: `revision ${rev} is a commit of this repository` }
        : { check: 'revision-label', ok: false, detail: `revision ${rev} is not a commit of this repository` },
  );
  checks.push(provenanceCheck(input));
  checks.push(
    input.quarantined === undefined
      ? { check: 'not-quarantined', ok: true, detail: 'not quarantined' }
      : { check: 'not-quarantined', ok: false, detail: `quarantined: ${input.quarantined.reason}` },
  );
  return checks;
}

/**
 * The statement is about the image manifest, built at the labelled revision, and from this repository
 * when it names a remote (a local clone's path is shown, not compared).
 */
function provenanceCheck(input: EvidenceInput): EvidenceCheck {
  const fail = (detail: string): EvidenceCheck => ({ check: 'provenance', ok: false, detail });
  const pass = (detail: string): EvidenceCheck => ({ check: 'provenance', ok: true, detail });
  const p = input.provenance;
  const rev = input.revision;
  if (p === undefined) return fail('the image has no provenance attestation (CI pushes it with provenance mode=max)');
  if (typeof p === 'string') return fail(p);
  if (!p.subjects.includes(input.manifest)) return fail(`the provenance is about ${p.subjects.join(', ') || 'nothing'}, not the image manifest ${input.manifest}`);
  if (p.revision === undefined || p.revision !== rev) {
    return fail(`the provenance says it was built at ${p.revision ?? 'no recorded commit'}, not at the labelled revision ${rev ?? '(none)'}`);
  }
  const built = `${p.predicateType}: built at ${p.revision}`;
  if (p.source === undefined) return pass(built);
  if (!isRemote(p.source)) return pass(`${built} from a local clone (${p.source}; a path is not compared with ${input.repositoryUrl})`);
  if (normalizeRepositoryUrl(p.source) !== normalizeRepositoryUrl(input.repositoryUrl))
    return fail(`the provenance says it was built from ${p.source}, not ${input.repositoryUrl}`);
  return pass(`${built} from ${p.source}`);
}
