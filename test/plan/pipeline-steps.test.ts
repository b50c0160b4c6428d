// Which `run:` scripts the plan executes (with the words it passes its own CLI) and which it only
// reports: the entry forms, the layout of a YAML block script, subcommands, and the reasons for a refusal.
import { describe, expect, test } from 'vitest';
import { classifyRun, expandWord } from '../../scripts/plan/pipeline-steps.js';

describe('classifyRun: the entry, however the script is laid out', () => {
  test.each([
    ['pnpm -s pipeline affected', ['affected', []]],
    ['pnpm --silent pipeline affected --json', ['affected', ['--json']]],
    ['pnpm run pipeline affected', ['affected', []]],
    ['pnpm --silent run pipeline tags --service api', ['tags', ['--service', 'api']]],
    ['node   scripts/dist/pipeline.cjs   affected   --base   HEAD~1', ['affected', ['--base', 'HEAD~1']]],
    ['node scripts/dist/pipeline.cjs affected --base=HEAD~1 --head HEAD', ['affected', ['--base=HEAD~1', '--head', 'HEAD']]],
    ['node scripts/dist/pipeline.cjs affected --event pull_request --cwd . --json', ['affected', ['--event', 'pull_request', '--cwd', '.', '--json']]],
    ['node scripts/dist/pipeline.cjs tags --cwd "$GITHUB_WORKSPACE" --json', ['tags', ['--cwd', '"$GITHUB_WORKSPACE"', '--json']]],
    // A YAML block script: indented, blank lines and comments around the one command, windows line ends.
    ['\n  # the services to build\n\n    node scripts/dist/pipeline.cjs affected --json  \n\n', ['affected', ['--json']]],
    ['# one\r\nnode scripts/dist/pipeline.cjs tags --service api\r\n', ['tags', ['--service', 'api']]],
    ['node scripts/dist/pipeline.cjs tags \\\r\n  --service api \\\n  --json', ['tags', ['--service', 'api', '--json']]],
    // bash drops a backslash-newline altogether: the words on either side join.
    ['node scripts/dist/pipeline.cjs tags --service api\\\n-web --json', ['tags', ['--service', 'api-web', '--json']]],
    ['node scripts/dist/pipeline.cjs tags --ser\\\r\nvice api', ['tags', ['--service', 'api']]],
    // A command with a subcommand keeps it among its words.
    [
      'node scripts/dist/pipeline.cjs release select --tag "$TAG" --ref main --service api --cwd . --json',
      ['release select', ['select', '--tag', '"$TAG"', '--ref', 'main', '--service', 'api', '--cwd', '.', '--json']],
    ],
    ['pnpm pipeline release select', ['release select', ['select']]],
    ['pnpm pipeline affected', ['affected', []]],
    ['pnpm pipeline affected --base v1.0+build,x=y%z:a --head HEAD^', ['affected', ['--base', 'v1.0+build,x=y%z:a', '--head', 'HEAD^']]],
    ['pnpm pipeline tags --service "$A$B" --cwd "${DIR}/x"', ['tags', ['--service', '"$A$B"', '--cwd', '"${DIR}/x"']]],
    ['pnpm pipeline tags --service "plain"', ['tags', ['--service', '"plain"']]],
    ['pnpm pipeline tags --service ""', ['tags', ['--service', '""']]],
    // release.yml's build: the commit the checkout reports (it only changes what is computed).
    ['node scripts/dist/pipeline.cjs tags --service "$SERVICE" --commit "$COMMIT"', ['tags', ['--service', '"$SERVICE"', '--commit', '"$COMMIT"']]],
  ] as const)('%j is executed', (script, [command, words]) => {
    expect(classifyRun(script)).toEqual({ kind: 'execute', command, words });
  });

  test.each([
    ['node scripts/dist/pipeline.cjs'],
    ['node scripts/dist/pipeline.cjs '],
    ['node scripts/dist/pipeline.cjsx affected'],
    ['node scripts/dist/pipeline.js affected'],
    ['node dist/pipeline.cjs affected'],
    ['nodejs scripts/dist/pipeline.cjs affected'],
    ['sudo node scripts/dist/pipeline.cjs affected'],
    ['node ../scripts/dist/pipeline.cjs affected'],
    ['pnpm pipelines affected'],
    ['pnpm exec pipeline affected'],
    ['pnpm -r pipeline affected'],
    ['npx pipeline affected'],
    ['pnpm pipeline Affected'],
    ['pnpm pipeline release'],
    ['pnpm pipeline release cut --service api'],
    ['pnpm pipeline select'],
    ['pnpm pipeline affected\npnpm pipeline tags --service api'],
    ['pnpm pipeline affected & wait'],
    ['pnpm pipeline affected < in'],
    ['pnpm pipeline tags --service `id`'],
    ['# only a comment'],
    ['\n\n'],
  ])('%j is only reported', (script) => {
    expect(classifyRun(script)).toEqual({ kind: 'report' });
  });
});

describe('classifyRun: an output command called in a way that may act is refused, with the reason', () => {
  test.each([
    ['pnpm pipeline tags --service', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service -x', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "--record"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "-"', 'tags', '--service has no single plain or double-quoted value'],
    ["pnpm pipeline tags --service 'api'", 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags "--json"', 'tags', 'argument "--json" is not a plain flag'],
    ['pnpm pipeline tags api', 'tags', 'argument api is not a plain flag'],
    ['pnpm pipeline tags -s api', 'tags', 'argument -s is not a plain flag'],
    ['pnpm pipeline tags --Service api', 'tags', 'argument --Service is not a plain flag'],
    ['pnpm pipeline affected --service api', 'affected', 'affected --service is not a computing flag (it may write files or act)'],
    ['pnpm pipeline tags --base HEAD', 'tags', 'tags --base is not a computing flag (it may write files or act)'],
    ['pnpm pipeline tags x--json', 'tags', 'argument x--json is not a plain flag'],
    ['pnpm pipeline tags --service.x api', 'tags', 'argument --service.x is not a plain flag'],
    ["pnpm pipeline tags --service api'", 'tags', '--service has no single plain or double-quoted value'],
    ["pnpm pipeline tags --service 'api", 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline affected --base ~1', 'affected', '--base has no single plain or double-quoted value'],
    ['pnpm pipeline affected --base ^1', 'affected', '--base has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service x"$A"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "$A"x', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "$"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "$1"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "${1}"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "${A"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "{A}"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "\\$A"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline tags --service "a"b"', 'tags', '--service has no single plain or double-quoted value'],
    ['pnpm pipeline release select --images', 'release select', 'release select --images is not a computing flag (it may write files or act)'],
  ])('%j', (script, command, reason) => {
    expect(classifyRun(script)).toEqual({ kind: 'refuse', command, reason });
  });

  test('a quoted value may start with a dash only inside: "a-b" is a value', () => {
    expect(classifyRun('pnpm pipeline tags --service "a-$X"')).toEqual({ kind: 'execute', command: 'tags', words: ['--service', '"a-$X"'] });
  });
});

describe('expandWord', () => {
  test.each([
    ['"${A}${B}"', { A: 'x', B: 'y' }, 'xy'],
    ['"$A_B"', { A: 'x', A_B: 'z' }, 'z'],
    ['"${A}_B"', { A: 'x', A_B: 'z' }, 'x_B'],
    ['"pre-$A/post"', { A: 'mid' }, 'pre-mid/post'],
    ['""', {}, ''],
    ['"plain"', {}, 'plain'],
    ['"$constructor"', {}, ''],
    ['"$EMPTY."', { EMPTY: '' }, '.'],
    ['--flag=x', { x: 'no' }, '--flag=x'],
  ])('%j with %j is %j', (word, env, expected) => {
    expect(expandWord(word, env)).toBe(expected);
  });
});
