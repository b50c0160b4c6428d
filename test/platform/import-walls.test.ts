/**
 * The walls of the README's layout, checked on every import of every source file:
 * - scripts/core/ is pure: nothing from io/, commands/, plan/ or @actions/*, and no process, file,
 *   network or child-process module of Node;
 * - scripts/ imports nothing from workflows-src/, and of the root only the config module;
 * - workflows-src/ imports from scripts/ only the config types and core/, the file writer, the
 *   workspace loader of io/ (release.yml's service choice comes from the catalog) with its file reader,
 *   the reader of compile errors (a source that does not compile is one line) and the config loader
 *   (a config that throws while it runs is one line too);
 * - commands do not import each other (types.ts and command.ts are the contract they share).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'dist' || e.name === 'node_modules' ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (static, dynamic, re-export): relative ones resolved from the root, packages as `pkg:<name>`. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? '';
    out.push(
      spec.startsWith('.')
        ? normalize(relative(ROOT, join(ROOT, dirname(file), spec)))
            .split('\\')
            .join('/')
        : `pkg:${spec}`,
    );
  }
  return out;
}

const violations = (files: readonly string[], allowed: (target: string, file: string) => boolean) =>
  files.flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')).flatMap((target) => (allowed(target, file) ? [] : [`${file} imports ${target}`])));

const IMPURE_NODE = /^pkg:(?:node:)?(?:fs|fs\/promises|child_process|http|https|net|os|process|worker_threads)$/;

describe('import walls', () => {
  test('importsOf reads static, dynamic and re-exports, and resolves relative paths', () => {
    const text = "import { a } from '../io/git.js';\nimport type { B } from './b.js';\nexport { c } from '@actions/core';\nconst m = await import('node:fs');\n";
    expect(importsOf('scripts/core/x.ts', text)).toEqual(['scripts/io/git.js', 'scripts/core/b.js', 'pkg:@actions/core', 'pkg:node:fs']);
  });

  test('scripts/core/ is pure', () => {
    const bad = violations(sources('scripts/core'), (t) => (t.startsWith('pkg:') ? !t.startsWith('pkg:@actions/') && !IMPURE_NODE.test(t) : t.startsWith('scripts/core/')));
    expect(bad).toEqual([]);
  });

  test('scripts/ imports nothing from workflows-src/, and of the root only the config module', () => {
    const bad = violations(sources('scripts'), (t) => t.startsWith('pkg:') || t.startsWith('scripts/') || t === 'pipeline.config.js');
    expect(bad).toEqual([]);
  });

  test('workflows-src/ imports from scripts/ only core/, the file writer, the workspace loader (the service catalog of a choice input), the compile-error reader and the config loader', () => {
    const bad = violations(
      sources('workflows-src'),
      (t) =>
        t.startsWith('pkg:') ||
        t.startsWith('workflows-src/') ||
        t === 'pipeline.config.js' ||
        t.startsWith('scripts/core/') ||
        t === 'scripts/io/generated-files.js' ||
        t === 'scripts/io/atomic-file.js' ||
        t === 'scripts/io/workspace-fs.js' ||
        t === 'scripts/io/read-text-file.js' ||
        t === 'scripts/io/source-errors.js' ||
        t === 'scripts/io/pipeline-config.js',
    );
    expect(bad).toEqual([]);
  });

  test('commands do not import each other (types.ts and command.ts are the shared contract; a command in a folder, e.g. release/, imports its own files)', () => {
    /** `scripts/commands/release/cut.ts` → `scripts/commands/release/`; `scripts/commands/tags.ts` → itself. */
    const commandOf = (path: string) => /^scripts\/commands\/([^/]+\/)?/.exec(path)?.[0] ?? path;
    const bad = violations(sources('scripts/commands'), (t, file) => {
      if (!t.startsWith('scripts/commands/') || t === 'scripts/commands/types.js' || t === 'scripts/commands/command.js') return true;
      const folder = /^scripts\/commands\/[^/]+\//.exec(file)?.[0];
      return folder !== undefined && commandOf(t) === folder;
    });
    expect(bad).toEqual([]);
  });

  test('the config module imports only the config types', () => {
    expect(importsOf('pipeline.config.ts', readFileSync(join(ROOT, 'pipeline.config.ts'), 'utf8'))).toEqual(['scripts/core/config.js']);
  });

  test('a wall is a wall: a core module importing io/ is reported', () => {
    const text = "import { openGit } from '../io/git.js';";
    expect(importsOf('scripts/core/bad.ts', text).filter((t) => !t.startsWith('scripts/core/'))).toEqual(['scripts/io/git.js']);
  });
});
