/**
 * `strategy.matrix` expansion with GitHub's rules (docs: "Running variations of jobs in a workflow"):
 * the cartesian product of the non-include/exclude keys in order; `exclude` entries remove every
 * combination they match (partially); each `include` entry is merged into every combination whose
 * ORIGINAL values it does not contradict (values added by an earlier include may be overwritten), or,
 * when it fits none, becomes a combination of its own. Zero combinations is GitHub's
 * "Matrix vector does not contain any values" failure. Pure.
 */

export type MatrixValue = null | boolean | number | string | readonly MatrixValue[] | { readonly [key: string]: MatrixValue };
export type Leg = Readonly<Record<string, MatrixValue>>;

export type MatrixExpansion = { readonly kind: 'legs'; readonly legs: readonly Leg[] } | { readonly kind: 'error'; readonly message: string };

function isRecord(value: unknown): value is Record<string, MatrixValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: MatrixValue | undefined, b: MatrixValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

const error = (message: string): MatrixExpansion => ({ kind: 'error', message });

export function expandMatrix(matrix: unknown): MatrixExpansion {
  if (!isRecord(matrix)) return error(`the matrix must be a mapping, got ${JSON.stringify(matrix)} (a JSON string needs fromJSON(...))`);
  const dimensions: [string, readonly MatrixValue[]][] = [];
  for (const [key, value] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') continue;
    if (!Array.isArray(value)) return error(`matrix.${key} must be a sequence, got ${JSON.stringify(value)}`);
    dimensions.push([key, value]);
  }
  const include = matrix['include'] ?? [];
  const exclude = matrix['exclude'] ?? [];
  if (!Array.isArray(include) || !include.every(isRecord)) return error(`matrix.include must be a sequence of mappings, got ${JSON.stringify(include)}`);
  if (!Array.isArray(exclude) || !exclude.every(isRecord)) return error(`matrix.exclude must be a sequence of mappings, got ${JSON.stringify(exclude)}`);

  let product: Record<string, MatrixValue>[] = dimensions.length > 0 ? [{}] : [];
  for (const [key, values] of dimensions) product = product.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
  const originals = product.filter((combo) => !exclude.some((ex) => Object.entries(ex).every(([k, v]) => deepEqual(combo[k], v))));

  // Each leg remembers which of its keys are original (cannot be overwritten by an include).
  const legs = originals.map((combo) => ({ values: { ...combo }, original: new Set(Object.keys(combo)) }));
  const extra: Record<string, MatrixValue>[] = [];
  for (const entry of include) {
    let merged = false;
    for (const leg of legs) {
      const fits = Object.entries(entry).every(([k, v]) => !leg.original.has(k) || deepEqual(leg.values[k], v));
      if (fits) {
        Object.assign(leg.values, entry);
        merged = true;
      }
    }
    if (!merged) extra.push({ ...entry });
  }
  const all: Leg[] = [...legs.map((l) => l.values), ...extra];
  if (all.length === 0) return error('Matrix vector does not contain any values');
  return { kind: 'legs', legs: all };
}
