/**
 * Which `run:` steps the plan executes for real: exactly those whose whole script is one call of the
 * project's own `pipeline` entry with a command that only COMPUTES step outputs (change detection, tag
 * computation). Everything else (verify-image, builds, pushes, any other shell) is only reported, so a
 * plan never acts on the world. Pure.
 */

/** `pipeline` commands that read the repository and write step outputs, nothing else. */
export const OUTPUT_COMMANDS = ['affected', 'tags'] as const;
export type OutputCommand = (typeof OUTPUT_COMMANDS)[number];

export type RunStepKind = { readonly kind: 'execute'; readonly command: OutputCommand } | { readonly kind: 'report' };

// `node [./]scripts/dist/pipeline.mjs CMD`, `pnpm [-s|--silent] [run] pipeline CMD`.
const ENTRY = /^(?:node\s+(?:\.\/)?scripts\/dist\/pipeline\.mjs|pnpm\s+(?:(?:-s|--silent)\s+)?(?:run\s+)?pipeline)\s+([a-z][a-z-]*)(?:\s|$)/;
// Anything that would make the script more than one plain command.
const SHELL_CONTROL = /[;&|<>`]|\$\(/;

export function classifyRun(script: string): RunStepKind {
  const lines = script
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const [only, ...rest] = lines;
  if (only === undefined || rest.length > 0 || SHELL_CONTROL.test(only)) return { kind: 'report' };
  const command = ENTRY.exec(only)?.[1];
  const known = OUTPUT_COMMANDS.find((c) => c === command);
  return known ? { kind: 'execute', command: known } : { kind: 'report' };
}
