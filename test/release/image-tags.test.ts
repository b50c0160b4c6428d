import { describe, expect, it } from 'vitest';
import { releaseImageTags } from '../../scripts/core/release/image-tags.js';
import { parseVersion } from '../../scripts/core/release/version.js';

describe('image tags of a release', () => {
  it.each<[string, string[], string[]]>([
    ['1.0.0', [], ['1.0.0', '1.0', '1', 'latest']],
    ['1.4.0', ['1.3.0', '1.3.5'], ['1.4.0', '1.4', '1', 'latest']],
    // An older line patched: only its minor tag moves (metadata-action#80 moves latest here).
    ['1.3.5', ['1.3.4', '1.4.0'], ['1.3.5', '1.3']],
    ['1.3.5', ['1.3.6', '1.4.0'], ['1.3.5']],
    // An older major patched: its minor and major tags move, latest stays on 2.x.
    ['1.9.1', ['1.9.0', '2.0.0'], ['1.9.1', '1.9', '1']],
    ['2.0.0', ['1.9.0', '2.0.0-rc.1', '2.0.0-rc.2'], ['2.0.0', '2.0', '2', 'latest']],
    // Prereleases get their exact version only, and never hold back a floating tag.
    ['2.0.0-rc.1', ['1.9.0'], ['2.0.0-rc.1']],
    ['1.9.1', ['1.9.0', '1.10.0-rc.1', '2.0.0-alpha.1'], ['1.9.1', '1.9', '1', 'latest']],
    // A re-run of the same release gives the same tags.
    ['1.4.0', ['1.4.0', '1.3.0'], ['1.4.0', '1.4', '1', 'latest']],
    ['0.1.1', ['0.1.0', '0.2.0'], ['0.1.1', '0.1']],
    ['10.0.0', ['9.0.0'], ['10.0.0', '10.0', '10', 'latest']],
    // Another major's 2.0.x does not hold back 1.0: only the same major.minor counts for the minor tag.
    ['1.0.1', ['1.0.0', '2.0.0'], ['1.0.1', '1.0', '1']],
  ])('%s with %j released → %j', (version, released, tags) => {
    expect(releaseImageTags(parseVersion(version), released.map(parseVersion))).toEqual(tags);
  });
});
