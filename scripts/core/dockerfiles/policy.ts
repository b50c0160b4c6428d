/**
 * The Dockerfile policy: every rule of the brief (DOCKER_ARCHITECTURE.md explains why each exists),
 * checked on the parsed file. Pure: parsed Dockerfile + what the graph says the service needs in,
 * violations (file, line, rule, message) out.
 */
import { posix } from 'node:path';
import type { DockerInstruction, ParsedDockerfile, Stage } from './parse.js';
import { isRootUserName } from '../root-user.js';

export const RULES = {
  'generated-header': 'the file starts with the DO-NOT-EDIT line naming its source',
  'node-image-arg': 'a global `ARG NODE_IMAGE=<current Node LTS Alpine image>` that the base and runtime stages build FROM',
  'four-stages': 'exactly four stages, named base, deps, builder, runtime, in this order',
  'pnpm-store-cache': 'the deps stage fills the pnpm store from the lockfile with a BuildKit cache mount',
  'builder-scope': "the builder copies only this service's folder and the workspace packages it depends on",
  'pnpm-deploy': 'the builder assembles the runtime folder with `pnpm deploy --prod`',
  'runtime-from-builder': 'the runtime stage copies only the builder output (compiled JavaScript, production dependencies)',
  'no-package-manager': 'the runtime stage runs no package manager (npm, pnpm, yarn, corepack)',
  'node-env': 'the runtime stage sets NODE_ENV=production',
  'non-root-user': 'the runtime stage ends as a non-root USER',
  healthcheck: "the runtime stage has a HEALTHCHECK that calls the service's /health with node",
  'exec-form-cmd': 'the runtime stage starts with an exec-form CMD ["node", ...]',
  stopsignal: 'the runtime stage declares STOPSIGNAL SIGTERM or SIGINT, which the service drains on',
  'no-root-dockerfile': 'no Dockerfile at the repository root (one service = one image)',
  'no-start-service-script': 'no start-service scripts that pick a service at run time',
} as const;

export type RuleId = keyof typeof RULES;

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly rule: RuleId;
  readonly message: string;
}

export interface ServiceExpectation {
  readonly file: string;
  readonly serviceDir: string;
  /** Folders of the workspace packages the service depends on, transitively. */
  readonly dependencyDirs: readonly string[];
  readonly headerMarker: string;
}

/** Current Node LTS lines: 18 is end-of-life; odd majors are never LTS. */
export const LTS_MAJORS = [22, 24] as const;
const STAGES = ['base', 'deps', 'builder', 'runtime'] as const;
/** A package manager by name or by path, Node's or the system's. */
const PACKAGE_MANAGER = /(^|[\s;&|(/])(npm|npx|pnpm|pnpx|yarn|corepack|apk|apt|apt-get|dpkg)(\s|$)/;
/** A command that changes owners or modes (the runtime stage leaves the code as root made it). */
const OWNERSHIP = /(^|[\s;&|(/])(chown|chmod|chgrp)(\s|$)/;
/** Files that always belong in a builder: the lockfile, workspace file and shared compiler settings. */
const ROOT_FILES = new Set(['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', '.npmrc', 'tsconfig.base.json', 'tsconfig.package.json']);
/** What `pnpm deploy` writes: the only thing the runtime stage may take from the builder. */
const DEPLOY_DIR = '/out';

/** SIGTERM and SIGINT as Docker reads a STOPSIGNAL: by name, without SIG, or by number. */
const DRAINING_SIGNALS: ReadonlySet<string> = new Set(['SIGTERM', 'TERM', '15', 'SIGINT', 'INT', '2']);

/**
 * The value an environment variable has at the end of a stage, with the line that set it: `ENV a=b c=d`,
 * or the legacy `ENV key value...` (one variable, the rest of the line its value).
 */
function finalEnv(stage: Stage, key: string): { readonly value: string; readonly line: number } | undefined {
  let found: { value: string; line: number } | undefined;
  for (const i of stage.instructions) {
    if (i.keyword !== 'ENV') continue;
    // Stryker disable next-line StringLiteral: a bare ENV (docker build refuses it) has no first word; any default is no key and holds no '='
    const [first = '', ...rest] = i.args;
    if (!first.includes('=')) {
      if (first === key) found = { value: rest.join(' '), line: i.line };
      continue;
    }
    for (const pair of i.args) if (pair.startsWith(`${key}=`)) found = { value: pair.slice(key.length + 1), line: i.line };
  }
  return found;
}

/** A COPY's or ADD's sources: its arguments before the destination, its here-documents (inline text) left out. */
function copySources(i: DockerInstruction): string[] {
  return i.args.slice(0, -1).filter((a) => !i.heredocs.includes(a));
}

/** A RUN's command on one line: the instruction's own text, then its here-documents' lines after `; `. */
function shownCommand(i: DockerInstruction): string {
  return [i.text, ...i.heredocLines].join('; ');
}

/** The first word of a shell command, past an `exec`. */
function shellProgram(script: string): string {
  const words = script.trim().split(/\s+/);
  // Stryker disable next-line StringLiteral: equivalent: a lone exec names no /health, which the rule checks first
  return (words[0] === 'exec' ? words[1] : words[0]) ?? '';
}

/**
 * The program a HEALTHCHECK runs: the first item (exec form) or word (shell form) after `CMD`, past an
 * `exec`, and inside a `sh -c` (`/bin/sh`, `bash`) the script's own first program.
 */
function healthProgram(text: string): string {
  // Stryker disable next-line Regex: equivalent without ^ (the text after the flags starts with CMD)
  const command = text.replace(/^CMD\s+/i, '');
  try {
    const parsed: unknown = JSON.parse(command);
    const items: unknown[] = Array.isArray(parsed) ? parsed : [];
    const [program, flag, script] = items;
    if (typeof program === 'string') return /(^|\/)(?:ba)?sh$/.test(program) && flag === '-c' && typeof script === 'string' ? shellProgram(script) : program;
  } catch {
    // Not JSON: Docker runs it in shell form, and so do we.
  }
  return shellProgram(command);
}

interface Mount {
  readonly spec: string;
  readonly type: string;
  readonly from: string | undefined;
  /** Relative to the build context (or to `from`): '' is its root. */
  readonly source: string;
}

/**
 * A RUN's `--mount` options as BuildKit reads them (`type=bind,source=x,target=/y`): the type is `bind` when
 * none is given, and a bind mount without `from` reads the build context, from its root when no source is given.
 */
function mountsOf(i: DockerInstruction): Mount[] {
  if (i.keyword !== 'RUN') return [];
  return (i.flags['mount'] ?? []).map((spec) => {
    const options = new Map<string, string>();
    for (const part of spec.split(',')) {
      const eq = part.indexOf('=');
      options.set((eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase(), eq < 0 ? '' : part.slice(eq + 1));
    }
    return { spec, type: options.get('type') ?? 'bind', from: options.get('from'), source: contextPath(options.get('source') ?? options.get('src') ?? '') };
  });
}

/**
 * A mount's source as BuildKit resolves it: cleaned from the context's root, `.` and `..` folded and `..` stopping
 * at the root (`services/a/../b` is services/b, `../../x` is x), without the leading and trailing slashes.
 */
function contextPath(source: string): string {
  return posix.normalize(`/${source}`).replace(/^\/+/, '').replace(/\/+$/, '');
}

/**
 * The `builder-scope` violations of a stage's RUN mounts: a bind mount of the build context whose source is
 * not `inScope`, and a bind mount of another image (an earlier stage of this Dockerfile, by name or number, is in scope).
 */
function mountScope(
  stage: Stage,
  stages: readonly string[],
  inScope: (source: string) => boolean,
  outOfScope: (m: Mount) => string,
): { readonly line: number; readonly message: string }[] {
  const out: { line: number; message: string }[] = [];
  for (const i of stage.instructions) {
    for (const m of mountsOf(i)) {
      if (contextMount(m)) {
        if (!inScope(m.source)) out.push({ line: i.line, message: outOfScope(m) });
      } else if (m.type === 'bind' && m.from !== undefined && !stages.includes(m.from) && !/^\d+$/.test(m.from)) {
        out.push({ line: i.line, message: `RUN --mount=${m.spec} brings files from outside the build context into the builder` });
      }
    }
  }
  return out;
}

/** A bind mount of the build context (no `from`): what it reads, as a message names it. */
const contextMount = (m: Mount) => m.type === 'bind' && m.from === undefined;
const mountedWhat = (m: Mount) => (m.source === '' ? 'the whole build context' : `${m.source} of the build context`);

function last(stage: Stage, keyword: string): DockerInstruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

export function checkDockerfile(parsed: ParsedDockerfile, expect: ServiceExpectation): Violation[] {
  const out: Violation[] = [];
  const add = (rule: RuleId, line: number, message: string) => out.push({ file: expect.file, line, rule, message });

  if (!parsed.firstLine.includes(expect.headerMarker)) add('generated-header', 1, `first line must be the generated header containing "${expect.headerMarker}"`);

  const nodeArg = parsed.globalArgs.find((a) => a.args[0]?.startsWith('NODE_IMAGE'));
  // Stryker disable next-line OptionalChaining: args[0]?. is equivalent (nodeArg was found by its args[0]); the nodeArg?. variant is killed by the no-NODE_IMAGE test
  const defaultImage = nodeArg?.args[0]?.split('=')[1];
  const major = Number(defaultImage?.match(/^(?:.*\/)?node:(\d+)/)?.[1]);
  // The minimal runtime of the brief: Alpine by default; CI and the lab pass their own base with --build-arg.
  // Stryker disable next-line Regex,StringLiteral: equivalent: without ^ the LTS test below refuses first a name that does not start so, and it refuses an undefined default too (the $ variant is killed)
  const alpine = /^(?:.*\/)?node:[^@/]*-alpine[0-9.]*(?:@sha256:[0-9a-f]{64})?$/.test(defaultImage ?? '');
  if (!nodeArg) add('node-image-arg', 1, 'missing global `ARG NODE_IMAGE=node:<LTS>-alpine` before the first FROM');
  else if (!(LTS_MAJORS as readonly number[]).includes(major)) {
    add('node-image-arg', nodeArg.line, `default NODE_IMAGE ${JSON.stringify(defaultImage ?? '')} is not a current Node LTS (${LTS_MAJORS.map((m) => `node:${m}`).join(', ')})`);
  } else if (!alpine) {
    add(
      'node-image-arg',
      nodeArg.line,
      `default NODE_IMAGE ${JSON.stringify(defaultImage)} is not an Alpine image (node:<LTS>-alpine, e.g. node:24-alpine); a build may pass another with --build-arg NODE_IMAGE`,
    );
  }

  const names = parsed.stages.map((s) => s.name ?? '(unnamed)');
  if (names.join(',') !== STAGES.join(',')) {
    add('four-stages', parsed.stages[0]?.line ?? 1, `stages are [${names.join(', ')}]; expected [${STAGES.join(', ')}]`);
  }
  const stage = (name: (typeof STAGES)[number]) => parsed.stages.find((s) => s.name === name);
  const [base, deps, builder] = [stage('base'), stage('deps'), stage('builder')];
  const runtime = parsed.stages.at(-1);
  for (const s of [base, runtime]) {
    if (s && nodeArg && s.image !== '${NODE_IMAGE}') add('node-image-arg', s.line, `stage ${s.name ?? '(unnamed)'} builds FROM ${s.image}; expected FROM \${NODE_IMAGE}`);
  }

  if (deps) {
    // The builder starts FROM deps: anything copied here is in every builder, whatever the service needs.
    for (const copy of deps.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
      for (const src of copySources(copy)) {
        // Stryker disable next-line Regex: equivalent: no root file holds a slash, so removing the first run of slashes instead of the trailing ones gives the same answer
        if (!ROOT_FILES.has(src.replace(/\/+$/, ''))) {
          add('builder-scope', copy.line, `the deps stage copies ${src}, which is not one of the root files (${[...ROOT_FILES].join(', ')}); the builder inherits it`);
        }
      }
    }
    // A bind mount is a copy for the length of one RUN: what that RUN writes (and its cache key) depends on it.
    const mounted = mountScope(
      deps,
      names,
      (source) => ROOT_FILES.has(source),
      (m) => `the deps stage mounts ${mountedWhat(m)} (RUN --mount=${m.spec}), which is not one of the root files (${[...ROOT_FILES].join(', ')}); the builder inherits it`,
    );
    for (const { line, message } of mounted) add('builder-scope', line, message);
    const fills = deps.instructions.some(
      // Stryker disable next-line ArrayDeclaration: equivalent: a RUN without --mount has no cache mount, and neither has a list holding one placeholder that is no mount
      (i) => i.keyword === 'RUN' && /\bpnpm\s+(fetch|install)\b/.test(shownCommand(i)) && (i.flags['mount'] ?? []).some((m) => m.includes('type=cache')),
    );
    if (!fills) add('pnpm-store-cache', deps.line, 'no `RUN --mount=type=cache,... pnpm fetch` in the deps stage');
  }

  if (builder) {
    const allowed = new Set([expect.serviceDir, ...expect.dependencyDirs]);
    const copied = new Set<string>();
    for (const copy of builder.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
      const from = copy.flags['from']?.[0];
      if (from !== undefined) {
        // An earlier stage of this Dockerfile (by name or number) is in scope; another image is not.
        if (!names.includes(from) && !/^\d+$/.test(from)) {
          add('builder-scope', copy.line, `${copy.keyword} --from=${from} ${copy.text} brings files from outside the build context into the builder`);
        }
        continue;
      }
      for (const src of copySources(copy)) {
        const dir = src.replace(/\/+$/, '');
        if (ROOT_FILES.has(src) || ROOT_FILES.has(dir)) continue;
        if (allowed.has(dir)) copied.add(dir);
        else
          add(
            'builder-scope',
            copy.line,
            `copies ${src}, which is neither ${expect.serviceDir} nor one of its workspace dependencies (${expect.dependencyDirs.join(', ') || 'none'})`,
          );
      }
    }
    const mounted = mountScope(
      builder,
      names,
      (source) => ROOT_FILES.has(source) || [...allowed].some((dir) => source === dir || source.startsWith(`${dir}/`)),
      (m) =>
        `RUN --mount=${m.spec} mounts ${mountedWhat(m)}, which is neither ${expect.serviceDir} nor one of its workspace dependencies (${expect.dependencyDirs.join(', ') || 'none'})`,
    );
    for (const { line, message } of mounted) add('builder-scope', line, message);
    for (const dir of allowed) if (!copied.has(dir)) add('builder-scope', builder.line, `does not copy ${dir}/, which ${expect.serviceDir} needs to build`);
    if (!builder.instructions.some((i) => i.keyword === 'RUN' && /\bpnpm\b.*\bdeploy\b.*--prod\b/.test(shownCommand(i))))
      add('pnpm-deploy', builder.line, 'no `pnpm ... deploy --prod` in the builder stage');
  }

  if (!runtime) return out;
  for (const i of runtime.instructions) {
    if (i.keyword === 'COPY' || i.keyword === 'ADD') {
      const sources = i.args.slice(0, -1).map((a) => a.replace(/\/+$/, ''));
      if (i.flags['from']?.[0] !== 'builder') add('runtime-from-builder', i.line, `${i.keyword} ${i.text} does not come from the builder stage`);
      else if (sources.some((src) => src !== DEPLOY_DIR)) add('runtime-from-builder', i.line, `${i.keyword} ${i.text} copies more than the deployed folder ${DEPLOY_DIR}`);
    }
    const shown = shownCommand(i);
    const shell = i.keyword === 'RUN' ? (i.execForm ? i.args.join(' ') : shown) : undefined;
    // Stryker disable next-line ConditionalExpression: equivalent (true): RegExp#test reads undefined as "undefined", which names no package manager
    if (shell !== undefined && PACKAGE_MANAGER.test(shell)) add('no-package-manager', i.line, `runs a package manager: ${shown}`);
    // The code stays root's, so that the process cannot rewrite it.
    // (--chown and --chmod are COPY's and ADD's flags.)
    const owner = i.flags['chown']?.[0];
    if (owner !== undefined) {
      const ownerUser = owner.replace(/:.*/s, '');
      if (!isRootUserName(ownerUser)) add('non-root-user', i.line, `${i.keyword} --chown=${owner} gives the code to ${ownerUser}, which could rewrite it; leave it to root`);
    }
    const mode = i.flags['chmod']?.[0];
    if (mode !== undefined) add('non-root-user', i.line, `${i.keyword} --chmod=${mode} changes the modes of the code; leave them as the build made them`);
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder in place of no mounts names no from=
    const mounted = (i.flags['mount'] ?? []).find((m) => /(^|,)from=/.test(m));
    if (mounted !== undefined) {
      add('runtime-from-builder', i.line, `${i.keyword} --mount=${mounted} reads another stage or image; the runtime stage takes only ${DEPLOY_DIR}, with COPY --from=builder`);
    }
    const context = mountsOf(i).find(contextMount);
    if (context !== undefined) {
      add('runtime-from-builder', i.line, `RUN --mount=${context.spec} reads the build context; the runtime stage takes only ${DEPLOY_DIR}, with COPY --from=builder`);
    }
    if (shell !== undefined && OWNERSHIP.test(shell)) {
      add('non-root-user', i.line, `RUN ${shown} changes who owns or may write files; leave the code to root`);
    }
  }
  const nodeEnv = finalEnv(runtime, 'NODE_ENV');
  if (nodeEnv === undefined) add('node-env', runtime.line, 'NODE_ENV=production is not set');
  else if (nodeEnv.value !== 'production') add('node-env', nodeEnv.line, `NODE_ENV is ${nodeEnv.value} at the end, not production`);

  const user = last(runtime, 'USER');
  const who = user?.args[0]?.split(':')[0];
  // A bare `USER` names nobody (docker build refuses it).
  if (!user) add('non-root-user', runtime.line, 'no USER: the process would run as root');
  else if (who === undefined || who === '') add('non-root-user', user.line, 'final USER names no user');
  else if (who.includes('$')) add('non-root-user', user.line, `final USER ${user.text} is not written out; name the user (node) so that the check can see it`);
  else if (isRootUserName(who)) add('non-root-user', user.line, `final USER is ${who}`);

  const health = last(runtime, 'HEALTHCHECK');
  if (!health || /^NONE\b/i.test(health.text)) add('healthcheck', health?.line ?? runtime.line, 'no HEALTHCHECK');
  else if (!health.text.includes('/health')) add('healthcheck', health.line, 'the HEALTHCHECK does not call /health');
  else if (!/(^|\/)node$/.test(healthProgram(health.text))) {
    add(
      'healthcheck',
      health.line,
      `the HEALTHCHECK runs ${healthProgram(health.text)}, which a Node image need not have (alpine has no curl, slim neither curl nor wget) and the runtime stage may not install; make the request with node, as the generated HEALTHCHECK does`,
    );
  }

  const cmd = last(runtime, 'CMD');
  if (!cmd?.execForm || cmd.args[0] !== 'node') {
    add('exec-form-cmd', cmd?.line ?? runtime.line, cmd ? `CMD ${cmd.text} is not exec form starting with "node"` : 'no CMD');
  }
  if (runtime.instructions.some((i) => i.keyword === 'ENTRYPOINT')) add('exec-form-cmd', runtime.line, 'ENTRYPOINT would wrap the CMD; start node directly');

  const stop = last(runtime, 'STOPSIGNAL');
  // Stryker disable next-line StringLiteral: the '' after ?? (a bare STOPSIGNAL) is equivalent: neither it nor any placeholder is SIGTERM or SIGINT; the other strings of the line are killed
  if (!stop || !DRAINING_SIGNALS.has(stop.args[0] ?? '')) add('stopsignal', stop?.line ?? runtime.line, stop ? `STOPSIGNAL ${stop.text}` : 'no STOPSIGNAL');
  return out;
}

/** A manifest's scripts, by the manifest's path. */
export interface ManifestScripts {
  readonly file: string;
  readonly scripts: Readonly<Record<string, string>>;
}

/**
 * Repository-level rules: no root Dockerfile, no start-service scripts. `files` are tracked paths;
 * `manifests` the scripts of the root manifest and of every workspace package (a service started
 * through its own `start` script that picks a service is the same pattern as a root one).
 */
export function checkRepository(files: readonly string[], manifests: readonly ManifestScripts[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    if (/^(Dockerfile|Containerfile)(\..+)?$/i.test(f) && !f.endsWith('.dockerignore'))
      out.push({ file: f, line: 1, rule: 'no-root-dockerfile', message: 'a root Dockerfile builds the whole monorepo into one image; delete it' });
    if (/(^|\/)start-service[^/]*$/i.test(f) && !f.startsWith('test/'))
      out.push({ file: f, line: 1, rule: 'no-start-service-script', message: 'picks a service at run time; each image starts its own service with CMD' });
  }
  for (const { file, scripts } of manifests) {
    for (const [name, command] of Object.entries(scripts)) {
      if (/start-service/i.test(`${name} ${command}`)) {
        out.push({ file, line: 1, rule: 'no-start-service-script', message: `script ${JSON.stringify(name)} starts a service chosen at run time` });
      }
    }
  }
  return out;
}
