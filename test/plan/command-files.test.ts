// GITHUB_OUTPUT / GITHUB_ENV as the runner reads them (actions/runner, "Workflow commands": setting an
// output parameter, multiline strings): `name=value` when `=` comes first, `name<<DELIMITER` when `<<`
// comes first, an empty name is an error, and a later write of a name wins.
import { describe, expect, test } from 'vitest';
import { InputError } from '../../scripts/core/errors.js';
import { parseCommandFile } from '../../scripts/plan/command-files.js';

describe('parseCommandFile', () => {
  test.each([
    ['windows line ends', 'a=1\r\nb=2\r\n', { a: '1', b: '2' }],
    ['a heredoc with windows line ends', 'm<<EOF\r\none\r\ntwo\r\nEOF\r\n', { m: 'one\ntwo' }],
    ['no final newline', 'a=1', { a: '1' }],
    ['blank lines between commands', '\n\na=1\n\n\nb=2\n', { a: '1', b: '2' }],
    ['`=` before `<<`: a plain value holding <<', 'a=b<<c\n', { a: 'b<<c' }],
    ['`<<` before `=`: a delimiter holding =', 'x<<E=F\nbody\nE=F\n', { x: 'body' }],
    ['an empty heredoc', 'x<<EOF\nEOF\n', { x: '' }],
    ['a heredoc keeps blank lines', 'x<<EOF\n\nmid\n\nEOF\n', { x: '\nmid\n' }],
    ['only a line equal to the delimiter closes it', 'x<<EOF\nEOFX\n EOF\nEOF\ny=2\n', { x: 'EOFX\n EOF', y: '2' }],
    ['a heredoc then a later plain write', 'x<<EOF\n1\nEOF\nx=2\n', { x: '2' }],
    ['a plain write then a later heredoc', 'x=1\nx<<EOF\n2\nEOF\n', { x: '2' }],
  ])('%s', (_name, text, expected) => {
    expect(parseCommandFile('GITHUB_OUTPUT', text)).toEqual(expected);
  });

  test.each([
    ['=x\n', 'GITHUB_ENV: line "=x" is neither name=value nor name<<DELIMITER'],
    ['<<EOF\nx\nEOF\n', 'GITHUB_ENV: line "<<EOF" is neither name=value nor name<<DELIMITER'],
    ['=x<<E\nb\nE\n', 'GITHUB_ENV: line "=x<<E" is neither name=value nor name<<DELIMITER'],
    ['a=1\njust text\n', 'GITHUB_ENV: line "just text" is neither name=value nor name<<DELIMITER'],
    ['tags<<EOT\nr/a:1\n', 'GITHUB_ENV: tags<<EOT is never closed by a line EOT'],
    ['tags<<EOT\nr/a:1\nEOT \n', 'GITHUB_ENV: tags<<EOT is never closed by a line EOT'],
    ['x<<', 'GITHUB_ENV: x<< is never closed by a line '],
  ])('%j is rejected', (text, message) => {
    expect(() => parseCommandFile('GITHUB_ENV', text)).toThrow(new InputError(message));
  });
});
