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
import { lab, ROOT, SOURCE } from './support/lab.js';

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
    // Outside /app: the builder's workspace (its node_modules holds the build's devDependencies, its
    // service folder the TypeScript sources and compiler settings).
    name: "the builder's workspace copied beside /app",
    rule: 'no-dev-dependencies',
    rules: ['no-dev-dependencies', 'compiled-only'],
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
  { name: 'built without SOURCE and REVISION', rule: 'oci-labels', evidence: /org\.opencontainers\.image\.source is "unknown"/, dockerfile: (d) => d, labels: false },
];

const work = mkdtempSync(join(tmpdir(), 'kc-broken-'));
const built: string[] = [];

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
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

    const r = await pipeline(['verify-image', SERVICE, '--image', tag, '--source', SOURCE, '--cwd', ROOT]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(ruleLines(r.stdout).filter((x) => !x.ok)).toEqual((variant.rules ?? [variant.rule]).map((rule) => ({ rule, ok: false })));
    const message = r.stderr.split('\n').find((line) => line.includes(`rule ${variant.rule} failed`));
    expect(message, r.stderr).toMatch(variant.evidence);
  });
});
