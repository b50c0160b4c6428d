/**
 * An image's filesystem from its layer listings (core/verify/layers.ts): whiteouts as the OCI image
 * spec defines them, what the layers above the base add, which first layers are the base's, and the
 * manifest.json of `docker image save`.
 */
import { describe, expect, test } from 'vitest';
import { addedPaths, baseLayerCount, isWhiteout, mergeLayers, SavedImageError, savedLayerPaths } from '../../scripts/core/verify/layers.js';

const BASE = [
  '/bin',
  '/bin/sh',
  '/usr',
  '/usr/local',
  '/usr/local/lib',
  '/usr/local/lib/node_modules',
  '/usr/local/lib/node_modules/npm',
  '/usr/local/lib/node_modules/npm/package.json',
];

describe('mergeLayers: the filesystem a container starts with', () => {
  test.each<[string, string[][], string[]]>([
    ['one layer, sorted', [['/b', '/a']], ['/a', '/b']],
    ['a later layer adds', [['/a'], ['/b']], ['/a', '/b']],
    ['a path in two layers is there once', [['/a'], ['/a']], ['/a']],
    [
      '.wh.<name> deletes a file of a lower layer',
      [
        ['/etc', '/etc/passwd', '/etc/group'],
        ['/etc', '/etc/.wh.group'],
      ],
      ['/etc', '/etc/passwd'],
    ],
    ['.wh.<name> deletes a folder with everything in it', [['/repo', '/repo/a', '/repo/b/c', '/repos'], ['/.wh.repo']], ['/repos']],
    [
      '.wh..wh..opq hides what lower layers put in its folder, not the folder',
      [
        ['/d', '/d/a', '/d/b', '/e'],
        ['/d', '/d/.wh..wh..opq', '/d/new'],
      ],
      ['/d', '/d/new', '/e'],
    ],
    [
      'a whiteout and a new path of the same name in one layer: the new one stays',
      [
        ['/x', '/x/old'],
        ['/.wh.x', '/x', '/x/new'],
      ],
      ['/x', '/x/new'],
    ],
    ['a whiteout of something never there changes nothing', [['/a'], ['/.wh.b']], ['/a']],
  ])('%s', (_name, layers, expected) => {
    expect(mergeLayers(layers)).toEqual(expected);
  });
});

describe('addedPaths: what the layers above the base put into the image', () => {
  test.each<[string, string[][], number, string[]]>([
    ['the base layers are left out', [BASE, ['/app', '/app/package.json']], 1, ['/app', '/app/package.json']],
    [
      "a base path that an upper layer rewrites is the build's",
      [BASE, ['/usr/local/lib/node_modules/typescript/package.json']],
      1,
      ['/usr/local/lib/node_modules/typescript/package.json'],
    ],
    ['a path a later layer deletes is still shipped', [BASE, ['/repo', '/repo/src/a.ts'], ['/.wh.repo']], 1, ['/repo', '/repo/src/a.ts']],
    ['whiteout markers are deletions, not content', [BASE, ['/bin/.wh.sh', '/d/.wh..wh..opq']], 1, []],
    ["no base layers: every layer is the build's", [['/a'], ['/b']], 0, ['/a', '/b']],
    ["every layer the base's: nothing added", [BASE], 1, []],
  ])('%s', (_name, layers, base, expected) => {
    expect(addedPaths(layers, base)).toEqual(expected);
  });
});

test.each([
  ['/a/.wh.b', true],
  ['/.wh..wh..opq', true],
  ['/a/b.wh.c', false],
  ['/a/.whx', false],
])('isWhiteout(%s) is %s', (path, expected) => {
  expect(isWhiteout(path)).toBe(expected);
});

describe("baseLayerCount: the base image's layers must be the image's first ones", () => {
  test.each<[string, string[], string[], number | undefined]>([
    ['built on it', ['sha256:a', 'sha256:b', 'sha256:c'], ['sha256:a'], 1],
    ['a base of two layers', ['sha256:a', 'sha256:b', 'sha256:c'], ['sha256:a', 'sha256:b'], 2],
    ['the image is the base: no layer above it is left to judge', ['sha256:a'], ['sha256:a'], undefined],
    ['a base of as many layers as the image', ['sha256:a', 'sha256:b'], ['sha256:a', 'sha256:b'], undefined],
    ['another base (a tag that moved)', ['sha256:a', 'sha256:b'], ['sha256:z'], undefined],
    ["the base's layers, but not first", ['sha256:z', 'sha256:a'], ['sha256:a'], undefined],
    ['the same layers in another order', ['sha256:b', 'sha256:a', 'sha256:c'], ['sha256:a', 'sha256:b'], undefined],
    ['a base with more layers than the image', ['sha256:a'], ['sha256:a', 'sha256:b'], undefined],
  ])('%s', (_name, image, base, expected) => {
    expect(baseLayerCount(image, base)).toBe(expected);
  });
});

describe("savedLayerPaths: docker image save's manifest.json", () => {
  test('the layer files of the one image, base first', () => {
    const json = [{ Config: 'blobs/sha256/27', RepoTags: null, Layers: ['blobs/sha256/bc', 'blobs/sha256/6d', 'blobs/sha256/1f'] }];
    expect(savedLayerPaths(json)).toEqual(['blobs/sha256/bc', 'blobs/sha256/6d', 'blobs/sha256/1f']);
  });
  test('the legacy layout (Docker before 25) reads the same', () => {
    expect(savedLayerPaths([{ Config: 'a.json', Layers: ['0123/layer.tar'] }])).toEqual(['0123/layer.tar']);
  });
  test.each([
    ['not a list', { Layers: [] }],
    ['two images', [{ Layers: [] }, { Layers: [] }]],
    ['no Layers', [{ Config: 'x' }]],
    ['a layer that is not a string', [{ Layers: [1] }]],
    ['a layer path leaving the archive', [{ Layers: ['../../etc/passwd'] }]],
    ['a layer path with a space', [{ Layers: ['a b'] }]],
  ])('%s is refused, naming the file', (_name, json) => {
    expect(() => savedLayerPaths(json)).toThrow(SavedImageError);
    expect(() => savedLayerPaths(json)).toThrow(/^docker image save: manifest.json is not one image with a list of layer files: /);
  });
});
