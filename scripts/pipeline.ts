/**
 * `pnpm pipeline <command>`: the one entry of the CLI, bundled to scripts/dist/pipeline.cjs.
 * Commands are loaded on demand so that `affected` does not pay for what `plan` needs.
 * This is the one top-level catch, with the one exit-code table (core/exit-codes.ts): bad input exits 2
 * with one line, an outside system that failed 3 (4 when it did not answer in time), a bug 70.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipelineConfig } from '../pipeline.config.js';
import type { Command } from './commands/types.js';
import { checkConfig } from './core/config-check.js';
import { InputError } from './core/errors.js';
import { endingOf } from './core/exit-codes.js';
import { guardedWriters } from './core/output-guard.js';
import { realEffects } from './wiring.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  affected: { summary: 'which services a change affects (and the CI matrix)', load: () => import('./commands/affected.js') },
  plan: { summary: 'what the generated workflows will do for an event', load: () => import('./commands/plan.js') },
  'verify-image': { summary: 'check a built service image against the runtime rules', load: () => import('./commands/verify-image.js') },
  'check-dockerfiles': { summary: 'check every Dockerfile against the policy', load: () => import('./commands/check-dockerfiles.js') },
  tags: { summary: 'the image tags for a service build; after a push, record and tag the verified digest', load: () => import('./commands/tags.js') },
  release: { summary: 'per-service releases: parse, next, notes, status, select, cut, handoff', load: () => import('./commands/release/index.js') },
  deploy: { summary: 'promote exactly the image CI tested to an environment; rollback, quarantine, status', load: () => import('./commands/deploy/index.js') },
  audit: { summary: 'the security audit of the generated workflows (needs the dev install)', load: () => import('./commands/audit.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `usage: pnpm pipeline <command> [options]\n\ncommands:\n${Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n`;
}

/**
 * The CLI plan runs its steps with: this checkout's committed bundle. In the bundle (CommonJS),
 * `__filename` is that very file; run from the sources (tsx, ES modules), it is the bundle beside them.
 */
function trustedCli(): string {
  return typeof __filename === 'string' ? __filename : join(dirname(fileURLToPath(import.meta.url)), 'dist', 'pipeline.cjs');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === undefined) throw new InputError(`expected a command, one of: ${Object.keys(COMMANDS).join(', ')} (pnpm pipeline --help says what each does)`);
  // Own keys only: `toString` or `__proto__` is no command (the table is an object literal).
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new InputError(`unknown command ${JSON.stringify(name)}; expected one of: ${Object.keys(COMMANDS).join(', ')}`);
  // The config is bundled, not type-checked on the way: read once, before any command uses it.
  const config = checkConfig(pipelineConfig);
  const { run } = await command.load();
  return run(rest, {
    cwd: process.cwd(),
    cli: trustedCli(),
    env: process.env,
    config,
    effects: realEffects(process.env),
    // Outside data is printed by every command: the one guard (core/output-guard.ts) keeps it from starting
    // a workflow command or acting on a terminal, and keeps error lines readable.
    ...guardedWriters({ stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) }, process.stderr.isTTY === true),
    annotate: (command) => process.stderr.write(command),
    stderrIsTTY: process.stderr.isTTY === true,
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const ending = endingOf(err, Boolean(process.env['PIPELINE_DEBUG']));
    process.stderr.write(ending.line);
    process.exitCode = ending.code;
  },
);
