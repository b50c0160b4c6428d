/**
 * Typed step factories. An action step is made only from a pin (so `uses:` is always a full SHA) and
 * its `with:` keys and `output()` names are the pin's own input and output lists: a typo or an input
 * the pinned release does not have is a type error. A run step declares the outputs it writes.
 */
import { Step } from '@github-actions-workflow-ts/lib';
import { type ActionName, PINS } from '../actions.pins.js';
import { Expr, stepOutput } from './expr.js';
import { usesOf } from './pin.js';

export type Value = string | number | boolean | Expr;
export type Inputs<A extends ActionName> = (typeof PINS)[A]['inputs'][number];
export type Outputs<A extends ActionName> = (typeof PINS)[A]['outputs'][number];

export interface StepOptions {
  readonly name: string;
  readonly id?: string;
  /** A condition: bare expression, as `if:` takes it. */
  readonly if?: Expr;
  readonly env?: Readonly<Record<string, Value>>;
}

export interface BuiltStep<O extends string> {
  readonly step: Step;
  /** `steps.<id>.outputs.<name>`: only names this step declares. */
  output(name: O): Expr;
}

export function value(v: Value): string | number | boolean {
  return v instanceof Expr ? v.wrap() : v;
}

function values(record: Readonly<Record<string, Value | undefined>>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, v] of Object.entries(record)) if (v !== undefined) out[key] = value(v);
  return out;
}

function build<O extends string>(options: StepOptions, body: { uses: string; with?: Record<string, string | number | boolean> } | { run: string; shell: string }): BuiltStep<O> {
  const step = new Step({
    name: options.name,
    ...(options.id !== undefined ? { id: options.id } : {}),
    ...(options.if !== undefined ? { if: options.if.source } : {}),
    ...body,
    ...(options.env !== undefined ? { env: values(options.env) } : {}),
  });
  return {
    step,
    output(name) {
      if (options.id === undefined) throw new Error(`step "${options.name}" has no id: give it one to read its output ${name}`);
      return stepOutput(options.id, name);
    },
  };
}

/** A step of a pinned action. */
export function action<A extends ActionName>(name: A, options: StepOptions & { readonly with?: Partial<Record<Inputs<A>, Value>> }): BuiltStep<Outputs<A>> {
  const inputs = options.with ? values(options.with) : undefined;
  return build<Outputs<A>>(options, { uses: usesOf(name, PINS[name]), ...(inputs && Object.keys(inputs).length > 0 ? { with: inputs } : {}) });
}

/** A shell step. The script is static text: values reach it through `env:` (generation refuses `${{ }}` in it). */
export function run<O extends string = never>(options: StepOptions & { readonly run: string; readonly outputs?: readonly O[] }): BuiltStep<O> {
  return build<O>(options, { run: options.run, shell: 'bash' });
}

type Factory<A extends ActionName> = (options: StepOptions & { readonly with?: Partial<Record<Inputs<A>, Value>> }) => BuiltStep<Outputs<A>>;
const factory =
  <A extends ActionName>(name: A): Factory<A> =>
  (options) =>
    action(name, options);

export const checkout = factory('actions/checkout');
export const setupNode = factory('actions/setup-node');
export const restoreCache = factory('actions/cache/restore');
export const saveCache = factory('actions/cache/save');
export const setupBuildx = factory('docker/setup-buildx-action');
export const dockerLogin = factory('docker/login-action');
export const buildPush = factory('docker/build-push-action');
export const uploadArtifact = factory('actions/upload-artifact');
export const downloadArtifact = factory('actions/download-artifact');
