/**
 * The GitHub event payload as untrusted JSON: a type guard per event, reading only the fields the
 * revision choice needs, with errors that name the file, the field and the expected form.
 */
import { dict } from '../dict.js';
import { InputError } from '../errors.js';
import { COMMIT_SHA_FORM, type CommitSha, isCommitSha } from '../git/commit-sha.js';
import { isRecord } from '../json.js';

export type DispatchInputs = Readonly<Record<string, string>>;

export type GitHubEvent =
  | {
      readonly name: 'push';
      readonly ref: string;
      readonly before: CommitSha;
      readonly after: CommitSha;
      /** GitHub's own verdict; undefined when the payload does not say. */
      readonly forced: boolean | undefined;
      readonly defaultBranch: string | undefined;
    }
  | {
      readonly name: 'pull_request';
      readonly number: number;
      readonly baseSha: CommitSha;
      readonly headSha: CommitSha;
      readonly mergeCommitSha: CommitSha | undefined;
      readonly defaultBranch: string | undefined;
    }
  | { readonly name: 'merge_group'; readonly baseSha: CommitSha; readonly headSha: CommitSha }
  | { readonly name: 'workflow_dispatch'; readonly inputs: DispatchInputs }
  | { readonly name: 'schedule' }
  | { readonly name: 'release'; readonly tagName: string };

export type EventName = GitHubEvent['name'];
export const EVENT_NAMES: readonly EventName[] = ['push', 'pull_request', 'merge_group', 'workflow_dispatch', 'schedule', 'release'];

type Json = Record<string, unknown>;

const isObject: (value: unknown) => value is Json = isRecord;

class Reader {
  constructor(
    private readonly file: string,
    private readonly event: string,
  ) {}

  fail(field: string, expected: string): never {
    throw new InputError(`${this.file}: ${this.event} event: ${field} must be ${expected}; pass the event payload GitHub wrote (GITHUB_EVENT_PATH) or fix --event`);
  }

  object(parent: Json, key: string, path: string): Json {
    const value = parent[key];
    if (!isObject(value)) this.fail(path, 'an object');
    return value;
  }

  sha(parent: Json, key: string, path: string): CommitSha {
    const value = parent[key];
    if (!isCommitSha(value)) this.fail(path, COMMIT_SHA_FORM);
    return value;
  }

  optionalSha(parent: Json, key: string): CommitSha | undefined {
    const value = parent[key];
    return isCommitSha(value) ? value : undefined;
  }

  string(parent: Json, key: string, path: string): string {
    const value = parent[key];
    if (typeof value !== 'string' || value.length === 0) this.fail(path, 'a non-empty string');
    return value;
  }
}

function defaultBranchOf(payload: Json): string | undefined {
  const repo = payload['repository'];
  const branch = isObject(repo) ? repo['default_branch'] : undefined;
  return typeof branch === 'string' && branch.length > 0 ? branch : undefined;
}

/** Which event a payload is, when GITHUB_EVENT_NAME is not set (an `--event FILE` outside Actions). */
export function inferEventName(payload: unknown): EventName | undefined {
  if (!isObject(payload)) return undefined;
  if (isObject(payload['pull_request'])) return 'pull_request';
  if (isObject(payload['merge_group'])) return 'merge_group';
  if (isObject(payload['release'])) return 'release';
  if (typeof payload['before'] === 'string' && typeof payload['after'] === 'string') return 'push';
  if (typeof payload['schedule'] === 'string') return 'schedule';
  if ('inputs' in payload) return 'workflow_dispatch';
  return undefined;
}

export function isEventName(name: string): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name);
}

/** Parses the text of an event file. `name` is GITHUB_EVENT_NAME, or undefined to infer it. */
export function parseEvent(file: string, text: string, name: string | undefined): GitHubEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: the event file is not valid JSON (${err instanceof Error ? err.message : String(err)}); pass the payload GitHub wrote (GITHUB_EVENT_PATH)`);
  }
  if (!isObject(payload)) throw new InputError(`${file}: the event file must hold a JSON object (a GitHub event payload)`);
  const eventName = name ?? inferEventName(payload);
  if (eventName === undefined) {
    throw new InputError(`${file}: cannot tell which event this payload is; set GITHUB_EVENT_NAME to one of: ${EVENT_NAMES.join(', ')}`);
  }
  if (eventName === 'pull_request_target') {
    throw new InputError(`${file}: pull_request_target is not supported (it runs untrusted code with secrets); use pull_request`);
  }
  if (!isEventName(eventName)) {
    throw new InputError(`unsupported event ${JSON.stringify(eventName)}; expected one of: ${EVENT_NAMES.join(', ')}, or pass --base/--head`);
  }
  const r = new Reader(file, eventName);
  switch (eventName) {
    case 'push': {
      const forced = payload['forced'];
      return {
        name: 'push',
        ref: r.string(payload, 'ref', 'ref'),
        before: r.sha(payload, 'before', 'before'),
        after: r.sha(payload, 'after', 'after'),
        forced: typeof forced === 'boolean' ? forced : undefined,
        defaultBranch: defaultBranchOf(payload),
      };
    }
    case 'pull_request': {
      const pr = r.object(payload, 'pull_request', 'pull_request');
      const raw = pr['number'] ?? payload['number'];
      // Stryker disable next-line ConditionalExpression: typeof raw === 'number' → true is equivalent: Number.isSafeInteger is false for a non-number (the other conditions are pinned by tests)
      const number = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1 ? raw : r.fail('pull_request.number', 'a positive integer');
      return {
        name: 'pull_request',
        number,
        baseSha: r.sha(r.object(pr, 'base', 'pull_request.base'), 'sha', 'pull_request.base.sha'),
        headSha: r.sha(r.object(pr, 'head', 'pull_request.head'), 'sha', 'pull_request.head.sha'),
        mergeCommitSha: r.optionalSha(pr, 'merge_commit_sha'),
        defaultBranch: defaultBranchOf(payload),
      };
    }
    case 'merge_group': {
      const group = r.object(payload, 'merge_group', 'merge_group');
      return { name: 'merge_group', baseSha: r.sha(group, 'base_sha', 'merge_group.base_sha'), headSha: r.sha(group, 'head_sha', 'merge_group.head_sha') };
    }
    case 'workflow_dispatch': {
      const raw = payload['inputs'] ?? {};
      if (!isObject(raw)) r.fail('inputs', 'an object of input name -> value');
      const inputs: Record<string, string> = dict();
      for (const [key, value] of Object.entries(raw)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') inputs[key] = String(value);
        else if (value !== null) r.fail(`inputs.${key}`, 'a string, number or boolean');
      }
      return { name: 'workflow_dispatch', inputs };
    }
    case 'schedule':
      return { name: 'schedule' };
    case 'release':
      return { name: 'release', tagName: r.string(r.object(payload, 'release', 'release'), 'tag_name', 'release.tag_name') };
  }
}
