/**
 * core/workspace/vendored.ts and the manifest reading it uses, over an in-memory reader: which vendored
 * folders are read, level by level, and what of their manifests counts, as pnpm 10 installs a `file:`
 * dependency that is no workspace package (its dependencies and optionalDependencies, their `file:` paths
 * from its folder; nothing of a `link:` one). The loaders' reading (git, disk) is tested in
 * test/pipeline/affected/ over real repositories.
 */
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { hasLocalInputs, buildGraph } from '../../scripts/core/workspace/graph.js';
import { dependencyRef, isCopyRef, readVendoredDependencies } from '../../scripts/core/workspace/manifest.js';
import { readVendored, type VendoredManifest } from '../../scripts/core/workspace/vendored.js';

const refs = (deps: Record<string, string>) => Object.entries(deps).map(([k, v]) => dependencyRef(k, v));

/** A reader over `manifests` (folder -> JSON text) that records each call's folders. */
function reader(manifests: Record<string, string>) {
  const calls: string[][] = [];
  const read = async (folders: readonly string[]): Promise<Array<VendoredManifest | undefined>> => {
    calls.push([...folders]);
    return folders.map((f) => {
      const text = manifests[f];
      return text === undefined ? undefined : { text, id: `id-${f}`, file: `${f}/package.json` };
    });
  };
  return { calls, read };
}

describe('readVendored: the vendored folders reached, read level by level, each once', () => {
  test('file: folders only, through any depth; a link:, a tarball, a workspace package, the root and a path above it are not read', async () => {
    const packages = [
      {
        dir: 'services/a',
        refs: refs({
          x: 'file:../../vendor/x',
          l: 'link:../../vendor/l',
          w: 'workspace:../../vendor/w',
          core: 'file:../../packages/core',
          t: 'file:../../vendor/t-1.0.0.tgz',
          up: 'file:../../../out',
          root: 'file:../..',
          lodash: '^4.0.0',
          ws: 'workspace:*',
        }),
      },
      // A second package reaching the same folder in the same level: read once.
      { dir: 'packages/core', refs: refs({ x: 'file:../../vendor/x/' }) },
    ];
    const { calls, read } = reader({
      'vendor/x': JSON.stringify({ dependencies: { y: 'file:../y', core: 'file:../../packages/core', l2: 'link:../l2' }, devDependencies: { d: 'file:../d' } }),
      // Back to x (a cycle), and a folder of its own with no manifest.
      'vendor/y': JSON.stringify({ optionalDependencies: { x: 'file:../x', z: 'file:./z' } }),
    });
    const out = await readVendored(packages, read);
    expect(calls).toEqual([['vendor/x'], ['vendor/y'], ['vendor/y/z']]);
    expect(out.read).toEqual([
      ['vendor/x', 'id-vendor/x'],
      ['vendor/y', 'id-vendor/y'],
      ['vendor/y/z', '-'],
    ]);
    expect([...out.refs]).toEqual([
      [
        'vendor/x',
        [
          { name: 'y', path: '../y', copy: true },
          { name: 'core', path: '../../packages/core', copy: true },
        ],
      ],
      [
        'vendor/y',
        [
          { name: 'x', path: '../x', copy: true },
          { name: 'z', path: './z', copy: true },
        ],
      ],
      ['vendor/y/z', []],
    ]);
  });

  test('no package copies a folder of no workspace package: nothing is read', async () => {
    const { calls, read } = reader({});
    const out = await readVendored(
      [
        { dir: 'services/a', refs: refs({ l: 'link:../../vendor/l', core: 'file:../../packages/core' }) },
        { dir: 'packages/core', refs: [] },
      ],
      read,
    );
    expect({ calls, read: out.read, refs: out.refs.size }).toEqual({ calls: [], read: [], refs: 0 });
  });

  test("a vendored manifest that is not valid is bad input naming the reader's file", async () => {
    const { read } = reader({ 'vendor/x': '{"dependencies": ["y"]}' });
    await expect(readVendored([{ dir: 'a', refs: refs({ x: 'file:../vendor/x' }) }], read)).rejects.toThrow(
      new InputError('vendor/x/package.json: "dependencies" must be an object of name -> version specifier'),
    );
  });
});

describe('readVendoredDependencies: what pnpm installs of a copied package', () => {
  test.each<[string, object, object[]]>([
    [
      'dependencies and optionalDependencies, file: only',
      { dependencies: { a: 'file:../a', b: 'link:../b', c: '^1.0.0' }, optionalDependencies: { d: 'file:./d' } },
      [
        { name: 'a', path: '../a', copy: true },
        { name: 'd', path: './d', copy: true },
      ],
    ],
    ['not devDependencies or peerDependencies', { devDependencies: { a: 'file:../a' }, peerDependencies: { b: 'file:../b' } }, []],
    ['not workspace: paths (a link)', { dependencies: { a: 'workspace:../a' } }, []],
    ['no dependency fields, and no name needed', {}, []],
  ])('%s', (_, manifest, expected) => {
    expect(readVendoredDependencies(JSON.stringify(manifest), () => 'x/package.json')).toEqual(expected);
  });

  test.each<[string, string, string]>([
    ['not JSON', '{', 'x/package.json: not valid JSON'],
    ['dependencies that are a list', '{"dependencies": ["a"]}', 'x/package.json: "dependencies" must be an object of name -> version specifier'],
    ['an optional dependency that is a number', '{"optionalDependencies": {"a": 1}}', 'x/package.json: "optionalDependencies" must be an object of name -> version specifier'],
  ])('%s is bad input naming the file', (_, text, message) => {
    expect(() => readVendoredDependencies(text, () => 'x/package.json')).toThrow(message);
  });
});

describe('isCopyRef: a file: dependency, and nothing else', () => {
  test.each<[string, string, boolean]>([
    ['file: a folder', 'file:../a', true],
    ['file: a tarball', 'file:./a.tgz', true],
    ['link:', 'link:../a', false],
    ['workspace: a path', 'workspace:../a', false],
    ['workspace:*', 'workspace:*', false],
    ['a range', '^1.0.0', false],
    ['npm: an alias', 'npm:lodash@4', false],
  ])('%s', (_, spec, expected) => {
    expect(isCopyRef(dependencyRef('k', spec))).toBe(expected);
  });
});

describe('hasLocalInputs', () => {
  test('true once any package depends on a folder of no workspace package, false otherwise', () => {
    const core = { dir: 'packages/core', name: 'core', isService: false, refs: [] };
    expect(hasLocalInputs(buildGraph([core, { dir: 'services/a', name: 'a', isService: true, refs: refs({ core: 'file:../../packages/core' }) }]))).toBe(false);
    expect(hasLocalInputs(buildGraph([core, { dir: 'services/a', name: 'a', isService: true, refs: refs({ x: 'link:../../vendor/x' }) }]))).toBe(true);
    expect(hasLocalInputs(buildGraph([{ dir: 'services/a', name: 'a', isService: true, refs: refs({ x: 'file:../../vendor/x' }) }, core]))).toBe(true);
  });
});
