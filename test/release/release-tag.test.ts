import { describe, expect, it } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { compareReleaseTags, formatReleaseTag, parseReleaseTag, tryParseReleaseTag } from '../../scripts/core/release/release-tag.js';
import { compareVersions, formatVersion, parseVersion } from '../../scripts/core/release/version.js';

const CATALOG = new Set(['api-gateway', 'course-service', 'chat-service']);

describe('release tags round-trip', () => {
  it.each([
    ['api-gateway@1.4.0', 'api-gateway', { major: 1, minor: 4, patch: 0, prerelease: [] }],
    ['course-service@2.0.0-rc.1', 'course-service', { major: 2, minor: 0, patch: 0, prerelease: ['rc', 1] }],
    ['chat-service@0.0.0', 'chat-service', { major: 0, minor: 0, patch: 0, prerelease: [] }],
    ['api-gateway@1.0.0-alpha.beta-1.0x.0', 'api-gateway', { major: 1, minor: 0, patch: 0, prerelease: ['alpha', 'beta-1', '0x', 0] }],
    ['api-gateway@10.20.30--', 'api-gateway', { major: 10, minor: 20, patch: 30, prerelease: ['-'] }],
    ['api-gateway@9007199254740991.0.0', 'api-gateway', { major: 9007199254740991, minor: 0, patch: 0, prerelease: [] }],
  ])('%s', (text, service, version) => {
    const tag = parseReleaseTag(text, CATALOG);
    expect(tag).toEqual({ service, version });
    expect(formatReleaseTag(tag)).toBe(text);
    expect(parseReleaseTag(`refs/tags/${text}`)).toEqual(tag);
  });
});

describe('service names: lowercase letters and digits, with single ".", "_" or "-" between them', () => {
  it.each([
    ['web@1.0.0', 'web'],
    ['pdf_renderer@1.0.0', 'pdf_renderer'],
    ['a.b_c-9@1.0.0', 'a.b_c-9'],
    ['2fa@1.0.0', '2fa'],
  ])('%s is the service %s', (text, service) => {
    expect(parseReleaseTag(text).service).toBe(service);
  });
});

describe('release tags refused', () => {
  const long = `api-gateway@1.0.0-${'a'.repeat(111)}`;
  it.each([
    ['api-gateway@1.2', /the version "1\.2" is not SemVer/],
    ['api-gateway@1.2.3.4', /the version "1\.2\.3\.4" is not SemVer/],
    ['api-gateway@v1.2.3', /the version "v1\.2\.3" is not SemVer/],
    ['api-gateway@01.2.3', /"01\.2\.3" is not SemVer/],
    ['api-gateway@1.02.3', /"1\.02\.3" is not SemVer/],
    ['api-gateway@1.2.3-01', /"1\.2\.3-01" is not SemVer/],
    ['api-gateway@1.2.3+build.1', /"1\.2\.3\+build\.1" is not SemVer/],
    ['api-gateway@1.2.3-rc..1', /is not SemVer/],
    ['api-gateway@1.2.3-', /is not SemVer/],
    ['api-gateway@1.2.3-RC.1', /"1\.2\.3-RC\.1" is not SemVer/],
    ['api-gateway@9007199254740992.0.0', /is not SemVer/],
    ['api-gateway@', /the version "" is not SemVer/],
    ['@1.0.0', /the service "" is not a lowercase folder name/],
    ['api-gateway', /it has no @/],
    ['', /it has no @/],
    ['../x@1.0.0', /the service "\.\.\/x" is not/],
    ['services/x@1.0.0', /the service "services\/x" is not/],
    ['Api-Gateway@1.0.0', /the service "Api-Gateway" is not/],
    [' api-gateway@1.0.0', /the service " api-gateway" is not/],
    ['api-gateway@1.0.0 ', /the version "1\.0\.0 " is not/],
    ['api-gateway@1.0.0\n', /the version "1\.0\.0\\n" is not/],
    ['api-gateway@1.0.0;touch x', /"1\.0\.0;touch x" is not/],
    ['api-gateway@$(touch x)', /"\$\(touch x\)" is not/],
    ['api`id`@1.0.0', /the service "api`id`" is not/],
    ['api-gateway@1.0.0\u0000', /"1\.0\.0\\u0000" is not/],
    ['api\u2010gateway@1.0.0', /the service "api‐gateway" is not/],
    ['api-gateway@1.0.0\u2010rc', /is not SemVer/],
    ['api-gateway@1.0.0@1.0.0', /the version "1\.0\.0@1\.0\.0" is not/],
    ['-api@1.0.0', /the service "-api" is not/],
    ['api..x@1.0.0', /the service "api\.\.x" is not/],
    ['__proto__@1.0.0', /the service "__proto__" is not/],
    [long, /it is 129 characters long/],
  ])('%j', (text, reason) => {
    expect(() => parseReleaseTag(text)).toThrow(InputError);
    expect(() => parseReleaseTag(text)).toThrow(reason);
    expect(() => parseReleaseTag(text)).toThrow(/expected <service>@<major>\.<minor>\.<patch>\[-<prerelease>\]/);
    expect(tryParseReleaseTag(text)).toBeUndefined();
  });

  it('accepts a tag of exactly 128 characters', () => {
    const text = `api-gateway@1.0.0-${'a'.repeat(110)}`;
    expect(text).toHaveLength(128);
    expect(formatReleaseTag(parseReleaseTag(text))).toBe(text);
  });

  it('the 128 characters are counted without refs/tags/', () => {
    const text = `api-gateway@1.0.0-${'a'.repeat(110)}`;
    expect(formatReleaseTag(parseReleaseTag(`refs/tags/${text}`))).toBe(text);
    expect(() => parseReleaseTag(`refs/tags/${text}a`)).toThrow(/it is 129 characters long/);
  });

  it('only a leading refs/tags/ is a ref prefix', () => {
    expect(() => parseReleaseTag('x/refs/tags/api-gateway@1.0.0')).toThrow(/the service "x\/refs\/tags\/api-gateway" is not/);
    expect(() => parseReleaseTag('refs/heads/api-gateway@1.0.0')).toThrow(/the service "refs\/heads\/api-gateway" is not/);
  });

  it('shortens a hostile value in the message', () => {
    expect(() => parseReleaseTag(`api@${'9'.repeat(100)}`)).toThrow(/"9{80}…"/);
  });

  it.each(['constructor@1.0.0', 'tostring@1.0.0', 'hasownproperty@1.0.0', 'booking-service@1.0.0'])('%s is an unknown service against the catalog', (text) => {
    expect(() => parseReleaseTag(text, CATALOG)).toThrow(InputError);
    expect(() => parseReleaseTag(text, CATALOG)).toThrow(/unknown service "[a-z-]+"; expected one of api-gateway, chat-service, course-service$/);
  });
});

describe('version precedence (semver.org §11)', () => {
  // Each row is strictly lower than the next.
  const ascending = [
    '0.9.9',
    '1.0.0-0',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.1.0',
    '2.0.0',
    '10.0.0',
  ];
  it.each(ascending.slice(1).map((v, i) => [ascending[i] ?? '', v]))('%s < %s', (lower, higher) => {
    expect(compareVersions(parseVersion(lower), parseVersion(higher))).toBe(-1);
    expect(compareVersions(parseVersion(higher), parseVersion(lower))).toBe(1);
  });

  it('equal versions compare 0', () => {
    expect(compareVersions(parseVersion('1.0.0-rc.1'), parseVersion('1.0.0-rc.1'))).toBe(0);
  });

  it('tags of different services compare by service name, both ways', () => {
    expect(compareReleaseTags(parseReleaseTag('b@1.0.0'), parseReleaseTag('a@2.0.0'))).toBe(1);
    expect(compareReleaseTags(parseReleaseTag('a@2.0.0'), parseReleaseTag('b@1.0.0'))).toBe(-1);
  });

  it('sorts tags by service, then version', () => {
    const tags = ['b@1.0.0', 'a@2.0.0', 'a@1.10.0', 'a@1.9.0', 'a@1.10.0-rc.1'].map((t) => parseReleaseTag(t));
    expect(tags.sort(compareReleaseTags).map(formatReleaseTag)).toEqual(['a@1.9.0', 'a@1.10.0-rc.1', 'a@1.10.0', 'a@2.0.0', 'b@1.0.0']);
  });

  it.each([
    ['1.0.0-x1', ['x1']],
    ['1.0.0-1x.0', ['1x', 0]],
    ['1.0.0-9007199254740991', [9007199254740991]],
  ])('prerelease identifiers of %s: numeric ones as numbers, the rest as text', (text, prerelease) => {
    expect(parseVersion(text).prerelease).toEqual(prerelease);
  });

  it('a numeric prerelease identifier above Number.MAX_SAFE_INTEGER is refused', () => {
    expect(() => parseVersion('1.0.0-rc.9007199254740992')).toThrow(/invalid version "1\.0\.0-rc\.9007199254740992"/);
  });

  it('formats a parsed version unchanged', () => {
    expect(formatVersion(parseVersion('3.2.1-x.7.z.92'))).toBe('3.2.1-x.7.z.92');
  });

  it('refuses a version with the expected form in the message', () => {
    expect(() => parseVersion('v1')).toThrow('invalid version "v1": expected <major>.<minor>.<patch>[-<prerelease>] (SemVer without build metadata, e.g. 1.4.0 or 2.0.0-rc.1)');
  });
});
