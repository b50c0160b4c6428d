/**
 * `pipeline release select --service <name|changed> [--tag REF]`: the services one run of release.yml
 * releases, as the step outputs `services` (a JSON array, the matrix) and `any`. A tag push
 * (`--tag refs/tags/<service>@<version>`) releases that tag's service; a manual run, the chosen
 * service, or with `changed` every service with commits to its inputs since its latest release.
 */
import { commandSpec } from '../../core/args.js';
import { EXIT } from '../../core/exit-codes.js';
import { InputError } from '../../core/errors.js';
import { parseImageRef } from '../../core/images/index.js';
import { previousRelease } from '../../core/release/bump.js';
import { parseReleaseTag } from '../../core/release/release-tag.js';
import { parseVersion, type Version } from '../../core/release/version.js';
import { quote } from '../../core/quote.js';
import { serviceCommits, workspaceAt } from '../../io/service-history.js';
import { writeStepOutputs } from '../../io/step-outputs.js';
import type { Command } from '../types.js';
import { findCiImage } from './ci-image.js';
import { openRelease, released } from './context.js';
import { command } from '../command.js';

const SPEC = commandSpec({
  program: 'pnpm pipeline release select',
  summary:
    'The services one release run releases (the matrix of release.yml): the service of a pushed release tag, a chosen service, or every service changed since its latest release.',
  options: {
    service: { type: 'string' },
    tag: { type: 'string' },
    ref: { type: 'string' },
    version: { type: 'string' },
    images: { type: 'boolean' },
    json: { type: 'boolean' },
    cwd: { type: 'string' },
  },
  help: {
    service: { value: 'NAME', description: 'a service folder, or `changed`' },
    tag: { value: 'REF', description: "the run's ref: a release tag (refs/tags/<service>@<version>) releases that service; a branch is ignored" },
    ref: { value: 'REV', description: 'the revision to release (default: the default branch; with --tag, the tag)' },
    version: { value: 'X.Y.Z', description: "the run's explicit version (empty: none): one service only; --images counts the changes since the release before it" },
    images: { description: 'also ask the registry which of them have no CI image to promote: the output `build`, a matrix to build first' },
    json: { description: 'print the services as one JSON object even inside Actions' },
    cwd: { value: 'DIR', description: 'the repository (default: the current folder)' },
  },
  examples: [
    'pnpm pipeline release select --service changed',
    'pnpm pipeline release select --tag refs/tags/api-gateway@1.4.0',
    'pnpm pipeline release select --tag "$GITHUB_REF" --service "$SERVICE" --images',
  ],
  notes: ['exit codes: 0 done, 2 bad input'],
});

export const run: Command = command(SPEC, async (parsed, ctx) => {
  const { values } = parsed;
  // A release tag wins (a tag push); any other ref (a manual run's branch) leaves --service to decide.
  const tagRef = values.tag?.startsWith('refs/tags/') ? values.tag : undefined;
  if (tagRef === undefined && values.service === undefined)
    throw new InputError('pnpm pipeline release select: give --service <name|changed>, or --tag refs/tags/<service>@<version>');
  // One explicit version is one release: for `changed` it would give every changed service that version.
  const explicit = values.version === undefined || values.version === '' ? undefined : parseVersion(values.version);
  if (explicit !== undefined && tagRef === undefined && values.service === 'changed') {
    throw new InputError(
      `--version ${quote(values.version ?? '')} with --service changed: one version for every changed service; release one service with a version, or use a bump for changed`,
    );
  }
  const release = await openRelease(ctx, values.cwd);
  try {
    let ref = await release.refCommit(values.ref, '--ref');
    // The version being released, when known (a pushed tag's, an explicit one): the changes are counted
    // from the release before it that the commit contains; otherwise from the newest one it contains.
    let version: Version | undefined = explicit;
    let graph = await workspaceAt(release.git, ctx.config, ref);
    const known = new Set(graph.services.map((s) => s.folder));
    // What changed of a service since its latest release: asked once, whether for `changed` or for --images.
    const inputsOf = new Map<string, Promise<readonly string[]>>();
    const changedSinceRelease = (service: (typeof graph.services)[number]): Promise<readonly string[]> => {
      let known = inputsOf.get(service.folder);
      if (known === undefined) {
        known = released(release.git, service.folder, ref).then(async ({ contained, base }) => {
          const from = version === undefined ? base : previousRelease(contained, version);
          return (await serviceCommits(release.git, ctx.config, { graph, service }, from?.commit, ref)).map((c) => c.sha);
        });
        inputsOf.set(service.folder, known);
      }
      return known;
    };
    let services: string[];
    if (tagRef !== undefined) {
      const tag = parseReleaseTag(tagRef, known);
      services = [tag.service];
      version = tag.version;
      // Not in the clone (a plan of a tag not pushed yet): the checked-out commit is the release.
      ref = (await release.tagCommit(tag)) ?? ref;
      graph = await workspaceAt(release.git, ctx.config, ref);
    } else if (values.service === 'changed') {
      services = [];
      for (const service of graph.services) {
        if ((await changedSinceRelease(service)).length > 0) services.push(service.folder);
      }
    } else {
      const service = values.service ?? '';
      if (!known.has(service)) throw new InputError(`--service ${JSON.stringify(service).slice(0, 80)}: not a service; expected changed or one of: ${[...known].join(', ')}`);
      services = [service];
    }
    // The services with no CI image to promote, as a build matrix (the shape of affected's).
    const build: Array<{ service: string; package: string; path: string; dockerfile: string; image: string }> = [];
    if (values.images) {
      for (const name of services) {
        const service = graph.services.find((s) => s.folder === name);
        if (service === undefined) continue;
        const inputs = await changedSinceRelease(service);
        const repository = release.imageRepositoryOf(name);
        const image = parseImageRef(repository);
        const registry = await ctx.effects.registry(image.registry ?? 'docker.io');
        const found = await findCiImage(release.git, registry, image.path, ref, new Set(inputs));
        if (found.kind === 'missing')
          build.push({ service: name, package: service.name, path: service.dir, dockerfile: `${service.dir}/${ctx.config.services.marker}`, image: repository });
      }
    }
    const outputs = { services: JSON.stringify(services), any: String(services.length > 0), build: JSON.stringify({ include: build }), 'any-build': String(build.length > 0) };
    if (ctx.env['GITHUB_OUTPUT'] && !values.json) {
      await writeStepOutputs(outputs);
      ctx.stdout(
        `release: ${services.length === 0 ? 'nothing to release' : services.join(', ')}${build.length > 0 ? `; to build first: ${build.map((b) => b.service).join(', ')}` : ''}\n`,
      );
    } else {
      ctx.stdout(`${JSON.stringify({ services, ...(values.images ? { build: build.map((b) => b.service) } : {}) })}\n`);
    }
    return EXIT.ok;
  } finally {
    release.git.close();
  }
});
