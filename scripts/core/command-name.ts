/**
 * The short name a message gives a command it ran: the program and its first words, without the flags
 * (`docker compose up`, `kubectl rollout status`, `sleep 5`). Its first argument alone would name
 * `docker compose --project-name` for every compose command a deploy runs, and no reader could tell
 * which one stopped.
 */
export function commandName(argv: readonly string[], words = 3): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length && out.length < words; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || i === 0) {
      out.push(arg);
      continue;
    }
    // `--flag value` (the targets' global flags all take one); `--flag=value` and `--flag --next` are one word.
    const next = argv[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) i++;
  }
  return out.join(' ');
}
