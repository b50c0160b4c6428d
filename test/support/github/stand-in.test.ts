// This server stands in for GitHub: GitHub's REST API cannot be reached from here, so these tests talk to a
// local HTTP server that checks every request and response against GitHub's OpenAPI description
// (@octokit/openapi) and keeps refs, releases and deployments in memory. The client is the real one:
// Octokit from @actions/github's lib/utils (never the module root). Note: lib/utils too builds a `context` when it
// loads (it reads GITHUB_EVENT_PATH when set) and reads GITHUB_API_URL once, at load time, for its defaults; a
// client therefore passes `baseUrl` explicitly, as here.
import { GitHub, getOctokitOptions } from '@actions/github/lib/utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from './server.js';

const COMMITS = ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40)];
const HEAD = COMMITS[2] ?? '';
const repo = { owner: 'kodingcaravan', repo: 'platform' };

let github: GitHubStandIn;
let octokit: InstanceType<typeof GitHub>;

function client(): InstanceType<typeof GitHub> {
  return new GitHub(getOctokitOptions('test-token', { baseUrl: github.url }));
}

/**
 * A bound on one request. @octokit/request 10 ignores `request.timeout` (it only passes `signal` on
 * to fetch), so a bounded call needs its own AbortSignal, one per request.
 */
const within = (ms: number) => ({ request: { signal: AbortSignal.timeout(ms) } });

/** The status of a request Octokit throws for; the test fails when it does not throw. */
async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
  } catch (err) {
    if (err instanceof Error && 'status' in err && typeof err.status === 'number') return err.status;
    throw err;
  }
  throw new Error('the request succeeded');
}

beforeEach(async () => {
  github = await startGitHubStandIn({ ...repo, defaultBranch: 'main', commits: COMMITS });
  octokit = client();
});

afterEach(async () => {
  try {
    github.assertNoViolations();
  } finally {
    await github.close();
  }
});

describe('git refs', () => {
  it('creates a tag ref, reads it back and lists it by prefix', async () => {
    const created = await octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/api-gateway@1.4.0', sha: HEAD });
    expect(created.status).toBe(201);
    expect(created.data.object.sha).toBe(HEAD);

    const read = await octokit.rest.git.getRef({ ...repo, ref: 'tags/api-gateway@1.4.0' });
    expect(read.data).toMatchObject({ ref: 'refs/tags/api-gateway@1.4.0', object: { type: 'commit', sha: HEAD } });

    await octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/api-gateway@1.5.0-rc.1', sha: COMMITS[1] ?? '' });
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/chat-service@1.0.0', sha: HEAD });
    const listed = await octokit.rest.git.listMatchingRefs({ ...repo, ref: 'tags/api-gateway@' });
    expect(listed.data.map((r) => r.ref)).toEqual(['refs/tags/api-gateway@1.4.0', 'refs/tags/api-gateway@1.5.0-rc.1']);
  });

  it('refuses a ref that exists, a commit it does not know, and answers 404 for a missing ref', async () => {
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/x@1.0.0', sha: HEAD });
    expect(await statusOf(octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/x@1.0.0', sha: HEAD }))).toBe(422);
    expect(await statusOf(octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/y@1.0.0', sha: 'a'.repeat(40) }))).toBe(422);
    expect(await statusOf(octokit.rest.git.getRef({ ...repo, ref: 'tags/nothing@1.0.0' }))).toBe(404);
    expect(github.state.refs.get('refs/tags/y@1.0.0')).toBeUndefined();
  });

  it('answers 404 for another repository', async () => {
    expect(await statusOf(octokit.rest.git.getRef({ owner: 'someone', repo: 'else', ref: 'heads/main' }))).toBe(404);
  });
});

describe('releases', () => {
  it('creates a draft (not found by tag, no tag yet), publishes it (tag created), then gets it by tag', async () => {
    const draft = await octokit.rest.repos.createRelease({ ...repo, tag_name: 'api-gateway@1.4.0', target_commitish: HEAD, name: 'api-gateway 1.4.0', body: 'notes', draft: true });
    expect(draft.status).toBe(201);
    expect(draft.data).toMatchObject({ draft: true, published_at: null, tag_name: 'api-gateway@1.4.0' });
    expect(await statusOf(octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'api-gateway@1.4.0' }))).toBe(404);
    expect(github.state.refs.has('refs/tags/api-gateway@1.4.0')).toBe(false);

    const published = await octokit.rest.repos.updateRelease({ ...repo, release_id: draft.data.id, draft: false, make_latest: 'false' });
    expect(published.data.draft).toBe(false);
    expect(published.data.published_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(github.state.refs.get('refs/tags/api-gateway@1.4.0')).toBe(HEAD);

    const byTag = await octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'api-gateway@1.4.0' });
    expect(byTag.data).toMatchObject({
      id: draft.data.id,
      name: 'api-gateway 1.4.0',
      body: 'notes',
      html_url: `${github.url}/kodingcaravan/platform/releases/tag/api-gateway%401.4.0`,
    });
    // make_latest "false": no release is the repository's Latest.
    expect(await statusOf(octokit.rest.repos.getLatestRelease(repo))).toBe(404);
  });

  it('lists releases newest first, drafts included, paginated with a Link header', async () => {
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) await octokit.rest.repos.createRelease({ ...repo, tag_name: `api-gateway@${v}`, draft: true });
    const first = await octokit.rest.repos.listReleases({ ...repo, per_page: 2 });
    expect(first.data.map((r) => r.tag_name)).toEqual(['api-gateway@1.2.0', 'api-gateway@1.1.0']);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.repos.listReleases, { ...repo, per_page: 2 });
    expect(all.map((r) => r.tag_name)).toEqual(['api-gateway@1.2.0', 'api-gateway@1.1.0', 'api-gateway@1.0.0']);
  });

  it('refuses a second release for the same tag', async () => {
    await octokit.rest.repos.createRelease({ ...repo, tag_name: 'api-gateway@1.0.0', draft: true });
    expect(await statusOf(octokit.rest.repos.createRelease({ ...repo, tag_name: 'api-gateway@1.0.0', draft: true }))).toBe(422);
  });

  it('with immutable releases, a published release cannot be edited', async () => {
    await github.close();
    github = await startGitHubStandIn({ ...repo, commits: COMMITS, immutableReleases: true });
    octokit = client();
    const created = await octokit.rest.repos.createRelease({ ...repo, tag_name: 'api-gateway@1.0.0', make_latest: 'true' });
    expect(created.data.immutable).toBe(true);
    expect(await statusOf(octokit.rest.repos.updateRelease({ ...repo, release_id: created.data.id, body: 'changed' }))).toBe(422);
    expect((await octokit.rest.repos.getLatestRelease(repo)).data.id).toBe(created.data.id);
  });
});

describe('deployments', () => {
  const deploy = (environment: string, service: string, ref = HEAD) =>
    octokit.rest.repos.createDeployment({
      ...repo,
      ref,
      task: `deploy:${service}`,
      environment,
      auto_merge: false,
      required_contexts: [],
      payload: { service, version: '1.4.0', digest: `sha256:${'d'.repeat(64)}` },
    });

  it('creates deployments with statuses and lists them by task and environment', async () => {
    const gateway = await deploy('staging', 'api-gateway');
    expect(gateway.status).toBe(201);
    if (gateway.status !== 201) return;
    expect(gateway.data).toMatchObject({ sha: HEAD, task: 'deploy:api-gateway', environment: 'staging', production_environment: false, creator: { login: 'github-actions[bot]' } });
    expect(gateway.data.payload).toEqual({ service: 'api-gateway', version: '1.4.0', digest: `sha256:${'d'.repeat(64)}` });
    await deploy('staging', 'chat-service');
    await deploy('production', 'api-gateway');

    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: gateway.data.id, state: 'in_progress', log_url: 'https://ci.example/run/1' });
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: gateway.data.id,
      state: 'success',
      log_url: 'https://ci.example/run/1',
      environment_url: 'https://staging.example',
    });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: gateway.data.id });
    expect(statuses.data.map((s) => [s.state, s.environment_url])).toEqual([
      ['success', 'https://staging.example'],
      ['in_progress', ''],
    ]);

    const listed = await octokit.rest.repos.listDeployments({ ...repo, task: 'deploy:api-gateway', environment: 'staging' });
    expect(listed.data.map((d) => d.id)).toEqual([gateway.data.id]);
    expect((await octokit.rest.repos.listDeployments({ ...repo, task: 'deploy:api-gateway' })).data).toHaveLength(2);
    expect((await octokit.rest.repos.listDeployments({ ...repo, sha: COMMITS[0] ?? '' })).data).toEqual([]);
  });

  it('marks the previous success of the environment inactive when a new one succeeds', async () => {
    const first = await deploy('staging', 'api-gateway');
    const second = await deploy('staging', 'api-gateway');
    if (first.status !== 201 || second.status !== 201) throw new Error('not created');
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: first.data.id, state: 'success' });
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: second.data.id, state: 'success' });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: first.data.id });
    expect(statuses.data.map((s) => s.state)).toEqual(['inactive', 'success']);
  });

  it('with auto_merge left on for a branch other than the default, answers 202 and deploys nothing (the trap)', async () => {
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: COMMITS[0] ?? '' });
    const answer = await octokit.rest.repos.createDeployment({ ...repo, ref: 'topic', required_contexts: [] });
    expect(answer.status).toBe(202);
    expect(github.state.deployments.size).toBe(0);
  });

  it('refuses a ref that does not exist', async () => {
    expect(await statusOf(octokit.rest.repos.createDeployment({ ...repo, ref: 'no-such-branch', auto_merge: false }))).toBe(422);
  });
});

describe('workflow dispatches', () => {
  it('records the dispatch with its inputs', async () => {
    const answer = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'deploy.yml',
      ref: 'main',
      inputs: { service: 'api-gateway', environment: 'staging' },
    });
    expect(answer.status).toBe(204);
    expect(github.state.dispatches).toEqual([{ workflowId: 'deploy.yml', ref: 'main', inputs: { service: 'api-gateway', environment: 'staging' } }]);
  });
});

describe('requests GitHub would reject are violations', () => {
  /** Octokit's types refuse these at compile time; values from outside reach it untyped, as here. */
  const send = (o: InstanceType<typeof GitHub>, route: string, params: Record<string, unknown>) => o.request(route, params);
  it.each<[string, (o: InstanceType<typeof GitHub>) => Promise<unknown>, number, RegExp]>([
    [
      'make_latest as a boolean',
      (o) => send(o, 'POST /repos/{owner}/{repo}/releases', { ...repo, tag_name: 'api-gateway@1.0.0', make_latest: false }),
      422,
      /body\/make_latest: must be string/,
    ],
    [
      'make_latest outside its enum',
      (o) => send(o, 'POST /repos/{owner}/{repo}/releases', { ...repo, tag_name: 'a@1.0.0', make_latest: 'no' }),
      422,
      /must be equal to one of the allowed values/,
    ],
    ['a missing required field', (o) => send(o, 'POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'refs/tags/a@1.0.0' }), 422, /must have required property 'sha'/],
    ['a wrong type', (o) => send(o, 'POST /repos/{owner}/{repo}/deployments', { ...repo, ref: 'main', auto_merge: 'false' }), 422, /body\/auto_merge: must be boolean/],
    ['a status state outside the enum', (o) => send(o, 'POST /repos/{owner}/{repo}/deployments/{id}/statuses', { ...repo, id: 1, state: 'done' }), 422, /body\/state/],
    ['an unknown body field', (o) => send(o, 'POST /repos/{owner}/{repo}/releases', { ...repo, tag_name: 'a@1.0.0', make_lastest: 'false' }), 422, /unknown field "make_lastest"/],
    ['a non-integer path parameter', (o) => send(o, 'GET /repos/{owner}/{repo}/releases/{id}', { ...repo, id: 'abc' }), 422, /path parameter\/release_id: must be integer/],
    ['an unknown query parameter', (o) => send(o, 'GET /repos/{owner}/{repo}/deployments', { ...repo, service: 'x' }), 422, /unknown field "service"/],
    ['per_page as a word', (o) => send(o, 'GET /repos/{owner}/{repo}/releases', { ...repo, per_page: 'many' }), 422, /query parameter\/per_page: must be integer/],
    ['an unknown route', (o) => send(o, 'GET /repos/{owner}/{repo}/releasez', repo), 404, /GitHub has no operation GET \/repos\/kodingcaravan\/platform\/releasez/],
    ['a route the stand-in does not serve', (o) => send(o, 'GET /repos/{owner}/{repo}/issues', repo), 404, /does not serve issues\/list-for-repo/],
  ])('%s', async (_name, call, status, problem) => {
    expect(await statusOf(call(octokit))).toBe(status);
    const violations = github.takeViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]?.problems.join('\n')).toMatch(problem);
  });

  it('assertNoViolations fails the test and names the request', async () => {
    await statusOf(send(octokit, 'POST /repos/{owner}/{repo}/releases', { ...repo, tag_name: 'a@1.0.0', make_latest: false }));
    expect(() => github.assertNoViolations()).toThrow(/POST \/repos\/kodingcaravan\/platform\/releases \(repos\/create-release\): body\/make_latest: must be string/);
    github.takeViolations();
  });

  it('malformed JSON is answered 400 and recorded', async () => {
    const res = await fetch(`${github.url}/repos/kodingcaravan/platform/releases`, { method: 'POST', body: '{"tag_name":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(github.takeViolations()[0]?.problems[0]).toMatch(/the body is not JSON/);
  });
});

describe('failure injection', () => {
  it('answers 500 for the next request, then serves again', async () => {
    github.fail({ mode: 'status-500' });
    expect(await statusOf(octokit.rest.git.getRef({ ...repo, ref: 'heads/main' }))).toBe(500);
    expect((await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha).toBe(HEAD);
  });

  it('answers an HTML page with 502, and with 200, for one operation only', async () => {
    github.fail({ mode: 'html-502', operation: 'repos/create-release' });
    github.fail({ mode: 'html-200', operation: 'git/get-ref' });
    expect((await octokit.rest.git.listMatchingRefs({ ...repo, ref: 'heads/' })).status).toBe(200);
    expect(await statusOf(octokit.rest.repos.createRelease({ ...repo, tag_name: 'a@1.0.0' }))).toBe(502);
    const html = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
    // Octokit hands an HTML 200 through as a string: a client must check the shape of what it got.
    expect(typeof html.data).toBe('string');
    expect(String(html.data)).toContain('<!DOCTYPE html>');
  });

  it('hangs until the client times out, twice, then answers', async () => {
    github.fail({ mode: 'hang', times: 2 });
    const started = Date.now();
    await expect(octokit.rest.git.getRef({ ...repo, ref: 'heads/main', ...within(200) })).rejects.toThrow(/aborted|timeout/i);
    await expect(octokit.rest.git.getRef({ ...repo, ref: 'heads/main', ...within(200) })).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await octokit.rest.git.getRef({ ...repo, ref: 'heads/main', ...within(2_000) })).status).toBe(200);
  });

  it('close() ends a hung connection', async () => {
    github.fail({ mode: 'hang' });
    const pending = fetch(`${github.url}/repos/kodingcaravan/platform/git/ref/heads/main`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await github.close();
    await expect(pending).rejects.toThrow();
    github = await startGitHubStandIn(repo);
  });
});

describe('hostile input', () => {
  it('a __proto__ query parameter is an unknown parameter, not a prototype', async () => {
    const res = await fetch(`${github.url}/repos/kodingcaravan/platform/deployments?__proto__=x&task=deploy`);
    expect(res.status).toBe(422);
    expect(github.takeViolations()[0]?.problems).toEqual(['query parameter: unknown field "__proto__" (GitHub ignores it; the stand-in refuses it as a likely mistake)']);
  });

  it('a tag with characters a URL must escape round-trips through the path', async () => {
    await octokit.rest.repos.createRelease({ ...repo, tag_name: 'api-gateway@1.0.0-rc.1', target_commitish: HEAD, make_latest: 'false' });
    expect((await octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'api-gateway@1.0.0-rc.1' })).data.tag_name).toBe('api-gateway@1.0.0-rc.1');
    expect(github.requests().at(-1)?.path).toBe('/repos/kodingcaravan/platform/releases/tags/api-gateway%401.0.0-rc.1');
  });
});
