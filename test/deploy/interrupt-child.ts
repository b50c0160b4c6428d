/**
 * The child process of interrupt.test.ts: `pipeline deploy` run in-process through the command module with
 * the wiring's real effects (the target's commands run by exec, as scripts/wiring.ts runs them), so that
 * the test can send it a real signal. The config points at the stand-ins the test started.
 */
import { pipelineConfig } from '../../pipeline.config.js';
import { run } from '../../scripts/commands/deploy/index.js';
import type { PipelineConfig } from '../../scripts/core/config.js';
import { runCommand } from '../support/cli.js';

const config: PipelineConfig = {
  ...pipelineConfig,
  publishRepository: 'acme/shop',
  registry: { kind: 'custom', host: process.env['REGISTRY_HOST'] ?? '', namespace: 'acme', usernameSecret: 'U', passwordSecret: 'P' },
  environments: [{ name: 'staging', target: { kind: 'compose', file: 'docker-compose.yml', project: 'shop-staging' }, healthTimeoutSeconds: 60 }],
};
const r = await runCommand(run, process.argv.slice(2), { cwd: process.env['REPO'] ?? '', env: process.env, config });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exitCode = r.code;
