// The parser's template tokens as plain JSON (a `with:` or `env:` mapping, a matrix), evaluated with the
// plan's contexts, and the lookups the plan uses to read what the workflow model does not keep.
import { beforeAll, describe, expect, test } from 'vitest';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { EvaluationError } from '../../scripts/plan/expressions.js';
import { child, childMapping, evaluateStrings, evaluateToken, item, literalString, templateText } from '../../scripts/plan/tokens.js';
import { parseWorkflowText } from '../../scripts/plan/workflow-files.js';

const FNS = { status: { success: true, failure: false, cancelled: false } };
const CONTEXTS = { github: { sha: 'abc', run_number: '7' }, vars: { NAME: 'api' } };

const WORKFLOW = `name: Tokens
on: push
env:
  TEXT: plain
  NUMBER: 3
  FLAG: true
  SHA: \${{ github.sha }}
  JOINED: \${{ vars.NAME }}-\${{ github.run_number }}
jobs:
  build:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        service: [api, web]
        include:
          - service: api
            port: 8080
            tags: [a, b]
            nothing: null
            nested:
              deep: \${{ github.sha }}
          - service: web
            port: 8081
            latest: true
    steps:
      - run: echo hi
`;

let root: MappingToken;
beforeAll(async () => {
  root = (await parseWorkflowText('.github/workflows/t.yml', WORKFLOW)).root;
});

const jobs = () => childMapping(root, 'jobs');
const matrix = () => childMapping(childMapping(childMapping(jobs(), 'build'), 'strategy'), 'matrix');

describe('templateText: a token as written', () => {
  test('a scalar as its text, an expression as the parser holds it, a mapping and a sequence as JSON of their parts', () => {
    const env = childMapping(root, 'env');
    expect(templateText(child(env, 'TEXT') ?? root)).toBe('plain');
    expect(templateText(child(env, 'SHA') ?? root)).toBe('${{ github.sha }}');
    const api = item(child(matrix(), 'include'), 0);
    expect(templateText(api ?? root)).toBe('{"service":"api","port":"8080","tags":["a","b"],"nothing":"","nested":{"deep":"${{ github.sha }}"}}');
    expect(templateText(child(api, 'tags') ?? root)).toBe('["a","b"]');
  });
});

describe('evaluateToken', () => {
  test('strings, numbers and booleans as they are; expressions evaluated', () => {
    const env = childMapping(root, 'env');
    expect(evaluateToken(child(env, 'TEXT') ?? root, CONTEXTS, FNS)).toBe('plain');
    const web = item(child(matrix(), 'include'), 1);
    expect(evaluateToken(child(web, 'port') ?? root, CONTEXTS, FNS)).toBe(8081);
    expect(evaluateToken(child(web, 'latest') ?? root, CONTEXTS, FNS)).toBe(true);
    expect(evaluateToken(child(env, 'SHA') ?? root, CONTEXTS, FNS)).toBe('abc');
    expect(evaluateToken(child(env, 'JOINED') ?? root, CONTEXTS, FNS)).toBe('api-7');
  });

  test('sequences and mappings recursively, null as null', () => {
    expect(evaluateToken(matrix() ?? root, CONTEXTS, FNS)).toEqual({
      service: ['api', 'web'],
      include: [
        { service: 'api', port: 8080, tags: ['a', 'b'], nothing: null, nested: { deep: 'abc' } },
        { service: 'web', port: 8081, latest: true },
      ],
    });
  });

  test('an ${{ insert }} is not supported: an error naming its line', async () => {
    const w = await parseWorkflowText(
      '.github/workflows/i.yml',
      `on: push\njobs:\n  build:\n    runs-on: x\n    env:\n      \${{ insert }}: \${{ github.env_map }}\n    steps:\n      - run: a\n`,
    );
    const env = childMapping(childMapping(childMapping(w.root, 'jobs'), 'build'), 'env');
    expect(() => evaluateToken(env ?? w.root, CONTEXTS, FNS)).toThrow(new EvaluationError('line 6: ${{ insert }} is not supported by the plan'));
  });
});

describe('evaluateStrings', () => {
  test('a mapping of values as GitHub passes them: strings', () => {
    expect(evaluateStrings(childMapping(root, 'env'), CONTEXTS, FNS)).toEqual({ TEXT: 'plain', NUMBER: '3', FLAG: 'true', SHA: 'abc', JOINED: 'api-7' });
  });

  test('numbers and booleans become strings', () => {
    expect(evaluateStrings(item(child(matrix(), 'include'), 1), CONTEXTS, FNS)).toEqual({ service: 'web', port: '8081', latest: 'true' });
  });

  test('none is an empty mapping', () => {
    expect(evaluateStrings(undefined, CONTEXTS, FNS)).toEqual({});
  });

  test.each([
    ['a string', () => child(root, 'name'), '"Tokens"'],
    ['a sequence', () => child(matrix(), 'service'), '["api","web"]'],
    ['null', () => child(item(child(matrix(), 'include'), 0), 'nothing'), 'null'],
  ])('%s is not a mapping', (_name, token, shown) => {
    expect(() => evaluateStrings(token(), CONTEXTS, FNS)).toThrow(new EvaluationError(`expected a mapping, got ${shown}`));
  });
});

describe('lookups', () => {
  test('child: a key of a mapping; nothing for another key, a non-mapping or nothing', () => {
    expect(literalString(child(root, 'name'))).toBe('Tokens');
    expect(child(root, 'missing')).toBeUndefined();
    expect(child(child(root, 'name'), 'name')).toBeUndefined();
    expect(child(undefined, 'name')).toBeUndefined();
  });

  test('childMapping: only a mapping value', () => {
    expect(childMapping(root, 'jobs')?.count).toBe(1);
    expect(childMapping(root, 'name')).toBeUndefined();
    expect(childMapping(root, 'missing')).toBeUndefined();
  });

  test('item: an element of a sequence by index, within bounds', () => {
    const services = child(matrix(), 'service');
    expect(literalString(item(services, 0))).toBe('api');
    expect(literalString(item(services, 1))).toBe('web');
    expect(item(services, 2)).toBeUndefined();
    expect(item(matrix(), 0)).toBeUndefined();
    expect(item(undefined, 0)).toBeUndefined();
  });

  test('literalString: only a literal string', () => {
    const env = childMapping(root, 'env');
    expect(literalString(child(env, 'TEXT'))).toBe('plain');
    expect(literalString(child(item(child(matrix(), 'include'), 1), 'port'))).toBeUndefined();
    expect(literalString(child(env, 'SHA'))).toBeUndefined();
    expect(literalString(undefined)).toBeUndefined();
  });
});
