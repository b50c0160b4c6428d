/**
 * A table keyed by outside data (workflow inputs, step outputs, env names, manifest fields, event
 * fields): an object without a prototype, so `__proto__`, `constructor` and `toString` are ordinary
 * keys, never Object.prototype's members. Use it, or a Map, for every such accumulator.
 */
export function dict<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (const [k, v] of entries) out[k] = v;
  return out;
}
