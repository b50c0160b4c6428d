/**
 * `pnpm audit:deps [--all]`: the dependency audit. The production dependencies (what the service
 * images install: the workspace packages' `dependencies`, followed through pnpm-lock.yaml) are listed
 * from the lockfile, offline; when there are third-party ones (or with --all, every locked package),
 * their versions go to the npm registry's bulk advisory endpoint (what `npm audit` asks), bounded by
 * the timeout policy. A known vulnerability is exit 1 unless ACCEPTED explains it; an endpoint that
 * refuses (this workplace's registry proxy answers 405 to every POST) is exit 3, one line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSpec, runEntry } from './core/args.js';
import { productionPackages, segmentLockfile } from './core/changes/lockfile.js';
import { lockfileInPnpmLayout } from './core/changes/lockfile-yaml.js';
import { InputError, OutsideError } from './core/errors.js';
import { isRecord } from './core/json.js';
import { TIMEOUTS } from './core/timeouts.js';

/** Advisories known and accepted, by advisory URL, each with why it does not apply. None today. */
const ACCEPTED: ReadonlyMap<string, string> = new Map();

const REGISTRY = 'https://registry.npmjs.org';

const SPEC = commandSpec({
  program: 'pnpm audit:deps',
  summary:
    "The dependency audit: lists the production dependencies (what the service images install) from pnpm-lock.yaml and asks the npm registry's advisory endpoint about them; zero third-party production packages is a pass without asking. With --all, every locked package (the tooling too) is asked about.",
  options: { all: { type: 'boolean' } },
  help: { all: { description: 'audit every locked package, dev tooling included (needs the advisory endpoint)' } },
  examples: ['pnpm audit:deps', 'pnpm audit:deps --all'],
  notes: [
    'exit codes: 0 no known vulnerability, 1 a vulnerability not explained in scripts/audit-deps.ts, 2 bad input, 3 the advisory endpoint failed, 4 it did not answer in time',
  ],
});

/** `name@version` keys -> the bulk request body `{ name: [versions] }`. */
function bulkBody(keys: readonly string[]): Map<string, string[]> {
  const body = new Map<string, string[]>();
  for (const key of keys) {
    const at = key.lastIndexOf('@');
    if (at <= 0) continue;
    const name = key.slice(0, at);
    body.set(name, [...(body.get(name) ?? []), key.slice(at + 1)]);
  }
  return body;
}

async function advisories(keys: readonly string[]): Promise<{ name: string; url: string; title: string; severity: string }[]> {
  const url = `${REGISTRY}/-/npm/v1/security/advisories/bulk`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Object.fromEntries(bulkBody(keys))),
      signal: AbortSignal.timeout(TIMEOUTS.registryMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    throw new OutsideError(`POST ${url}: ${timedOut ? `no answer within ${TIMEOUTS.registryMs / 1000} s` : err instanceof Error ? err.message : String(err)}`, { timedOut });
  }
  if (!response.ok)
    throw new OutsideError(
      `POST ${url}: HTTP ${response.status}; the advisory endpoint cannot be asked from here (run pnpm audit:deps where the npm registry answers it, e.g. in CI)`,
    );
  const json: unknown = await response.json();
  if (!isRecord(json)) throw new OutsideError(`POST ${url}: the answer is not a JSON object`);
  return Object.entries(json).flatMap(([name, list]) =>
    (Array.isArray(list) ? list : []).filter(isRecord).map((a) => ({ name, url: String(a['url'] ?? ''), title: String(a['title'] ?? ''), severity: String(a['severity'] ?? '') })),
  );
}

async function main(all: boolean): Promise<number> {
  const root = process.cwd();
  let text: string;
  try {
    text = readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8');
  } catch {
    throw new InputError('pnpm-lock.yaml: not found; run it at the workspace root after pnpm install');
  }
  const lock = lockfileInPnpmLayout(text);
  const production = productionPackages(lock.text, lock);
  const keys = all ? [...segmentLockfile(lock.text, lock).packages.keys()] : production;
  process.stdout.write(
    `production dependencies: ${production.length} third-party package(s)${production.length > 0 ? `: ${production.join(', ')}` : ' (the images install only the workspace packages)'}\n`,
  );
  if (keys.length === 0) {
    process.stdout.write('audit:deps: no third-party package to audit: no known vulnerability in production dependencies\n');
    return 0;
  }
  const found = await advisories(keys);
  const open = found.filter((a) => !ACCEPTED.has(a.url));
  for (const a of found) process.stdout.write(`${a.name}: ${a.severity} ${a.title} ${a.url}${ACCEPTED.has(a.url) ? ` (accepted: ${ACCEPTED.get(a.url)})` : ''}\n`);
  process.stdout.write(`audit:deps: ${keys.length} package(s) asked about, ${found.length} advisory(ies), ${open.length} not explained\n`);
  return open.length === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith('audit-deps.ts')) {
  const out = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
  process.exitCode = await runEntry(SPEC, process.argv.slice(2), out, ({ values }) => main(values.all ?? false));
}
