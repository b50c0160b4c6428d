// The short name of a command a message quotes (core/command-name.ts): what ran, without its flags.
import { expect, test } from 'vitest';
import { commandName } from '../../scripts/core/command-name.js';

test.each<[string, string[], string]>([
  [
    'docker compose: the verb after the global flags',
    ['docker', 'compose', '--project-name', 'shop-staging', '--project-directory', '/srv', '--file', 'a.yml', '--file', 'b.yml', 'up', '--detach', '--wait', 'alpha'],
    'docker compose up',
  ],
  ['docker compose pull', ['docker', 'compose', '--project-name', 'p', '--file', 'a.yml', 'pull', '--quiet', 'alpha'], 'docker compose pull'],
  [
    'kubectl with a context and a namespace',
    ['kubectl', '--context', 'prod', '--namespace', 'shop', 'rollout', 'status', 'deployment/alpha', '--timeout=60s'],
    'kubectl rollout status',
  ],
  ['a flag with its value in one word', ['kubectl', '--namespace=shop', 'set', 'image', 'deployment/alpha'], 'kubectl set image'],
  ['a plain command', ['sleep', '5'], 'sleep 5'],
  ['a flag without a value before another flag', ['docker', 'compose', '--verbose', '--file', 'a.yml', 'ps'], 'docker compose ps'],
  ['the words after the third are left out', ['docker', 'container', 'logs', '--tail', '50', 'abc'], 'docker container logs'],
  ['the program alone', ['git'], 'git'],
])('%s', (_, argv, name) => {
  expect(commandName(argv)).toBe(name);
});
