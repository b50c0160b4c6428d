// Matrix expansion as a table, with the examples of GitHub's docs ("Expanding or adding matrix configurations").
import { describe, expect, test } from 'vitest';
import { expandMatrix } from '../../scripts/plan/matrix.js';

describe('expandMatrix', () => {
  test.each<[string, unknown, unknown[]]>([
    ['one dimension', { service: ['a', 'b'] }, [{ service: 'a' }, { service: 'b' }]],
    [
      'cartesian product in key order',
      { os: ['linux', 'mac'], node: [20, 22] },
      [
        { os: 'linux', node: 20 },
        { os: 'linux', node: 22 },
        { os: 'mac', node: 20 },
        { os: 'mac', node: 22 },
      ],
    ],
    [
      'exclude matches partially',
      { os: ['linux', 'mac'], node: [20, 22], exclude: [{ os: 'mac' }] },
      [
        { os: 'linux', node: 20 },
        { os: 'linux', node: 22 },
      ],
    ],
    [
      'a two-key exclude removes only the combination matching both keys',
      { os: ['linux', 'mac'], node: [20, 22], exclude: [{ os: 'mac', node: 22 }] },
      [
        { os: 'linux', node: 20 },
        { os: 'linux', node: 22 },
        { os: 'mac', node: 20 },
      ],
    ],
    ['an exclude naming a key the matrix does not have matches nothing', { os: ['linux', 'mac'], exclude: [{ os: 'mac', arch: 'arm64' }] }, [{ os: 'linux' }, { os: 'mac' }]],
    [
      'include only (what fromJSON of the affected matrix gives)',
      { include: [{ service: 'a', image: 'x/a' }, { service: 'b' }] },
      [{ service: 'a', image: 'x/a' }, { service: 'b' }],
    ],
    [
      "GitHub's documented include example",
      {
        fruit: ['apple', 'pear'],
        animal: ['cat', 'dog'],
        include: [{ color: 'green' }, { color: 'pink', animal: 'cat' }, { fruit: 'apple', shape: 'circle' }, { fruit: 'banana' }, { fruit: 'banana', animal: 'cat' }],
      },
      [
        { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
        { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
        { fruit: 'pear', animal: 'cat', color: 'pink' },
        { fruit: 'pear', animal: 'dog', color: 'green' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    ],
    ['object values compare deeply in exclude', { cfg: [{ a: 1 }, { a: 2 }], exclude: [{ cfg: { a: 2 } }] }, [{ cfg: { a: 1 } }]],
    [
      'an object value excludes only an equal object: same keys, same values, nested arrays element by element',
      { cfg: [{ a: 1 }, { a: 1, b: 2 }, { a: 2 }, { l: [1, 2] }, { l: [1] }, { l: [2, 1] }], exclude: [{ cfg: { a: 1 } }, { cfg: { l: [1, 2] } }] },
      [{ cfg: { a: 1, b: 2 } }, { cfg: { a: 2 } }, { cfg: { l: [1] } }, { cfg: { l: [2, 1] } }],
    ],
    ['an exclude object with more keys than the value does not match it', { cfg: [{ a: 1 }], exclude: [{ cfg: { a: 1, c: 3 } }] }, [{ cfg: { a: 1 } }]],
    [
      'values equal in some elements or keys only are not excluded',
      { v: [[1, 3], { a: 1, b: 3 }, [1, 2], { a: 1, b: 2 }], exclude: [{ v: [1, 2] }, { v: { a: 1, b: 2 } }] },
      [{ v: [1, 3] }, { v: { a: 1, b: 3 } }],
    ],
    ['an array value is not equal to an object', { v: [[1], { 0: 1 }], exclude: [{ v: [1] }] }, [{ v: { 0: 1 } }]],
    ['null is not equal to an empty object', { v: [null, {}], exclude: [{ v: {} }] }, [{ v: null }]],
  ])('%s', (_name, matrix, legs) => {
    expect(expandMatrix(matrix)).toEqual({ kind: 'legs', legs });
  });

  test.each<[string, unknown, RegExp]>([
    ['an empty include list', { include: [] }, /Matrix vector does not contain any values/],
    ['everything excluded', { a: [1], exclude: [{ a: 1 }] }, /Matrix vector does not contain any values/],
    ['an empty dimension', { a: [] }, /Matrix vector does not contain any values/],
    ['a JSON string (fromJSON forgotten)', '{"include":[]}', /mapping.*fromJSON/],
    ['null', null, /^the matrix must be a mapping, got null /],
    ['an include entry that is null', { include: [null] }, /^matrix\.include must be a sequence of mappings, got \[null\]$/],
    ['a scalar dimension', { a: 'x' }, /matrix\.a must be a sequence/],
    ['include that is not a list of mappings', { include: ['x'] }, /matrix\.include must be a sequence of mappings/],
    ['include that is not a list', { a: [1], include: { b: 1 } }, /matrix\.include must be a sequence of mappings/],
    ['exclude that is not a list', { a: [1], exclude: { a: 1 } }, /matrix\.exclude must be a sequence of mappings, got \{"a":1\}/],
    ['exclude that is not a list of mappings', { a: [1], exclude: [1] }, /matrix\.exclude must be a sequence of mappings, got \[1\]/],
  ])('%s is an error', (_name, matrix, message) => {
    const result = expandMatrix(matrix);
    expect(result.kind).toBe('error');
    if (result.kind === 'error') expect(result.message).toMatch(message);
  });
});
