/**
 * Loads the workspace graph of a commit straight from git's object database, no checkout needed:
 * the trees along the pnpm-workspace globs (for `services/*`, the one `services` tree), then, in
 * bulk, each package folder's package.json (pnpm's package.json5 or package.yaml when it has none) and the type of its service marker, looked up by git
 * inside the folder's tree (by its hash). The cost follows the number of packages, never the
 * number of files.
 *
 * The graph is cached in the git folder, keyed by the trees of the folders the globs start from
 * (`services` and `packages`, not each package), the workspace file and the marker: a run on the
 * same trees reads one tree and one small file, and no manifest.
 */
import { existsSync, mkdir, readdir, readFileSync, rename, rm, type Stats, stat, statSync, writeFile } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { fromCallback } from '../core/from-callback.js';
import {
  discoverPackages,
  type Folder,
  type FolderListing,
  MANIFEST_FILES,
  type ManifestFile,
  manifestFolder,
  OTHER_MANIFEST_FILES,
  type OtherManifestFile,
  type PackageFiles,
  symlinkedManifest,
} from '../core/workspace/discover.js';
import { folderTest, type GlobMatcher, globMatcher, globRoots } from '../core/workspace/folder-globs.js';
import { KeyHash } from '../core/workspace/cache-key.js';
import { buildGraph, type GraphSource, graphFromSnapshot, hasLocalInputs, isGraphSnapshot, snapshotGraph, type WorkspaceGraph } from '../core/workspace/graph.js';
import { readVendored, type VendoredManifest } from '../core/workspace/vendored.js';
import { readManifestEdges } from '../core/workspace/manifest.js';
import { type LocalOverride, overriddenRefs, workspaceOverrides } from '../core/workspace/overrides.js';
import { readWorkspaceGlobs, readWorkspaceOverrides } from '../core/workspace/workspace-globs.js';
import { isRecord, parseJsonText } from '../core/json.js';
import { parseTree, subtrees, type TreeEntry } from '../core/git/tree.js';
import type { BulkAnswers, BulkRead, GitObject } from './cat-file.js';
import type { Git } from './git.js';
import { manifestJson, readRootManifest } from './manifest-json.js';

// 3: `file:`/`link:` dependencies resolved by folder (a cache of version 2 lacks those edges).
// 4: the service folder globs count, as on disk (a cache of version 3 knew the marker only).
// 5: the local inputs of `file:`/`link:` dependencies on folders that are no workspace package.
// 6: pnpm's package.json5 and package.yaml manifests (a cache of version 5 lacks those packages).
// 7: a vendored package's own path dependencies, and the vendored manifests a graph was built with.
// 8: dot-folders a glob names are packages (`.tools/*`); a package.json folder beside package.yaml is refused.
// 9: the packages that depend on the workspace's root package (GraphSnapshot.rootDependents); the root's name in the key.
// 10: a leading `!` as pnpm reads it (`!(tools)` an extglob include, `!!x` dropped: core/workspace/folder-globs.ts);
//     packages without a name, or of a name several hold, known by their folders (core/workspace/graph.ts folderKey).
// 11: pnpm's overrides that point a dependency at a folder (core/workspace/overrides.ts): edges, and in the key.
const CACHE_VERSION = 11;
/**
 * git processes that read the manifests, each a share of the folders: git answers on one core, and
 * this process waits meanwhile. Two halve the wait on a 2-core machine; more only add start-up.
 */
const BULK_READERS = Math.max(1, Math.min(2, availableParallelism()));
/** Below this many folders per reader, one reader is quicker than starting another. */
const MIN_PER_READER = 200;

/** Keeps the newest graphs only: one per recent tree state is all a CI runner or a laptop reuses. */
const CACHE_KEEP = 16;

async function pruneCache(dir: string): Promise<void> {
  const files = (await fromCallback<string[]>((done) => readdir(dir, done))).filter((f) => f.startsWith('graph-') && f.endsWith('.json'));
  if (files.length <= CACHE_KEEP) return;
  const byAge = await Promise.all(files.map(async (f) => ({ f, t: (await fromCallback<Stats>((done) => stat(join(dir, f), done))).mtimeMs })));
  byAge.sort((a, b) => b.t - a.t);
  await Promise.all(byAge.slice(CACHE_KEEP).map(({ f }) => fromCallback<void>((done) => rm(join(dir, f), { force: true }, (err) => done(err, undefined)))));
}

interface Cached {
  readonly graph: WorkspaceGraph;
  /** The vendored folders' manifests the graph was built with (GraphSnapshot.vendored): to check before use. */
  readonly vendored: ReadonlyArray<readonly [folder: string, id: string]>;
}

function readCache(file: string): Cached | undefined {
  let text: string;
  try {
    // Only a regular file is a cache (a FIFO put there would make the read wait forever): ~10 µs.
    if (!statSync(file).isFile()) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // no cache yet
  }
  try {
    const snapshot: unknown = JSON.parse(text);
    return isGraphSnapshot(snapshot) ? { graph: graphFromSnapshot(snapshot), vendored: snapshot.vendored ?? [] } : undefined;
  } catch {
    return undefined; // a damaged file: load from the objects
  }
}

/**
 * The manifest of each vendored folder at `commit` (vendored.ts), as pnpm picks it: the folder's tree read,
 * then the first of package.json, package.json5 and package.yaml it holds, by its blob. A folder git does not
 * hold as a tree (a symbolic link, which a commit cannot follow, or a submodule, whose files the commit does
 * not hold: the disk loader skips both too) has none; a manifest that is a symbolic link is refused, as a workspace package's is.
 */
async function vendoredManifests(git: Git, commit: string, dir: string, folders: readonly string[]): Promise<Array<VendoredManifest | undefined>> {
  const inRepo = (folder: string) => `${dir === '' ? '' : `${dir}/`}${folder}`;
  const trees = await git.readObjects(folders.map((f) => `${commit}:${inRepo(f)}`));
  const chosen = folders.map((folder, i) => {
    for (const file of MANIFEST_FILES) {
      const entry = entryOf(trees[i], file);
      if (entry === undefined) continue;
      if (!isBlobEntry(entry)) return undefined;
      if (entry.mode === '120000') throw symlinkedManifest(`${inRepo(folder)}/${file} (at ${commit.slice(0, 12)})`);
      return { file, sha: entry.sha };
    }
    return undefined;
  });
  const blobs = await git.readObjects(chosen.flatMap((c) => (c === undefined ? [] : [c.sha])));
  let b = 0;
  const out: Array<VendoredManifest | undefined> = [];
  for (const [i, c] of chosen.entries()) {
    if (c === undefined) {
      out.push(undefined);
      continue;
    }
    const blob = blobs[b++];
    const name = `${inRepo(folders[i] ?? '')}/${c.file} (at ${commit.slice(0, 12)})`;
    if (blob?.type !== 'blob') throw new InputError(`${name}: git cannot read its object; the clone is incomplete (fetch the commit again)`);
    out.push({ text: await manifestJson(name, c.file, blob.content.toString('utf8')), id: c.sha, file: name });
  }
  return out;
}

/**
 * Whether the vendored manifests a cached graph was built with are those of `commit`: they lie outside
 * the folders the cache is keyed by (one round trip, and only for a graph that has any).
 */
async function vendoredStillHold(git: Git, commit: string, dir: string, vendored: Cached['vendored']): Promise<boolean> {
  if (vendored.length === 0) return true;
  const now = await vendoredManifests(
    git,
    commit,
    dir,
    vendored.map(([folder]) => folder),
  );
  return vendored.every(([, id], i) => (now[i]?.id ?? '-') === id);
}

/**
 * Written in the background while the command goes on (the process ends when it is done); a
 * read-only git folder only costs the next run a reload.
 */
function writeCache(dir: string, file: string, graph: WorkspaceGraph, vendored: Cached['vendored']): Promise<void> {
  const text = JSON.stringify(snapshotGraph(graph, vendored));
  const tmp = `${file}.${process.pid}.tmp`;
  return fromCallback<string | undefined>((done) => mkdir(dir, { recursive: true }, done))
    .then(() => fromCallback<void>((done) => writeFile(tmp, text, (err) => done(err, undefined))))
    .then(() => fromCallback<void>((done) => rename(tmp, file, (err) => done(err, undefined))))
    .then(() => pruneCache(dir))
    .catch(() => {});
}

/** The folders of each tree of one commit, read by hash, each once. */
class Folders {
  private readonly parsed = new Map<string, ReadonlyArray<{ readonly name: string; readonly sha: string }>>();
  constructor(
    private readonly git: Git,
    private readonly shaBytes: number,
  ) {}

  /** A tree already read (the workspace folder's). */
  add(sha: string, content: Buffer): void {
    this.parsed.set(sha, subtrees(content, this.shaBytes));
  }

  /** The subfolders of each tree (none for a hash that is not a tree). */
  async read(shas: readonly string[]): Promise<Array<ReadonlyArray<{ readonly name: string; readonly sha: string }>>> {
    const missing = [...new Set(shas.filter((s) => !this.parsed.has(s)))];
    const objects = await this.git.readObjects(missing);
    missing.forEach((sha, i) => {
      const obj = objects[i];
      this.parsed.set(sha, obj?.type === 'tree' ? subtrees(obj.content, this.shaBytes) : []);
    });
    return shas.map((s) => this.parsed.get(s) ?? []);
  }

  /** The hash of the folder at `path` below a tree ('' for the tree itself), or undefined when there is none. */
  async resolve(rootSha: string, path: string): Promise<string | undefined> {
    let sha = rootSha;
    if (path === '') return sha;
    for (const name of path.split('/')) {
      const [entries = []] = await this.read([sha]);
      const entry = entries.find((e) => e.name === name);
      if (!entry) return undefined;
      sha = entry.sha;
    }
    return sha;
  }
}

/**
 * A commit's folders for discovery (core/workspace/discover.ts), each known by its tree's hash: the
 * subfolders from the trees, and each package folder's package.json and marker looked up by git
 * inside the folder's tree (by hash: a few entries, where a path from the top would scan the 1,000
 * entries of `services` each time), the manifests' contents and the marker's type only. The lookups
 * are split between the bulk readers (git is single-threaded, and this process has nothing else to
 * do meanwhile), in one piece when small.
 */
function gitListing(
  git: Git,
  trees: Folders,
  readers: () => BulkRead[],
  fileName: (path: string, file?: ManifestFile) => string,
  trace: (label: string) => void,
): FolderListing<string> {
  return {
    async subfolders(folders) {
      const levels = await trees.read(folders.map((f) => f.handle));
      return levels.map((entries) => entries.map((e) => ({ name: e.name, handle: e.sha })));
    },
    async packageFiles(folders, marker) {
      const all = readers();
      let parts: Array<{ folders: ReadonlyArray<Folder<string>>; answers: Promise<BulkAnswers> }>;
      try {
        const used = folders.length >= MIN_PER_READER * 2 ? all : all.slice(0, 1);
        const per = Math.ceil(folders.length / used.length);
        parts = used.map((reader, r) => {
          const part = folders.slice(r * per, (r + 1) * per);
          const shas = part.map((c) => c.handle);
          reader.add(shas, 'package.json');
          reader.add(shas, marker, true);
          return { folders: part, answers: reader.finish() };
        });
        // Every answer in before the readers are let go (close() would drop a file not yet read).
        await Promise.all(parts.map((p) => p.answers));
      } finally {
        for (const reader of all) reader.close();
      }
      trace(`${folders.length} package folders' manifests read`);
      const out: PackageFiles[] = [];
      const unanswered: Unanswered[] = [];
      for (const part of parts) {
        const answers = await part.answers;
        const size = part.folders.length;
        // Each reader answers its part's manifests, then its markers.
        part.folders.forEach((folder, i) => {
          const type = answers.type(i);
          const marker = answers.type(size + i) === 'blob';
          // Missing, or a folder (or submodule) named package.json: the folder's tree says which, and what else it holds.
          if (type !== 'blob') unanswered.push({ folder, at: out.length, marker });
          out.push({ manifest: type === 'blob' ? answers.text(i) : undefined, marker });
        });
      }
      await readUnanswered(git, unanswered, out, fileName);
      return out;
    },
  };
}

/** A folder git answered `missing` (or another type than a file) for its package.json: where its answer goes in the listing's list. */
interface Unanswered {
  readonly folder: Folder<string>;
  readonly at: number;
  readonly marker: boolean;
}

/** The entry named `name` of a folder's tree object (undefined when there is none, or no tree). */
function entryOf(tree: GitObject | undefined, name: string): TreeEntry | undefined {
  return tree?.type === 'tree' ? parseTree(tree.content, tree.sha.length / 2).find((e) => e.name === name) : undefined;
}

/** A file git stores as a blob: neither a folder nor a submodule (a link is a blob too, refused by the caller). */
const isBlobEntry = (entry: TreeEntry | undefined): entry is TreeEntry => entry !== undefined && !entry.isTree && entry.mode !== '160000';

/**
 * git answers `missing` for a folder without package.json and for one whose package.json it cannot
 * read (a partial or damaged clone); only the first is not a package. The few folders answered so
 * are looked at by their tree, which says which it is, and names pnpm's other manifests (package.json5,
 * else package.yaml) when the folder holds one: read then, in one more round trip (rare: the bulk read
 * asks for package.json alone).
 */
async function readUnanswered(git: Git, unanswered: readonly Unanswered[], out: PackageFiles[], fileName: (path: string, file?: ManifestFile) => string): Promise<void> {
  if (unanswered.length === 0) return;
  const trees = await git.readObjects(unanswered.map((u) => u.folder.handle));
  const others: Array<{ readonly u: Unanswered; readonly file: OtherManifestFile; readonly sha: string }> = [];
  unanswered.forEach((u, i) => {
    const tree = trees[i];
    const entry = entryOf(tree, 'package.json');
    if (tree?.type !== 'tree' || isBlobEntry(entry))
      throw new InputError(`${fileName(u.folder.path)}: git cannot read its object; the clone is incomplete (fetch the commit again)`);
    for (const file of OTHER_MANIFEST_FILES) {
      const other = entryOf(tree, file);
      if (!isBlobEntry(other)) continue;
      if (other.mode === '120000') throw symlinkedManifest(fileName(u.folder.path, file));
      // A package.json that is a folder (or a submodule) makes no package alone, and is refused beside another manifest, as on disk.
      if (entry !== undefined) throw manifestFolder(fileName(u.folder.path), file);
      others.push({ u, file, sha: other.sha });
      return;
    }
  });
  if (others.length === 0) return;
  const blobs = await git.readObjects(others.map((o) => o.sha));
  others.forEach(({ u, file }, i) => {
    const blob = blobs[i];
    if (blob?.type !== 'blob') throw new InputError(`${fileName(u.folder.path, file)}: git cannot read its object; the clone is incomplete (fetch the commit again)`);
    out[u.at] = { manifest: blob.content.toString('utf8'), manifestFile: file, marker: u.marker };
  });
}

export interface LoadedWorkspace {
  readonly workspace: WorkspaceGraph;
  readonly globs: readonly string[];
  readonly matcher: GlobMatcher;
  /** Settles when the graph read now is in the cache (it is written in the background; never rejects). */
  readonly cached: Promise<void>;
}

export interface LoadOptions {
  /** The workspace folder inside the repository ('' for the top level). */
  readonly dir: string;
  /** A package whose folder holds this file is a service ... */
  readonly marker: string;
  /** ... or whose folder matches one of these globs (the config's `services.dockerfileTargets`; none by default). */
  readonly serviceGlobs?: readonly string[];
  /** Holds graphs keyed by the trees they were read from; no cache without it. */
  readonly cacheDir?: string;
  readonly trace?: (label: string) => void;
}

/** The workspace graph at `commit` (a full SHA). */
export async function loadWorkspaceFromGit(git: Git, commit: string, options: LoadOptions): Promise<LoadedWorkspace> {
  // A fresh clone (CI's case) has no cache folder yet, so the graph will be read from the objects:
  // the readers start during the first round trip, while git answers it (starting a process holds
  // this one up for milliseconds: better spent while it would wait anyway).
  const cold = options.cacheDir === undefined || !existsSync(options.cacheDir);
  let readers: BulkRead[] | undefined;
  const readersFor = () => {
    readers ??= startReaders(git);
    return readers;
  };
  try {
    return await load(git, commit, options, readersFor, cold);
  } finally {
    for (const reader of readers ?? []) reader.close();
  }
}

/** A package's dependency refs and those the workspace's local overrides add (its manifest parsed once more, only when there are any). */
function withOverrides(refs: GraphSource['refs'], json: string, dir: string, name: string | undefined, overrides: readonly LocalOverride[]): GraphSource['refs'] {
  if (overrides.length === 0) return refs;
  // readManifestEdges has parsed and checked this text: an object whose dependency fields are mappings of text.
  const pkg = parseJsonText(json);
  return isRecord(pkg) ? [...refs, ...overriddenRefs(pkg, dir, name, overrides)] : refs;
}

function startReaders(git: Git): BulkRead[] {
  return Array.from({ length: BULK_READERS }, () => git.bulkRead());
}

async function load(git: Git, commit: string, options: LoadOptions, readersFor: () => BulkRead[], cold: boolean): Promise<LoadedWorkspace> {
  const { dir, marker, serviceGlobs = [], cacheDir, trace = () => {} } = options;
  const short = commit.slice(0, 12);
  const where = dir === '' ? 'the repository root' : dir;
  const inDir = dir === '' ? '' : `${dir}/`;
  const first = git.readObjects([
    dir === '' ? `${commit}^{tree}` : `${commit}:${dir}`,
    `${commit}:${inDir}pnpm-workspace.yaml`,
    ...MANIFEST_FILES.map((file) => `${commit}:${inDir}${file}`),
  ]);
  // Asked first, so that git answers while the readers start.
  if (cold) readersFor();
  const [tree, yaml, ...rootManifests] = await first;
  if (tree?.type !== 'tree') throw new InputError(`${where} does not exist at ${short}; pass --cwd inside the workspace`);
  if (yaml?.type !== 'blob') throw new InputError(`pnpm-workspace.yaml not found in ${where} at ${short}; run from the root of a pnpm workspace (or pass --cwd)`);
  // A link's blob is its target's path: refused, as on disk (the workspace folder's tree is a few entries).
  if (entryOf(tree, 'pnpm-workspace.yaml')?.mode === '120000') throw symlinkedManifest(`${dir === '' ? '' : `${dir}/`}pnpm-workspace.yaml (at ${short})`);
  const yamlText = yaml.content.toString('utf8');
  const globs = await readWorkspaceGlobs(`pnpm-workspace.yaml (at ${short})`, yamlText);
  const matcher = await globMatcher(globs);
  const shaBytes = tree.sha.length / 2;
  const trees = new Folders(git, shaBytes);
  trees.add(tree.sha, tree.content);

  // The root package's name decides which dependencies are on the root (GraphPackage.dependsOnRoot): in the key.
  const root = await readRootManifest(
    MANIFEST_FILES.map((file, i) => {
      const blob = rootManifests[i];
      return [`${inDir}${file} (at ${short})`, file, blob?.type === 'blob' ? blob.content.toString('utf8') : undefined] as const;
    }),
  );
  const rootName = root.name;
  // pnpm's overrides that point a dependency at a folder: edges of the packages they select (rare; none costs a text search).
  const overrides = workspaceOverrides(root.json, await readWorkspaceOverrides(`pnpm-workspace.yaml (at ${short})`, yamlText));
  // With such overrides, the lockfile says which packages reach their folders through registry packages (override-reach.ts):
  // one more read, for such a workspace only.
  const [lock] = overrides.length === 0 ? [] : await git.readObjects([`${commit}:${inDir}pnpm-lock.yaml`]);
  const lockText = lock?.type === 'blob' ? lock.content.toString('utf8') : undefined;
  // The root manifest's overrides are in the key (pnpm-workspace.yaml's are, by its hash), and then the lockfile.
  const hash = new KeyHash().update(
    `${CACHE_VERSION}\0${marker}\0${serviceGlobs.join('\0')}\0\0${yaml.sha}\0${rootName ?? ''}\0${overrides.length === 0 ? '' : `${JSON.stringify(overrides)}\0${lock?.sha ?? '-'}`}\0`,
  );
  for (const root of globRoots(globs)) hash.update(`${root}\0${(await trees.resolve(tree.sha, root)) ?? '-'}\0`);
  const cacheFile = cacheDir === undefined ? undefined : join(cacheDir, `graph-${hash.digest()}.json`);
  const fromCache = cacheFile === undefined ? undefined : readCache(cacheFile);
  if (fromCache && (await vendoredStillHold(git, commit, dir, fromCache.vendored))) {
    trace('workspace graph from the cache');
    return { workspace: fromCache.graph, globs, matcher, cached: Promise.resolve() };
  }
  trace('workspace graph not cached: reading the package folders');
  const manifestName = (path: string, file: ManifestFile = 'package.json') => `${dir === '' ? '' : `${dir}/`}${path}/${file} (at ${short})`;
  // Started now if not yet: git takes a few milliseconds to start, while the folders are walked.
  readersFor();
  const found = await discoverPackages(gitListing(git, trees, readersFor, manifestName, trace), tree.sha, matcher, { marker, isServiceDir: await folderTest(serviceGlobs) });
  // The manifest's name for an error, made only then (one function for the loop, not one per package).
  let folder = '';
  let file: ManifestFile = 'package.json';
  const fileName = () => manifestName(folder, file);
  let sources: GraphSource[] = [];
  for (const { dir: path, manifest, manifestFile, isService } of found) {
    folder = path;
    if (manifestFile !== undefined) {
      // pnpm's package.json5 or package.yaml (rare): turned into JSON by the parsers loaded for it alone.
      file = manifestFile;
      const json = await manifestJson(fileName(), manifestFile, manifest);
      const edges = readManifestEdges(json, fileName);
      sources.push({ dir: path, manifestFile, name: edges.name, isService, refs: withOverrides(edges.refs, json, path, edges.name, overrides) });
      file = 'package.json';
      continue;
    }
    let edges: ReturnType<typeof readManifestEdges>;
    try {
      edges = readManifestEdges(manifest, fileName);
    } catch (err) {
      // The bulk read gives a link's text as its contents: a manifest that does not parse may be one.
      const [tree] = await git.readObjects([`${commit}:${dir === '' ? '' : `${dir}/`}${path}`]);
      if (entryOf(tree, 'package.json')?.mode === '120000') throw symlinkedManifest(manifestName(path));
      throw err;
    }
    sources.push({ dir: path, name: edges.name, isService, refs: withOverrides(edges.refs, manifest, path, edges.name, overrides) });
  }
  trace(`${sources.length} manifests parsed`);
  if (overrides.length > 0) {
    const { reachedRefs } = await import('../core/workspace/override-reach.js');
    const reached = reachedRefs(sources, overrides, lockText, true);
    sources = sources.map((source) => {
      const more = reached.get(source.dir);
      return more === undefined ? source : { ...source, refs: [...source.refs, ...more] };
    });
  }
  let workspace = buildGraph(sources, { rootName, rootUnreadable: root.unreadable });
  // A package depending on a folder of no workspace package (a vendored one, rare): that folder's own
  // manifest's paths count too, read now and the graph built again with them.
  let vendored: Cached['vendored'] = [];
  if (hasLocalInputs(workspace)) {
    const read = await readVendored(sources, (folders) => vendoredManifests(git, commit, dir, folders));
    if (read.read.length > 0) {
      workspace = buildGraph(sources, { vendored: read.refs, rootName, rootUnreadable: root.unreadable });
      vendored = read.read;
    }
  }
  trace('workspace graph built');
  return {
    workspace,
    globs,
    matcher,
    cached: cacheFile !== undefined && cacheDir !== undefined ? writeCache(cacheDir, cacheFile, workspace, vendored) : Promise.resolve(),
  };
}
