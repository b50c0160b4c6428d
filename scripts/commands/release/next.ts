/** `pipeline release next <service> --bump <kind>`: the next version of a service. */
import { commandSpec } from '../../core/args.js';
import { EXIT } from '../../core/exit-codes.js';
import { InputError } from '../../core/errors.js';
import { quote } from '../../core/quote.js';
import { autoBump, type Bump, nextVersion } from '../../core/release/bump.js';
import { formatVersion, parseVersion } from '../../core/release/version.js';
import { serviceCommits } from '../../io/service-history.js';
import type { Command } from '../types.js';
import { knownService, openRelease, packageVersionAt, released } from './context.js';
import { command } from '../command.js';

export const BUMP_KINDS = ['auto', 'patch', 'minor', 'major'] as const;

/** `--bump` and `--version` as one Bump; exactly one of them. */
export function bumpOf(bump: string | undefined, version: string | undefined): Bump {
  if ((bump === undefined) === (version === undefined)) throw new InputError('give exactly one of --bump auto|patch|minor|major and --version X.Y.Z');
  if (version !== undefined) return { kind: 'version', version: parseVersion(version) };
  switch (bump) {
    case 'auto':
    case 'patch':
    case 'minor':
    case 'major':
      return { kind: bump };
    default:
      throw new InputError(`--bump ${quote(bump ?? '')}: expected one of ${BUMP_KINDS.join(', ')}`);
  }
}

const SPEC = commandSpec({
  program: 'pnpm pipeline release next',
  summary:
    "The next version of a service: from its release tags and, for auto, the Conventional Commits to its inputs since its latest release (a breaking change → major, feat → minor, otherwise patch). A service's first release is its package.json version (at least 0.1.0).",
  options: { bump: { type: 'string' }, version: { type: 'string' }, ref: { type: 'string' }, json: { type: 'boolean' }, cwd: { type: 'string' } },
  positionals: { usage: '<service>', description: 'the service folder, e.g. api-gateway', one: true },
  help: {
    bump: { value: 'KIND', description: 'auto, patch, minor or major' },
    version: { value: 'X.Y.Z', description: 'an explicit version instead (greater than every release of its major.minor line)' },
    ref: { value: 'REV', description: 'the revision to release (default: the default branch)' },
    json: { description: 'print one JSON object: service, current, next, bump, commits' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: ['pnpm pipeline release next api-gateway --bump auto', 'pnpm pipeline release next api-gateway --version 2.0.0-rc.1'],
  notes: ['exit codes: 0 done, 2 bad input'],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values, positionals } = parsed;
  const bump = bumpOf(values.bump, values.version);
  const release = await openRelease(ctx, values.cwd);
  try {
    const ref = await release.refCommit(values.ref, '--ref');
    const at = await knownService(release.git, ctx, ref, positionals[0]);
    // The bump starts from the newest release the ref contains (on a maintenance branch, that of its line).
    const { versions, base } = await released(release.git, at.service.folder, ref);
    const commits = base === undefined && bump.kind !== 'auto' ? [] : await serviceCommits(release.git, ctx.config, at, base?.commit, ref);
    const packageVersion = await packageVersionAt(release.git, ref, at.service.dir);
    const next = nextVersion({ service: at.service.folder, released: versions, from: base?.tag.version, bump, commits, packageVersion });
    const out = {
      service: at.service.folder,
      current: base === undefined ? null : formatVersion(base.tag.version),
      next: formatVersion(next),
      bump: bump.kind === 'auto' ? autoBump(commits) : bump.kind,
      commits: commits.length,
    };
    ctx.stdout(values.json ? `${JSON.stringify(out)}\n` : `${out.next}\n`);
    return EXIT.ok;
  } finally {
    release.git.close();
  }
});
