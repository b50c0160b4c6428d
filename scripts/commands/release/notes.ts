/** `pipeline release notes <service> [--from TAG] [--to REF] [--json]`: the notes of what a release would ship. */
import { commandSpec } from '../../core/args.js';
import { EXIT } from '../../core/exit-codes.js';
import { InputError } from '../../core/errors.js';
import { quote } from '../../core/quote.js';
import { releaseNotes, renderNotesMarkdown } from '../../core/release/notes.js';
import { parseReleaseTag } from '../../core/release/release-tag.js';
import { commitOf, serviceCommits } from '../../io/service-history.js';
import type { Command } from '../types.js';
import { knownService, openRelease, released } from './context.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline release notes',
  summary:
    'The release notes of a service: the commits since its previous release tag that touched its inputs (its folder, the workspace packages it depends on, lockfile changes to their importers, global inputs such as the Dockerfile template), grouped by Conventional Commit type, breaking changes first, with commit and pull-request links.',
  options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, cwd: { type: 'string' } },
  positionals: { usage: '<service>', description: 'the service folder, e.g. api-gateway', one: true },
  help: {
    from: { value: 'TAG', description: "the release tag to start after (default: the service's latest release tag)" },
    to: { value: 'REF', description: 'the revision to end at (default: the default branch)' },
    json: { description: 'print the notes as one JSON object' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: ['pnpm pipeline release notes api-gateway', 'pnpm -s pipeline release notes api-gateway --from api-gateway@1.3.0 --to api-gateway@1.4.0 --json'],
  notes: ['exit codes: 0 done, 2 bad input'],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values, positionals } = parsed;
  const release = await openRelease(ctx, values.cwd);
  try {
    const to = await release.refCommit(values.to, '--to');
    const at = await knownService(release.git, ctx, to, positionals[0]);
    const service = at.service.folder;
    let from: { name: string; commit: string } | undefined;
    if (values.from !== undefined) {
      const tag = parseReleaseTag(values.from);
      if (tag.service !== service) throw new InputError(`--from ${quote(values.from)}: a release tag of ${tag.service}, not of ${service}`);
      from = { name: values.from.replace(/^refs\/tags\//, ''), commit: await commitOf(release.git, `refs/tags/${values.from.replace(/^refs\/tags\//, '')}`, '--from') };
    } else {
      // The newest release that --to contains: a maintenance branch's notes start at its own line's release.
      const { base } = await released(release.git, service, to);
      from = base === undefined ? undefined : { name: base.name, commit: base.commit };
    }
    const commits = await serviceCommits(release.git, ctx.config, at, from?.commit, to);
    const notes = releaseNotes({
      service,
      version: values.to ?? `${ctx.config.defaultBranch} (${to.slice(0, 12)})`,
      from: from?.name,
      to: values.to ?? to,
      serverUrl: release.serverUrl,
      repository: release.repository,
      commits,
      image: undefined,
    });
    ctx.stdout(values.json ? `${JSON.stringify(notes)}\n` : renderNotesMarkdown(notes));
    return EXIT.ok;
  } finally {
    release.git.close();
  }
});
