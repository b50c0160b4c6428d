/** What every command module exports: parse argv once, do the work, return the exit code. */
export interface CommandContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export type Command = (argv: readonly string[], ctx: CommandContext) => Promise<number>;
