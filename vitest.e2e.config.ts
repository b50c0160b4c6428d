import { defineConfig } from 'vitest/config';

// The container end-to-end suite: needs a running engine and the registry on 127.0.0.1:5000
// (`bash scripts/ci/container-lab.sh up`). It fails, never skips, when they are missing.
const report = process.env['VITEST_JSON_REPORT'];

export default defineConfig({
  test: {
    name: 'e2e',
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
    fileParallelism: false,
  },
});
