import { describe, expect, test } from 'vitest';
import { diffRootManifest } from '../../../scripts/core/changes/root-manifest.js';

const INSTALL = ['packageManager', 'pnpm', 'dependencies'];
const diff = (before: string | undefined, after: string | undefined) => diffRootManifest('package.json', before, after, INSTALL);

describe('diffRootManifest: fields compared by value', () => {
  test.each<[string, object, object, ReturnType<typeof diffRootManifest>]>([
    ['the same object, keys in another order, nested too', { a: { x: 1, y: [1, { p: 1, q: 2 }] }, b: 2 }, { b: 2, a: { y: [1, { q: 2, p: 1 }], x: 1 } }, { kind: 'unchanged' }],
    ['an array reordered is a change', { scripts: { a: [1, 2] } }, { scripts: { a: [2, 1] } }, { kind: 'tooling', fields: ['scripts'] }],
    ['an array is not the object with its indexes', { files: ['a'] }, { files: { 0: 'a' } }, { kind: 'tooling', fields: ['files'] }],
    ['a nested key renamed', { scripts: { a: 'x' } }, { scripts: { b: 'x' } }, { kind: 'tooling', fields: ['scripts'] }],
    ['a string is not the number it reads as', { version: 1 }, { version: '1' }, { kind: 'tooling', fields: ['version'] }],
    ['null and a missing field differ', { private: null }, {}, { kind: 'tooling', fields: ['private'] }],
    ['fields sorted by name', { z: 1, b: 1, a: 1 }, { z: 2, b: 2, a: 2 }, { kind: 'tooling', fields: ['a', 'b', 'z'] }],
    ['an install field wins, alone', { scripts: {}, pnpm: { a: 1 } }, { scripts: { x: 'y' }, pnpm: { a: 2 } }, { kind: 'install', fields: ['pnpm'] }],
    ['an install field added', {}, { packageManager: 'pnpm@10.0.0', description: 'x' }, { kind: 'install', fields: ['packageManager'] }],
    ['keys sorted by code unit, not locale', { s: { B: 1, a: 2 } }, { s: { a: 2, B: 1 } }, { kind: 'unchanged' }],
    // pnpm installs the root's own specifier wherever an override's `$x` applies: a change to it changes installs.
    [
      "the root's own x, read by an override's $x",
      { devDependencies: { x: 'link:packages/c' }, pnpm: { overrides: { x: '$x' } } },
      { devDependencies: { x: 'link:packages/b' }, pnpm: { overrides: { x: '$x' } } },
      { kind: 'install', fields: ["x (an override's $x)"] },
    ],
    [
      'through resolutions, from dependencies to optionalDependencies (a later field wins)',
      { dependencies: { y: '1' }, optionalDependencies: { y: '1' }, resolutions: { y: '$y' } },
      { dependencies: { y: '1' }, optionalDependencies: { y: '2' }, resolutions: { y: '$y' } },
      { kind: 'install', fields: ["y (an override's $y)"] },
    ],
    [
      'the reference added with the specifier: the install field and the reference',
      { scripts: {} },
      { devDependencies: { x: '1' }, pnpm: { overrides: { x: '$x' } } },
      { kind: 'install', fields: ['pnpm', "x (an override's $x)"] },
    ],
    [
      'two references, named in order',
      { devDependencies: { b: '1', a: '1' }, pnpm: { overrides: { b: '$b', a: '$a' } } },
      { devDependencies: { b: '2', a: '2' }, pnpm: { overrides: { b: '$b', a: '$a' } } },
      { kind: 'install', fields: ["a (an override's $a)", "b (an override's $b)"] },
    ],
    [
      'a value without $ reads nothing (xy is no reference to y)',
      { devDependencies: { y: '1' }, pnpm: { overrides: { q: 'xy' } } },
      { devDependencies: { y: '2' }, pnpm: { overrides: { q: 'xy' } } },
      { kind: 'tooling', fields: ['devDependencies'] },
    ],
    [
      'a specifier no override reads: tooling',
      { devDependencies: { x: '1', z: '1' }, pnpm: { overrides: { x: '$x' } } },
      { devDependencies: { x: '1', z: '2' }, pnpm: { overrides: { x: '$x' } } },
      { kind: 'tooling', fields: ['devDependencies'] },
    ],
    [
      'a reference that is no text, or no $: nothing read',
      { devDependencies: { x: '1' }, pnpm: { overrides: { x: 5, w: 'x' } }, resolutions: 'x' },
      { devDependencies: { x: '2' }, pnpm: { overrides: { x: 5, w: 'x' } }, resolutions: 'x' },
      { kind: 'tooling', fields: ['devDependencies'] },
    ],
  ])('%s', (_, before, after, expected) => {
    expect(diff(JSON.stringify(before), JSON.stringify(after))).toEqual(expected);
  });

  test('no base file: every head field changed; no head file: every base field', () => {
    expect(diff(undefined, JSON.stringify({ name: 'x', dependencies: {} }))).toEqual({ kind: 'install', fields: ['dependencies'] });
    expect(diff(JSON.stringify({ name: 'x' }), undefined)).toEqual({ kind: 'tooling', fields: ['name'] });
  });

  test('a broken base is compared as an empty object', () => {
    expect(diff('{', JSON.stringify({ name: 'x' }))).toEqual({ kind: 'tooling', fields: ['name'] });
    expect(diff('[1]', JSON.stringify({ name: 'x' }))).toEqual({ kind: 'tooling', fields: ['name'] });
  });

  test.each([['[]'], ['null'], ['3'], ['"text"']])('a head of %s is an input error', (head) => {
    expect(() => diff('{}', head)).toThrow('package.json (head): expected a JSON object');
  });
});

describe('diffRootManifest: errors and edge values', () => {
  test('a byte order mark before the JSON (pnpm strips it) is no change and no error', () => {
    expect(diff('{"packageManager":"pnpm@10.0.0"}', '\uFEFF{"packageManager":"pnpm@10.0.0"}')).toEqual({ kind: 'unchanged' });
    expect(diff('\uFEFF{"packageManager":"pnpm@10.0.0"}', '\uFEFF{"packageManager":"pnpm@10.1.0"}')).toEqual({ kind: 'install', fields: ['packageManager'] });
  });

  test('a head that is not JSON is an input error naming the file and the parser message', () => {
    expect(() => diff('{}', '{"a":')).toThrow(/^package\.json \(head\): not valid JSON \(.+\); fix the file$/);
  });

  test.each<[string, object, object, ReturnType<typeof diffRootManifest>]>([
    ['a nested null is not an empty object', { pnpm: { overrides: null } }, { pnpm: { overrides: {} } }, { kind: 'install', fields: ['pnpm'] }],
    ['an empty array is not an empty object', { files: [] }, { files: {} }, { kind: 'tooling', fields: ['files'] }],
    ['a nested array element changed', { dependencies: { a: ['1'] } }, { dependencies: { a: ['2'] } }, { kind: 'install', fields: ['dependencies'] }],
    [
      'only tooling fields changed, an install field unchanged',
      { scripts: { a: 'x' }, packageManager: 'pnpm@10.0.0' },
      { scripts: { a: 'y' }, packageManager: 'pnpm@10.0.0' },
      { kind: 'tooling', fields: ['scripts'] },
    ],
    ['two install fields, sorted', { pnpm: 1, dependencies: 1 }, { pnpm: 2, dependencies: 2 }, { kind: 'install', fields: ['dependencies', 'pnpm'] }],
    ['a key that is a prototype name', { ['__proto__']: 1 }, { ['__proto__']: 2 }, { kind: 'tooling', fields: ['__proto__'] }],
  ])('%s', (_, before, after, expected) => {
    expect(diff(JSON.stringify(before), JSON.stringify(after))).toEqual(expected);
  });
});

describe('diffRootManifest: array elements stay apart', () => {
  test('[1, 2] is not [12]', () => {
    expect(diff(JSON.stringify({ files: [1, 2] }), JSON.stringify({ files: [12] }))).toEqual({ kind: 'tooling', fields: ['files'] });
  });
});
