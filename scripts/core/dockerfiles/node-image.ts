/** The base a service's Dockerfile declares (pure): what verify-image leaves out, read from the repository, not the image. */
import type { ParsedDockerfile } from './parse.js';

/**
 * The default of the global `ARG NODE_IMAGE=<image>` (before the first FROM), which the base and runtime
 * stages build FROM; undefined when the Dockerfile declares none or declares it without a default.
 */
export function declaredNodeImage(parsed: ParsedDockerfile): string | undefined {
  for (const arg of parsed.globalArgs) {
    for (const word of arg.args) {
      const eq = word.indexOf('=');
      if ((eq < 0 ? word : word.slice(0, eq)) !== 'NODE_IMAGE') continue;
      const value = eq < 0 ? '' : word.slice(eq + 1).replace(/^(["'])(.*)\1$/s, '$2');
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
