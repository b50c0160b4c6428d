/** Folder paths of the workspace, as dependencies name them: joined, and what they may point at. */

/**
 * `dir` joined with a relative `path` (POSIX, `.` and `..` resolved); an absolute path stays as it is,
 * and a path above the repository root gives '' (no workspace folder is there).
 */
export function joinPosix(dir: string, path: string): string {
  const parts = path.startsWith('/') ? [] : dir.split('/').filter((p) => p !== '' && p !== '.');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.pop() === undefined) return '';
    } else parts.push(segment);
  }
  return `${path.startsWith('/') ? '/' : ''}${parts.join('/')}`;
}

/**
 * Whether relative `path` from `dir` names the workspace's root folder itself (`..` from `tools`, `../..` from
 * `packages/a`), not a folder above it (joinPosix gives '' for both).
 */
export function isRootFolder(dir: string, path: string): boolean {
  if (path.startsWith('/')) return false;
  let depth = dir.split('/').filter((p) => p !== '' && p !== '.').length;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (depth === 0) return false;
      depth--;
    } else depth++;
  }
  return depth === 0;
}

/** A folder a dependency points at that is a path of this workspace: not its root, not above it, not absolute. */
export function isLocalInput(folder: string): boolean {
  return folder !== '' && !folder.startsWith('/');
}

/** pnpm reads a `file:` path ending so as a tarball, anything else as a folder. */
export function isTarball(path: string): boolean {
  return /\.(?:tgz|tar|tar\.gz)$/.test(path);
}
