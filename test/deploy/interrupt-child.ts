/**
 * The child process of interrupt.test.ts: `pipeline deploy` run in-process through the command module with
 * the wiring's real effects (the target's commands run by exec, as scripts/wiring.ts runs them), so that
 * the test can send it a real signal. The config points at the stand-ins the test started.
 *
 * SIGNAL_AFTER=`<log line>[#<n>]` (optional): once the command that logs that line (`pull sha256:…`,
 * `inspect`; its n-th time, 1 by default) has answered, and before the next one starts, this process
 * sends itself SIGTERM and lets it arrive: a signal that falls between two target commands, which a test
 * cannot time from outside (any command still running when it arrives is killed).
 */
import { pipelineConfig } from '../../pipeline.config.js';
import { run } from '../../scripts/commands/deploy/index.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { composeTarget } from '../../scripts/io/targets/compose.js';
import type { CommandRunner } from '../../scripts/io/targets/target.js';
import { realEffects } from '../../scripts/wiring.js';
import { runCommand } from '../support/cli.js';

const config: PipelineConfig = {
  ...pipelineConfig,
  publishRepository: 'acme/shop',
  registry: { kind: 'custom', host: process.env['REGISTRY_HOST'] ?? '', namespace: 'acme', usernameSecret: 'U', passwordSecret: 'P' },
  environments: [{ name: 'staging', target: { kind: 'compose', file: 'docker-compose.yml', project: 'shop-staging' }, healthTimeoutSeconds: 60 }],
};
const [after = '', nth = '1'] = (process.env['SIGNAL_AFTER'] ?? '').split('#');
let fired = false;
const effects =
  after === ''
    ? {}
    : {
        target: async (environment: PipelineConfig['environments'][number], cwd: string) => {
          const { exec } = await import('../../scripts/io/container-engine.js');
          const runner: CommandRunner = async (argv, stop) => {
            const r = await exec(argv[0] ?? '', argv.slice(1), undefined, 120_000, stop);
            // The stand-in docker logs each command last: the newest line names this one.
            const { existsSync, readFileSync } = await import('node:fs');
            const file = process.env['DOCKER_LOG'] ?? '';
            // `docker version` (the preflight) logs nothing.
            const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
            if (!fired && lines.at(-1) === after && lines.filter((l) => l === after).length === Number(nth)) {
              fired = true;
              process.kill(process.pid, 'SIGTERM');
              // The signal is delivered on a later turn of the event loop: wait for it before the next command.
              await new Promise((resolve) => setTimeout(resolve, 300));
            }
            return r;
          };
          return environment.target.kind === 'compose'
            ? composeTarget({ file: environment.target.file, project: environment.target.project, cwd }, runner)
            : realEffects({}).target(environment, cwd);
        },
      };
const r = await runCommand(run, process.argv.slice(2), { cwd: process.env['REPO'] ?? '', env: process.env, config, effects });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exitCode = r.code;
