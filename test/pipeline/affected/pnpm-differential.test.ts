/**
 * `pipeline affected` against pnpm 10.34.9 on the shapes a differential hunt found it missing a package or
 * refusing the workspace (checked by the hunt with `pnpm install` / `--lockfile-only` against a local registry,
 * and with `pnpm --filter "...[base]" ls --depth -1 --json`). Each failed before its fix. Two shapes it found
 * are not followed (README, "Limits"): a folder holding package.json and package.yaml (pnpm 10 takes the
 * dependencies of package.yaml), and `overrides` that link a workspace folder.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { affected, cleanup, commit, makeRepo, parseJson } from './fixture.js';

afterAll(cleanup);

const manifest = (name: string, fields: Record<string, Record<string, string>> = {}) => `${JSON.stringify({ name, version: '1.0.0', ...fields }, null, 2)}\n`;

const ROOT = { 'package.json': `${JSON.stringify({ name: 'root', private: true })}\n` };

/** The names `affected` lists for a change of `change` over `files`. */
async function names(files: Record<string, string>, change: Record<string, string | null>): Promise<string[]> {
  const { root, first } = makeRepo({ ...ROOT, ...files });
  const head = commit(root, 'change', change);
  return parseJson(await affected(root, ['--json', '--base', first, '--head', head])).packages.map((p) => p.name);
}

describe('discovery: a dot-folder the pnpm-workspace glob names literally is searched (pnpm 10 and 12 find and link it)', () => {
  // pnpm's glob library skips dot-folders only for wildcards: `.tools/*` finds .tools/x, and `pnpm install`
  // links it (packages/a/node_modules/tx -> ../../../.tools/x). It was no package here: a dependent's
  // `workspace:*` on it was exit 2, and without one a change there was only tooling.
  test('.tools/* : a change in .tools/x affects tx and its dependent', async () => {
    const files = {
      'pnpm-workspace.yaml': "packages:\n  - '.tools/*'\n  - 'packages/*'\n",
      '.tools/x/package.json': manifest('tx'),
      '.tools/x/src/index.ts': 'export const x = 1;\n',
      'packages/a/package.json': manifest('a', { dependencies: { tx: 'workspace:*' } }),
      'packages/a/src/index.ts': 'export const a = 1;\n',
    };
    expect(await names(files, { '.tools/x/src/index.ts': 'export const x = 2;\n' })).toEqual(['tx', 'a']);
  });

  test('packages/.x named explicitly', async () => {
    const files = {
      'pnpm-workspace.yaml': "packages:\n  - 'packages/.x'\n  - 'packages/a'\n",
      'packages/.x/package.json': manifest('px'),
      'packages/.x/src/index.ts': 'export const x = 1;\n',
      'packages/a/package.json': manifest('a'),
    };
    expect(await names(files, { 'packages/.x/src/index.ts': 'export const x = 2;\n' })).toEqual(['px']);
  });
});

describe('dependencies: `workspace:..` is a path (pnpm links the folder), not a name', () => {
  // pnpm 10 installs it as `link:..` (lockfile `specifier: workspace:..`, `version: link:..`); it was read as
  // a name, `k`, and refused: "depends on "k" with a workspace: specifier, but no workspace package is named k".
  test('packages/b/in depends on its parent with workspace:..', async () => {
    const files = {
      'pnpm-workspace.yaml': "packages:\n  - 'packages/**'\n",
      'packages/b/package.json': manifest('b'),
      'packages/b/src/index.ts': 'export const b = 1;\n',
      'packages/b/in/package.json': manifest('in', { dependencies: { k: 'workspace:..' } }),
    };
    expect(await names(files, { 'packages/b/src/index.ts': 'export const b = 2;\n' })).toEqual(['b', 'in']);
  });
});
