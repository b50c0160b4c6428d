/**
 * The two lockfile paths of `pipeline affected` on the bench's 2,000-package lockfile (bench/README,
 * "Lockfile"): pnpm's own layout (cut into entries as text) and the YAML slow path (a lockfile another
 * tool wrote, re-indented here), each comparing a one-dependency change, in one process, median of N.
 *
 *   npx tsx bench/affected/lockfile-paths.ts [rounds]
 */
import { performance } from 'node:perf_hooks';
import { diffLockfiles } from '../../scripts/core/changes/lockfile.js';
import { diffLockfilesAsYaml } from '../../scripts/core/changes/lockfile-yaml.js';
import { buildModel, renderLockfile } from './generate.js';

const rounds = Number(process.argv[2] ?? 15);
const model = buildModel({ services: 1000, libraries: 1000, files: 0, seed: 1 });
const svc = model.packages.find((p) => Object.keys(p.ext).length > 0);
if (svc === undefined) throw new Error('the model has no package with an external dependency');
const [dep = ''] = Object.keys(svc.ext);
const base = renderLockfile(model);
const head = renderLockfile(model, { dir: svc.dir, dep, version: '1.0.1' });
const reindent = (text: string) => text.replace(/^ +/gm, (m) => m + m);

function median(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const fast = median(() => diffLockfiles(base, head));
const slow = median(() => diffLockfilesAsYaml(reindent(base), reindent(head)));
const check = (d: ReturnType<typeof diffLockfiles>) => (d.kind === 'importers' ? [...d.importers.keys()].join(',') : d.kind);
console.log(`lockfile ${base.split('\n').length} lines; ${rounds} rounds, median`);
console.log(`pnpm layout (text): ${fast.toFixed(1)} ms -> ${check(diffLockfiles(base, head))}`);
const yamlDiff = diffLockfilesAsYaml(reindent(base), reindent(head));
console.log(`another layout (YAML): ${slow.toFixed(1)} ms -> ${yamlDiff.kind === 'invalid-yaml' ? 'invalid' : check(yamlDiff)}; ${(slow / fast).toFixed(0)}x`);
