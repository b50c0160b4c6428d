/**
 * The CPU time behind each wall time (not part of CI): `npx tsx bench/affected/cpu-budget.ts [--clone DIR]
 * [--rounds N]`, on the clone `pnpm bench:affected` made. For `node -e 0`, `git diff --name-only`,
 * `pipeline affected` cold and warm, and pnpm 12 on each scenario: the median wall time and the median CPU
 * time (user + system of the process and every process it waited for, as bash's `times` reports them).
 * On a machine of N cores no run can take less wall time than its CPU time / N: this is what bounds the
 * spread scenario's target (bench/README.md).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    clone: { type: 'string', default: join(ROOT, 'bench/.work/1000s-1000l-50f-seed1/clone') },
    rounds: { type: 'string', default: '9' },
  },
});
const clone = values.clone;
const rounds = Number(values.rounds);
const SCENARIOS = ['3-leaf-files', 'core-library', '5-000-files', '5-000-files-spread', 'lockfile-only'];
const PNPM12 = join(ROOT, 'bench/.work/peers/node_modules/.bin/pnpm');
// As the bench runs them: without this machine's CA bundle (bench/README, Environment), pnpm 12 staying pnpm 12.
const env: NodeJS.ProcessEnv = { ...process.env, npm_config_manage_package_manager_versions: 'false', pnpm_config_manage_package_manager_versions: 'false' };
delete env['NODE_EXTRA_CA_CERTS'];

const git = (...args: string[]) => spawnSync('git', args, { cwd: clone, encoding: 'utf8' }).stdout.trim();

/** Wall ms and CPU ms of one run: bash runs the command, then `times` prints its children's user and system time. */
function measure(argv: readonly string[]): { wall: number; cpu: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; times', 'measure', ...argv], { cwd: clone, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  // `times`: the shell's own user and system time, then its children's: "0m0.123s 0m0.045s".
  const children = r.stdout.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length !== 2) throw new Error(`unexpected output of times: ${JSON.stringify(r.stdout)}`);
  return { wall, cpu: ((seconds[0] ?? 0) + (seconds[1] ?? 0)) * 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;

const base = git('rev-parse', 'origin/main');
console.log(`| scenario | node -e 0 | git diff | pipeline cold | pipeline warm | pnpm 12 | pipeline cold CPU / 2 cores |`);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const scenario of SCENARIOS) {
  const head = git('rev-parse', `origin/scenario/${scenario}`);
  git('checkout', '-q', '--detach', head);
  const pipeline = ['node', join(ROOT, 'scripts/dist/pipeline.cjs'), 'affected', '--base', base, '--head', head, '--json'];
  const runs: Record<string, Array<{ wall: number; cpu: number }>> = { node: [], diff: [], cold: [], warm: [], pnpm12: [] };
  for (let round = 0; round < rounds; round++) {
    runs['node']?.push(measure(['node', '-e', '0']));
    runs['diff']?.push(measure(['git', 'diff', '--name-only', base, head]));
    rmSync(join(clone, '.git/pipeline-affected'), { recursive: true, force: true });
    runs['cold']?.push(measure(pipeline));
    runs['warm']?.push(measure(pipeline));
    runs['pnpm12']?.push(measure([PNPM12, '--filter', `...[${base}]`, 'ls', '--depth', '-1', '--json']));
  }
  const cell = (k: string) => `${median((runs[k] ?? []).map((r) => r.wall)).toFixed(0)} / ${median((runs[k] ?? []).map((r) => r.cpu)).toFixed(0)}`;
  const floor = median((runs['cold'] ?? []).map((r) => r.cpu)) / 2;
  console.log(`| ${scenario} | ${cell('node')} | ${cell('diff')} | ${cell('cold')} | ${cell('warm')} | ${cell('pnpm12')} | ${floor.toFixed(0)} |`);
}
