import { describe, expect, test } from 'vitest';
import { formatImageRef, imageRepositories, imageRepository, imageTags, parseImageRef, repositoryOf, sanitizeTag, tagsFor } from '../../scripts/core/images/index.js';

const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678';

describe('ImageRef', () => {
  test.each([
    ['api-gateway', { path: 'api-gateway' }],
    ['ghcr.io/acme/api-gateway:sha-1a2b3c4', { registry: 'ghcr.io', path: 'acme/api-gateway', tag: 'sha-1a2b3c4' }],
    ['127.0.0.1:5000/chat-service:main', { registry: '127.0.0.1:5000', path: 'chat-service', tag: 'main' }],
    ['localhost/node:20-bookworm', { registry: 'localhost', path: 'node', tag: '20-bookworm' }],
    [`ghcr.io/acme/x@sha256:${'a'.repeat(64)}`, { registry: 'ghcr.io', path: 'acme/x', digest: `sha256:${'a'.repeat(64)}` }],
    [`r.example.com:443/a/b/c:v1.2.3@sha256:${'b'.repeat(64)}`, { registry: 'r.example.com:443', path: 'a/b/c', tag: 'v1.2.3', digest: `sha256:${'b'.repeat(64)}` }],
  ])('round-trips %s', (text, ref) => {
    expect(parseImageRef(text)).toEqual(ref);
    expect(formatImageRef(parseImageRef(text))).toBe(text);
  });

  test.each(['', 'Upper/case', 'ghcr.io/acme/x:', 'ghcr.io/acme/x:-bad', 'x@sha256:short', 'a//b', `x:${'t'.repeat(129)}`])('rejects %j with the expected form', (text) => {
    expect(() => parseImageRef(text)).toThrow(/invalid image reference .*expected \[registry\/\]name\[:tag\]/);
  });

  const bad = (text: string, why: string) =>
    `invalid image reference ${JSON.stringify(text)}: ${why}; expected [registry/]name[:tag][@sha256:<hex>], e.g. ghcr.io/acme/api-gateway:sha-1a2b3c4`;
  test.each([
    ['x@md5:zz', 'bad digest "md5:zz"'],
    [`@sha256:${'a'.repeat(64)}`, 'the name must be lowercase letters, digits and separators'],
    ['x:bad!tag', 'bad tag "bad!tag"'],
    ['bad_host.example.com/x', 'bad registry "bad_host.example.com"'],
    ['ghcr.io/Acme/x', 'the name must be lowercase letters, digits and separators'],
  ])('%j: %s', (text, why) => {
    expect(() => parseImageRef(text)).toThrow(bad(text, why));
  });

  test.each([
    ['library/node', { path: 'library/node' }],
    ['acme_x/node', { path: 'acme_x/node' }],
    ['localhost/a/b', { registry: 'localhost', path: 'a/b' }],
    ['[::1]/x', { registry: '[::1]', path: 'x' }],
    ['ghcr.io', { path: 'ghcr.io' }],
    ['registry:5000/x', { registry: 'registry:5000', path: 'x' }],
  ])('%j: a registry only when the first part looks like a host', (text, ref) => {
    expect(parseImageRef(text)).toEqual(ref);
  });

  test('repositoryOf drops tag and digest', () => {
    expect(repositoryOf(parseImageRef(`ghcr.io/a/b:t@sha256:${'c'.repeat(64)}`))).toBe('ghcr.io/a/b');
  });
});

describe('tag scheme', () => {
  test.each([
    ['main', 'main'],
    ['feature/login-form', 'feature-login-form'],
    ['release/v1.2', 'release-v1.2'],
    ['-weird..branch-', 'weird..branch'],
    ['ümlaut/ä', 'mlaut'],
    ['x'.repeat(200), 'x'.repeat(128)],
    // A run of bad characters becomes one '-'.
    ['a//b', 'a-b'],
    ['fix: a & b!', 'fix-a-b'],
    ['Team_X/Feature.1', 'Team_X-Feature.1'],
    // Leading and trailing runs of '.' and '-' go.
    ['.-.x', 'x'],
    ['x.-.', 'x'],
    ['_x_', '_x_'],
    // The cut at 128 comes before the trailing '.'/'-' are removed, and keeps exactly 128.
    [`${'x'.repeat(128)}y`, 'x'.repeat(128)],
    [`${'x'.repeat(127)}/y`, 'x'.repeat(127)],
    [`${'x'.repeat(126)}.-y`, 'x'.repeat(126)],
    [`/${'x'.repeat(130)}`, 'x'.repeat(128)],
  ])('sanitizeTag(%j) = %j', (branch, tag) => {
    expect(sanitizeTag(branch)).toBe(tag);
    expect(tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  });

  test.each([
    ['abc', 'invalid commit SHA "abc": expected a full commit SHA (40 or 64 lowercase hex characters)'],
    [`x${SHA}`, `invalid commit SHA "x${SHA}": expected a full commit SHA (40 or 64 lowercase hex characters)`],
    [`${SHA}0`, `invalid commit SHA "${SHA}0": expected a full commit SHA (40 or 64 lowercase hex characters)`],
    [SHA.toUpperCase(), `invalid commit SHA "${SHA.toUpperCase()}": expected a full commit SHA (40 or 64 lowercase hex characters)`],
  ])('tagsFor(%j) is an input error', (sha, message) => {
    expect(() => tagsFor(sha, { kind: 'merge_group' })).toThrow(message);
  });

  test("a SHA-256 repository's commit (64 hex characters) is a commit SHA too; 63 and 65 are not", () => {
    const sha256 = `9f86d081884c7d65${'0'.repeat(48)}`;
    expect(tagsFor(sha256, { kind: 'merge_group' })).toEqual(['sha-9f86d08']);
    expect(() => tagsFor(sha256.slice(1), { kind: 'merge_group' })).toThrow(/^invalid commit SHA "f86d/);
    expect(() => tagsFor(`${sha256}0`, { kind: 'merge_group' })).toThrow(/^invalid commit SHA "9f86/);
  });

  test.each([[0], [-1], [1.5]])('pull request number %d is an input error; 1 is fine', (n) => {
    expect(() => tagsFor(SHA, { kind: 'pull_request', number: n })).toThrow(`invalid pull request number ${n}: expected a positive integer`);
    expect(tagsFor(SHA, { kind: 'pull_request', number: 1 })).toEqual(['sha-1a2b3c4', 'pr-1']);
  });

  test('a service folder that is no image name', () => {
    expect(() => imageRepository({ kind: 'ghcr' }, 'Acme', 'Bad_Name')).toThrow(
      'invalid image name "ghcr.io/acme/Bad_Name": the service folder name "Bad_Name" must be lowercase letters, digits and separators (. _ __ -); rename the folder',
    );
  });

  test('a name with nothing usable is an error', () => {
    expect(() => sanitizeTag('///')).toThrow('cannot make an image tag from "///"');
  });

  test.each([
    [{ kind: 'branch', branch: 'main', defaultBranch: 'main' } as const, ['sha-1a2b3c4', 'main']],
    [{ kind: 'branch', branch: 'feature/x', defaultBranch: 'main' } as const, ['sha-1a2b3c4']],
    [{ kind: 'pull_request', number: 42 } as const, ['sha-1a2b3c4', 'pr-42']],
    [{ kind: 'merge_group' } as const, ['sha-1a2b3c4']],
    [{ kind: 'release', version: '1.4.0' } as const, ['sha-1a2b3c4', '1.4.0']],
  ])('tags for %j', (trigger, tags) => {
    expect(tagsFor(SHA, trigger)).toEqual(tags);
  });

  test('full references, and bad inputs', () => {
    expect(imageTags('ghcr.io/acme/api-gateway', SHA, { kind: 'pull_request', number: 7 })).toEqual(['ghcr.io/acme/api-gateway:sha-1a2b3c4', 'ghcr.io/acme/api-gateway:pr-7']);
    expect(() => imageTags('ghcr.io/acme/x:latest', SHA, { kind: 'merge_group' })).toThrow('must not carry a tag or digest');
    expect(() => tagsFor('abc', { kind: 'merge_group' })).toThrow('invalid commit SHA "abc"');
    expect(() => tagsFor(SHA, { kind: 'pull_request', number: 0 })).toThrow('invalid pull request number 0');
  });

  test.each([
    [{ kind: 'ghcr' } as const, 'Acme-Corp', 'ghcr.io/acme-corp/chat-service'],
    [{ kind: 'custom', host: '127.0.0.1:5000', namespace: 'kc', usernameSecret: 'U', passwordSecret: 'P' } as const, 'x', '127.0.0.1:5000/kc/chat-service'],
  ])('imageRepository(%j, %s)', (registry, owner, want) => {
    expect(imageRepository(registry, owner, 'chat-service')).toBe(want);
  });

  // A folder name is one path component: a `:` would turn it into a tag, a `/` into another path.
  test.each(['Chat', 'a:b', 'a/b', 'a@b', '-a', ''])('a service folder named %j is not an image name', (service) => {
    expect(() => imageRepository({ kind: 'ghcr' }, 'acme', service)).toThrow(/the service folder name .* must be lowercase letters, digits and separators/);
  });

  test('an owner that makes no image name is refused once, before any service', () => {
    expect(() => imageRepositories({ kind: 'ghcr' }, 'ac me')).toThrow(/invalid image reference "ghcr.io\/ac me\/service"/);
  });
});
