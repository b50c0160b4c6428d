/**
 * parseDockerfile on instructions the committed Dockerfiles do not hold (scripts/core/dockerfiles/parse.ts):
 * instructions without arguments, a flag without a value, a stage without an image.
 */
import { describe, expect, test } from 'vitest';
import { parseDockerfile } from '../../scripts/core/dockerfiles/parse.js';

describe('parseDockerfile, edges', () => {
  const only = (text: string) => parseDockerfile(`FROM x AS s\n${text}\n`).stages[0]?.instructions[0];

  test.each<[string, object]>([
    ['USER', { keyword: 'USER', line: 2, flags: {}, args: [], execForm: false, text: '' }],
    ['STOPSIGNAL', { keyword: 'STOPSIGNAL', args: [], text: '' }],
    ['RUN --no-cache echo hi', { flags: { 'no-cache': [''] }, args: ['echo', 'hi'], text: 'echo hi' }],
    ['RUN --network=none   ["a", "b"]', { flags: { network: ['none'] }, args: ['a', 'b'], execForm: true, text: '["a", "b"]' }],
    ['CMD \\\n  ["node", "x.js"]', { keyword: 'CMD', line: 2, args: ['node', 'x.js'], execForm: true, text: '["node", "x.js"]' }],
    ['CMD []', { args: [], execForm: true, text: '[]' }],
    ['CMD {"a": 1}', { execForm: false, text: '{"a": 1}' }],
    ['CMD ["a", ["b"]]', { execForm: false }],
    ['CMD ["--inspect", "x"]', { args: ['--inspect', 'x'], execForm: true }],
    // Here-documents: the instruction's own words, then the bodies' lines apart (BuildKit reads them in RUN, COPY and ADD).
    [
      'COPY \\\n  <<A <<-"B" /dst/\na\nA\n\tb\n\tB',
      { line: 2, args: ['<<A', '<<-"B"', '/dst/'], text: '<<A <<-"B" /dst/', heredocs: ['<<A', '<<-"B"'], heredocLines: ['a', 'A', '\tb', '\tB'] },
    ],
    ["ADD <<'X' /x\n$HOME\nX", { args: ["<<'X'", '/x'], heredocs: ["<<'X'"], heredocLines: ['$HOME', 'X'] }],
    [
      'RUN --mount=type=cache,target=/c <<EOF\npnpm fetch\nEOF',
      { flags: { mount: ['type=cache,target=/c'] }, args: ['<<EOF'], text: '<<EOF', heredocLines: ['pnpm fetch', 'EOF'] },
    ],
    ['RUN cat <<EOF > /x\nhi\nEOF', { args: ['cat', '<<EOF', '>', '/x'], heredocs: ['<<EOF'], heredocLines: ['hi', 'EOF'] }],
    // Start words BuildKit reads and dockerfile-ast does not (a file descriptor before, a name starting with a
    // digit): the words count, and the lines after them stay instructions of their own, checked as such.
    ['RUN cat 0<<EOF', { args: ['cat', '0<<EOF'], heredocs: ['0<<EOF'], heredocLines: [] }],
    ['RUN cat <<1x', { args: ['cat', '<<1x'], heredocs: ['<<1x'], heredocLines: [] }],
    ['RUN cat x<<EOF', { args: ['cat', 'x<<EOF'], heredocs: [], heredocLines: [] }],
    ['RUN cat <<EOF<', { heredocs: [], heredocLines: [] }],
    ['RUN cat <<', { args: ['cat', '<<'], heredocs: [], heredocLines: [] }],
    ['COPY <<A \\\n  <<B /dst/\na\nA\nb\nB', { args: ['<<A', '<<B', '/dst/'], text: '<<A   <<B /dst/', heredocs: ['<<A', '<<B'], heredocLines: ['a', 'A', 'b', 'B'] }],
    ['CMD <<EOF', { args: ['<<EOF'], heredocs: [], heredocLines: [] }],
    ['RUN ["<<EOF"]', { args: ['<<EOF'], execForm: true, heredocs: [] }],
  ])('%j', (text, model) => {
    expect(only(text)).toMatchObject(model);
  });

  test('the text leaves out surrounding whitespace, non-breaking spaces included (the parser keeps them)', () => {
    expect(only('RUN echo hi\u00a0')).toMatchObject({ args: ['echo', 'hi\u00a0'], text: 'echo hi' });
  });

  test('a FROM without an image is a stage with an empty image', () => {
    expect(parseDockerfile('FROM\nRUN x\n').stages).toEqual([{ name: undefined, image: '', line: 1, instructions: [expect.objectContaining({ keyword: 'RUN' })] }]);
  });

  test('instructions before the first FROM other than ARG are dropped', () => {
    const parsed = parseDockerfile('LABEL a=b\nENV X=1\nARG Y\n');
    expect(parsed.globalArgs.map((a) => a.text)).toEqual(['Y']);
    expect(parsed.stages).toEqual([]);
  });

  test('the first line, even when the file has one line only', () => {
    expect(parseDockerfile('FROM x').firstLine).toBe('FROM x');
    expect(parseDockerfile('\nFROM x').firstLine).toBe('');
  });
});
