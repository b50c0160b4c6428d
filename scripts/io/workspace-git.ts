/**
 * Loads the workspace graph of a commit straight from git's object database: the trees along the
 * pnpm-workspace globs, then every package.json in one `git cat-file --batch`. No checkout needed,
 * and the cost follows the number of packages, not of files. The parsed packages are cached in the
 * git folder, keyed by the trees they came from, so a second run on the same trees reads no manifest.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { InputError } from '../core/errors.js';
import { isRecord } from '../core/json.js';
import { buildWorkspace, type PackageInput, type Workspace } from '../core/workspace/graph.js';
import { parseManifest } from '../core/workspace/manifest.js';
import { parseWorkspaceGlobsFast } from '../core/workspace/workspace-globs.js';
import { type Git, parseTree, type TreeEntry } from './git.js';
const mark = process.env['PIPELINE_TIMING'] ? (label: string) => process.stderr.write(`timing ${performance.now().toFixed(1)}   ${label}\n`) : () => {};

const SKIP = new Set(['node_modules', 'dist']);
const CACHE_VERSION = 1;

export interface GlobMatcher {
  /** The folder is a package folder candidate. */
  isPackageDir(path: string): boolean;
  /** A package folder could lie below this folder. */
  mayContain(path: string): boolean;
}

export function globMatcher(globs: readonly string[]): GlobMatcher {
  const include = globs.filter((g) => !g.startsWith('!')).map((g) => g.replace(/^\.\//, '').replace(/\/+$/, ''));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1).replace(/^\.\//, '').replace(/\/+$/, ''));
  const isIncluded = include.length > 0 ? picomatch(include) : () => false;
  const isExcluded = exclude.length > 0 ? picomatch(exclude) : () => false;
  // Per glob: a matcher for each proper prefix of its segments, or `deep` from the segment with `**` on.
  const prefixes = include.map((glob) => {
    const segments = glob.split('/');
    const deepAt = segments.findIndex((s) => s.includes('**'));
    const upto = deepAt === -1 ? segments.length - 1 : deepAt;
    return { deepAt, matchers: Array.from({ length: upto }, (_, i) => picomatch(segments.slice(0, i + 1).join('/'))) };
  });
  return {
    isPackageDir: (path) => isIncluded(path) && !isExcluded(path),
    mayContain(path) {
      const depth = path.split('/').length;
      return prefixes.some(({ deepAt, matchers }) => {
        if (depth <= matchers.length) return matchers[depth - 1]?.(path) ?? false;
        return deepAt !== -1 && (matchers.length === 0 || (matchers[matchers.length - 1]?.(path.split('/').slice(0, matchers.length).join('/')) ?? false));
      });
    },
  };
}

async function readWorkspaceGlobs(file: string, text: string): Promise<readonly string[]> {
  const fast = parseWorkspaceGlobsFast(text);
  if (fast) return fast;
  const { parseWorkspaceYaml } = await import('../core/workspace/workspace-yaml.js');
  return parseWorkspaceYaml(file, text).packages;
}

/** The cache is a file on disk: trusted only after this check (a stale or foreign file is ignored). */
function isPackageInputs(value: unknown): value is PackageInput[] {
  return (
    Array.isArray(value) &&
    value.every(
      (v: unknown) => isRecord(v) && typeof v['dir'] === 'string' && typeof v['isService'] === 'boolean' && isRecord(v['manifest']) && typeof v['manifest']['name'] === 'string',
    )
  );
}

/**
 * A cache key over tree hashes (already collision-resistant): 2 x 32-bit FNV-1a is plenty, and
 * node:crypto is not worth loading for it.
 */
class KeyHash {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;
  update(text: string): this {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      this.a = Math.imul(this.a ^ c, 0x01000193) >>> 0;
      this.b = Math.imul(this.b ^ c, 0x01000193 + 2) >>> 0;
    }
    return this;
  }
  digest(): string {
    return `${this.a.toString(16).padStart(8, '0')}${this.b.toString(16).padStart(8, '0')}`;
  }
}

/** Keeps the newest graphs only: one per recent tree state is all a CI runner or a laptop reuses. */
const CACHE_KEEP = 16;

function pruneCache(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.startsWith('graph-') && f.endsWith('.json'));
  if (files.length <= CACHE_KEEP) return;
  const byAge = files.map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
  for (const { f } of byAge.slice(CACHE_KEEP)) rmSync(join(dir, f), { force: true });
}

export interface LoadedWorkspace {
  readonly workspace: Workspace;
  readonly globs: readonly string[];
  /** Entries of the workspace folder's tree at the commit. */
  readonly rootEntries: readonly TreeEntry[];
}

/**
 * `dir` is the workspace folder inside the repository ('' for the top level); `commit` a full SHA.
 * `cacheDir` (optional) holds parsed packages keyed by tree hashes.
 */
export async function loadWorkspaceFromGit(git: Git, commit: string, dir: string, marker: string, cacheDir?: string): Promise<LoadedWorkspace> {
  const short = commit.slice(0, 12);
  const where = dir === '' ? 'the repository root' : dir;
  const [tree, yaml] = await git.readObjects([dir === '' ? `${commit}^{tree}` : `${commit}:${dir}`, `${commit}:${dir === '' ? '' : `${dir}/`}pnpm-workspace.yaml`]);
  if (tree?.type !== 'tree') throw new InputError(`${where} does not exist at ${short}; pass --cwd inside the workspace`);
  if (yaml?.type !== 'blob') throw new InputError(`pnpm-workspace.yaml not found in ${where} at ${short}; run from the root of a pnpm workspace (or pass --cwd)`);
  mark('root+yaml');
  const rootEntries = parseTree(tree.content, tree.sha.length / 2);
  const globs = await readWorkspaceGlobs(`pnpm-workspace.yaml (at ${short})`, yaml.content.toString('utf8'));
  const matcher = globMatcher(globs);

  // Walk the trees level by level; each level is one cat-file round.
  const candidates: Array<{ path: string; sha: string }> = [];
  let frontier: Array<{ path: string; entries: readonly TreeEntry[] }> = [{ path: '', entries: rootEntries }];
  const hash = new KeyHash().update(`${CACHE_VERSION}\0${marker}\0${yaml.sha}\0`);
  while (frontier.length > 0) {
    const descend: Array<{ path: string; sha: string }> = [];
    for (const { path, entries } of frontier) {
      for (const e of entries) {
        if (!e.isTree || SKIP.has(e.name) || e.name.startsWith('.')) continue;
        const child = path === '' ? e.name : `${path}/${e.name}`;
        if (matcher.isPackageDir(child)) {
          candidates.push({ path: child, sha: e.sha });
          hash.update(`${child}\0${e.sha}\0`);
        }
        if (matcher.mayContain(child)) descend.push({ path: child, sha: e.sha });
      }
    }
    const objects = await git.readObjects(descend.map((d) => d.sha));
    frontier = descend.map((d, i) => {
      const obj = objects[i];
      return { path: d.path, entries: obj?.type === 'tree' ? parseTree(obj.content, obj.sha.length / 2) : [] };
    });
  }
  mark('walked');
  const key = hash.digest();
  const cacheFile = cacheDir === undefined ? undefined : join(cacheDir, `graph-${key}.json`);
  if (cacheFile) {
    try {
      const cached: unknown = JSON.parse(readFileSync(cacheFile, 'utf8'));
      mark('cache read');
      if (isPackageInputs(cached)) return { workspace: buildWorkspace(cached), globs, rootEntries };
    } catch {
      // No cache yet, or an unreadable one: load from the objects.
    }
  }

  // `<tree>:<path>` reads a file of a folder without parsing the folder's tree: one round for all.
  const files = await git.readObjects(candidates.flatMap((c) => [`${c.sha}:package.json`, `${c.sha}:${marker}`]));
  mark('files read');
  const manifests: Array<{ path: string; text: string; isService: boolean }> = [];
  candidates.forEach((c, i) => {
    const pkg = files[2 * i];
    if (pkg?.type === 'blob') manifests.push({ path: c.path, text: pkg.content.toString('utf8'), isService: files[2 * i + 1]?.type === 'blob' });
  });
  const inputs: PackageInput[] = manifests.map((m) => ({
    dir: m.path,
    manifest: parseManifest(`${dir === '' ? '' : `${dir}/`}${m.path}/package.json (at ${short})`, m.text),
    isService: m.isService,
  }));
  mark('parsed');
  const workspace = buildWorkspace(inputs);
  mark('built');
  if (cacheFile && cacheDir !== undefined) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(inputs));
      renameSync(tmp, cacheFile);
      pruneCache(cacheDir);
    } catch {
      // A read-only git folder only costs the next run a reload.
    }
  }
  return { workspace, globs, rootEntries };
}
