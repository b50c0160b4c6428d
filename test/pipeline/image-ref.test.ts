/**
 * Edges of image references and the tag scheme (scripts/core/images/image-ref.ts, tags.ts) that
 * images.test.ts does not reach: parsed values carry no empty optional parts, a digest at the start,
 * a repository with a digest, and the triggers that add no tag.
 */
import { describe, expect, test } from 'vitest';
import { type ImageRef, imageTags, parseImageRef, repositoryOf, tagsFor } from '../../scripts/core/images/index.js';

const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const bad = (text: string, why: string) =>
  `invalid image reference ${JSON.stringify(text)}: ${why}; expected [registry/]name[:tag][@sha256:<hex>], e.g. ghcr.io/acme/api-gateway:sha-1a2b3c4`;

describe('parseImageRef, exactly', () => {
  test.each<[string, ImageRef]>([
    ['x', { path: 'x' }],
    ['x:t', { path: 'x', tag: 't' }],
    [`x@${DIGEST}`, { path: 'x', digest: DIGEST }],
    ['r.io/x', { registry: 'r.io', path: 'x' }],
    [`r.io:5000/a/b:t@${DIGEST}`, { registry: 'r.io:5000', path: 'a/b', tag: 't', digest: DIGEST }],
    // The distribution grammar's host is a name or an IPv6 address in brackets, either with a port.
    ['[::1]/a/b', { registry: '[::1]', path: 'a/b' }],
    ['eu.registry.example.com/a', { registry: 'eu.registry.example.com', path: 'a' }],
    ['[::1]:5000/a/b:t', { registry: '[::1]:5000', path: 'a/b', tag: 't' }],
  ])('%s has exactly the parts it names (no key for a missing part)', (text, ref) => {
    expect(parseImageRef(text)).toStrictEqual(ref);
  });

  test.each([
    ['@md5:zz', 'bad digest "md5:zz"'],
    ['@x:1', 'bad digest "x:1"'],
    ['r.io/x@', 'bad digest ""'],
    ['x:a@b', 'bad digest "b"'],
  ])('a digest is whatever follows the first "@", even at the start: %j', (text, why) => {
    expect(() => parseImageRef(text)).toThrow(bad(text, why));
  });

  test.each([
    ['r.io:/x', 'bad registry "r.io:"'],
    ['a.:1/x', 'bad registry "a.:1"'],
    ['ex ample.com/x', 'bad registry "ex ample.com"'],
  ])('a registry part that is no host: %j', (text, why) => {
    expect(() => parseImageRef(text)).toThrow(bad(text, why));
  });

  test('a port-looking tag on a one-part name is a tag, not a registry', () => {
    expect(parseImageRef('localhost:5000')).toStrictEqual({ path: 'localhost', tag: '5000' });
  });
});

describe('repositoryOf', () => {
  test.each<[ImageRef, string]>([
    [{ registry: 'ghcr.io', path: 'a/b', tag: 't', digest: DIGEST }, 'ghcr.io/a/b'],
    [{ path: 'a/b', tag: 't' }, 'a/b'],
    [{ path: 'x', digest: DIGEST }, 'x'],
  ])('%j -> %s', (ref, repository) => {
    expect(repositoryOf(ref)).toBe(repository);
  });
});

describe('tag scheme, edges', () => {
  test.each([
    [{ kind: 'merge_group' } as const, ['sha-1a2b3c4']],
    [{ kind: 'commit' } as const, ['sha-1a2b3c4']],
    [{ kind: 'branch', branch: 'main', defaultBranch: 'trunk' } as const, ['sha-1a2b3c4']],
    [{ kind: 'branch', branch: 'release/2.x', defaultBranch: 'release/2.x' } as const, ['sha-1a2b3c4', 'release-2.x']],
    [{ kind: 'release', version: '2.0.0-rc.1+build.5' } as const, ['sha-1a2b3c4', '2.0.0-rc.1-build.5']],
    [{ kind: 'pull_request', number: 2 } as const, ['sha-1a2b3c4', 'pr-2']],
  ])('tags for %j', (trigger, tags) => {
    expect(tagsFor(SHA, trigger)).toEqual(tags);
  });

  test.each([[Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53]])('pull request number %d is refused', (n) => {
    expect(() => tagsFor(SHA, { kind: 'pull_request', number: n })).toThrow(`invalid pull request number ${n}: expected a positive integer`);
  });

  test.each([`ghcr.io/acme/x@${DIGEST}`, `ghcr.io/acme/x:t@${DIGEST}`, 'ghcr.io/acme/x:t'])('a repository %j with a tag or digest is refused', (repository) => {
    expect(() => imageTags(repository, SHA, { kind: 'merge_group' })).toThrow(`image repository ${JSON.stringify(repository)} must not carry a tag or digest`);
  });

  test('references for a registry with a port keep the port', () => {
    expect(imageTags('127.0.0.1:5000/kc/chat', SHA, { kind: 'release', version: '1.0.0' })).toEqual(['127.0.0.1:5000/kc/chat:sha-1a2b3c4', '127.0.0.1:5000/kc/chat:1.0.0']);
  });
});
