/**
 * pipeline.config.ts read as untrusted input, once, into a typed value: every setting present, of its
 * form, and no setting the pipeline does not know. The file is TypeScript, but nothing type-checks it on
 * the way to a run (esbuild and tsx strip types), and a value of the right type can still be wrong for
 * what reads it: an empty marker, a branch that GitHub's filters read as a pattern, a negated ignore
 * glob that ignores everything. The first problem is one line naming the setting, the value and the
 * expected form (exit 2), before any command, generator or bundle uses the config.
 */
import type { DeployTarget, Environment, PipelineConfig, Registry } from './config.js';
import { InputError } from './errors.js';
import { isGitBranchName } from './git/ref-name.js';
import { COMPONENT, REGISTRY_HOST, TAG } from './images/image-ref.js';
import { isRecord } from './json.js';
import { quote } from './quote.js';

export const CONFIG_FILE = 'pipeline.config.ts';

/** The value as an error shows it: text quoted, anything else by its kind. */
function shown(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : 'an object';
}

function bad(path: string, value: unknown, expected: string): InputError {
  return new InputError(`${CONFIG_FILE}: ${path} is ${shown(value)}; expected ${expected}`);
}

/** An object's own settings, every key one of `known` (a misspelt setting would be silently unused); '' is the config itself. */
function settings(path: string, value: unknown, known: readonly string[]): (key: string) => unknown {
  if (!isRecord(value)) throw bad(path === '' ? 'the config' : path, value, `an object with ${known.join(', ')}`);
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    // A key is shown as written when it is a plain name, quoted otherwise (a line break in it stays on the line).
    const key = /^[A-Za-z_$][\w$]{0,79}$/.test(unknown) ? unknown : quote(unknown);
    throw new InputError(`${CONFIG_FILE}: ${path === '' ? '' : `${path}.`}${key} is not a setting; expected one of: ${known.join(', ')}`);
  }
  return (key) => (Object.hasOwn(value, key) ? value[key] : undefined);
}

/** A control character (C0, DEL, C1) or a line or paragraph separator: no setting holds one. */
function hasControl(value: string): boolean {
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

function text(path: string, value: unknown, expected: string, valid: (s: string) => boolean): string {
  if (typeof value !== 'string' || hasControl(value) || !valid(value)) throw bad(path, value, expected);
  return value;
}

function list<T>(path: string, value: unknown, item: (path: string, value: unknown) => T): T[] {
  if (!Array.isArray(value)) throw bad(path, value, 'a list');
  // Every index, holes included (`['a', , 'b']`: map would skip the hole and keep it).
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) out.push(item(`${path}[${i}]`, value[i]));
  return out;
}

/**
 * A branch name `git check-ref-format --branch` accepts (git's refs.c), that GitHub's branch filters
 * (`on.push.branches`) read as itself (no `+`, no leading `!`; git refuses `* ? [` already), and without
 * `$ { }`: the name is written into workflow expressions and environment values.
 */
export function isBranchName(name: string): boolean {
  // '@' is a name git takes, but also its short form of HEAD in a revision.
  return isGitBranchName(name) && name !== '@' && !name.startsWith('!') && !hasControl(name) && !/[+${}]/.test(name);
}

const BRANCH = 'a branch name (git check-ref-format --branch) without + or a leading !, which GitHub\'s branch filters read as patterns, or $ { }, e.g. "main"';

/**
 * A relative path inside the repository: no leading '/', no '.' or '..' segment, no empty segment, no
 * backslash; a leading './' is allowed (the readers join or strip it).
 */
function isRelativePath(path: string): boolean {
  const rest = path.startsWith('./') ? path.slice(2) : path;
  return !rest.includes('\\') && rest.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const RELATIVE = 'from the repository root (no leading "/", no empty, "." or ".." segment, no backslash)';

/**
 * A glob from the repository root: a relative path, and no leading '!' (a negation among globs any of
 * which may match would match every other file).
 */
function glob(path: string, value: unknown): string {
  return text(path, value, `a glob ${RELATIVE} without a leading "!", e.g. "docs/**"`, (g) => !g.startsWith('!') && isRelativePath(g));
}

/** A folder glob: the same, with trailing slashes allowed (core/workspace/folder-globs.ts drops them). */
function folderGlob(path: string, value: unknown): string {
  return text(path, value, `a folder glob ${RELATIVE} without a leading "!", e.g. "services/*"`, (g) => !g.startsWith('!') && isRelativePath(g.replace(/\/+$/, '')));
}

const LABEL = /^[^\s,[\]{}$]+$/;
const LABELS = 'one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]';

/** `runs-on`: one label, or a non-empty list of distinct labels. */
function runnerLabels(path: string, value: unknown): string | [string, ...string[]] {
  if (!Array.isArray(value)) return text(path, value, LABELS, (l) => LABEL.test(l));
  const labels = list(path, value, (item, v) => text(item, v, LABELS, (l) => LABEL.test(l)));
  const [first, ...rest] = labels;
  if (first === undefined) throw bad(path, value, LABELS);
  // GitHub matches labels without regard to case.
  const lower = labels.map((l) => l.toLowerCase());
  const twice = labels.find((l, i) => lower.indexOf(l.toLowerCase()) !== i);
  if (twice !== undefined) throw bad(path, value, `each label once (${quote(twice)} is listed twice)`);
  return [first, ...rest];
}

/** GitHub's rule for a secret's name. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET = 'a GitHub secret name (letters, digits, _; not starting with a digit or GITHUB_), e.g. "REGISTRY_PASSWORD"';

function secretName(path: string, value: unknown): string {
  return text(path, value, SECRET, (s) => SECRET_NAME.test(s) && !s.toUpperCase().startsWith('GITHUB_'));
}

function registry(value: unknown): Registry {
  if (!isRecord(value)) throw bad('registry', value, 'an object with kind "ghcr" or "custom"');
  const kind = Object.hasOwn(value, 'kind') ? value['kind'] : undefined;
  if (kind === 'ghcr') {
    settings('registry', value, ['kind']);
    return { kind };
  }
  if (kind === 'custom') {
    const get = settings('registry', value, ['kind', 'host', 'namespace', 'usernameSecret', 'passwordSecret']);
    return {
      kind,
      host: text('registry.host', get('host'), 'a registry host[:port], e.g. "registry.example.com" (no scheme, no path)', (h) => REGISTRY_HOST.test(h)),
      namespace: text('registry.namespace', get('namespace'), 'lowercase image path components joined by "/", e.g. "acme/shop"', (n) =>
        n.split('/').every((c) => COMPONENT.test(c)),
      ),
      usernameSecret: secretName('registry.usernameSecret', get('usernameSecret')),
      passwordSecret: secretName('registry.passwordSecret', get('passwordSecret')),
    };
  }
  throw bad('registry.kind', kind, '"ghcr" or "custom"');
}

/** `owner/name` as GitHub spells them (an Enterprise Managed User's owner holds `_<shortcode>`). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?\/[A-Za-z0-9._-]{1,100}$/;

/** docker compose's rule for a project name. */
const COMPOSE_PROJECT = /^[a-z0-9][a-z0-9_-]*$/;
/** A Kubernetes namespace: a DNS-1123 label. */
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function target(path: string, value: unknown): DeployTarget {
  if (!isRecord(value)) throw bad(path, value, 'an object with kind "compose" or "kubernetes"');
  const kind = Object.hasOwn(value, 'kind') ? value['kind'] : undefined;
  if (kind === 'compose') {
    const get = settings(path, value, ['kind', 'file', 'project']);
    return {
      kind,
      file: text(`${path}.file`, get('file'), `a compose file path ${RELATIVE}, e.g. "docker-compose.yml"`, isRelativePath),
      project: text(`${path}.project`, get('project'), 'a compose project name (lowercase letters, digits, - and _), e.g. "shop-staging"', (p) => COMPOSE_PROJECT.test(p)),
    };
  }
  if (kind === 'kubernetes') {
    const get = settings(path, value, ['kind', 'namespace', 'context']);
    const context = get('context');
    const namespace = text(`${path}.namespace`, get('namespace'), 'a Kubernetes namespace (a DNS-1123 label), e.g. "shop-staging"', (n) => DNS_LABEL.test(n));
    if (context === undefined) return { kind, namespace };
    return { kind, namespace, context: text(`${path}.context`, context, 'a kubectl context name, or no context setting', (c) => c.trim() !== '') };
  }
  throw bad(`${path}.kind`, kind, '"compose" or "kubernetes"');
}

/**
 * A deploy may wait twice, for the new image and then for its rollback (io/targets/target.ts), within the
 * deploy job's 30 minutes (deploy.wac.ts) and its other steps: a longer wait would be cut by GitHub mid-rollback.
 */
export const MAX_HEALTH_TIMEOUT_SECONDS = 780;

function environment(path: string, value: unknown): Environment {
  const get = settings(path, value, ['name', 'url', 'requires', 'target', 'healthTimeoutSeconds', 'minReadySeconds']);
  // The name is also the image tag a deploy moves to the digest it deployed (commands/deploy).
  const name = text(
    `${path}.name`,
    get('name'),
    'an environment name that is also an image tag (letters, digits, _ . -, up to 128, not starting with . or -), e.g. "staging"',
    (n) => TAG.test(n),
  );

  const timeout = get('healthTimeoutSeconds');
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isInteger refuses what is not a number (the typeof is for the type)
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_HEALTH_TIMEOUT_SECONDS) {
    throw bad(
      `${path}.healthTimeoutSeconds`,
      timeout,
      `a whole number of seconds from 1 to ${MAX_HEALTH_TIMEOUT_SECONDS} (a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    );
  }
  const url = get('url');
  const requires = get('requires');
  const deployTarget = target(`${path}.target`, get('target'));
  const minReady = minReadySeconds(`${path}.minReadySeconds`, get('minReadySeconds'), timeout, deployTarget);
  return {
    name,
    ...(url === undefined ? {} : { url: text(`${path}.url`, url, 'an http(s) URL, e.g. "https://staging.example.com"', isWebUrl) }),
    ...(requires === undefined ? {} : { requires: text(`${path}.requires`, requires, 'the name of another environment', (r) => r !== '') }),
    target: deployTarget,
    healthTimeoutSeconds: timeout,
    ...(minReady === undefined ? {} : { minReadySeconds: minReady }),
  };
}

/**
 * Environment.minReadySeconds: whole seconds, within what is left of the bound once the health timeout
 * is counted (a deploy waits for both, twice with a rollback), and for a compose target only.
 */
function minReadySeconds(path: string, value: unknown, healthTimeoutSeconds: number, deployTarget: DeployTarget): number | undefined {
  if (value === undefined) return undefined;
  if (deployTarget.kind === 'kubernetes') {
    throw bad(path, value, "no minReadySeconds for a kubernetes target: set spec.minReadySeconds on the service's Deployment (kubectl rollout status waits for it)");
  }
  const most = MAX_HEALTH_TIMEOUT_SECONDS - healthTimeoutSeconds;
  // Stryker disable next-line ConditionalExpression: equivalent: Number.isInteger refuses what is not a number (the typeof is for the type)
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > most) {
    throw bad(
      path,
      value,
      `a whole number of seconds from 0 to ${most} (with healthTimeoutSeconds ${healthTimeoutSeconds}, at most ${MAX_HEALTH_TIMEOUT_SECONDS} in all: a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    );
  }
  return value;
}

function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:';
}

/** Unique names (GitHub's are not case sensitive), and each `requires` names another one, without a loop. */
function checkPromotionOrder(environments: readonly Environment[]): void {
  const byName = new Map<string, Environment>();
  for (const [i, env] of environments.entries()) {
    const key = env.name.toLowerCase();
    const twin = byName.get(key);
    if (twin !== undefined) throw bad(`environments[${i}].name`, env.name, `a name no other environment has (GitHub's are not case sensitive; ${quote(twin.name)} is taken)`);
    byName.set(key, env);
  }
  for (const [i, env] of environments.entries()) {
    const seen = [env.name];
    let at = env.requires;
    while (at !== undefined) {
      const required = byName.get(at.toLowerCase());
      if (required === undefined || required.name !== at) {
        throw bad(`environments[${i}].requires`, env.requires, `the name of another environment: one of ${environments.map((e) => quote(e.name)).join(', ')}`);
      }
      if (seen.includes(at)) throw bad(`environments[${i}].requires`, env.requires, `a promotion order without a loop (${[...seen, at].join(' -> ')})`);
      seen.push(at);
      at = required.requires;
    }
  }
}

/**
 * An environment's name is the registry tag each deploy moves (commands/deploy): it must be none of the
 * tags CI and releases set, or a deploy would move `main`, `latest` or a version, and CI's or a release's
 * next tag operation would meet a digest it did not set.
 */
function checkEnvironmentTags(environments: readonly Environment[], defaultBranch: string): void {
  for (const [i, { name }] of environments.entries()) {
    if (name === 'latest' || name === defaultBranch || /^sha-[0-9a-f]+$/.test(name) || /^[0-9]/.test(name) || /^(?:quarantined-|sha256-)/.test(name)) {
      throw bad(
        `environments[${i}].name`,
        name,
        `a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch ${quote(defaultBranch)}, sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
      );
    }
  }
}

/** The config, checked: the same settings, typed from what was read. */
export function checkConfig(value: unknown): PipelineConfig {
  const get = settings('', value, ['defaultBranch', 'registry', 'publishRepository', 'services', 'affected', 'versions', 'runners', 'environments', 'release']);
  const services = settings('services', get('services'), ['marker', 'dockerfileTargets', 'dockerfileTemplate']);
  const affected = settings('affected', get('affected'), ['globalInputs', 'ignore', 'rootManifestFields']);
  const versions = settings('versions', get('versions'), ['node']);
  const runners = settings('runners', get('runners'), ['default', 'build']);
  const build = runners('build');
  const release = settings('release', get('release'), ['makeLatest']);
  const makeLatest = release('makeLatest');
  if (makeLatest !== 'true' && makeLatest !== 'false' && makeLatest !== 'legacy') throw bad('release.makeLatest', makeLatest, '"true", "false" or "legacy"');
  const defaultBranch = text('defaultBranch', get('defaultBranch'), BRANCH, isBranchName);
  const environments = list('environments', get('environments'), environment);
  checkEnvironmentTags(environments, defaultBranch);
  checkPromotionOrder(environments);
  return {
    defaultBranch,
    registry: registry(get('registry')),
    publishRepository: text(
      'publishRepository',
      get('publishRepository'),
      'owner/name of a GitHub repository, e.g. "acme/shop"',
      (r) => REPOSITORY.test(r) && !r.endsWith('/.') && !r.endsWith('/..'),
    ),
    services: {
      marker: text(
        'services.marker',
        services('marker'),
        'a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)',
        (m) => m !== '.' && m !== '..' && !/[/\\]/.test(m) && m.trim() === m && m !== '',
      ),
      dockerfileTargets: list('services.dockerfileTargets', services('dockerfileTargets'), folderGlob),
      dockerfileTemplate: text('services.dockerfileTemplate', services('dockerfileTemplate'), `a file path ${RELATIVE}, e.g. "services/Dockerfile.template"`, isRelativePath),
    },
    affected: {
      globalInputs: list('affected.globalInputs', affected('globalInputs'), glob),
      ignore: list('affected.ignore', affected('ignore'), glob),
      rootManifestFields: list('affected.rootManifestFields', affected('rootManifestFields'), (path, v) =>
        text(path, v, 'a package.json field name, e.g. "engines"', (f) => f.trim() === f && f !== ''),
      ),
    },
    versions: {
      node: text('versions.node', versions('node'), 'a Node.js version: a major, major.minor or major.minor.patch, e.g. "24"', (v) =>
        /^[1-9]\d*(?:\.(?:0|[1-9]\d*)){0,2}$/.test(v),
      ),
    },
    runners: { default: runnerLabels('runners.default', runners('default')), ...(build === undefined ? {} : { build: runnerLabels('runners.build', build) }) },
    environments,
    release: { makeLatest },
  };
}
