/**
 * Can a job run for a pull request? Its `if:` evaluated with GitHub's expression engine for a pull
 * request from this repository and from a fork, with every `needs.<job>.outputs.<name>` the condition
 * reads set to each of the values outputs take ('true', 'false', '', '[]', '["x"]'): true when any is truthy.
 */
import type { AuditJob } from '../core/audit/workflow.js';
import { evaluate, type Json, truthy } from './expressions.js';

export function canRunFor(repository: string) {
  return (job: AuditJob, event: 'pull_request' | 'pull_request_target'): boolean => {
    const raw = job.fields['if'];
    const condition = typeof raw === 'string' ? raw.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1') : raw === undefined ? 'success()' : String(raw);
    const needs = Array.isArray(job.fields['needs']) ? job.fields['needs'].map(String) : typeof job.fields['needs'] === 'string' ? [job.fields['needs']] : [];
    const outputNames = [...condition.matchAll(/needs\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]+)/g)].map((m) => m[1] ?? '');
    for (const value of ['true', 'false', '', '[]', '["x"]']) {
      for (const fork of [false, true]) {
        const outputs: Record<string, Json> = Object.fromEntries(outputNames.map((n) => [n, value]));
        const github: Json = {
          event_name: event,
          ref: event === 'pull_request' ? 'refs/pull/1/merge' : 'refs/heads/main',
          repository,
          repository_owner: repository.split('/')[0] ?? '',
          head_ref: 'feature',
          base_ref: 'main',
          event: { pull_request: { number: 1, head: { ref: 'feature', repo: { fork, full_name: fork ? 'someone/fork' : repository } } } },
        };
        const contexts = { github, needs: Object.fromEntries(needs.map((n) => [n, { result: 'success', outputs }])), vars: {}, inputs: {} };
        try {
          if (truthy(evaluate(condition, contexts, { status: { success: true, failure: false, cancelled: false } }))) return true;
        } catch {
          // A condition the engine cannot evaluate here: assume it can run (the safe answer).
          return true;
        }
      }
    }
    return false;
  };
}
