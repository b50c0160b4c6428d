/**
 * The isolation claim of the brief, measured: in a copy of the repository, change one service's source
 * (B) and rebuild all 12 images. Every other service (A) must run no Dockerfile step (all CACHED in
 * BuildKit's progress) and keep the same image ID and layer digests (same build arguments, revision
 * label included, --provenance=false); B must rebuild only from the COPY of its own folder on, and only
 * its last layer may change.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { summarizeSteps } from '../../scripts/core/verify/build-steps.js';
import { buildService, type ServiceBuild } from './support/build.js';
import { copyBuildContext } from './support/context.js';
import { type Lab, lab, services } from './support/lab.js';

const CHANGED = 'course-service';
const tagOf = (service: string) => `kc-e2e-isolation/${service}:probe`;

const copy = copyBuildContext('kc-isolation-');

interface Built extends ServiceBuild {
  readonly layers: readonly string[];
}
const before = new Map<string, Built>();
const after = new Map<string, Built>();

const built = new Set<string>();

async function buildAll(l: Lab, into: Map<string, Built>) {
  for (const s of services) {
    const build = await buildService(l, s.folder, { tags: [tagOf(s.folder)], context: copy });
    built.add(tagOf(s.folder));
    const image = await l.engine.inspectImage(tagOf(s.folder));
    into.set(s.folder, { ...build, layers: image?.layers ?? [] });
  }
}

afterAll(async () => {
  rmSync(copy, { recursive: true, force: true });
  if (built.size === 0) return;
  const l = await lab();
  for (const tag of built) await l.engine.removeImage(tag);
});

test('all 12 images build from the unchanged copy', async () => {
  await buildAll(await lab(), before);
  expect(before.size).toBe(12);
});

test(`after a change to ${CHANGED}'s source only, rebuilding all 12 rebuilds only ${CHANGED}'s own steps`, async () => {
  // A new value on every run: the change can never be found in the cache of an earlier run.
  appendFileSync(join(copy, 'services', CHANGED, 'src', 'index.ts'), `\nexport const isolationProbe = '${randomBytes(8).toString('hex')}';\n`);
  await buildAll(await lab(), after);

  for (const s of services.filter((x) => x.folder !== CHANGED)) {
    const a = after.get(s.folder);
    const b = before.get(s.folder);
    expect(summarizeSteps(a?.steps ?? []).executedSteps, `${s.folder} ran steps`).toEqual([]);
    expect(summarizeSteps(a?.steps ?? []).cached, s.folder).toBeGreaterThan(0);
    expect(a?.imageId, `${s.folder} image ID`).toBe(b?.imageId);
    expect(a?.layers, `${s.folder} layers`).toEqual(b?.layers);
  }

  const changed = summarizeSteps(after.get(CHANGED)?.steps ?? []);
  expect(changed.executedSteps[0]).toMatch(new RegExp(`^\\[builder \\d+/\\d+\\] COPY services/${CHANGED}/ `));
  // Nothing before the service's own folder ran: not the base, not the dependency fetch, not the libraries.
  expect(changed.executedSteps.filter((s) => /^\[(base|deps) /.test(s) || / COPY (packages\/|tsconfig)/.test(s))).toEqual([]);
  expect(changed.cached).toBeGreaterThan(0);
  const [b, a] = [before.get(CHANGED), after.get(CHANGED)];
  expect(a?.imageId).not.toBe(b?.imageId);
  // The runtime image is the base + WORKDIR + the deployed service: only that last layer differs.
  expect(a?.layers.slice(0, -1)).toEqual(b?.layers.slice(0, -1));
  expect(a?.layers.at(-1)).not.toBe(b?.layers.at(-1));
});

test('after a change to a library used by 3 services, rebuilding all 12 rebuilds exactly those 3', async () => {
  // The same set `pipeline affected` reports for this change (test/plan/ci-workflow.test.ts): the image's
  // inputs are the service's workspace dependency closure, nothing more.
  const users = services.filter((s) => s.workspaceDeps.includes('@kodingcaravan/auth')).map((s) => s.folder);
  expect(users.sort()).toEqual(['api-gateway', 'student-auth-service', 'trainer-auth-service']);
  const previous = new Map(after);
  appendFileSync(join(copy, 'packages', 'auth', 'src', 'index.ts'), `\nexport const isolationProbe = '${randomBytes(8).toString('hex')}';\n`);
  const third = new Map<string, Built>();
  await buildAll(await lab(), third);
  let authCopies = 0;
  for (const s of services) {
    const ran = summarizeSteps(third.get(s.folder)?.steps ?? []).executedSteps;
    if (users.includes(s.folder)) {
      // The builder steps up to `COPY packages/auth/` are the same in the 3 Dockerfiles, so BuildKit runs that
      // COPY once (for the first of them) and shares it; each then rebuilds from its own folder on.
      authCopies += ran.filter((step) => /^\[builder \d+\/\d+\] COPY packages\/auth\/ /.test(step)).length;
      expect(
        ran.filter((step) => new RegExp(`^\\[builder \\d+/\\d+\\] COPY services/${s.folder}/ `).test(step)),
        `${s.folder}: ${ran.join(' | ')}`,
      ).toHaveLength(1);
      expect(
        ran.filter((step) => /^\[(base|deps) /.test(step) || / COPY packages\/shared\//.test(step)),
        `${s.folder}: ${ran.join(' | ')}`,
      ).toEqual([]);
      expect(third.get(s.folder)?.imageId, s.folder).not.toBe(previous.get(s.folder)?.imageId);
    } else {
      expect(ran, `${s.folder} ran steps`).toEqual([]);
      expect(third.get(s.folder)?.imageId, s.folder).toBe(previous.get(s.folder)?.imageId);
    }
  }
  expect(authCopies).toBe(1);
});
