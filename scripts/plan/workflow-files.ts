/**
 * Reads `.github/workflows/*.yml` and parses each file with GitHub's own parser and schema
 * (@actions/workflow-parser). A file that fails it is bad input: one line, exit 2. This module and
 * step-runner.ts are the plan's only side effects besides git.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, isBoolean, isMapping, isSequence, isString, NoOperationTraceWriter, parseWorkflow, type WorkflowTemplate } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { InputError } from '../core/errors.js';
import { child, childMapping, literalString } from './tokens.js';
import type { TriggerFilters, Triggers } from './triggers.js';

export const WORKFLOWS_DIR = '.github/workflows';

export interface InputDefinitionToken {
  readonly type: string;
  readonly required: boolean;
  /** A literal or (for workflow_call) an expression evaluated with the caller's `github` context. */
  readonly default: TemplateToken | undefined;
  readonly options: readonly string[] | undefined;
}

export interface LoadedWorkflow {
  /** Relative to the repository root, e.g. `.github/workflows/ci.yml`. */
  readonly file: string;
  readonly name: string;
  readonly template: WorkflowTemplate;
  /** The parsed document, for what the model leaves out (`with:`, `defaults`, workflow_call outputs). */
  readonly root: MappingToken;
  readonly triggers: Triggers;
  readonly dispatchInputs: Readonly<Record<string, InputDefinitionToken>>;
  readonly callInputs: Readonly<Record<string, InputDefinitionToken>>;
  /** workflow_call outputs: name → the `value` token. */
  readonly callOutputs: Readonly<Record<string, TemplateToken>>;
}

const FILTER_KEYS = ['types', 'branches', 'branches-ignore', 'tags', 'tags-ignore', 'paths', 'paths-ignore'] as const;

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function toTriggers(events: WorkflowTemplate['events']): Triggers {
  const out: Record<string, TriggerFilters> = {};
  for (const [name, config] of Object.entries(events ?? {})) {
    const filters: Record<string, readonly string[]> = {};
    if (typeof config === 'object' && config !== null) {
      for (const key of FILTER_KEYS) {
        const value: unknown = Reflect.get(config, key);
        if (isStringList(value)) filters[key] = value;
      }
    }
    out[name] = filters;
  }
  return out;
}

function inputDefinitions(inputs: MappingToken | undefined): Record<string, InputDefinitionToken> {
  const out: Record<string, InputDefinitionToken> = {};
  for (const pair of inputs ?? []) {
    if (!isString(pair.key)) continue;
    const def = pair.value;
    const required = child(def, 'required');
    const options = child(def, 'options');
    out[pair.key.value] = {
      type: literalString(child(def, 'type')) ?? 'string',
      required: required !== undefined && isBoolean(required) && required.value,
      default: child(def, 'default'),
      options: options && isSequence(options) ? [...options].flatMap((o) => (isString(o) ? [o.value] : [])) : undefined,
    };
  }
  return out;
}

function onTrigger(root: MappingToken, event: string): TemplateToken | undefined {
  return childMapping(root, 'on')?.find(event);
}

export function parseWorkflowText(file: string, content: string): Promise<LoadedWorkflow> {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const fail = (messages: readonly string[]): never => {
    const [first, ...rest] = messages;
    throw new InputError(
      `${first ?? `${file}: not a workflow`}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}; GitHub would reject this workflow: fix it (or regenerate it with \`pnpm workflows\`)`,
    );
  };
  const errors = parsed.context.errors.getErrors();
  if (errors.length > 0 || !parsed.value || !isMapping(parsed.value)) return Promise.resolve(fail(errors.map((e) => e.message)));
  const root = parsed.value;
  return convertWorkflowTemplate(parsed.context, root).then((template) => {
    if (template.errors && template.errors.length > 0) fail(template.errors.map((e) => e.Message));
    const callOutputs: Record<string, TemplateToken> = {};
    for (const pair of childMapping(onTrigger(root, 'workflow_call'), 'outputs') ?? []) {
      const value = child(pair.value, 'value');
      if (isString(pair.key) && value) callOutputs[pair.key.value] = value;
    }
    return {
      file,
      name: literalString(root.find('name')) ?? file,
      template,
      root,
      triggers: toTriggers(template.events),
      dispatchInputs: inputDefinitions(childMapping(onTrigger(root, 'workflow_dispatch'), 'inputs')),
      callInputs: inputDefinitions(childMapping(onTrigger(root, 'workflow_call'), 'inputs')),
      callOutputs,
    };
  });
}

/** Every workflow file, sorted by name; none is an error (there is nothing to plan). */
export async function loadWorkflows(root: string): Promise<LoadedWorkflow[]> {
  const dir = join(root, WORKFLOWS_DIR);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
  if (files.length === 0) throw new InputError(`${dir}: no workflow files; generate them with \`pnpm workflows\` or run from the repository root`);
  return Promise.all(files.sort().map((f) => parseWorkflowText(`${WORKFLOWS_DIR}/${f}`, readFileSync(join(dir, f), 'utf8'))));
}
