/** What every command module exports: parse argv once, do the work, return the exit code (core/exit-codes.ts). */
import type { Environment, PipelineConfig } from '../core/config.js';
import type { Engine } from '../io/container-engine.js';
import type { Git } from '../io/git.js';
import type { GitHubApi } from '../io/github-api.js';
import type { RegistryClient } from '../io/registry.js';
import type { Target } from '../io/targets/target.js';

/**
 * The effects a command may use, built by the one wiring point (scripts/wiring.ts) and handed in, so
 * that tests hand in real local ones (the lab registry, a local HTTP server) instead of faking binaries.
 * Each is made on first use: `affected` pays for none of them.
 */
export interface Effects {
  /** The registry of an image host (`ghcr.io`, `127.0.0.1:5000`), with the job's `docker login` credentials. */
  registry(host: string): Promise<RegistryClient>;
  /** The GitHub REST API of this repository (GITHUB_API_URL, GITHUB_TOKEN, GITHUB_REPOSITORY). */
  github(): Promise<GitHubApi>;
  /** The container engine (the `docker` CLI). */
  engine(): Promise<Engine>;
  /** The git repository holding `cwd` (one cat-file process; close it when done). */
  git(cwd: string): Promise<Git>;
  /** The deploy target of an environment (compose on a Docker host, or kubectl), run from `cwd`. */
  target(environment: Environment, cwd: string): Promise<Target>;
}

export interface CommandContext {
  readonly cwd: string;
  /**
   * The trusted CLI entry: the running bundle's own file (scripts/dist/pipeline.cjs of this checkout).
   * What `plan` runs for the steps it executes, never the planned commit's copy.
   */
  readonly cli: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * One workflow command the pipeline itself made (`::warning title=…::…`, its values escaped as the
   * runner reads them), written to stderr past the output guard that keeps outside data from starting one.
   */
  readonly annotate: (command: string) => void;
  /** Whether stderr is a terminal (progress is shown only then); absent = not a terminal. */
  readonly stderrIsTTY?: boolean;
  readonly config: PipelineConfig;
  readonly effects: Effects;
}

export type Command = (argv: readonly string[], ctx: CommandContext) => Promise<number>;
