/**
 * Parsers of the text git prints for the formats `io/git.ts` asks for: pure, tested on literal
 * strings (test/pipeline/git-parsers.test.ts), so a change to a format is caught without running git.
 */

export interface LogEntry {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly subject: string;
  readonly body: string;
}

/** `git tag --list --format=<name>%00<object>%00<peeled object>` lines. */
export function parseTagList(text: string): Array<{ readonly name: string; readonly commit: string }> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      // Stryker disable next-line StringLiteral: split always gives a first part, so name's default '' is never used (the other defaults and the '\0' are pinned by the tests)
      const [name = '', object = '', peeled = ''] = line.split('\0');
      return { name, commit: peeled === '' ? object : peeled };
    });
}

/** `git log --format=%H%x00%P%x00%s%x00%b%x1e` records. */
export function parseLog(text: string): LogEntry[] {
  return text
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record !== '')
    .map((record) => {
      // Stryker disable next-line StringLiteral: split always gives a first part, so sha's default '' is never used (the other defaults and the '\0' are pinned by the tests)
      const [sha = '', parents = '', subject = '', body = ''] = record.split('\0');
      return { sha, parents: parents === '' ? [] : parents.split(' '), subject, body: body.trimEnd() };
    });
}
