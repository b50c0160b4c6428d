/**
 * The `signals` rule of `verify-image` (DOCKER_ARCHITECTURE.md's `exec-form-cmd`, checked at run time): PID 1
 * is the image's CMD, a node process, and the container stops on SIGTERM by itself (exit 0) before compose's
 * stop_grace_period ends. Each case is the evidence a real engine gives for one way of starting the service.
 */
import { describe, expect, test } from 'vitest';
import type { ImageEvidence, ProcessInfo, StopOutcome } from '../../scripts/core/verify/evidence.js';
import { checkSignals, RULES } from '../../scripts/core/verify/rules.js';

const CMD = ['node', 'dist/index.js'];
const proc = (pid: number, args: readonly string[]): ProcessInfo => ({ pid, uid: 1000, command: args.join(' '), args });
const handled: StopOutcome = { graceSeconds: 15, seconds: 3.04, exitCode: 0 };
/** What `docker stop --time 15` gives for a PID 1 without a SIGTERM handler: SIGKILL when the grace period ends. */
const killed: StopOutcome = { graceSeconds: 15, seconds: 15.31, exitCode: 137 };

function evidence(over: { cmd?: string[]; entrypoint?: string[]; processes?: ProcessInfo[]; stop?: StopOutcome | undefined; outcome?: ImageEvidence['outcome'] }): ImageEvidence {
  return {
    image: 'registry.test/orders:1',
    config: {
      id: 'sha256:1',
      user: 'node',
      labels: {},
      healthcheck: ['CMD', 'node', 'health.js'],
      env: [],
      entrypoint: over.entrypoint ?? [],
      cmd: over.cmd ?? CMD,
      workingDir: '/app',
      layers: ['sha256:b', 'sha256:a'],
      size: 1,
    },
    outcome: over.outcome ?? { kind: 'healthy' },
    processes: over.processes ?? [proc(1, CMD)],
    stop: 'stop' in over ? over.stop : handled,
    files: [],
    added: [],
    base: { image: 'node:24-alpine', layers: 1 },
    appManifest: undefined,
    logTail: '',
  };
}

const SH_C = ['sh', '-c', 'node dist/index.js'];
const FIX = '; start node directly: an exec-form CMD ["node", ...] and no ENTRYPOINT (or one that ends in `exec "$@"`)';

describe('passes', () => {
  test.each<[string, ImageEvidence, string]>([
    ['node as PID 1, stopped by its own handler', evidence({}), 'PID 1 is the CMD ["node","dist/index.js"]; on SIGTERM it exited 0 after 3.0 s (stop_grace_period 15 s)'],
    [
      // The official Node images' docker-entrypoint.sh ends in `exec "$@"`: node replaces it as PID 1.
      'an ENTRYPOINT that execs the CMD, other processes beside it',
      evidence({ entrypoint: ['docker-entrypoint.sh'], processes: [proc(7, ['node', '-e', 'x']), proc(1, CMD)] }),
      'PID 1 is the CMD ["node","dist/index.js"]; on SIGTERM it exited 0 after 3.0 s (stop_grace_period 15 s)',
    ],
    [
      'node by its full path',
      evidence({ cmd: ['/usr/local/bin/node', 'dist/index.js'], processes: [proc(1, ['/usr/local/bin/node', 'dist/index.js'])] }),
      'PID 1 is the CMD ["/usr/local/bin/node","dist/index.js"]; on SIGTERM it exited 0 after 3.0 s (stop_grace_period 15 s)',
    ],
    [
      'a container that exited before it could be signalled (the healthy rule names it)',
      evidence({ outcome: { kind: 'exited', exitCode: 1 }, processes: [], stop: undefined }),
      'not judged: the container exited (code 1) before it could be signalled',
    ],
  ])('%s', (_name, e, shown) => {
    expect(checkSignals(e)).toEqual({ rule: 'signals', ok: true, evidence: shown });
  });
});

describe('fails, naming what was seen', () => {
  test.each<[string, ImageEvidence, string]>([
    [
      // dash as PID 1: no handler for SIGTERM, so the signal is dropped and node never sees it.
      'CMD ["sh", "-c", "node dist/index.js"]: the shell is PID 1 and the engine kills it',
      evidence({ cmd: SH_C, processes: [proc(1, SH_C), proc(7, CMD)], stop: killed }),
      `the image's CMD ["sh","-c","node dist/index.js"] does not start node; on SIGTERM it did not exit within the 15 s of compose's stop_grace_period: the engine killed it (exit 137) after 15.3 s; PID 1 ignored SIGTERM (a process that is PID 1 has no default handler)`,
    ],
    [
      // busybox sh execs the last command of -c: node is PID 1 and stops, but the CMD is not node's.
      'a shell CMD whose shell execs node: PID 1 is node, not the CMD',
      evidence({ cmd: SH_C, processes: [proc(1, CMD)] }),
      `the image's CMD ["sh","-c","node dist/index.js"] does not start node; PID 1 runs ["node","dist/index.js"], not the image's CMD ["sh","-c","node dist/index.js"]`,
    ],
    [
      'a shell-form CMD (stored as /bin/sh -c)',
      evidence({ cmd: ['/bin/sh', '-c', 'node dist/index.js'], processes: [proc(1, ['/bin/sh', '-c', 'node dist/index.js'])], stop: killed }),
      `the image's CMD ["/bin/sh","-c","node dist/index.js"] does not start node; on SIGTERM it did not exit within the 15 s of compose's stop_grace_period: the engine killed it (exit 137) after 15.3 s; PID 1 ignored SIGTERM (a process that is PID 1 has no default handler)`,
    ],
    [
      'an entrypoint script without exec: the script is PID 1, the CMD its child',
      evidence({ entrypoint: ['/entrypoint.sh'], processes: [proc(1, ['/bin/sh', '/entrypoint.sh', 'node', 'dist/index.js']), proc(8, CMD)], stop: killed }),
      `PID 1 runs ["/bin/sh","/entrypoint.sh","node","dist/index.js"], not the image's CMD ["node","dist/index.js"] (its ENTRYPOINT ["/entrypoint.sh"] runs first); on SIGTERM it did not exit within the 15 s of compose's stop_grace_period: the engine killed it (exit 137) after 15.3 s; PID 1 ignored SIGTERM (a process that is PID 1 has no default handler)`,
    ],
    [
      'node as PID 1 that ignores SIGTERM (no handler installed)',
      evidence({ stop: killed }),
      "on SIGTERM it did not exit within the 15 s of compose's stop_grace_period: the engine killed it (exit 137) after 15.3 s; PID 1 ignored SIGTERM (a process that is PID 1 has no default handler)",
    ],
    [
      // A grace period that ran out is the engine's SIGKILL whatever the code says.
      'an exit 0 only when the grace period had ended',
      evidence({ stop: { graceSeconds: 15, seconds: 15, exitCode: 0 } }),
      "on SIGTERM it did not exit within the 15 s of compose's stop_grace_period: the engine killed it (exit 0) after 15.0 s; PID 1 ignored SIGTERM (a process that is PID 1 has no default handler)",
    ],
    [
      // An init (tini, --init) passes SIGTERM on to a node without handlers: it dies of the signal, undrained.
      'killed by SIGTERM itself (143): no handler of the service ran',
      evidence({ stop: { graceSeconds: 15, seconds: 0.2, exitCode: 143 } }),
      'on SIGTERM it died of the signal itself (exit 143) after 0.2 s: no handler of the service ran, so it did not drain',
    ],
    [
      'a shutdown that failed',
      evidence({ stop: { graceSeconds: 15, seconds: 1.5, exitCode: 1 } }),
      "on SIGTERM it exited with code 1 after 1.5 s, not 0 from the service's own shutdown",
    ],
    ['no CMD at all', evidence({ cmd: [], processes: [proc(1, ['node'])] }), `the image's CMD [] does not start node; PID 1 runs ["node"], not the image's CMD []`],
    ['a CMD that only looks like node', evidence({ cmd: ['nodejs', 'x'], processes: [proc(1, ['nodejs', 'x'])] }), `the image's CMD ["nodejs","x"] does not start node`],
    ['no PID 1 among the processes read', evidence({ processes: [proc(5, CMD)] }), 'no PID 1 among the processes read inside the container'],
    [
      'a running container that was not stopped',
      evidence({ outcome: { kind: 'unhealthy', probeOutput: 'x' }, stop: undefined }),
      'the container was not stopped, so nothing shows that it stops on SIGTERM',
    ],
  ])('%s', (_name, e, shown) => {
    expect(checkSignals(e)).toEqual({ rule: 'signals', ok: false, evidence: `${shown}${FIX}` });
  });
});

test('the rule is described by what it checks', () => {
  expect(RULES.signals).toMatch(/PID 1 .* CMD.* SIGTERM .* stop_grace_period/);
});
