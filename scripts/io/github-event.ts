/**
 * The GitHub runtime as the environment presents it: the event (GITHUB_EVENT_NAME / GITHUB_EVENT_PATH,
 * or --event FILE), the repository owner, and workflow commands written to stderr so that stdout
 * stays one JSON object under --json. @actions/github is never imported: its context parses the event
 * file when the module loads, which would turn a malformed event into a stack trace.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { errnoCode, InputError } from '../core/errors.js';
import { type GitHubEvent, parseEvent } from '../core/changes/event.js';
import { quote } from '../core/quote.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The event to plan for, or undefined outside Actions with no --event. */
export function readEvent(env: Env, cwd: string, eventFile: string | undefined): GitHubEvent | undefined {
  const path = eventFile === undefined ? env['GITHUB_EVENT_PATH'] : resolve(cwd, eventFile);
  if (path === undefined || path === '') return undefined;
  let text: string;
  try {
    // A FIFO, a device or a folder would block or mislead the read: only a regular file is an event.
    if (!statSync(path).isFile()) throw new InputError(`event file ${quote(path, 240)}: not a regular file; pass a GitHub event payload (JSON) with --event FILE`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = errnoCode(err) ?? 'unreadable';
    throw new InputError(`event file ${path}: cannot read it (${code}); pass a GitHub event payload (JSON) with --event FILE`);
  }
  const name = env['GITHUB_EVENT_NAME'];
  return parseEvent(path, text, name === undefined || name === '' ? undefined : name);
}

/** The owner part of image names: GITHUB_REPOSITORY_OWNER, GITHUB_REPOSITORY, else the origin remote's owner. */
export function ownerFrom(env: Env, remoteUrl: string | undefined): string {
  const owner = env['GITHUB_REPOSITORY_OWNER'] ?? env['GITHUB_REPOSITORY']?.split('/')[0];
  if (owner) return owner;
  const m = remoteUrl === undefined ? null : /[:/]([^/:]+)\/[^/]+?(?:\.git)?\/?$/.exec(remoteUrl);
  return m?.[1] ?? 'local';
}

function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/**
 * A warning: an annotation inside Actions (the runner reads workflow commands on stderr too; the one
 * writer that may start one, its values escaped), a line elsewhere (through the output guard).
 */
export function warn(env: Env, out: { readonly annotate: (command: string) => void; readonly stderr: (text: string) => void }, title: string, message: string): void {
  if (env['GITHUB_ACTIONS'] === 'true') out.annotate(`::warning title=${escapeProperty(title)}::${escapeData(message)}\n`);
  else out.stderr(`warning: ${message}\n`);
}

/**
 * The files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name, when set, must be existing files this process can
 * write (as @actions/core requires: it appends and never creates them). Checked before a command changes
 * anything (a record, a tag, a release, a deploy), so that a wrong path is one line and exit 2, not an
 * error after the change, or a stack trace of `EISDIR`.
 */
export function checkActionsFiles(env: Env): void {
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']) {
    const path = env[name];
    if (!path) continue;
    const fix = `inside GitHub Actions the runner sets it; elsewhere unset ${name} or point it at an existing file`;
    let isFile = false;
    try {
      const stat = statSync(path);
      // A character device too: /dev/null, which a local run may name to drop the outputs.
      isFile = stat.isFile() || stat.isCharacterDevice();
    } catch (err) {
      throw new InputError(`${name}=${quote(path, 240)}: no such file (${errnoCode(err) ?? String(err)}); ${fix}`);
    }
    if (!isFile) throw new InputError(`${name}=${quote(path, 240)}: not a file; ${fix}`);
    try {
      accessSync(path, constants.W_OK);
    } catch (err) {
      throw new InputError(`${name}=${quote(path, 240)}: cannot be written (${errnoCode(err) ?? String(err)}); ${fix}`);
    }
  }
}

/** Step outputs and the job summary, through @actions/core (only inside Actions; loaded only there). */
export async function writeActionsOutputs(env: Env, outputs: Record<string, string>, summary: () => string): Promise<void> {
  const output = env['GITHUB_OUTPUT'];
  const summaryFile = env['GITHUB_STEP_SUMMARY'];
  if (!output && !summaryFile) return;
  // Checked before either file is written, so that a bad second one leaves the first untouched.
  checkActionsFiles(env);
  const { appendStepSummary, writeStepOutputs } = await import('./step-outputs.js');
  if (output) await writeStepOutputs(outputs);
  if (summaryFile) await appendStepSummary(summary());
}
