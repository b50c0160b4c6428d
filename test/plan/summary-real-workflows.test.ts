// plan's default output (scripts/plan/summary.ts) over the real generated workflows, for a change to
// packages/shared in a copy of this repository (slow: each test plans the whole repository).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../scripts/commands/plan.js';
import type { Plan } from '../../scripts/plan/plan-types.js';
import { renderPlan } from '../../scripts/plan/render.js';
import { runCommand } from '../support/cli.js';
import { copyRepo } from '../support/repo-copy.js';
import { TempRepo } from './repo.js';

describe('pipeline plan on a change to packages/shared (the real workflows)', () => {
  let repo: TempRepo;
  let copy: { dir: string; cleanup: () => void };
  beforeAll(() => {
    copy = copyRepo();
    repo = new TempRepo(copy.dir);
    repo.commit('the workspace');
    repo.commit('a shared change', { 'packages/shared/src/summary-test.ts': 'export const summaryTest = 1;\n' });
  }, 180_000);
  afterAll(() => copy?.cleanup());

  test('the default summary fits on one screen and names every job and leg; --verbose is the full plan; --json carries its schema', async () => {
    const summary = await runCommand(run, ['--event', 'push'], { cwd: repo.dir });
    const json = await runCommand(run, ['--event', 'push', '--json'], { cwd: repo.dir });
    const verbose = await runCommand(run, ['--event', 'push', '--verbose'], { cwd: repo.dir });
    expect([summary.code, json.code, verbose.code]).toEqual([0, 0, 0]);
    // Not a terminal: no progress.
    expect(summary.stderr).toBe('');
    const { schema, ...plan }: Plan & { schema: number } = JSON.parse(json.stdout);
    expect(schema).toBe(1);
    const lines = summary.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(50);
    const ci = plan.workflows.find((w) => w.file === '.github/workflows/ci.yml');
    expect(ci?.jobs.map((j) => j.id)).toEqual(['changes', 'build', 'publish', 'libraries', 'checks', 'promote', 'ci-ok']);
    for (const j of ci?.jobs ?? []) expect(summary.stdout).toMatch(new RegExp(`^  [●○✗] ${j.id} +${j.status}`, 'm'));
    const publish = ci?.jobs.find((j) => j.id === 'publish');
    expect(publish?.legs).toHaveLength(12);
    const serviceLine = lines.find((l) => /^ +service: /.test(l)) ?? '';
    for (const l of publish?.legs ?? []) expect(serviceLine).toContain(`${l.matrix?.['service']}`);
    expect(lines).toContain('  ○ build      skipped: not (event_name=push, ref=refs/heads/main, repository=kodingcaravan/kodingcaravan) is false');
    expect(summary.stdout).toMatch(/^ {2}push {5}12 × by digest \(known once pushed\) to ghcr\.io\/kodingcaravan\/<name>: admin-service, /m);
    expect(summary.stdout).toMatch(/^ {2}tag {6}12 × sha-[0-9a-f]{7}, main on the pushed digest: /m);
    expect(summary.stdout).not.toContain('github.event_name');
    // --verbose keeps every detail: it is the full renderer over the same plan.
    expect(verbose.stdout).toBe(renderPlan(plan));
    expect(verbose.stdout.split('\n').length).toBeGreaterThan(500);
    // Three plans of the whole repository: slow on a loaded machine.
  }, 180_000);

  test('progress on stderr when it is a terminal, one line per job, cleared at the end', async () => {
    const r = await runCommand(run, ['--event', 'push', '--workflow', 'ci.yml'], { cwd: repo.dir, stderrIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('planning ci.yml: job changes (1/7)…');
    expect(r.stderr).toContain('planning ci.yml: job ci-ok (7/7)…');
    expect(r.stderr.endsWith('\r\x1b[K')).toBe(true);
  }, 180_000);
});
