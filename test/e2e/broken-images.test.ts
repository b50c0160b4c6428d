/**
 * `verify-image` catches what it claims to: deliberately broken images, each made from the real
 * generated Dockerfile of one service by one mistake, are built on the engine and must fail exactly the
 * rules that mistake breaks, with a message naming the rule. The images are removed afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RuleId } from '../../scripts/core/verify/rules.js';
import { buildService } from './support/build.js';
import { pipeline, ruleLines } from './support/cli.js';
import { baseImageFlag, lab, ROOT, SOURCE } from './support/lab.js';

const SERVICE = 'student-auth-service';
const OTHER = 'student-service';

/** Replaces `pattern` in `text`, and fails loudly when the template changed so that the mistake would not be made. */
function mistake(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`the Dockerfile of ${SERVICE} no longer matches ${pattern}: update this test's mistake`);
  return text.replace(pattern, replacement);
}

interface Variant {
  readonly name: string;
  /** The rule whose failure must show the evidence. */
  readonly rule: RuleId;
  /** What the failure must show. */
  readonly evidence: RegExp;
  /** Every rule that fails, when the mistake breaks more than one (default: `rule` alone). */
  readonly rules?: readonly RuleId[];
  readonly dockerfile: (good: string) => string;
  readonly labels?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'runs as root (no USER)', rule: 'non-root', evidence: /sets no USER/, dockerfile: (d) => mistake(d, /^USER node\n/m, '') },
  {
    name: 'a devDependency left in (deploy without --prod)',
    rule: 'no-dev-dependencies',
    evidence: /typescript|vitest/,
    dockerfile: (d) => mistake(d, / deploy --prod /, ' deploy '),
  },
  {
    name: 'a second service copied in',
    rule: 'only-this-service',
    evidence: new RegExp(`${OTHER} \\(/app/${OTHER}`),
    dockerfile: (d) => mistake(d, /^(COPY --from=builder \/out \.\/\n)/m, `$1COPY services/${OTHER}/ ./${OTHER}/\n`),
  },
  {
    // Outside /app: the builder's workspace (its node_modules holds the build's devDependencies, pnpm among
    // them since it is the root's devDependency too, the reference of test/pipeline/affected/pnpm-reference.test.ts;
    // its service folder the TypeScript sources and compiler settings).
    name: "the builder's workspace copied beside /app",
    rule: 'no-dev-dependencies',
    rules: ['no-dev-dependencies', 'compiled-only', 'no-pnpm'],
    evidence: /\(\/repo\/node_modules\//,
    dockerfile: (d) => mistake(d, /^(COPY --from=builder \/out \.\/\n)/m, `$1COPY --from=builder /repo /repo\n`),
  },
  {
    // Into the Node image's own folder of global packages, as `npm install -g typescript` would: the
    // base image's layers are left out of the rule, not that folder.
    name: 'a dev tool installed globally',
    rule: 'no-dev-dependencies',
    evidence: /typescript \(\/usr\/local\/lib\/node_modules\/typescript/,
    dockerfile: (d) =>
      mistake(
        d,
        /^(COPY --from=builder \/out \.\/\n)/m,
        `$1COPY --from=builder /repo/node_modules/.pnpm/typescript@*/node_modules/typescript /usr/local/lib/node_modules/typescript/\n`,
      ),
  },
  {
    // Outside /app, and deleted by a later layer: the image still ships the layer that holds them.
    name: 'sources copied outside /app and deleted in a later layer',
    rule: 'compiled-only',
    evidence: /\/srv\/src\/[a-z-]+\.ts/,
    dockerfile: (d) => mistake(d, /^(COPY --from=builder \/out \.\/\n)/m, `$1COPY --from=builder /repo/services/${SERVICE}/src /srv/src\nRUN rm -rf /srv/src\n`),
  },
  {
    // The brief's "compiled JavaScript (dist/)": what a manifest without "files": ["dist"] would let pnpm deploy copy.
    name: "the service's TypeScript sources copied in",
    rule: 'compiled-only',
    evidence: /\/app\/src\/[a-z-]+\.ts/,
    dockerfile: (d) => mistake(d, /^(COPY --from=builder \/out \.\/\n)/m, `$1COPY --from=builder /repo/services/${SERVICE}/src ./src\n`),
  },
  {
    name: 'no HEALTHCHECK',
    rule: 'healthy',
    evidence: /defines no HEALTHCHECK/,
    dockerfile: (d) => mistake(d, /^HEALTHCHECK [^\n]*\\\n[^\n]*\n/m, ''),
  },
  {
    // A shell between the engine and node: dash (the lab's bookworm base) stays PID 1, has no SIGTERM handler, so
    // the signal is dropped and the engine kills it when the grace period ends; busybox sh (alpine) execs node,
    // which then stops, but PID 1 is still not the image's CMD. Either way the CMD is not node's.
    name: 'wraps node in a shell (CMD ["sh", "-c", "node dist/index.js"])',
    rule: 'signals',
    evidence: /the image's CMD \["sh","-c","node dist\/index\.js"\] does not start node/,
    dockerfile: (d) => mistake(d, /^CMD \["node", "dist\/index\.js"\]$/m, 'CMD ["sh", "-c", "node dist/index.js"]'),
  },
  { name: 'built without SOURCE and REVISION', rule: 'oci-labels', evidence: /org\.opencontainers\.image\.source is "unknown"/, dockerfile: (d) => d, labels: false },
];

const work = mkdtempSync(join(tmpdir(), 'kc-broken-'));
const built: string[] = [];

/** Registry tags this file pushed (`<host>/<name>:<tag>`), deleted at the end. */
const pushed: string[] = [];

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  for (const ref of pushed) {
    const m = ref.match(/^([^/]+)\/(.+):([^:/]+)$/);
    if (!m) continue;
    const manifests = `http://${m[1]}/v2/${m[2]}/manifests`;
    const accept = [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
    ];
    const head = await fetch(`${manifests}/${m[3]}`, { method: 'HEAD', headers: { accept: accept.join(', ') } });
    const digest = head.headers.get('docker-content-digest');
    if (digest !== null) await fetch(`${manifests}/${digest}`, { method: 'DELETE' });
  }
  if (built.length === 0) return;
  const l = await lab();
  for (const tag of built) await l.engine.removeImage(tag);
});

describe.each(VARIANTS.map((v, i) => [v.name, v, i] as const))('an image that %s', (_name, variant, index) => {
  test(`fails verify-image on ${(variant.rules ?? [variant.rule]).join(' and ')} only, naming the rule and the evidence`, async () => {
    const good = readFileSync(join(ROOT, 'services', SERVICE, 'Dockerfile'), 'utf8');
    const dockerfile = join(work, `Dockerfile.${index}`);
    writeFileSync(dockerfile, variant.dockerfile(good));
    const l = await lab();
    const tag = `kc-e2e-broken/${SERVICE}:variant-${index}`;
    await buildService(l, SERVICE, { tags: [tag], dockerfile, labels: variant.labels ?? true });
    built.push(tag);

    // Built on the lab's base, not the Dockerfile's declared one: the caller names it, the image cannot.
    const r = await pipeline(['verify-image', SERVICE, '--image', tag, '--source', SOURCE, '--cwd', ROOT, ...baseImageFlag(l)]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(ruleLines(r.stdout).filter((x) => !x.ok)).toEqual((variant.rules ?? [variant.rule]).map((rule) => ({ rule, ok: false })));
    const message = r.stderr.split('\n').find((line) => line.includes(`rule ${variant.rule} failed`));
    expect(message, r.stderr).toMatch(variant.evidence);
  });
});

describe('the base whose layers verify-image leaves out', () => {
  /** The lab's base under a registry name of this run's own, and a good image of SERVICE built on it. */
  const base = `127.0.0.1:5000/kc-e2e-base-${process.pid}/node:current`;
  const good = `kc-e2e-broken/${SERVICE}:on-registry-base`;
  const ready = (async () => {
    const l = await lab();
    if (l.nodeImage === undefined) throw new Error('these cases need a lab base image (lab.json nodeImage) to push to the lab registry');
    await l.engine.tag(l.nodeImage, base);
    await l.engine.push(base);
    pushed.push(base);
    built.push(base);
    await buildService(l, SERVICE, { tags: [good], nodeImage: base });
    built.push(good);
    return l;
  })();
  // Started on first use only: describe bodies run at collection, so the promise must not reject unobserved.
  ready.catch(() => undefined);

  test("the image's own base.name label does not choose: a label naming another base than the Dockerfile's ARG NODE_IMAGE is refused, exit 2", async () => {
    await ready;
    // As a build with `--build-arg NODE_IMAGE=<an earlier service image>` would: the image names its own exempt layers.
    const r = await pipeline(['verify-image', SERVICE, '--image', good, '--source', SOURCE, '--cwd', ROOT]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `image ${good} names ${base} as its base (its org.opencontainers.image.base.name label), not node:24-alpine, the one services/${SERVICE}/Dockerfile declares (ARG NODE_IMAGE)`,
    );
  });

  test('a base that leaves no layer above it is refused, exit 2: nothing the build added would be checked', async () => {
    await ready;
    const r = await pipeline(['verify-image', SERVICE, '--image', good, '--source', SOURCE, '--cwd', ROOT, '--base-image', good]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/has no layer above the \d+ layers of its base/);
  });

  test('a stale local copy of the base tag is pulled again before the image is refused', async () => {
    const l = await ready;
    // The engine's copy of the base tag now names another image (the tag moved since, or was never pulled here).
    await l.engine.tag(good, base);
    const r = await pipeline(['verify-image', SERVICE, '--image', good, '--source', SOURCE, '--cwd', ROOT, '--base-image', base]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/all \d+ rules pass/);
  });
});
