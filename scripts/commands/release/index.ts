/**
 * `pipeline release <subcommand>`: per-service releases. A git tag `<service>@<semver>` marks a release
 * of one service; its image is the one CI tested, promoted by digest (never rebuilt).
 * - `parse <tag>`: the tag's parts and the image tags a release would get now;
 * - `next <service> --bump <kind>`: the next version;
 * - `notes <service>`: the commits to the service's inputs between two revisions, grouped;
 * - `status`: every service's latest version, commits since, and the bump `auto` would choose;
 * - `select --service <name|changed>`: the services a release run releases (the workflow's matrix);
 * - `cut <service>`: the release itself (what release.yml runs).
 */
import { EXIT } from '../../core/exit-codes.js';
import { InputError } from '../../core/errors.js';
import { quote } from '../../core/quote.js';
import type { Command } from '../types.js';

const SUBCOMMANDS: Record<string, { readonly summary: string; readonly load: () => Promise<{ run: Command }> }> = {
  parse: { summary: 'a release tag: service, version, prerelease, the image tags a release would get now', load: () => import('./parse.js') },
  next: { summary: 'the next version of a service for a bump kind', load: () => import('./next.js') },
  notes: { summary: "the release notes: commits to the service's inputs, grouped, with links", load: () => import('./notes.js') },
  status: { summary: "every service's latest version, commits since, and the bump auto would choose", load: () => import('./status.js') },
  select: { summary: 'the services a release run releases (a service, or every one changed since its release)', load: () => import('./select.js') },
  cut: { summary: 'release a service: git tag, image tags on the tested digest, GitHub Release', load: () => import('./cut.js') },
  handoff: { summary: "start deploy.yml for the service's newest release (release.yml's deploy_to)", load: () => import('./handoff.js') },
};

const HELP = `usage: pnpm pipeline release <subcommand> [options]

Per-service releases: a git tag <service>@<semver> marks a release of one service, and the image CI
tested is promoted by digest. Each subcommand has its own --help.

subcommands:
${Object.entries(SUBCOMMANDS)
  .map(([name, s]) => `  ${name.padEnd(7)}  ${s.summary}`)
  .join('\n')}

examples:
  pnpm pipeline release status
  pnpm pipeline release cut api-gateway --bump auto --dry-run
`;

export const run: Command = async (argv, ctx) => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    ctx.stdout(HELP);
    return name === undefined ? EXIT.input : EXIT.ok;
  }
  const sub = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (sub === undefined) throw new InputError(`pnpm pipeline release: unknown subcommand ${quote(name)}; expected one of: ${Object.keys(SUBCOMMANDS).join(', ')} (see --help)`);
  const { run: subcommand } = await sub.load();
  return subcommand(rest, ctx);
};
