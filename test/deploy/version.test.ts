import { describe, expect, it } from 'vitest';
import { type DeployVersion, parseDeployVersion, quarantineTag } from '../../scripts/core/deploy/version.js';
import { InputError } from '../../scripts/core/errors.js';

describe("a deploy's --version, as the registry tag it resolves through", () => {
  it.each<[string | undefined, string, DeployVersion]>([
    [undefined, 'main', { kind: 'branch', tag: 'main' }],
    ['', 'main', { kind: 'branch', tag: 'main' }],
    // The branch tag CI pushes: characters outside a tag's grammar become '-'.
    [undefined, 'release/2026', { kind: 'branch', tag: 'release-2026' }],
    ['sha-0123abc', 'main', { kind: 'commit', tag: 'sha-0123abc' }],
    ['1.4.0', 'main', { kind: 'release', tag: '1.4.0' }],
    ['2.0.0-rc.1', 'main', { kind: 'release', tag: '2.0.0-rc.1' }],
    // The default branch's tag, as a plan of an empty version labels it (deploy.yml passes it on).
    ['main', 'main', { kind: 'branch', tag: 'main' }],
    ['release-2026', 'release/2026', { kind: 'branch', tag: 'release-2026' }],
  ])('%j on %s → %j', (text, branch, expected) => {
    expect(parseDeployVersion(text, branch)).toEqual(expected);
  });

  it.each([
    'sha-0123ab', // six hex digits
    'sha-0123abcd', // eight
    'sha-0123ABC', // uppercase: the commit tag is lowercase
    'xsha-0123abc',
    'sha-0123abc\n',
    '1.4',
    'v1.4.0',
    'latest',
  ])('%j is refused before any request, naming the forms and the default branch', (text) => {
    expect(() => parseDeployVersion(text, 'trunk')).toThrow(InputError);
    expect(() => parseDeployVersion(text, 'trunk')).toThrow(
      `: expected a release version (1.4.0, 2.0.0-rc.1), sha-<7 hex> (a commit's image), or nothing or trunk (the newest image of trunk)`,
    );
    expect(() => parseDeployVersion(text, 'trunk')).toThrow(/^--version "/);
  });
});

describe('the tag of a quarantined digest', () => {
  it('is the digest with its algorithm separator made a tag character', () => {
    expect(quarantineTag(`sha256:${'0a'.repeat(32)}`)).toBe(`quarantined-sha256-${'0a'.repeat(32)}`);
  });
});
