/**
 * Adding a service needs no workflow edit: in a copy of this repository (a real git repository), add
 * services/<new> with a package.json, run `pnpm generate` for its Dockerfile, commit, and the committed
 * CLI bundle's `affected` puts it in the CI matrix, while workflows-src/ and .github/ stay untouched
 * and still check clean.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseCommandFile } from '../../scripts/plan/command-files.js';
import { checkWorkflowFiles } from '../../workflows-src/generate.js';
import { WORKFLOWS } from '../../workflows-src/workflows.js';
import { copyRepo, REPO_ROOT as root } from '../support/repo-copy.js';

const NEW = 'loyalty-service';
let copy = '';
let cleanup = () => {};

const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, encoding: 'utf8' }).trim();
const env = (extra: Record<string, string>): Record<string, string> => ({
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? tmpdir(),
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  ...extra,
});

beforeAll(() => {
  // The working tree as git sees it (tracked and new files, nothing ignored), committed as the base.
  ({ dir: copy, cleanup } = copyRepo());
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: copy });
  execFileSync('git', ['add', '-A'], { cwd: copy });
  execFileSync('git', ['commit', '-q', '-m', 'base'], { cwd: copy, env: env({}) });

  const dir = join(copy, 'services', NEW);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, 'services/chat-service/package.json'), 'utf8'));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ ...manifest, name: `@kodingcaravan/${NEW}`, description: 'Loyalty points.', kodingcaravan: { port: 3099 } }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'src/index.ts'), 'export {};\n');
  execFileSync('pnpm', ['generate'], { cwd: copy, env: env({}), stdio: 'pipe' });
  execFileSync('git', ['add', '-A'], { cwd: copy });
  execFileSync('git', ['commit', '-q', '-m', `add ${NEW}`], { cwd: copy, env: env({}) });
}, 120_000);

afterAll(() => cleanup());

test('`pnpm generate` wrote its Dockerfile; nothing under workflows-src/ or .github/ changed', () => {
  expect(git('diff', '--name-only', 'HEAD~1', 'HEAD')).toContain(`services/${NEW}/Dockerfile`);
  expect(git('diff', '--name-only', 'HEAD~1', 'HEAD', '--', 'workflows-src', '.github')).toBe('');
  expect(checkWorkflowFiles(copy, WORKFLOWS)).toEqual([]);
});

test('the committed bundle puts the new service in the CI matrix', () => {
  const output = join(copy, '.output');
  writeFileSync(output, '');
  execFileSync(process.execPath, ['scripts/dist/pipeline.cjs', 'affected', '--base', 'HEAD~1', '--head', 'HEAD'], {
    cwd: copy,
    env: env({ GITHUB_OUTPUT: output, GITHUB_REPOSITORY_OWNER: 'acme', GITHUB_REPOSITORY: 'acme/kodingcaravan' }),
    encoding: 'utf8',
  });
  const outputs = parseCommandFile('GITHUB_OUTPUT', readFileSync(output, 'utf8'));
  expect(outputs['any']).toBe('true');
  expect(JSON.parse(outputs['services'] ?? '[]')).toContain(NEW);
  const matrix: { include: Record<string, string>[] } = JSON.parse(outputs['matrix'] ?? '{}');
  expect(matrix.include).toContainEqual({
    service: NEW,
    package: `@kodingcaravan/${NEW}`,
    path: `services/${NEW}`,
    dockerfile: `services/${NEW}/Dockerfile`,
    image: `ghcr.io/acme/${NEW}`,
  });
});

test('and `pipeline tags` knows it', () => {
  const stdout = execFileSync(process.execPath, ['scripts/dist/pipeline.cjs', 'tags', '--service', NEW, '--json'], {
    cwd: copy,
    env: env({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: git('rev-parse', 'HEAD'), GITHUB_REPOSITORY: 'acme/kodingcaravan' }),
    encoding: 'utf8',
  });
  expect(JSON.parse(stdout)).toMatchObject({ repository: `ghcr.io/acme/${NEW}` });
});
