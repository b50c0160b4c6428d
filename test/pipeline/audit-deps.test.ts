/**
 * The dependency audit's offline half: the production packages a lockfile installs (the service
 * images' third-party closure), and the real lockfile's, which is empty: no known vulnerability can be
 * in production. The advisory endpoint is not reachable here (HTTP 405), so its half runs elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { productionPackages } from '../../scripts/core/changes/lockfile.js';
import { ROOT } from '../support/cli.js';

const LOCK = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    devDependencies:
      vitest:
        specifier: 1.0.0
        version: 1.0.0

  packages/shared:
    dependencies:
      ms:
        specifier: ^2.1.0
        version: 2.1.3

  services/api:
    dependencies:
      '@kodingcaravan/shared':
        specifier: workspace:*
        version: link:../../packages/shared
      express:
        specifier: ^4.0.0
        version: 4.18.2(supports-color@8.0.0)
    devDependencies:
      tsx:
        specifier: 4.0.0
        version: 4.0.0

packages:

  body-parser@1.20.1:
    resolution: {integrity: sha512-b}

  express@4.18.2:
    resolution: {integrity: sha512-e}

  ms@2.1.3:
    resolution: {integrity: sha512-m}

  supports-color@8.0.0:
    resolution: {integrity: sha512-s}

  tsx@4.0.0:
    resolution: {integrity: sha512-t}

  vitest@1.0.0:
    resolution: {integrity: sha512-v}

snapshots:

  body-parser@1.20.1:
    dependencies:
      ms: 2.1.3

  express@4.18.2(supports-color@8.0.0):
    dependencies:
      body-parser: 1.20.1

  ms@2.1.3: {}

  supports-color@8.0.0: {}

  tsx@4.0.0: {}

  vitest@1.0.0: {}
`;

test('production packages: dependencies of the workspace packages, followed; devDependencies, the root and links left out', () => {
  expect(productionPackages(LOCK)).toEqual(['body-parser@1.20.1', 'express@4.18.2', 'ms@2.1.3']);
});

test("this workspace's images install no third-party package: pnpm audit:deps passes offline", () => {
  expect(productionPackages(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8'))).toEqual([]);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/audit-deps.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toBe(
    'production dependencies: 0 third-party package(s) (the images install only the workspace packages)\naudit:deps: no third-party package to audit: no known vulnerability in production dependencies\n',
  );
});

/** `pnpm audit:deps` in a folder holding only `lockfile` as pnpm-lock.yaml. */
function auditIn(lockfile: string) {
  const dir = mkdtempSync(join(tmpdir(), 'audit-deps-'));
  try {
    writeFileSync(join(dir, 'pnpm-lock.yaml'), lockfile);
    // tsx by its path: `--import tsx` would be looked for from the temporary folder.
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/audit-deps.ts')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Only devDependencies and a workspace link: nothing to ask the advisory endpoint (no network here).
const DEV_ONLY = [
  'importers:',
  '  .:',
  '    devDependencies: &dev',
  '      vitest:',
  '        specifier: 1.0.0',
  '        version: 1.0.0',
  '  packages/a:',
  '    devDependencies: *dev',
];

test('a lockfile another tool wrote (an anchor and its alias) is read as YAML, as affected reads it, not an internal error', () => {
  const r = auditIn(`lockfileVersion: '9.0'\n${DEV_ONLY.join('\n')}\npackages:\n  vitest@1.0.0:\n    resolution: {integrity: sha512-v}\nsnapshots:\n  vitest@1.0.0: {}\n`);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/^production dependencies: 0 third-party package\(s\)/);
});

test('a lockfile that is not YAML: exit 2, one line naming the file', () => {
  const r = auditIn("lockfileVersion: '9.0'\nimporters: [\n");
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr.split('\n').slice(0, -1)).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: pnpm-lock\.yaml: not a lockfile pnpm can read \(.+\); run pnpm install to write it again$/m);
});
