/**
 * Every generated workflow passes actionlint with zero findings, GitHub's parser with zero errors and
 * GitHub's language service with zero diagnostics. Each validator is first shown to catch a defect, so
 * that a validator that silently checks nothing cannot pass these tests.
 */
import { describe, expect, test } from 'vitest';
import { renderWorkflows } from '../../workflows-src/generate.js';
import { WORKFLOWS } from '../../workflows-src/workflows.js';
import { actionlint, githubParse, languageService } from './validators.js';

const rendered = [...renderWorkflows(WORKFLOWS)];
const ci = rendered.find(([path]) => path.endsWith('/ci.yml'))?.[1] ?? '';

describe.each(rendered)('%s', (path, text) => {
  test('actionlint 1.7.7: zero findings', async () => {
    expect(await actionlint(text, path)).toEqual([]);
  });
  test("GitHub's workflow parser: zero errors", async () => {
    const { errors, jobs } = await githubParse(text, path);
    expect(errors).toEqual([]);
    expect(jobs.length).toBeGreaterThan(0);
  });
  test("GitHub's language service: zero diagnostics", async () => {
    expect(await languageService(text, path)).toEqual([]);
  });
});

describe('the validators catch defects', () => {
  test('actionlint: an undefined job in needs and an unknown context', async () => {
    const broken = ci.replace('      - promote\n    if: always()', '      - promot\n    if: always()').replace('github.event_name ==', 'github.evnt_name ==');
    const findings = await actionlint(broken, '.github/workflows/ci.yml');
    expect(findings.join('\n')).toMatch(/promot\b/);
    expect(findings.join('\n')).toMatch(/evnt_name/);
  });
  test("GitHub's parser: an unknown job key", async () => {
    const { errors } = await githubParse(ci.replace('    timeout-minutes: 5\n', '    timeout-minutes: 5\n    timeout-minute: 5\n'), 'ci.yml');
    expect(errors.join('\n')).toMatch(/timeout-minute/);
  });
  test('the language service: an input the pinned action does not have', async () => {
    const diagnostics = await languageService(ci.replace('          fetch-depth: 2\n', '          fetch-depht: 2\n'), 'ci.yml');
    expect(diagnostics.join('\n')).toMatch(/fetch-depht/);
  });
});
