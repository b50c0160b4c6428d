import { availableParallelism } from 'node:os';
import { defineConfig, type Plugin } from 'vitest/config';

// Vite warns once per file whose sourcemap names sources the package does not ship; the @actions/*
// packages the pipeline project inlines ship such maps (~155 lines on every green run). Those warnings,
// for files under node_modules only, are dropped; every other message is logged as before. (vitest
// replaces `customLogger` with its own, so the filter wraps the resolved logger.)
const THIRD_PARTY_SOURCEMAP = /^Sourcemap for "[^"]*\/node_modules\/[^"]*" points to (?:missing source files|a source file outside its package)/;
const quietThirdPartySourcemaps: Plugin = {
  name: 'quiet-third-party-sourcemaps',
  configResolved(config) {
    const logger = config.logger;
    const warn = logger.warn.bind(logger);
    const warnOnce = logger.warnOnce.bind(logger);
    logger.warn = (msg, options) => {
      if (!THIRD_PARTY_SOURCEMAP.test(msg)) warn(msg, options);
    };
    logger.warnOnce = (msg, options) => {
      if (!THIRD_PARTY_SOURCEMAP.test(msg)) warnOnce(msg, options);
    };
  },
};

// Two projects: `services` (the platform: libraries, the 12 services, the Dockerfile/compose checks) and
// `pipeline` (the CLI, the workflow DSL, plan, the release core, the GitHub stand-in's own tests). The container end-to-end suite has its own config.
// CI (.ci/run) asks for a JSON report too, to print one plain `N passed, N failed` line at the end.
const report = process.env['VITEST_JSON_REPORT'];

export default defineConfig({
  test: {
    // Most test time is spent waiting on git, node and HTTP subprocesses, not on the CPU: vitest's default
    // (one worker less than the cores: one worker on a 2-core machine) left a core idle. 3 workers took
    // the pipeline, plan, release and workflow tests from 85 s to 59 s here, with the same CPU time.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    projects: [
      {
        plugins: [quietThirdPartySourcemaps],
        test: {
          name: 'services',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/platform/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins: [quietThirdPartySourcemaps],
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
