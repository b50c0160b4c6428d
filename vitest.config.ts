import { defineConfig } from 'vitest/config';

// Two projects: `services` (the platform: libraries, the 12 services, the Dockerfile/compose checks) and
// `pipeline` (the CLI, the workflow DSL, plan, the release core, the GitHub stand-in's own tests). The container end-to-end suite has its own config.
// CI (.ci/run) asks for a JSON report too, to print one plain `N passed, N failed` line at the end.
const report = process.env['VITEST_JSON_REPORT'];

export default defineConfig({
  test: {
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    projects: [
      {
        test: {
          name: 'services',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/platform/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'pipeline',
          include: [
            'test/pipeline/**/*.test.ts',
            'test/workflows/**/*.test.ts',
            'test/plan/**/*.test.ts',
            'test/release/**/*.test.ts',
            'test/deploy/**/*.test.ts',
            'test/support/**/*.test.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          server: { deps: { inline: [/@actions\/languageservice/, /@actions\/workflow-parser/, /@actions\/expressions/] } },
        },
      },
    ],
  },
});
