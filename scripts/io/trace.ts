/** PIPELINE_TIMING=1: where the time goes, as milliseconds since the process started (Node's own start included), on stderr. */
export type Trace = (label: string) => void;

export function tracer(env: Readonly<Record<string, string | undefined>>, stderr: (text: string) => void): Trace {
  return env['PIPELINE_TIMING'] ? (label) => stderr(`timing ${performance.now().toFixed(1)} ms: ${label}\n`) : () => {};
}
