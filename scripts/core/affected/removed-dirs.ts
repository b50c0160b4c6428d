/**
 * The folders that may have held a package at base and hold none at head: a changed file no package
 * at head owns (deleted, or moved away) whose folder, or one of its parents, matches the workspace
 * globs. The caller then keeps those that held a manifest at base (package.json, or pnpm's package.json5
 * or package.yaml; one read for all of them).
 */

/**
 * Workspace-relative folders (`services/a`), each once, in the order first met: for every unowned file
 * under `prefix` (the workspace's folder in the repository, '' at the top), each parent folder that
 * `isPackageDir` accepts. A folder name holding a newline is never a package (git quotes such paths,
 * and the workspace loader refuses them).
 */
export function removedPackageCandidates(unowned: readonly string[], prefix: string, isPackageDir: (dir: string) => boolean): string[] {
  const dirs = new Set<string>();
  const start = prefix === '' ? '' : `${prefix}/`;
  for (const file of unowned) {
    if (!file.startsWith(start)) continue;
    const parts = file.slice(start.length).split('/');
    for (let n = parts.length - 1; n >= 1; n--) {
      const dir = parts.slice(0, n).join('/');
      if (!dir.includes('\n') && isPackageDir(dir)) dirs.add(dir);
    }
  }
  return [...dirs];
}
