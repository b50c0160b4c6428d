/**
 * checkGeneratedNames (scripts/core/dockerfiles/names.ts) reports the first unusable name in the
 * order the services come, each service's folder before its package name.
 */
import { describe, expect, test } from 'vitest';
import { checkGeneratedNames } from '../../scripts/core/dockerfiles/names.js';
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
