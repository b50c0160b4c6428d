/**
 * The registry credentials `docker login` (docker/login-action in CI) left for a host: read from the
 * Docker config file, or asked of its credential helper. Secrets stay in memory; nothing is written
 * and nothing is printed.
 */
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Credentials, credentialsFor, helperCredentials } from '../core/images/registry-auth.js';
import { RegistryError } from './registry.js';
import { errnoCode } from '../core/errors.js';

type Env = Readonly<Record<string, string | undefined>>;

export function dockerConfigPath(env: Env): string {
  return join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'), 'config.json');
}

/** `docker-credential-<helper> get`, the host on its stdin, bounded in time. */
function askHelper(helper: string, host: string, timeoutMs: number): Promise<Credentials> {
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, ['get'], { stdio: ['pipe', 'pipe', 'ignore'], timeout: timeoutMs });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', (e) => reject(new RegistryError(`the Docker credential helper docker-credential-${helper} for ${host} cannot run: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (signal !== null) return reject(new RegistryError(`docker-credential-${helper} get for ${host} gave no answer within ${timeoutMs / 1000} s`));
      // The helpers exit non-zero with "credentials not found": anonymous then.
      if (code !== 0) return resolve({ kind: 'none' });
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(out).toString('utf8'));
      } catch {
        return reject(new RegistryError(`docker-credential-${helper} get for ${host}: the answer is not JSON`));
      }
      resolve(helperCredentials(json) ?? { kind: 'none' });
    });
    // A helper that exits without reading its input closes the pipe: the write fails with EPIPE, and its
    // exit (handled above) is the answer.
    child.stdin.on('error', () => {});
    child.stdin.end(host);
  });
}

/** The credentials for `host`; none when there is no Docker config file or no entry for it. */
export async function dockerCredentials(env: Env, host: string, timeoutMs = 10_000): Promise<Credentials> {
  const file = dockerConfigPath(env);
  let text: string;
  try {
    // A pipe or a device would hold the read open past any signal: only a regular file is read.
    if (!(await stat(file)).isFile())
      throw new RegistryError(
        `the Docker config file ${file} is not a file (a folder, a pipe or a device); run \`docker login ${host}\` or point DOCKER_CONFIG at a folder holding config.json`,
      );
    text = await readFile(file, { encoding: 'utf8', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { kind: 'none' };
    if (err instanceof RegistryError) throw err;
    throw new RegistryError(`cannot read the Docker config file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RegistryError(`the Docker config file ${file} is not JSON; run \`docker login ${host}\` again`);
  }
  const found = credentialsFor(json, host);
  if (typeof found === 'string') throw new RegistryError(`${file}: ${found}`);
  return found.kind === 'helper' ? askHelper(found.helper, host, timeoutMs) : found;
}
