/**
 * Which workspace packages reach a folder an override points at through the packages they install. pnpm
 * applies an override to every manifest it reads, a registry package's too (`"x": "link:./packages/b"`
 * replaces the `x` of a package `y` from the registry, and `"y>x"` that one alone), so a workspace package
 * depending on `y` has `packages/b` in its installation though its own manifest never names `x`. The
 * manifests cannot say which packages install `y`'s `x`: pnpm's lockfile does, as a snapshot's dependency
 * `x: link:packages/b` (a link) or `x: b@file:packages/b` (a copy: the snapshot `b@file:packages/b`), the
 * folder relative to the lockfile's folder (the workspace root). Checked against pnpm 10.34.9's lockfiles
 * by hand (test/pipeline/affected/overrides.test.ts). Loaded only for a workspace with such an override
 * (a chunk of its own with the lockfile's readers).
 */
import { LockfileShapeError, packageKeyOf, parseImporterDeps, refToKey, segmentLockfile, snapshotDeps } from '../changes/lockfile.js';
import { lockfileInPnpmLayout } from '../changes/lockfile-yaml.js';
import { InputError } from '../errors.js';
import type { DependencyRef } from './manifest.js';
import { type LocalOverride, pathFrom } from './overrides.js';
import { joinPosix } from './paths.js';

/** The folder of a `file:` snapshot key (`b@file:packages/b`, `@s/b@file:packages/b`, peers after it), or undefined for any other key. */
function copiedFolder(snapshotKey: string): string | undefined {
  // Stryker disable next-line Regex: equivalent without ^ or $: a package key has one name before its first @ (after a scope's), and .* runs to the end
  const path = /^@?[^@]+@file:(.*)$/.exec(packageKeyOf(snapshotKey))?.[1];
  return path === undefined ? undefined : joinPosix('', path);
}

/**
 * Importer folder (relative to the workspace root, '' for the root) -> the `folders` it reaches through the
 * packages it installs, from the lockfile's text; undefined when there is no lockfile or it cannot be read
 * (the caller then assumes every package may reach them). An importer reaching none is absent.
 */
export function overrideReach(lockText: string | undefined, folders: ReadonlySet<string>): Map<string, Set<string>> | undefined {
  if (lockText === undefined) return undefined;
  // Stryker disable BlockStatement: equivalent for the catch block emptied: these readers throw nothing else (the rethrow is for bugs); the try block's own mutant, ignored with it, fails every row of overrideReach's table
  try {
    const { text, aliasFree } = lockfileInPnpmLayout(lockText);
    // Stryker disable next-line ObjectLiteral: equivalent: the YAML path's text holds no anchor, searched or not
    const doc = segmentLockfile(text, { aliasFree });
    // Another version's layout (6.0 has no snapshots; its packages hold the dependencies): it cannot say.
    return doc.version.startsWith('9.') ? reachIn(doc, folders) : undefined;
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: equivalent for true: these readers throw nothing else (the rethrow is for bugs)
    if (err instanceof InputError || err instanceof LockfileShapeError) return undefined;
    throw err;
  }
}
// Stryker restore BlockStatement

function reachIn(doc: ReturnType<typeof segmentLockfile>, folders: ReadonlySet<string>): Map<string, Set<string>> {
  // Each snapshot that holds a folder (links it, or is its copy), and who depends on each snapshot.
  const reach = new Map<string, Set<string>>();
  const dependents = new Map<string, string[]>();
  // Stryker disable next-line ArrayDeclaration: equivalent: a text in the queue is read as a key and a folder of one character each, which no snapshot and no folder is
  const queue: Array<[key: string, folder: string]> = [];
  const hold = (key: string, folder: string) => {
    const held = reach.get(key) ?? new Set<string>();
    // Once per snapshot and folder (a cycle of snapshots would go round for ever).
    if (held.has(folder)) return;
    held.add(folder);
    reach.set(key, held);
    queue.push([key, folder]);
  };
  for (const [key, block] of doc.snapshots) {
    const copy = copiedFolder(key);
    // Stryker disable next-line ConditionalExpression: equivalent for `copy !== undefined` as true only (a set of texts has no undefined); the whole condition as true or false fails the copy rows
    if (copy !== undefined && folders.has(copy)) hold(key, copy);
    for (const [name, ref] of snapshotDeps(block)) {
      if (ref.startsWith('link:')) {
        const folder = joinPosix('', ref.slice(5));
        if (folders.has(folder)) hold(key, folder);
        continue;
      }
      // refToKey answers undefined for a `link:` reference alone, read above.
      // Stryker disable next-line StringLiteral: unreachable (for the types): see above
      const child = refToKey(name, ref) ?? '';
      const list = dependents.get(child);
      if (list === undefined) dependents.set(child, [key]);
      else list.push(key);
    }
  }
  // Up the dependents (the queue grows while it is read).
  for (const [key, folder] of queue) {
    const up = dependents.get(key);
    if (up !== undefined) for (const dependent of up) hold(dependent, folder);
  }
  const out = new Map<string, Set<string>>();
  for (const [id, block] of doc.importers) {
    const dir = id === '.' ? '' : id;
    const found = new Set<string>();
    for (const dep of parseImporterDeps(block)) {
      if (dep.version.startsWith('link:')) {
        const folder = joinPosix(dir, dep.version.slice(5));
        if (folders.has(folder)) found.add(folder);
        continue;
      }
      // refToKey answers undefined for a `link:` reference alone, read above.
      // Stryker disable next-line StringLiteral: unreachable (for the types): see above
      for (const folder of reach.get(refToKey(dep.name, dep.version) ?? '') ?? []) found.add(folder);
    }
    if (found.size > 0) out.set(dir, found);
  }
  return out;
}

/**
 * The refs the workspace's local overrides add to each package (by folder) through the packages it installs:
 * to each folder the lockfile (`lockText`, the workspace root's pnpm-lock.yaml) shows it reaching (an override's
 * folder, or the folder of each workspace package a `workspace:` override names). Without a lockfile pnpm can
 * read, every package is taken to reach the folders of each override that may act in a registry package's
 * manifest (no parent, or a parent that is no workspace package) when `assume` (change detection: a safe
 * over-approximation); none otherwise (the generators: an image's build installs from the lockfile, and such
 * assumed edges could close a cycle that is not there). Each ref names the folder from the package's own, as a
 * `file:` (a copy: of an override with `file:`) or `link:` dependency would.
 */
export function reachedRefs(
  packages: ReadonlyArray<{ readonly dir: string; readonly name: string | undefined }>,
  overrides: readonly LocalOverride[],
  lockText: string | undefined,
  assume: boolean,
): Map<string, DependencyRef[]> {
  const names = new Set<string>();
  // Stryker disable next-line ConditionalExpression: equivalent for true only (an undefined added is never asked: see `assumed`); false fails the parent rows
  for (const p of packages) if (p.name !== undefined) names.add(p.name);
  const foldersOf = (o: LocalOverride): string[] => ('workspacePackage' in o ? packages.filter((p) => p.name === o.workspacePackage).map((p) => p.dir) : [o.folder]);
  const copies = new Set<string>();
  for (const o of overrides) if ('copy' in o && o.copy) copies.add(o.folder);
  const reach = overrideReach(lockText, new Set(overrides.flatMap(foldersOf)));
  // An override no workspace package's name restricts (no parent, or another's) may act in an installed package.
  // Stryker disable next-line ConditionalExpression: equivalent for `o.parent === undefined` as false only (the set holds no undefined); as true, or the whole test as true, it fails the parent rows
  const assumed = [...new Set(overrides.filter((o) => o.parent === undefined || !names.has(o.parent)).flatMap(foldersOf))];
  const out = new Map<string, DependencyRef[]>();
  for (const { dir } of packages) {
    const folders = reach === undefined ? (assume ? assumed : []) : [...(reach.get(dir) ?? [])];
    if (folders.length === 0) continue;
    out.set(
      dir,
      folders.map((folder) => {
        const path = pathFrom(dir, folder);
        return copies.has(folder) ? { name: folder, path, copy: true } : { name: folder, path };
      }),
    );
  }
  return out;
}
