/**
 * A task's deployment records in one environment, read newest first only as far as a question needs
 * (core/deploy/history.ts): a page of 100 records a request, and one request for each record whose state
 * the answer depends on. A read can go on (a rollback whose first candidate is quarantined asks for
 * the next): what was read is kept, never asked again.
 */
import { type HistoryRead, type ListedDeployment, type Question, READ_BOUND, type ReadStop } from '../core/deploy/history.js';
import type { DeploymentRecord } from '../core/deploy/promotion.js';
import { GitHubApiError, type GitHubApi } from './github-api.js';

export interface DeploymentHistory {
  /** Reads on until `enough` (the question's by default) holds, the history ends, or READ_BOUND is reached. */
  read(enough?: Question['enough']): Promise<HistoryRead>;
}

export function deploymentHistory(github: Pick<GitHubApi, 'deploymentPage' | 'deploymentState'>, task: string, environment: string, question: Question): DeploymentHistory {
  const listed: ListedDeployment[] = [];
  const records: DeploymentRecord[] = [];
  let page = 0;
  let more = true;
  /** How many of `listed` were looked at. */
  let next = 0;
  let statuses = 0;
  const answer = (stop: ReadStop): HistoryRead => ({ records: [...records], stop, lookedAt: next, statuses });
  const listMore = async () => {
    const got = await github.deploymentPage(task, environment, ++page);
    let dropped = false;
    for (const d of got.deployments) {
      // Stopping early is right only for a list that is newest first (GitHub's order; ids grow with
      // time): another order would make the newest success found first not the newest, and no read
      // would say so.
      const before = listed.at(-1);
      if (before !== undefined && d.id >= before.id) {
        throw new GitHubApiError(
          `GitHub API GET deployments?task=${task}&environment=${environment}: deployment ${d.id} is listed after ${before.id}; expected newest first (ids falling), which the reads depend on`,
        );
      }
      if (listed.length < READ_BOUND.records) listed.push(d);
      else dropped = true;
    }
    // Records past the bound are history that was not looked at: the read ends at the bound, not at the end.
    more = got.more || dropped;
  };
  return {
    async read(enough = question.enough) {
      for (;;) {
        if (enough(records)) return answer('enough');
        const record = listed[next];
        if (record === undefined && !more) return answer('end');
        // Every record that can change the answer has a status to read: none can be read any more.
        if (statuses >= READ_BOUND.statuses) return answer('bound');
        if (record === undefined) {
          if (listed.length >= READ_BOUND.records) return answer('bound');
          await listMore();
          continue;
        }
        if (!question.wants(record)) {
          next++;
          continue;
        }
        const state = await github.deploymentState(record.id);
        statuses++;
        next++;
        records.push({ ...record, state });
      }
    },
  };
}

/** One read of a task's records in an environment, until the question is answered. */
export function readHistory(github: Pick<GitHubApi, 'deploymentPage' | 'deploymentState'>, task: string, environment: string, question: Question): Promise<HistoryRead> {
  return deploymentHistory(github, task, environment, question).read();
}
