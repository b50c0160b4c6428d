/**
 * One discovery (core/workspace/discover.ts), two listings: the working tree (io/workspace-fs.ts)
 * and a commit's trees (io/workspace-git.ts). Each fixture is committed to a real repository, so the
 * same files are on disk and in git; both loaders must give the packages written here by hand.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { openGit } from '../../../scripts/io/git.js';
import { loadWorkspace } from '../../../scripts/io/workspace-fs.js';
import { loadWorkspaceFromGit } from '../../../scripts/io/workspace-git.js';
import { cleanup, makeRepo } from './fixture.js';

afterAll(cleanup);

const pkg = (dir: string, name: string): Record<string, string> => ({ [`${dir}/package.json`]: `${JSON.stringify({ name, version: '1.0.0' })}\n` });
const file = (path: string): Record<string, string> => ({ [path]: 'x\n' });
const workspace = (...globs: string[]): Record<string, string> => ({ 'pnpm-workspace.yaml': `packages:\n${globs.map((g) => `  - '${g}'\n`).join('')}` });

interface Case {
  readonly files: Record<string, string>;
  readonly marker: string;
  /** The service folder globs (the config's `services.dockerfileTargets`). */
  readonly serviceGlobs?: readonly string[];
  /** `[dir, name, isService]`, by folder. */
  readonly expected: ReadonlyArray<readonly [string, string, boolean]>;
}

const CASES: ReadonlyArray<readonly [string, Case]> = [
  [
    'a deep glob with an exclusion; node_modules, dist and dot-folders skipped',
    {
      files: {
        ...workspace('apps/**', '!apps/legacy'),
        ...pkg('apps/web', 'web'),
        ...file('apps/web/Dockerfile'),
        ...pkg('apps/web/admin', 'admin'),
        ...pkg('apps/legacy', 'legacy'),
        ...file('apps/legacy/Dockerfile'),
        ...pkg('apps/tools/cli', 'cli'),
        ...pkg('apps/node_modules/dep', 'dep'),
        ...pkg('apps/dist/built', 'built'),
        ...pkg('apps/.cache/tmp', 'tmp'),
        ...file('apps/empty/Dockerfile'),
      },
      marker: 'Dockerfile',
      expected: [
        ['apps/tools/cli', 'cli', false],
        ['apps/web', 'web', true],
        ['apps/web/admin', 'admin', false],
      ],
    },
  ],
  [
    'one level per glob: a folder named package.json or Dockerfile is no file',
    {
      files: {
        ...workspace('services/*', 'libs/*'),
        ...pkg('services/a', 'a'),
        ...file('services/a/Dockerfile'),
        ...pkg('services/a/nested', 'nested'),
        ...pkg('services/b', 'b'),
        ...file('services/b/Dockerfile/readme'),
        ...file('services/c/package.json/index.js'),
        ...file('services/c/Dockerfile'),
        ...pkg('libs/x', '@scope/x'),
        ...pkg('other/y', 'y'),
      },
      marker: 'Dockerfile',
      expected: [
        ['libs/x', '@scope/x', false],
        ['services/a', 'a', true],
        ['services/b', 'b', false],
      ],
    },
  ],
  [
    'a marker below the package folder',
    {
      files: {
        ...workspace('packages/*'),
        ...pkg('packages/api', 'api'),
        ...file('packages/api/docker/Dockerfile'),
        ...pkg('packages/lib', 'lib'),
        ...file('packages/lib/Dockerfile'),
      },
      marker: 'docker/Dockerfile',
      expected: [
        ['packages/api', 'api', true],
        ['packages/lib', 'lib', false],
      ],
    },
  ],
  [
    'a service folder glob: a new service before its Dockerfile is generated',
    {
      files: {
        ...workspace('services/*', 'libs/*'),
        ...pkg('services/new', 'new'),
        ...pkg('services/old', 'old'),
        ...file('services/old/Dockerfile'),
        ...pkg('libs/util', 'util'),
        ...file('libs/tool/Dockerfile'),
        ...pkg('libs/tool', 'tool'),
      },
      marker: 'Dockerfile',
      serviceGlobs: ['services/*'],
      expected: [
        ['libs/tool', 'tool', true],
        ['libs/util', 'util', false],
        ['services/new', 'new', true],
        ['services/old', 'old', true],
      ],
    },
  ],
];

describe('workspace discovery: the working tree and the commit give the same packages', () => {
  test.each(CASES)('%s', async (_, { files, marker, serviceGlobs = [], expected }) => {
    const { root, first } = makeRepo(files);
    const onDisk = await loadWorkspace(root, { serviceMarker: marker, serviceGlobs });
    const git = await openGit(root);
    try {
      const fromGit = (await loadWorkspaceFromGit(git, first, { dir: '', marker, serviceGlobs })).workspace;
      expect([...onDisk.packages.values()].map((p) => [p.dir, p.name, p.isService])).toEqual(expected);
      expect([...fromGit.packages.values()].map((p) => [p.dir, p.name, p.isService])).toEqual(expected);
    } finally {
      git.close();
    }
  });
});
