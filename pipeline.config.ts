/**
 * The one pipeline config, at the root so that scripts/ and workflows-src/ both import it and
 * neither imports the other (the README's walls; test/platform/import-walls.test.ts). The service catalog is not here: it is discovered from the workspace
 * (a package whose folder holds a Dockerfile is a service), so adding a service needs no edit.
 */
import type { PipelineConfig } from './scripts/core/config.js';

export const pipelineConfig: PipelineConfig = {
  defaultBranch: 'main',
  registry: { kind: 'ghcr' },
  // Set to your repository: only its pushes to the default branch publish images (ci.yml's summary says why a run did not).
  publishRepository: 'kodingcaravan/kodingcaravan',
  services: {
    marker: 'Dockerfile',
    dockerfileTargets: ['services/*'],
    dockerfileTemplate: 'services/Dockerfile.template',
  },
  affected: {
    globalInputs: [
      'vitest.package.config.ts',
      'pnpm-workspace.yaml',
      'package.json',
      '.npmrc',
      '.nvmrc',
      '.node-version',
      'tsconfig*.json',
      '.dockerignore',
      'services/Dockerfile.template',
    ],
    ignore: ['**/*.md', 'docs/**'],
    // The root's own dependency maps are tooling (no image or package installs them); these change every install.
    rootManifestFields: ['packageManager', 'engines', 'pnpm', 'overrides', 'resolutions'],
  },
  versions: { node: '24' },
  runners: { default: 'ubuntu-24.04' },
  environments: [
    // minReadySeconds: the containers must keep running that long after they are healthy, or the deploy is rolled back.
    { name: 'staging', target: { kind: 'compose', file: 'docker-compose.yml', project: 'kodingcaravan-staging' }, healthTimeoutSeconds: 120, minReadySeconds: 10 },
    {
      name: 'production',
      requires: 'staging',
      target: { kind: 'compose', file: 'docker-compose.yml', project: 'kodingcaravan-production' },
      healthTimeoutSeconds: 180,
      minReadySeconds: 30,
    },
  ],
  release: { makeLatest: 'false' },
};
