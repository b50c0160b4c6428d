/**
 * Changed files, the graph and the lockfile diff -> the affected packages, each with its reasons.
 * A package is affected by its own files, by its importer's resolved closure in the lockfile, or by
 * depending (transitively) on an affected package; global inputs affect every package.
 */
import { InputError } from '../errors.js';
import { type GraphPackage, sortByKey, type WorkspaceGraph } from '../workspace/graph.js';
import type { Classified } from './classify.js';

/** What the shell learned about the files the classification could not settle alone. */
export interface Findings {
  /** Importer path (workspace-relative) -> reasons; or every package, with the reason. */
  readonly lockfile?: { readonly kind: 'importers'; readonly importers: ReadonlyMap<string, readonly string[]> } | { readonly kind: 'all'; readonly reason: string };
  readonly rootManifest?: { readonly kind: 'install' | 'tooling'; readonly fields: readonly string[] } | { readonly kind: 'unchanged' };
  /** Folders that held a package at base and are gone at head (their files are neither tooling nor a package). */
  readonly removedPackageDirs?: ReadonlySet<string>;
}

export interface AffectedPackage {
  readonly name: string;
  readonly dir: string;
  readonly folder: string;
  readonly isService: boolean;
  readonly reasons: readonly string[];
}

export interface Affected {
  /** Sorted by folder. */
  readonly packages: readonly AffectedPackage[];
  /** Why every package is affected (empty when not). */
  readonly global: readonly string[];
  /** Why the pipeline's own checks should run (empty when not). */
  readonly tooling: readonly string[];
  /** Names of the packages affected directly (not only through a dependency). */
  readonly roots: readonly string[];
  /** Dependent -> the affected dependency it was reached through (for the graph in the summary). */
  readonly via: ReadonlyMap<string, string>;
  readonly notes: readonly string[];
}

export type Selection =
  | { readonly kind: 'changes'; readonly classified: Classified; readonly findings: Findings }
  | { readonly kind: 'all'; readonly reason: string }
  | { readonly kind: 'services'; readonly services: readonly string[]; readonly reason: string };

export function describeFiles(files: readonly string[], where: string): string {
  const shown = files.slice(0, 3).map((f) => JSON.stringify(f));
  const more = files.length > 3 ? ` and ${files.length - 3} more` : '';
  return `${files.length} file${files.length === 1 ? '' : 's'} changed in ${where}: ${shown.join(', ')}${more}`;
}

function sortPackages(list: readonly AffectedPackage[]): AffectedPackage[] {
  return sortByKey(list, (p) => p.dir);
}

function entry(pkg: GraphPackage, reasons: readonly string[]): AffectedPackage {
  return { name: pkg.name, dir: pkg.dir, folder: pkg.folder, isService: pkg.isService, reasons };
}

const EMPTY = { roots: [], via: new Map<string, string>(), notes: [] } as const;

/** The lockfile's change to the root importer, in words (tooling, and an input of a package depending on the root). */
function rootImporterChanged(reasons: readonly string[]): string {
  return `the root importer's resolved dependencies changed (${reasons.join('; ')})`;
}

export function computeAffected(workspace: WorkspaceGraph, selection: Selection): Affected {
  if (selection.kind === 'all') {
    return { ...EMPTY, packages: sortPackages([...workspace.packages.values()].map((p) => entry(p, [selection.reason]))), global: [selection.reason], tooling: [] };
  }
  if (selection.kind === 'services') {
    const byFolder = new Map(workspace.services.map((s) => [s.folder, s]));
    const packages = selection.services.map((name) => {
      const pkg = byFolder.get(name);
      if (!pkg) return undefined;
      return entry(pkg, [selection.reason]);
    });
    const missing = selection.services.filter((_, i) => packages[i] === undefined);
    if (missing.length > 0) {
      throw new InputError(`${selection.reason}: no service named ${missing.join(', ')}; known services: ${[...byFolder.keys()].join(', ')}`);
    }
    // Stryker disable next-line MethodExpression,ConditionalExpression: equivalent: any undefined entry has thrown above, so keeping every entry is the same (a type filter)
    return { ...EMPTY, packages: sortPackages(packages.filter((p) => p !== undefined)), global: [], tooling: [] };
  }

  const { classified: c, findings } = selection;
  const global: string[] = [];
  const tooling: string[] = [];
  const notes: string[] = [];
  for (const [input, files] of c.global) global.push(`global input ${input} changed (${files.map((f) => JSON.stringify(f)).join(', ')})`);
  const rm = findings.rootManifest;
  if (rm?.kind === 'install') global.push(`root package.json: ${rm.fields.join(', ')} changed (installs change)`);
  if (rm?.kind === 'tooling') tooling.push(`root package.json: ${rm.fields.join(', ')} changed`);
  const direct = new Map<string, string[]>();
  const addDirect = (name: string, reason: string) => direct.set(name, [...(direct.get(name) ?? []), reason]);
  for (const [name, files] of c.packages) addDirect(name, describeFiles(files, workspace.get(name).dir));
  for (const [name, byFolder] of c.localInputs) {
    for (const [folder, files] of byFolder) addDirect(name, describeFiles(files, `${folder}, a local dependency (file:/link:)`));
  }
  const lock = findings.lockfile;
  if (lock?.kind === 'all') global.push(lock.reason);
  if (lock?.kind === 'importers') {
    const byDir = new Map([...workspace.packages.values()].map((p) => [p.dir, p]));
    for (const [importer, reasons] of lock.importers) {
      const pkg = byDir.get(importer);
      if (pkg) for (const r of reasons) addDirect(pkg.name, r);
      // The root's own dependencies are the repository's tooling: no image and no package's tests install
      // them (builds and CI legs install `--filter <package>...`).
      else if (importer === '.') tooling.push(rootImporterChanged(reasons));
      else notes.push(`pnpm-lock.yaml: importer ${importer} is not a workspace package at head (${reasons.join('; ')})`);
    }
  }
  // Stryker disable next-line ArrayDeclaration: equivalent: a fallback folder only matters to a changed file under it, and no removed package was reported
  const removed = [...(findings.removedPackageDirs ?? [])];
  /** The removed package folder `file` was in, if any. */
  const removedDirOf = (file: string) => removed.find((d) => file.startsWith(`${d}/`));
  const toolingFiles: string[] = [];
  const removedHit = new Map<string, number>();
  for (const file of c.unowned) {
    const dir = removedDirOf(file);
    if (dir !== undefined) removedHit.set(dir, (removedHit.get(dir) ?? 0) + 1);
    else toolingFiles.push(file);
  }
  for (const [dir, n] of removedHit) notes.push(`package ${dir} was removed (${n} file${n === 1 ? '' : 's'}); its dependents changed their manifests`);
  if (toolingFiles.length > 0) tooling.push(describeFiles(toolingFiles, 'no package (the pipeline and repository tooling)'));
  // pnpm links the root package into a package that depends on it: the root's own files (Classified.rootFiles,
  // but a removed package's), its manifest and its importer's resolved dependencies are that package's inputs
  // (GraphPackage.dependsOnRoot; almost none has one).
  const rootChanges: string[] = [];
  const rootFiles = c.rootFiles.filter((file) => removedDirOf(file) === undefined);
  if (rootFiles.length > 0) rootChanges.push(describeFiles(rootFiles, 'the workspace root, in no package'));
  if (c.rootManifest) rootChanges.push(rm?.kind === 'install' || rm?.kind === 'tooling' ? `root package.json: ${rm.fields.join(', ')} changed` : 'root package.json changed');
  const rootImporter = lock?.kind === 'importers' ? lock.importers.get('.') : undefined;
  if (rootImporter !== undefined) rootChanges.push(rootImporterChanged(rootImporter));
  if (rootChanges.length > 0) {
    const reason = `depends on the workspace root package, whose own files changed: ${rootChanges.join('; ')}`;
    for (const p of workspace.packages.values()) if (p.dependsOnRoot === true) addDirect(p.name, reason);
  }

  if (global.length > 0) {
    const packages = [...workspace.packages.values()].map((p) => entry(p, [...global, ...(direct.get(p.name) ?? [])]));
    return { packages: sortPackages(packages), global, tooling, roots: [...direct.keys()].sort(), via: new Map(), notes };
  }

  // Breadth-first over dependents from every directly affected package: each dependent records the
  // nearest affected dependency it was reached through, so its reason names the shortest chain.
  const via = new Map<string, string>();
  const seen = new Set(direct.keys());
  const queue = [...direct.keys()].sort();
  // for...of visits what the loop appends: a breadth-first walk over the dependents.
  for (const name of queue) {
    for (const dependent of workspace.dependentsOf(name)) {
      if (seen.has(dependent)) continue;
      seen.add(dependent);
      via.set(dependent, name);
      queue.push(dependent);
    }
  }
  const chainOf = (name: string): string[] => {
    const chain: string[] = [];
    for (let at = via.get(name); at !== undefined; at = via.get(at)) chain.push(at);
    return chain;
  };
  const packages: AffectedPackage[] = [];
  for (const name of seen) {
    const pkg = workspace.get(name);
    const reasons = [...(direct.get(name) ?? [])];
    if (via.has(name)) {
      const chain = chainOf(name);
      const cause = chain.at(-1) ?? name;
      reasons.push(chain.length === 1 ? `depends on ${cause}, which changed` : `depends on ${cause}, which changed (through ${chain.slice(0, -1).join(' -> ')})`);
    } else {
      const dep = pkg.workspaceDeps.find((d) => seen.has(d));
      if (dep !== undefined) reasons.push(`also depends on ${dep}, which is affected`);
    }
    packages.push(entry(pkg, reasons));
  }
  return { packages: sortPackages(packages), global, tooling, roots: [...direct.keys()].sort(), via, notes };
}
