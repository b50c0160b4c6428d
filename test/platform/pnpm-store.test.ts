// The Quick start passes wherever pnpm puts its store: on a clone that is on another filesystem than
// HOME (a dev container, a bind mount), pnpm puts it in `.pnpm-store/` inside the clone, full of
// third-party JavaScript that nothing of ours may lint, typecheck or test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyRepo, REPO_ROOT } from '../support/repo-copy.js';

const BIOME = join(REPO_ROOT, 'node_modules/.bin/biome');
// What a store holds: a package's JavaScript that breaks our lint rules (`var`, `debugger`, `==`).
const THIRD_PARTY = 'var a = 1\nif (a == "1") { debugger }\nmodule.exports = a\n';

let copy: { dir: string; cleanup: () => void };
beforeAll(() => {
  copy = copyRepo();
  execFileSync('git', ['init', '-q'], { cwd: copy.dir });
});
afterAll(() => copy?.cleanup());

const lint = (files: readonly string[]) => spawnSync(BIOME, ['check', '--colors=off', ...files], { cwd: copy.dir, encoding: 'utf8' });

test('a file that fails lint outside the store fails `biome check` (so the next test can fail)', () => {
  mkdirSync(join(copy.dir, 'stray'), { recursive: true });
  writeFileSync(join(copy.dir, 'stray/index.js'), THIRD_PARTY);
  const r = lint(['stray']);
  expect(r.status).toBe(1);
  expect(`${r.stdout}${r.stderr}`).toContain('stray/index.js');
});

test('the same file inside .pnpm-store/ is neither linted nor tracked by git', () => {
  const file = '.pnpm-store/v10/files/3f/0123456789abcdef-index.js';
  mkdirSync(join(copy.dir, '.pnpm-store/v10/files/3f'), { recursive: true });
  writeFileSync(join(copy.dir, file), THIRD_PARTY);
  writeFileSync(join(copy.dir, '.pnpm-store/v10/files/3f/package.json'), '{"name": "x", "version": 1, }');
  const r = lint(['.']);
  expect(`${r.stdout}${r.stderr}`).not.toContain('.pnpm-store');
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(1); // only stray/ from the test above still fails
  expect(`${r.stdout}${r.stderr}`).toContain('stray/index.js');
  expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '.pnpm-store'], { cwd: copy.dir, encoding: 'utf8' })).toBe('');
});
