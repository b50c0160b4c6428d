/**
 * Edges of the Dockerfile policy (scripts/core/dockerfiles/policy.ts) that check-dockerfiles.test.ts
 * does not reach: other global arguments, stages on fixed images, where the pnpm store is filled from,
 * root files, and deploy mentioned outside a RUN. Each case edits the committed api-gateway Dockerfile
 * (header line 1, ARG NODE_IMAGE line 8, stages FROM at 10, 18, 24 and 40).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDockerfile } from '../../scripts/core/dockerfiles/parse.js';
import { checkDockerfile, type RuleId } from '../../scripts/core/dockerfiles/policy.js';
import { REPO_ROOT } from '../support/repo-copy.js';

const GOOD = readFileSync(join(REPO_ROOT, 'services/api-gateway/Dockerfile'), 'utf8');
const EXPECT = {
  file: 'services/api-gateway/Dockerfile',
  serviceDir: 'services/api-gateway',
  dependencyDirs: ['packages/shared', 'packages/auth'],
  headerMarker: 'by scripts/generate-dockerfiles.ts',
};
const check = (text: string) => checkDockerfile(parseDockerfile(text), EXPECT);
const edit = (text: string, from: string, to: string) => {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`test setup: ${from} not found in the Dockerfile`);
  return out;
};
const v = (line: number, rule: RuleId, message: string) => ({ file: EXPECT.file, line, rule, message });
const FETCH = 'RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetch --frozen-lockfile';
const STORE = 'no `RUN --mount=type=cache,... pnpm fetch` in the deps stage';

describe('checkDockerfile, edges', () => {
  test.each<[string, string, ReturnType<typeof v>[]]>([
    ['NODE_IMAGE after other global arguments, one of them bare', edit(GOOD, 'ARG NODE_IMAGE=node:24-alpine', 'ARG\nARG OTHER=node:18\nARG NODE_IMAGE=node:24-alpine'), []],
    [
      'no NODE_IMAGE argument and stages on fixed images: only the missing argument is reported',
      edit(
        edit(edit(GOOD, 'ARG NODE_IMAGE=node:24-alpine', 'ARG OTHER=1'), 'FROM ${NODE_IMAGE} AS base', 'FROM node:24-alpine AS base'),
        'FROM ${NODE_IMAGE} AS runtime',
        'FROM node:24-alpine AS runtime',
      ),
      [v(1, 'node-image-arg', 'missing global `ARG NODE_IMAGE=node:<LTS>-alpine` before the first FROM')],
    ],
    [
      'the base stage on a fixed image',
      edit(GOOD, 'FROM ${NODE_IMAGE} AS base', 'FROM node:24-alpine AS base'),
      [v(10, 'node-image-arg', 'stage base builds FROM node:24-alpine; expected FROM ${NODE_IMAGE}')],
    ],
    [
      'an unnamed last stage on a fixed image',
      edit(GOOD, 'FROM ${NODE_IMAGE} AS runtime', 'FROM node:24-alpine'),
      [
        v(10, 'four-stages', 'stages are [base, deps, builder, (unnamed)]; expected [base, deps, builder, runtime]'),
        v(40, 'node-image-arg', 'stage (unnamed) builds FROM node:24-alpine; expected FROM ${NODE_IMAGE}'),
      ],
    ],
    [
      'a cache mount among other mounts fills the store',
      edit(GOOD, FETCH, 'RUN --mount=type=bind,source=.npmrc,target=/x --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetch'),
      [],
    ],
    [
      'only a RUN fills the store',
      edit(GOOD, FETCH, 'COPY --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetch'),
      [
        v(
          21,
          'builder-scope',
          'the deps stage copies pnpm, which is not one of the root files (pnpm-lock.yaml, pnpm-workspace.yaml, package.json, .npmrc, tsconfig.base.json, tsconfig.package.json); the builder inherits it',
        ),
        v(18, 'pnpm-store-cache', STORE),
      ],
    ],
    ['a program that only ends in pnpm', edit(GOOD, FETCH, 'RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    mypnpm fetch'), [v(18, 'pnpm-store-cache', STORE)]],
    [
      'a pnpm command that only starts like fetch',
      edit(GOOD, FETCH, 'RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpm fetched'),
      [v(18, 'pnpm-store-cache', STORE)],
    ],
    ['pnpm fetch with no space between', edit(GOOD, FETCH, 'RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \\\n    pnpmfetch'), [v(18, 'pnpm-store-cache', STORE)]],
    [
      'root files written with a trailing slash are still root files',
      edit(GOOD, 'COPY tsconfig.base.json tsconfig.package.json ./', 'COPY tsconfig.base.json/ package.json// ./'),
      [],
    ],
    [
      'pnpm deploy named only in a LABEL of the builder',
      edit(edit(GOOD, 'deploy --prod', 'deploy'), '# This service', 'LABEL note="pnpm --filter x deploy --prod /out"\n#'),
      [v(24, 'pnpm-deploy', 'no `pnpm ... deploy --prod` in the builder stage')],
    ],
    [
      'deploy before pnpm is not a pnpm deploy',
      edit(GOOD, 'pnpm --filter "@kodingcaravan/api-gateway" deploy --prod', 'deploy --prod --filter x pnpm'),
      [v(24, 'pnpm-deploy', 'no `pnpm ... deploy --prod` in the builder stage')],
    ],
    ['the runtime copy from the builder may carry other flags', edit(GOOD, 'COPY --from=builder /out ./', 'COPY --from=builder --link /out ./'), []],
    ['the runtime copy may give the files to root', edit(GOOD, 'COPY --from=builder /out ./', 'COPY --from=builder --chown=root:root /out ./'), []],
    ['ENTRYPOINT named only in a label', edit(GOOD, '# Owned by root', 'LABEL note="ENTRYPOINT"\n#'), []],
  ])('%s', (_, text, expected) => {
    expect(check(text)).toEqual(expected);
  });
});

describe('instructions without arguments (docker build refuses them) are reported, not a crash', () => {
  test('a bare USER and a bare STOPSIGNAL', () => {
    const text = edit(edit(GOOD, 'USER node', 'USER'), 'STOPSIGNAL SIGTERM', 'STOPSIGNAL');
    expect(check(text)).toEqual([v(45, 'non-root-user', 'final USER names no user'), v(47, 'stopsignal', 'STOPSIGNAL ')]);
  });
});

describe('the code stays owned by root (DOCKER_ARCHITECTURE.md: the process cannot rewrite its own code)', () => {
  test.each<[string, string, string, ReturnType<typeof v>[]]>([
    [
      'a runtime copy given to the user',
      'COPY --from=builder /out ./',
      'COPY --from=builder --chown=1000 /out ./',
      [v(44, 'non-root-user', 'COPY --chown=1000 gives the code to 1000, which could rewrite it; leave it to root')],
    ],
    [
      'a runtime copy given to node by name',
      'COPY --from=builder /out ./',
      'COPY --from=builder --chown=node:node /out ./',
      [v(44, 'non-root-user', 'COPY --chown=node:node gives the code to node, which could rewrite it; leave it to root')],
    ],
    [
      'a runtime copy with its modes changed',
      'COPY --from=builder /out ./',
      'COPY --from=builder --chmod=777 /out ./',
      [v(44, 'non-root-user', 'COPY --chmod=777 changes the modes of the code; leave them as the build made them')],
    ],
    [
      'a chown in the runtime stage',
      'USER node',
      'RUN chown -R node /app\nUSER node',
      [v(45, 'non-root-user', 'RUN chown -R node /app changes who owns or may write files; leave the code to root')],
    ],
    [
      'an ADD given to the user',
      'COPY --from=builder /out ./',
      'ADD --chown=1000:1000 out.tar ./',
      [
        v(44, 'runtime-from-builder', 'ADD out.tar ./ does not come from the builder stage'),
        v(44, 'non-root-user', 'ADD --chown=1000:1000 gives the code to 1000, which could rewrite it; leave it to root'),
      ],
    ],
    [
      'a chown after another command',
      'USER node',
      'RUN true && chown -R node /app\nUSER node',
      [v(45, 'non-root-user', 'RUN true && chown -R node /app changes who owns or may write files; leave the code to root')],
    ],
    [
      'a chmod by path, in exec form',
      'USER node',
      'RUN ["/bin/chmod", "-R", "777", "/app"]\nUSER node',
      [v(45, 'non-root-user', 'RUN ["/bin/chmod", "-R", "777", "/app"] changes who owns or may write files; leave the code to root')],
    ],
    ['a chgrp with nothing after it', 'USER node', 'RUN chgrp\nUSER node', [v(45, 'non-root-user', 'RUN chgrp changes who owns or may write files; leave the code to root')]],
    ['a command whose name only ends in chown', 'USER node', 'RUN xchown a\nUSER node', []],
    ['a package manager named only in a label', 'USER node', 'LABEL note="see: npm ci"\nUSER node', []],
    ['chown named only in a label', 'USER node', 'LABEL note="see chown -R node /app"\nUSER node', []],
    [
      'a USER written with a variable (ARG RUNAS=0)',
      'USER node',
      'ARG RUNAS=0\nUSER ${RUNAS}',
      [v(46, 'non-root-user', 'final USER ${RUNAS} is not written out; name the user (node) so that the check can see it')],
    ],
  ])('%s', (_, from, to, expected) => {
    expect(check(edit(GOOD, from, to))).toEqual(expected);
  });
});

describe('no way around the scope of the builder and the runtime stage', () => {
  test.each<[string, string, string, ReturnType<typeof v>[]]>([
    [
      'the whole repository copied in the deps stage (the builder inherits it)',
      'COPY pnpm-lock.yaml pnpm-workspace.yaml ./',
      'COPY . ./',
      [
        v(
          20,
          'builder-scope',
          'the deps stage copies ., which is not one of the root files (pnpm-lock.yaml, pnpm-workspace.yaml, package.json, .npmrc, tsconfig.base.json, tsconfig.package.json); the builder inherits it',
        ),
      ],
    ],
    [
      'files from another image in the builder',
      'COPY tsconfig.base.json tsconfig.package.json ./',
      'COPY tsconfig.base.json tsconfig.package.json ./\nCOPY --from=evil/tools:1 /opt /opt',
      [v(26, 'builder-scope', 'COPY --from=evil/tools:1 /opt /opt brings files from outside the build context into the builder')],
    ],
    [
      'a build-time mount of the builder in the runtime stage',
      'USER node',
      'RUN --mount=type=bind,from=builder,source=/repo,target=/src cp -r /src/services/x /app/x\nUSER node',
      [
        v(
          45,
          'runtime-from-builder',
          'RUN --mount=type=bind,from=builder,source=/repo,target=/src reads another stage or image; the runtime stage takes only /out, with COPY --from=builder',
        ),
      ],
    ],
  ])('%s', (_, from, to, expected) => {
    expect(check(edit(GOOD, from, to))).toEqual(expected);
  });
});

describe('the scope rules, row by row', () => {
  const SCOPE_ROOTS = '(pnpm-lock.yaml, pnpm-workspace.yaml, package.json, .npmrc, tsconfig.base.json, tsconfig.package.json)';
  test.each<[string, string, string, ReturnType<typeof v>[]]>([
    [
      'an ADD of the repository in the deps stage',
      'COPY pnpm-lock.yaml pnpm-workspace.yaml ./',
      'ADD . ./',
      [v(20, 'builder-scope', `the deps stage copies ., which is not one of the root files ${SCOPE_ROOTS}; the builder inherits it`)],
    ],
    [
      'a second source that is no root file',
      'COPY pnpm-lock.yaml pnpm-workspace.yaml ./',
      'COPY pnpm-lock.yaml src ./',
      [v(20, 'builder-scope', `the deps stage copies src, which is not one of the root files ${SCOPE_ROOTS}; the builder inherits it`)],
    ],
    ['root files written with trailing slashes', 'COPY pnpm-lock.yaml pnpm-workspace.yaml ./', 'COPY pnpm-lock.yaml// pnpm-workspace.yaml/ ./', []],
    ['a stage by number', 'COPY tsconfig.base.json tsconfig.package.json ./', 'COPY tsconfig.base.json tsconfig.package.json ./\nCOPY --from=0 /repo/x ./x', []],
    ['a stage by a number of two digits', 'COPY tsconfig.base.json tsconfig.package.json ./', 'COPY tsconfig.base.json tsconfig.package.json ./\nCOPY --from=12 /repo/x ./x', []],
    [
      'an image whose name starts with a digit',
      'COPY tsconfig.base.json tsconfig.package.json ./',
      'COPY tsconfig.base.json tsconfig.package.json ./\nCOPY --from=1x /repo/x ./x',
      [v(26, 'builder-scope', 'COPY --from=1x /repo/x ./x brings files from outside the build context into the builder')],
    ],
    [
      'a mount whose first key is from=',
      'USER node',
      'RUN --mount=from=builder,type=bind,target=/src cp -r /src /x\nUSER node',
      [v(45, 'runtime-from-builder', 'RUN --mount=from=builder,type=bind,target=/src reads another stage or image; the runtime stage takes only /out, with COPY --from=builder')],
    ],
  ])('%s', (_, from, to, expected) => {
    expect(check(edit(GOOD, from, to))).toEqual(expected);
  });
});

describe('NODE_ENV and the stop signal as Docker reads them', () => {
  test.each<[string, string, string, ReturnType<typeof v>[]]>([
    [
      'NODE_ENV set back to development after production',
      'STOPSIGNAL SIGTERM',
      'ENV NODE_ENV=development\nSTOPSIGNAL SIGTERM',
      [v(47, 'node-env', 'NODE_ENV is development at the end, not production')],
    ],
    ['NODE_ENV in the legacy form (ENV key value), production', 'ENV NODE_ENV=production PORT=3000', 'ENV NODE_ENV production\nENV PORT=3000', []],
    [
      'NODE_ENV in the legacy form, development',
      'ENV NODE_ENV=production PORT=3000',
      'ENV NODE_ENV development\nENV PORT=3000',
      [v(41, 'node-env', 'NODE_ENV is development at the end, not production')],
    ],
    ['the stop signal without SIG: TERM', 'STOPSIGNAL SIGTERM', 'STOPSIGNAL TERM', []],
    ['another variable in the legacy form after NODE_ENV', 'STOPSIGNAL SIGTERM', 'ENV PORT 3000\nSTOPSIGNAL SIGTERM', []],
    [
      'a legacy value with a space in it',
      'ENV NODE_ENV=production PORT=3000',
      'ENV NODE_ENV prod uction',
      [v(41, 'node-env', 'NODE_ENV is prod uction at the end, not production')],
    ],
    ['the stop signal by number: 15 (SIGTERM)', 'STOPSIGNAL SIGTERM', 'STOPSIGNAL 15', []],
    ['the stop signal by number: 2 (SIGINT)', 'STOPSIGNAL SIGTERM', 'STOPSIGNAL 2', []],
    ['the stop signal by number: 9 (SIGKILL)', 'STOPSIGNAL SIGTERM', 'STOPSIGNAL 9', [v(47, 'stopsignal', 'STOPSIGNAL 9')]],
  ])('%s', (_, from, to, expected) => {
    expect(check(edit(GOOD, from, to))).toEqual(expected);
  });
});

describe('the final USER is root however it is written', () => {
  test.each<[string, ReturnType<typeof v>[]]>([
    ['USER root', [v(45, 'non-root-user', 'final USER is root')]],
    ['USER 0', [v(45, 'non-root-user', 'final USER is 0')]],
    ['USER 000:1000', [v(45, 'non-root-user', 'final USER is 000')]],
    ['USER 0:0', [v(45, 'non-root-user', 'final USER is 0')]],
    ['USER +0', [v(45, 'non-root-user', 'final USER is +0')]],
    ['USER -00:1', [v(45, 'non-root-user', 'final USER is -00')]],
    ['USER +10', []],
    ['USER :1000', [v(45, 'non-root-user', 'final USER names no user')]],
    ['USER 01000', []],
    ['USER 1000', []],
    ['USER 10', []],
    ['USER node:node', []],
  ])('%s', (line, expected) => {
    expect(check(edit(GOOD, 'USER node', line))).toEqual(expected);
  });
});

describe('here-documents (`<<EOF`) are inline text, not files of the repository', () => {
  const ROOT_COPY = 'COPY tsconfig.base.json tsconfig.package.json ./';
  test.each<[string, string, string, ReturnType<typeof v>[]]>([
    ['an inline .npmrc in the builder', ROOT_COPY, `${ROOT_COPY}\nCOPY <<EOF /repo/.npmrc\nauto-install-peers=false\nEOF`, []],
    [
      'an inline file in the deps stage, quoted and indented',
      'COPY pnpm-lock.yaml pnpm-workspace.yaml ./',
      'COPY pnpm-lock.yaml pnpm-workspace.yaml ./\nCOPY <<-"EOT" /repo/.npmrc\n\tx=y\n\tEOT',
      [],
    ],
    ['an inline file added in the builder', ROOT_COPY, `${ROOT_COPY}\nADD <<EOF /repo/x\ny\nEOF`, []],
    ['a body line that looks like a folder of another service', ROOT_COPY, `${ROOT_COPY}\nCOPY <<EOF /repo/notes\nservices/other/\nEOF`, []],
    [
      'a here-document beside a folder the service does not need',
      ROOT_COPY,
      `${ROOT_COPY}\nCOPY <<A services/other/ /repo/\nx\nA`,
      [v(26, 'builder-scope', 'copies services/other/, which is neither services/api-gateway nor one of its workspace dependencies (packages/shared, packages/auth)')],
    ],
    [
      'an inline file in the runtime stage, reported on one line',
      'USER node',
      'COPY <<EOF /app/extra.json\n{"a": 1}\nEOF\nUSER node',
      [v(45, 'runtime-from-builder', 'COPY <<EOF /app/extra.json does not come from the builder stage')],
    ],
    [
      'a package manager inside a RUN here-document, reported on one line',
      'USER node',
      'RUN <<EOF\nset -e\nnpm ci --omit=dev\nEOF\nUSER node',
      [v(45, 'no-package-manager', 'runs a package manager: <<EOF; set -e; npm ci --omit=dev; EOF')],
    ],
    [
      'a chown inside a RUN here-document, reported on one line',
      'USER node',
      'RUN <<EOF\nchown -R node /app\nEOF\nUSER node',
      [v(45, 'non-root-user', 'RUN <<EOF; chown -R node /app; EOF changes who owns or may write files; leave the code to root')],
    ],
    ['the store filled by a here-document', FETCH, 'RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store <<EOF\npnpm fetch --frozen-lockfile\nEOF', []],
  ])('%s', (_, from, to, expected) => {
    expect(check(edit(GOOD, from, to))).toEqual(expected);
  });
});

describe('the health check runs with node (the runtime stage installs nothing, and Node images differ in curl and wget)', () => {
  const CMD_LINE = / {2}CMD \["node", "-e", .*\]/;
  const health = (to: string) => {
    const out = GOOD.replace(CMD_LINE, to);
    if (out === GOOD) throw new Error('test setup: the HEALTHCHECK command was not found');
    return out;
  };
  const NOT_NODE = (program: string) =>
    `the HEALTHCHECK runs ${program}, which a Node image need not have (alpine has no curl, slim neither curl nor wget) and the runtime stage may not install; make the request with node, as the generated HEALTHCHECK does`;
  test.each<[string, string, ReturnType<typeof v>[]]>([
    ['curl in shell form', '  CMD curl -fsS http://127.0.0.1:3000/health || exit 1', [v(48, 'healthcheck', NOT_NODE('curl'))]],
    ['wget in exec form', '  CMD ["wget", "-q", "-O-", "http://127.0.0.1:3000/health"]', [v(48, 'healthcheck', NOT_NODE('wget'))]],
    ['curl by its path', '  CMD ["/usr/bin/curl", "-f", "http://127.0.0.1:3000/health"]', [v(48, 'healthcheck', NOT_NODE('/usr/bin/curl'))]],
    ['node by its path, in exec form', `  CMD ["/usr/local/bin/node", "-e", "require('http').get('http://127.0.0.1:3000/health')"]`, []],
    ['node in shell form', `  CMD node -e "require('http').get('http://127.0.0.1:3000/health')"`, []],
    ['node in exec form after more than one space', `  CMD   ["node", "-e", "require('http').get('http://127.0.0.1:3000/health')"]`, []],
    ['a program whose name only starts with node', '  CMD ["nodemon", "/health"]', [v(48, 'healthcheck', NOT_NODE('nodemon'))]],
    ['node started by exec in shell form', `  CMD exec node -e "require('http').get('http://127.0.0.1:3000/health')"`, []],
    ['node through sh -c in exec form', `  CMD ["/bin/sh", "-c", "node -e \\"require('http').get('http://127.0.0.1:3000/health')\\""]`, []],
    ['curl through sh -c in exec form', '  CMD ["sh", "-c", "curl -f http://127.0.0.1:3000/health"]', [v(48, 'healthcheck', NOT_NODE('curl'))]],
    ['a script with spaces before node', '  CMD ["sh", "-c", "  node /health.js"]', []],
    ['exec and node two spaces apart', '  CMD exec  node /health.js', []],
    ['exec and nothing after it', '  CMD exec', [v(48, 'healthcheck', 'the HEALTHCHECK does not call /health')]],
    ['exec alone before /health', '  CMD exec /health', [v(48, 'healthcheck', NOT_NODE('/health'))]],
    ['one JSON string (shell form to Docker)', '  CMD "node /health"', [v(48, 'healthcheck', NOT_NODE('"node'))]],
    ['sh without -c runs its own program', '  CMD ["sh", "/health.sh"]', [v(48, 'healthcheck', NOT_NODE('sh'))]],
    ['sh -x is no -c', '  CMD ["sh", "-x", "node /health"]', [v(48, 'healthcheck', NOT_NODE('sh'))]],
    ['a program that only starts like sh', '  CMD ["shellcheck", "-c", "node /health"]', [v(48, 'healthcheck', NOT_NODE('shellcheck'))]],
    ['sh -c with a script that is no text', '  CMD ["sh", "-c", 5, "/health"]', [v(48, 'healthcheck', NOT_NODE('sh'))]],
    ['an empty exec form (Docker runs it as a shell command)', '  CMD [] /health', [v(48, 'healthcheck', NOT_NODE('[]'))]],
    ['an exec form whose first item is no text', '  CMD [1, "/health"]', [v(48, 'healthcheck', NOT_NODE('[1,'))]],
  ])('%s', (_, to, expected) => {
    expect(check(health(to))).toEqual(expected);
  });
});

describe('a RUN bind mount reads the build context as a COPY would (BuildKit: a --mount without type= is a bind mount)', () => {
  const ROOT_COPY = 'COPY tsconfig.base.json tsconfig.package.json ./';
  const LOCK_COPY = 'COPY pnpm-lock.yaml pnpm-workspace.yaml ./';
  const DEPS = 'packages/shared, packages/auth';
  test.each<[string, string, string, ReturnType<typeof v>[]]>([
    [
      "another service's folder mounted in the builder",
      ROOT_COPY,
      `${ROOT_COPY}\nRUN --mount=type=bind,source=services/other,target=/x cp -r /x services/other`,
      [
        v(
          26,
          'builder-scope',
          `RUN --mount=type=bind,source=services/other,target=/x mounts services/other of the build context, which is neither services/api-gateway nor one of its workspace dependencies (${DEPS})`,
        ),
      ],
    ],
    [
      'the whole context mounted in the builder (no type, no source)',
      ROOT_COPY,
      `${ROOT_COPY}\nRUN --mount=target=/ctx ls /ctx`,
      [v(26, 'builder-scope', `RUN --mount=target=/ctx mounts the whole build context, which is neither services/api-gateway nor one of its workspace dependencies (${DEPS})`)],
    ],
    [
      'a folder of the workspace mounted in the deps stage',
      LOCK_COPY,
      `${LOCK_COPY}\nRUN --mount=type=bind,src=packages,target=/p true`,
      [
        v(
          21,
          'builder-scope',
          'the deps stage mounts packages of the build context (RUN --mount=type=bind,src=packages,target=/p), which is not one of the root files (pnpm-lock.yaml, pnpm-workspace.yaml, package.json, .npmrc, tsconfig.base.json, tsconfig.package.json); the builder inherits it',
        ),
      ],
    ],
    [
      'another image mounted in the builder',
      ROOT_COPY,
      `${ROOT_COPY}\nRUN --mount=type=bind,from=acme/tools:1,source=/bin,target=/t true`,
      [v(26, 'builder-scope', 'RUN --mount=type=bind,from=acme/tools:1,source=/bin,target=/t brings files from outside the build context into the builder')],
    ],
    [
      'the build context mounted in the runtime stage',
      'USER node',
      'RUN --mount=type=bind,source=services/other,target=/x cp -r /x /app/other\nUSER node',
      [v(45, 'runtime-from-builder', 'RUN --mount=type=bind,source=services/other,target=/x reads the build context; the runtime stage takes only /out, with COPY --from=builder')],
    ],
    [
      "another service's folder reached through .. from the service's own (BuildKit cleans the path)",
      ROOT_COPY,
      `${ROOT_COPY}\nRUN --mount=type=bind,source=services/api-gateway/../student-service,target=/x ls /x`,
      [
        v(
          26,
          'builder-scope',
          `RUN --mount=type=bind,source=services/api-gateway/../student-service,target=/x mounts services/student-service of the build context, which is neither services/api-gateway nor one of its workspace dependencies (${DEPS})`,
        ),
      ],
    ],
    [
      'every service reached through .. from a dependency',
      ROOT_COPY,
      `${ROOT_COPY}\nRUN --mount=type=bind,source=packages/auth/../../services,target=/x ls /x`,
      [
        v(
          26,
          'builder-scope',
          `RUN --mount=type=bind,source=packages/auth/../../services,target=/x mounts services of the build context, which is neither services/api-gateway nor one of its workspace dependencies (${DEPS})`,
        ),
      ],
    ],
    [
      'the whole context reached by climbing above its root (BuildKit stops at the root)',
      ROOT_COPY,
      `${ROOT_COPY}\nRUN --mount=source=../../services/api-gateway/../..,target=/x ls /x`,
      [
        v(
          26,
          'builder-scope',
          `RUN --mount=source=../../services/api-gateway/../..,target=/x mounts the whole build context, which is neither services/api-gateway nor one of its workspace dependencies (${DEPS})`,
        ),
      ],
    ],
    [
      'a root file reached through .. from a folder in the deps stage',
      LOCK_COPY,
      `${LOCK_COPY}\nRUN --mount=source=packages/..,target=/x true`,
      [
        v(
          21,
          'builder-scope',
          'the deps stage mounts the whole build context (RUN --mount=source=packages/..,target=/x), which is not one of the root files (pnpm-lock.yaml, pnpm-workspace.yaml, package.json, .npmrc, tsconfig.base.json, tsconfig.package.json); the builder inherits it',
        ),
      ],
    ],
    ['a dependency named through . and .. stays in scope', ROOT_COPY, `${ROOT_COPY}\nRUN --mount=source=./packages/./shared/../auth/,target=/a ls /a`, []],
    ['a root file named through a folder and .. in the deps stage', LOCK_COPY, `${LOCK_COPY}\nRUN --mount=source=packages/../.npmrc,target=/root/.npmrc true`, []],
    ["the service's own folder mounted in the builder", ROOT_COPY, `${ROOT_COPY}\nRUN --mount=type=bind,source=services/api-gateway/,target=/s ls /s`, []],
    ['a root file mounted in the deps stage', LOCK_COPY, `${LOCK_COPY}\nRUN --mount=source=.npmrc,target=/root/.npmrc true`, []],
    ['an earlier stage mounted in the builder', ROOT_COPY, `${ROOT_COPY}\nRUN --mount=type=bind,from=deps,source=/repo,target=/d ls /d`, []],
    ['a secret, an ssh agent and a tmpfs in the builder', ROOT_COPY, `${ROOT_COPY}\nRUN --mount=type=secret,id=npm --mount=type=ssh --mount=type=tmpfs,target=/t true`, []],
    ['a cache mount in the runtime stage (not kept in the image)', 'USER node', 'RUN --mount=type=cache,target=/tmp/c true\nUSER node', []],
  ])('%s', (_, from, to, expected) => {
    expect(check(edit(GOOD, from, to))).toEqual(expected);
  });
});
