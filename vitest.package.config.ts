// One package's own tests, run from its folder: `pnpm --filter <package> test` (what a CI build leg runs).
// A plain object, not defineConfig: a filtered install (`--filter <service>...`) does not install the
// root's dependencies, so this file must not import anything.
export default {
  test: {
    root: process.cwd(),
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
};
