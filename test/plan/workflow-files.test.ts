// Reading workflow files as GitHub does (its own parser and schema): the `on:` filters the plan matches
// events with, workflow_dispatch / workflow_call inputs and outputs, the name, and the one-line input
// error for a file GitHub would reject.
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { isWorkflowFileName, parseWorkflowFiles, parseWorkflowText } from '../../scripts/plan/workflow-files.js';
import { evaluateToken, literalString } from '../../scripts/plan/tokens.js';

const JOBS = `jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - run: echo hi
`;
const FNS = { status: { success: true, failure: false, cancelled: false } };
const REJECTED = '; GitHub would reject this workflow: fix it (or regenerate it with `pnpm workflows`)';

async function rejection(text: string): Promise<unknown> {
  try {
    await parseWorkflowText('.github/workflows/w.yml', text);
    return 'accepted';
  } catch (e) {
    return e;
  }
}

describe('parseWorkflowText', () => {
  test('the name, and every trigger with the filters GitHub matches on', async () => {
    const w = await parseWorkflowText(
      '.github/workflows/ci.yml',
      `name: CI
on:
  push:
    branches: [main, 'release/**']
    branches-ignore: []
    tags: ['v*']
    paths: ['services/**']
    paths-ignore: ['**/*.md']
  pull_request:
    types: [opened, labeled]
    branches: main
  merge_group:
  workflow_dispatch:
${JOBS}`,
    );
    expect(w.file).toBe('.github/workflows/ci.yml');
    expect(w.name).toBe('CI');
    expect(w.triggers).toEqual({
      push: { branches: ['main', 'release/**'], 'branches-ignore': [], tags: ['v*'], paths: ['services/**'], 'paths-ignore': ['**/*.md'] },
      pull_request: { types: ['opened', 'labeled'], branches: ['main'] },
      merge_group: {},
      workflow_dispatch: {},
    });
    // Only the filters a trigger sets are there (an absent one is not a key holding undefined).
    expect(Object.fromEntries(Object.entries(w.triggers).map(([name, f]) => [name, Object.keys(f)]))).toEqual({
      push: ['branches', 'branches-ignore', 'tags', 'paths', 'paths-ignore'],
      pull_request: ['types', 'branches'],
      merge_group: [],
      workflow_dispatch: [],
    });
    expect(w.dispatchInputs).toEqual({});
    expect(w.callInputs).toEqual({});
    expect(w.callOutputs).toEqual({});
    expect(literalString(w.root.find('name'))).toBe('CI');
  });

  test('without a name, a workflow is named by its file (as GitHub shows it)', async () => {
    const w = await parseWorkflowText('.github/workflows/lint.yaml', `on: [push, pull_request]\n${JOBS}`);
    expect(w.name).toBe('.github/workflows/lint.yaml');
    expect(w.triggers).toEqual({ push: {}, pull_request: {} });
  });

  test('workflow_dispatch inputs: type (string by default), required (false by default), default and options', async () => {
    const w = await parseWorkflowText(
      'w.yml',
      `on:
  workflow_dispatch:
    inputs:
      service:
        type: choice
        required: true
        default: all
        options: [all, api, web]
      dry-run:
        type: boolean
        default: false
      note:
        description: free text
      strict:
        required: false
${JOBS}`,
    );
    const summary = Object.fromEntries(
      Object.entries(w.dispatchInputs).map(([name, d]) => [
        name,
        { type: d.type, required: d.required, default: d.default ? evaluateToken(d.default, {}, FNS) : null, options: d.options ?? null },
      ]),
    );
    expect(summary).toEqual({
      service: { type: 'choice', required: true, default: 'all', options: ['all', 'api', 'web'] },
      'dry-run': { type: 'boolean', required: false, default: false, options: null },
      note: { type: 'string', required: false, default: null, options: null },
      strict: { type: 'string', required: false, default: null, options: null },
    });
    expect(w.callInputs).toEqual({});
  });

  test('workflow_call inputs and outputs: each output by its value expression', async () => {
    const w = await parseWorkflowText(
      'w.yml',
      `on:
  workflow_call:
    inputs:
      service:
        type: string
        required: true
      level:
        type: number
        default: \${{ github.run_number }}
    outputs:
      tags:
        description: the image tags
        value: \${{ jobs.build.outputs.tags }}
      digest:
        value: \${{ jobs.build.outputs.digest }}
jobs:
  build:
    runs-on: ubuntu-24.04
    outputs:
      tags: \${{ steps.t.outputs.tags }}
      digest: \${{ steps.t.outputs.digest }}
    steps:
      - id: t
        run: echo hi
`,
    );
    expect(Object.keys(w.callInputs)).toEqual(['service', 'level']);
    expect(w.callInputs['service']).toMatchObject({ type: 'string', required: true, default: undefined, options: undefined });
    expect(w.callInputs['level']).toMatchObject({ type: 'number', required: false });
    expect(String(w.callInputs['level']?.default)).toBe('${{ github.run_number }}');
    expect(Object.fromEntries(Object.entries(w.callOutputs).map(([k, v]) => [k, String(v)]))).toEqual({
      tags: '${{ jobs.build.outputs.tags }}',
      digest: '${{ jobs.build.outputs.digest }}',
    });
    expect(w.dispatchInputs).toEqual({});
    expect(w.triggers).toEqual({ workflow_call: {} });
  });

  test.each([
    ['a YAML syntax error', 'on: [\n', /^\.github\/workflows\/w\.yml: Flow sequence in block collection must be sufficiently indented/],
    ['a missing `on:`', `name: x\n${JOBS}`, /^\.github\/workflows\/w\.yml \(Line: 1, Col: 1\): Required property is missing: on;/],
    ['two unknown keys', `on: push\n${JOBS}    bogus: 1\n    other: 2\n`, /^\.github\/workflows\/w\.yml \(Line: \d+, Col: \d+\): Unexpected value 'bogus' \(and 1 more\);/],
    ['an empty file', '', /^\.github\/workflows\/w\.yml: Expected a scalar value, a sequence, or a mapping;/],
    [
      'a job needing an unknown job (found when the template is converted)',
      'on: push\njobs:\n  a:\n    runs-on: x\n    needs: [zz]\n    steps:\n      - run: a\n',
      /^\.github\/workflows\/w\.yml \(Line: 3, Col: 3\): The workflow must contain at least one job with no dependencies\.;/,
    ],
  ])('%s is rejected with the first error, one line', async (_name, text, message) => {
    const error = await rejection(text);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toHaveProperty('message', expect.stringMatching(message));
    expect(error).toHaveProperty('message', expect.stringContaining(REJECTED));
    expect(String(error instanceof Error ? error.message : '').endsWith(REJECTED)).toBe(true);
  });

  test('a single error is not followed by a count', async () => {
    const error = await rejection(`name: x\non: push\n${JOBS}    bogus: 1\n`);
    expect(error).toHaveProperty('message', expect.stringMatching(/Unexpected value 'bogus'; GitHub would reject/));
  });
});

describe('parseWorkflowFiles', () => {
  test('every file, sorted by path', async () => {
    const text = (name: string) => `name: ${name}\non: push\n${JOBS}`;
    const files = [
      { path: '.github/workflows/c.yml', text: text('C') },
      { path: '.github/workflows/a.yml', text: text('A') },
      { path: '.github/workflows/b.yaml', text: text('B') },
      { path: '.github/workflows/a.yaml', text: text('A2') },
    ];
    const loaded = await parseWorkflowFiles(files, 'f'.repeat(40));
    expect(loaded.map((w) => [w.file, w.name])).toEqual([
      ['.github/workflows/a.yaml', 'A2'],
      ['.github/workflows/a.yml', 'A'],
      ['.github/workflows/b.yaml', 'B'],
      ['.github/workflows/c.yml', 'C'],
    ]);
    // The caller's list is left as it was.
    expect(files.map((f) => f.path)).toEqual(['.github/workflows/c.yml', '.github/workflows/a.yml', '.github/workflows/b.yaml', '.github/workflows/a.yaml']);
  });

  test('no workflow file at all is an input error naming the commit', () => {
    expect(() => parseWorkflowFiles([], '0123456789abcdef0123456789abcdef01234567')).toThrow(
      new InputError('.github/workflows: no workflow files in commit 0123456789ab; generate them with `pnpm workflows` and commit them'),
    );
  });
});

describe('isWorkflowFileName', () => {
  test.each([
    ['ci.yml', true],
    ['release.yaml', true],
    ['ci.yml.bak', false],
    ['ci.json', false],
    ['ciyml', false],
    ['README.md', false],
  ])('%j: %s', (name, expected) => {
    expect(isWorkflowFileName(name)).toBe(expected);
  });
});
