/**
 * `pnpm bench:images [--services a,b] [--repeat N]`: per service image, on the lab engine
 * (`bash scripts/ci/container-lab.sh up` first):
 * - cold build: `--no-cache`, every Dockerfile step runs (the npm/pnpm download caches, BuildKit cache
 *   mounts, stay: this is a rebuild on a machine that has built before, not a first build ever);
 * - warm build: the same build again, nothing changed (every step cached);
 * - changed build: after a one-line change to the service's source (what CI does on most pushes);
 * - what the runtime image adds above its base: unpacked (the layers of `docker image history` above the
 *   base's) and compressed (what a registry stores and a node pulls).
 * Times are medians over --repeat runs (default 1). Writes bench/images/results.json and results.md.
 * Not part of CI: it takes minutes and its numbers depend on the machine.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarizeSteps } from '../../scripts/core/verify/build-steps.js';
import { buildService } from '../../test/e2e/support/build.js';
import { copyBuildContext } from '../../test/e2e/support/context.js';
import { lab, services } from '../../test/e2e/support/lab.js';

const OUT = dirname(fileURLToPath(import.meta.url));

interface Row {
  readonly service: string;
  readonly coldSeconds: number;
  readonly warmSeconds: number;
  readonly changedSeconds: number;
  readonly warmExecutedSteps: number;
  readonly changedExecutedSteps: number;
  readonly stepsTotal: number;
  readonly addedBytes: number;
  readonly addedCompressedBytes: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
};
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} kB`);

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await f();
  return [value, performance.now() - t0];
}

async function main() {
  const { values } = parseArgs({ options: { services: { type: 'string' }, repeat: { type: 'string', default: '1' } }, strict: true });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat ${values.repeat}: expected a positive integer`);
  const wanted = values.services?.split(',');
  const selected = services.filter((s) => wanted === undefined || wanted.includes(s.folder));
  if (selected.length === 0) throw new Error(`--services ${values.services}: none of ${services.map((s) => s.folder).join(', ')}`);

  const l = await lab();
  const base = l.nodeImage ?? 'node:24-alpine';
  const baseConfig = await l.engine.inspectImage(base);
  const baseHistory = await l.engine.history(base);
  if (!baseConfig) throw new Error(`base image ${base} is not on the engine`);

  // Sources are changed in a copy of the build context, never in the working tree.
  const copy = copyBuildContext('kc-bench-');
  const rows: Row[] = [];
  for (const svc of selected) {
    const tag = `kc-bench/${svc.folder}:bench`;
    const cold: number[] = [];
    const warm: number[] = [];
    const changed: number[] = [];
    let warmExecuted = 0;
    let changedExecuted = 0;
    let total = 0;
    const source = join(copy, svc.dir, 'src', 'index.ts');
    const original = readFileSync(source, 'utf8');
    for (let i = 0; i < repeat; i++) {
      const [, coldMs] = await timed(() => l.engine.build({ ...buildRequest(svc.folder, tag), noCache: true }));
      cold.push(coldMs);
      const [w, warmMs] = await timed(() => buildService(l, svc.folder, { tags: [tag], context: copy }));
      warm.push(warmMs);
      warmExecuted = summarizeSteps(w.steps).executed;
      total = w.steps.length;
      try {
        appendFileSync(source, `\nexport const benchProbe = ${Date.now()};\n`);
        const [c, changedMs] = await timed(() => buildService(l, svc.folder, { tags: [tag], context: copy }));
        changed.push(changedMs);
        changedExecuted = summarizeSteps(c.steps).executed;
      } finally {
        writeFileSync(source, original);
      }
    }
    // Rebuild from the restored source so that the measured image is the real one.
    await buildService(l, svc.folder, { tags: [tag], context: copy });
    const history = await l.engine.history(tag);
    const image = await l.engine.inspectImage(tag);
    const added = history.slice(0, history.length - baseHistory.length).reduce((sum, h) => sum + h.size, 0);
    rows.push({
      service: svc.folder,
      coldSeconds: seconds(median(cold)),
      warmSeconds: seconds(median(warm)),
      changedSeconds: seconds(median(changed)),
      warmExecutedSteps: warmExecuted,
      changedExecutedSteps: changedExecuted,
      stepsTotal: total,
      addedBytes: added,
      addedCompressedBytes: (image?.size ?? 0) - baseConfig.size,
    });
    await l.engine.removeImage(tag);
    process.stderr.write(`${svc.folder}: cold ${rows.at(-1)?.coldSeconds} s, warm ${rows.at(-1)?.warmSeconds} s, +${kb(added)}\n`);
  }

  function buildRequest(service: string, tag: string) {
    return {
      context: copy,
      dockerfile: join(copy, 'services', service, 'Dockerfile'),
      tags: [tag],
      buildArgs: { ...(l.nodeImage === undefined ? {} : { NODE_IMAGE: l.nodeImage }), SOURCE: 'bench', REVISION: l.revision },
    };
  }

  const machine = `${cpus().length} cores, engine ${l.engineVersion}, base ${base} (${kb(baseConfig.size)} compressed), repeat ${repeat}`;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'results.json'), `${JSON.stringify({ machine, rows }, null, 2)}\n`);
  rmSync(copy, { recursive: true, force: true });
  const md = [
    `Measured by \`pnpm bench:images\` (${machine}). Cold: \`--no-cache\`, every step runs (the npm and pnpm download caches stay); warm: the same build again; after a source change: one line appended to the service's src/index.ts.`,
    '',
    '| service | cold build | warm build (steps run) | after a source change (steps run) | runtime adds above base (unpacked / compressed) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.service} | ${r.coldSeconds.toFixed(1)} s | ${r.warmSeconds.toFixed(1)} s (${r.warmExecutedSteps}/${r.stepsTotal}) | ${r.changedSeconds.toFixed(1)} s (${r.changedExecutedSteps}/${r.stepsTotal}) | ${kb(r.addedBytes)} / ${kb(r.addedCompressedBytes)} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(OUT, 'results.md'), md);
  process.stdout.write(md);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:images: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
