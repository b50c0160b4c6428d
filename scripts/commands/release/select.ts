/**
 * `pipeline release select --service <name|changed> [--tag REF]`: the services one run of release.yml
 * releases, as the step outputs `services` (a JSON array, the matrix) and `any`. A tag push
 * (`--tag refs/tags/<service>@<version>`) releases that tag's service; a manual run, the chosen
 * service, or with `changed` every service with commits to its inputs since its latest release.
 */
import { commandSpec, helpText, parseCli } from '../../core/args.js';
import { EXIT } from '../../core/exit-codes.js';
import { InputError } from '../../core/errors.js';
import { parseReleaseTag } from '../../core/release/release-tag.js';
import { serviceCommits, workspaceAt } from '../../io/service-history.js';
import { writeStepOutputs } from '../../io/step-outputs.js';
import type { Command } from '../types.js';
import { openRelease, released } from './context.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline release select',
  summary:
    'The services one release run releases (the matrix of release.yml): the service of a pushed release tag, a chosen service, or every service changed since its latest release.',
  options: { service: { type: 'string' }, tag: { type: 'string' }, ref: { type: 'string' }, json: { type: 'boolean' }, cwd: { type: 'string' } },
  help: {
    service: { value: 'NAME', description: 'a service folder, or `changed`' },
    tag: { value: 'REF', description: 'a pushed release tag (refs/tags/<service>@<version>); instead of --service' },
    ref: { value: 'REV', description: 'the revision to release (default: the default branch)' },
    json: { description: 'print the services as one JSON object even inside Actions' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: ['pnpm pipeline release select --service changed', 'pnpm pipeline release select --tag refs/tags/api-gateway@1.4.0'],
  notes: ['exit codes: 0 done, 2 bad input'],
});

export const run: Command = async (argv, ctx) => {
  const parsed = parseCli(SPEC, argv);
  if (parsed.help) {
    ctx.stdout(helpText(SPEC));
    return EXIT.ok;
  }
  const { values } = parsed;
  if ((values.service === undefined) === (values.tag === undefined))
    throw new InputError('pnpm pipeline release select: give exactly one of --service <name|changed> and --tag refs/tags/<service>@<version>');
  const release = await openRelease(ctx, values.cwd);
  try {
    const ref = await release.refCommit(values.ref, '--ref');
    const graph = await workspaceAt(release.git, ctx.config, ref);
    const known = new Set(graph.services.map((s) => s.folder));
    let services: string[];
    if (values.tag !== undefined) {
      services = [parseReleaseTag(values.tag, known).service];
    } else if (values.service === 'changed') {
      services = [];
      for (const service of graph.services) {
        const { latest } = await released(release.git, service.folder);
        if ((await serviceCommits(release.git, ctx.config, { graph, service }, latest?.commit, ref)).length > 0) services.push(service.folder);
      }
    } else {
      const service = values.service ?? '';
      if (!known.has(service)) throw new InputError(`--service ${JSON.stringify(service).slice(0, 80)}: not a service; expected changed or one of: ${[...known].join(', ')}`);
      services = [service];
    }
    const outputs = { services: JSON.stringify(services), any: String(services.length > 0) };
    if (ctx.env['GITHUB_OUTPUT'] && !values.json) {
      await writeStepOutputs(outputs);
      ctx.stdout(`release: ${services.length === 0 ? 'nothing to release' : services.join(', ')}\n`);
    } else {
      ctx.stdout(`${JSON.stringify({ services })}\n`);
    }
    return EXIT.ok;
  } finally {
    release.git.close();
  }
};
