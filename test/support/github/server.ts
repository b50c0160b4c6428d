/**
 * The GitHub stand-in: a local HTTP server (127.0.0.1, a random port) that stands in for GitHub's REST
 * API, which cannot be reached from here. Clients reach it through Octokit with `baseUrl` (on a runner:
 * `GITHUB_API_URL`) set to `url`.
 *
 * Every request is matched to an operation of GitHub's OpenAPI description and checked against it
 * (openapi.ts); a request GitHub would reject is answered 422 (404 for an unknown route, 400 for
 * malformed JSON) as GitHub would, AND recorded as a violation, so that `assertNoViolations()` in an
 * `afterEach` fails the test. Every response the stand-in sends is checked against the operation's
 * response schema for its status, and recorded the same way when it does not conform.
 *
 * `fail()` makes it misbehave for the next N requests, or the next N of one operation: answer 500,
 * an HTML page with 200 or 502, or never answer (`close()` ends such connections).
 *
 *   // This server stands in for GitHub (say so in every test file that uses it).
 *   let github: GitHubStandIn;
 *   beforeEach(async () => { github = await startGitHubStandIn({ owner, repo, commits }); });
 *   afterEach(async () => { try { github.assertNoViolations(); } finally { await github.close(); } });
 *   // the code under test gets GITHUB_API_URL=github.url; a test reads github.state afterwards
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { text } from 'node:stream/consumers';
import { type Match, OpenApiDescription } from './openapi.js';
import { ROUTES } from './routes.js';
import { ApiError, GitHubState, type Seed } from './state.js';

export type FailureMode = 'status-500' | 'html-200' | 'html-502' | 'hang';

export interface Failure {
  readonly mode: FailureMode;
  /** Only requests to this operation (GitHub's operationId, e.g. `repos/create-release`); default any. */
  readonly operation?: string;
  /** How many requests fail; default 1. */
  readonly times?: number;
}

export interface Violation {
  readonly method: string;
  readonly path: string;
  readonly operation: string | undefined;
  readonly problems: readonly string[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly operation: string | undefined;
  readonly query: string;
  readonly body: unknown;
}

export interface GitHubStandIn {
  /** The API base URL, e.g. `http://127.0.0.1:41234`: Octokit's `baseUrl`, a runner's `GITHUB_API_URL`. */
  readonly url: string;
  readonly state: GitHubState;
  violations(): readonly Violation[];
  /** The violations so far, forgotten: for a test that provokes them on purpose. */
  takeViolations(): readonly Violation[];
  /** Throws, listing every violation, when a request or response broke GitHub's description. */
  assertNoViolations(): void;
  requests(): readonly RecordedRequest[];
  fail(failure: Failure): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const HTML = '<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head><body><h1>No server is currently available to service your request.</h1></body></html>\n';

export async function startGitHubStandIn(seed: Seed = {}): Promise<GitHubStandIn> {
  const api = OpenApiDescription.load();
  const violations: Violation[] = [];
  const requests: RecordedRequest[] = [];
  const failures: { mode: FailureMode; operation: string | undefined; left: number }[] = [];
  const sockets = new Set<Socket>();
  let state: GitHubState | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { message: `stand-in bug: ${err instanceof Error ? err.message : String(err)}` });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = await text(req);
    const match = api.match(method, url.pathname);
    const operation = match?.operation.id;
    const violate = (problems: readonly string[]) => {
      if (problems.length > 0) violations.push({ method, path: url.pathname, operation, problems });
    };
    const body = parseBody(raw);
    requests.push({ method, path: url.pathname, operation, query: url.search, body: body.ok ? body.value : raw });

    const failure = failures.find((f) => f.left > 0 && (f.operation === undefined || f.operation === operation));
    if (failure) {
      failure.left--;
      if (failure.mode === 'hang') return; // never answered; close() ends the connection
      if (failure.mode === 'status-500') return send(res, 500, { message: 'Server Error' });
      res.writeHead(failure.mode === 'html-200' ? 200 : 502, { 'content-type': 'text/html; charset=utf-8' }).end(HTML);
      return;
    }

    if (!body.ok) {
      violate([`the body is not JSON: ${body.error}`]);
      return send(res, 400, { message: 'Problems parsing JSON', documentation_url: DOCS });
    }
    if (match === undefined) {
      violate([`GitHub has no operation ${method} ${url.pathname}`]);
      return send(res, 404, { message: 'Not Found', documentation_url: DOCS });
    }
    const problems = api.checkRequest(match, url.searchParams, body.value);
    if (problems.length > 0) {
      violate(problems);
      return send(res, 422, { message: 'Invalid request.', documentation_url: DOCS, errors: problems.map((p) => ({ code: 'invalid', message: p })) });
    }
    const answer = answerFor(match, url, body.value);
    violate(api.checkResponse(match.operation, answer.status, answer.body).map((p) => `the stand-in's own answer: ${p}`));
    send(res, answer.status, answer.body, answer.headers);
  }

  function answerFor(match: Match, url: URL, body: unknown): { status: number; body?: unknown; headers?: Readonly<Record<string, string>> } {
    const route = ROUTES.get(match.operation.id);
    if (route === undefined || state === undefined) {
      const problems = [`the stand-in does not serve ${match.operation.id} (add it to test/support/github/routes.ts)`];
      violations.push({ method: match.operation.method, path: url.pathname, operation: match.operation.id, problems });
      return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
    }
    try {
      state.checkRepository(match.params.get('owner'), match.params.get('repo'));
      return route({ params: match.params, query: url.searchParams, body, state, url: `${base}${url.pathname}` });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const errors = err.errors.length > 0 ? { errors: err.errors } : {};
      return { status: err.status, body: { message: err.message, documentation_url: DOCS, ...errors } };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('the GitHub stand-in has no TCP address');
  const base = `http://127.0.0.1:${address.port}`;
  state = new GitHubState(base, seed);
  const ready = state;

  return {
    url: base,
    state: ready,
    violations: () => [...violations],
    takeViolations: () => violations.splice(0),
    assertNoViolations: () => {
      if (violations.length === 0) return;
      const lines = violations.map((v) => `${v.method} ${v.path} (${v.operation ?? 'no operation'}): ${v.problems.join('; ')}`);
      throw new Error(`the GitHub stand-in saw ${violations.length} request(s) or response(s) GitHub's OpenAPI description does not allow:\n${lines.join('\n')}`);
    },
    requests: () => [...requests],
    fail: (failure) => failures.push({ mode: failure.mode, operation: failure.operation, left: failure.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function parseBody(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (raw === '') return { ok: true, value: undefined };
  try {
    const value: unknown = JSON.parse(raw);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
