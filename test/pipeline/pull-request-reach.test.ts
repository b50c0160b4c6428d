/**
 * Can a job run for a pull request? Its `if:` read by GitHub's expression engine, where everything the
 * event does not fix (an actor, a label, a branch name, a needed job's result or output) is unknown: a
 * condition that cannot be proven false for some pull request counts as reachable, and one that the
 * event's fixed values make false does not.
 */
import { describe, expect, test } from 'vitest';
import type { AuditJob } from '../../scripts/core/audit/workflow.js';
import { canRunFor } from '../../scripts/plan/pull-request-reach.js';

const REPO = 'owner/repo';
const job = (fields: Record<string, unknown>): AuditJob => ({ id: 'j', line: 1, fields, steps: [] });
const reach = (condition: unknown, event: 'pull_request' | 'pull_request_target' = 'pull_request', needs: unknown = undefined) =>
  canRunFor(REPO)(job({ ...(condition === undefined ? {} : { if: condition }), ...(needs === undefined ? {} : { needs }) }), event);

describe('reachable: a pull request can make the condition true', () => {
  test.each([
    // Values an outsider chooses: their login, their branch name, their PR's title and draft state.
    ["github.actor == 'alice'"],
    ["github.triggering_actor == 'alice'"],
    ["github.head_ref == 'release'"],
    ["startsWith(github.head_ref, 'release/')"],
    ["github.event.pull_request.user.login == 'alice'"],
    ["github.event.pull_request.head.repo.owner.login == 'alice'"],
    ["contains(github.event.pull_request.title, '[deploy]')"],
    ['github.event.pull_request.draft == false'],
    ['!github.event.pull_request.draft'],
    // Labels are added after the pull request is opened: the job runs when one is.
    ["contains(github.event.pull_request.labels.*.name, 'safe to test')"],
    ["github.event.label.name == 'safe to test'"],
    ["github.event.action == 'labeled'"],
    ['github.event.pull_request.merged == true'],
    // The base branch is any branch of the repository.
    ["github.base_ref == 'main'"],
    // A same-repository pull request (the policy: no secret for any pull request).
    ['github.event.pull_request.head.repo.full_name == github.repository'],
    ['!github.event.pull_request.head.repo.fork'],
    // Repository variables are set by maintainers, but their value is unknown here.
    ["vars.ENABLE_DEPLOY == 'true'"],
    ['${{ github.actor == 123 }}'],
  ])('%s', (condition) => {
    expect(reach(condition)).toBe(true);
  });

  test.each([
    // A needed job can fail, be cancelled or skipped; its outputs are any text.
    ["always() && needs.a.result == 'failure'", ['a']],
    ['failure()', ['a']],
    ["!cancelled() && needs.a.result != 'success'", ['a']],
    ["needs.a.outputs.mode == 'deploy'", ['a']],
    ['fromJSON(needs.a.outputs.count) > 3', ['a']],
    ["contains(fromJSON(needs.a.outputs.list), 'x')", 'a'],
  ])('%s (needs %j)', (condition, needs) => {
    expect(reach(condition, 'pull_request', needs)).toBe(true);
  });

  test('pull_request_target runs on the base branch, which can be main', () => {
    expect(reach("github.ref == 'refs/heads/main'", 'pull_request_target')).toBe(true);
    expect(reach("startsWith(github.ref, 'refs/heads/')", 'pull_request_target')).toBe(true);
  });

  test.each([[undefined], ['success()'], ['always()'], ['cancelled()'], [true], ['true'], ['${{ true }}'], ['${{ false }} || true'], ['not an expression ((']])(
    'if: %j',
    (condition) => {
      expect(reach(condition)).toBe(true);
    },
  );
});

describe('unreachable: the event makes the condition false for every pull request', () => {
  test.each([
    ["github.event_name == 'push'"],
    ["github.event_name == 'push' && github.actor == 'alice'"],
    ["github.actor == 'alice' && github.event_name != 'pull_request'"],
    ["github.ref == 'refs/heads/main'"],
    ["startsWith(github.ref, 'refs/tags/')"],
    ["github.ref == 'refs/heads/main' && github.repository == 'owner/repo'"],
    ["github.repository != 'owner/repo'"],
    ["github.repository == 'someone/else'"],
    // The same repository name in another case is still it (GitHub compares text case-blind).
    ["github.repository != 'Owner/Repo'"],
    ["github.repository_owner != 'owner'"],
    ["needs.a.outputs.any == 'true' && github.event_name == 'push'"],
    ["!cancelled() && github.event_name == 'push' && (needs.a.result == 'success' || needs.a.result == 'failure')"],
    ["always() && needs.a.result == 'neutral'"],
    ["github.event_name == 'workflow_dispatch' || github.event_name == 'push'"],
    ['false'],
    [false],
    ['${{ false }}'],
    ['!always()'],
  ])('%s', (condition) => {
    expect(reach(condition, 'pull_request', ['a'])).toBe(false);
  });

  test("pull_request's ref is its merge ref, never a branch", () => {
    expect(reach("github.ref == 'refs/heads/main'", 'pull_request')).toBe(false);
    expect(reach("github.event_name == 'pull_request_target'", 'pull_request')).toBe(false);
    expect(reach("github.event_name == 'pull_request'", 'pull_request_target')).toBe(false);
  });

  test('a fork is never the repository itself, and a same-repository head is never a fork', () => {
    expect(reach('github.event.pull_request.head.repo.fork && github.event.pull_request.head.repo.full_name == github.repository')).toBe(false);
    expect(reach("github.event.pull_request.head.repo.fork && github.event.pull_request.head.repo.full_name == 'OWNER/repo'")).toBe(false);
  });
});

describe('an if: that is text around an expression is text to GitHub, true unless empty', () => {
  test.each([["${{ github.event_name == 'push' }}\n"], [' ${{ false }}'], ['${{ false }} && ${{ false }}']])('%j', (condition) => {
    expect(reach(condition)).toBe(true);
  });
});
