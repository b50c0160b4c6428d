// Which run: steps the plan executes, how step outputs are read back, and how dispatch inputs are checked.
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { parseCommandFile } from '../../scripts/plan/command-files.js';
import type { Json } from '../../scripts/plan/expressions.js';
import { type InputDefinition, parseInputFlags, resolveInputs } from '../../scripts/plan/inputs.js';
import { classifyRun, expandWord } from '../../scripts/plan/pipeline-steps.js';

describe('classifyRun: only output-computing pipeline calls are executed', () => {
  test.each([
    ['node scripts/dist/pipeline.cjs affected', 'execute'],
    ['node ./scripts/dist/pipeline.cjs affected --json', 'execute'],
    ['node scripts/dist/pipeline.cjs affected --base HEAD~1 --head=HEAD', 'execute'],
    ['pnpm pipeline affected', 'execute'],
    ['pnpm -s run pipeline tags --service "$SERVICE"', 'execute'],
    ['node scripts/dist/pipeline.cjs tags --service api-gateway --json', 'execute'],
    ['node scripts/dist/pipeline.cjs tags \\\n  --service "$SERVICE"\n', 'execute'],
    ['# compute the matrix\nnode scripts/dist/pipeline.cjs affected', 'execute'],
    // Output commands with a flag that writes or acts: reported, with the reason.
    [
      'node scripts/dist/pipeline.cjs tags --service "$SERVICE" --digest "$DIGEST" --verified-image-id "$V" --pushed-image-id "$P" --record "$RUNNER_TEMP/image-$SERVICE.json"',
      'refuse',
    ],
    ['node scripts/dist/pipeline.cjs tags --service "$SERVICE" --record out.json', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service "$SERVICE" --record=out.json', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service "$SERVICE" --digest sha256:00', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --record out.json --service x', 'refuse'],
    // A flag the plan cannot see: quoted, escaped, expanded, or a value that is not one word.
    ['node scripts/dist/pipeline.cjs tags --service x "--record" out.json', 'refuse'],
    ["node scripts/dist/pipeline.cjs tags --service x '--record' out.json", 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service x --rec\\ord out.json', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service $SERVICE', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service x $MORE_FLAGS', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service "$A" "$B"', 'refuse'],
    // Only $NAME and ${NAME} expand (the plan expands them itself, without a shell).
    ['node scripts/dist/pipeline.cjs tags --service "${GITHUB_REF_NAME%@*}"', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service "${X:-$(touch m)}"', 'report'],
    ['node scripts/dist/pipeline.cjs tags --service "${X:-y}"', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service --json', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service "a b"', 'refuse'],
    ['node scripts/dist/pipeline.cjs tags --service *', 'refuse'],
    ['node scripts/dist/pipeline.cjs affected --fetch-all', 'refuse'],
    // Not an output command at all.
    ['node scripts/dist/pipeline.cjs verify-image "$SERVICE" --image "$IMAGE"', 'report'],
    ['node scripts/dist/pipeline.cjs check-dockerfiles', 'report'],
    ['node scripts/dist/pipeline.cjs affectedx', 'report'],
    ['pnpm pipeline affected && docker push x', 'report'],
    ['pnpm pipeline affected; rm -rf /', 'report'],
    ['pnpm pipeline affected | tee out', 'report'],
    ['pnpm pipeline affected > out', 'report'],
    ['pnpm pipeline tags --service $(whoami)', 'report'],
    ['echo hi\nnode scripts/dist/pipeline.cjs affected', 'report'],
    ['docker build .', 'report'],
    ['', 'report'],
  ])('%j -> %s', (script, kind) => {
    expect(classifyRun(script).kind).toBe(kind);
  });

  test('an executed call carries its words, expanded without a shell', () => {
    const step = classifyRun('node scripts/dist/pipeline.cjs tags --service "$SERVICE" --cwd "${DIR}/x"');
    expect(step).toEqual({ kind: 'execute', command: 'tags', words: ['--service', '"$SERVICE"', '--cwd', '"${DIR}/x"'] });
    const env = { SERVICE: '$(touch /tmp/m) `id`; a', DIR: '/w' };
    expect(expandWord('"$SERVICE"', env)).toBe('$(touch /tmp/m) `id`; a');
    expect(expandWord('"${DIR}/x"', env)).toBe('/w/x');
    expect(expandWord('"$UNSET-$toString"', env)).toBe('-');
    expect(expandWord('HEAD~1', env)).toBe('HEAD~1');
  });

  test('a refused call names the flag', () => {
    expect(classifyRun('node scripts/dist/pipeline.cjs tags --service x --digest sha256:00 --record r.json')).toEqual({
      kind: 'refuse',
      command: 'tags',
      reason: 'tags --digest is not a computing flag (it may write files or act)',
    });
  });
});

describe('parseCommandFile (GITHUB_OUTPUT / GITHUB_ENV)', () => {
  test.each([
    ['a=1\nb=x=y\n', { a: '1', b: 'x=y' }],
    ['tags<<EOT\nr/a:sha-1\nr/a:main\nEOT\n', { tags: 'r/a:sha-1\nr/a:main' }],
    ['a=1\na=2\n', { a: '2' }],
    ['empty=\n', { empty: '' }],
    ['m<<X\nk=v\nX\nn=1', { m: 'k=v', n: '1' }],
    ['', {}],
  ])('%j', (text, expected) => {
    expect(parseCommandFile('GITHUB_OUTPUT', text)).toEqual(expected);
  });

  test.each([['tags<<EOT\nnever closed\n'], ['no equals sign\n']])('%j is rejected', (text) => {
    expect(() => parseCommandFile('GITHUB_OUTPUT', text)).toThrow(InputError);
  });
});

describe('dispatch inputs', () => {
  const defs: Record<string, InputDefinition> = {
    service: { type: 'choice', required: false, default: 'all', options: ['all', 'api'] },
    dry: { type: 'boolean', required: false, default: false, options: undefined },
    count: { type: 'number', required: false, default: undefined, options: undefined },
    reason: { type: 'string', required: true, default: undefined, options: undefined },
  };

  test('typed inputs and string event inputs, defaults applied', () => {
    expect(resolveInputs('w.yml', defs, { dry: 'true', count: '3', reason: 'hotfix' })).toEqual({
      inputs: { service: 'all', dry: true, count: 3, reason: 'hotfix' },
      eventInputs: { service: 'all', dry: 'true', count: '3', reason: 'hotfix' },
    });
  });

  test.each([
    [{ reason: 'x', service: 'web' }, /service="web" must be one of all, api/],
    [{ reason: 'x', dry: 'yes' }, /dry="yes" must be true or false/],
    [{ reason: 'x', count: 'many' }, /count="many" must be a number/],
    [{}, /input reason is required; pass --input reason=VALUE/],
  ])('%j is rejected', (given, message) => {
    expect(() => resolveInputs('w.yml', defs, given)).toThrow(message);
  });

  test.each([['novalue'], ['=x'], ['bad key=1']])('--input %j is malformed', (flag) => {
    expect(() => parseInputFlags([flag])).toThrow(InputError);
  });

  test('--input keeps everything after the first =', () => {
    expect(parseInputFlags(['note=a=b'])).toEqual({ note: 'a=b' });
  });

  test('--input with an empty value, and names with digits, _ and -', () => {
    expect(parseInputFlags(['a=', 'dry_run-2=x', '_x=1'])).toEqual({ a: '', 'dry_run-2': 'x', _x: '1' });
  });

  test.each([
    ['novalue', '--input "novalue": expected key=value (e.g. --input service=auth-service)'],
    ['=x', '--input "=x": expected key=value (e.g. --input service=auth-service)'],
    ['bad key=1', '--input "bad key=1": "bad key" is not an input name (letters, digits, _ and -)'],
    ['1a=1', '--input "1a=1": "1a" is not an input name (letters, digits, _ and -)'],
    ['-a=1', '--input "-a=1": "-a" is not an input name (letters, digits, _ and -)'],
    ['a.b=1', '--input "a.b=1": "a.b" is not an input name (letters, digits, _ and -)'],
  ])('--input %j: %s', (flag, message) => {
    expect(() => parseInputFlags([flag])).toThrow(new InputError(message));
  });

  // Inputs not given: the default (github.event.inputs has it as a string), else an empty value of the type.
  test('inputs not given take their default, or false, 0 or an empty string by type', () => {
    const optional = (type: string, value: Json | undefined): InputDefinition => ({ type, required: false, default: value, options: undefined });
    expect(
      resolveInputs(
        'w.yml',
        {
          b: optional('boolean', true),
          n: optional('number', 3),
          s: optional('string', 'x'),
          nb: optional('boolean', undefined),
          nn: optional('number', null),
          ns: optional('string', undefined),
          req: { ...optional('string', 'd'), required: true },
        },
        {},
      ),
    ).toEqual({
      inputs: { b: true, n: 3, s: 'x', nb: false, nn: 0, ns: '', req: 'd' },
      eventInputs: { b: 'true', n: '3', s: 'x', nb: '', nn: '', ns: '', req: 'd' },
    });
  });

  test.each([
    ['boolean', 'false', false],
    ['boolean', 'true', true],
    ['number', ' 5 ', 5],
    ['number', '-1.5', -1.5],
    ['choice', 'api', 'api'],
    ['string', ' any ', ' any '],
    ['environment', 'prod', 'prod'],
  ])('a %s input given %j is %j', (type, raw, expected) => {
    const def: InputDefinition = { type, required: true, default: undefined, options: type === 'choice' ? ['all', 'api'] : undefined };
    expect(resolveInputs('w.yml', { x: def }, { x: raw })).toEqual({ inputs: { x: expected }, eventInputs: { x: raw } });
  });

  test('a choice input without options takes any value', () => {
    expect(resolveInputs('w.yml', { x: { type: 'choice', required: false, default: undefined, options: undefined } }, { x: 'zz' }).inputs).toEqual({ x: 'zz' });
  });

  test.each([
    ['boolean', 'True', 'w.yml: input x="True" must be true or false'],
    ['boolean', '', 'w.yml: input x="" must be true or false'],
    ['number', '', 'w.yml: input x="" must be a number'],
    ['number', '  ', 'w.yml: input x="  " must be a number'],
    ['number', '1x', 'w.yml: input x="1x" must be a number'],
    ['choice', 'web', 'w.yml: input x="web" must be one of all, api'],
  ])('a %s input given %j is refused: %s', (type, raw, message) => {
    const def: InputDefinition = { type, required: false, default: undefined, options: ['all', 'api'] };
    expect(() => resolveInputs('w.yml', { x: def }, { x: raw })).toThrow(new InputError(message));
  });

  test('a required input without a default is refused with how to pass it', () => {
    expect(() => resolveInputs('w.yml', { reason: { type: 'string', required: true, default: undefined, options: undefined } }, {})).toThrow(
      new InputError('w.yml: input reason is required; pass --input reason=VALUE'),
    );
  });
});
