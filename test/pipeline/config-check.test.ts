/**
 * pipeline.config.ts read as untrusted input (scripts/core/config-check.ts): each setting's form, and the
 * one line a wrong one gets. Each row breaks one setting of a config that passes and names the message,
 * written here from the rule, not copied from a run. Branch names are compared with
 * `git check-ref-format --branch` itself.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { pipelineConfig } from '../../pipeline.config.js';
import { checkConfig, isBranchName } from '../../scripts/core/config-check.js';
import { InputError } from '../../scripts/core/errors.js';

type Json = Record<string, unknown>;

/** A config that passes, written out (not the repository's), every optional setting used. */
function valid(): Json {
  return {
    defaultBranch: 'main',
    registry: { kind: 'custom', host: 'registry.example.com:5000', namespace: 'acme/shop', usernameSecret: 'REGISTRY_USER', passwordSecret: 'REGISTRY_PASSWORD' },
    publishRepository: 'acme/shop.web',
    services: { marker: 'Dockerfile', dockerfileTargets: ['services/*'], dockerfileTemplate: 'services/Dockerfile.template' },
    affected: { globalInputs: ['package.json', 'tsconfig*.json'], ignore: ['**/*.md', 'docs/**'], rootManifestFields: ['packageManager', 'engines'] },
    versions: { node: '24' },
    runners: { default: 'ubuntu-24.04' },
    environments: [
      {
        name: 'staging',
        url: 'https://staging.example.com',
        target: { kind: 'compose', file: 'deploy/docker-compose.yml', project: 'shop-staging' },
        healthTimeoutSeconds: 120,
        minReadySeconds: 10,
      },
      { name: 'production', requires: 'staging', target: { kind: 'kubernetes', namespace: 'shop', context: 'prod-cluster' }, healthTimeoutSeconds: 780 },
    ],
    release: { makeLatest: 'false' },
  };
}

function messageOf(value: unknown): string {
  try {
    checkConfig(value);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('the config passed');
}

/** A copy of `valid()` with the value at `path` (dots, [i] for list items) set, or removed for undefined. */
function withValue(path: string, value: unknown): Json {
  const config = valid();
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  let at: unknown = config;
  for (const key of keys.slice(0, -1)) at = (at as Json)[key];
  const last = keys.at(-1) ?? '';
  if (value === undefined) delete (at as Json)[last];
  else (at as Json)[last] = value;
  return config;
}

const F = 'pipeline.config.ts';

describe('checkConfig', () => {
  test('a config with every setting passes, read into an equal value', () => {
    expect(checkConfig(valid())).toEqual(valid());
  });

  test("the repository's own pipeline.config.ts passes", () => {
    expect(checkConfig(pipelineConfig)).toEqual(pipelineConfig);
  });

  test('GHCR takes no other registry setting; a compose target without optional settings', () => {
    const config = { ...valid(), registry: { kind: 'ghcr' }, environments: [{ name: 'dev', target: { kind: 'kubernetes', namespace: 'dev' }, healthTimeoutSeconds: 1 }] };
    expect(checkConfig(config)).toEqual(config);
  });

  test.each([0, 660])('minReadySeconds %i with healthTimeoutSeconds 120 passes (at most 780 in all)', (seconds) => {
    const config = { ...valid(), environments: [{ name: 'dev', target: { kind: 'compose', file: 'c.yml', project: 'dev' }, healthTimeoutSeconds: 120, minReadySeconds: seconds }] };
    expect(checkConfig(config)).toEqual(config);
  });

  test.each<[string, unknown, string]>([
    // Shapes: every object, and no setting the pipeline does not know.
    ['', 'x', `${F}: the config is "x"; expected an object with defaultBranch, registry, publishRepository, services, affected, versions, runners, environments, release`],
    ['servicez', {}, `${F}: servicez is not a setting; expected one of: defaultBranch, registry, publishRepository, services, affected, versions, runners, environments, release`],
    ['services', undefined, `${F}: services is missing; expected an object with marker, dockerfileTargets, dockerfileTemplate`],
    ['services.markr', 'Dockerfile', `${F}: services.markr is not a setting; expected one of: marker, dockerfileTargets, dockerfileTemplate`],
    ['affected', [], `${F}: affected is a list; expected an object with globalInputs, ignore, rootManifestFields`],
    ['versions', null, `${F}: versions is null; expected an object with node`],
    [
      'runners.default',
      undefined,
      `${F}: runners.default is missing; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    ['release', { makeLatest: 'false', draft: true }, `${F}: release.draft is not a setting; expected one of: makeLatest`],
    // The default branch: git's rule, and none of the characters GitHub's branch filters read as a pattern.
    [
      'defaultBranch',
      '',
      `${F}: defaultBranch is ""; expected a branch name (git check-ref-format --branch) without + or a leading !, which GitHub's branch filters read as patterns, or $ { }, e.g. "main"`,
    ],
    [
      'defaultBranch',
      'ma in',
      `${F}: defaultBranch is "ma in"; expected a branch name (git check-ref-format --branch) without + or a leading !, which GitHub's branch filters read as patterns, or $ { }, e.g. "main"`,
    ],
    [
      'defaultBranch',
      '!main',
      `${F}: defaultBranch is "!main"; expected a branch name (git check-ref-format --branch) without + or a leading !, which GitHub's branch filters read as patterns, or $ { }, e.g. "main"`,
    ],
    [
      'defaultBranch',
      'c++',
      `${F}: defaultBranch is "c++"; expected a branch name (git check-ref-format --branch) without + or a leading !, which GitHub's branch filters read as patterns, or $ { }, e.g. "main"`,
    ],
    [
      'defaultBranch',
      3,
      `${F}: defaultBranch is 3; expected a branch name (git check-ref-format --branch) without + or a leading !, which GitHub's branch filters read as patterns, or $ { }, e.g. "main"`,
    ],
    // Registry.
    ['registry.kind', 'ecr', `${F}: registry.kind is "ecr"; expected "ghcr" or "custom"`],
    ['registry', { kind: 'ghcr', host: 'ghcr.io' }, `${F}: registry.host is not a setting; expected one of: kind`],
    ['registry', [], `${F}: registry is a list; expected an object with kind "ghcr" or "custom"`],
    [
      'registry.host',
      'https://registry.example.com',
      `${F}: registry.host is "https://registry.example.com"; expected a registry host[:port], e.g. "registry.example.com" (no scheme, no path)`,
    ],
    ['registry.host', 'registry', `${F}: registry.host is "registry"; expected a registry host[:port], e.g. "registry.example.com" (no scheme, no path)`],
    ['registry.namespace', 'Acme', `${F}: registry.namespace is "Acme"; expected lowercase image path components joined by "/", e.g. "acme/shop"`],
    ['registry.namespace', 'acme//shop', `${F}: registry.namespace is "acme//shop"; expected lowercase image path components joined by "/", e.g. "acme/shop"`],
    [
      'registry.usernameSecret',
      'GITHUB_TOKEN',
      `${F}: registry.usernameSecret is "GITHUB_TOKEN"; expected a GitHub secret name (letters, digits, _; not starting with a digit or GITHUB_), e.g. "REGISTRY_PASSWORD"`,
    ],
    [
      'registry.passwordSecret',
      '1PASSWORD',
      `${F}: registry.passwordSecret is "1PASSWORD"; expected a GitHub secret name (letters, digits, _; not starting with a digit or GITHUB_), e.g. "REGISTRY_PASSWORD"`,
    ],
    [
      'registry.passwordSecret',
      'REGISTRY-PASSWORD',
      `${F}: registry.passwordSecret is "REGISTRY-PASSWORD"; expected a GitHub secret name (letters, digits, _; not starting with a digit or GITHUB_), e.g. "REGISTRY_PASSWORD"`,
    ],
    // The repository that publishes.
    ['publishRepository', 'shop', `${F}: publishRepository is "shop"; expected owner/name of a GitHub repository, e.g. "acme/shop"`],
    ['publishRepository', 'acme/shop/web', `${F}: publishRepository is "acme/shop/web"; expected owner/name of a GitHub repository, e.g. "acme/shop"`],
    ['publishRepository', '-acme/shop', `${F}: publishRepository is "-acme/shop"; expected owner/name of a GitHub repository, e.g. "acme/shop"`],
    ['publishRepository', 'acme/..', `${F}: publishRepository is "acme/.."; expected owner/name of a GitHub repository, e.g. "acme/shop"`],
    ['publishRepository', 'acme/.', `${F}: publishRepository is "acme/."; expected owner/name of a GitHub repository, e.g. "acme/shop"`],
    // Services.
    ['services.marker', '', `${F}: services.marker is ""; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', 'docker/Dockerfile', `${F}: services.marker is "docker/Dockerfile"; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', '..', `${F}: services.marker is ".."; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', '.', `${F}: services.marker is "."; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', 'Docker\nfile', `${F}: services.marker is "Docker\\nfile"; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.dockerfileTargets', 'services/*', `${F}: services.dockerfileTargets is "services/*"; expected a list`],
    [
      'services.dockerfileTargets[0]',
      '/services/*',
      `${F}: services.dockerfileTargets[0] is "/services/*"; expected a folder glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "services/*"`,
    ],
    [
      'services.dockerfileTemplate',
      '../Dockerfile.template',
      `${F}: services.dockerfileTemplate is "../Dockerfile.template"; expected a file path from the repository root (no leading "/", no empty, "." or ".." segment, no backslash), e.g. "services/Dockerfile.template"`,
    ],
    [
      'services.dockerfileTemplate',
      'services/./Dockerfile.template',
      `${F}: services.dockerfileTemplate is "services/./Dockerfile.template"; expected a file path from the repository root (no leading "/", no empty, "." or ".." segment, no backslash), e.g. "services/Dockerfile.template"`,
    ],
    // Change detection: a negated glob would match everything else.
    [
      'affected.ignore[1]',
      '!docs/**',
      `${F}: affected.ignore[1] is "!docs/**"; expected a glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "docs/**"`,
    ],
    [
      'affected.globalInputs[0]',
      '',
      `${F}: affected.globalInputs[0] is ""; expected a glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "docs/**"`,
    ],
    [
      'affected.globalInputs[1]',
      'config/../tsconfig.json',
      `${F}: affected.globalInputs[1] is "config/../tsconfig.json"; expected a glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "docs/**"`,
    ],
    [
      'affected.ignore[0]',
      7,
      `${F}: affected.ignore[0] is 7; expected a glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "docs/**"`,
    ],
    ['affected.rootManifestFields[1]', ' engines', `${F}: affected.rootManifestFields[1] is " engines"; expected a package.json field name, e.g. "engines"`],
    ['affected.rootManifestFields[0]', '', `${F}: affected.rootManifestFields[0] is ""; expected a package.json field name, e.g. "engines"`],
    // Versions and runners.
    ['versions.node', 'lts', `${F}: versions.node is "lts"; expected a Node.js version: a major, major.minor or major.minor.patch, e.g. "24"`],
    ['versions.node', '24.1.0.1', `${F}: versions.node is "24.1.0.1"; expected a Node.js version: a major, major.minor or major.minor.patch, e.g. "24"`],
    ['versions.node', 24, `${F}: versions.node is 24; expected a Node.js version: a major, major.minor or major.minor.patch, e.g. "24"`],
    [
      'runners.default',
      'ubuntu latest',
      `${F}: runners.default is "ubuntu latest"; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    [
      'runners.default',
      '',
      `${F}: runners.default is ""; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    // Environments.
    ['environments', {}, `${F}: environments is an object; expected a list`],
    [
      'environments[0].name',
      '',
      `${F}: environments[0].name is ""; expected an environment name that is also an image tag (letters, digits, _ . -, up to 128, not starting with . or -), e.g. "staging"`,
    ],
    [
      'environments[0].name',
      'staging ',
      `${F}: environments[0].name is "staging "; expected an environment name that is also an image tag (letters, digits, _ . -, up to 128, not starting with . or -), e.g. "staging"`,
    ],
    [
      'environments[0].name',
      's'.repeat(256),
      `${F}: environments[0].name is "${'s'.repeat(80)}…"; expected an environment name that is also an image tag (letters, digits, _ . -, up to 128, not starting with . or -), e.g. "staging"`,
    ],
    [
      'environments[0].name',
      'latest',
      `${F}: environments[0].name is "latest"; expected a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch "main", sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
    ],
    [
      'environments[0].name',
      'main',
      `${F}: environments[0].name is "main"; expected a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch "main", sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
    ],
    [
      'environments[0].name',
      '1.0.0',
      `${F}: environments[0].name is "1.0.0"; expected a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch "main", sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
    ],
    [
      'environments[0].name',
      '2',
      `${F}: environments[0].name is "2"; expected a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch "main", sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
    ],
    [
      'environments[0].name',
      'sha-abcdef0',
      `${F}: environments[0].name is "sha-abcdef0"; expected a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch "main", sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
    ],
    [
      'environments[0].name',
      'quarantined-sha256-00',
      `${F}: environments[0].name is "quarantined-sha256-00"; expected a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch "main", sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
    ],
    [
      'environments[0].name',
      'sha256-abc',
      `${F}: environments[0].name is "sha256-abc"; expected a name no image tag of the pipeline uses (the environment's tag moves with each deploy): not latest, the default branch "main", sha-<hex>, a version (starting with a digit), quarantined-… or sha256-…; e.g. "staging"`,
    ],
    ['environments[1].name', 'Staging', `${F}: environments[1].name is "Staging"; expected a name no other environment has (GitHub's are not case sensitive; "staging" is taken)`],
    ['environments[0].url', 'staging.example.com', `${F}: environments[0].url is "staging.example.com"; expected an http(s) URL, e.g. "https://staging.example.com"`],
    ['environments[0].url', 'javascript:alert(1)', `${F}: environments[0].url is "javascript:alert(1)"; expected an http(s) URL, e.g. "https://staging.example.com"`],
    ['environments[1].requires', 'qa', `${F}: environments[1].requires is "qa"; expected the name of another environment: one of "staging", "production"`],
    ['environments[1].requires', 'STAGING', `${F}: environments[1].requires is "STAGING"; expected the name of another environment: one of "staging", "production"`],
    ['environments[1].requires', '', `${F}: environments[1].requires is ""; expected the name of another environment`],
    ['environments[1].requires', 'production', `${F}: environments[1].requires is "production"; expected a promotion order without a loop (production -> production)`],
    ['environments[0].requires', 'production', `${F}: environments[0].requires is "production"; expected a promotion order without a loop (staging -> production -> staging)`],
    [
      'environments[0].healthTimeoutSeconds',
      0,
      `${F}: environments[0].healthTimeoutSeconds is 0; expected a whole number of seconds from 1 to 780 (a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].healthTimeoutSeconds',
      781,
      `${F}: environments[0].healthTimeoutSeconds is 781; expected a whole number of seconds from 1 to 780 (a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].healthTimeoutSeconds',
      1.5,
      `${F}: environments[0].healthTimeoutSeconds is 1.5; expected a whole number of seconds from 1 to 780 (a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].healthTimeoutSeconds',
      '120',
      `${F}: environments[0].healthTimeoutSeconds is "120"; expected a whole number of seconds from 1 to 780 (a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].healthTimeoutSeconds',
      Number.NaN,
      `${F}: environments[0].healthTimeoutSeconds is NaN; expected a whole number of seconds from 1 to 780 (a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].healthTimeoutSeconds',
      undefined,
      `${F}: environments[0].healthTimeoutSeconds is missing; expected a whole number of seconds from 1 to 780 (a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    ['environments[0].owner', 'ops', `${F}: environments[0].owner is not a setting; expected one of: name, url, requires, target, healthTimeoutSeconds, minReadySeconds`],
    [
      'environments[0].minReadySeconds',
      -1,
      `${F}: environments[0].minReadySeconds is -1; expected a whole number of seconds from 0 to 660 (with healthTimeoutSeconds 120, at most 780 in all: a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].minReadySeconds',
      661,
      `${F}: environments[0].minReadySeconds is 661; expected a whole number of seconds from 0 to 660 (with healthTimeoutSeconds 120, at most 780 in all: a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].minReadySeconds',
      2.5,
      `${F}: environments[0].minReadySeconds is 2.5; expected a whole number of seconds from 0 to 660 (with healthTimeoutSeconds 120, at most 780 in all: a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].minReadySeconds',
      '10',
      `${F}: environments[0].minReadySeconds is "10"; expected a whole number of seconds from 0 to 660 (with healthTimeoutSeconds 120, at most 780 in all: a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[0].minReadySeconds',
      null,
      `${F}: environments[0].minReadySeconds is null; expected a whole number of seconds from 0 to 660 (with healthTimeoutSeconds 120, at most 780 in all: a deploy may wait twice, for the image and its rollback, within the deploy job's 30 minutes)`,
    ],
    [
      'environments[1].minReadySeconds',
      10,
      `${F}: environments[1].minReadySeconds is 10; expected no minReadySeconds for a kubernetes target: set spec.minReadySeconds on the service's Deployment (kubectl rollout status waits for it)`,
    ],
    ['environments[0].target.kind', 'nomad', `${F}: environments[0].target.kind is "nomad"; expected "compose" or "kubernetes"`],
    ['environments[0].target', 'compose', `${F}: environments[0].target is "compose"; expected an object with kind "compose" or "kubernetes"`],
    [
      'environments[0].target.project',
      'Shop Staging',
      `${F}: environments[0].target.project is "Shop Staging"; expected a compose project name (lowercase letters, digits, - and _), e.g. "shop-staging"`,
    ],
    [
      'environments[0].target.project',
      '_shop',
      `${F}: environments[0].target.project is "_shop"; expected a compose project name (lowercase letters, digits, - and _), e.g. "shop-staging"`,
    ],
    [
      'environments[0].target.file',
      '/etc/compose.yml',
      `${F}: environments[0].target.file is "/etc/compose.yml"; expected a compose file path from the repository root (no leading "/", no empty, "." or ".." segment, no backslash), e.g. "docker-compose.yml"`,
    ],
    ['environments[0].target.namespace', 'shop', `${F}: environments[0].target.namespace is not a setting; expected one of: kind, file, project`],
    ['environments[1].target.namespace', 'Shop', `${F}: environments[1].target.namespace is "Shop"; expected a Kubernetes namespace (a DNS-1123 label), e.g. "shop-staging"`],
    [
      'environments[1].target.namespace',
      's'.repeat(64),
      `${F}: environments[1].target.namespace is "${'s'.repeat(64)}"; expected a Kubernetes namespace (a DNS-1123 label), e.g. "shop-staging"`,
    ],
    ['environments[1].target.namespace', 'shop-', `${F}: environments[1].target.namespace is "shop-"; expected a Kubernetes namespace (a DNS-1123 label), e.g. "shop-staging"`],
    ['environments[1].target.context', ' ', `${F}: environments[1].target.context is " "; expected a kubectl context name, or no context setting`],
    ['environments[1].target.file', 'x.yml', `${F}: environments[1].target.file is not a setting; expected one of: kind, namespace, context`],
    // Releases.
    ['release.makeLatest', false, `${F}: release.makeLatest is false; expected "true", "false" or "legacy"`],
    ['release.makeLatest', undefined, `${F}: release.makeLatest is missing; expected "true", "false" or "legacy"`],
  ])('%s = %j: one line naming the setting, the value and the form', (path, value, message) => {
    const config = path === '' ? value : path.includes('.') || path.includes('[') ? withValue(path, value) : { ...valid(), [path]: value };
    if (value === undefined && !path.includes('.') && !path.includes('[')) delete (config as Json)[path];
    expect(messageOf(config)).toBe(message);
  });

  test.each<[string, unknown]>([
    ['publishRepository', 'a/shop'],
    ['environments[1].name', 'Production_EU-2.a'],
    ['environments[1].name', 's'.repeat(128)],
    ['publishRepository', 'octocat_acme/shop'],
    ['versions.node', '24.0.1'],
    ['defaultBranch', 'wip!'],
    ['affected.ignore[1]', 'docs/release notes/**'],
    ['versions.node', '8'],
    ['runners.default', ['self-hosted', 'linux', 'x64']],
    ['runners.build', 'ubuntu-24.04-arm'],
    ['runners.build', ['self-hosted', 'linux', 'ARM64']],
    ['affected.ignore[1]', './docs/**'],
    ['services.dockerfileTargets[0]', './services/*/'],
    ['services.dockerfileTargets[0]', 'services/*//'],
    ['services.dockerfileTemplate', './services/Dockerfile.template'],
    ['environments[0].target.file', './docker-compose.yml'],
    ['environments[0].url', 'http://staging.internal:8080/health'],
    ['environments[0].target.project', 'shop_staging-2'],
    ['environments[1].target.namespace', 'a'],
    ['versions.node', '24.10'],
    ['versions.node', '24.1.0'],
    ['release.makeLatest', 'true'],
    ['release.makeLatest', 'legacy'],
    ['registry.host', '[::1]:5000'],
    ['registry.host', 'localhost'],
    ['defaultBranch', 'release/2026.12'],
  ])('%s = %j passes as it is', (path, value) => {
    const config = withValue(path, value);
    expect(checkConfig(config)).toEqual(config);
  });

  test.each<[string, unknown, string]>([
    ['registry', null, `${F}: registry is null; expected an object with kind "ghcr" or "custom"`],
    ['environments[0].target', null, `${F}: environments[0].target is null; expected an object with kind "compose" or "kubernetes"`],
    ['registry.region', 'eu', `${F}: registry.region is not a setting; expected one of: kind, host, namespace, usernameSecret, passwordSecret`],
    [
      'affected.globalInputs[0]',
      'config/',
      `${F}: affected.globalInputs[0] is "config/"; expected a glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "docs/**"`,
    ],
    [
      'services.dockerfileTargets[0]',
      'services/./',
      `${F}: services.dockerfileTargets[0] is "services/./"; expected a folder glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "services/*"`,
    ],
    [
      'services.dockerfileTargets[0]',
      'services//*',
      `${F}: services.dockerfileTargets[0] is "services//*"; expected a folder glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "services/*"`,
    ],
    [
      'services.dockerfileTargets[0]',
      '!services/legacy',
      `${F}: services.dockerfileTargets[0] is "!services/legacy"; expected a folder glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "services/*"`,
    ],
    ['services.marker', 'Dockerfile ', `${F}: services.marker is "Dockerfile "; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', 'docker\\Dockerfile', `${F}: services.marker is "docker\\\\Dockerfile"; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    [
      'runners.default',
      [],
      `${F}: runners.default is a list; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    ['runners.default', ['self-hosted', 'linux', 'self-hosted'], `${F}: runners.default is a list; expected each label once ("self-hosted" is listed twice)`],
    ['runners.default', ['self-hosted', 'Linux', 'linux'], `${F}: runners.default is a list; expected each label once ("linux" is listed twice)`],
    [
      'runners.default',
      ['self-hosted', 'linux x64'],
      `${F}: runners.default[1] is "linux x64"; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    [
      'runners.default',
      ['self-hosted', 3],
      `${F}: runners.default[1] is 3; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    ['runners.labels', ['x'], `${F}: runners.labels is not a setting; expected one of: default, build`],
    [
      'runners.build',
      'large runner',
      `${F}: runners.build is "large runner"; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    [
      'runners.build',
      [],
      `${F}: runners.build is a list; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    ['runners.build', ['self-hosted', 'x64', 'X64'], `${F}: runners.build is a list; expected each label once ("X64" is listed twice)`],
    [
      'runners.build',
      ['self-hosted', 3],
      `${F}: runners.build[1] is 3; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    [
      'environments[0].target.project',
      'shop_Staging',
      `${F}: environments[0].target.project is "shop_Staging"; expected a compose project name (lowercase letters, digits, - and _), e.g. "shop-staging"`,
    ],
    ['versions.node', '24.a', `${F}: versions.node is "24.a"; expected a Node.js version: a major, major.minor or major.minor.patch, e.g. "24"`],
    [
      'environments[0].name',
      '.prod',
      `${F}: environments[0].name is ".prod"; expected an environment name that is also an image tag (letters, digits, _ . -, up to 128, not starting with . or -), e.g. "staging"`,
    ],
    [
      'environments[0].name',
      'preview/pr-1',
      `${F}: environments[0].name is "preview/pr-1"; expected an environment name that is also an image tag (letters, digits, _ . -, up to 128, not starting with . or -), e.g. "staging"`,
    ],
    [
      'affected.ignore',
      ['**/*.md', undefined, 'docs/**'],
      `${F}: affected.ignore[1] is missing; expected a glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "docs/**"`,
    ],
    [
      'affected.ignore[1]',
      'docs\\**',
      `${F}: affected.ignore[1] is "docs\\\\**"; expected a glob from the repository root (no leading "/", no empty, "." or ".." segment, no backslash) without a leading "!", e.g. "docs/**"`,
    ],
    [
      'runners.default',
      '[self-hosted,linux]',
      `${F}: runners.default is "[self-hosted,linux]"; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    [
      'runners.default',
      '${{ vars.RUNNER }}',
      `${F}: runners.default is "\${{ vars.RUNNER }}"; expected one runner label, or a list of the labels a self-hosted runner must have (no spaces, commas, brackets or $ { }), e.g. "ubuntu-24.04" or ["self-hosted", "linux"]`,
    ],
    ['versions.node', '024', `${F}: versions.node is "024"; expected a Node.js version: a major, major.minor or major.minor.patch, e.g. "24"`],
    ['versions.node', '24.01', `${F}: versions.node is "24.01"; expected a Node.js version: a major, major.minor or major.minor.patch, e.g. "24"`],
    [
      'defaultBranch',
      'rel${{github.token}}',
      `${F}: defaultBranch is "rel\${{github.token}}"; expected a branch name (git check-ref-format --branch) without + or a leading !, which GitHub's branch filters read as patterns, or $ { }, e.g. "main"`,
    ],
    ['services.marker', 'Docker\u2028file', `${F}: services.marker is "Docker\u2028file"; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', 'Docker\u0085file', `${F}: services.marker is "Docker\u0085file"; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', 'Docker\u009ffile', `${F}: services.marker is "Docker\u009ffile"; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['services.marker', 'Docker\u2029file', `${F}: services.marker is "Docker\u2029file"; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`],
    ['environments[0].url', 'ftp://staging.example.com', `${F}: environments[0].url is "ftp://staging.example.com"; expected an http(s) URL, e.g. "https://staging.example.com"`],
  ])('%s = %j: refused, named', (path, value, message) => {
    expect(messageOf(withValue(path, value))).toBe(message);
  });

  test('an unknown key that is no plain name is quoted: the message stays one line', () => {
    expect(messageOf({ ...valid(), 'bad\nkey': 1 })).toBe(
      `${F}: "bad\\nkey" is not a setting; expected one of: defaultBranch, registry, publishRepository, services, affected, versions, runners, environments, release`,
    );
    expect(messageOf({ ...valid(), services: { ...(valid()['services'] as Json), ['k'.repeat(81)]: 1 } })).toMatch(/^pipeline\.config\.ts: services\."k{80}…" is not a setting;/);
    expect(messageOf({ ...valid(), services: { ...(valid()['services'] as Json), ['k'.repeat(80)]: 1 } })).toMatch(/^pipeline\.config\.ts: services\.k{80} is not a setting;/);
  });

  test('a list with a hole (a doubled comma) is refused at the hole', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case under test
    const environments = [(valid()['environments'] as unknown[])[0], ,];
    expect(messageOf({ ...valid(), environments })).toBe(
      `${F}: environments[1] is missing; expected an object with name, url, requires, target, healthTimeoutSeconds, minReadySeconds`,
    );
  });

  test('a key the prototype has is no setting, and an inherited value is none', () => {
    const inherited = Object.create({ marker: 'Dockerfile' }) as Json;
    Object.assign(inherited, { dockerfileTargets: [], dockerfileTemplate: 'services/Dockerfile.template' });
    expect(messageOf({ ...valid(), services: inherited })).toBe(
      `${F}: services.marker is missing; expected a file name, e.g. "Dockerfile" (no "/" or "\\", no space at either end)`,
    );
    expect(messageOf({ ...valid(), toString: 'x' })).toMatch(/^pipeline\.config\.ts: toString is not a setting;/);
  });

  test('environment names that only contain what a tag of the pipeline starts with are names like any other', () => {
    for (const name of ['sha-feature', 'pre-sha-abc', 'not-sha256-x', 'pre-quarantined-x', 'mainline', 'latest-staging']) {
      const config = checkConfig({ ...valid(), environments: [{ name, target: { kind: 'kubernetes', namespace: 'x' }, healthTimeoutSeconds: 60 }] });
      expect(config.environments[0]?.name).toBe(name);
    }
  });

  test('an environment without url, requires or context reads back without them (no undefined settings)', () => {
    const config = checkConfig({ ...valid(), environments: [{ name: 'dev', target: { kind: 'kubernetes', namespace: 'dev' }, healthTimeoutSeconds: 60 }] });
    expect(Object.keys(config.environments[0] ?? {})).toEqual(['name', 'target', 'healthTimeoutSeconds']);
    expect(Object.keys(config.environments[0]?.target ?? {})).toEqual(['kind', 'namespace']);
  });

  test('a promotion chain of three reads; a loop through three is named whole', () => {
    const chain = (qa: string) => ({
      ...valid(),
      environments: [
        { name: 'qa', requires: qa, target: { kind: 'kubernetes', namespace: 'qa' }, healthTimeoutSeconds: 60 },
        { name: 'staging', requires: 'qa', target: { kind: 'kubernetes', namespace: 'staging' }, healthTimeoutSeconds: 60 },
        { name: 'production', requires: 'staging', target: { kind: 'kubernetes', namespace: 'production' }, healthTimeoutSeconds: 60 },
      ],
    });
    const { requires: _, ...first } = chain('x').environments[0] ?? {};
    expect(checkConfig({ ...chain('x'), environments: [first, ...chain('x').environments.slice(1)] }).environments.map((e) => e.requires)).toEqual([undefined, 'qa', 'staging']);
    expect(messageOf(chain('production'))).toBe(`${F}: environments[0].requires is "production"; expected a promotion order without a loop (qa -> production -> staging -> qa)`);
  });
});

describe('isBranchName: what git check-ref-format --branch accepts, less the GitHub filter patterns', () => {
  const names = [
    'main',
    'release/1.x',
    'feature/a-b_c',
    'v1.2',
    'a@b',
    'ünïcode',
    '',
    'HEAD',
    '-main',
    'main.',
    'main.lock',
    'a/b.lock/c',
    '.hidden',
    'a/.hidden',
    'a//b',
    '/main',
    'main/',
    'a..b',
    'a@{1}',
    'a b',
    'a\u00a0b',
    'a\tb',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    'a\x7fb',
  ];
  test.each(names)('%j: the same answer as git', (name) => {
    const git = spawnSync('git', ['check-ref-format', '--branch', name], { encoding: 'utf8' });
    expect(isBranchName(name)).toBe(git.status === 0);
  });

  // `@` alone is HEAD in a revision (git rev-parse @); the others are patterns to GitHub's filters.
  test.each(['c++', '!main', 'a+b', '@'])('%j: git accepts it, but it is a pattern or HEAD: refused', (name) => {
    expect(spawnSync('git', ['check-ref-format', '--branch', name]).status).toBe(0);
    expect(isBranchName(name)).toBe(false);
  });
});
