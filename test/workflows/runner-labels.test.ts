/**
 * `runners.default` as the labels of a self-hosted runner (a list): every job of ci.yml, release.yml and
 * deploy.yml runs on exactly those labels, and the three workflows still pass actionlint and GitHub's own
 * parser. (A single label is the committed workflows' case, tested with them.)
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { pipelineConfig } from '../../pipeline.config.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { checkConfig } from '../../scripts/core/config-check.js';
import { isRecord } from '../../scripts/core/json.js';
import { buildCiWorkflow } from '../../workflows-src/ci.wac.js';
import { buildDeployWorkflow } from '../../workflows-src/deploy.wac.js';
import { renderWorkflow } from '../../workflows-src/dsl/render.js';
import { buildReleaseWorkflow } from '../../workflows-src/release.wac.js';
import { actionlint, githubParse } from './validators.js';

const LABELS = ['self-hosted', 'linux', 'x64'] as const;
const config: PipelineConfig = checkConfig({ ...pipelineConfig, runners: { default: [...LABELS] } });
const services = ['api-gateway', 'user-service'];

const workflows = [
  { file: 'ci.yml', source: 'ci.wac.ts', workflow: buildCiWorkflow(config) },
  { file: 'release.yml', source: 'release.wac.ts', workflow: buildReleaseWorkflow(config, services) },
  { file: 'deploy.yml', source: 'deploy.wac.ts', workflow: buildDeployWorkflow(config, services) },
];

describe.each(workflows)('$file with runners.default = [self-hosted, linux, x64]', (w) => {
  const text = renderWorkflow(w);

  test('every job runs on the three labels, as a YAML list', async () => {
    const { jobs } = await githubParse(text, `.github/workflows/${w.file}`);
    const parsed: unknown = parse(text);
    const byId = isRecord(parsed) && isRecord(parsed['jobs']) ? parsed['jobs'] : {};
    expect(Object.keys(byId).sort()).toEqual([...jobs].sort());
    for (const job of Object.values(byId)) expect(isRecord(job) ? job['runs-on'] : undefined).toEqual([...LABELS]);
    expect(text).toContain('    runs-on:\n      - self-hosted\n      - linux\n      - x64\n');
  });

  test("actionlint 1.7.7 and GitHub's parser: zero findings", async () => {
    expect(await actionlint(text, `.github/workflows/${w.file}`)).toEqual([]);
    expect((await githubParse(text, `.github/workflows/${w.file}`)).errors).toEqual([]);
  });
});

describe('runners.build: the image legs on their own runner, every other job on the default', () => {
  const BUILD = ['self-hosted', 'linux', 'ARM64'] as const;
  const withBuild: PipelineConfig = checkConfig({ ...pipelineConfig, runners: { default: 'ubuntu-24.04', build: [...BUILD] } });
  const image = new Set(['ci.yml/build', 'ci.yml/publish', 'release.yml/build']);

  test.each([
    { file: 'ci.yml', source: 'ci.wac.ts', workflow: buildCiWorkflow(withBuild) },
    { file: 'release.yml', source: 'release.wac.ts', workflow: buildReleaseWorkflow(withBuild, services) },
    { file: 'deploy.yml', source: 'deploy.wac.ts', workflow: buildDeployWorkflow(withBuild, services) },
  ])("$file: runs-on of each job; actionlint and GitHub's parser pass", async (w) => {
    const text = renderWorkflow(w);
    const parsed: unknown = parse(text);
    const jobs = isRecord(parsed) && isRecord(parsed['jobs']) ? parsed['jobs'] : {};
    expect(Object.keys(jobs).length).toBeGreaterThan(0);
    for (const [id, job] of Object.entries(jobs)) {
      expect(isRecord(job) ? job['runs-on'] : undefined, id).toEqual(image.has(`${w.file}/${id}`) ? [...BUILD] : 'ubuntu-24.04');
    }
    expect(await actionlint(text, `.github/workflows/${w.file}`)).toEqual([]);
    expect((await githubParse(text, `.github/workflows/${w.file}`)).errors).toEqual([]);
  });
});
