/**
 * The `packages:` globs of pnpm-workspace.yaml, read without a YAML library when the file is in the
 * plain block form pnpm documents (`packages:` then `  - 'glob'` lines). Anything else returns
 * undefined and the caller falls back to the full YAML parser (workspace-yaml.ts), loaded on demand:
 * `pipeline affected` should not pay for a YAML parser on every run.
 */
const TOP = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/;
// A plain scalar must not start with a YAML indicator ([ { ! & * | > % @ ` , ? : -); those go to the full parser.
const ITEM = /^\s+-\s+(?:'([^']*)'|"([^"\\]*)"|([^\s'"#[\]{}!&*|>%@`,?:-][^#]*?))\s*(?:#.*)?$/;

export function parseWorkspaceGlobsFast(text: string): string[] | undefined {
  const globs: string[] = [];
  let inPackages = false;
  let seen = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (line.includes('\t')) return undefined;
    if (!line.startsWith(' ') && !line.startsWith('-')) {
      const m = TOP.exec(line);
      if (!m) return undefined;
      const value = m[2]?.replace(/\s+#.*$/, '') ?? '';
      inPackages = m[1] === 'packages';
      if (inPackages) {
        if (seen || value !== '') return undefined;
        seen = true;
      }
      continue;
    }
    if (!inPackages) continue;
    const m = ITEM.exec(line);
    const glob = m?.[1] ?? m?.[2] ?? m?.[3];
    if (glob === undefined || glob === '') return undefined;
    globs.push(glob);
  }
  return seen && globs.length > 0 ? globs : undefined;
}
