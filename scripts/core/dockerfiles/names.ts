/**
 * Every name that becomes part of a generated file (a Dockerfile's COPY, ARG and LABEL lines, the
 * compose file's service keys, image names, hostnames and UPSTREAMS value) checked against its
 * strictest consumer before anything is rendered: a service folder is an OCI image name component
 * (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`), a compose service name and a hostname label (63 characters
 * at most); a folder a Dockerfile copies (a package's, or a vendored one a `file:`/`link:` dependency
 * points at) is the same form per segment; a package name is an npm name; the manifest of a service and
 * of every workspace package it depends on is package.json (pnpm's package.json5 and package.yaml only
 * for packages no image holds).
 * Ports are integers (manifest.ts) and upstreams must name services (compose/render.ts). Pure.
 */
import { InputError } from '../errors.js';
import { quote } from '../quote.js';
import type { Workspace } from '../workspace/graph.js';
import { builderInputs } from './render.js';

/** The OCI distribution spec's path component. */
export const IMAGE_NAME_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const MAX_LABEL = 63;
/** npm's package name (scoped or not), in lowercase: what `name` in package.json may be. */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const MAX_PACKAGE_NAME = 214;

const FOLDER_FORM = `lowercase letters and digits, separated by ".", "_", "__" or "-", at most ${MAX_LABEL} characters (an image name component and a compose service name)`;

export function checkFolderName(folder: string, where: string): void {
  if (folder.length > MAX_LABEL || !IMAGE_NAME_COMPONENT.test(folder))
    throw new InputError(`${where}: folder name ${quote(folder)} cannot be used in generated files; expected ${FOLDER_FORM}`);
}

/** Throws an InputError naming the first name of `workspace` that a generated file cannot hold. */
export function checkGeneratedNames(workspace: Workspace): void {
  const copied = new Set<string>();
  for (const service of workspace.services) {
    checkFolderName(service.folder, quote(service.dir, 120));
    // pnpm reads package.json5 and package.yaml, Node does not: the service's own code is resolved by
    // the package.json Node reads ("type", "exports"), and verify-image reads /app/package.json.
    if (service.manifestFile !== undefined) {
      throw new InputError(
        `${quote(service.dir, 120)}/${service.manifestFile}: a service's manifest must be package.json (Node reads "type" and "exports" from it, and verify-image reads the image's /app/package.json); convert it (pnpm reads either)`,
      );
    }
    if (service.name.length > MAX_PACKAGE_NAME || !PACKAGE_NAME.test(service.name)) {
      throw new InputError(
        `${quote(service.dir, 120)}/package.json: package name ${quote(service.name)} cannot be used in generated files; expected an npm name (@scope/name, lowercase)`,
      );
    }
    // Its workspace dependencies too: `pnpm deploy` copies a package.yaml as it is, and the image's Node
    // (like tsc in the builder stage) resolves a package only through its package.json ("main", "exports").
    const deps = workspace.dependenciesOf(service.name);
    for (const dep of deps) {
      if (dep.manifestFile !== undefined) {
        throw new InputError(
          `${quote(dep.dir, 120)}/${dep.manifestFile}: ${quote(service.dir, 120)} depends on it, and its image resolves a workspace package through its package.json (Node reads "main" and "exports" from it, tsc its types; pnpm deploy copies ${dep.manifestFile} as it is); convert it to package.json (pnpm reads either)`,
        );
      }
    }
    // pnpm links the root folder into a package that depends on the root package: an image cannot hold the repository.
    for (const pkg of [service, ...deps]) {
      if (pkg.linksRoot === true) {
        throw new InputError(
          `${quote(pkg.dir, 120)}/${pkg.manifestFile ?? 'package.json'}: depends on the workspace root package, which ${quote(service.dir, 120)}'s image cannot hold (pnpm links the whole repository); move what it needs into a workspace package`,
        );
      }
    }
    // What the Dockerfile copies: the service's folder, its dependencies' and their local inputs (vendored folders).
    const inputs = builderInputs(workspace, service);
    for (const dir of [service.dir, ...inputs.packages, ...inputs.local]) copied.add(dir);
  }
  for (const dir of copied) for (const segment of dir.split('/')) checkFolderName(segment, quote(dir, 120));
}
