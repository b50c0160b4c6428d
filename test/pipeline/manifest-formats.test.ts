/**
 * manifestAsJson (scripts/core/workspace/manifest-formats.ts): pnpm's package.json5 and package.yaml read
 * as the JSON the workspace code checks, or one line naming the file. The messages after the file's name
 * are the parsers' own first lines (json5, yaml) and V8's for JSON.stringify.
 */
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { manifestAsJson } from '../../scripts/core/workspace/manifest-formats.js';

const BOMB = 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nname: x\n';

describe('manifestAsJson: what pnpm reads, as JSON', () => {
  test.each<[string, 'package.json5' | 'package.yaml', string, unknown]>([
    [
      'JSON5: comments, unquoted keys, single quotes, trailing commas',
      'package.json5',
      "{\n  // c\n  name: 'a',\n  dependencies: { b: 'workspace:*', },\n}\n",
      { name: 'a', dependencies: { b: 'workspace:*' } },
    ],
    ['JSON5 after a byte order mark', 'package.json5', '\uFEFF{ name: "a" }', { name: 'a' }],
    ['YAML', 'package.yaml', "name: a\nversion: 1.0.0\ndependencies:\n  b: 'workspace:*'\n", { name: 'a', version: '1.0.0', dependencies: { b: 'workspace:*' } }],
    ['YAML after a byte order mark', 'package.yaml', '\uFEFFname: a\n', { name: 'a' }],
    [
      'YAML merge keys, as js-yaml merges them',
      'package.yaml',
      "common: &c\n  b: 'workspace:*'\nname: a\ndependencies:\n  <<: *c\n  d: '1'\n",
      { common: { b: 'workspace:*' }, name: 'a', dependencies: { b: 'workspace:*', d: '1' } },
    ],
    ['a __proto__ key stays a field', 'package.json5', '{ name: "a", __proto__: { polluted: true } }', JSON.parse('{"name":"a","__proto__":{"polluted":true}}')],
  ])('%s', (_, kind, text, expected) => {
    const json = manifestAsJson('p/x', kind, text);
    expect(JSON.parse(json)).toStrictEqual(expected);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('manifestAsJson: bad input is one InputError naming the file', () => {
  test.each<[string, 'package.json5' | 'package.yaml', string, string]>([
    ['JSON5 that does not parse', 'package.json5', "{ name: 'a', }}\n", "p/x: not valid JSON5 (JSON5: invalid character '}' at 1:15); fix the file"],
    ['JSON5 that is no object', 'package.json5', '12\n', 'p/x: expected a JSON5 object'],
    ['JSON5 that is a list', 'package.json5', '[1]\n', 'p/x: expected a JSON5 object'],
    ['a YAML key given twice', 'package.yaml', 'name: a\nname: b\n', 'p/x: not valid YAML (Map keys must be unique at line 2, column 1); fix the file'],
    [
      'YAML that does not parse',
      'package.yaml',
      'name: [a\n',
      'p/x: not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1); fix the file',
    ],
    ['an unknown YAML tag (js-yaml refuses it)', 'package.yaml', 'name: !foo a\n', 'p/x: not valid YAML (Unresolved tag: !foo at line 1, column 7); fix the file'],
    ['YAML that is a list', 'package.yaml', '- a list\n', 'p/x: expected a mapping of fields'],
    ['an empty YAML file', 'package.yaml', '', 'p/x: expected a mapping of fields'],
    ['an alias bomb', 'package.yaml', BOMB, 'p/x: not valid YAML (Excessive alias count indicates a resource exhaustion attack); fix the file'],
    ['an alias inside itself', 'package.yaml', 'name: c\nx: &a\n  self: *a\n', 'p/x: cannot be read as JSON (Converting circular structure to JSON); fix the file'],
    [
      'JSON5 nested deeper than the stack',
      'package.json5',
      `{ name: 'c', x: ${'['.repeat(200_000)}${']'.repeat(200_000)} }\n`,
      'p/x: cannot be read as JSON (Maximum call stack size exceeded); fix the file',
    ],
  ])('%s', (_, kind, text, message) => {
    let thrown: unknown;
    try {
      manifestAsJson('p/x', kind, text);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect(thrown instanceof Error ? thrown.message : thrown).toBe(message);
  });
});
