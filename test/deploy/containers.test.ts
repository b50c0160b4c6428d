// Whether the containers compose started keep running (core/deploy/containers.ts), from docker inspect's lines.
import { describe, expect, test } from 'vitest';
import { type ContainerState, notRunning, parseContainerStates } from '../../scripts/core/deploy/containers.js';

const state = (over: Partial<ContainerState>): ContainerState => ({
  id: 'new',
  name: 'shop-alpha-1',
  restarts: 0,
  status: 'running',
  exitCode: 0,
  health: 'healthy',
  oneOff: false,
  ...over,
});

describe('parseContainerStates', () => {
  test('one JSON object a line, the leading slash of the name left out, a missing health check as null', () => {
    const text = [
      '{"id":"abc","name":"/shop-alpha-1","restarts":3,"oneoff":"False","state":{"Status":"restarting","Running":true,"Restarting":true,"ExitCode":1,"Health":{"Status":"starting","FailingStreak":0,"Log":[]}}}',
      '{"id":"def","name":"/shop-alpha-2","restarts":0,"oneoff":"","state":{"Status":"running","Running":true,"ExitCode":0}}',
      '{"id":"123","name":"/shop-alpha-run-5f2a","restarts":0,"oneoff":"True","state":{"Status":"exited","Running":false,"ExitCode":0}}',
      '',
    ].join('\n');
    expect(parseContainerStates(text)).toEqual([
      { id: 'abc', name: 'shop-alpha-1', restarts: 3, status: 'restarting', exitCode: 1, health: 'starting', oneOff: false },
      { id: 'def', name: 'shop-alpha-2', restarts: 0, status: 'running', exitCode: 0, health: null, oneOff: false },
      { id: '123', name: 'shop-alpha-run-5f2a', restarts: 0, status: 'exited', exitCode: 0, health: null, oneOff: true },
    ]);
  });
  test.each([
    ['not JSON', 'Error: No such object: abc'],
    ['not an object', '[1]'],
    ['a count that is not a number', '{"id":"abc","name":"/x","restarts":"3","oneoff":"False","state":{"Status":"running","ExitCode":0}}'],
    ['no state', '{"id":"abc","name":"/x","restarts":0,"oneoff":"False"}'],
    ['no one-off label read', '{"id":"abc","name":"/x","restarts":0,"state":{"Status":"running","ExitCode":0}}'],
    ['a state without a status', '{"id":"abc","name":"/x","restarts":0,"oneoff":"False","state":{"ExitCode":0}}'],
    ['an exit code that is not a number', '{"id":"abc","name":"/x","restarts":0,"oneoff":"False","state":{"Status":"exited","ExitCode":"1"}}'],
    ['a health status that is not a string', '{"id":"abc","name":"/x","restarts":0,"oneoff":"False","state":{"Status":"running","ExitCode":0,"Health":{"Status":1}}}'],
    ['no id', '{"name":"/x","restarts":0,"oneoff":"False","state":{"Status":"running","ExitCode":0}}'],
  ])('%s: a line saying what it printed', (_, text) => {
    expect(parseContainerStates(text)).toBe(`docker inspect printed ${JSON.stringify(text)}, not a container's state`);
  });
});

describe('notRunning', () => {
  test.each<[string, ContainerState[], ContainerState[], string | undefined]>([
    ['a new container, running and healthy', [state({ id: 'old' })], [state({})], undefined],
    ['running without a health check, never restarted', [], [state({ health: null })], undefined],
    [
      'restarting (its start command exits 1, its policy restarts it)',
      [state({ id: 'old' })],
      [state({ status: 'restarting', exitCode: 1, restarts: 2, health: 'starting' })],
      'container shop-alpha-1 is restarting (exit code 1, restarted 2 times)',
    ],
    [
      'running again, but restarted since the deploy began (compose without a health check said ready)',
      [],
      [state({ restarts: 1, health: null, exitCode: 1 })],
      'container shop-alpha-1 keeps restarting (restarted 1 time)',
    ],
    ['exited (no restart policy)', [], [state({ status: 'exited', exitCode: 137 })], 'container shop-alpha-1 is exited (exit code 137, restarted 0 times)'],
    ['unhealthy', [], [state({ health: 'unhealthy' })], 'container shop-alpha-1 is unhealthy (restarted 0 times)'],
    ['the same container, left as it was, keeps its earlier restarts', [state({ restarts: 4 })], [state({ restarts: 4 })], undefined],
    ['the same container, restarted once more since', [state({ restarts: 4 })], [state({ restarts: 5 })], 'container shop-alpha-1 keeps restarting (restarted 5 times)'],
    ['no container at all', [state({})], [], 'no container of the service exists after `up`'],
    [
      'a one-off container (`docker compose run`) that exited is passed over',
      [state({ id: 'run', oneOff: true, status: 'exited' })],
      [state({}), state({ id: 'run', name: 'shop-alpha-run-5f2a', oneOff: true, status: 'exited' })],
      undefined,
    ],
    ['one-off containers only: none that up started', [], [state({ id: 'run', oneOff: true, status: 'exited' })], 'no container of the service exists after `up`'],
  ])('%s', (_, before, after, verdict) => {
    expect(notRunning(before, after)).toBe(verdict);
  });
});
