/**
 * Can a job run for a pull request? Its `if:` read by GitHub's expression engine, where everything the
 * event does not fix (an actor, a label, a branch name, a needed job's result or output) is unknown: a
 * condition that cannot be proven false for some pull request counts as reachable, and one that the
 * event's fixed values make false does not.
 */
import { describe, expect, test } from 'vitest';
import type { AuditJob } from '../../scripts/core/audit/workflow.js';
import { data } from '@actions/expressions';
import { canRunFor, conditionTruth, pullRequestContexts, type StatusValues } from '../../scripts/plan/pull-request-reach.js';

const REPO = 'owner/repo';
type Event = 'pull_request' | 'pull_request_target';
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

describe('more edges of what a pull request fixes and what it leaves open', () => {
  test.each<[string, Event, unknown, boolean]>([
    // Only a fork's pull request makes it true: both kinds are asked.
    ['github.event.pull_request.head.repo.fork', 'pull_request', undefined, true],
    ['github.event.pull_request.head.repo.fork == true', 'pull_request', undefined, true],
    // needs: as one name, or as a list whose second name is tested.
    ["needs.a.result == 'success'", 'pull_request', 'a', true],
    ["needs.b.result == 'success'", 'pull_request', ['a', 'b'], true],
    ["startsWith(needs.a.outputs.x, 'a')", 'pull_request', ['a'], true],
    // Without needs, nothing before the job failed: failure() is false. A needs: that names no job is none.
    ['failure()', 'pull_request', undefined, false],
    ['failure()', 'pull_request', [5], false],
    ['failure()', 'pull_request', 5, false],
    ["!success() && github.actor == 'alice'", 'pull_request', undefined, false],
    // pull_request_target runs on a branch, never on a tag.
    ["github.ref == 'refs/tags/v1'", 'pull_request_target', undefined, false],
    ["startsWith(github.ref, 'refs/tags/')", 'pull_request_target', undefined, false],
  ])('%s on %s (needs %j): %s', (condition, event, needs, expected) => {
    expect(reach(condition, event, needs)).toBe(expected);
  });
});

describe('conditionTruth: true, false, or unknown (what an outsider or a needed job chooses)', () => {
  const STATUS: StatusValues = {
    success: { kind: 'known', data: new data.BooleanData(true) },
    failure: { kind: 'known', data: new data.BooleanData(false) },
    cancelled: { kind: 'unknown', truth: 'unknown' },
  };
  const truth = (condition: string, event: Event = 'pull_request', fork = false) => conditionTruth(condition, pullRequestContexts(REPO, event, fork, ['a']), STATUS);
  test.each([
    // Known values, as GitHub's engine evaluates them.
    ['true', 'true'],
    ['false', 'false'],
    ["contains('abc', 'b')", 'true'],
    ["fromJSON('{\"a\": 1}')['a']", 'true'],
    ["fromJSON('{\"a\": 1}')['A']", 'true'],
    ["(github.event_name == 'push')", 'false'],
    ["github.event_name == 'pull_request'", 'true'],
    // An object is true; a field nobody fixed is unknown, a text with a known prefix true (it is never empty).
    ['github.event', 'true'],
    ["github.actor == 'alice'", 'unknown'],
    ['needs.a.outputs.mode', 'unknown'],
    ['github.ref', 'true'],
    ['needs.a.result', 'true'],
    // The engine stops on an error (a JSON that does not parse): unknown, as GitHub fails the job there.
    ["fromJSON('{')", 'unknown'],
    ['not an expression ((', 'unknown'],
    // A known value on either side of == and !=.
    ["'refs/heads/main' == github.ref", 'false'],
    ["'refs/pull/7/merge' == github.ref", 'unknown'],
    ["github.ref != 'refs/heads/main'", 'true'],
    ["github.ref == 'refs/heads/main'", 'false'],
    ["github.ref == 'REFS/PULL/7/MERGE'", 'unknown'],
    // Only == and != are read against a known text; an order comparison is unknown.
    ["github.ref < 'a'", 'unknown'],
    ["github.ref > 'refs/heads/'", 'unknown'],
    // A needed job's result: one of four, in any case.
    ["needs.a.result == 'success'", 'unknown'],
    ["needs.a.result == 'Failure'", 'unknown'],
    ["needs.a.result == 'cancelled'", 'unknown'],
    ["needs.a.result == 'skipped'", 'unknown'],
    ["needs.a.result != 'neutral'", 'true'],
    // && and ||: a value that stops the chain decides it; an unknown before it leaves it unknown.
    ["github.event_name == 'push' || github.actor == 'alice'", 'unknown'],
    ["github.event_name == 'pull_request' || github.actor == 'alice'", 'true'],
    ["github.actor == 'alice' || github.event_name == 'pull_request'", 'true'],
    ["github.actor == 'alice' && github.event_name == 'pull_request'", 'unknown'],
    ["github.actor == 'alice' && github.event_name == 'push'", 'false'],
    ["github.event_name == 'pull_request' && github.ref", 'true'],
    // startsWith over what is known of a text: its prefix, or the values it can take.
    ["startsWith(github.ref, 'refs/')", 'true'],
    ["startsWith(github.ref, 'REFS/PULL/')", 'true'],
    ["startsWith(github.ref, 'refs/pull/7/')", 'unknown'],
    ["startsWith(github.ref, 'refs/tags/')", 'false'],
    ["startsWith(needs.a.result, 'x')", 'false'],
    ["startsWith(needs.a.result, '')", 'true'],
    ["startsWith(needs.a.result, 'S')", 'unknown'],
    ["startsWith(needs.a.result, 'f')", 'unknown'],
    ["startsWith(needs.a.outputs.x, 'a')", 'unknown'],
    ["startsWith(github.actor, 'a')", 'unknown'],
    ['startsWith(github.ref, github.actor)', 'unknown'],
    // Another function over a partly known text is unknown.
    ["contains(github.ref, 'refs/heads/')", 'unknown'],
    ["endsWith(github.ref, 'x')", 'unknown'],
    // Indexes: a known one into an object or a known value; an unknown one is unknown.
    ["github['event_name'] == 'pull_request'", 'true'],
    ['fromJSON(\'{"a": 0}\')[github.actor]', 'unknown'],
    ['github[github.actor]', 'unknown'],
    ['github.event.pull_request.labels.*.name', 'unknown'],
    ["contains(fromJSON('[\"x\"]').*, 'x')", 'true'],
    // The status functions as given (here: nothing before failed).
    ['success()', 'true'],
    ['failure()', 'false'],
    ['cancelled()', 'unknown'],
    ['always()', 'true'],
    ['!success()', 'false'],
    ['!cancelled()', 'unknown'],
    // The repository and its owner, the base repository: fixed.
    ["github.event.repository.full_name != 'owner/repo'", 'false'],
    ['github.event.pull_request.base.repo.full_name != github.repository', 'false'],
    ["github.repository_owner == 'owner'", 'true'],
  ])('%s is %s', (condition, expected) => {
    expect(truth(condition)).toBe(expected);
  });

  test.each([
    ['success()', 'unknown'],
    ['failure()', 'true'],
    ['cancelled()', 'false'],
    ['!cancelled()', 'true'],
    ['always()', 'true'],
  ])('with success() unknown, failure() true and cancelled() false, %s is %s', (condition, expected) => {
    const status: StatusValues = {
      success: { kind: 'unknown', truth: 'unknown' },
      failure: { kind: 'known', data: new data.BooleanData(true) },
      cancelled: { kind: 'known', data: new data.BooleanData(false) },
    };
    expect(conditionTruth(condition, pullRequestContexts(REPO, 'pull_request', false, []), status)).toBe(expected);
  });

  test.each<[string, Event, boolean, string]>([
    ["startsWith(github.ref, 'refs/heads/')", 'pull_request_target', false, 'true'],
    ["github.ref == 'refs/tags/v1'", 'pull_request_target', false, 'false'],
    ['github.ref', 'pull_request_target', false, 'true'],
    // A fork's name is anything but the repository's.
    ['github.event.pull_request.head.repo.full_name', 'pull_request', true, 'true'],
    ["github.event.pull_request.head.repo.full_name == 'OWNER/REPO'", 'pull_request', true, 'false'],
    ["github.event.pull_request.head.repo.full_name == 'someone/repo'", 'pull_request', true, 'unknown'],
    ['github.event.pull_request.head.repo.fork', 'pull_request', true, 'true'],
    ['github.event.pull_request.head.repo.fork', 'pull_request', false, 'false'],
  ])('%s on %s (fork: %s) is %s', (condition, event, fork, expected) => {
    expect(truth(condition, event, fork)).toBe(expected);
  });
});
