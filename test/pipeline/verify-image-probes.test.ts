/** Which probe containers a verify-image run removes before it starts its own (core/verify/probes.ts). */
import { expect, test } from 'vitest';
import { probeOwner, staleProbes } from '../../scripts/core/verify/probes.js';

const running = new Set([100, 200]);
const isRunning = (pid: number) => running.has(pid);

test('the owner label is <pid>@<hostname>', () => {
  expect(probeOwner(4242, 'runner-7')).toBe('4242@runner-7');
});

test.each([
  ['a run of this host that is gone', '300@here', ['c']],
  ['a run of this host still going', '100@here', []],
  ['another host (a shared engine): cannot tell', '300@elsewhere', []],
  ['a host name with an @ in it', '300@here@x', []],
  ['no pid', '@here', []],
  ['pid 0 (no process of its own)', '0@here', []],
  ['a value of another form', 'someone', []],
  ['an empty value', '', []],
])('%s: %j', (_name, owner, removed) => {
  expect(staleProbes([{ id: 'c', owner }], 'here', isRunning)).toEqual(removed);
});

test('of several, exactly the stale ones, in order', () => {
  const probes = [
    { id: 'a', owner: '300@here' },
    { id: 'b', owner: '200@here' },
    { id: 'c', owner: '301@here' },
  ];
  expect(staleProbes(probes, 'here', isRunning)).toEqual(['a', 'c']);
});
