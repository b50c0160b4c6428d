/**
 * The runtime rules of a service image ("one service = one image"), judged over evidence gathered from
 * the image and a container started from it. Pure: evidence and expectations in, one result per rule
 * out, each naming the rule and the evidence that decided it.
 */
import type { ImageEvidence } from './evidence.js';
import { isRootUserName } from '../root-user.js';

export const RULE_IDS = ['healthy', 'non-root', 'signals', 'only-this-service', 'no-dev-dependencies', 'compiled-only', 'no-pnpm', 'oci-labels'] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const RULES: Readonly<Record<RuleId, string>> = {
  healthy: 'a container of the image starts and its HEALTHCHECK reports healthy',
  'non-root': 'the image sets a non-root USER and every process of the container runs with a non-zero uid',
  signals:
    "PID 1 of the container is the image's CMD, a node process with no shell or wrapper in between, and on SIGTERM it exits 0 by its own handler within compose's stop_grace_period",
  'only-this-service': '/app holds this service (its package.json), and the layers above the base image hold nothing of any other service, in /app or elsewhere',
  'no-dev-dependencies': 'no devDependency of the service, its workspace libraries or the workspace root is installed anywhere in the layers above the base image',
  'compiled-only':
    'no TypeScript source or compiler settings of the service or its workspace libraries anywhere in the layers above the base image: they ship compiled JavaScript (each package\'s "files": ["dist"])',
  'no-pnpm': 'no pnpm in the runtime image (no pnpm package, no pnpm/pnpx executable on PATH)',
  'oci-labels': 'org.opencontainers.image.source, .revision and .title are set (title = the service, revision = the commit built)',
};

export interface RuleResult {
  readonly rule: RuleId;
  readonly ok: boolean;
  /** What was seen: for a failure, enough to find the cause without re-running anything. */
  readonly evidence: string;
}

export interface Expectations {
  /** The service's folder name (`student-auth-service`): the image title. */
  readonly service: string;
  /** Its package name (`@kodingcaravan/student-auth-service`): the name /app/package.json must carry. */
  readonly packageName: string;
  /** `folder` the folder name, `dir` its path in the workspace (`services/student-service`). */
  readonly otherServices: readonly { readonly folder: string; readonly dir: string; readonly packageName: string }[];
  /** Package names that must not be installed (devDependencies that are not also production dependencies). */
  readonly devDependencies: readonly string[];
  /** The workspace libraries the service uses (package names): their folders in /app hold compiled code only, as the service's own. */
  readonly libraries: readonly string[];
  /** When given, the revision and source labels must equal these. */
  readonly revision?: string;
  readonly source?: string;
}

export const APP_DIR = '/app';
/** The OCI annotation naming the base image, as a label: the image the runtime stage was built FROM. */
export const BASE_LABEL = 'org.opencontainers.image.base.name';
export const LABEL = {
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  title: 'org.opencontainers.image.title',
} as const;
/** The Dockerfile's `ARG SOURCE=unknown` / `ARG REVISION=unknown`: the build did not pass them. */
const UNSET_LABEL_VALUE = 'unknown';
const SHOWN = 5;

const pass = (rule: RuleId, evidence: string): RuleResult => ({ rule, ok: true, evidence });
const fail = (rule: RuleId, evidence: string): RuleResult => ({ rule, ok: false, evidence });

function listSome(paths: readonly string[]): string {
  const more = paths.length > SHOWN ? ` (and ${paths.length - SHOWN} more)` : '';
  return `${paths.slice(0, SHOWN).join(', ')}${more}`;
}

/** Where the build rules looked: the paths of the layers above the base image's own. */
const aboveBase = (e: ImageEvidence) =>
  `the ${e.added.length} paths the build added above the base image ${e.base.image} (${e.base.layers} of ${e.config.layers.length} layers are its own)`;

const oneLine = (text: string, max = 300) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
};

export function checkHealthy(e: ImageEvidence): RuleResult {
  const o = e.outcome;
  switch (o.kind) {
    case 'healthy':
      return pass('healthy', `healthy (HEALTHCHECK ${oneLine(e.config.healthcheck?.join(' ') ?? '', 120)})`);
    case 'no-healthcheck':
      return fail('healthy', 'the image defines no HEALTHCHECK (Config.Healthcheck is empty): add one so the engine and compose can tell when it is up');
    case 'unhealthy':
      return fail(
        'healthy',
        `the health check reported unhealthy; last probe output: ${JSON.stringify(oneLine(o.probeOutput))}; container log: ${JSON.stringify(oneLine(e.logTail))}`,
      );
    case 'exited':
      return fail('healthy', `the container exited with code ${o.exitCode} before becoming healthy; container log: ${JSON.stringify(oneLine(e.logTail))}`);
    case 'timeout':
      return fail('healthy', `still "${o.status}" after ${o.seconds} s; container log: ${JSON.stringify(oneLine(e.logTail))}`);
  }
}

const isRootUser = (user: string) => {
  // Stryker disable next-line StringLiteral: split always yields a first element, so the fallback '' is never used (the ':' of this line is pinned by the root:staff test)
  const name = user.split(':')[0] ?? '';
  return name === '' || isRootUserName(name);
};

export function checkNonRoot(e: ImageEvidence): RuleResult {
  if (isRootUser(e.config.user)) {
    const what = e.config.user === '' ? 'the image sets no USER, so it runs as root' : `the image's USER is ${JSON.stringify(e.config.user)}`;
    return fail('non-root', `${what}; add \`USER node\` (uid 1000) to the runtime stage`);
  }
  const root = e.processes.filter((p) => p.uid === 0);
  if (root.length > 0)
    return fail(
      'non-root',
      `USER is ${JSON.stringify(e.config.user)} but these processes run as uid 0: ${root.map((p) => `pid ${p.pid} ${JSON.stringify(p.command)}`).join(', ')}`,
    );
  if (e.processes.length === 0) return pass('non-root', `USER ${JSON.stringify(e.config.user)} (no running process to inspect)`);
  return pass('non-root', `USER ${JSON.stringify(e.config.user)}; processes: ${e.processes.map((p) => `pid ${p.pid} uid ${p.uid} ${JSON.stringify(p.command)}`).join(', ')}`);
}

/** The SIGKILL the engine sends when the grace period ends, as an exit code (128 + 9). */
const KILLED = 137;
/** SIGTERM's default action (128 + 15): the process died of the signal, no handler of its own ran. */
const TERMINATED = 143;

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const argv = (args: readonly string[]) => JSON.stringify(args);
const sameArgs = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * DOCKER_ARCHITECTURE.md's `exec-form-cmd`, at run time: the engine signals PID 1 only, so PID 1 must be the
 * service's node (its arguments exactly the image's CMD: an ENTRYPOINT or a shell in between would be PID 1 and,
 * without a handler of its own, never pass SIGTERM on), and node must stop on it by itself: exit 0 before the
 * grace period ends, not SIGKILL (137) at its end.
 */
export function checkSignals(e: ImageEvidence): RuleResult {
  // Nothing ran to be judged; the healthy rule names the exit (one failure, one rule).
  if (e.outcome.kind === 'exited') return pass('signals', `not judged: the container exited (code ${e.outcome.exitCode}) before it could be signalled`);
  const problems: string[] = [];
  const cmd = e.config.cmd;
  const pid1 = e.processes.find((p) => p.pid === 1);
  const wrapper = e.config.entrypoint.length > 0 ? ` (its ENTRYPOINT ${argv(e.config.entrypoint)} runs first)` : '';
  if (cmd.length === 0 || basename(cmd[0] ?? '') !== 'node') problems.push(`the image's CMD ${argv(cmd)} does not start node${wrapper}`);
  if (pid1 === undefined) problems.push('no PID 1 among the processes read inside the container');
  else if (!sameArgs(pid1.args, cmd)) problems.push(`PID 1 runs ${argv(pid1.args)}, not the image's CMD ${argv(cmd)}${wrapper}`);
  const stop = e.stop;
  let stopped = '';
  if (stop === undefined) problems.push('the container was not stopped, so nothing shows that it stops on SIGTERM');
  else {
    const took = `after ${stop.seconds.toFixed(1)} s`;
    stopped = `on SIGTERM it exited 0 ${took} (stop_grace_period ${stop.graceSeconds} s)`;
    if (stop.exitCode === KILLED || stop.seconds >= stop.graceSeconds)
      problems.push(
        `on SIGTERM it did not exit within the ${stop.graceSeconds} s of compose's stop_grace_period: the engine killed it (exit ${stop.exitCode}) ${took}; PID 1 ignored SIGTERM (a process that is PID 1 has no default handler)`,
      );
    else if (stop.exitCode === TERMINATED)
      problems.push(`on SIGTERM it died of the signal itself (exit ${TERMINATED}) ${took}: no handler of the service ran, so it did not drain`);
    else if (stop.exitCode !== 0) problems.push(`on SIGTERM it exited with code ${stop.exitCode} ${took}, not 0 from the service's own shutdown`);
  }
  if (problems.length > 0)
    return fail('signals', `${problems.join('; ')}; start node directly: an exec-form CMD ["node", ...] and no ENTRYPOINT (or one that ends in \`exec "$@"\`)`);
  return pass('signals', `PID 1 is the CMD ${argv(cmd)}; ${stopped}`);
}

function manifestName(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: 'name' in a primitive throws into the catch below, arrays have no name, and typeof json.name is checked last: each weakened guard gives the same undefined
    if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'name' in json && typeof json.name === 'string') return json.name;
  } catch {
    // Not JSON: no name (the return below).
  }
  return undefined;
}

/** A pnpm virtual-store folder name (`@scope+name@1.2.3_peer...`, `name@1.2.3`) to the package name. */
export function pnpmStoreName(folder: string): string | undefined {
  const m = folder.match(/^(@[^+@/]+\+[^@/]+|[^@/+][^@/]*)@/);
  // Stryker disable next-line OptionalChaining: group 1 always participates when the pattern matches
  return m?.[1]?.replace('+', '/');
}

/**
 * Package names installed below `dir`, each with one path that shows it: `node_modules/<name>`,
 * `node_modules/@scope/<name>` at any depth, and pnpm's virtual store `node_modules/.pnpm/<name>@<version>`.
 */
export function installedPackages(files: readonly string[], dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = `${dir}/`;
  for (const path of files) {
    if (!path.startsWith(prefix)) continue;
    const parts = path.slice(prefix.length).split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      if (parts[i] !== 'node_modules') continue;
      // Stryker disable next-line StringLiteral: i < parts.length - 1, so parts[i + 1] always exists
      const first = parts[i + 1] ?? '';
      let name: string | undefined;
      if (first === '.pnpm') {
        const folder = parts[i + 2];
        name = folder === undefined ? undefined : pnpmStoreName(folder);
      } else if (first.startsWith('@')) {
        const second = parts[i + 2];
        name = second === undefined ? undefined : `${first}/${second}`;
      } else if (!first.startsWith('.')) {
        name = first;
      }
      if (name !== undefined && !out.has(name)) out.set(name, path);
    }
  }
  return out;
}

export function checkOnlyThisService(e: ImageEvidence, x: Expectations): RuleResult {
  if (e.appManifest === undefined) return fail('only-this-service', `${APP_DIR}/package.json is missing: the image does not hold a deployed service in ${APP_DIR}`);
  const name = manifestName(e.appManifest);
  if (name !== x.packageName) return fail('only-this-service', `${APP_DIR}/package.json names ${JSON.stringify(name ?? '(no name)')}, expected ${JSON.stringify(x.packageName)}`);
  const appFiles = e.added.filter((f) => f.startsWith(`${APP_DIR}/`));
  const own = e.added;
  // Installed as a package anywhere, a folder of that name inside /app, or its workspace folder anywhere.
  const installed = installedPackages(own, '');
  const found: string[] = [];
  for (const other of x.otherServices) {
    const byPackage = installed.get(other.packageName);
    const byFolder = appFiles.find((f) => f.split('/').includes(other.folder)) ?? own.find((f) => f.includes(`/${other.dir}/`) || f.endsWith(`/${other.dir}`));
    const shown = byPackage ?? byFolder;
    if (shown !== undefined) found.push(`${other.folder} (${shown})`);
  }
  if (found.length > 0) return fail('only-this-service', `the image holds code of other services: ${listSome(found)}`);
  return pass('only-this-service', `${APP_DIR}/package.json is ${x.packageName}; none of the ${x.otherServices.length} other services found in ${aboveBase(e)}`);
}

export function checkNoDevDependencies(e: ImageEvidence, x: Expectations): RuleResult {
  const installed = installedPackages(e.added, '');
  const found = x.devDependencies.filter((d) => installed.has(d)).map((d) => `${d} (${installed.get(d)})`);
  if (found.length > 0) return fail('no-dev-dependencies', `devDependencies installed: ${listSome(found)}; deploy with \`pnpm deploy --prod\` and copy only its folder`);
  return pass('no-dev-dependencies', `${installed.size} packages installed in ${aboveBase(e)}, none of the ${x.devDependencies.length} devDependencies`);
}

/** A TypeScript source (not a declaration file) or a compiler settings file. */
const isSourceFile = (path: string) => {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (/\.[cm]?tsx?$/.test(base) && !/\.d\.[cm]?ts$/.test(base)) || /^tsconfig.*\.json$/.test(base);
};

/**
 * Whether a path is the workspace's own or a workspace library's (outside node_modules, or a library at
 * any depth of node_modules, pnpm's store included): a third-party package's published files are its own business.
 */
function isOwnFile(path: string, libraries: readonly string[]): boolean {
  const parts = path.split('/');
  const last = parts.lastIndexOf('node_modules');
  if (last === -1) return true;
  // Stryker disable next-line StringLiteral: equivalent: a path ending in node_modules names no package, and no library is named "" or the placeholder
  const [first = '', second] = parts.slice(last + 1);
  return libraries.includes(first.startsWith('@') ? `${first}/${second}` : first);
}

export function checkCompiledOnly(e: ImageEvidence, x: Expectations): RuleResult {
  // Another service's folder copied in is only-this-service's finding (one failure, one rule).
  const others = new Set(x.otherServices.map((o) => o.folder));
  const found = e.added.filter((f) => {
    if (f.split('/').some((part) => others.has(part))) return false;
    return isOwnFile(f, x.libraries) && isSourceFile(f);
  });
  if (found.length > 0) {
    return fail(
      'compiled-only',
      `TypeScript sources or compiler settings in the image: ${listSome(found)}; each workspace package ships "files": ["dist"], which \`pnpm deploy --prod\` copies, and the runtime stage takes only its /out`,
    );
  }
  return pass('compiled-only', `no TypeScript source or tsconfig of the service or its ${x.libraries.length} workspace libraries in ${aboveBase(e)}`);
}

/** PATH of the image (its ENV), or the usual default when it sets none. */
function pathDirs(env: readonly string[]): string[] {
  const path = env.find((v) => v.startsWith('PATH='))?.slice('PATH='.length) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return path.split(':').filter((d) => d !== '');
}

export function checkNoPnpm(e: ImageEvidence): RuleResult {
  const bins = new Set(pathDirs(e.config.env));
  const found = new Set<string>();
  // The whole image, its base included (pnpm there runs all the same), and what a later layer deleted.
  for (const f of new Set([...e.files, ...e.added])) {
    const slash = f.lastIndexOf('/');
    const dir = f.slice(0, slash);
    const base = f.slice(slash + 1);
    if ((base === 'pnpm' || base === 'pnpx') && (bins.has(dir) || dir.endsWith('/node_modules/.bin'))) found.add(f);
    // The package itself, wherever it is installed (a listing may hold only its files, not its folder).
    // Stryker disable next-line Regex: a leading lazy .*? already matches from the first position: the anchor changes nothing
    const pkg = f.match(/^.*?\/node_modules\/(?:\.pnpm\/pnpm@[^/]+|pnpm)(?=\/|$)/)?.[0];
    if (pkg !== undefined) found.add(pkg);
  }
  if (found.size > 0) return fail('no-pnpm', `pnpm is in the runtime image: ${listSome([...found])}; install it only in the build stages`);
  return pass('no-pnpm', `no pnpm package and no pnpm/pnpx in ${[...bins].join(':')}`);
}

export function checkLabels(e: ImageEvidence, x: Expectations): RuleResult {
  const problems: string[] = [];
  for (const key of Object.values(LABEL)) {
    const value = e.config.labels[key];
    if (value === undefined || value.trim() === '') problems.push(`${key} is missing`);
    else if (value === UNSET_LABEL_VALUE) problems.push(`${key} is "${UNSET_LABEL_VALUE}" (build without --build-arg ${key === LABEL.source ? 'SOURCE' : 'REVISION'})`);
  }
  const title = e.config.labels[LABEL.title];
  if (title !== undefined && title !== '' && title !== x.service) problems.push(`${LABEL.title} is ${JSON.stringify(title)}, expected ${JSON.stringify(x.service)}`);
  for (const [key, expected] of [
    [LABEL.revision, x.revision],
    [LABEL.source, x.source],
  ] as const) {
    const value = e.config.labels[key];
    if (expected !== undefined && value !== undefined && value !== UNSET_LABEL_VALUE && value !== expected) {
      problems.push(`${key} is ${JSON.stringify(value)}, expected ${JSON.stringify(expected)}`);
    }
  }
  if (problems.length > 0) return fail('oci-labels', problems.join('; '));
  return pass(
    'oci-labels',
    Object.values(LABEL)
      .map(
        // Stryker disable next-line StringLiteral: a pass means every label is set, so the fallback '' is never used (the template of this line is pinned by the pass test)
        (k) => `${k}=${e.config.labels[k] ?? ''}`,
      )
      .join(' '),
  );
}

/** Every rule, in the order of RULES. */
export function checkImage(e: ImageEvidence, x: Expectations): RuleResult[] {
  return [checkHealthy(e), checkNonRoot(e), checkSignals(e), checkOnlyThisService(e, x), checkNoDevDependencies(e, x), checkCompiledOnly(e, x), checkNoPnpm(e), checkLabels(e, x)];
}
