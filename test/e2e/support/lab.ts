/**
 * The container lab as the e2e suite sees it: an engine with buildx, the registry on 127.0.0.1:5000,
 * and the base image to build on. Started by `bash scripts/ci/container-lab.sh up` (or a machine's own
 * engine); this helper starts and stops nothing. When something is missing, every test fails with a
 * message saying what and how to fix it: the suite never skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipelineConfig } from '../../../pipeline.config.js';
import { imageRepository, parseImageRef } from '../../../scripts/core/images/index.js';
import type { WorkspacePackage } from '../../../scripts/core/workspace/graph.js';
import { dockerEngine, type Engine, exec } from '../../../scripts/io/container-engine.js';
import { type RegistryClient, registryClient } from '../../../scripts/io/registry.js';
import { loadWorkspace } from '../../../scripts/io/workspace-fs.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const REGISTRY_HOST = '127.0.0.1:5000';
/** The lab registry as a `custom` registry of the pipeline config: images are `<host>/<namespace>/<service>`. */
export const LAB_REGISTRY = { kind: 'custom', host: REGISTRY_HOST, namespace: 'kodingcaravan', usernameSecret: 'UNUSED', passwordSecret: 'UNUSED' } as const;
export const SOURCE = 'https://github.com/kodingcaravan/kodingcaravan';

export interface Lab {
  readonly engine: Engine;
  readonly engineVersion: string;
  readonly registry: RegistryClient;
  /** The base image (`--build-arg NODE_IMAGE`), or undefined to build on the Dockerfiles' default. */
  readonly nodeImage: string | undefined;
  readonly cacheDir: string | undefined;
  /** The commit the images are labelled with (the working tree's HEAD). */
  readonly revision: string;
}

interface LabFile {
  readonly nodeImage: string;
  readonly cacheDir: string;
}

function isLabFile(v: unknown): v is LabFile {
  return typeof v === 'object' && v !== null && 'nodeImage' in v && typeof v.nodeImage === 'string' && 'cacheDir' in v && typeof v.cacheDir === 'string';
}

function readLabFile(): LabFile | undefined {
  const file = join(process.env['CONTAINER_LAB_DIR'] ?? '/var/tmp/kc-container-lab', 'lab.json');
  if (!existsSync(file)) return undefined;
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isLabFile(json)) throw new Error(`${file}: expected {"nodeImage": "...", "cacheDir": "..."}; run \`bash scripts/ci/container-lab.sh up\` again`);
  return json;
}

let pending: Promise<Lab> | undefined;

async function connect(): Promise<Lab> {
  const engine = dockerEngine();
  const engineVersion = await engine.serverVersion();
  for (const plugin of ['buildx', 'compose']) {
    const r = await exec('docker', [plugin, 'version']);
    if (r.code !== 0) throw new Error(`\`docker ${plugin}\` is not available (${r.stderr.trim()}); \`bash scripts/ci/container-lab.sh up\` installs it`);
  }
  const registry = registryClient(`http://${REGISTRY_HOST}`);
  if (!(await registry.ping())) throw new Error(`no registry answers on http://${REGISTRY_HOST}/v2/; start it with \`bash scripts/ci/container-lab.sh up\``);
  const lab = readLabFile();
  const nodeImage = process.env['E2E_NODE_IMAGE'] ?? (lab?.nodeImage || undefined);
  if (nodeImage !== undefined && !(await engine.inspectImage(nodeImage))) {
    throw new Error(`the base image ${nodeImage} is not on the engine; \`bash scripts/ci/container-lab.sh up\` makes it`);
  }
  const revision = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  return { engine, engineVersion, registry, nodeImage, cacheDir: lab?.cacheDir, revision };
}

/**
 * `--base-image` for verify-image of an image built on the lab's base: without it verify-image takes the
 * Dockerfile's declared base and refuses an image whose base.name label names another.
 */
export const baseImageFlag = (l: Lab): string[] => (l.nodeImage === undefined ? [] : ['--base-image', l.nodeImage]);

/** The lab, checked once per test file; rejects (and so fails the test) when any part is missing. */
export function lab(): Promise<Lab> {
  pending ??= connect();
  return pending;
}

export const workspace = await loadWorkspace(ROOT, { serviceMarker: pipelineConfig.services.marker, serviceGlobs: pipelineConfig.services.dockerfileTargets });
export const services: readonly WorkspacePackage[] = workspace.services;

/** `127.0.0.1:5000/kodingcaravan/<service>`, by the project's own scheme. */
export function labRepository(service: string): string {
  return imageRepository(LAB_REGISTRY, 'unused', service);
}

/** The repository's name in the registry API (`kodingcaravan/<service>`). */
export function registryName(repository: string): string {
  return parseImageRef(repository).path;
}
