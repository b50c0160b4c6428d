/**
 * The other registry path: ci.yml rendered for a config with a custom registry (login with two named
 * secrets) must pass the same validators as the committed one, and must read those secrets only in
 * `publish`, the job that runs only when pushing; its token then needs no write scope at all.
 */
import { describe, expect, test } from 'vitest';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { buildCiWorkflow } from '../../workflows-src/ci.wac.js';
import { renderWorkflow } from '../../workflows-src/dsl/render.js';
import { pipelineConfig } from '../../pipeline.config.js';
import { type ContextName, contexts, publishes } from './contexts.js';
import { inspect } from './inspect.js';
import { actionlint, evaluate, githubParse, languageService } from './validators.js';

const config: PipelineConfig = {
  ...pipelineConfig,
  registry: { kind: 'custom', host: 'registry.example.com', namespace: 'platform', usernameSecret: 'REGISTRY_USERNAME', passwordSecret: 'REGISTRY_PASSWORD' },
};
const workflow = buildCiWorkflow(config);
const text = renderWorkflow({ file: 'ci.yml', source: 'ci.wac.ts', workflow });
const { jobOf, stepNamed, secretReaders } = inspect(workflow);

describe('validators', () => {
  test('actionlint 1.7.7: zero findings', async () => {
    expect(await actionlint(text, '.github/workflows/ci.yml')).toEqual([]);
  });
  test("GitHub's workflow parser: zero errors", async () => {
    const { errors, jobs } = await githubParse(text, '.github/workflows/ci.yml');
    expect(errors).toEqual([]);
    expect(jobs).toContain('publish');
  });
  test("GitHub's language service: zero diagnostics", async () => {
    expect(await languageService(text, '.github/workflows/ci.yml')).toEqual([]);
  });
});

describe('the login', () => {
  test('logs in to the configured host with the two configured secrets', () => {
    expect(stepNamed('publish', /^Log in/).with).toEqual({
      registry: 'registry.example.com',
      username: '${{ secrets.REGISTRY_USERNAME }}',
      password: '${{ secrets.REGISTRY_PASSWORD }}',
    });
  });
  test('the secrets are read by that step only, and GITHUB_TOKEN is not used to log in', () => {
    expect(secretReaders()).toEqual(['publish: Log in to registry.example.com', 'promote: Log in to registry.example.com']);
    expect(text).not.toContain('secrets.GITHUB_TOKEN');
    expect(text.match(/secrets\.REGISTRY_(USERNAME|PASSWORD)/g)).toHaveLength(4);
  });
  test.each(Object.entries(publishes))('%s: the job that reads them runs = %s', (name, pushes) => {
    const github = contexts[name as ContextName];
    const needs = { changes: { outputs: { any: 'true' } } };
    expect({ publish: evaluate(String(jobOf('publish').if), { github, needs }), build: evaluate(String(jobOf('build').if), { github, needs }) }).toEqual({
      publish: pushes,
      build: !pushes,
    });
  });
  test('no job has a write scope: the registry is not GitHub Packages', () => {
    expect(jobOf('publish').permissions).toEqual({ contents: 'read' });
    expect(jobOf('promote').permissions).toEqual({ contents: 'read' });
    expect(jobOf('build').permissions).toEqual({ contents: 'read' });
  });
});
