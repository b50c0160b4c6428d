/**
 * verify-image's probe containers (pure): each carries a label naming the run that started it, so that a
 * run that was killed before it could remove its container (SIGKILL, a lost runner, a second Ctrl-C)
 * leaves something the next run can recognise, without touching the containers of runs still going.
 */

/** The label on every probe container: `<pid>@<hostname>` of the verify-image process that started it. */
export const PROBE_LABEL = 'io.kodingcaravan.verify-image.owner';

export function probeOwner(pid: number, host: string): string {
  return `${pid}@${host}`;
}

export interface Probe {
  readonly id: string;
  /** The label's value as the engine reports it. */
  readonly owner: string;
}

/**
 * The probes to remove: those started on this host by a process that is no longer running. A probe of
 * another host (a shared engine) or with a value of another form is left alone: whether its run is
 * alive cannot be told from here.
 */
export function staleProbes(probes: readonly Probe[], host: string, isRunning: (pid: number) => boolean): string[] {
  return probes
    .filter((p) => {
      const m = p.owner.match(/^([1-9]\d{0,9})@(.+)$/s);
      return m !== null && m[2] === host && !isRunning(Number(m[1]));
    })
    .map((p) => p.id);
}
