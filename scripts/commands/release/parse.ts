/** `pipeline release parse <tag> [--json]`: a release tag's parts, and the image tags a release of it would get now. */
import { commandSpec } from '../../core/args.js';
import { EXIT } from '../../core/exit-codes.js';
import { releaseImageTags } from '../../core/release/image-tags.js';
import { parseReleaseTag } from '../../core/release/release-tag.js';
import { formatVersion, isPrerelease } from '../../core/release/version.js';
import type { Command } from '../types.js';
import { knownService, openRelease, released } from './context.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline release parse',
  summary:
    'Parses a release tag <service>@<semver> (strict SemVer, no build metadata, no v prefix) and prints its service, version, whether it is a prerelease, and the image tags a release of it would get now, against the release tags in this clone.',
  options: { json: { type: 'boolean' }, cwd: { type: 'string' } },
  positionals: { usage: '<tag>', description: 'the release tag, e.g. api-gateway@1.4.0 (or refs/tags/api-gateway@1.4.0)', one: true },
  help: {
    json: { description: 'print one JSON object: service, version, prerelease, imageTags' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: ['pnpm pipeline release parse api-gateway@1.4.0', 'pnpm -s pipeline release parse course-service@2.0.0-rc.1 --json'],
  notes: ['exit codes: 0 a release tag, 2 not one (one line naming the value and the expected form)'],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const tag = parseReleaseTag(parsed.positionals[0] ?? '');
  const release = await openRelease(ctx, parsed.values.cwd);
  try {
    // The service at the tag's commit when the tag exists (a service only on its branch), else on the default branch.
    const at = (await release.tagCommit(tag)) ?? (await release.defaultRef());
    await knownService(release.git, ctx, at, tag.service);
    const { versions } = await released(release.git, tag.service, at);
    const out = { service: tag.service, version: formatVersion(tag.version), prerelease: isPrerelease(tag.version), imageTags: releaseImageTags(tag.version, versions) };
    ctx.stdout(parsed.values.json ? `${JSON.stringify(out)}\n` : `${out.service} ${out.version}${out.prerelease ? ' (prerelease)' : ''}: image tags ${out.imageTags.join(', ')}\n`);
    return EXIT.ok;
  } finally {
    release.git.close();
  }
});
