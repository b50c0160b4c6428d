import { describe, expect, test } from 'vitest';
import { type AppOptions, dispatch, HttpError, matchPath } from '../src/http.js';
import { createLogger } from '../src/logger.js';

describe('matchPath', () => {
  test.each([
    ['/a/:id', '/a/42', { id: '42' }],
    ['/a/:id', '/a/x%20y', { id: 'x y' }],
    ['/a/:id', '/a', undefined],
    ['/a/:id', '/a/1/2', undefined],
    ['/a/b', '/a/c', undefined],
    ['/api/:service/*', '/api/s/x/y', { service: 's', '*': 'x/y' }],
    ['/api/:service/*', '/api/s', { service: 's', '*': '' }],
    ['/', '/', {}],
  ])('%s against %s', (pattern, path, want) => {
    expect(matchPath(pattern, path)).toEqual(want);
  });
});

describe('dispatch', () => {
  let ready = true;
  const options: AppOptions = {
    service: 'demo',
    logger: createLogger('demo', { write: () => {} }),
    isReady: () => ready,
    identity: { audience: 'demo', secret: 'dispatch-test-secret-0123456789' },
    routes: [
      { method: 'GET', path: '/items/:id', access: 'public', handler: (req) => ({ status: 200, body: { id: req.params['id'], q: req.query.get('q') } }) },
      { method: 'POST', path: '/items', access: 'public', handler: (req) => ({ status: 201, body: req.body }) },
      {
        method: 'GET',
        path: '/fail',
        access: 'public',
        handler: () => {
          throw new HttpError(418, 'teapot', { why: 'test' });
        },
      },
      {
        method: 'GET',
        path: '/bug',
        access: 'public',
        handler: () => {
          throw new Error('secret internals');
        },
      },
    ],
  };
  const call = (method: string, url: string, body?: unknown) => dispatch(options, method, url, {}, async () => body);

  test('health and readiness', async () => {
    ready = true;
    expect(await call('GET', '/health')).toEqual({ status: 200, body: { status: 'ok', service: 'demo' } });
    expect((await call('GET', '/ready')).status).toBe(200);
    ready = false;
    expect(await call('GET', '/ready')).toEqual({ status: 503, body: { status: 'not-ready' } });
    expect((await call('GET', '/health')).status).toBe(200);
  });

  test.each([
    ['GET', '/items/7?q=z', undefined, 200, { id: '7', q: 'z' }],
    ['POST', '/items', { a: 1 }, 201, { a: 1 }],
    ['DELETE', '/items/7', undefined, 405, { error: 'method DELETE not allowed on /items/7' }],
    ['GET', '/nope', undefined, 404, { error: 'no route for GET /nope' }],
    ['GET', '/fail', undefined, 418, { error: 'teapot', details: { why: 'test' } }],
    ['GET', '/bug', undefined, 500, { error: 'internal error' }],
    ['TRACE', '/items', undefined, 405, { error: 'method TRACE not allowed' }],
    // A malformed request target is the client's error (it was a 500 "internal error").
    ['GET', '/items/%E0%A4', undefined, 400, { error: 'malformed percent-encoding in the path: "%E0%A4"' }],
    ['GET', 'http://a%zz/health', undefined, 400, { error: 'malformed request target: "http://a%zz/health"' }],
  ])('%s %s -> %i', async (method, url, body, status, want) => {
    expect(await call(method, url, body)).toEqual({ status, body: want });
  });
});
