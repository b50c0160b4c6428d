import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant of scripts/core and scripts/plan (see stryker.config.json):
// the `pipeline` project of vitest.config.ts (pipeline, workflows, plan, release and deploy; not the
// GitHub stand-in's own tests in test/support) and the generated-files tests (Dockerfiles and compose from
// scripts/core), less the tests that compare a committed bundle or workflow with its sources (any mutant
// would fail them, which tells nothing).
export default defineConfig({
  test: {
    name: 'pipeline',
    include: [
      'test/pipeline/**/*.test.ts',
      'test/workflows/**/*.test.ts',
      'test/plan/**/*.test.ts',
      'test/release/**/*.test.ts',
      'test/deploy/**/*.test.ts',
      'test/platform/generated-files.test.ts',
    ],
    exclude: ['test/pipeline/bundle.test.ts', 'test/workflows/staleness.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    server: { deps: { inline: [/@actions\/languageservice/, /@actions\/workflow-parser/, /@actions\/expressions/] } },
  },
});
