/**
 * Generation refuses the workflows a reviewer should never have to catch: each case builds a bad job
 * with the library directly (the DSL's types would not let us) and expects the refusal to name the
 * workflow, the job, the step and the fix.
 */
import { NormalJob, Step, Workflow } from '@github-actions-workflow-ts/lib';
import { describe, expect, test } from 'vitest';
import { PINS } from '../../workflows-src/actions.pins.js';
import { checkWorkflow, formatProblem, WorkflowRuleError } from '../../workflows-src/dsl/checks.js';
import { renderWorkflow } from '../../workflows-src/dsl/render.js';

const CHECKOUT = `actions/checkout@${PINS['actions/checkout'].sha}`;

function workflowWith(props: ConstructorParameters<typeof NormalJob>[1], steps: Step[], on: ConstructorParameters<typeof Workflow>[1]['on'] = { push: null }): Workflow {
  // A copy: NormalJob keeps (and adds steps to) the object it is given.
  return new Workflow('bad', { name: 'bad', on }).addJob(new NormalJob('deploy', { ...props }).addSteps(steps));
}
const good = { 'runs-on': 'ubuntu-24.04', 'timeout-minutes': 5, permissions: { contents: 'read' as const } };
const problemsOf = (w: Workflow) => checkWorkflow('bad.yml', w.workflow).map(formatProblem);

test('a well-formed job passes', () => {
  expect(
    problemsOf(
      workflowWith(good, [
        new Step({ name: 'Check out', uses: CHECKOUT }),
        new Step({ name: 'Say', run: 'echo "$TITLE"', env: { TITLE: '${{ github.event.pull_request.title }}' } }),
      ]),
    ),
  ).toEqual([]);
});

describe.each([
  [
    'a job without permissions',
    { 'runs-on': 'ubuntu-24.04', 'timeout-minutes': 5 },
    [new Step({ name: 'Say', run: 'echo hi' })],
    /bad\.yml: job "deploy": no permissions: declare the least/,
  ],
  ['a job with write-all', { ...good, permissions: 'write-all' as const }, [new Step({ name: 'Say', run: 'echo hi' })], /bad\.yml: job "deploy": permissions: write-all/],
  ['a job without timeout-minutes', { 'runs-on': 'ubuntu-24.04', permissions: {} }, [new Step({ name: 'Say', run: 'echo hi' })], /bad\.yml: job "deploy": no timeout-minutes/],
  [
    'uses by tag',
    good,
    [new Step({ name: 'Check out', uses: 'actions/checkout@v7' })],
    /job "deploy", step "Check out": uses "actions\/checkout@v7" is not pinned by a full commit SHA/,
  ],
  ['uses by branch', good, [new Step({ name: 'Lint', uses: 'rhysd/actionlint@main' })], /step "Lint": uses "rhysd\/actionlint@main" is not pinned/],
  [
    'uses by a SHA that is not the pin',
    good,
    [new Step({ name: 'Check out', uses: 'actions/checkout@0000000000000000000000000000000000000000' })],
    /step "Check out": .*not the pin of actions\/checkout/,
  ],
  ['a docker image by tag', good, [new Step({ name: 'Scan', uses: 'docker://alpine:3' })], /step "Scan": .*pin the image by digest/],
  [
    'an event field in run:',
    good,
    [new Step({ name: 'Greet', run: 'echo "${{ github.event.pull_request.title }}"' })],
    /step "Greet": run: interpolates .*github\.event\.pull_request\.title.*script injection.*env:/,
  ],
  ['github.head_ref in run:', good, [new Step({ name: 'Branch', run: 'git push origin ${{ github.head_ref }}' })], /step "Branch": run: .*github\.head_ref.*script injection/],
  ['an input in run:', good, [new Step({ name: 'Deploy', run: './deploy ${{ inputs.environment }}' })], /step "Deploy": run: .*inputs\.environment.*script injection/],
  ['any other expression in run:', good, [new Step({ name: 'Tag', run: 'echo ${{ matrix.service }}' })], /step "Tag": run: interpolates .*matrix\.service.*pass it through env:/],
  ['an unnamed step is named by its position', good, [new Step({ run: 'echo ${{ github.head_ref }}' })], /step "#1"/],
] as const)('%s is refused', (_, props, steps, message) => {
  const w = workflowWith(props, [...steps]);
  test('by the check', () => {
    expect(problemsOf(w).join('\n')).toMatch(message);
  });
  test('by generation, which writes nothing', () => {
    expect(() => renderWorkflow({ file: 'bad.yml', source: 'bad.wac.ts', workflow: w })).toThrow(WorkflowRuleError);
    expect(() => renderWorkflow({ file: 'bad.yml', source: 'bad.wac.ts', workflow: w })).toThrow(message);
  });
});

test('pull_request_target is refused', () => {
  const w = workflowWith(good, [new Step({ name: 'Say', run: 'echo hi' })], { pull_request_target: null });
  expect(problemsOf(w).join('\n')).toMatch(/pull_request_target/);
});

test('every problem is reported, not only the first', () => {
  const w = workflowWith({ 'runs-on': 'ubuntu-24.04' }, [new Step({ name: 'A', uses: 'actions/checkout@v7' }), new Step({ name: 'B', run: 'echo ${{ github.head_ref }}' })]);
  expect(problemsOf(w)).toHaveLength(4);
});
