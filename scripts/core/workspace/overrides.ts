/**
 * pnpm's `overrides` that point a dependency at a folder (`"x": "link:./packages/b"`, `file:` too) or at a
 * workspace package (`"x": "workspace:*"`): pnpm replaces the specifier of every dependency they select, in each
 * workspace package's manifest, with that folder (relative to the workspace root) or package, so the package
 * depending on `x` links or copies it, as if its manifest said so. Change detection must see that edge: a change to `packages/b` reaches the
 * packages depending on `x` (pnpm 10's own `--filter "...[base]"` misses them).
 *
 * Read as pnpm 10.34 reads them (its `getOptionsFromRootManifest`, `parseOverrides` and
 * `createVersionsOverrider`): the root manifest's `resolutions` (Yarn's field) and `pnpm.overrides`, and
 * pnpm-workspace.yaml's `overrides`; a selector is `name`, `name@range`, `parent>name` or
 * `parent@range>name` (scoped names too); a value `$name` is the root manifest's own specifier of `name`.
 * pnpm replaces a dependency of `dependencies`, `devDependencies` and `optionalDependencies`, and a peer
 * (which then becomes a dependency: a folder is no peer range). Where pnpm decides by versions (the ranges of
 * a selector, which of several overrides is the most specific, and which source wins when
 * pnpm-workspace.yaml and the root manifest both have `overrides`), every override that may apply makes an
 * edge: a safe over-approximation (a dependent listed without need, never missed). An override that
 * removes a dependency (`-`) or sets a version removes no edge, nor does one that replaces a `file:`, `link:` or
 * `workspace:` specifier remove that specifier's own edge, for the same reason. Through the packages pnpm
 * installs (a registry or vendored package's own `x`): override-reach.ts.
 */
import { isRecord } from '../json.js';
import { DEPENDENCY_FIELDS, type DependencyRef, dependencyRef } from './manifest.js';
import { joinPosix } from './paths.js';

/** What an override selects: the dependency key it replaces, and for a `parent>name` selector that package's only. */
interface OverrideSelector {
  readonly name: string;
  readonly parent: string | undefined;
}

/**
 * An override whose new specifier is in the workspace: a folder (`link:`/`file:`, relative to the workspace root,
 * '' for the root itself; `copy` for `file:`, which pnpm installs as a copy and, of a folder that is no workspace
 * package, with its own dependencies), or a workspace package by name (`workspace:*`, `workspace:^1`,
 * `workspace:other@*`: pnpm links the workspace package of that name).
 */
export type LocalOverride = (OverrideSelector & { readonly folder: string; readonly copy: boolean }) | (OverrideSelector & { readonly workspacePackage: string });

/** What a `workspace:` specifier names: the package of `name`, or of an alias (`workspace:other@*`); undefined for a path (`workspace:../b`) and any other specifier. */
function workspaceTarget(name: string, spec: string): string | undefined {
  const ref = dependencyRef(name, spec);
  return Array.isArray(ref) ? ref[0] : undefined;
}

/** Where pnpm splits `parent>child` (its DELIMITER_REGEX: a `>` after a character that is no space, `|` or `@`). */
const DELIMITER = /[^ |@]>/;

/** The package name of a selector half (`name`, `name@range`, `@scope/name@range`): '' for none. */
function selectorName(selector: string): string {
  const at = selector.indexOf('@', 1);
  return at === -1 ? selector : selector.slice(0, at);
}

/** `selector`'s dependency name and parent, as pnpm's parsePkgAndParentSelector splits it (undefined without a name). */
export function parseSelector(selector: string): { readonly name: string; readonly parent: string | undefined } | undefined {
  const at = selector.search(DELIMITER);
  // The parent half ends with the character before the `>`, which is no `@`: it always has a name.
  const parent = at === -1 ? undefined : selectorName(selector.slice(0, at + 1));
  const name = selectorName(at === -1 ? selector : selector.slice(at + 2));
  return name === '' ? undefined : { name, parent };
}

/** The folder a `link:`/`file:` specifier names, relative to the workspace root; undefined for any other specifier, an absolute path or one above the root. */
export function overrideFolder(spec: string): { readonly folder: string; readonly copy: boolean } | undefined {
  const copy = spec.startsWith('file:');
  if (!copy && !spec.startsWith('link:')) return undefined;
  const path = spec.slice(5);
  // An absolute path, or one above the root, is outside the repository.
  return path.startsWith('/') || leavesRoot(path) ? undefined : { folder: joinPosix('', path), copy };
}

/** Whether a relative path goes above the folder it is relative to at some point (`..`, `a/../..`, `./..`). */
function leavesRoot(path: string): boolean {
  let depth = 0;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    depth += segment === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * The local overrides of the override tables (`resolutions`, `pnpm.overrides`, pnpm-workspace.yaml's
 * `overrides`, each as read, so of any type: a table that is no mapping, and an entry that is no text, is
 * skipped, as an override pnpm could not apply), in the tables' order. `rootSpecs` are the root manifest's own
 * specifiers, for a `$name` value (pnpm fails the install when there is none: skipped here).
 */
export function localOverrides(tables: readonly unknown[], rootSpecs: ReadonlyMap<string, string>): LocalOverride[] {
  const out: LocalOverride[] = [];
  for (const table of tables) {
    if (!isRecord(table)) continue;
    for (const selector of Object.keys(table)) {
      const value = table[selector];
      if (typeof value !== 'string') continue;
      const spec = value.startsWith('$') ? rootSpecs.get(value.slice(1)) : value;
      const parsed = parseSelector(selector);
      if (spec === undefined || parsed === undefined) continue;
      const folder = overrideFolder(spec);
      if (folder !== undefined) out.push({ ...parsed, ...folder });
      else {
        // A `workspace:` specifier naming a package (any other specifier names none).
        const workspacePackage = workspaceTarget(parsed.name, spec);
        if (workspacePackage !== undefined) out.push({ ...parsed, workspacePackage });
      }
    }
  }
  return out;
}

/**
 * The root manifest's own specifiers, for an override's `$name`, as pnpm's createVersionReferencesReplacer
 * gathers them: `devDependencies`, then `dependencies`, then `optionalDependencies` (a later field wins).
 */
export function rootSpecifiers(manifest: Readonly<Record<string, unknown>>): Map<string, string> {
  const specs = new Map<string, string>();
  for (const field of ['devDependencies', 'dependencies', 'optionalDependencies']) {
    const deps = manifest[field];
    if (!isRecord(deps)) continue;
    for (const key of Object.keys(deps)) {
      const spec = deps[key];
      if (typeof spec === 'string') specs.set(key, spec);
    }
  }
  return specs;
}

/**
 * The local overrides of a workspace: those of its root manifest (`root`, as parsed; undefined when it has
 * none or it does not parse) and of pnpm-workspace.yaml (`yamlOverrides`, its `overrides` as parsed).
 */
export function workspaceOverrides(root: Readonly<Record<string, unknown>> | undefined, yamlOverrides: unknown): LocalOverride[] {
  return localOverrides([...rootOverrideTables(root ?? {}), yamlOverrides], rootSpecifiers(root ?? {}));
}

/** The root manifest's override tables, as read (of any type): `resolutions`, then `pnpm.overrides` (pnpm's order: the second wins). */
export function rootOverrideTables(root: Readonly<Record<string, unknown>>): unknown[] {
  const pnpm = root['pnpm'];
  return [root['resolutions'], isRecord(pnpm) ? pnpm['overrides'] : undefined];
}

/** The relative path from a package's folder (`packages/a`, '' for the root) up to the workspace root (`../..`, ''). */
function upTo(dir: string): string {
  return dir.replaceAll(/[^/]+/g, '..');
}

/** The path from a package's folder to a folder of the workspace (both relative to its root), as a dependency names it. */
export function pathFrom(dir: string, folder: string): string {
  const up = upTo(dir);
  return folder === '' ? up || '.' : up === '' ? folder : `${up}/${folder}`;
}

/**
 * The edges `overrides` add to the package in folder `dir` named `name` (undefined when it has none: no
 * `parent>` selector names it), from its manifest's dependency fields (`manifest` as read: a field that is
 * no mapping, or an entry that is no text, has been refused by the manifest's reader already): each as the
 * folder it points at, relative to `dir`, as a `file:`/`link:` dependency of the package would name it.
 */
export function overriddenRefs(manifest: Readonly<Record<string, unknown>>, dir: string, name: string | undefined, overrides: readonly LocalOverride[]): DependencyRef[] {
  const refs: DependencyRef[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field];
    if (!isRecord(deps)) continue;
    for (const key of Object.keys(deps)) {
      for (const o of overrides) {
        if (o.name !== key || (o.parent !== undefined && o.parent !== name)) continue;
        if ('workspacePackage' in o) {
          // By name, as a plain dependency on it (an edge when a workspace package holds the name; pnpm fails without one).
          refs.push(o.workspacePackage);
          continue;
        }
        const path = pathFrom(dir, o.folder);
        refs.push(o.copy ? { name: key, path, copy: true } : { name: key, path });
      }
    }
  }
  return refs;
}
