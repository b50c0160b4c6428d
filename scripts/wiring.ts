/**
 * The one wiring point: the real effects a command gets in its context (core/timeouts.ts bounds each).
 * Each effect's module is loaded on first use, so a command pays only for what it uses.
 */
import type { Effects } from './commands/types.js';
import { TIMEOUTS } from './core/timeouts.js';

type Env = Readonly<Record<string, string | undefined>>;

export function realEffects(env: Env): Effects {
  return {
    async registry(host) {
      const [{ registryBaseUrl, registryClient }, { dockerCredentials }] = await Promise.all([import('./io/registry.js'), import('./io/docker-credentials.js')]);
      return registryClient(registryBaseUrl(host), { timeoutMs: TIMEOUTS.registryMs, credentials: () => dockerCredentials(env, host, TIMEOUTS.credentialsMs) });
    },
    async github() {
      const { githubApi, githubApiOptionsFromEnv } = await import('./io/github-api.js');
      return githubApi(githubApiOptionsFromEnv(env, TIMEOUTS.githubMs));
    },
    async git(cwd) {
      const { openGit } = await import('./io/git.js');
      return openGit(cwd);
    },
    async target(environment, cwd) {
      const { exec } = await import('./io/container-engine.js');
      const run = (argv: readonly string[], stop?: AbortSignal) => exec(argv[0] ?? '', argv.slice(1), undefined, (environment.healthTimeoutSeconds + 120) * 1000, stop);
      const { target } = environment;
      if (target.kind === 'kubernetes') return (await import('./io/targets/kubernetes.js')).kubernetesTarget(target, run);
      return (await import('./io/targets/compose.js')).composeTarget({ file: target.file, project: target.project, cwd }, run);
    },
    async engine() {
      const { dockerEngine } = await import('./io/container-engine.js');
      return dockerEngine();
    },
  };
}
