/**
 * Benchmark of change detection (not part of CI): `pnpm bench:affected [--services N] [--libraries N]
 * [--files N] [--seed N] [--rounds N] [--tools a,b] [--out PATH] [--before BUNDLE]`.
 *
 * Generates the synthetic workspace (generate.ts) into bench/.work, commits it, adds one branch per
 * scenario, clones it, and runs each tool on each scenario, alternating tools within a round, cold
 * (every tool's cache removed first) and warm (the same run repeated). Reports median wall time,
 * peak memory (GNU time's maximum RSS) and precision/recall against the ground truth the generator's
 * model gives. Peers (turbo 2, nx 24, pnpm 12's native binary) are installed in bench/.work/peers, never
 * in the root package.json. Each tool's answer on each scenario (its stdout, first cold run) is kept in
 * `<out>-outputs/`: a change meant to keep behaviour must leave `pipeline`'s byte-identical there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildModel, groundTruth, type Model, rng, renderLockfile, writeWorkspace } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const work = join(repoRoot, 'bench/.work');
const peers = join(work, 'peers');
const cli = join(repoRoot, 'scripts/dist/pipeline.cjs');

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    libraries: { type: 'string', default: '1000' },
    files: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
    tools: { type: 'string', default: 'floor,node,cli,pipeline,turbo,pnpm,pnpm12,nx' },
    out: { type: 'string' },
    /** Another build of the bundle (`scripts/dist/pipeline.cjs` of an earlier commit), measured as `before` in the same run. */
    before: { type: 'string' },
    'keep-ca-certs': { type: 'boolean', default: false },
  },
});
const size = { services: Number(values.services), libraries: Number(values.libraries), files: Number(values.files), seed: Number(values.seed) };
const rounds = Number(values.rounds);
const label = `${size.services}s-${size.libraries}l-${size.files}f-seed${size.seed}`;

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, maxBuffer: 1 << 30 }).trim();
const log = (text: string) => process.stderr.write(`${text}\n`);

interface Scenario {
  readonly name: string;
  readonly head: string;
  readonly truth: ReadonlySet<string>;
  readonly files: number;
}

const slug = (name: string) => name.replace(/[^\w]+/g, '-');

function touch(root: string, paths: readonly string[]): void {
  for (const p of paths) writeFileSync(join(root, p), `${readFileSync(join(root, p), 'utf8')}// changed\n`);
}

function makeScenarios(origin: string, model: Model, base: string): Scenario[] {
  const random = rng(size.seed + 1);
  const services = model.packages.filter((p) => p.isService);
  const libraries = model.packages.filter((p) => !p.isService);
  const scenarios: Scenario[] = [];
  const branch = (name: string, edit: () => { files: string[]; changed: Set<string> }) => {
    git(origin, 'checkout', '-q', '-B', `scenario/${slug(name)}`, base);
    const { files, changed } = edit();
    git(origin, 'add', '-A');
    git(origin, 'commit', '-q', '-m', name);
    scenarios.push({ name, head: git(origin, 'rev-parse', 'HEAD'), truth: groundTruth(model, changed), files: files.length });
  };
  branch('3 leaf files', () => {
    const picked = new Set<string>();
    while (picked.size < Math.min(3, services.length)) picked.add((services[Math.floor(random() * services.length)] as (typeof services)[number]).name);
    const files = [...picked].map((n) => `${model.byName.get(n)?.dir}/src/f00.ts`);
    touch(origin, files);
    return { files, changed: picked };
  });
  branch('core library', () => {
    const core = libraries[0];
    if (!core) return { files: [], changed: new Set() };
    const files = [`${core.dir}/src/f00.ts`];
    touch(origin, files);
    return { files, changed: new Set([core.name]) };
  });
  branch('5,000 files', () => {
    const files: string[] = [];
    const changed = new Set<string>();
    const order = [...model.packages].sort(() => random() - 0.5);
    for (const pkg of order) {
      if (files.length >= 5000) break;
      changed.add(pkg.name);
      for (const f of pkg.files) if (f.startsWith('src/') && files.length < 5000) files.push(`${pkg.dir}/${f}`);
    }
    touch(origin, files);
    return { files, changed };
  });
  // The same number of files spread over most packages (round-robin, one source file from each in turn):
  // the diff itself, not the graph, is then a large share of every tool's time.
  branch('5,000 files spread', () => {
    const files: string[] = [];
    const changed = new Set<string>();
    const order = [...model.packages].sort(() => random() - 0.5).slice(0, Math.ceil(model.packages.length * 0.85));
    const sources = order.map((pkg) => pkg.files.filter((f) => f.startsWith('src/')).map((f) => `${pkg.dir}/${f}`));
    for (let i = 0; files.length < 5000 && sources.some((list) => i < list.length); i++) {
      sources.forEach((list, n) => {
        const file = list[i];
        const pkg = order[n];
        if (file === undefined || pkg === undefined || files.length >= 5000) return;
        files.push(file);
        changed.add(pkg.name);
      });
    }
    touch(origin, files);
    return { files, changed };
  });
  branch('lockfile only', () => {
    const svc = services[Math.floor(random() * services.length)] ?? model.packages[0];
    if (!svc) return { files: [], changed: new Set() };
    const [dep = ''] = Object.keys(svc.ext);
    writeFileSync(join(origin, 'pnpm-lock.yaml'), renderLockfile(model, { dir: svc.dir, dep, version: '1.0.1' }));
    return { files: ['pnpm-lock.yaml'], changed: new Set([svc.name]) };
  });
  git(origin, 'checkout', '-q', 'main');
  return scenarios;
}

function prepare(): { clone: string; base: string; scenarios: Scenario[]; model: Model } {
  const dir = join(work, label);
  const origin = join(dir, 'origin');
  const model = buildModel(size);
  const meta = join(dir, 'scenarios.json');
  if (!existsSync(meta)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(origin, { recursive: true });
    log(`generating ${label} in ${origin}`);
    writeWorkspace(origin, model);
    git(origin, 'init', '-q', '-b', 'main');
    git(origin, 'add', '-A');
    git(origin, 'commit', '-q', '-m', 'synthetic workspace');
    const base = git(origin, 'rev-parse', 'HEAD');
    const scenarios = makeScenarios(origin, model, base);
    writeFileSync(meta, JSON.stringify({ base, scenarios: scenarios.map((s) => ({ ...s, truth: [...s.truth] })) }));
  }
  const saved = JSON.parse(readFileSync(meta, 'utf8')) as { base: string; scenarios: Array<Omit<Scenario, 'truth'> & { truth: string[] }> };
  const clone = join(dir, 'clone');
  rmSync(clone, { recursive: true, force: true });
  git(dir, 'clone', '-q', '--no-local', `file://${origin}`, 'clone');
  symlinkSync(join(peers, 'node_modules'), join(clone, 'node_modules'));
  return { clone, base: saved.base, scenarios: saved.scenarios.map((s) => ({ ...s, truth: new Set(s.truth) })), model };
}

interface Tool {
  readonly name: string;
  readonly command: (base: string, head: string) => { cmd: string; args: string[]; env?: Record<string, string> };
  /** The affected package names, or undefined for the floor (no package answer). */
  readonly parse: ((stdout: string) => string[]) | undefined;
  readonly clearCache: (clone: string) => void;
}

const bin = (name: string) => join(peers, 'node_modules/.bin', name);
const noCache = () => {};

/** `pipeline affected --json` (this build or --before): the affected packages. */
const pipelinePackages = (out: string) => (JSON.parse(out) as { packages: Array<{ name: string }> }).packages.map((p) => p.name);
const clearPipelineCache = (clone: string) => rmSync(join(clone, '.git/pipeline-affected'), { recursive: true, force: true });
/**
 * pnpm 12 without handing over to the pnpm 10 the workspace's `packageManager` names (it would fetch it:
 * network, and pnpm 10 measured twice).
 */
const PNPM12_ENV = { npm_config_manage_package_manager_versions: 'false', pnpm_config_manage_package_manager_versions: 'false' };
/** `pnpm ... ls --json` (pnpm 10 and 12): the selected packages; nothing printed when none. */
const pnpmPackages = (out: string) => (out.trim() === '' ? [] : (JSON.parse(out) as Array<{ name: string }>).map((p) => p.name));

const TOOLS: Tool[] = [
  {
    // Node's own start: the part of every run of the tool that no change to it can remove.
    name: 'node',
    command: () => ({ cmd: process.execPath, args: ['-e', '0'] }),
    parse: undefined,
    clearCache: noCache,
  },
  {
    // The committed bundle's start (ESM loader, the entry and its chunks), no command run.
    name: 'cli',
    command: () => ({ cmd: process.execPath, args: [cli, '--help'] }),
    parse: undefined,
    clearCache: noCache,
  },
  {
    name: 'floor',
    command: (base, head) => ({ cmd: 'git', args: ['diff', '--name-only', base, head] }),
    parse: undefined,
    clearCache: noCache,
  },
  {
    name: 'pipeline',
    command: (base, head) => ({ cmd: process.execPath, args: [cli, 'affected', '--base', base, '--head', head, '--json'] }),
    parse: pipelinePackages,
    clearCache: clearPipelineCache,
  },
  {
    // The same command from an earlier build (--before): a change measured against what it replaced, in one run.
    name: 'before',
    command: (base, head) => ({ cmd: process.execPath, args: [resolve(values.before ?? cli), 'affected', '--base', base, '--head', head, '--json'] }),
    parse: pipelinePackages,
    clearCache: clearPipelineCache,
  },
  {
    name: 'turbo',
    command: (base, head) => ({
      cmd: bin('turbo'),
      args: ['ls', '--affected', '--output=json'],
      env: { TURBO_SCM_BASE: base, TURBO_SCM_HEAD: head, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    }),
    parse: (out) => (JSON.parse(out.slice(out.indexOf('{'))) as { packages: { items: Array<{ name: string }> } }).packages.items.map((p) => p.name),
    clearCache: (clone) => rmSync(join(clone, '.turbo'), { recursive: true, force: true }),
  },
  {
    name: 'pnpm',
    command: (base) => ({ cmd: 'pnpm', args: ['--filter', `...[${base}]`, 'ls', '--depth', '-1', '--json'] }),
    parse: pnpmPackages,
    clearCache: noCache,
  },
  {
    // pnpm 12, a native binary (`@pnpm/exe.<platform>`, installed by the `pnpm` package on npm): the same
    // command as pnpm 10 without a Node start (PNPM12_ENV: it stays pnpm 12).
    name: 'pnpm12',
    command: (base) => ({
      cmd: bin('pnpm'),
      args: ['--filter', `...[${base}]`, 'ls', '--depth', '-1', '--json'],
      env: PNPM12_ENV,
    }),
    parse: pnpmPackages,
    clearCache: noCache,
  },
  {
    name: 'nx',
    command: (base, head) => ({
      cmd: bin('nx'),
      args: ['show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--json'],
      env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    }),
    parse: (out) => JSON.parse(out.slice(out.indexOf('['))) as string[],
    clearCache: (clone) => {
      rmSync(join(clone, '.nx'), { recursive: true, force: true });
      rmSync(join(peers, 'node_modules/.cache/nx'), { recursive: true, force: true });
    },
  },
];

interface Sample {
  readonly ms: number;
  readonly kb: number;
  readonly stdout: string;
  readonly names: string[] | undefined;
  readonly error?: string;
}

/**
 * The tools' environment. NODE_EXTRA_CA_CERTS (set on the development machine for its TLS-intercepting
 * proxy) makes every Node process parse the CA bundle at start: ~36 ms of `node -e 0`'s ~62 ms there.
 * No measured command talks to the network and CI runners do not set it, so it is left out for every
 * tool (pnpm and nx are Node programs too) unless --keep-ca-certs.
 */
const toolEnv: NodeJS.ProcessEnv = { ...process.env };
if (!values['keep-ca-certs']) delete toolEnv['NODE_EXTRA_CA_CERTS'];

function measure(tool: Tool, clone: string, base: string, head: string): Sample {
  const { cmd, args, env = {} } = tool.command(base, head);
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd: clone, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...toolEnv, ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const kb = Number(r.stderr.trim().split('\n').at(-1));
  if (r.status !== 0) return { ms, kb, stdout: r.stdout, names: undefined, error: `${tool.name} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  try {
    return { ms, kb, stdout: r.stdout, names: tool.parse?.(r.stdout).filter((n) => n !== 'bench-root') };
  } catch (err) {
    return {
      ms,
      kb,
      stdout: r.stdout,
      names: undefined,
      error: `${tool.name}: cannot parse output (${err instanceof Error ? err.message : String(err)}): ${r.stdout.slice(0, 200)}`,
    };
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function score(names: string[] | undefined, truth: ReadonlySet<string>): { precision: number; recall: number } | undefined {
  if (names === undefined) return undefined;
  const got = new Set(names);
  const hit = [...got].filter((n) => truth.has(n)).length;
  return { precision: got.size === 0 ? (truth.size === 0 ? 1 : 0) : hit / got.size, recall: truth.size === 0 ? 1 : hit / truth.size };
}

function main(): void {
  const names = values.tools.split(',');
  if (values.before !== undefined && !names.includes('before')) names.push('before');
  const tools = TOOLS.filter((t) => names.includes(t.name));
  const selected = (name: string) => tools.some((t) => t.name === name);
  const missing = (['turbo', 'nx', 'pnpm12'] as const).filter((name) => selected(name) && !existsSync(bin(name === 'pnpm12' ? 'pnpm' : name)));
  if (missing.length > 0) throw new Error(`peers missing (${missing.join(', ')}): see bench/README.md for the install line`);
  const { clone, base, scenarios } = prepare();
  const peerVersion = (name: string, cmd: string, env: NodeJS.ProcessEnv = process.env) =>
    selected(name) ? execFileSync(cmd, ['--version'], { encoding: 'utf8', env }).trim() : '(not run)';
  const versions = {
    node: process.version,
    git: git(clone, '--version'),
    pnpm: peerVersion('pnpm', 'pnpm'),
    pnpm12: peerVersion('pnpm12', bin('pnpm'), { ...process.env, ...PNPM12_ENV }),
    turbo: peerVersion('turbo', bin('turbo'), { ...process.env, TURBO_TELEMETRY_DISABLED: '1' }),
    nx: selected('nx') ? (JSON.parse(readFileSync(join(peers, 'node_modules/nx/package.json'), 'utf8')).version as string) : '(not run)',
    NODE_EXTRA_CA_CERTS: toolEnv['NODE_EXTRA_CA_CERTS'] ?? '(unset)',
  };
  const out = values.out ?? join(work, `results-${label}`);
  const outputs = `${out}-outputs`;
  rmSync(outputs, { recursive: true, force: true });
  mkdirSync(outputs, { recursive: true });
  log(`tools: ${JSON.stringify(versions)}`);
  const rows: string[] = [];
  const results: Record<string, unknown> = {};
  for (const scenario of scenarios) {
    git(clone, 'checkout', '-q', '--detach', scenario.head);
    log(`\n${scenario.name}: ${scenario.files} files, ${scenario.truth.size} packages truly affected`);
    const samples = new Map<string, { cold: Sample[]; warm: Sample[] }>(tools.map((t) => [t.name, { cold: [], warm: [] }]));
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['cold', 'warm'] as const) {
        for (const tool of r % 2 === 0 ? tools : [...tools].reverse()) {
          if (mode === 'cold') tool.clearCache(clone);
          else if ((samples.get(tool.name)?.warm.length ?? 0) === 0) measure(tool, clone, base, scenario.head); // prime
          const s = measure(tool, clone, base, scenario.head);
          samples.get(tool.name)?.[mode].push(s);
          if (s.error) log(`  ${s.error}`);
        }
      }
    }
    const fastestPeer = (mode: 'cold' | 'warm') =>
      Math.min(
        ...tools
          .filter((t) => t.parse !== undefined && t.name !== 'pipeline' && t.name !== 'before')
          .map((t) => median(samples.get(t.name)?.[mode].map((s) => s.ms) ?? [Number.POSITIVE_INFINITY])),
      );
    for (const tool of tools) {
      const s = samples.get(tool.name);
      if (!s) continue;
      const sc = score(s.cold[0]?.names, scenario.truth);
      const cold = median(s.cold.map((x) => x.ms));
      const warm = median(s.warm.map((x) => x.ms));
      const mem = Math.max(...s.cold.map((x) => x.kb), ...s.warm.map((x) => x.kb));
      const ratio = tool.name === 'pipeline' || tool.name === 'before' ? ` (${(fastestPeer('cold') / cold).toFixed(1)}x / ${(fastestPeer('warm') / warm).toFixed(1)}x)` : '';
      const count = s.cold[0]?.names?.length;
      if (tool.parse !== undefined) writeFileSync(join(outputs, `${slug(scenario.name)}.${tool.name}.out`), s.cold[0]?.stdout ?? '');
      rows.push(
        `| ${scenario.name} | ${tool.name} | ${cold.toFixed(0)} | ${warm.toFixed(0)}${ratio} | ${(mem / 1024).toFixed(0)} | ${count ?? '-'} / ${scenario.truth.size} | ${sc ? sc.precision.toFixed(3) : '-'} | ${sc ? sc.recall.toFixed(3) : '-'} |`,
      );
      results[`${scenario.name}/${tool.name}`] = { cold, warm, maxRssKb: mem, count, ...sc, errors: [...s.cold, ...s.warm].map((x) => x.error).filter(Boolean) };
      log(rows.at(-1) ?? '');
    }
  }
  const table = [
    `${label}, ${rounds} rounds, alternating; ${JSON.stringify(versions)}`,
    '',
    '| scenario | tool | cold median ms | warm median ms (speed-up vs fastest peer, cold / warm) | peak RSS MB | packages found / true | precision | recall |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(`${out}.md`, `${table}\n`);
  writeFileSync(`${out}.json`, JSON.stringify({ label, rounds, versions, results }, null, 2));
}

main();
