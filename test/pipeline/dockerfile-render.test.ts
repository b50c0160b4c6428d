/**
 * Rendering a service's Dockerfile and the whole generated set (scripts/core/dockerfiles: render.ts,
 * generate.ts, names.ts, healthcheck.ts) over small workspaces built in memory.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { pipelineConfig } from '../../pipeline.config.js';
import { GENERATOR, renderAll } from '../../scripts/core/dockerfiles/generate.js';
import { healthcheckCommand } from '../../scripts/core/dockerfiles/healthcheck.js';
import { checkFolderName, checkGeneratedNames, IMAGE_NAME_COMPONENT } from '../../scripts/core/dockerfiles/names.js';
import { parseDockerfile } from '../../scripts/core/dockerfiles/parse.js';
import { checkDockerfile } from '../../scripts/core/dockerfiles/policy.js';
import { builderInputs, fillTemplate, GENERATED_HEADER, renderDockerfile } from '../../scripts/core/dockerfiles/render.js';
import { InputError } from '../../scripts/core/errors.js';
import { buildWorkspace, type PackageInput } from '../../scripts/core/workspace/graph.js';
import { dependencyRef, parseManifest } from '../../scripts/core/workspace/manifest.js';
import { REPO_ROOT } from '../support/repo-copy.js';

const pkg = (dir: string, name: string, deps: string[] = [], port?: number): PackageInput => ({
  dir,
  isService: dir.startsWith('services/'),
  manifest: parseManifest(
    `${dir}/package.json`,
    JSON.stringify({
      name,
      dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:*'])),
      ...(dir.startsWith('services/') ? { kodingcaravan: port === undefined ? {} : { port } } : {}),
    }),
  ),
});

// api -> auth -> shared (auth is listed first on purpose: the COPY lines follow build order, not the manifest).
const WS = buildWorkspace([
  pkg('packages/shared', '@k/shared'),
  pkg('packages/auth', '@k/auth', ['@k/shared']),
  pkg('services/api', '@k/api', ['@k/auth', '@k/shared'], 3001),
  pkg('services/lone', '@k/lone', [], 3002),
]);
const service = (name: string) => WS.get(name);
const CTX = { templatePath: 'services/Dockerfile.template', generator: 'scripts/gen.ts', pnpmVersion: '10.1.2' };

describe('GENERATED_HEADER', () => {
  test('names the source and the generator, and says how to regenerate', () => {
    expect(GENERATED_HEADER('a/template', 'b/gen.ts')).toBe('# DO NOT EDIT: generated from a/template by b/gen.ts. Run `pnpm generate` after changing the template.');
  });
});

describe('fillTemplate', () => {
  test('replaces every occurrence of each placeholder and leaves other braces alone', () => {
    expect(fillTemplate('{{A}}-{{B_C}}-{{A}} {{lower}} {{A1}} {A}', { A: 'x', B_C: 'y' }, 'f')).toBe('x-y-x {{lower}} {{A1}} {A}');
  });

  test('an unknown placeholder is an error naming the file, the placeholder and the known ones', () => {
    expect(() => fillTemplate('{{A}} {{NOPE}}', { A: 'x', B: 'y' }, 'tpl')).toThrow(new InputError('tpl: unknown placeholder {{NOPE}}; known: A, B'));
  });

  test('a value the template does not use is an error listing each unused placeholder', () => {
    expect(() => fillTemplate('{{A}}', { A: 'x', B: 'y', C: 'z' }, 'tpl')).toThrow(new InputError('tpl: the template does not use {{B}}, {{C}}; every value must appear'));
    expect(() => fillTemplate('none', { B: 'y' }, 'tpl')).toThrow(new InputError('tpl: the template does not use {{B}}; every value must appear'));
  });

  test('an empty value is a value', () => {
    expect(fillTemplate('[{{A}}]', { A: '' }, 'f')).toBe('[]');
  });
});

const TEMPLATE = [
  '{{HEADER}}',
  'ARG PNPM_VERSION={{PNPM_VERSION}}',
  '{{COPY_WORKSPACE_PACKAGES}}',
  'COPY {{SERVICE_DIR}}/ {{SERVICE_DIR}}/',
  'RUN pnpm --filter "{{PACKAGE}}" deploy --prod /out',
  'EXPOSE {{PORT}}',
  'HEALTHCHECK CMD {{HEALTHCHECK}}',
  'LABEL title="{{SERVICE}}"',
  '',
].join('\n');

describe('renderDockerfile', () => {
  test('fills each placeholder; the workspace packages are copied in build order, dependencies first', () => {
    const text = renderDockerfile(TEMPLATE, WS, service('@k/api'), CTX);
    const health = JSON.stringify(healthcheckCommand(3001)[2]);
    expect(text).toBe(
      [
        '# DO NOT EDIT: generated from services/Dockerfile.template by scripts/gen.ts. Run `pnpm generate` after changing the template.',
        'ARG PNPM_VERSION=10.1.2',
        'COPY packages/shared/ packages/shared/',
        'COPY packages/auth/ packages/auth/',
        'COPY services/api/ services/api/',
        'RUN pnpm --filter "@k/api" deploy --prod /out',
        'EXPOSE 3001',
        `HEALTHCHECK CMD ["node", "-e", ${health}]`,
        'LABEL title="api"',
        '',
      ].join('\n'),
    );
  });

  describe('local inputs (vendored folders a file:/link: dependency points at)', () => {
    const vendored = (dir: string, name: string, deps: Record<string, string>, port?: number): PackageInput => ({
      dir,
      isService: dir.startsWith('services/'),
      manifest: parseManifest(`${dir}/package.json`, JSON.stringify({ name, dependencies: deps, ...(port === undefined ? {} : { kodingcaravan: { port } }) })),
    });

    test("the service's and its dependencies' are copied after the packages, once each, sorted, at their own paths", () => {
      const ws = buildWorkspace([
        vendored('packages/shared', '@k/shared', { pad: 'file:../../vendor/pad', sub: 'file:./vendored/sub' }),
        // vendor/a after the dependency's folders: the lines are sorted, not in the order met. Its own
        // ./vendor/own is inside services/api, copied whole already: no line of its own.
        vendored(
          'services/api',
          '@k/api',
          { '@k/shared': 'workspace:*', pad: 'link:../../vendor/pad/', z: 'file:../../vendor/z', a: 'file:../../vendor/a', own: 'file:./vendor/own' },
          3001,
        ),
        vendored('services/lone', '@k/lone', { elsewhere: 'file:../../../outside' }, 3002),
      ]);
      expect(builderInputs(ws, ws.get('@k/api'))).toEqual({ packages: ['packages/shared'], local: ['vendor/a', 'vendor/pad', 'vendor/z'] });
      expect(renderDockerfile(TEMPLATE, ws, ws.get('@k/api'), CTX).split('\n').slice(2, 7)).toEqual([
        'COPY packages/shared/ packages/shared/',
        'COPY vendor/a vendor/a',
        'COPY vendor/pad vendor/pad',
        'COPY vendor/z vendor/z',
        'COPY services/api/ services/api/',
      ]);
      // A path outside the repository is no local input: nothing to copy.
      expect(renderDockerfile(TEMPLATE, ws, ws.get('@k/lone'), CTX).split('\n').slice(2, 4)).toEqual(['# (no workspace dependencies)', 'COPY services/lone/ services/lone/']);
    });

    test.each(['vendor/t-1.0.0.tgz', 'vendor/t.tar', 'vendor/t.tar.gz'])(
      'a tarball (%s) is refused, naming the package and the fix: pnpm fetch reads it before the build context is copied',
      (tarball) => {
        const ws = buildWorkspace([
          vendored('packages/shared', '@k/shared', { t: `file:../../${tarball}` }),
          vendored('services/api', '@k/api', { '@k/shared': 'workspace:*' }, 3001),
        ]);
        expect(() => renderDockerfile(TEMPLATE, ws, ws.get('@k/api'), CTX)).toThrow(
          new InputError(
            `packages/shared/package.json: a file: dependency on the tarball "${tarball}" (its own, or a vendored package's it copies) cannot be built by the generated Dockerfile (its deps stage runs \`pnpm fetch\`, which reads the tarball, before anything but the root files is copied); unpack it into a folder and depend on that folder with file:`,
          ),
        );
      },
    );

    test("a tarball a vendored package's own file: dependency reaches is refused the same way, naming the package that copies it", () => {
      const ws = buildWorkspace([vendored('services/api', '@k/api', { pad: 'file:../../vendor/pad' }, 3001)], {
        vendored: new Map([['vendor/pad', [dependencyRef('t', 'file:./t-1.0.0.tgz')]]]),
      });
      expect(() => renderDockerfile(TEMPLATE, ws, ws.get('@k/api'), CTX)).toThrow(
        /^services\/api\/package\.json: a file: dependency on the tarball "vendor\/pad\/t-1\.0\.0\.tgz" \(its own, or a vendored package's it copies\) cannot be built/,
      );
    });

    test('a folder whose name only ends like a tarball is a folder', () => {
      const ws = buildWorkspace([vendored('services/api', '@k/api', { t: 'file:../../vendor/x.tgz.d', u: 'file:../../vendor/tar' }, 3001)]);
      expect(builderInputs(ws, ws.get('@k/api')).local).toEqual(['vendor/tar', 'vendor/x.tgz.d']);
    });
  });

  test('a service without workspace dependencies gets a comment instead of COPY lines', () => {
    const text = renderDockerfile(TEMPLATE, WS, service('@k/lone'), CTX);
    expect(text.split('\n').slice(2, 4)).toEqual(['# (no workspace dependencies)', 'COPY services/lone/ services/lone/']);
  });

  test('the HEALTHCHECK is exec form: Docker reads it back as the health command, argument for argument', () => {
    const text = renderDockerfile(`FROM x AS s\n${TEMPLATE}`, WS, service('@k/lone'), CTX);
    const health = parseDockerfile(text).stages[0]?.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.text.startsWith('CMD ["node", "-e", ')).toBe(true);
    expect(JSON.parse(health?.text.slice('CMD '.length) ?? '')).toEqual(healthcheckCommand(3002));
  });

  test('a service without a port is refused, naming its package.json', () => {
    const ws = buildWorkspace([pkg('services/noport', '@k/noport')]);
    expect(() => renderDockerfile(TEMPLATE, ws, ws.get('@k/noport'), CTX)).toThrow(
      new InputError('services/noport/package.json: a service needs "kodingcaravan": { "port": <number> }'),
    );
  });

  test('the real template renders a Dockerfile that passes every policy rule', () => {
    const template = readFileSync(join(REPO_ROOT, 'services/Dockerfile.template'), 'utf8');
    const text = renderDockerfile(template, WS, service('@k/api'), { templatePath: 'services/Dockerfile.template', generator: GENERATOR, pnpmVersion: '10.34.9' });
    const expectation = { file: 'services/api/Dockerfile', serviceDir: 'services/api', dependencyDirs: ['packages/shared', 'packages/auth'], headerMarker: `by ${GENERATOR}` };
    expect(checkDockerfile(parseDockerfile(text), expectation)).toEqual([]);
  });
});

describe('renderAll: the whole generated set', () => {
  const template = readFileSync(join(REPO_ROOT, 'services/Dockerfile.template'), 'utf8');
  const ws = buildWorkspace([
    pkg('packages/auth', '@kodingcaravan/auth'),
    pkg('services/one', '@kodingcaravan/one', ['@kodingcaravan/auth'], 3100),
    pkg('services/two', '@kodingcaravan/two', [], 3200),
  ]);
  const config = { ...pipelineConfig, versions: { ...pipelineConfig.versions, node: '22' } };

  test('one Dockerfile per service (at <dir>/Dockerfile), then docker-compose.yml', () => {
    const files = renderAll(ws, template, config, '10.0.0');
    expect([...files.keys()]).toEqual(['services/one/Dockerfile', 'services/two/Dockerfile', 'docker-compose.yml']);
    const one = files.get('services/one/Dockerfile') ?? '';
    expect(one.split('\n')[0]).toBe(
      '# DO NOT EDIT: generated from services/Dockerfile.template by scripts/generate-dockerfiles.ts. Run `pnpm generate` after changing the template.',
    );
    expect(one).toContain('\nARG PNPM_VERSION=10.0.0\n');
    expect(one).toContain('\nCOPY packages/auth/ packages/auth/\n');
  });

  test('another marker (services.marker: Containerfile): each service file and the compose build name it (compose said Dockerfile)', () => {
    const files = renderAll(ws, template, { ...config, services: { ...config.services, marker: 'Containerfile' } }, '10.0.0');
    expect([...files.keys()]).toEqual(['services/one/Containerfile', 'services/two/Containerfile', 'docker-compose.yml']);
    const compose = files.get('docker-compose.yml') ?? '';
    expect(compose.split('\n').filter((l) => l.includes('dockerfile:'))).toEqual(['      dockerfile: services/one/Containerfile', '      dockerfile: services/two/Containerfile']);
  });

  test('the compose file: its own header, the configured Node image as default, AUTH_SECRET for every service', () => {
    const compose = renderAll(ws, template, config, '10.0.0').get('docker-compose.yml') ?? '';
    const lines = compose.split('\n');
    expect(lines[0]).toBe(
      '# DO NOT EDIT: generated from the service catalog (services/*/package.json) by scripts/generate-dockerfiles.ts. Run `pnpm generate` after changing the template.',
    );
    expect(lines.filter((l) => l.includes('NODE_IMAGE:'))).toEqual(['        NODE_IMAGE: ${NODE_IMAGE:-node:22-alpine}', '        NODE_IMAGE: ${NODE_IMAGE:-node:22-alpine}']);
    expect(lines.filter((l) => l.includes('AUTH_SECRET:'))).toHaveLength(2);
  });

  test('names are checked before anything is rendered', () => {
    const bad = buildWorkspace([pkg('services/Bad', '@kodingcaravan/bad', [], 1)]);
    expect(() => renderAll(bad, template, config, '10.0.0')).toThrow(/^"services\/Bad": folder name "Bad" cannot be used in generated files/);
  });
});

describe('names that become part of generated files', () => {
  const FORM = 'lowercase letters and digits, separated by ".", "_", "__" or "-", at most 63 characters (an image name component and a compose service name)';

  test.each([['a'], ['api-gateway'], ['a--b'], ['a.b_c__d'], ['9lives'], ['x'.repeat(63)]])('folder %j is fine', (folder) => {
    expect(() => checkFolderName(folder, 'here')).not.toThrow();
  });

  test.each([['x'.repeat(64)], ['Api'], ['-a'], ['a-'], ['a___b'], ['a..b'], ['a b'], ['']])('folder %j is refused with the form it must have', (folder) => {
    expect(() => checkFolderName(folder, 'here')).toThrow(new InputError(`here: folder name ${JSON.stringify(folder)} cannot be used in generated files; expected ${FORM}`));
  });

  test('the OCI path component grammar, anchored at both ends', () => {
    expect(IMAGE_NAME_COMPONENT.test('ok')).toBe(true);
    expect(IMAGE_NAME_COMPONENT.test('ok/x')).toBe(false);
    expect(IMAGE_NAME_COMPONENT.test('x/ok')).toBe(false);
  });

  test.each([
    ['@scope/name', true],
    ['plain', true],
    ['a.b_c~d-e', true],
    [`@s/${'n'.repeat(211)}`, true], // 214 characters
    [`@s/${'n'.repeat(212)}`, false], // 215
    ['Upper', false],
    ['@Scope/x', false],
    ['.hidden', false],
    ['@s/_x', false],
    ['a/b', false],
    ['@s/x y', false],
  ])('package name %j usable: %s', (name, ok) => {
    const ws = buildWorkspace([pkg('services/svc', name, [], 1)]);
    const run = () => checkGeneratedNames(ws);
    if (ok) expect(run).not.toThrow();
    else
      expect(run).toThrow(
        new InputError(
          `"services/svc"/package.json: package name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} cannot be used in generated files; expected an npm name (@scope/name, lowercase)`,
        ),
      );
  });

  test('every segment of every folder a Dockerfile copies is checked, and only those', () => {
    const copied = buildWorkspace([pkg('libs/My_Lib', '@k/lib'), pkg('services/svc', '@k/svc', ['@k/lib'], 1)]);
    expect(() => checkGeneratedNames(copied)).toThrow(new InputError(`"libs/My_Lib": folder name "My_Lib" cannot be used in generated files; expected ${FORM}`));
    const unused = buildWorkspace([pkg('libs/My_Lib', '@k/lib'), pkg('services/svc', '@k/svc', [], 1)]);
    expect(() => checkGeneratedNames(unused)).not.toThrow();
    const parent = buildWorkspace([pkg('Libs/lib', '@k/lib'), pkg('services/svc', '@k/svc', ['@k/lib'], 1)]);
    expect(() => checkGeneratedNames(parent)).toThrow(/^"Libs\/lib": folder name "Libs"/);
    const serviceParent = buildWorkspace([pkg('services/svc', '@k/svc', [], 1), pkg('apps/X/svc', '@k/x')]);
    expect(() => checkGeneratedNames(serviceParent)).not.toThrow();
  });
});

describe('healthcheckCommand: run by node against a real HTTP server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });
  const listen = async (handler: (url: string) => number): Promise<number> => {
    server = createServer((req, res) => {
      res.statusCode = handler(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address: AddressInfo | string | null | undefined = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  };
  /** The exit code of the command, with `node` as this Node. */
  const exitCode = (command: string[], env: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const [, ...args] = command;
      execFile(process.execPath, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 }, (err) => {
        resolve(err === null ? 0 : typeof err.code === 'number' ? err.code : -1);
      });
    });
  const unusedPort = async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  };

  test('is `node -e <script>`', () => {
    const command = healthcheckCommand(3000);
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command).toHaveLength(3);
  });

  test('healthy: 200 on /health at the given port', async () => {
    const port = await listen((url) => (url === '/health' ? 200 : 404));
    expect(await exitCode(healthcheckCommand(port), {})).toBe(0);
  });

  test('PORT in the environment wins over the default port', async () => {
    const port = await listen((url) => (url === '/health' ? 200 : 404));
    expect(await exitCode(healthcheckCommand(await unusedPort()), { PORT: String(port) })).toBe(0);
  });

  test.each([
    ['a 503', 503],
    ['a 204 (only 200 is healthy)', 204],
  ])('unhealthy: %s on /health', async (_, status) => {
    const port = await listen(() => status);
    expect(await exitCode(healthcheckCommand(port), {})).toBe(1);
  });

  test('unhealthy: the server answers 200 elsewhere but not on /health', async () => {
    const port = await listen((url) => (url === '/health' ? 404 : 200));
    expect(await exitCode(healthcheckCommand(port), {})).toBe(1);
  });

  test('unhealthy: nothing listens', async () => {
    expect(await exitCode(healthcheckCommand(await unusedPort()), {})).toBe(1);
  });
});
