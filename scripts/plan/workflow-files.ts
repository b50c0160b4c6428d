/**
 * Parses the workflow files (`.github/workflows/*.yml`, as read from a commit by scripts/io/plan) with
 * GitHub's own parser and schema (@actions/workflow-parser). A file that fails it is bad input: one
 * line, exit 2. Pure: the files arrive as text.
 */
import { dict } from '../core/dict.js';
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
  // Stryker disable next-line ConditionalExpression: the converter gives filter lists of strings only
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function toTriggers(events: WorkflowTemplate['events']): Triggers {
  const out: Record<string, TriggerFilters> = dict();
  for (const [name, config] of Object.entries(events ?? {})) {
    const filters: Record<string, readonly string[]> = dict();
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the converter gives every event an object, {} when it has no value
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
  const out: Record<string, InputDefinitionToken> = dict();
  for (const pair of inputs ?? []) {
    // Stryker disable next-line ConditionalExpression: GitHub's schema takes only literal strings as input names
    if (!isString(pair.key)) continue;
    const def = pair.value;
    const required = child(def, 'required');
    const options = child(def, 'options');
    out[pair.key.value] = {
      type: literalString(child(def, 'type')) ?? 'string',
      required: required !== undefined && isBoolean(required) && required.value,
      default: child(def, 'default'),
      // Stryker disable next-line LogicalOperator,ArrayDeclaration: isSequence(undefined) is false, and the parser reads every option as a string
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
      // Stryker disable next-line StringLiteral: the parser reports an error for every document that is not a mapping, so messages is never empty
      `${first ?? `${file}: not a workflow`}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}; GitHub would reject this workflow: fix it (or regenerate it with \`pnpm workflows\`)`,
    );
  };
  const errors = parsed.context.errors.getErrors();
  // Stryker disable next-line ConditionalExpression,LogicalOperator: the converter reports the parser's errors again (one context), so failing there says the same
  if (errors.length > 0 || !parsed.value || !isMapping(parsed.value)) return Promise.resolve(fail(errors.map((e) => e.message)));
  const root = parsed.value;
  return convertWorkflowTemplate(parsed.context, root).then((template) => {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the converter leaves errors undefined, never an empty list, when there are none
    if (template.errors && template.errors.length > 0) fail(template.errors.map((e) => e.Message));
    const callOutputs: Record<string, TemplateToken> = dict();
    for (const pair of childMapping(onTrigger(root, 'workflow_call'), 'outputs') ?? []) {
      const value = child(pair.value, 'value');
      // Stryker disable next-line ConditionalExpression,LogicalOperator: the schema takes only literal output names and requires each output's value
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

/** A workflow file as read from the repository: its path from the root and its text. */
export interface WorkflowFile {
  readonly path: string;
  readonly text: string;
}

/** Every workflow file, sorted by path; none is an error (there is nothing to plan). */
export function parseWorkflowFiles(files: readonly WorkflowFile[], commit: string): Promise<LoadedWorkflow[]> {
  if (files.length === 0) throw new InputError(`${WORKFLOWS_DIR}: no workflow files in commit ${commit.slice(0, 12)}; generate them with \`pnpm workflows\` and commit them`);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: V8's sort only asks whether the comparator is negative, and paths are distinct
  return Promise.all([...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => parseWorkflowText(f.path, f.text)));
}

/** Whether a file name in the workflows folder is a workflow (GitHub reads `.yml` and `.yaml`). */
export function isWorkflowFileName(name: string): boolean {
  return /\.ya?ml$/.test(name);
}
