/**
 * Registry authentication over plain values (scripts/core/images/registry-auth.ts): the 401 challenge
 * (RFC 6750 / the distribution spec's token auth), the Docker config file's credentials (what
 * `docker login` and docker/login-action write), a token endpoint's answer, a credential helper's answer.
 */
import { describe, expect, test } from 'vitest';
import { type Challenge, type Credentials, credentialsFor, helperCredentials, parseChallenge, tokenOf } from '../../scripts/core/images/registry-auth.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('parseChallenge', () => {
  test.each<[string | null, Challenge | undefined]>([
    [null, undefined],
    ['', undefined],
    ['Basic realm="Registry"', { scheme: 'basic' }],
    ['basic', { scheme: 'basic' }],
    ['  BASIC realm="x"', { scheme: 'basic' }],
    [
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:acme/app:pull,push"',
      { scheme: 'bearer', realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:acme/app:pull,push' },
    ],
    // Scheme and parameter names in any case, spaces around "=", unquoted tokens.
    ['bearer Realm = "http://127.0.0.1:5000/token" , SERVICE=reg', { scheme: 'bearer', realm: 'http://127.0.0.1:5000/token', service: 'reg' }],
    ['Bearer realm=https://ghcr.io/token,scope="repository:a/b:pull"', { scheme: 'bearer', realm: 'https://ghcr.io/token', scope: 'repository:a/b:pull' }],
    // A quoted-string may hold escaped quotes and backslashes.
    ['Bearer realm="https://x/t",scope="a\\"b\\\\c"', { scheme: 'bearer', realm: 'https://x/t', scope: 'a"b\\c' }],
    ['Bearer realm=""', undefined],
    ['Bearer service="reg"', undefined],
    ['Bearer realm="ftp://x/token"', undefined],
    ['Bearer realm="/token"', undefined],
    ['Bearer realm="evil:https://x/token"', undefined],
    // A realm no URL can be made of: no challenge (it was an internal error when the token was asked for).
    ['Bearer realm="http://[bad/token"', undefined],
    ['Bearer realm="http://:99999/t"', undefined],
    ['Bearer realm="https://"', undefined],
    [', Bearer realm="https://x/token"', undefined],
    ['Digest realm="https://x", nonce="1"', undefined],
    ['Bearerrealm="https://x"', undefined],
    // RFC 7235 needs a space after the scheme; Docker's parser finds no realm in these either.
    ['Bearer,realm="https://x/token"', undefined],
    ['Bearer="https://x/token",realm="https://x/token"', undefined],
    ['Bearer\trealm="https://x/token"', { scheme: 'bearer', realm: 'https://x/token' }],
    ['Bearer', undefined],
  ])('%j', (header, challenge) => {
    expect(parseChallenge(header)).toStrictEqual(challenge);
  });

  test('a bearer challenge without service or scope has neither key', () => {
    expect(Object.keys(parseChallenge('Bearer realm="https://x/token"') ?? {})).toEqual(['scheme', 'realm']);
  });

  test('a parameter list that runs over several lines is still read', () => {
    expect(parseChallenge('Bearer realm="https://x/token",\nservice="reg"')).toStrictEqual({ scheme: 'bearer', realm: 'https://x/token', service: 'reg' });
  });
});

describe('credentialsFor', () => {
  const HOST = 'ghcr.io';

  test.each<[string, unknown, Credentials | string]>([
    ['not an object', [], 'the Docker config file is not a JSON object'],
    ['null', null, 'the Docker config file is not a JSON object'],
    ['an empty config', {}, { kind: 'none' }],
    ['a credential helper for the host', { credHelpers: { 'ghcr.io': 'gcloud' } }, { kind: 'helper', helper: 'gcloud' }],
    ['a helper for another host only', { credHelpers: { 'docker.io': 'desktop' } }, { kind: 'none' }],
    ['a helper name that is no program name', { credHelpers: { 'ghcr.io': '../evil' }, credsStore: 'desktop' }, { kind: 'helper', helper: 'desktop' }],
    ['a helper that is not a string', { credHelpers: { 'ghcr.io': 1 } }, { kind: 'none' }],
    ['credHelpers that is not an object', { credHelpers: 'gcloud' }, { kind: 'none' }],
    ['the helper before auths', { credHelpers: { 'ghcr.io': 'pass' }, auths: { 'ghcr.io': { auth: b64('u:p') } } }, { kind: 'helper', helper: 'pass' }],
    ['base64 user:password', { auths: { 'ghcr.io': { auth: b64('bot:s3cret') } } }, { kind: 'basic', username: 'bot', password: 's3cret' }],
    ['a password with colons', { auths: { 'ghcr.io': { auth: b64('bot:a:b:') } } }, { kind: 'basic', username: 'bot', password: 'a:b:' }],
    ['an empty password', { auths: { 'ghcr.io': { auth: b64('bot:') } } }, { kind: 'basic', username: 'bot', password: '' }],
    ['an identity token', { auths: { 'ghcr.io': { identitytoken: 'refresh', auth: b64('u:p') } } }, { kind: 'identity-token', token: 'refresh' }],
    ['an empty identity token is none', { auths: { 'ghcr.io': { identitytoken: '', auth: b64('u:p') } } }, { kind: 'basic', username: 'u', password: 'p' }],
    ['no user', { auths: { 'ghcr.io': { auth: b64(':p') } } }, 'the auths entry for ghcr.io is not base64 of <user>:<password>'],
    ['no colon', { auths: { 'ghcr.io': { auth: b64('token') } } }, 'the auths entry for ghcr.io is not base64 of <user>:<password>'],
    ['an https:// key', { auths: { 'https://ghcr.io': { auth: b64('a:1') } } }, { kind: 'basic', username: 'a', password: '1' }],
    ['an http:// key', { auths: { 'http://ghcr.io': { auth: b64('a:2') } } }, { kind: 'basic', username: 'a', password: '2' }],
    ['a /v1/ key', { auths: { 'https://ghcr.io/v1/': { auth: b64('a:3') } } }, { kind: 'basic', username: 'a', password: '3' }],
    ['a /v2/ key', { auths: { 'https://ghcr.io/v2/': { auth: b64('a:4') } } }, { kind: 'basic', username: 'a', password: '4' }],
    ['the bare host first', { auths: { 'https://ghcr.io': { auth: b64('a:late') }, 'ghcr.io': { auth: b64('a:early') } } }, { kind: 'basic', username: 'a', password: 'early' }],
    [
      'an entry without credentials is skipped',
      { auths: { 'ghcr.io': { auth: '' }, 'https://ghcr.io': { auth: b64('a:next') } } },
      { kind: 'basic', username: 'a', password: 'next' },
    ],
    ['an entry that is not an object is skipped', { auths: { 'ghcr.io': 'x', 'https://ghcr.io/v2/': { auth: b64('a:v2') } } }, { kind: 'basic', username: 'a', password: 'v2' }],
    ['another host only', { auths: { 'docker.io': { auth: b64('a:b') } } }, { kind: 'none' }],
    ['a host that only starts the same', { auths: { 'ghcr.io.evil': { auth: b64('a:b') } } }, { kind: 'none' }],
    ['an auth that is not a string', { auths: { 'ghcr.io': { auth: 1 } } }, { kind: 'none' }],
    ['auths that is not an object, then the store', { auths: [], credsStore: 'osxkeychain' }, { kind: 'helper', helper: 'osxkeychain' }],
    ['auths before the store', { auths: { 'ghcr.io': { auth: b64('a:b') } }, credsStore: 'desktop' }, { kind: 'basic', username: 'a', password: 'b' }],
    ['the default store', { credsStore: 'desktop.exe' }, { kind: 'helper', helper: 'desktop.exe' }],
    ['a store name that is no program name', { credsStore: 'a b' }, { kind: 'none' }],
    ['an empty store name', { credsStore: '' }, { kind: 'none' }],
    ['a store that is not a string', { credsStore: true }, { kind: 'none' }],
  ])('%s', (_, config, expected) => {
    expect(credentialsFor(config, HOST)).toStrictEqual(expected);
  });

  test('the host with a port is a key of its own', () => {
    const config = { auths: { 'localhost:5000': { auth: b64('u:p') } } };
    expect(credentialsFor(config, 'localhost:5000')).toStrictEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(credentialsFor(config, 'localhost')).toStrictEqual({ kind: 'none' });
  });

  test('a helper name is letters, digits, "_", "." and "-" only', () => {
    for (const helper of ['a-b_c.d', 'X9']) expect(credentialsFor({ credHelpers: { h: helper } }, 'h')).toStrictEqual({ kind: 'helper', helper });
    for (const helper of ['', 'a/b', 'a;b', 'x\n']) expect(credentialsFor({ credHelpers: { h: helper } }, 'h')).toStrictEqual({ kind: 'none' });
    for (const store of ['a/b', 'x\n', ' x']) expect(credentialsFor({ credsStore: store }, 'h')).toStrictEqual({ kind: 'none' });
  });
});

describe('tokenOf: the token endpoint answer', () => {
  test.each<[unknown, string | undefined]>([
    [{ token: 't1' }, 't1'],
    [{ access_token: 't2' }, 't2'],
    [{ token: 't1', access_token: 't2' }, 't1'],
    [{ token: '' }, undefined],
    [{ token: 5 }, undefined],
    // An empty or non-text token does not hide a usable access_token.
    [{ token: '', access_token: 't2' }, 't2'],
    [{ token: 5, access_token: 't2' }, 't2'],
    [{ token: null, access_token: 't2' }, 't2'],
    [{ access_token: '' }, undefined],
    [{}, undefined],
    ['t1', undefined],
    [null, undefined],
  ])('%j -> %j', (json, token) => {
    expect(tokenOf(json)).toBe(token);
  });
});

describe('helperCredentials: a credential helper `get` answer', () => {
  test.each<[unknown, Credentials | undefined]>([
    [
      { Username: 'bot', Secret: 's' },
      { kind: 'basic', username: 'bot', password: 's' },
    ],
    [
      { Username: '', Secret: 's' },
      { kind: 'basic', username: '', password: 's' },
    ],
    [
      { Username: '<token>', Secret: 'refresh' },
      { kind: 'identity-token', token: 'refresh' },
    ],
    [{ Username: 'bot', Secret: '' }, undefined],
    [{ Username: 'bot' }, undefined],
    [{ Secret: 's' }, undefined],
    [{ Username: 1, Secret: 's' }, undefined],
    [[], undefined],
    ['x', undefined],
    [null, undefined],
  ])('%j -> %j', (json, credentials) => {
    expect(helperCredentials(json)).toStrictEqual(credentials);
  });
});
